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

mod dates;
mod explain;
mod lexicon;
mod mentions;
mod sentences;
#[cfg(test)]
mod tests;
pub mod time;

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};

use self::dates::{Phrase, Role, Span, When};
pub use self::explain::explain;
use self::explain::{Rule, Why};
use self::lexicon::{Country, CLOSURE_BEFORE, COUNTRY_BORDER, GENERIC_CROSSING, SCOPE, TRIGGER};
use self::mentions::Mention;
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
    since_derived: bool,
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
        let found = mentions::find(s, gazetteer);
        let folded = crate::gazetteer::fold(s);
        let countries: Vec<Country> = lexicon::countries_in(&folded).into_iter().map(|(_, c)| c).collect();
        let border = border_of(s, &countries, &doc_countries, last_border);
        sentence_events(s, i, published, &found, border, about.is_some(), &mut events);
        if let Some(b) = border {
            last_border = Some(b);
        }
        doc_mentions.extend(found.into_iter().map(|m| (i, m.target)));
        for c in countries {
            if !doc_countries.contains(&c) {
                doc_countries.push(c);
            }
        }
    }
    let events = resolve_unnamed(events, &sents, &doc_mentions, last_border);
    let merged = imply_closures(merge(events));
    let completed = complete(merged);
    (complete(fold_borders(completed)), sents)
}

/// The two countries of a country-wide border statement in this sentence, if it is one.
fn border_of(
    s: &str,
    here: &[Country],
    before: &[Country],
    last: Option<(Country, Country)>,
) -> Option<(Country, Country)> {
    if !COUNTRY_BORDER.is_match(s) {
        return None;
    }
    match here {
        [a, b, ..] => Some((*a, *b)),
        [x] => before.iter().rev().find(|c| c != &x).map(|c| (*c, *x)).or(last),
        [] => last,
    }
}

