//! Words the extractor knows: status triggers, and the phrases that mark a restriction
//! or a country-wide border. Countries and their demonyms are in `countries.rs`.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Status;

pub(crate) use super::countries::{countries_in, Country};
use super::{ascii_words, ends_with_lower};

/// The kinds of status word, in the order [`TRIGGER`] tries them: `lifted` ("the ban will
/// be lifted") is an opening that ends a block.
const LIFTED: &str = r"\b(?:(?:lane|traffic|border|travel)\s+)?(?:closures?|blockades?|bans?|suspensions?|restrictions?)\s+(?:[\w-]+\s+){0,4}?(?:will|would|might|may|could|shall|is|are|was|were|has|have|had|to)\s+(?:be\s+|been\s+|being\s+)?(?:lifted|eased|removed)\b";
const RESTRICTED: &str = r"\b(?:only\s+(?:[\w,-]+\s+){1,8}?(?:(?:would|will|are|is|were|was|be|been|being)\s+)+(?:allowed|permitted)\s+to\s+(?:pass|cross|enter|move|travel|use)|(?:cars|trucks|lorries|motorcycles|motorcyclists|motorbikes|pedestrians|buses|passengers|travell?ers|foreigners|tourists|foreign\s+nationals|(?:cargo|heavy|commercial|private)\s+vehicles)\s+(?:will|would|are|is|were|was|shall)\s+(?:not|no\s+longer)\s+(?:be\s+)?(?:allowed|permitted)\s+to|restricted|restricts?|restricting|(?:lane|traffic|border|travel)\s+restrictions?|reduced\s+to\s+(?:one|two|three|a\s+single|\d+)\s+lanes?|partially\s+(?:re-?)?open(?:ed)?|partial(?:ly)?\s+(?:re-?)?opening|limited\s+(?:re-?)?opening)\b";
const CLOSED: &str = r"\b(?:unusable|impassable|(?:will|would|shall|does|do|did|is|are)\s+not\s+(?:be\s+)?(?:work|operate|function|working|operating|functioning)\b|unpassable|not\s+passable|(?:no\s+one|nobody|no\s+(?:vehicles?|traffic|trucks|cars|people|travell?ers|passengers))\s+(?:was|were|is|are|will\s+be|would\s+be|has\s+been|have\s+been)\s+(?:allowed|permitted)\s+(?:to\s+(?:cross|pass|enter|use|travel)|in|into|out|through|across|at|via)|closed|closes?|closing|closures?|shut(?:\s+down)?|shuts|shutting|shutdown|sealed|seals?|sealing|suspended|suspends?|suspending|suspension|halted|halts?|halting|blocked|blocking|blockaded?|shuttered|shutters?|cut\s+off|cutting\s+off|(?:traffic|movement|crossings?|operations?)\s+(?:was|were|has\s+been|have\s+been|is|are)\s+stopped|stopped\s+for\s+all)\b";
const OPEN: &str = r"\b(?:re-?opened|re-?opens?|re-?opening|resumed|resumes?|resuming|resumption|opened|opens?|opening|unblocked|unblocking)\b
                  |\b(?:cleared|released)\s+for\s+(?:traffic|crossings?|travel)\b
                  |\b(?:were|was|are|is|be|been)\s+(?:allowed|permitted)\s+to\s+(?:pass|cross|enter|move|travel)\b
                  |\b(?:traffic|movement|passage)\s+(?:was|is|has\s+been|will\s+be|were)\s+(?:allowed|permitted)\b
                  |\b(?:operat|function|work)(?:e|es|ed|ing|s)?\s+(?:as\s+usual|normally)\b
                  |\b(?:began|begun|begins?|started|starts?)\s+(?:crossing|to\s+cross|moving\s+through|passing\s+through)\b
                  |\b(?:is|are|remains?|remained|was|were)\s+(?:currently\s+|still\s+|now\s+|fully\s+)?(?:operating|operational|functioning)\b
                  |\b(?:back|returned|returns?)\s+to\s+(?:full\s+)?normal(?:ity|cy)?\b
                  |\blift(?:ed|s|ing)?\s+(?:of\s+)?(?:the\s+|its\s+|a\s+|all\s+)?(?:\w+\s+)?(?:closure|blockade|ban|suspension|lock|block|restrictions)\b
                  |\b(?:withdr[ae]w|withdrawn|withdraws|revoked?|revokes|rescind(?:ed|s)?|cancell?ed|cancels)\s+(?:the\s+|its\s+|their\s+)?(?:\w+\s+)?(?:closure|blockade|ban|suspension)(?:\s+order)?\b
                  |\ballow(?:s|ed|ing)?\b(?:\s+\w+){0,4}?\s+(?:crossings?|traffic|trade|passage|movement|vehicles|trucks|pedestrians|travell?ers|passengers)\b";

