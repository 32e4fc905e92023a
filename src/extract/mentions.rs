//! Crossings named in a sentence: gazetteer names and aliases (folded: case, diacritics
//! and punctuation do not matter), and names found by pattern for crossings the
//! gazetteer does not know ("the Nowhere border crossing", "X Port of Entry").

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::ascii_words;

use super::lexicon::{countries_in, Country};
use super::when::number;
use super::Target;
use crate::gazetteer::{fold, slug, Gazetteer};
use crate::model::Crossing;

/// A crossing named at a byte position of the sentence.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub(crate) pos: usize,
    /// Where the name ends.
    pub(crate) end: usize,
    pub(crate) target: Target,
}

static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?P<a>(?:\p{Lu}[\p{L}’'\-]+\s+){1,3}?)(?:[Ii]nternational\s+)?(?:[Bb]order\s+|[Ll]and\s+|[Rr]oad\s+|[Tt]rade\s+)?(?P<kind>crossing(?:\s+point)?|checkpoint|checkpost|check\s+post|port\s+of\s+entry|Port\s+of\s+Entry|border\s+post|gate|Gate|[Ll]and\s+[Pp]ort|[Dd]ry\s+[Pp]ort)(?P<plural>s)?\b
      | \b(?P<a2>(?:\p{Lu}[\p{L}’'\-]+\s+){1,3}?)(?:ports\s+of\s+entry|Ports\s+of\s+Entry|points)\b
      | \b(?:crossing(?:\s+point)?|checkpoint|checkpost|border\s+post)\s+(?:at|in|of)\s+(?P<b>\p{Lu}[\p{L}’'\-]+(?:\s+\p{Lu}[\p{L}’'\-]+)?)",
    )
    .expect("mention regex")
});

/// A plural crossing's noun and then a list of names: "checkpoints in Beldandi and
/// Tribhuvan Basti".
static AT_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:crossing(?:\s+point)?|checkpoint|checkpost|border\s+post)(?P<plural_b>s)\s+(?:at|in|of)\s+(?P<b>\p{Lu}[\p{L}’'\-]+(?:\s+\p{Lu}[\p{L}’'\-]+)?)",
    )
    .expect("mention-at regex")
});

/// The words every match of [`PATTERN`] holds, ASCII case ignored: a sentence with none
/// of them is not searched.
static KINDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "crossing",
            "checkpoint",
            "checkpost",
            "check post",
            "port of entry",
            "ports of entry",
            "points",
            "border post",
            "gate",
            "land port",
            "dry port",
        ])
        .expect("crossing kinds")
});

/// Capitalized words that start sentences or describe, rather than name, a crossing.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "all",
    "key",
    "main",
    "border",
    "land",
    "road",
    "trade",
    "this",
    "that",
    "its",
    "their",
    "his",
    "her",
    "our",
    "several",
    "both",
    "many",
    "some",
    "second",
    "third",
    "first",
    "last",
    "busy",
    "busiest",
    "temporary",
    "permanent",
    "official",
    "unofficial",
    "informal",
    "major",
    "international",
    "eastern",
    "western",
    "northern",
    "southern",
    "north",
    "south",
    "east",
    "west",
    "new",
    "old",
    "only",
    "another",
    "said",
    "rail",
    "railway",
    "sea",
    "ferry",
    "pedestrian",
    "automobile",
    "motor",
    "vehicular",
    "passenger",
    "freight",
    "vehicle",
    "cargo",
    "commercial",
    "in",
    "at",
    "on",
    "america",
    "americas",
    "europe",
    "asia",
    "africa",
    "oceania",
    "world",
];