fn sentence_events(
    s: &str,
    sent: usize,
    published: NaiveDate,
    found: &[Mention],
    border: Option<(Country, Country)>,
    about_one: bool,
    out: &mut Vec<Event>,
) {
    if !TRIGGER.is_match(s) {
        return;
    }
    let consumed: Vec<(usize, usize, Span)> = CLOSURE_BEFORE
        .captures_iter(s)
        .filter_map(|c| {
            let m = c.get(0)?;
            let n = c.name("n1").or(c.name("n2"))?;
            let u = c.name("u1").or(c.name("u2"))?;
            Some((m.start(), m.end(), dates::span(dates::number(n.as_str())?, u.as_str())))
        })
        .collect();
    let triggers: Vec<regex::Captures<'_>> = TRIGGER
        .captures_iter(s)
        .filter(|c| !lexicon::NEGATED.is_match(before(s, c.get(0).expect("match").start())))
        .filter(|c| !NOT_A_STATUS.is_match(&s[c.get(0).expect("match").end()..]))
        .filter(|c| {
            let m = c.get(0).expect("match");
            !consumed.iter().any(|(a, b, _)| m.start() < *b && m.end() > *a)
        })
        .collect();
    if triggers.is_empty() {
        return;
    }
    let phrases = dates::find(s, published);
    let named_here = !found.is_empty();
    let first_event = out.len();
    for (k, c) in triggers.iter().enumerate() {
        let m = c.get(0).expect("match");
        let lo = if k == 0 { 0 } else { triggers[k - 1].get(0).expect("match").end() };
        let hi = triggers.get(k + 1).map_or(s.len(), |n| n.get(0).expect("match").start());
        let mut status = if c.name("closed").is_some() {
            Status::Closed
        } else if c.name("restricted").is_some() {
            Status::Restricted
        } else {
            Status::Open
        };
        let after = &s[m.end()..hi];
        let mut scope = None;
        if status != Status::Closed {
            if let Some(sc) = SCOPE.captures(after).and_then(|x| x.name("scope")) {
                let text = sc.as_str().trim().to_string();
                if lexicon::is_restrictive(&text) {
                    status = Status::Restricted;
                }
                scope = Some(text);
            }
        }
        // Unblocking one kind of traffic ends its blockade; it says nothing of the rest.
        if status == Status::Closed
            || (status == Status::Open && !m.as_str().to_ascii_lowercase().starts_with("unblock"))
        {
            let subject = lexicon::SUBJECT_SCOPE.captures(&s[lo..m.start()]);
            if let Some(sc) = subject.and_then(|x| x.name("of").or(x.name("kind"))) {
                if lexicon::is_restrictive(sc.as_str()) {
                    let verb = if status == Status::Closed { "closed to" } else { "open to" };
                    status = Status::Restricted;
                    scope = Some(format!("{verb} {}", sc.as_str().trim()));
                }
            }
        }
        if status == Status::Open && lexicon::PARTIAL_SUBJECT.is_match(&s[lo..m.start()]) {
            status = Status::Restricted;
        }
        if status == Status::Closed {
            if let Some(sc) = lexicon::CLOSED_TO.captures(after).and_then(|x| x.name("scope")) {
                if lexicon::is_restrictive(sc.as_str()) {
                    status = Status::Restricted;
                    scope = Some(format!("closed to {}", sc.as_str().trim()));
                }
            }
        }
        if after.to_ascii_lowercase().trim_start_matches([',', ' ']).starts_with("with exception")
            || (status == Status::Open && lexicon::limits(after))
        {
            status = Status::Restricted;
        }
        let present = ["opens", "closes", "resumes", "reopens"].iter().any(|w| m.as_str().eq_ignore_ascii_case(w));
        if lexicon::HABITUAL.is_match(&s[lo..hi])
            || lexicon::HYPOTHETICAL.is_match(&s[lo..m.start()])
            || (present && lexicon::SUBORDINATE.is_match(before(s, m.start())))
        {
            continue;
        }
        if status == Status::Closed
            && (lexicon::part_of_day(&s[lo..hi]) || lexicon::PART_OF_CROSSING.is_match(&s[lo..m.start()]))
        {
            status = Status::Restricted;
        }
        if status != Status::Closed && lexicon::CALLED_OFF.is_match(&s[lo..hi]) {
            continue;
        }
        let mut targets: Vec<Target> =
            found.iter().filter(|x| x.pos >= lo && x.pos < m.start()).map(|x| x.target.clone()).collect();
        let after_list = listed_after(s, m.end(), hi, found);
        if targets.is_empty() {
            targets = found.iter().filter(|x| x.pos >= m.end() && x.pos < hi).map(|x| x.target.clone()).collect();
        } else {
            for t in after_list {
                if !targets.iter().any(|x| x.key() == t.key()) {
                    targets.push(t);
                }
            }
        }
        let others = OTHERS.is_match(&s[lo..m.start()]);
        if let (true, Some((a, b))) = (targets.is_empty() && COUNTRY_BORDER.is_match(&s[lo..m.start()]), border) {
            targets = vec![Target::Border(a, b)];
        }
        if targets.is_empty() {
            targets = out[first_event..].last().map(|e| vec![e.target.clone()]).unwrap_or_default();
        }
        if targets.is_empty() {
            targets = match border {
                Some((a, b)) if !named_here => vec![Target::Border(a, b)],
                _ if about_one
                    || GENERIC_CROSSING.is_match(s)
                    || lexicon::PLURAL.is_match(s)
                    || lexicon::IT.is_match(s) =>
                {
                    vec![Target::Unresolved]
                }
                _ => continue,
            };
        }
        let future = dates::is_future(&s[..m.start()]);
        let continuing = lexicon::CONTINUING.is_match(before(s, m.start()));
        let mut ev = Event {
            target: Target::Unresolved,
            status,
            since: None,
            since_derived: false,
            until: None,
            open_ended: false,
            scope,
            sentences: BTreeSet::from([sent]),
            order: (sent, m.start()),
            ended: false,
            planned: Some(future).filter(|_| !is_headline(s, sent)),
            others,
            reopening: future && status != Status::Closed && lexicon::REOPENING.is_match(m.as_str()),
            why: Why::of(m.as_str()),
        };
        let mut span = None;
        let own = |p: &&dates::Found| {
            owner(p, &triggers) == k && !consumed.iter().any(|(a, b, _)| p.start < *b && p.end > *a)
        };
        for p in phrases.iter().filter(own) {
            let between = if p.start >= m.end() { &s[m.end()..p.start] } else { &s[p.end.min(m.start())..m.start()] };
            if lexicon::OTHER_THING.is_match(between) || is_dateline(s, p) {
                continue;
            }
            match p.phrase {
                Phrase::Date(Role::Until, w) => ev.until = Some((w, End::Stated)),
                Phrase::Date(Role::UntilAtLeast, w) => ev.until = Some((w, End::Stated)),
                Phrase::Date(Role::Since | Role::By, w) => ev.since = Some(w),
                Phrase::Date(Role::On, w) if !continuing && ev.since.is_none() => ev.since = Some(w),
                Phrase::Date(..) => {}
                Phrase::For(sp) => span = Some(sp),
                Phrase::OpenEnded => ev.open_ended = true,
            }
        }
        ev.why.until = ev.until.map(|_| ev.why.bound(Rule::Stated, sent));
        ev.why.since = ev.since.map(|_| ev.why.bound(Rule::Stated, sent));
        if let (Some(sp), None) = (span, ev.until) {
            let start = match ev.since {
                Some(w) => Some(w.day()),
                None if future => {
                    ev.since_derived = true;
                    Some(published)
                }
                None => None,
            };
            if let Some(last) = start.and_then(|d| sp.last_day(d)) {
                ev.until = Some((When::Day(last, None), End::Derived));
                let rule = if ev.since_derived { Rule::LengthFromPublication } else { Rule::Length };
                ev.why.until = Some(ev.why.bound(rule, sent));
            }
        }
        if ev.open_ended {
            ev.until = None;
        }
        for (_, _, sp) in consumed.iter().filter(|(a, _, _)| *a >= m.end() && *a < hi) {
            if let (true, Some(reopened)) = (sp.is_precise(), ev.since) {
                for t in &targets {
                    out.push(Event {
                        target: t.clone(),
                        status: Status::Closed,
                        since: None,
                        since_derived: false,
                        until: ended_by(reopened).map(|w| (w, End::Derived)),
                        open_ended: false,
                        scope: None,
                        sentences: BTreeSet::from([sent]),
                        order: (sent, m.start()),
                        ended: true,
                        planned: Some(false),
                        others: false,
                        reopening: false,
                        why: ev.why.closure_ended(sent),
                    });
                }
            }
        }
        for t in targets {
            // Only a border's record is about "the other crossings"; a named one is itself.
            let others = ev.others && matches!(t, Target::Border(..));
            out.push(Event { target: t, others, ..ev.clone() });
        }
    }
}

