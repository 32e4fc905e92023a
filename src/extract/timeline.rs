//! The document's timeline: statements about one crossing merged into periods, closures
//! implied by reopenings, ends worked out from what came next, and border-wide
//! statements handed to the crossings they cover.

use super::dates::When;
use super::explain::Rule;
use super::lexicon::{self, Country};
use super::{End, Event, Target};
use crate::model::Status;

/// "The crossing" in a sentence that names none is the crossing named most recently
/// before it, or else the first one named after it; failing both, the border the
/// document is about. A plural ("their operations", "both checkpoints", "they") is
/// every crossing of the last sentence before it that named any.
pub(super) fn resolve_unnamed(
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
        let listed = listed_below(sent, sents, mentions);
        if !listed.is_empty() {
            e.why.borrow_target(listed.first().map(|(i, _)| *i), sent);
            out.extend(listed.into_iter().map(|(_, target)| Event { target, ..e.clone() }));
            continue;
        }
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

/// A sentence whose subject is a closure told before, naming what it covers: "The
/// closure comprised the crossings of Jarablus, al-Rai and Tel Abyad".
static COVERED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    super::ascii_words(
        r"(?i)^\W*(?:the|this|that)\s+(?:closure|shutdown|suspension|ban|blockade|sealing)\s+(?:comprised|comprises|includes?|included|covers|covered|affects|affected|applies\s+to|applied\s+to|concerns|concerned|extends\s+to|extended\s+to|involves|involved)\b",
    )
    .expect("covered regex")
});

/// The crossings a closure covers, named in a sentence after it ([`COVERED`]), take its
/// dates when their sentence tells none.
pub(super) fn lend_to_covered(mut events: Vec<Event>, sents: &[&str]) -> Vec<Event> {
    for k in 0..events.len() {
        let e = &events[k];
        if e.since.is_some() || e.until.is_some() || !sents.get(e.order.0).is_some_and(|s| COVERED.is_match(s)) {
            continue;
        }
        let told = events[..k]
            .iter()
            .rev()
            .find(|o| o.order.0 < e.order.0 && o.status == e.status && (o.since.is_some() || o.until.is_some()));
        let Some(told) = told else { continue };
        let (since, until, why_since, why_until) =
            (told.since, told.until, told.why.since.clone(), told.why.until.clone());
        let e = &mut events[k];
        (e.since, e.until, e.why.since, e.why.until) = (since, until, why_since, why_until);
    }
    events
}

