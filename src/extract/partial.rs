//! One kind of traffic stopped while the other goes on: "export-import activities will
//! remain suspended … However, passport holders will be allowed to travel" leaves the
//! port restricted, not closed. A closure whose own words name no traffic is read as
//! whole unless another sentence of the text says that some traffic still crosses and
//! that the other kind is the one stopped.

use std::sync::LazyLock;

use regex::Regex;

use super::{ascii_words, lexicon, Event};
use crate::model::Status;

/// The kinds of traffic a crossing carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    People,
    Goods,
    /// Vehicles of any load: stopped, they leave only people on foot.
    Vehicles,
}

impl Kind {
    /// The kind a phrase names, if it names one.
    fn of(phrase: &str) -> Option<Kind> {
        const PEOPLE: &[&str] =
            &["passport", "travel", "passenger", "pedestrian", "people", "person", "individual", "immigration"];
        const VEHICLES: &[&str] = &["vehicle", "cars", "buses"];
        let p = phrase.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
        match (has(lexicon::GOODS), has(PEOPLE), has(VEHICLES)) {
            (true, false, _) => Some(Kind::Goods),
            (false, true, _) => Some(Kind::People),
            (false, false, true) => Some(Kind::Vehicles),
            _ => None,
        }
    }

    /// True when `stopped` being stopped leaves this kind as what still crosses.
    fn beside(self, stopped: Kind) -> bool {
        match self {
            Kind::People => stopped != Kind::People,
            Kind::Goods => stopped == Kind::People,
            Kind::Vehicles => false,
        }
    }
}

/// Traffic that still crosses: "passport holders will be allowed to travel", "immigration
/// services will remain open", "cargo traffic would not be halted", "people are able to
/// cross on foot".
static GOES_ON: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)\b(?P<kind>passport\s+holders|travell?ers|passengers|pedestrians|people|persons|individuals
            |immigration(?:\s+(?:services|check[\s-]?posts?|counters?))?|(?:cross[\s-]border\s+)?travel
            |passenger\s+(?:traffic|movement|services)|cargo(?:\s+(?:traffic|vehicles|trucks|transport))?
            |freight(?:\s+traffic)?|goods\s+(?:traffic|vehicles)|trucks|lorries)\b
        [^.;]{0,80}?\b(?:will\s+|would\s+|shall\s+|is\s+|are\s+|was\s+|were\s+)?
        (?:remain\s+open|continue[sd]?\b|(?:be\s+)?normal\b
            |(?:be\s+)?(?:allowed|permitted)\s+(?:to\s+(?:cross|travel|pass|enter|exit|use|move|continue|go)\b|through|across)
            |not\s+(?:be\s+)?(?:halted|affected|suspended|stopped|closed|interrupted)|unaffected
            |still\s+(?:cross|pass|move|allowed|permitted|flow)|able\s+to\s+cross|can\s+(?:still\s+)?cross)",
    )
    .expect("goes-on regex")
});

/// The kind of traffic a sentence says was stopped: "import and export activities …
/// suspended", "passenger traffic was halted", "no vehicles are allowed".
static STOPPED: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)\b(?P<kind>export|exports|import|imports|trade|trading|cargo|freight|goods|trucks|lorries|commercial
            |passengers?|passenger\s+traffic|pedestrians|travell?ers|people|vehicles|cars|buses)\b
        [^.;]{0,60}?\b(?:suspend(?:ed|s)?|halt(?:ed|s)?|stop(?:ped|s)?|clos(?:ed|es|ure)|shut|block(?:ed|s)?|banned|barred
            |not\s+(?:be\s+)?allowed|are\s+not\s+permitted)\b
        |\bno\s+(?P<none>vehicles|cars|trucks|cargo|goods|passengers|pedestrians)\b[^.;]{0,20}?\b(?:allowed|permitted|may|can)\b",
    )
    .expect("stopped regex")
});

/// A sentence that tells of after the stop, not beside it: "trade resumed and travellers
/// continued".
static AFTER_IT: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(r"(?i)\b(?:again|resum\w*|reopen\w*|once|after|lifted)\b").expect("after-it regex"));

/// Closures of a text that says the other kind of traffic goes on become restrictions,
/// each with the sentence that says so among its evidence.
pub(super) fn other_traffic_goes_on(mut events: Vec<Event>, sents: &[&str]) -> Vec<Event> {
    // Most texts say of no traffic that it goes on: they need no search for what stopped.
    if !events.iter().any(|e| e.status == Status::Closed) || !sents.iter().any(|s| GOES_ON.is_match(s)) {
        return events;
    }
    let stopped: Vec<Kind> = sents
        .iter()
        .flat_map(|s| STOPPED.captures_iter(s))
        .filter_map(|c| c.name("kind").or_else(|| c.name("none")).and_then(|m| Kind::of(m.as_str())))
        .collect();
    let goes_on = sents.iter().enumerate().find_map(|(i, s)| {
        if AFTER_IT.is_match(s) {
            return None;
        }
        GOES_ON
            .captures_iter(s)
            .filter_map(|c| c.name("kind"))
            .filter_map(|m| Kind::of(m.as_str()))
            .find(|k| stopped.iter().any(|s| k.beside(*s)))
            .map(|k| (i, k))
    });
    let Some((i, kind)) = goes_on else { return events };
    let scope = match kind {
        Kind::People => "closed to goods; people cross",
        Kind::Goods | Kind::Vehicles => "closed to people; goods cross",
    };
    for e in events.iter_mut().filter(|e| e.status == Status::Closed) {
        if e.scope.as_deref().and_then(Kind::of) == Some(kind) {
            continue;
        }
        e.status = Status::Restricted;
        e.scope.get_or_insert_with(|| scope.to_string());
        e.sentences.insert(i);
    }
    events
}