/// Finds the crossings named in `s`, in order. `named` holds the codes of the countries
/// the document named before `s`: an ambiguous name of a crossing between two of them
/// counts ("trucks crossed at Oybek" in a report on Uzbekistan and Tajikistan).
pub(crate) fn find(s: &str, gazetteer: &Gazetteer, named: &[&str]) -> Vec<Mention> {
    let words: Vec<(usize, usize, Cow<'_, str>)> = word_spans(s);
    // The countries `s` names, found once and only when a name needs them.
    let countries = OnceCell::new();
    let here = || countries.get_or_init(|| countries_in(&fold(s))).as_slice();
    let mut taken = vec![false; words.len()];
    let mut out = Vec::new();
    // Leftmost first, then longest: a name covers its words, and a shorter name at the
    // same word counts only when every longer one is ambiguous without context.
    let mut next = 0;
    for (i, n, name, crossing) in names(&words, gazetteer) {
        if in_dateline(s, words[i].0, words[i + n - 1].1) {
            continue;
        }
        let crossing = told_apart(gazetteer, name, here, named).unwrap_or(crossing);
        let place = (gazetteer.is_ambiguous(name)
            && (REGION.is_match(&s[words[i + n - 1].1..]) || PLACE_OF.is_match(&s[..words[i].0])))
            || WHERE_IT_IS
                .captures(&s[..words[i].0])
                .is_some_and(|c| !["the", "a", "an", "this", "that", "its", "their"].contains(&fold(&c[1]).as_str()));
        if i < next
            || place
            || (gazetteer.is_ambiguous(name)
                && !called_a_crossing(&words[i + n..])
                && !names_a_country_of(here(), crossing)
                && (gazetteer.is_shared(name) || !crossing.countries.iter().all(|c| named.contains(&c.as_str()))))
        {
            continue;
        }
        taken[i..i + n].iter_mut().for_each(|t| *t = true);
        out.push(Mention {
            pos: words[i].0,
            end: words[i + n - 1].1,
            target: known(crossing, &s[words[i].0..words[i + n - 1].1]),
        });
        next = i + n;
    }
    let text = if KINDS.is_match(s) { s } else { "" };
    for c in PATTERN.captures_iter(text).chain(AT_PATTERN.captures_iter(text)) {
        let Some(m) = c.name("a").or(c.name("a2")).or(c.name("b")) else { continue };
        let whole = c.get(0).expect("match");
        if describes(&s[..whole.start()]) || describes(whole.as_str()) || REGION.is_match(&s[whole.end()..]) {
            continue;
        }
        let mut name_words: Vec<&str> = m.as_str().split_whitespace().collect();
        // A count is no name either: "Ten border crossing points", "Two checkpoints".
        let not_a_name = |w: &str| NOT_NAMES.contains(&fold(w).as_str()) || number(w).is_some() || is_country_word(w);
        while name_words.first().is_some_and(|w| not_a_name(w)) {
            name_words.remove(0);
        }
        if name_words.is_empty() || name_words.iter().all(|w| is_country_word(w)) {
            continue;
        }
        let pos = m.start() + m.as_str().find(name_words[0]).unwrap_or(0);
        // "Sani Pass, Boesmansnek and Monontsha ports of entry", "checkpoints in Beldandi
        // and Tribhuvan Basti": a plural noun with a list names each crossing of it.
        let list = match (c.name("b"), c.name("plural").or(c.name("plural_b")).or(c.name("a2"))) {
            (_, None) => Vec::new(),
            (None, Some(_)) => listed(s, LIST_BEFORE.find(&s[..pos]).map_or(pos, |l| l.start()), pos),
            (Some(_), Some(_)) => listed(s, m.end(), m.end() + LIST_AFTER.find(&s[m.end()..]).map_or(0, |l| l.end())),
        };
        // "Border posts in Herat and Nimruz provinces" name places, not crossings.
        if list.last().is_some_and(|(_, b)| REGION.is_match(&s[*b..]))
            || (c.name("plural_b").is_some() && list.is_empty())
        {
            continue;
        }
        let single = c.name("a2").is_some() || !list.is_empty();
        // "The Gaza crossings": the group is one record, named with its noun.
        let name = match (c.name("plural"), c.name("kind")) {
            (Some(_), Some(kind)) if !single => format!("{} {}s", name_words.join(" "), kind.as_str().to_lowercase()),
            _ => name_words.join(" "),
        };
        for (mut a, b) in list {
            while let Some(w) = s[a..b].split_whitespace().next().filter(|w| not_a_name(w) && w.len() < b - a) {
                a += w.len() + s[a + w.len()..b].len() - s[a + w.len()..b].trim_start().len();
            }
            if unnamed(&words, &taken, &out, a, b) && !not_a_name(&s[a..b]) {
                out.push(Mention { pos: a, end: b, target: by_pattern(s[a..b].to_string(), here(), gazetteer) });
            }
        }
        let covered = words.iter().zip(&taken).any(|((a, b, _), t)| *t && pos >= *a && pos < *b);
        if covered || out.iter().any(|x: &Mention| x.pos == pos) {
            continue;
        }
        out.push(Mention {
            pos,
            end: m.start() + m.as_str().trim_end().len(),
            target: by_pattern(name, here(), gazetteer),
        });
    }
    for (pos, end) in quoted_names(s).into_iter().chain(bracketed_names(s)) {
        if !unnamed(&words, &taken, &out, pos, end) {
            continue;
        }
        out.push(Mention { pos, end, target: by_pattern(s[pos..end].to_string(), here(), gazetteer) });
    }
    out.sort_by_key(|m| m.pos);
    out
}

/// True when no gazetteer name covers any word of `s[a..b]` and no mention starts at `a`.
fn unnamed(words: &[(usize, usize, Cow<'_, str>)], taken: &[bool], out: &[Mention], a: usize, b: usize) -> bool {
    !words.iter().zip(taken).any(|((x, y, _), t)| *t && a < *y && b > *x) && !out.iter().any(|m| m.pos == a)
}

/// The gazetteer's crossing, named as `written` says.
fn known(crossing: &Crossing, written: &str) -> Target {
    Target::Crossing {
        id: crossing.id.clone(),
        name: as_written(crossing, written),
        countries: crossing.countries.clone(),
        tz: crossing.tz.name().to_string(),
    }
}

/// A name found by pattern: the gazetteer's crossing when it is one of its names spelled
/// otherwise, else a crossing of its own between the countries the sentence names
/// (`here`).
fn by_pattern(name: String, here: &[(usize, Country)], gazetteer: &Gazetteer) -> Target {
    if let Some(crossing) = gazetteer.lookup_spelled(&name) {
        return known(crossing, &name);
    }
    let countries = here.iter().map(|(_, c)| c.code.to_string()).collect();
    Target::Crossing { id: slug(&name), name, countries, tz: "UTC".into() }
}

/// A name in a list of crossings' names.
const LISTED_NAME: &str = r"\p{Lu}[\p{L}’'\-]+(?:\s+\p{Lu}[\p{L}’'\-]+){0,2}";

/// The list before a plural's last name: "Sani Pass, Boesmansnek and ".
static LIST_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?:{LISTED_NAME}\s*,\s*)*{LISTED_NAME}\s*,?\s+and\s+$")).expect("list-before regex")
});