/// The crossings of the list items right after a sentence that ends with a colon: "The
/// following checkpoints resumed operations on March 1:" then "- BCP Jarteppa …", "- …".
/// So are those of the next sentence when it says which they are: "… will be opened.
/// These entry points are Sadao, Betong and Wang Kelian."
fn listed_below(sent: usize, sents: &[&str], mentions: &[(usize, Target)]) -> Vec<(usize, Target)> {
    let last = if sents.get(sent).is_some_and(|s| s.trim_end().ends_with(':')) {
        let item = |s: &str| s.trim_start().starts_with(['-', '–', '—', '•', '*', '·']);
        (sent + 1..sents.len()).take_while(|i| item(sents[*i])).last().unwrap_or(sent)
    } else if sents.get(sent + 1).is_some_and(|s| lexicon::THESE_ARE.is_match(s)) {
        sent + 1
    } else {
        return Vec::new();
    };
    let mut out: Vec<(usize, Target)> = Vec::new();
    for (i, t) in mentions.iter().filter(|(i, _)| *i > sent && *i <= last) {
        if !out.iter().any(|(_, o)| o.key() == t.key()) {
            out.push((*i, t.clone()));
        }
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

/// True when `a` ended before `b` began: two periods, not one told twice.
fn apart(a: &Event, b: &Event) -> bool {
    matches!((a.until, b.since), (Some((u, _)), Some(s)) if u.day() < s.day())
}

/// Merges statements about the same target and period.
pub(super) fn merge(events: Vec<Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for e in events.into_iter().filter(|e| e.target != Target::Unresolved) {
        let same = out
            .iter_mut()
            .filter(|o| {
                o.target.key() == e.target.key()
                    && o.others == e.others
                    && (fit(o, &e) == 2
                        || (fit(o, &e) == 1
                            && o.planned.zip(e.planned).is_none_or(|(a, b)| a == b)
                            && !o.why.ends_a_block()
                            && !e.why.ends_a_block()))
                    && !apart(o, &e)
                    && !apart(&e, o)
                    && (o.since.is_none() || e.since.is_none() || o.since.map(When::day) == e.since.map(When::day))
            })
            .max_by_key(|o| (fit(o, &e), o.status == Status::Open));
        let Some(o) = same else {
            out.push(e);
            continue;
        };
        if e.status == Status::Restricted || o.status == Status::Restricted {
            o.status = Status::Restricted;
        }
        // The same day told again with its time of day: "on January 12 at 9:30 am".
        let timed = matches!((o.since, e.since), (Some(When::Day(a, None)), Some(When::Day(b, Some(_)))) if a == b);
        if o.since.is_none() || timed {
            o.since = e.since;
            o.why.since.clone_from(&e.why.since);
        }
        // "Reopened on Saturday … traffic had resumed at about 7am": the day and its time.
        o.at = o.at.or(e.at);
        o.since = o.since.map(|w| w.with_time(o.at));
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
pub(super) fn imply_closures(mut events: Vec<Event>) -> Vec<Event> {
    let mut implied: Vec<Event> = Vec::new();
    for e in &events {
        let Some(since @ When::Day(..)) = e.since.filter(|_| e.reopening) else { continue };
        let same = |o: &&Event| o.target.key() == e.target.key();
        // A closure told of, or a restriction that is not itself a step of the reopening.
        if events.iter().filter(same).any(|o| o.status != Status::Open && !o.reopening) {
            continue;
        }
        // Of a reopening in steps, the first ends the closure.
        let first = events.iter().filter(same).filter(|o| o.reopening).filter_map(|o| o.since).min_by_key(|w| w.day());
        if first.is_some_and(|f| f.day() < since.day()) || implied.iter().any(|i| i.target.key() == e.target.key()) {
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
            at: None,
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
pub(super) fn complete(mut events: Vec<Event>) -> Vec<Event> {
    for i in 0..events.len() {
        // An opening whose start the text does not give may as well have come after the
        // closure it is told with, and one dated by its year alone ("opened in 1938") is
        // the crossing's history: neither gets an end worked out from what came next.
        let unplaced_opening =
            events[i].status == Status::Open && matches!(events[i].since, None | Some(When::Year(_)));
        let from = events[i].since.map(When::day);
        // "Until further notice" holds until a reopening after its start has happened.
        let open_ended = events[i].open_ended;
        if events[i].until.is_some()
            || (open_ended && (from.is_none() || events[i].status == Status::Open))
            || events[i].others
            || unplaced_opening
        {
            continue;
        }
        let next = events
            .iter()
            .filter(|n| n.target.key() == events[i].target.key() && n.status != events[i].status)
            .filter(|n| !open_ended || (n.status == Status::Open && n.planned == Some(false)))
            // With no start of its own, a restriction and a closure may be one event told
            // twice ("trucks were blocked … carriers began blocking the crossing"); only an
            // opposite status or a reopening ends it.
            .filter(|n| from.is_some() || fit(n, &events[i]) == 0 || n.reopening)
            .filter_map(|n| {
                let why = || n.why.bound(Rule::NextEvent, n.order.0);
                n.since.map(|s| (s, n.sentences.clone(), why()))
            })
            .filter(|(s, ..)| from.is_none_or(|f| s.day() > f))
            // Of two tellings of the same day, the one with a time of day.
            .min_by_key(|(s, ..)| (s.day(), !matches!(s, When::Day(_, Some(_)))));
        if let Some((s, sents, why)) = next {
            events[i].until = ended_by(s).map(|w| (w, End::Derived));
            events[i].why.until = Some(why);
            events[i].sentences.extend(sents);
        }
    }
    events
}

/// A stated end that a reopening beat: "resumed this morning, a day after trade was
/// declared suspended till October 24" ended the suspension this morning. Only a full
/// reopening that has happened, after the period began, ends it early.
pub(super) fn cut_short(mut events: Vec<Event>) -> Vec<Event> {
    for i in 0..events.len() {
        let Some((end, End::Stated)) = events[i].until.filter(|_| events[i].status != Status::Open) else { continue };
        let from = events[i].since.map(When::day);
        let key = events[i].target.key();
        let reopened = events
            .iter()
            .filter(|n| {
                n.target.key() == key && n.status == Status::Open && n.why.ends_a_closure() && n.planned == Some(false)
            })
            .filter_map(|n| n.since.map(|s| (s, n.order.0)))
            .filter(|(s, _)| s.day() < end.day() && from.is_none_or(|f| s.day() > f))
            .min_by_key(|(s, _)| s.day());
        if let Some((s, sent)) = reopened {
            events[i].until = ended_by(s).map(|w| (w, End::Derived));
            events[i].why.until = Some(events[i].why.bound(Rule::NextEvent, sent));
        }
    }
    events
}

/// A closure whose end was worked out lasts until a reopening planned after that end:
/// "closed on July 20 for three days … expected to reopen on July 25" was extended.
pub(super) fn extend_to_reopening(mut events: Vec<Event>) -> Vec<Event> {
    for i in 0..events.len() {
        let Some((end, End::Derived)) =
            events[i].until.filter(|_| events[i].status == Status::Closed && !events[i].ended)
        else {
            continue;
        };
        let key = events[i].target.key();
        // Something else between them: "reopened for cargo Wednesday, for people Friday".
        let between = |s: When| {
            events.iter().any(|o| {
                o.target.key() == key
                    && o.status != Status::Closed
                    && o.since.is_some_and(|x| x.day() > end.day() && x.day() < s.day())
            })
        };
        let later = events
            .iter()
            .filter(|n| n.target.key() == events[i].target.key() && n.status == Status::Open && n.planned == Some(true))
            .filter_map(|n| n.since)
            .filter(|s| s.day() > end.day().succ_opt().unwrap_or(end.day()) && !between(*s))
            .min_by_key(|s| s.day());
        if let Some(s) = later {
            events[i].until = ended_by(s).map(|w| (w, End::Derived));
            events[i].why.until = Some(events[i].why.bound(Rule::NextEvent, events[i].order.0));
        }
    }
    events
}

/// The end of a period that the next one, starting at `next`, ended: the moment it
/// began when the text gives its time of day ("reopened at 9:30 a.m."), the day before
/// it when it gives the day, else its month or year.
pub(super) fn ended_by(next: When) -> Option<When> {
    match next {
        When::Day(d, Some(t)) => Some(When::Day(d, Some(t))),
        When::Day(d, None) => d.pred_opt().map(|d| When::Day(d, None)),
        // "Reopened in April 2023": the closure ended some time that month.
        w => Some(w),
    }
}

/// A country-wide statement lends its stated end to the named crossings of that border
/// that lack one, and is dropped; with no such crossing it stays as a record of its own.
pub(super) fn fold_borders(events: Vec<Event>, mentions: &[(usize, Target)]) -> Vec<Event> {
    let (borders, mut rest): (Vec<Event>, Vec<Event>) =
        events.into_iter().partition(|e| matches!(e.target, Target::Border(..)));
    let mut out = Vec::new();
    for b in borders {
        let Target::Border(x, y) = &b.target else { continue };
        if b.others {
            out.push(b);
            continue;
        }
        let crosses = |t: &Target| matches!(t, Target::Crossing { countries, .. } if countries.iter().any(|c| c == x.code) && countries.iter().any(|c| c == y.code));
        name_crossings(&b, &mut rest, mentions, crosses);
        let on_border = |e: &&mut Event| crosses(&e.target);
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
            if let (Some(w), true, None) = (b.since, e.status == b.status, e.since) {
                // The crossing's own time of day on the border's day: "the border reopened
                // on Saturday … traffic at the crossing resumed at about 7am".
                e.since = Some(w.with_time(e.at));
                e.sentences.extend(b.sentences.iter().copied());
            }
        }
        if !any {
            out.push(b);
            continue;
        }
        lend_status(&b, &mut rest, on_border);
        // All the land borders of one country reach past the crossings named: it stays.
        if x == y {
            out.push(b);
        }
    }
    rest.extend(out);
    rest.sort_by_key(|e| e.order);
    rest
}

/// The crossings of a border named in its statement's sentence or the two after it,
/// with nothing said of their own, share the border's status: "Pakistan has closed its
/// border with Afghanistan. Torkham and Chaman were deserted on Tuesday."
fn name_crossings(b: &Event, rest: &mut Vec<Event>, mentions: &[(usize, Target)], crosses: impl Fn(&Target) -> bool) {
    let (first, last) = (b.sentences.first().copied().unwrap_or(0), b.sentences.last().copied().unwrap_or(0));
    for (_, t) in mentions.iter().filter(|(i, t)| (first..=last + 2).contains(i) && crosses(t)) {
        if rest.iter().any(|e| e.target.key() == t.key()) {
            continue;
        }
        let mut e = Event { target: t.clone(), sentences: b.sentences.clone(), ..b.clone() };
        if e.until.is_some() {
            e.why.until = Some(b.why.bound(Rule::Lent, b.order.0));
        }
        rest.push(e);
    }
}

/// A border closed before a named crossing of it reopened was closed at that crossing
/// too: "All eight crossings were closed in November. … Vaalimaa will reopen on
/// Thursday." The crossing gets the border's closure, which its reopening ends. Likewise
/// a border that reopens after a named crossing of it closed reopens that crossing.
fn lend_status(b: &Event, rest: &mut Vec<Event>, on_border: impl Fn(&&mut Event) -> bool) {
    let at = b.since.map(When::day);
    if b.status == Status::Open && at.is_none() {
        return;
    }
    let mut lent: Vec<Event> = Vec::new();
    for e in rest.iter_mut().filter(|e| on_border(e)) {
        let since = e.since.map(When::day);
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
