//! Words the extractor knows: countries and their demonyms, status triggers, and the
//! phrases that mark a restriction or a country-wide border.

use std::sync::LazyLock;

use regex::Regex;

use super::ascii_words;

/// `(ISO code, display name, zone, names and demonyms)`.
const COUNTRIES: &[(&str, &str, &str, &[&str])] = &[
    ("PK", "Pakistan", "Asia/Karachi", &["pakistan", "pakistani", "pakistanis"]),
    ("AF", "Afghanistan", "Asia/Kabul", &["afghanistan", "afghan", "afghans"]),
    ("IR", "Iran", "Asia/Tehran", &["iran", "iranian"]),
    ("IN", "India", "Asia/Kolkata", &["india", "indian"]),
    ("CN", "China", "Asia/Shanghai", &["china", "chinese"]),
    ("UZ", "Uzbekistan", "Asia/Tashkent", &["uzbekistan", "uzbek"]),
    ("TJ", "Tajikistan", "Asia/Dushanbe", &["tajikistan", "tajik"]),
    ("TM", "Turkmenistan", "Asia/Ashgabat", &["turkmenistan", "turkmen"]),
    ("KZ", "Kazakhstan", "Asia/Almaty", &["kazakhstan", "kazakh"]),
    ("KG", "Kyrgyzstan", "Asia/Bishkek", &["kyrgyzstan", "kyrgyz"]),
    ("FI", "Finland", "Europe/Helsinki", &["finland", "finnish"]),
    ("RU", "Russia", "Europe/Moscow", &["russia", "russian"]),
    ("BY", "Belarus", "Europe/Minsk", &["belarus", "belarusian", "belarusians"]),
    ("LT", "Lithuania", "Europe/Vilnius", &["lithuania", "lithuanian"]),
    ("LV", "Latvia", "Europe/Riga", &["latvia", "latvian"]),
    ("EE", "Estonia", "Europe/Tallinn", &["estonia", "estonian"]),
    ("PL", "Poland", "Europe/Warsaw", &["poland", "polish"]),
    ("UA", "Ukraine", "Europe/Kyiv", &["ukraine", "ukrainian"]),
    ("NO", "Norway", "Europe/Oslo", &["norway", "norwegian"]),
    ("MD", "Moldova", "Europe/Chisinau", &["moldova", "moldovan"]),
    ("RO", "Romania", "Europe/Bucharest", &["romania", "romanian"]),
    ("HU", "Hungary", "Europe/Budapest", &["hungary", "hungarian"]),
    ("RS", "Serbia", "Europe/Belgrade", &["serbia", "serbian"]),
    ("GE", "Georgia", "Asia/Tbilisi", &["georgia", "georgian"]),
    ("AM", "Armenia", "Asia/Yerevan", &["armenia", "armenian"]),
    ("AZ", "Azerbaijan", "Asia/Baku", &["azerbaijan", "azerbaijani"]),
    ("TR", "Türkiye", "Europe/Istanbul", &["turkey", "turkish", "turkiye"]),
    ("SY", "Syria", "Asia/Damascus", &["syria", "syrian"]),
    ("IQ", "Iraq", "Asia/Baghdad", &["iraq", "iraqi"]),
    ("LB", "Lebanon", "Asia/Beirut", &["lebanon", "lebanese"]),
    ("JO", "Jordan", "Asia/Amman", &["jordan", "jordanian"]),
    ("IL", "Israel", "Asia/Jerusalem", &["israel", "israeli"]),
    ("PS", "Palestine", "Asia/Gaza", &["gaza", "palestine", "palestinian", "west bank"]),
    ("EG", "Egypt", "Africa/Cairo", &["egypt", "egyptian"]),
    ("US", "United States", "America/New_York", &["united states", "u s", "american"]),
    ("MX", "Mexico", "America/Mexico_City", &["mexico", "mexican"]),
    ("CA", "Canada", "America/Toronto", &["canada", "canadian"]),
    ("TH", "Thailand", "Asia/Bangkok", &["thailand", "thai"]),
    ("KH", "Cambodia", "Asia/Phnom_Penh", &["cambodia", "cambodian"]),
    ("MM", "Myanmar", "Asia/Yangon", &["myanmar"]),
    ("BD", "Bangladesh", "Asia/Dhaka", &["bangladesh", "bangladeshi"]),
    ("NP", "Nepal", "Asia/Kathmandu", &["nepal", "nepalese", "nepali"]),
    ("VE", "Venezuela", "America/Caracas", &["venezuela", "venezuelan"]),
    ("CO", "Colombia", "America/Bogota", &["colombia", "colombian"]),
    ("SD", "Sudan", "Africa/Khartoum", &["sudan", "sudanese"]),
    ("TD", "Chad", "Africa/Ndjamena", &["chad", "chadian"]),
    ("ET", "Ethiopia", "Africa/Addis_Ababa", &["ethiopia", "ethiopian"]),
    ("KE", "Kenya", "Africa/Nairobi", &["kenya", "kenyan"]),
    ("NG", "Nigeria", "Africa/Lagos", &["nigeria", "nigerian"]),
    ("NE", "Niger", "Africa/Niamey", &["niger", "nigerien"]),
    ("BJ", "Benin", "Africa/Porto-Novo", &["benin", "beninese"]),
    ("RW", "Rwanda", "Africa/Kigali", &["rwanda", "rwandan"]),
    ("CD", "DR Congo", "Africa/Kinshasa", &["congo", "congolese", "drc"]),
    ("DZ", "Algeria", "Africa/Algiers", &["algeria", "algerian"]),
    ("MA", "Morocco", "Africa/Casablanca", &["morocco", "moroccan"]),
    ("LY", "Libya", "Africa/Tripoli", &["libya", "libyan"]),
    ("TN", "Tunisia", "Africa/Tunis", &["tunisia", "tunisian"]),
    ("HT", "Haiti", "America/Port-au-Prince", &["haiti", "haitian"]),
    ("DO", "Dominican Republic", "America/Santo_Domingo", &["dominican republic", "dominican"]),
];