/// Status words. Group `closed`, `open` or `restricted` says which; `lifted` ("the ban will be
/// lifted") is an opening that ends a block.
pub(crate) static TRIGGER: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(&format!(
        r"(?ix)(?:(?P<lifted>{LIFTED})|(?P<restricted>{RESTRICTED})|(?P<closed>{CLOSED})|(?P<open>{OPEN}))"
    ))
    .expect("trigger regex")
});

/// The status words of `s`, each with the status it tells: the matches of [`TRIGGER`]
/// and the group it would capture. Leftmost-first, that group is the first kind that
/// matches where the word starts; each kind starts with `\b` and a word character, so it
/// matches there as it matches at the start of the rest of `s`. Testing the kinds there
/// spares the capture search of the whole pattern (docs/benchmarks.md).
pub(crate) fn status_words(s: &str) -> Vec<(regex::Match<'_>, Status)> {
    static KINDS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
        [LIFTED, RESTRICTED, CLOSED].map(|k| ascii_words(&format!(r"(?ix)^(?:{k})")).expect("status kind regex"))
    });
    let [lifted, restricted, closed] = &*KINDS;
    TRIGGER
        .find_iter(s)
        .map(|m| {
            let rest = &s[m.start()..];
            let status = if lifted.is_match(rest) {
                Status::Open
            } else if restricted.is_match(rest) {
                Status::Restricted
            } else if closed.is_match(rest) {
                Status::Closed
            } else {
                Status::Open
            };
            (m, status)
        })
        .collect()
}

/// Status words that tell of an opening as the end of a closure.
pub(crate) static REOPENING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^(?:re-?open|resum|unblock|lift|cleared|released|back|return)").expect("reopening regex")
});

/// True when a status word ends a block of some traffic: "unblocked", "lifting".
pub(crate) fn ends_a_block(word: &str) -> bool {
    let w = word.as_bytes();
    ["unblock", "lift"].iter().any(|p| w.len() >= p.len() && w[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
        || ["lifted", "eased", "removed"].iter().any(|s| ends_with_lower(word, s))
}

/// Words just before a status word that negate it (`not closed`, `no longer open`) or
/// make it a time of something else (`during the closure`).
pub(crate) static NEGATED: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:not|never|no\s+longer)\s+(?:be\s+|been\s+|being\s+)?$|\b(?:during|throughout|for\s+the\s+duration\s+of)\s+(?:the|this|its|that)\s+$").expect("negation regex")
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
static GENERIC_CROSSING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?:crossings?|borders?|checkpoints?|i?acp|icp|bcps?|checkposts?|gates?|ports?\s+of\s+entry|(?:land|border|dry)\s+ports?|border\s+posts?|(?:entry|transit|border)\s+points?|frontier|terminal|(?:the|this)\s+(?:bridge|pass|border\s+post)|(?:the|this)\s+(?:closure|shutdown|suspension|blockade|reopening|passage|traffic|movement))\b|^\W*(?:passage|traffic|movement|transit)\s+(?:of|through|at|across)\b",
    )
    .expect("generic regex")
});

/// True when `s` speaks of a crossing without naming it ("the checkpoint", "Passage of
/// persons and goods will resume"); "cross-border trains" does not.
pub(crate) fn names_a_crossing(s: &str) -> bool {
    GENERIC_CROSSING.find_iter(s).any(|m| {
        let before = &s[..m.start()];
        !(ends_with_lower(before, "cross-") || ends_with_lower(before, "trans-"))
    })
}

