//! The first stage: one sentence's status words, the crossings and dates each one
//! governs, and the scope that limits it, as events.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::dates::{self, Phrase, Role, Span, When};
use super::explain::{Rule, Why};
use super::lexicon::{self, Country, CLOSURE_BEFORE, COUNTRY_BORDER, SCOPE};
use super::mentions::Mention;
use super::timeline::ended_by;
use super::{ascii_words, ends_with_lower, starts_with_lower, End, Event, Target};
use crate::model::Status;

pub(super) fn sentence_events(
    s: &str,
    sent: usize,
    published: NaiveDate,
    found: &[Mention],
    borders: &[(Country, Country)],
    about_one: bool,
    out: &mut Vec<Event>,
) {
    let words = lexicon::status_words(s);
    if words.is_empty() {
        return;
    }
    let consumed = closures_before(s);
    let triggers: Vec<(regex::Match<'_>, Status)> = words
        .into_iter()
        .filter(|(m, _)| !lexicon::NEGATED.is_match(before(s, m.start())))
        .filter(|(m, _)| !NOT_A_STATUS.is_match(&s[m.end()..]))
        .filter(|(m, _)| !consumed.iter().any(|(a, b, _)| m.start() < *b && m.end() > *a))
        .collect();
    if triggers.is_empty() {
        return;
    }
    let phrases = dates::find(s, published);
    let named_here = !found.is_empty();
    let first_event = out.len();
    // The previous status word's own status, the one it came to, and its scope.
    let mut prev: Option<(Status, Status, Option<String>)> = None;
    for (k, &(m, raw)) in triggers.iter().enumerate() {
        let lo = if k == 0 { 0 } else { triggers[k - 1].0.end() };
        let hi = triggers.get(k + 1).map_or(s.len(), |n| n.0.start());
        let mut status = raw;
        let after = &s[m.end()..hi];
        let mut scope = None;
        // Lifting or unblocking a closure of one kind of traffic ends that closure; it
        // says nothing of the rest.
        let ends_a_block = lexicon::ends_a_block(m.as_str());
        if status != Status::Closed && !ends_a_block {
            let scoped = SCOPE.captures(after).and_then(|x| x.name("scope"));
            if let Some(sc) = scoped.filter(|sc| !starts_a_clause(&after[..sc.start()])) {
                let text = sc.as_str().trim().to_string();
                if lexicon::is_restrictive(&text) {
                    status = Status::Restricted;
                }
                scope = Some(text);
            }
        }
        if status == Status::Closed || (status == Status::Open && !ends_a_block) {
            let subject = subject_scope(&s[lo..m.start()]);
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
                if lexicon::is_restrictive(sc.as_str())
                    && !lexicon::PURPOSE.is_match(sc.as_str())
                    && !starts_a_clause(&after[..sc.start()])
                {
                    status = Status::Restricted;
                    scope = Some(format!("closed to {}", sc.as_str().trim()));
                }
            }
        }
        if status == Status::Closed && scope.is_none() {
            if let Some(x) = EXCEPT.captures(after).and_then(|x| x.name("who")) {
                status = Status::Restricted;
                scope = Some(format!("closed except {}", x.as_str()));
            }
        }
        if starts_with_lower(after.trim_start_matches([',', ' ']), "with exception")
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
        // "partially closed", "a partial closure".
        let partly =
            ["partially", "partly", "partial"].iter().any(|w| ends_with_lower(before(s, m.start()).trim_end(), w));
        if status == Status::Closed
            && (partly || lexicon::part_of_day(&s[lo..hi]) || lexicon::PART_OF_CROSSING.is_match(&s[lo..m.start()]))
        {
            status = Status::Restricted;
        }
        let object_follows = !["to ", "for "].iter().any(|p| starts_with_lower(after.trim_start(), p));
        // What a verb lets through or stops: "resume Afghan exports", "suspended freight
        // traffic". A closure's object must name traffic: "halting trade" may be only what
        // a full closure stopped.
        if status != Status::Restricted && scope.is_none() && object_follows && !ends_a_block {
            // "have resumed and trucks are crossing": a subject of a clause of its own.
            let object = lexicon::OBJECT
                .captures(after)
                .and_then(|x| x.name("obj"))
                .filter(|o| !after[..o.start()].split_whitespace().any(|w| ["and", "but", "while"].contains(&w)));
            let traffic =
                |o: &str| status == Status::Open || !["export", "import", "goods"].iter().any(|w| o.starts_with(w));
            if let Some(o) = object.filter(|o| traffic(o.as_str()) && lexicon::is_restrictive(o.as_str())) {
                let verb = if status == Status::Closed { "closed to" } else { "open to" };
                status = Status::Restricted;
                scope = Some(format!("{verb} {}", o.as_str()));
            }
        }
        // "The westbound span closed on July 5, and will remain closed until …": a status
        // word with no subject of its own carries on the one before it.
        let continues =
            found.iter().all(|x| x.pos < lo || x.pos >= m.start()) && lexicon::CONTINUATION.is_match(&s[lo..m.start()]);
        if let (Some((was, became, sc)), true) = (&prev, continues) {
            if *was == raw && *became == Status::Restricted {
                status = Status::Restricted;
                scope.clone_from(sc);
            }
        }
        prev = Some((raw, status, scope.clone()));
        if status != Status::Closed && lexicon::CALLED_OFF.is_match(&s[lo..hi]) {
            continue;
        }
        let mut targets: Vec<Target> =
            found.iter().filter(|x| x.pos >= lo && x.pos < m.end()).map(|x| x.target.clone()).collect();
        let after_list = listed_after(s, m.end(), hi, found);
        if targets.is_empty() {
            let after: Vec<&Mention> = found.iter().filter(|x| x.pos >= m.end() && x.pos < hi).collect();
            // "X, which was closed for years, will reopen on 12 January, officials in Y
            // said": a crossing far after the word, with one before it in the sentence,
            // is not what it speaks of; one right after it is its object.
            let object = after.first().is_some_and(|x| lexicon::OBJECT_GAP.is_match(&s[m.end()..x.pos]));
            if object || out.len() == first_event {
                targets = after.iter().map(|x| x.target.clone()).collect();
            }
        } else {
            for t in after_list {
                if !targets.iter().any(|x| x.key() == t.key()) {
                    targets.push(t);
                }
            }
        }
        let others = OTHERS.is_match(&s[lo..m.start()]);
        // "… the following checkpoints will resume operation:" speaks of the list below.
        let list_follows = s.trim_end().ends_with(':');
        if targets.is_empty() && !list_follows && COUNTRY_BORDER.is_match(&s[lo..m.start()]) {
            targets = borders.iter().map(|(a, b)| Target::Border(*a, *b)).collect();
        }
        if targets.is_empty() {
            targets = out[first_event..].last().map(|e| vec![e.target.clone()]).unwrap_or_default();
        }
        if targets.is_empty() {
            targets = match borders {
                [_, ..] if !named_here && !list_follows => {
                    borders.iter().map(|(a, b)| Target::Border(*a, *b)).collect()
                }
                _ if about_one
                    || lexicon::names_a_crossing(s)
                    || lexicon::PLURAL.is_match(s)
                    || lexicon::IT.is_match(s) =>
                {
                    vec![Target::Unresolved]
                }
                _ => continue,
            };
        }
        // A past tense in the status word's own clause wins over a future before it:
        // "will open on Wednesday after it was shut for two weeks".
        let future = dates::is_future(&s[lo..m.start()])
            || (dates::is_future(&s[..m.start()]) && !dates::is_past(&s[lo..m.start()]));
        let continuing = lexicon::CONTINUING.is_match(before(s, m.start()));
        let mut ev = Event {
            target: Target::Unresolved,
            status,
            since: None,
            until: None,
            open_ended: false,
            scope,
            sentences: BTreeSet::from([sent]),
            order: (sent, m.start()),
            // "Had been closed": a closure told as the past of a later event.
            ended: status == Status::Closed && PAST_PERFECT.is_match(before(s, m.start())),
            planned: Some(future).filter(|_| !is_headline(s, sent)),
            others,
            reopening: future && status != Status::Closed && lexicon::REOPENING.is_match(m.as_str()),
            at: None,
            why: Why::of(m.as_str()),
        };
        let mut span = None;
        let own = |p: &&dates::Found| {
            owner(p, &triggers) == k && !consumed.iter().any(|(a, b, _)| p.start < *b && p.end > *a)
        };
        let mut starts: Vec<(usize, usize, When)> = Vec::new();
        let near =
            |p: &dates::Found| if p.start >= m.end() { p.start - m.end() } else { m.start().saturating_sub(p.end) };
        let mut on_near = usize::MAX;
        let mut on_end = 0;
        let mut since_weekday = false;
        for p in phrases.iter().filter(own) {
            if let (Phrase::Date(Role::Since, w), true) = (&p.phrase, p.start >= m.end()) {
                starts.push((p.start, p.end, *w));
            }
            let between = if p.start >= m.end() { &s[m.end()..p.start] } else { &s[p.end.min(m.start())..m.start()] };
            // "… sealed before the elections and it will continue till May 4": the
            // closure is taken up again, and the date after is its own.
            let between = lexicon::TAKEN_UP.find_iter(between).last().map_or(between, |t| &between[t.end()..]);
            // "On Friday officials said the crossing …": the date is the saying's.
            let said = (p.end <= m.start() && lexicon::SAID.is_match(between))
                || (matches!(p.phrase, Phrase::Date(Role::On, _))
                    && p.start >= m.end()
                    && lexicon::SAID_OBJECT.is_match(before(s, m.start())));
            // "Initially set to end on 15 March": an end that no longer holds.
            let superseded = matches!(p.phrase, Phrase::Date(Role::Until, _)) && lexicon::CALLED_OFF.is_match(between);
            // "The Jan. 25 uprising": a date that names another thing.
            let names_a_thing = lexicon::OTHER_THING_AFTER.is_match(&s[p.end..]);
            if lexicon::OTHER_THING.is_match(between) || said || superseded || names_a_thing || is_dateline(s, p) {
                continue;
            }
            match p.phrase {
                Phrase::Date(Role::Until, w) => ev.until = Some((w, End::Stated)),
                Phrase::Date(Role::UntilAtLeast, w) => ev.until = Some((w, End::Stated)),
                Phrase::Date(Role::Since | Role::By, w) => {
                    ev.since = Some(w);
                    since_weekday = !s[p.start..p.end].contains(|c: char| c.is_ascii_digit());
                }
                // Of two dates of the event, the one nearer its status word.
                Phrase::Date(Role::On, w) if !continuing && (ev.since.is_none() || near(p) < on_near) => {
                    // "8 pm Thursday, July 9": the same day, told twice, keeps its time.
                    let timed = ev.since.filter(|s| s.day() == w.day() && matches!(s, When::Day(_, Some(_))));
                    ev.since = timed.or(Some(w));
                    on_near = near(p);
                    on_end = p.end;
                    since_weekday = !s[p.start..p.end].contains(|c: char| c.is_ascii_digit());
                }
                Phrase::Date(..) => {}
                Phrase::For(sp) => span = Some(sp),
                Phrase::OpenEnded => ev.open_ended = true,
                Phrase::Time(t) => ev.at = Some(t),
            }
        }
        // "Reopened from 8 am, starting from 8th January": the day takes the time.
        ev.since = ev.since.map(|w| w.with_time(ev.at));
        // "Closed beginning Friday until Tuesday, Sept. 24": the Friday before that end.
        if let (true, Some(When::Day(d, t)), Some((u, _))) = (since_weekday, ev.since, ev.until) {
            let week_before = d - chrono::Days::new(7);
            if d > u.day() && week_before <= u.day() {
                ev.since = Some(When::Day(week_before, t));
            }
        }
        // "Is now open": open at publication.
        let just = lexicon::REOPENING.is_match(m.as_str()) && lexicon::JUST.is_match(before(s, m.start()));
        if status == Status::Open && ev.since.is_none() && (lexicon::NOW.is_match(before(s, m.start())) || just) {
            ev.since = Some(When::Day(published, None).with_time(ev.at));
        }
        // "Opened in 1938": the crossing's history, not its status.
        if let (Status::Open, Some(When::Year(y))) = (status, ev.since) {
            if y < published.year() {
                continue;
            }
        }
        ev.why.until = ev.until.map(|_| ev.why.bound(Rule::Stated, sent));
        ev.why.since = ev.since.map(|_| ev.why.bound(Rule::Stated, sent));
        if let (Some(sp), None) = (span, ev.until) {
            // A length with no start ("will stay closed for five days") gives no end: the
            // day it counts from is not told.
            let end = ev.since.and_then(|w| sp.end_at(w).or(sp.last_day(w.day()).map(|d| When::Day(d, None))));
            if let Some(end) = end {
                ev.until = Some((end, End::Derived));
                ev.why.until = Some(ev.why.bound(Rule::Length, sent));
            }
        }
        if ev.open_ended {
            ev.until = None;
        }
        if status != Status::Closed {
            for (w, who) in phases(s, m.end(), &starts) {
                for t in &targets {
                    out.push(Event {
                        target: t.clone(),
                        status: Status::Restricted,
                        since: Some(w),
                        scope: Some(format!("open to {who}")),
                        reopening: ev.reopening || lexicon::REOPENING.is_match(m.as_str()),
                        ..ev.clone()
                    });
                }
            }
        }
        for (_, _, sp) in consumed.iter().filter(|(a, _, _)| *a >= m.end() && *a < hi) {
            // An undated reopening still tells of the closure it ended, with no known end.
            let ended = match ev.since {
                Some(reopened) if sp.is_precise() || !matches!(reopened, When::Day(..)) => Some(ended_by(reopened)),
                None => Some(None),
                Some(_) => None,
            };
            if let Some(until) = ended {
                for t in &targets {
                    out.push(Event {
                        target: t.clone(),
                        status: Status::Closed,
                        since: None,
                        until: until.map(|w| (w, End::Derived)),
                        open_ended: false,
                        scope: None,
                        sentences: BTreeSet::from([sent]),
                        order: (sent, m.start()),
                        ended: true,
                        planned: Some(false),
                        others: false,
                        reopening: false,
                        at: None,
                        why: ev.why.closure_ended(sent),
                    });
                }
            }
        }
        // "Will not work on May 1, 7 and 9": a closure on each day of a list, one day each.
        let mut days = Vec::new();
        if let (Status::Closed, None, Some(When::Day(first, None))) = (status, ev.until, ev.since) {
            days = day_list(s, on_end, first, &phrases);
            if !days.is_empty() {
                ev.until = Some((When::Day(first, None), End::Stated));
                ev.why.until = Some(ev.why.bound(Rule::Stated, sent));
            }
        }
        for t in targets {
            // Only a border's record is about "the other crossings"; a named one is itself.
            let others = ev.others && matches!(t, Target::Border(..));
            for d in &days {
                let day = Some(When::Day(*d, None));
                out.push(Event {
                    target: t.clone(),
                    others,
                    since: day,
                    until: day.map(|w| (w, End::Stated)),
                    ..ev.clone()
                });
            }
            out.push(Event { target: t, others, ..ev.clone() });
        }
    }
}