/// A country: code, name, zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Country {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) tz: &'static str,
}

/// Country names and demonyms (folded, one or two words) → index into `COUNTRIES`.
static COUNTRY_WORDS: LazyLock<std::collections::HashMap<&'static str, usize>> =
    LazyLock::new(|| COUNTRIES.iter().enumerate().flat_map(|(i, c)| c.3.iter().map(move |w| (*w, i))).collect());

/// Countries named in folded text, in order of first mention, each once.
pub(crate) fn countries_in(folded: &str) -> Vec<(usize, Country)> {
    let words: Vec<(usize, &str)> = folded
        .split(' ')
        .scan(0, |pos, w| {
            let at = *pos;
            *pos += w.len() + 1;
            Some((at, w))
        })
        .collect();
    let mut found: Vec<(usize, Country)> = Vec::new();
    for (k, (pos, w)) in words.iter().enumerate() {
        let two = words.get(k + 1).map(|(_, n)| format!("{w} {n}"));
        let hit = two.as_deref().and_then(|t| COUNTRY_WORDS.get(t)).or_else(|| COUNTRY_WORDS.get(w));
        if let Some(&i) = hit {
            let (code, name, tz, _) = COUNTRIES[i];
            if !found.iter().any(|(_, c)| c.code == code) {
                found.push((*pos, Country { code, name, tz }));
            }
        }
    }
    found
}

/// Status words. Group `closed`, `open` or `restricted` says which.
pub(crate) static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)
        (?:
          (?P<restricted>\b(?:restricted|restricts?|restricting|partially\s+(?:re-?)?open(?:ed)?|partial(?:ly)?\s+(?:re-?)?opening|limited\s+(?:re-?)?opening)\b)
        | (?P<closed>\b(?:closed|closes?|closing|closures?|shut(?:\s+down)?|shuts|shutting|shutdown|sealed|seals?|sealing|suspended|suspends?|suspending|suspension|halted|halts?|halting|blocked)\b)
        | (?P<open>\b(?:re-?opened|re-?opens?|re-?opening|resumed|resumes?|resuming|opened|opens?|opening)\b
                  |\ballow(?:s|ed|ing)?\b(?:\s+\w+){0,4}?\s+(?:crossings?|traffic|trade|passage|movement|vehicles|trucks|pedestrians|travell?ers|passengers)\b)
        )",
    )
    .expect("trigger regex")
});

/// Words just before a status word that negate it: `not closed`, `no longer open`.
pub(crate) static NEGATED: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:not|never|no\s+longer)\s+(?:be\s+|been\s+|being\s+)?$").expect("negation regex")
});