/// A border between countries rather than one crossing: `its border with Russia`,
/// `crossings along the frontier`, `all entry points`.
pub(crate) static COUNTRY_BORDER: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)\b(?:
            (?:its|their|the|our|all|\w+['’]s)\s+(?:\w+,?\s+){0,4}?(?:land\s+)?borders?\s+with
          | borders?\s+between
          | (?:its|their)\s+(?:\w+,?\s+){0,4}?borders\b
          | \w+['’]s\s+(?:land\s+)?borders\b
          | (?:closed|sealed|shut)\s+(?:land\s+)?borders\b
          | the\s+(?:land\s+)?borders\s+closure
          | their\s+(?:common\s+|shared\s+|mutual\s+)?(?:land\s+)?border\b
          | (?:shared|common|mutual)\s+(?:land\s+)?border
          | (?:the|their|its)\s+\p{Lu}\w+[-–]\p{Lu}\w+\s+(?:land\s+)?border\b(?:\s+(?:was|is|will|has|had|remains?|remained))
          | ^\W*\p{Lu}\w+[-–]\p{Lu}\w+\s+(?:(?:and|or|,)\s+\p{Lu}\w+[-–]\p{Lu}\w+\s+)*(?:land\s+)?borders?\s+(?:was|were|is|are|will|has|have|had|remains?|remained)
          | (?:all|the|its)\s+(?:\w+\s+){0,2}?(?:border\s+)?(?:crossings|checkpoints|entry\s+points|crossing\s+points|border\s+posts)
          | crossings\s+(?:along|on|with)
          | (?:the|its)\s+(?:\w+\s+)?frontier
          | ^\W*the\s+(?:entire\s+|whole\s+)?border\s+(?:will|would|was|is|has|had|remains?|remained|shall|could|may)
        )\b",
    )
    .expect("country border regex")
});

/// A sentence that names the crossings the one before spoke of: "These entry points are
/// in Songkhla (Sadao) and Yala (Betong)", "The crossings include …", "This includes …".
pub(crate) static THESE_ARE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\W*(?:(?:these|the|those)\s+(?:\w+\s+)?(?:entry\s+points|crossings|checkpoints|crossing\s+points|border\s+posts|gates|ports)\s+(?:are|were|include|included)|(?:this|these|they|that|it)\s+(?:includes?|included))\b")
        .expect("these-are regex")
});

/// A scope that limits who may cross: `for cargo vehicles`, `with exceptions for`.
pub(crate) static SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s*(?:(?:[\w'’-]+\s+){0,8}?)?for\s+(?P<scope>[^,;.]{3,80}?)\s*(?:,|;|\.|$|\bafter\b|\bfollowing\b|\bon\b|\bfrom\b|\buntil\b|\bsince\b|\bstarting\b|\bwith\b|\bby\b|\bwhile\b|\bas\b)")
        .expect("scope regex")
});

/// "closed to freight traffic", "closed for trucks": what a closure is limited to.
pub(crate) static CLOSED_TO: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s*(?:[\w'’/:()-]+\s+){0,10}?(?:for|to|the\s+(?:entry|exit|passage|movement|transit|crossing)\s+of)\s+(?P<scope>[^,;.]{3,120}?)\s*(?:,|;|\.|$|\bafter\b|\bon\b|\bfrom\b|\buntil\b|\bsince\b|\bwhile\b|\bas\b|\bdue\b|\bbecause\b)")
        .expect("closed-to regex")
});

/// A purpose, not a kind of traffic, after "closed … to": "closed its borders to curb
/// smuggling".
pub(crate) static PURPOSE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^(?:curtail|curb|prevent|stop|contain|limit|avoid|protect|facilitate|ensure|enable|combat|fight|control|reduce|tackle|deter|check|slow|halt|stem|help|allow|make|give|carry|conduct|undertake|repair|build|upgrade|install|pressure|protest|punish|retaliate|respond)\b")
        .expect("purpose regex")
});