/// The crossings listed right after a status word that says where it holds: "was
/// halted at the A checkpoint and three railway crossings: B, C and D".
fn listed_after(s: &str, from: usize, to: usize, found: &[Mention]) -> Vec<Target> {
    let mut after = found.iter().filter(|x| x.pos >= from && x.pos < to);
    let Some(first) = after.next() else { return Vec::new() };
    if !lexicon::LOCATIVE.is_match(&s[from..first.pos]) {
        return Vec::new();
    }
    let mut out = vec![first.target.clone()];
    let mut last_end = first.end;
    for x in after {
        let gap = s.get(last_end.min(x.pos)..x.pos).unwrap_or("");
        if !lexicon::LIST_GAP.is_match(gap) || lexicon::CLAUSE_BREAK.is_match(gap) {
            break;
        }
        out.push(x.target.clone());
        last_end = x.end;
    }
    out
}

/// A headline: the text's first line, without a full stop.
fn is_headline(s: &str, sent: usize) -> bool {
    sent == 0 && !s.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// A dateline: a date that opens the text, after at most a place name, and is set off
/// by punctuation ("Helsinki, December 12, 2023 – Finland will …"). It dates the report.
fn is_dateline(s: &str, p: &dates::Found) -> bool {
    let head = s[..p.start].trim_end();
    let place = head.is_empty()
        || (head.ends_with(',') && head.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase)));
    let absolute = s[p.start..p.end].contains(|c: char| c.is_ascii_digit());
    place
        && absolute
        && head.split_whitespace().count() <= 3
        && s[p.end..].trim_start().starts_with([',', ':', '–', '—', '-', '('])
}