/// The days after the first of a list of days: "on May 1, 7 and 9" (the same month),
/// "on May 30 and June 1". Empty when the date at `from` starts no list.
fn day_list(s: &str, mut from: usize, first: NaiveDate, phrases: &[dates::Found]) -> Vec<NaiveDate> {
    /// What joins two days of a list: ", ", " and ", ", and ", " & ".
    const JOINED: &str = r"^\s*(?:,\s*(?:and\s+|&\s+)?|and\s+|&\s+)";
    static BARE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(r"{JOINED}(\d{{1,2}})(?:st|nd|rd|th)?\b")).expect("day-list regex")
    });
    static NOT_A_DAY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^(?:[:.]\d|\s*(?:[ap]\.?m\b|o'?clock\b|h\d|(?:days?|weeks?|months?|years?|hours?|minutes?)\b))",
        )
        .expect("not-a-day regex")
    });
    static JOIN: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(&format!("{JOINED}$")).expect("day-list join regex"));
    let mut out: Vec<NaiveDate> = Vec::new();
    loop {
        let last = out.last().copied().unwrap_or(first);
        let next = phrases.iter().find(|p| p.start >= from && JOIN.is_match(&s[from..p.start]));
        let (d, end) = if let Some((p, &Phrase::Date(_, When::Day(d, None)))) = next.map(|p| (p, &p.phrase)) {
            (d, p.end)
        } else if let Some(c) = BARE.captures(&s[from..]) {
            let end = from + c.get(0).expect("match").end();
            let Some(d) = c[1].parse().ok().and_then(|n| last.with_day(n)) else { break };
            if !(s[end..].is_empty() || s[end..].starts_with([' ', ',', '.'])) {
                break;
            }
            (d, end)
        } else {
            break;
        };
        // "7:30", "7.30", "7 pm" and "7 hours" are no days; the list may end its sentence.
        if d <= last || NOT_A_DAY.is_match(&s[end..]) {
            break;
        }
        out.push(d);
        from = end;
    }
    out
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