/// The traffic a closure's subject names, just before its status word: "the traffic
/// of trucks … was blocked", "freight traffic was halted".
pub(crate) static SUBJECT_SCOPE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)\b(?:
            (?:traffic|movement|passage|entry|transit|transport|transportation|export|exports|import|imports)\s+of\s+(?P<of>(?:\w+\s+){0,2}?(?:trucks|lorries|cargo|freight|goods|passengers|pedestrians|cars|buses|vehicles|people))\b[^.;:]{0,200}$
          | (?P<kind>(?:truck|lorry|cargo|freight|goods|passenger|pedestrian|bus|car|commercial)s?)\s+(?:traffic|movement|transport|crossings|vehicles)\s+(?:[\w'’-]+\s+){0,6}$
        )",
    )
    .expect("subject-scope regex")
});

/// What every match of [`SUBJECT_SCOPE`] holds, without the words up to the end of the
/// text that it asks for after them: text with no match of this has none of that, and is
/// not given to it. Its bounded repeats to the end, in Unicode, cost a reverse search and a
/// capture search over the whole text before a status word (docs/benchmarks.md).
pub(crate) static SUBJECT_SCOPE_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    // Unicode classes with ASCII word boundaries, as `ascii_words` compiles `SUBJECT_SCOPE`.
    Regex::new(
        r"(?ix)(?-u:\b)(?:
            (?:traffic|movement|passage|entry|transit|transport|transportation|export|exports|import|imports)\s+of\s+(?:\w+\s+){0,2}?(?:trucks|lorries|cargo|freight|goods|passengers|pedestrians|cars|buses|vehicles|people)(?-u:\b)
          | (?:truck|lorry|cargo|freight|goods|passenger|pedestrian|bus|car|commercial)s?\s+(?:traffic|movement|transport|crossings|vehicles)\s
        )",
    )
    .expect("subject-scope head regex")
});

/// Words that name goods traffic.
pub(crate) const GOODS: &[&str] =
    &["cargo", "goods", "truck", "freight", "commercial", "trade", "lorries", "lorry", "export", "import", "motor"];

/// True when a scope phrase limits traffic rather than describing all of it.
pub(crate) fn is_restrictive(scope: &str) -> bool {
    let s = scope.to_ascii_lowercase();
    if ["only", "except", "exempt", "certain", "limited", "restricted", "humanitarian"].iter().any(|w| s.contains(w))
        || s.split_whitespace().next() == Some("most")
    {
        return true;
    }
    // Those with a purpose of their own: aid convoys, returning nationals, emergencies.
    const PURPOSE: &[&str] =
        &["aid", "relief", "returnees", "diplomats", "emergency", "emergencies", "medical", "pilgrims", "essential"];
    if s.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| PURPOSE.contains(&w)) {
        return true;
    }
    // A direction of travel is half the traffic: "for those heading to Syria".
    const DIRECTION: &[&str] =
        &["heading", "bound for", "entering", "leaving", "exiting", "departing", "arriving", "outbound", "inbound"];
    // "U.S.-bound", "southbound", "Canada-bound traffic".
    if DIRECTION.iter().any(|w| s.contains(w)) || s.split_whitespace().any(|w| w.len() > 5 && w.ends_with("bound")) {
        return true;
    }
    let both = s.match_indices("both").any(|(i, _)| {
        let rest = s[i + 4..].trim_start();
        !(rest.starts_with("direction") || rest.starts_with("way") || rest.starts_with("side"))
    });
    if s.contains(" all ") || s.starts_with("all ") || both {
        return false;
    }
    // One kind of traffic is a restriction; people and goods together are not.
    const PEOPLE: &[&str] =
        &["pedestrian", "passenger", "traveller", "traveler", "people", "cars", "buses", "citizens", "tourists"];
    let people = PEOPLE.iter().any(|w| s.contains(w));
    let goods = GOODS.iter().any(|w| s.contains(w));
    people != goods
}

/// Words after an opening that make it partial: `only`, `one direction`, `limited hours`,
/// `in a limited mode`, `on a special schedule`, `U.S.-bound`.
static LIMITS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?P<when>only\s+(?:after|when|if|once|until|from|on|in|at|by|then|as\s+of|to\s+(?:find|see|discover|learn|be|have))\b)|\b(?:[\w.]+-|north|south|east|west)bound\b|[.;]|\b(?:only|one[\s-]way|one\s+direction|limited\s+(?:hours|mode|capacity|basis|regime|operations?)|(?:special|reduced)\s+(?:schedule|hours|capacity|regime)|partially|partly|some\s+traffic)\b",
    )
    .expect("limits regex")
});

