//! Extract: news text and its publication date → records (DESIGN.md §9).
//!
//! The text is cut into sentences. In each, status words (closed, reopened, restricted
//! to cargo, …) are found, and each takes the crossings named in its clause and the date
//! phrases between it and the next status word. Across the document, statements about
//! the same crossing and period are merged; a period without an end is closed by the next
//! thing that happened to the crossing; a country-wide closure ("its border with Belarus
//! until 30 November") lends its dates to the named crossings of that border, or becomes
//! a record of its own when none is named. A date never crosses into a clause about
//! something else, so a deadline or a visit is not a crossing's expiry.

mod alternatives;
mod clause;
mod countries;
mod dates;
mod explain;
mod length;
mod lexicon;
mod mentions;
mod partial;
mod sentences;
mod tense;
#[cfg(test)]
mod tests;
pub mod time;
mod timeline;
mod when;

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};

use self::clause::sentence_events;
use self::dates::When;
pub use self::explain::explain;
use self::explain::Why;
use self::lexicon::{Country, COUNTRY_BORDER, TRIGGER};
use self::timeline::{
    complete, cut_short, extend_to_reopening, fold_borders, imply_closures, lend_to_covered, merge, resolve_unnamed,
};
use crate::gazetteer::Gazetteer;
use crate::model::Crossing;
use crate::model::{Record, Status};
use crate::timeutil::expires_at;

/// What a statement is about.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// One crossing: id, display name, countries, zone.
    Crossing { id: String, name: String, countries: Vec<String>, tz: String },
    /// The whole border between two countries.
    Border(Country, Country),
    /// "the crossing": the crossing the document is about.
    Unresolved,
}

impl Target {
    fn key(&self) -> String {
        match self {
            Target::Crossing { id, .. } => id.clone(),
            Target::Border(a, b) => {
                let mut c = [a.code, b.code];
                c.sort_unstable();
                format!("border:{}-{}", c[0], c[1])
            }
            Target::Unresolved => String::new(),
        }
    }
}

/// How sure an end date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End {
    /// Worked out from a length or from what happened next.
    Derived,
    /// Stated.
    Stated,
}

/// One statement: a status of a target over a period.
#[derive(Debug, Clone)]
struct Event {
    target: Target,
    status: Status,
    since: Option<When>,
    until: Option<(When, End)>,
    open_ended: bool,
    scope: Option<String>,
    sentences: BTreeSet<usize>,
    order: (usize, usize),
    /// A closure known only because a reopening ended it ("after a 27-day closure").
    ended: bool,
    /// Told as planned at publication ("will reopen"); `None` in a headline, whose
    /// present tense tells neither.
    planned: Option<bool>,
    /// A country-wide statement about the crossings not named ("all other crossings").
    others: bool,
    /// An opening told as the end of a closure: "reopened", "resumed", "lifted".
    reopening: bool,
    /// A time of day told without its day, which the same period told elsewhere gives.
    at: Option<NaiveTime>,
    /// What its dates and crossing rest on: the confidence of its end.
    why: Why,
}

/// Reads records out of `text`, published on `published`.
#[must_use]
pub fn extract(text: &str, published: NaiveDate, gazetteer: &Gazetteer, source: &str) -> Vec<Record> {
    extract_about(text, published, gazetteer, source, None)
}

/// Like [`extract`], for a text that belongs to one crossing (a port's notice in a
/// government feed): status words that name no crossing are about `about`.
#[must_use]
pub fn extract_about(
    text: &str,
    published: NaiveDate,
    gazetteer: &Gazetteer,
    source: &str,
    about: Option<&Crossing>,
) -> Vec<Record> {
    let (events, sents) = statements(text, published, gazetteer, about);
    events.into_iter().filter_map(|e| record(e, &sents, published, source)).collect()
}