/// The earlier phases of an opening told in steps, each with who it admits: "will reopen
/// to trucks from Thursday and to pedestrians from Saturday" opens to trucks on Thursday;
/// the last step, Saturday, is the full opening.
fn phases<'s>(s: &'s str, from: usize, starts: &[(usize, usize, When)]) -> Vec<(When, &'s str)> {
    if starts.len() < 2 || starts.windows(2).any(|w| w[0].2.day() >= w[1].2.day()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut at = from;
    for (start, end, w) in starts {
        let Some(who) = lexicon::PHASE_WHO.captures(&s[at..*start]).and_then(|c| c.name("who").or(c.name("kind")))
        else {
            return Vec::new();
        };
        out.push((*w, who.as_str().trim()));
        at = *end;
    }
    out.pop();
    out
}

/// A headline: the text's first line, without a full stop.
fn is_headline(s: &str, sent: usize) -> bool {
    sent == 0 && !s.trim_end().ends_with(['.', '!', '?', '"', '”'])
}

/// A dateline: a date that opens the text, after at most a place name, and is set off
/// by punctuation ("Helsinki, December 12, 2023 – Finland will …", "Islamabad
/// [Pakistan], August 14 (ANI): …"). It dates the report.
fn is_dateline(s: &str, p: &dates::Found) -> bool {
    let head = s[..p.start].trim_end();
    let place = head.is_empty()
        || (head.ends_with(',')
            && head.split_whitespace().all(|w| w.trim_start_matches(['[', '(']).starts_with(char::is_uppercase)));
    // A dateline gives a date: "Yesterday, from 11:30, traffic was allowed" is no dateline.
    let absolute = TIME_OF_DAY.replace_all(&s[p.start..p.end], "").contains(|c: char| c.is_ascii_digit());
    place
        && absolute
        && head.split_whitespace().count() <= 3
        && s[p.end..].trim_start().starts_with([',', ':', '–', '—', '-', '('])
}

/// True when the words before a closure's "for" or "to" start a clause of their own:
/// "the closure of the border as Islamabad had ended the visa-free travel for Afghan
/// people" closed the border, not its Afghan traffic.
fn starts_a_clause(words: &str) -> bool {
    lexicon::CLAUSE_BREAK.is_match(words)
        || words.split_whitespace().any(|w| ["as", "since", "amid", "following"].contains(&w))
}

/// Up to 40 bytes of `s` before `at`, on a character boundary.
fn before(s: &str, at: usize) -> &str {
    let mut from = at.saturating_sub(40);
    while !s.is_char_boundary(from) {
        from += 1;
    }
    &s[from..at]
}

/// The closures `s` tells as over, by their length ("after a 27-day closure"): each
/// match's span and the length. [`CLOSURE_BEFORE`] runs only when `s` holds a word that
/// every match of it starts with; most sentences hold none, and the capture search cost
/// more than the word search (docs/benchmarks.md).
fn closures_before(s: &str) -> Vec<(usize, usize, Span)> {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["after", "following", "ending", "ended"])
            .expect("closure words")
    });
    if !WORDS.is_match(s) {
        return Vec::new();
    }
    CLOSURE_BEFORE
        .captures_iter(s)
        .filter_map(|c| {
            let m = c.get(0)?;
            let n = c.name("n1").or(c.name("n2"))?;
            let u = c.name("u1").or(c.name("u2"))?;
            Some((m.start(), m.end(), dates::span(dates::number(n.as_str())?, u.as_str())))
        })
        .collect()
}