/// Up to 40 bytes of `s` before `at`, on a character boundary.
fn before(s: &str, at: usize) -> &str {
    let mut from = at.saturating_sub(40);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    &s[from..at]
}

/// Compiles a pattern in ASCII mode: every word these patterns look for is ASCII, and
/// Unicode-aware classes and `\b` cost a table lookup per character. A pattern that
/// cannot be ASCII-only on text (a negated class could match inside a UTF-8 sequence)
/// keeps Unicode classes with ASCII word boundaries.
pub(crate) fn ascii_words(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::Regex::new(&format!("(?-u){pattern}")).or_else(|_| regex::Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")))
}

/// The status word a date phrase belongs to: the one it overlaps ("a three-day
/// closure"), else the last one before it, else the first.
fn owner(p: &dates::Found, triggers: &[regex::Captures<'_>]) -> usize {
    let span = |c: &regex::Captures<'_>| c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
    if let Some(i) = triggers.iter().position(|c| {
        let (a, b) = span(c);
        p.start < b && p.end > a
    }) {
        return i;
    }
    triggers.iter().rposition(|c| span(c).0 <= p.start).unwrap_or(0)
}

/// "all other crossings", "the remaining checkpoints": those not named.
static OTHERS: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| ascii_words(r"(?i)\b(?:other|remaining|rest\s+of\s+the)\b").expect("regex"));

/// "opening hours", "closing ceremony": the word is not about the crossing's status.
static NOT_A_STATUS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    ascii_words(r"(?i)^\s+(?:hours|times|ceremony|fire|letter|remarks|statement|question|market|date)\b")
        .expect("regex")
});

/// "The crossing" in a sentence that names none is the crossing named most recently
/// before it, or else the first one named after it; failing both, the border the
/// document is about. A plural ("their operations", "both checkpoints", "they") is
/// every crossing of the last sentence before it that named any.
fn resolve_unnamed(
    events: Vec<Event>,
    sents: &[&str],
    mentions: &[(usize, Target)],
    border: Option<(Country, Country)>,
) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    for mut e in events {
        if e.target != Target::Unresolved {
            out.push(e);
            continue;
        }
        let sent = e.order.0;
        let before = mentions.iter().rev().find(|(i, _)| *i <= sent);
        let after = mentions.iter().find(|(i, _)| *i > sent);
        let targets: Vec<Target> = match (before.or(after), border) {
            (Some((i, _)), _) if sents.get(sent).is_some_and(|s| lexicon::PLURAL.is_match(s)) => {
                let mut all: Vec<Target> = Vec::new();
                for (_, t) in mentions.iter().filter(|(j, _)| j == i) {
                    if !all.contains(t) {
                        all.push(t.clone());
                    }
                }
                all
            }
            (Some((_, t)), _) => vec![t.clone()],
            (None, Some((a, b))) => vec![Target::Border(a, b)],
            (None, None) => vec![],
        };
        e.why.borrow_target(before.or(after).map(|(i, _)| *i), sent);
        out.extend(targets.into_iter().map(|target| Event { target, ..e.clone() }));
    }
    out
}

/// How well two statements' statuses fit one period: 2 the same, 1 one restricts the
/// other, 0 not at all. A closure that a reopening ended takes only closures.
fn fit(a: &Event, b: &Event) -> u8 {
    if a.status == b.status {
        2
    } else if !a.ended && !b.ended && (a.status == Status::Restricted || b.status == Status::Restricted) {
        1
    } else {
        0
    }
}