/// The statements of `text`, merged, completed and folded, with its sentences.
fn statements<'t>(
    text: &'t str,
    published: NaiveDate,
    gazetteer: &Gazetteer,
    about: Option<&Crossing>,
) -> (Vec<Event>, Vec<&'t str>) {
    let sents = sentences::split(text);
    // Every statement starts at a status word of its sentence ([`sentence_events`]): a
    // text with none has none, and need not have its names, countries and borders found
    // (most notices of the CBP feeds hold none).
    if !sents.iter().any(|s| TRIGGER.is_match(s)) {
        return (Vec::new(), sents);
    }
    let mut events = Vec::new();
    let mut doc_mentions: Vec<(usize, Target)> = about
        .map(|c| {
            (
                0,
                Target::Crossing {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    countries: c.countries.clone(),
                    tz: c.tz.name().to_string(),
                },
            )
        })
        .into_iter()
        .collect();
    let mut doc_countries: Vec<Country> = Vec::new();
    let mut last_border: Option<(Country, Country)> = None;
    for (i, s) in sents.iter().enumerate() {
        let named: Vec<&str> = doc_countries.iter().map(|c| c.code).collect();
        let found = mentions::find(s, gazetteer, &named);
        let folded = crate::gazetteer::fold(s);
        let placed = lexicon::countries_in(&folded);
        let countries: Vec<Country> = placed.iter().map(|(_, c)| *c).collect();
        let border = border_of(s, &countries, &doc_countries, last_border);
        let borders = match border.and_then(|_| neighbours(&folded, &placed, &doc_countries)) {
            Some(list) => list,
            None => border.into_iter().collect(),
        };
        sentence_events(s, i, published, &found, &borders, about.is_some(), &mut events);
        if let Some(b) = borders.first() {
            last_border = Some(*b);
        }
        doc_mentions.extend(found.into_iter().map(|m| (i, m.target)));
        for c in countries {
            if !doc_countries.contains(&c) {
                doc_countries.push(c);
            }
        }
    }
    let events = lend_to_covered(resolve_unnamed(events, &sents, &doc_mentions, last_border), &sents);
    let merged = imply_closures(merge(events));
    let completed = complete(merged);
    let events = cut_short(extend_to_reopening(complete(fold_borders(completed, &doc_mentions))));
    let events = length::told_apart(events, &sents, &doc_mentions, published);
    (partial::other_traffic_goes_on(events, &sents), sents)
}

/// The two countries of a country-wide border statement in this sentence, if it is one;
/// one country twice for all the land borders of one country.
fn border_of(
    s: &str,
    here: &[Country],
    before: &[Country],
    last: Option<(Country, Country)>,
) -> Option<(Country, Country)> {
    if !may_name_a_border(s) || !COUNTRY_BORDER.is_match(s) {
        return None;
    }
    match here {
        [a, b, ..] => Some((*a, *b)),
        // A country alone closes all its land borders: "Zimbabwe closed its borders".
        [x] => before.iter().rev().find(|c| c != &x).map(|c| (*c, *x)).or(last).or(Some((*x, *x))),
        [] => last,
    }
}

/// One country's borders with a list of its neighbours: "the land borders with Algeria,
/// Burkina Faso, Mali and Chad are re-opened" (in Niger's news) is a border with each. The
/// country is the one named before "with", or else the last one the text named before
/// that is not in the list. `placed` are the countries of the folded sentence `folded`,
/// by position.
fn neighbours(folded: &str, placed: &[(usize, Country)], before: &[Country]) -> Option<Vec<(Country, Country)>> {
    let with = folded.find("borders with ").or_else(|| folded.find("border with "))?;
    let (home, after): (Vec<_>, Vec<_>) = placed.iter().partition(|(p, _)| *p < with);
    // Each neighbour follows the one before it after at most its own name and an "and".
    let mut at = with;
    let listed: Vec<(usize, Country)> = after
        .into_iter()
        .take_while(|(p, _)| {
            let near = folded[at..*p].split(' ').filter(|x| !x.is_empty()).count() <= 4;
            at = *p;
            near
        })
        .collect();
    if listed.len() < 2 {
        return None;
    }
    let home = home
        .last()
        .map(|(_, c)| *c)
        .or_else(|| before.iter().rev().find(|c| !listed.iter().any(|(_, l)| l == *c)).copied())?;
    Some(listed.iter().filter(|(_, c)| *c != home).map(|(_, c)| (home, *c)).collect())
}