/// True when the words after an opening limit it, before the clause ends: "reopened
/// for trucks only". "Will resume only after talks" tells when, not how much.
pub(crate) fn limits(after: &str) -> bool {
    let near = &after[..after.len().min(after.char_indices().nth(70).map_or(after.len(), |(i, _)| i))];
    LIMITS
        .captures_iter(near)
        .take_while(|c| !matches!(c.get(0).map(|m| m.as_str()), Some(".") | Some(";")))
        .any(|c| c.name("when").is_none())
}

/// A closure for part of each day ("closed at night", "shut between 10 pm and 6 am
/// daily"): the crossing is restricted, not closed.
pub(crate) static PART_OF_DAY: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?P<moment>overnight\s+(?:on|of|into|to|from|between|last|this|before)\b)|\b(?:at\s+night|night[\s-]?time|overnight|nightly|every\s+night|during\s+the\s+night|curfew\s+hours)\b|(?:a\.?m\.?|p\.?m\.?|hrs|:\d\d)\s+(?:daily|every\s+day|each\s+day)\b|\bbetween\s+\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?|hrs)?\s+and\s+\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?|hrs)",
    )
    .expect("part-of-day regex")
});

/// True when `text` tells of a closure for part of each day; "overnight on 12
/// September" is the time of one event, not a part of each day.
pub(crate) fn part_of_day(text: &str) -> bool {
    PART_OF_DAY.captures_iter(text).any(|c| c.name("moment").is_none())
}

/// A closure of part of a crossing ("the westbound span", "one lane", "the cargo
/// terminal"): the crossing is restricted, not closed.
pub(crate) static PART_OF_CROSSING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?:westbound|eastbound|northbound|southbound|inbound|outbound|one\s+lane|lanes?|span|(?:inspection\s+)?booths|entrances?|(?:one|some|half|part)\s+of\s+the)\b[^.;]{0,60}$",
    )
    .expect("part-of-crossing regex")
});

/// A sentence that opens with "It will/was/…" speaks of the crossing named last before it.
pub(crate) static IT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"^\W*It\s+(?:will|would|was|is|has|had|should|could|may|might|remains?|remained|reopen(?:s|ed)?|clos(?:es|ed)|resum(?:es|ed)|shut)\b|\b(?:forced|ordered|announced|extended|delayed|postponed)\s+its\s+(?:temporary\s+|full\s+|partial\s+)?(?:closure|closing|reopening|opening|shutdown|suspension)\b")
        .expect("it regex")
});

/// A sentence that speaks of several crossings named before it: "Their operations
/// will resume", "both checkpoints", "they will reopen", "the borders have been sealed".
pub(crate) static PLURAL: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\W*(?:their|they|both|the\s+two|the\s+three|all\s+(?:of\s+)?them|these)\b|\b(?:the|these|those|both)\s+(?:two\s+|three\s+|four\s+)?(?:(?:road|rail|land|border|transit|entry)\s+)*(?:borders|crossings|checkpoints|checkposts|points|crossing\s+points|gates|bridges)\b|\b(?:close|closed|closing|shut|shutting|reopen|reopened|reopening|open|opened|opening)\s+them\b")
        .expect("plural regex")
});

/// A habit, not an event: "remains closed in winter mostly", "is usually shut on
/// Sundays", "closes every year for the holidays".
pub(crate) static HABITUAL: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:mostly|usually|normally|generally|typically|routinely|seasonally|every\s+(?:year|winter|summer|weekend)|each\s+(?:year|winter|summer)|in\s+(?:the\s+)?winter(?:\s+months)?)\b")
        .expect("habitual regex")
});

/// A status that is only a possibility: "could be closed again if necessary", "if it
/// continues, we will close the crossing", "threatened to shut".
pub(crate) static HYPOTHETICAL: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:if|unless|could|might|possible|potential|hopes?|hoped|hoping|(?:asks?|asked|asking|calls?|called|calling|urges?|urged|urging)\s+(?:\w+\s+){0,6}?to|suggest(?:s|ed)?|threaten(?:s|ed|ing)?\s+to|warn(?:s|ed|ing)?\s+(?:it|of)|(?:cannot|can't|could\s+not|couldn't|unable\s+to|did\s+not|didn't|would\s+not)\s+say|unclear|uncertain|not\s+(?:yet\s+)?known|no\s+(?:word|indication|date|timeline)\s+(?:on|of|for|as\s+to))\b")
        .expect("hypothetical regex")
});