/// Merges statements about the same target and period.
fn merge(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for e in events.into_iter().filter(|e| e.target != Target::Unresolved) {
        let same = out
            .iter_mut()
            .filter(|o| {
                o.target.key() == e.target.key()
                    && o.others == e.others
                    && (fit(o, &e) == 2 || (fit(o, &e) == 1 && o.planned.zip(e.planned).is_none_or(|(a, b)| a == b)))
                    && (o.since.is_none()
                        || e.since.is_none()
                        || o.since_derived
                        || e.since_derived
                        || o.since.map(When::day) == e.since.map(When::day))
            })
            .max_by_key(|o| (fit(o, &e), o.status == Status::Open));
        let Some(o) = same else {
            out.push(e);
            continue;
        };
        if e.status == Status::Restricted || o.status == Status::Restricted {
            o.status = Status::Restricted;
        }
        if o.since.is_none() || (o.since_derived && !e.since_derived && e.since.is_some()) {
            o.since = e.since;
            o.since_derived = e.since_derived;
            o.why.since.clone_from(&e.why.since);
        }
        let had = o.until;
        o.until = match (o.until, e.until, e.open_ended) {
            (_, _, true) => None,
            (Some((_, End::Stated)), Some((_, End::Derived)) | None, _) => o.until,
            (_, Some(u), _) => Some(u),
            (u, None, _) => u,
        };
        o.why.merge(&e.why, o.until != had, o.until == e.until);
        o.open_ended = (o.open_ended && e.until.is_none()) || e.open_ended;
        o.scope = o.scope.take().or(e.scope);
        o.sentences.extend(e.sentences);
    }
    out
}

/// A reopening on a known day tells of the closure it ended, when the text says nothing
/// else of that closure: "the crossing will reopen on 8 January" means it is closed until
/// then. The closure's start is not known.
fn imply_closures(mut events: Vec<Event>) -> Vec<Event> {
    let mut implied = Vec::new();
    for e in &events {
        let Some(since @ When::Day(..)) = e.since.filter(|_| e.reopening && !e.since_derived) else { continue };
        if events.iter().any(|o| o.target.key() == e.target.key() && o.status != Status::Open) {
            continue;
        }
        implied.push(Event {
            status: Status::Closed,
            since: None,
            until: ended_by(since).map(|w| (w, End::Derived)),
            open_ended: false,
            scope: None,
            ended: true,
            reopening: false,
            ..e.clone()
        });
    }
    events.extend(implied);
    events.sort_by_key(|e| (e.order, !e.ended));
    events
}

/// A period with no end ends the day before the next different status of the same
/// target begins (after its own start, when that is known). An opening with no known
/// start is left open: its place in time is not known.
fn complete(mut events: Vec<Event>) -> Vec<Event> {
    for i in 0..events.len() {
        // An opening whose start the text does not give may as well have come after the
        // closure it is told with, and one dated by its year alone ("opened in 1938") is
        // the crossing's history: neither gets an end worked out from what came next.
        let unplaced_opening =
            events[i].status == Status::Open && matches!(events[i].since, None | Some(When::Year(_)));
        if events[i].until.is_some() || events[i].open_ended || events[i].others || unplaced_opening {
            continue;
        }
        let from = events[i].since.map(When::day);
        let next = events
            .iter()
            .filter(|n| n.target.key() == events[i].target.key() && n.status != events[i].status)
            // With no start of its own, a restriction and a closure may be one event
            // told twice ("trucks were blocked … carriers began blocking the crossing").
            .filter(|n| from.is_some() || n.status == Status::Open || fit(n, &events[i]) == 0)
            .filter_map(|n| {
                let why = || n.why.bound(Rule::NextEvent, n.order.0);
                n.since.filter(|_| !n.since_derived).map(|s| (s, n.sentences.clone(), why()))
            })
            .filter(|(s, ..)| from.is_none_or(|f| s.day() > f))
            .min_by_key(|(s, ..)| s.day());
        if let Some((s, sents, why)) = next {
            events[i].until = ended_by(s).map(|w| (w, End::Derived));
            events[i].why.until = Some(why);
            events[i].sentences.extend(sents);
        }
    }
    events
}