/// [`lexicon::SUBJECT_SCOPE`] on `text`, run only when `text` holds a traffic word that
/// every match of it holds, and then only when [`lexicon::SUBJECT_SCOPE_HEAD`] matches. The regex has no literal prefix the regex crate can look for
/// first, and on names in many scripts its lazy DFA thrashes: it took two thirds of
/// extraction time (docs/benchmarks.md). Its case-insensitive match reads `ſ` as `s`, so
/// text with `ſ` still goes to the regex.
fn subject_scope(text: &str) -> Option<regex::Captures<'_>> {
    static WORDS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build([
                "traffic",
                "movement",
                "passage",
                "entry",
                "transit",
                "transport",
                "export",
                "import",
                "crossings",
                "vehicles",
            ])
            .expect("traffic words")
    });
    if (WORDS.is_match(text) || text.contains('ſ')) && lexicon::SUBJECT_SCOPE_HEAD.is_match(text) {
        lexicon::SUBJECT_SCOPE.captures(text)
    } else {
        None
    }
}

/// The status word a date phrase belongs to: the one it overlaps ("a three-day
/// closure"), else the last one before it, else the first.
fn owner(p: &dates::Found, triggers: &[(regex::Match<'_>, Status)]) -> usize {
    if let Some(i) = triggers.iter().position(|(m, _)| p.start < m.end() && p.end > m.start()) {
        return i;
    }
    triggers.iter().rposition(|(m, _)| m.start() <= p.start).unwrap_or(0)
}

/// A time of day inside a date phrase: "11:30", "9 a.m.".
static TIME_OF_DAY: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| ascii_words(r"(?i)\b\d{1,2}(?::\d\d\b|(?:[:.]\d\d)?\s*[ap]\.?m\b\.?)").expect("regex"));

/// "all other crossings", "the remaining checkpoints": those not named.
static OTHERS: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| ascii_words(r"(?i)\b(?:other|remaining|rest\s+of\s+the)\b").expect("regex"));