/// False when `s` holds none of the words every match of [`COUNTRY_BORDER`] holds, so
/// that most sentences skip it. Its case-insensitive match reads `ſ` as `s` and `K`
/// (Kelvin) as `k`, so text with either still goes to the regex.
fn may_name_a_border(s: &str) -> bool {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["border", "crossing", "checkpoint", "entry", "frontier"])
            .expect("border words")
    });
    WORDS.is_match(s) || s.contains(['ſ', '\u{212a}'])
}

/// Compiles a pattern in ASCII mode: every word these patterns look for is ASCII, and
/// Unicode-aware classes and `\b` cost a table lookup per character. A pattern that
/// cannot be ASCII-only on text (a negated class could match inside a UTF-8 sequence)
/// keeps Unicode classes with ASCII word boundaries.
pub(crate) fn ascii_words(pattern: &str) -> Result<regex::Regex, regex::Error> {
    ascii_only(pattern).or_else(|_| ascii_boundaries(pattern))
}

/// `pattern` in ASCII mode.
pub(crate) fn ascii_only(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&format!("(?-u){pattern}"))
}

/// `pattern` with Unicode classes and ASCII word boundaries.
pub(crate) fn ascii_boundaries(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
}

/// True when `s` starts with `prefix` (lowercase ASCII), ASCII case ignored: the test
/// `s.to_ascii_lowercase().starts_with(prefix)` without copying `s`.
pub(crate) fn starts_with_lower(s: &str, prefix: &str) -> bool {
    s.as_bytes().get(..prefix.len()).is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// True when `s` ends with `suffix` (lowercase ASCII), ASCII case ignored: the test
/// `s.to_ascii_lowercase().ends_with(suffix)` without copying `s`.
pub(crate) fn ends_with_lower(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len() && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

fn record(e: Event, sents: &[&str], published: NaiveDate, source: &str) -> Option<Record> {
    let (crossing, name, countries, tz) = match e.target {
        Target::Crossing { id, name, countries, tz } => (id, name, countries, tz),
        Target::Border(a, b) if a == b => (
            format!("{}-borders", a.code.to_ascii_lowercase()),
            format!("{} land borders", a.name),
            vec![a.code.to_string()],
            a.tz.to_string(),
        ),
        Target::Border(a, b) => {
            let mut codes = [a.code, b.code];
            codes.sort_unstable();
            (
                format!("{}-{}-border", codes[0].to_ascii_lowercase(), codes[1].to_ascii_lowercase()),
                format!("{}–{} border", a.name, b.name),
                vec![a.code.to_string(), b.code.to_string()],
                a.tz.to_string(),
            )
        }
        Target::Unresolved => return None,
    };
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    let until = e.until.map(|(w, _)| w.format());
    let evidence = e.sentences.iter().filter_map(|i| sents.get(*i)).copied().collect::<Vec<_>>().join(" … ");
    Some(Record {
        crossing,
        name,
        countries,
        status: e.status,
        scope: e.scope,
        since: e.since.map(When::format),
        expires_at: until.as_deref().and_then(|u| expires_at(u, zone)),
        until,
        tz,
        source: source.to_string(),
        observed_at: Utc.from_utc_datetime(&published.and_hms_opt(0, 0, 0).unwrap_or_default()),
        evidence: Some(evidence),
        confidence: e.why.confidence(e.until.is_some()),
        values: std::collections::BTreeMap::new(),
    })
}