/// A planned change that will not happen: postponed, delayed, cancelled, or superseded
/// ("had been due to reopen", "initially set to end").
pub(crate) static CALLED_OFF: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:postponed?|postponing|delayed|delays?|cancell?ed|called\s+off|put\s+off|shelved|scrapped|had\s+been\s+(?:due|scheduled|expected|set|planned)\s+to|(?:was|were)\s+(?:supposed|due|scheduled|set)\s+to|(?:initially|originally)\s+(?:set|due|scheduled|planned|expected))\b")
        .expect("called-off regex")
});

/// Something other than the crossing that dates belong to: between a status word and a
/// date, it takes the date ("closed, despite a ceasefire that runs until March 30").
pub(crate) static OTHER_THING: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:ceasefire|cease-fire|truce|deadline|visit|visited|talks|negotiations|agreement|deal|curfew|election|elections|summit|meeting|holiday|festival|exams?|season|which|that\s+(?:runs|lasts|expires|ends)|prompting|forcing|causing|leading\s+to|that\s+led\s+to|in\s+response\s+to|in\s+retaliation\s+for|whereas)\b|,\s*while\b")
        .expect("other-thing regex")
});

/// A status taken up again after words about something else: "and it will continue",
/// "the closure will last".
pub(crate) static TAKEN_UP: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:it|this|the\s+(?:closure|sealing|shutdown|ban|suspension))\s+(?:will|would|shall)\s+(?:continue|last|remain\s+in\s+(?:force|place)|run)\b")
        .expect("taken-up regex")
});

/// Another thing named by the date just before it: "the Jan. 25 uprising", "the May 4
/// election".
pub(crate) static OTHER_THING_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s*(?:uprising|revolution|attacks?|bombings?|war|coup|ceasefire|cease-fire|truce|election|elections|vote|referendum|summit|meeting|visit|agreement|deal|accord|protests?|riots?|earthquake|floods?)\b")
        .expect("other-thing-after regex")
});

/// "Is now open", "have now reopened": at the time of the report.
pub(crate) static NOW: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(r"(?i)\b(?:is|are|has|have)\s+now\s+(?:been\s+|fully\s+)?$").expect("now regex"));

/// A present perfect before a reopening word: "has reopened", "have now resumed". Told
/// with no date, the reopening is the report's news: it happened on the day of the report.
pub(crate) static JUST: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:has|have)\s+(?:now\s+|just\s+|fully\s+|since\s+|already\s+|finally\s+)?(?:been\s+)?$")
        .expect("just regex")
});

/// A status word followed by where it holds: "was halted at the", "closed via".
pub(crate) static LOCATIVE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r#"(?i)^\s*(?:at|via|through|across|on)\s+(?:the\s+|all\s+|both\s+)?(?:[\w-]+\s+){0,2}?["“'«]?$"#)
        .expect("locative regex")
});

/// Between two crossings of one list: quotes, commas, "and", a few words ("and three
/// railway crossings:"), but no clause of its own.
pub(crate) static LIST_GAP: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r#"(?i)^[\s"“”'’«»,:()–—-]*(?:(?:and|or|as\s+well\s+as)\s+)?(?:[\w-]+[\s"“”'’«»,:–—-]+){0,6}?$"#)
        .expect("list-gap regex")
});

/// Words that start a clause of their own inside a list's gap.
pub(crate) static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:after|while|but|because|due|forcing|forced|diverted|instead|rerouted|whereas|although|though|where|which|who|when)\b")
        .expect("clause-break regex")
});

/// A clause that only sets a time for something else: "until it reopens, travellers
/// are directed …", "once the crossing opens, …".
pub(crate) static SUBORDINATE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:until|till|once|when|whenever|before|after|as\s+soon\s+as)\s+(?:it|they|the\s+(?:[\w-]+\s+){0,3}?)\s*$")
        .expect("subordinate regex")
});