/// A past perfect right before a status word: "had been closed", "had closed".
static PAST_PERFECT: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| ascii_words(r"(?i)\bhad\s+(?:been\s+)?$").expect("past-perfect regex"));

/// "opening hours", "closing ceremony", "restricted areas": the word is not about the
/// crossing's status.
static NOT_A_STATUS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    ascii_words(r#"(?i)^[\s"”’']+(?:hours|times|ceremony|fire|letter|remarks|statement|question|market|date|areas?|zones?|military\s+zones?)\b"#)
        .expect("regex")
});

/// A closure that lets some traffic through: "closed the border, with an exception for
/// cargo trucks", "except for returning citizens". A time ("except on Sundays") is no
/// such exception.
static EXCEPT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    ascii_words(
        r"(?ix)^[^.;]*?\b(?:with\s+(?:an?\s+|the\s+)?exceptions?\s+(?:made\s+)?(?:for|of)|except(?:ing)?(?:\s+for)?|excluding|save\s+for|apart\s+from|other\s+than)\s+
        (?P<who>(?:the\s+|those\s+of\s+)?(?:[\w'’-]+\s+){0,3}?(?:cargo|trucks?|lorries|goods|freight|commercial|vehicles|citizens|nationals|residents|diplomats|humanitarian|emergenc(?:y|ies)|medical|essential|pedestrians|students|workers|returnees|trade|food|fuel|supplies|aid|individuals|persons|people|holders|travell?ers|passengers|patients|those))\b",
    )
    .expect("except regex")
});