/// The end of a period that the next one, starting at `next`, ended: the moment it
/// began when the text gives its time of day ("reopened at 9:30 a.m."), else the day
/// before it.
fn ended_by(next: When) -> Option<When> {
    match next {
        When::Day(d, Some(t)) => Some(When::Day(d, Some(t))),
        w => w.day().pred_opt().map(|d| When::Day(d, None)),
    }
}

/// A country-wide statement lends its stated end to the named crossings of that border
/// that lack one, and is dropped; with no such crossing it stays as a record of its own.
fn fold_borders(events: Vec<Event>) -> Vec<Event> {
    let (borders, mut rest): (Vec<Event>, Vec<Event>) =
        events.into_iter().partition(|e| matches!(e.target, Target::Border(..)));
    let mut out = Vec::new();
    for b in borders {
        let Target::Border(x, y) = &b.target else { continue };
        if b.others {
            out.push(b);
            continue;
        }
        let on_border = |e: &&mut Event| matches!(&e.target, Target::Crossing { countries, .. } if countries.iter().any(|c| c == x.code) && countries.iter().any(|c| c == y.code));
        let mut any = false;
        for e in rest.iter_mut().filter(|e| on_border(e)) {
            any = true;
            let lends_end = e.status == b.status || (e.status != Status::Open && b.status != Status::Open);
            if let (Some((w, End::Stated)), true) = (b.until, lends_end) {
                if !e.open_ended && e.until.is_none_or(|(_, k)| k == End::Derived) {
                    e.until = Some((w, End::Stated));
                    e.why.until = Some(b.why.bound(Rule::Lent, b.order.0));
                    e.sentences.extend(b.sentences.iter().copied());
                }
            }
            if let (Some(w), false, true, None) = (b.since, b.since_derived, e.status == b.status, e.since) {
                e.since = Some(w);
                e.sentences.extend(b.sentences.iter().copied());
            }
        }
        if !any {
            out.push(b);
            continue;
        }
        lend_status(&b, &mut rest, on_border);
    }
    rest.extend(out);
    rest.sort_by_key(|e| e.order);
    rest
}

/// A border closed before a named crossing of it reopened was closed at that crossing
/// too: "All eight crossings were closed in November. … Vaalimaa will reopen on
/// Thursday." The crossing gets the border's closure, which its reopening ends. Likewise
/// a border that reopens after a named crossing of it closed reopens that crossing.
fn lend_status(b: &Event, rest: &mut Vec<Event>, on_border: impl Fn(&&mut Event) -> bool) {
    let at = b.since.filter(|_| !b.since_derived).map(When::day);
    if b.status == Status::Open && at.is_none() {
        return;
    }
    let mut lent: Vec<Event> = Vec::new();
    for e in rest.iter_mut().filter(|e| on_border(e)) {
        let since = e.since.filter(|_| !e.since_derived).map(When::day);
        let fits = if b.status == Status::Open {
            e.status != Status::Open && since.is_none_or(|s| at.is_some_and(|a| s < a))
        } else {
            e.status == Status::Open && since.is_some_and(|s| at.is_none_or(|a| s > a))
        };
        if fits && !lent.iter().any(|l| l.target.key() == e.target.key()) {
            lent.push(Event { target: e.target.clone(), until: None, others: false, ..b.clone() });
        }
    }
    lent.retain(|l| {
        !rest
            .iter()
            .any(|e| e.target.key() == l.target.key() && (e.status == Status::Open) == (b.status == Status::Open))
    });
    rest.extend(lent);
}

fn record(e: Event, sents: &[&str], published: NaiveDate, source: &str) -> Option<Record> {
    let (crossing, name, countries, tz) = match e.target {
        Target::Crossing { id, name, countries, tz } => (id, name, countries, tz),
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
        since: e.since.filter(|_| !e.since_derived).map(When::format),
        expires_at: until.as_deref().and_then(|u| expires_at(u, zone)),
        until,
        tz,
        source: source.to_string(),
        observed_at: Utc.from_utc_datetime(&published.and_hms_opt(0, 0, 0).unwrap_or_default()),
        evidence: Some(evidence),
        confidence: e.why.confidence(e.until.is_some()),
    })
}