/// Part of a crossing as the subject of an opening: "single lanes have reopened", "one
/// gate opened".
pub(crate) static PARTIAL_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:single|one|some|a\s+few|two)\s+(?:lanes?|gates?|counters?|booths?)\b[^.;]{0,40}$")
        .expect("partial-subject regex")
});

/// A verb of saying: a date before it dates the saying, not what was said.
pub(crate) static SAID: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:said|says|announced|announces|told|reported|reports|stated|confirmed|declared|added|noted|tweeted|wrote|posted)\b")
        .expect("said regex")
});

/// A status word told as what was said: "confirmed the suspension today" is the day
/// of the confirming.
pub(crate) static SAID_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:said|announced|confirmed|reported|declared|denied)\s+(?:the|its|a)\s+(?:[\w-]+\s+)?$")
        .expect("said-object regex")
});

/// Who one step of an opening admits, just before its start: "to trucks from", "for
/// pedestrians starting".
pub(crate) static PHASE_WHO: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)(?:\b(?:to|for)\s+(?P<who>(?:[\w-]+\s+){0,3}?[\w-]+)|\b(?P<kind>(?:[\w-]+\s+)?(?:trucks|lorries|cargo|goods|freight|pedestrians|passengers|cars|buses|vehicles|travell?ers|people)))\s+(?:from|starting(?:\s+(?:from|on))?|as\s+of|beginning(?:\s+on)?|effective)\s*$")
        .expect("phase regex")
});

/// What an opening lets through, right after it: "resume Afghan exports", "reopened
/// cargo traffic".
pub(crate) static OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s*(?:the\s+|its\s+|all\s+)?(?:[a-z][\w-]*\s+){0,2}?(?P<obj>freight\s+traffic|exports?|imports?|cargo|freight|goods|trucks|lorries|pedestrians|passengers|passenger\s+traffic|truck\s+traffic|cargo\s+traffic)\b")
        .expect("object regex")
});

/// Between two status words, a clause that carries on the first with no subject of its
/// own: ", and will remain", " but is".
pub(crate) static CONTINUATION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^[^.;:]{0,40}?[\s,]+(?:and|but)\s+(?:[\w'-]+\s+){0,3}$").expect("continuation regex")
});

/// Between a status word and the crossing it acts on: "closed the", "reopened its
/// Torkham", "halted at the".
pub(crate) static OBJECT_GAP: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r#"(?i)^[\s"“]*(?:(?:at|via|through|across|on|of|to|for)\s+)?(?:the\s+|its\s+|their\s+|both\s+|all\s+)?(?:[\w'’-]+\s+){0,3}?["“'«]?$"#)
        .expect("object-gap regex")
});

#[cfg(test)]
mod tests {
    use super::{status_words, TRIGGER};
    use crate::model::Status;

    /// The group [`TRIGGER`] captures, as the status it tells.
    fn captured(c: &regex::Captures<'_>) -> Status {
        if c.name("closed").is_some() {
            Status::Closed
        } else if c.name("restricted").is_some() {
            Status::Restricted
        } else {
            Status::Open
        }
    }

    #[test]
    fn status_words_tell_the_status_trigger_captures() {
        let s = "The ban will be lifted, the border closure is lifted, and trucks were not allowed to cross; \
                 only cars will be allowed to pass. Traffic restrictions eased as the crossing reopened, \
                 then closed, was partially reopened, shut down, unusable and restricted to buses; \
                 the suspension was removed and a closure lifted; it allowed pedestrians, closing-reopened.";
        let words = status_words(s);
        let captured: Vec<_> = TRIGGER.captures_iter(s).map(|c| (c.get(0).expect("match"), captured(&c))).collect();
        assert_eq!(words, captured);
        let statuses: Vec<Status> = words.iter().map(|(_, st)| *st).collect();
        for st in [Status::Open, Status::Closed, Status::Restricted] {
            assert!(statuses.contains(&st), "{st:?} in {statuses:?}");
        }
        // "The ban will be lifted": an opening, though "ban" alone is no status word.
        assert_eq!((words[0].0.as_str(), words[0].1), ("ban will be lifted", Status::Open));
    }
}