/// Words just before a status word that make it a state that continues ("remained
/// closed") rather than one that starts.
pub(crate) static CONTINUING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:remained|remains|remain|remaining|still|continued\s+to\s+be|continues\s+to\s+be|stayed|stays|extend(?:ed|s)?\s+the)\s+(?:\w+\s+)?$")
        .expect("continuing regex")
});

/// A closure that ended, stated by its length: `following a 27-day closure`,
/// `after ten days of closure`.
pub(crate) static CLOSURE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let n = super::dates::NUMBER;
    ascii_words(&format!(
        r"(?ix)\b(?:after|following|ending|ended)\s+(?:a|an|the|its)?\s*(?:
            (?P<n1>{n})[\s-](?P<u1>day|week|month|year)s?(?:[\s-]long)?\s+(?:closure|shutdown|suspension|closing|blockade)
          | (?P<n2>{n})\s+(?P<u2>day|week|month|year)s?\s+of\s+(?:closure|shutdown|suspension|being\s+closed)
        )\b"
    ))
    .expect("closure regex")
});

/// Words that name a crossing without naming which one ("the crossing", "the border").
pub(crate) static GENERIC_CROSSING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?:crossings?|border|checkpoints?|checkposts?|gates?|port of entry|entry points?|frontier|terminal)\b",
    )
    .expect("generic regex")
});

/// A border between countries rather than one crossing: `its border with Russia`,
/// `crossings along the frontier`, `all entry points`.
pub(crate) static COUNTRY_BORDER: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)\b(?:
            (?:its|their|the|our)\s+(?:\w+\s+){0,2}?(?:land\s+)?border\s+with
          | border\s+between
          | (?:all|the|its)\s+(?:\w+\s+){0,2}?(?:border\s+)?(?:crossings|checkpoints|entry\s+points|crossing\s+points|border\s+posts)
          | crossings\s+(?:along|on|with)
          | (?:the|its)\s+(?:\w+\s+)?frontier
        )\b",
    )
    .expect("country border regex")
});

/// A scope that limits who may cross: `for cargo vehicles`, `with exceptions for`.
pub(crate) static SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s*(?:(?:\w+\s+){0,3}?)?for\s+(?P<scope>[^,;.]{3,80}?)\s*(?:,|;|\.|$|\bafter\b|\bfollowing\b|\bon\b|\bfrom\b|\buntil\b|\bsince\b|\bstarting\b|\bwith\b|\bby\b|\bwhile\b|\bas\b)")
        .expect("scope regex")
});

/// True when a scope phrase limits traffic rather than describing all of it.
pub(crate) fn is_restrictive(scope: &str) -> bool {
    let s = scope.to_ascii_lowercase();
    if ["only", "except", "exempt", "certain", "limited", "restricted", "humanitarian"].iter().any(|w| s.contains(w)) {
        return true;
    }
    if s.contains(" all ") || s.starts_with("all ") || s.contains(" and ") || s.contains('&') || s.contains("both") {
        return false;
    }
    ["cargo", "goods", "truck", "freight", "commercial", "pedestrian", "passenger", "traveller", "traveler", "trade"]
        .iter()
        .any(|w| s.contains(w))
}

/// Words after an opening that make it partial: `only`, `one direction`, `limited hours`.
pub(crate) static LIMITS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)^[^.;]{0,60}?\b(?:only|one[\s-]way|one\s+direction|limited\s+hours|partially|partly|some\s+traffic)\b",
    )
    .expect("limits regex")
});

/// A planned change that will not happen: postponed, delayed, cancelled.
pub(crate) static CALLED_OFF: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:postponed?|postponing|delayed|delays?|cancell?ed|called\s+off|put\s+off|shelved|scrapped)\b")
        .expect("called-off regex")
});

/// Something other than the crossing that dates belong to: between a status word and a
/// date, it takes the date ("closed, despite a ceasefire that runs until March 30").
pub(crate) static OTHER_THING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:ceasefire|cease-fire|truce|deadline|visit|visited|talks|negotiations|agreement|deal|curfew|election|elections|summit|meeting|holiday|festival|exams?|season|which|that\s+(?:runs|lasts|expires|ends))\b")
        .expect("other-thing regex")
});