/// The list after a plural's first name: " and Tribhuvan Basti".
static LIST_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?:\s*,\s*{LISTED_NAME})*\s*,?\s+and\s+{LISTED_NAME}")).expect("list-after regex")
});

/// The names of the list in `s[from..to]`.
fn listed(s: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(LISTED_NAME).expect("listed-name regex"));
    NAME.find_iter(&s[from..to]).map(|m| (from + m.start(), from + m.end())).collect()
}

/// A name in quotes.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"[“"«]\s*(\p{Lu}[^”"»“«\n]{1,40}?)\s*[”"»]"#).expect("quoted regex"));

/// A crossing's noun just before a quoted name: "checkpoint “Dostyk”".
static NOUN_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:BCPs?|checkpoints?|check-?posts?|crossing\s+points?|border\s+posts?|border\s+points?|crossings?)\s*$")
        .expect("noun-before regex")
});

/// A crossing's noun just after a quoted name: "“Oybek” border crossing point".
static NOUN_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:international|border|road|railway|automobile)\s+)*(?:BCPs?|checkpoints?|check-?posts?|crossing\s+points?|crossings?|border\s+posts?)\b",
    )
    .expect("noun-after regex")
});

/// Names in quotes beside a crossing's noun, as translated reports write them:
/// "BCPs “Qushkent” and “Uchturgan”", "“Abdarkhon” and “Patar” border crossing points".
/// A run of quoted names joined by commas or "and" shares the noun before or after it.
fn quoted_names(s: &str) -> Vec<(usize, usize)> {
    if !s.contains(['“', '"', '«']) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut run: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut flush = |run: &mut Vec<(usize, usize, usize, usize)>| {
        if let (Some(first), Some(last)) = (run.first(), run.last()) {
            if NOUN_BEFORE.is_match(&s[..first.0]) || NOUN_AFTER.is_match(&s[last.1..]) {
                out.extend(run.iter().map(|r| (r.2, r.3)).filter(|(a, b)| s[*a..*b].split_whitespace().count() <= 4));
            }
        }
        run.clear();
    };
    for c in QUOTED.captures_iter(s) {
        let (whole, name) = (c.get(0).expect("match"), c.get(1).expect("name"));
        let joined = run.last().is_some_and(|r| {
            let between = s[r.1..whole.start()].trim();
            between.is_empty() || matches!(between, "," | "and" | "or" | ", and" | "&")
        });
        if !joined {
            flush(&mut run);
        }
        run.push((whole.start(), whole.end(), name.start(), name.end()));
    }
    flush(&mut run);
    out
}

/// A list of names in brackets in a list item: "- across the border with the Russian
/// Federation (Kondybay, Akbalshyk and Orda);", as a notice lists the checkpoints of the
/// sentence that the list follows ("the following checkpoints will resume operation:").
static BRACKETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\(\s*{LISTED_NAME}(?:\s*,\s*{LISTED_NAME})*(?:\s*,?\s+and\s+{LISTED_NAME})?\s*\)"))
        .expect("bracketed regex")
});

/// The names of a bracketed list ([`BRACKETED`]) in a list item.
fn bracketed_names(s: &str) -> Vec<(usize, usize)> {
    if !s.trim_start().starts_with(['-', '–', '—', '•', '*', '·']) || !s.contains('(') {
        return Vec::new();
    }
    BRACKETED
        .find_iter(s)
        .map(|m| listed(s, m.start(), m.end()))
        .filter(|names| names.len() > 1)
        .flatten()
        .filter(|(a, b)| !is_country_word(&s[*a..*b]))
        .collect()
}

/// A place in capitals that opens a report, before a comma: "DAJABON, Dominican Republic
/// (AP) —" says where the report was filed, not what it is about.
fn in_dateline(s: &str, start: usize, end: usize) -> bool {
    let name = &s[start..end];
    s[..start].trim().is_empty()
        && name.chars().any(char::is_alphabetic)
        && !name.chars().any(char::is_lowercase)
        && name.chars().filter(|c| c.is_alphabetic()).count() > 2
        && s[end..].trim_start().starts_with(',')
}

/// The crossing's name, followed by the name as the text wrote it when that shares no
/// word with the gazetteer's name ("Panitanki–Kakarbhitta (Kakadbhitta)"): a reader
/// checking the record against its source sees the source's spelling.
fn as_written(crossing: &Crossing, written: &str) -> String {
    if shares_a_word(&crossing.name, written) {
        crossing.name.clone()
    } else {
        format!("{} ({written})", crossing.name)
    }
}

/// True when the folded `name` and `written` share a word that is not a crossing's noun.
/// ASCII text folds to its runs of letters and digits in lower case: those are compared
/// in place, without building the folded strings (a name is told for every mention).
pub(super) fn shares_a_word(name: &str, written: &str) -> bool {
    const GENERIC: &[&str] =
        &["border", "crossing", "checkpoint", "post", "gate", "port", "bridge", "international", "the"];
    fn plain_words(s: &str) -> impl Iterator<Item = &str> + Clone {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty() && !GENERIC.iter().any(|g| w.eq_ignore_ascii_case(g)))
    }
    if name.is_ascii() && written.is_ascii() {
        let own = plain_words(name);
        return plain_words(written).any(|w| own.clone().any(|o| o.eq_ignore_ascii_case(w)));
    }
    let own = fold(name);
    let own: Vec<&str> = own.split(|c: char| !c.is_alphanumeric()).filter(|w| !GENERIC.contains(w)).collect();
    let folded = fold(written);
    let mut words = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && !GENERIC.contains(w));
    words.any(|w| own.contains(&w))
}

/// The gazetteer names that are whole words of `words`, by first word and then longest
/// first: (first word, word count, folded name, crossing).
fn names<'g>(
    words: &[(usize, usize, Cow<'_, str>)],
    gazetteer: &'g Gazetteer,
) -> Vec<(usize, usize, &'g str, &'g Crossing)> {
    // The folded words joined by single spaces, as names are folded, with each word's span
    // in it. A word that folds to more than one ("½" to "1 2") stays one word, as names
    // are matched word by word: its inner spaces become a byte no name holds.
    let mut folded = String::new();
    let mut spans = Vec::with_capacity(words.len());
    for (_, _, w) in words {
        if !folded.is_empty() {
            folded.push(' ');
        }
        let start = folded.len();
        if w.contains(' ') {
            folded.extend(w.chars().map(|c| if c == ' ' { '\u{1f}' } else { c }));
        } else {
            folded.push_str(w);
        }
        spans.push((start, folded.len()));
    }
    let mut out: Vec<_> = gazetteer
        .names_in(&folded)
        .filter_map(|(at, name, crossing)| {
            let first = spans.binary_search_by_key(&at.start, |s| s.0).ok()?;
            let last = spans.binary_search_by_key(&at.end, |s| s.1).ok()?;
            Some((first, last + 1 - first, name, crossing))
        })
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    out
}

/// Words that make a name before them a crossing's: "the Brest crossing", "Peace
/// Bridge border post".
const CROSSING_WORDS: &[&str] = &[
    "crossing",
    "border",
    "bridge",
    "checkpoint",
    "checkpost",
    "port",
    "gate",
    "post",
    "pass",
    "tunnel",
    "causeway",
    "terminal",
    "frontier",
    "crossings",
    "checkpoints",
];

/// Of the crossings that share a name, the one both of whose countries the document or
/// the sentence names: "Horgos" in a report on China and Kazakhstan.
fn told_apart<'g, 'c>(
    gazetteer: &'g Gazetteer,
    name: &str,
    here: impl Fn() -> &'c [(usize, Country)],
    named: &[&str],
) -> Option<&'g Crossing> {
    if !gazetteer.is_shared(name) {
        return None;
    }
    let here = here();
    gazetteer.sharing(name).find(|c| {
        c.countries.iter().all(|k| named.contains(&k.as_str()) || here.iter().any(|(_, x)| x.code == k.as_str()))
    })
}

/// An ambiguous name counts when a crossing word follows it within two words.
fn called_a_crossing(after: &[(usize, usize, Cow<'_, str>)]) -> bool {
    after.iter().take(2).any(|(_, _, w)| CROSSING_WORDS.contains(&w.as_ref()))
}

/// An ambiguous name counts in a sentence that names one of the crossing's countries
/// (`here`, the countries the sentence names).
fn names_a_country_of(here: &[(usize, Country)], crossing: &Crossing) -> bool {
    here.iter().any(|(_, c)| crossing.countries.iter().any(|k| k == c.code))
}

/// "the second trade checkpoint in Fata", "another crossing": a description, not a name.
fn describes(before: &str) -> bool {
    const ORDINALS: &[&str] =
        &["second", "third", "fourth", "fifth", "another", "other", "first", "last", "several", "many", "two", "three"];
    before.split_whitespace().rev().take(3).any(|w| ORDINALS.contains(&fold(w).as_str()))
}

/// A name after these is a place, not a crossing: "the province of Lang Son", "the town
/// of Mae Sot".
static PLACE_OF: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:province|region|district|city|town|village|county|state|municipality)\s+of\s+$")
        .expect("place-of regex")
});

/// A name after a named crossing's noun and "in" is where that crossing is: "the Morley
/// Pedestrian Port of Entry in Nogales", "the Rasuwagadhi checkpoint in Rasuwa".
static WHERE_IT_IS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}[\p{L}’'\-]*)\s+(?:[Bb]order\s+)?(?:[Cc]rossing|[Cc]heckpoint|[Pp]ort\s+of\s+[Ee]ntry|[Bb]ridge|[Gg]ate|[Pp]ost)\s+(?:in|near)\s+$")
        .expect("where-it-is regex")
});

/// A name followed by these is a region, not a crossing.
static REGION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"^\s+(?:Agency|agency|[Pp]rovinces?|[Rr]egions?|[Dd]istricts?|[Vv]alleys?|[Cc]ount(?:y|ies)|[Ss]tates)\b",
    )
    .expect("region regex")
});

fn is_country_word(w: &str) -> bool {
    // "Arabia" of "Saudi Arabia", "Rica" of "Costa Rica": a part of a country's name.
    const PARTS: &[&str] = &["arabia", "rica", "leone", "salvador", "herzegovina", "faso", "korea", "sudan", "guinea"];
    let f = fold(w);
    PARTS.contains(&f.as_str()) || !countries_in(&f).is_empty()
}

/// Words of `s` with their byte spans, each folded.
fn word_spans(s: &str) -> Vec<(usize, usize, Cow<'_, str>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                let w = &s[a..i];
                // Most words are lowercase ASCII already: those are borrowed, not copied.
                let folded = if !w.is_ascii() {
                    Cow::Owned(fold(w))
                } else if w.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(w.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(w)
                };
                out.push((a, i, folded));
                start = None;
            }
            _ => {}
        }
    }
    out
}
