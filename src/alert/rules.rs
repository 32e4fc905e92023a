//! Alert rules: changes, the expiry ladder and feed health → alerts with dedup keys, and
//! the incidents status alerts open, carry on and end (route alerts: [`super::routes`]).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::message;
use crate::model::{format_instant, Alert, AlertKind, Change, ChangeKind, Confidence, Record, Said, Severity, Status};
use crate::timeutil::{format_duration, humanize_left};

/// How long after its instant an alert may fire and still count as on time.
pub(crate) const ON_TIME: i64 = 60;

pub(crate) fn base(kind: AlertKind, severity: Severity, key: String, at: DateTime<Utc>, message: String) -> Alert {
    Alert {
        alert: kind,
        severity,
        crossing: None,
        feed: None,
        name: None,
        lead: None,
        expires_at: None,
        source: None,
        route: None,
        incident: None,
        key,
        at: format_instant(&at),
        late: false,
        resolved: false,
        message,
        record: None,
        previous: None,
    }
}

fn severity_of(s: Status) -> Severity {
    match s {
        Status::Closed => Severity::Critical,
        Status::Restricted => Severity::Warning,
        Status::Open | Status::Unknown => Severity::Info,
    }
}

/// Alerts for the changes of one good poll. The baseline poll (`baseline = true`) alerts
/// nothing: it is what the feed said before we were watching. Changes of `until` or scope
/// alone re-arm the expiry ladder and go to the history, but raise no status alert.
#[must_use]
pub fn for_changes(changes: &[Change], feed: &str, baseline: bool, now: DateTime<Utc>) -> Vec<Alert> {
    if baseline {
        return Vec::new();
    }
    // Milliseconds: a restart's catch-up poll may follow a poll within the same second,
    // and each of their changes needs its own key (found by the kill test).
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    changes
        .iter()
        .filter_map(|c| {
            let (status, message, record) = match (c.kind, &c.previous, &c.current) {
                (ChangeKind::StatusChanged, Some(p), Some(r)) => (r.status, message::status_changed(p, r, now), r),
                (ChangeKind::Added, None, Some(r)) => (r.status, message::added(r, now), r),
                (ChangeKind::Removed, Some(p), None) => (Status::Unknown, message::removed(p, feed), p),
                _ => return None,
            };
            let mut a = base(
                AlertKind::StatusChanged,
                severity_of(status),
                format!("status:{}:{feed}:{}:{stamp}", c.crossing, status),
                now,
                message,
            );
            a.crossing = Some(c.crossing.clone());
            a.name = Some(record.name.clone());
            a.source = Some(record.source.clone());
            a.expires_at = record.expires_at.as_ref().map(format_instant);
            a.record = c.current.clone();
            a.previous = c.previous.clone();
            Some(a)
        })
        .collect()
}

/// One step of the ladder: the lead before expiry (`None` for "expired") and its instant.
fn steps(expires: DateTime<Utc>, leads: &[Duration]) -> impl Iterator<Item = (Option<Duration>, DateTime<Utc>)> + '_ {
    leads.iter().map(move |l| (Some(*l), expires - *l)).chain(std::iter::once((None, expires)))
}

/// The ladder alert due for each record whose end is at least `arm` sure, at `now`: the
/// latest step whose instant has come. Earlier steps that were never fired are skipped (after downtime one alert says
/// where things stand, not three). The store's ledger makes each key fire once.
/// `first_seen` tells a late alert (the daemon knew and was not running) from a record
/// that arrived already past a step.
#[must_use]
pub fn ladder_due(
    records: &[(Record, DateTime<Utc>)],
    leads: &[Duration],
    arm: Confidence,
    now: DateTime<Utc>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for (r, first_seen) in records.iter().filter(|(r, _)| r.confidence >= arm) {
        let (Some(expires), Some(until)) = (r.expires_at, r.until.as_deref()) else { continue };
        let Some((lead, at)) = steps(expires, leads).filter(|(_, at)| *at <= now).last() else { continue };
        let (kind, severity, label, left) = match lead {
            Some(l) => (
                AlertKind::ExpiryApproaching,
                Severity::Warning,
                format_duration(l),
                format!("{} left", humanize_left(now, expires)),
            ),
            None => (AlertKind::Expired, Severity::Critical, "expired".to_string(), "expired".to_string()),
        };
        let key = match lead {
            Some(_) => format!("expiry:{}:{until}:{label}", r.crossing),
            None => format!("expired:{}:{until}", r.crossing),
        };
        let mut a = base(kind, severity, key, at, message::ladder(r, &left));
        a.crossing = Some(r.crossing.clone());
        a.name = Some(r.name.clone());
        a.lead = lead.map(|_| label);
        a.expires_at = Some(format_instant(&expires));
        a.source = Some(r.source.clone());
        a.late = at >= *first_seen && (now - at).num_seconds() > ON_TIME;
        a.record = Some(r.clone());
        out.push(a);
    }
    out
}

/// The next instant after `now` at which a ladder step of some record whose end is at
/// least `arm` sure comes due.
#[must_use]
pub fn next_ladder_instant(
    records: &[(Record, DateTime<Utc>)],
    leads: &[Duration],
    arm: Confidence,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    records
        .iter()
        .filter(|(r, _)| r.until.is_some() && r.confidence >= arm)
        .filter_map(|(r, _)| r.expires_at)
        .flat_map(|e| steps(e, leads).map(|(_, at)| at).collect::<Vec<_>>())
        .filter(|at| *at > now)
        .min()
}

/// The dedup key of a feed's failing episode: the episode is named by the feed's last
/// good poll, so however often a failing poll asks, it fires once, across restarts too.
#[must_use]
pub fn failing_key(feed: &str, last_ok: Option<DateTime<Utc>>) -> String {
    format!("feed_failing:{feed}:{}", last_ok.map_or_else(|| "never".to_string(), |t| format_instant(&t)))
}

/// One `needs_review` alert (info) for each record whose end is less sure than `arm`:
/// the end is shown, marked, but arms no ladder, so someone should read the evidence.
/// Keyed by crossing and end, it fires once per end whichever feed or poll reports it.
#[must_use]
pub fn reviews_due(records: &[(Record, DateTime<Utc>)], arm: Confidence, now: DateTime<Utc>) -> Vec<Alert> {
    let mut out = Vec::new();
    for (r, _) in records.iter().filter(|(r, _)| r.confidence < arm) {
        let Some(until) = &r.until else { continue };
        let mut a = base(
            AlertKind::NeedsReview,
            Severity::Info,
            format!("needs_review:{}:{until}", r.crossing),
            now,
            format!(
                "{}: {}{} — an end date read with {} confidence, so no expiry alerts will fire for it; \
                 check the source: {}",
                r.name,
                r.status,
                message::until(r),
                r.confidence.as_str(),
                r.source
            ),
        );
        a.crossing = Some(r.crossing.clone());
        a.name = Some(r.name.clone());
        a.expires_at = r.expires_at.as_ref().map(format_instant);
        a.source = Some(r.source.clone());
        a.record = Some(r.clone());
        out.push(a);
    }
    out
}

/// One `feed_failing` alert for a feed that has failed `failures` times in a row, or
/// whose last good poll is older than its staleness limit.
#[must_use]
pub fn feed_failing(
    feed: &str,
    failures: u32,
    error: &str,
    last_ok: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Alert {
    let since = last_ok
        .map_or_else(|| "never had a good poll".to_string(), |t| format!("last good poll {}", format_instant(&t)));
    let mut a = base(
        AlertKind::FeedFailing,
        Severity::Warning,
        failing_key(feed, last_ok),
        now,
        format!(
            "Feed {feed} failed {failures} times in a row ({since}); keeping its last good data. Last error: {error}"
        ),
    );
    a.feed = Some(feed.to_string());
    a
}

/// One `feed_recovered` alert for a feed that works again after `feed_failing`.
#[must_use]
pub fn feed_recovered(feed: &str, failures: u32, last_ok: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Alert {
    let mut a = base(
        AlertKind::FeedRecovered,
        Severity::Info,
        failing_key(feed, last_ok).replacen("feed_failing", "feed_recovered", 1),
        now,
        format!("Feed {feed} works again after {failures} failed polls."),
    );
    a.feed = Some(feed.to_string());
    a.incident = Some(failing_key(feed, last_ok));
    a.resolved = true;
    a
}

/// One `feed_shape_accepted` alert for a shrink that lasted `polls` polls and is now the
/// feed's shape: the `removed` changes, one alert for all of them.
#[must_use]
pub fn feed_shape_accepted(feed: &str, removed: &[Change], polls: u32, now: DateTime<Utc>) -> Alert {
    let names: Vec<&str> = removed.iter().filter_map(|c| c.previous.as_ref()).map(|r| r.name.as_str()).collect();
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut a = base(
        AlertKind::FeedShapeAccepted,
        Severity::Warning,
        format!("feed_shape_accepted:{feed}:{stamp}"),
        now,
        format!(
            "Feed {feed} has reported fewer crossings for {polls} polls in a row; accepted as its new shape, \
             no longer reported: {}.",
            names.join(", ")
        ),
    );
    a.feed = Some(feed.to_string());
    a
}

/// One `feed_suspect` alert per distinct implausible body.
#[must_use]
pub fn feed_suspect(feed: &str, reason: &str, content_hash: &str, now: DateTime<Utc>) -> Alert {
    let mut a = base(
        AlertKind::FeedSuspect,
        Severity::Warning,
        format!("feed_suspect:{feed}:{}", &content_hash[..content_hash.len().min(16)]),
        now,
        format!(
            "Feed {feed} sent an implausible snapshot: {reason}. The crossings it still reports are \
             updated; the ones it lacks are kept until the shrink lasts."
        ),
    );
    a.feed = Some(feed.to_string());
    a
}

/// Reminders of closures that last: for each closed record, one `status_changed` alert
/// (critical) each time another `every` has passed since it was observed closed. After
/// downtime only the latest reminder fires.
#[must_use]
pub fn repeats_due(records: &[(Record, DateTime<Utc>)], every: Duration, now: DateTime<Utc>) -> Vec<Alert> {
    let mut out = Vec::new();
    for (r, _) in records.iter().filter(|(r, _)| r.status == Status::Closed) {
        let n = (now - r.observed_at).num_seconds() / every.num_seconds().max(1);
        if n < 1 {
            continue;
        }
        let at = r.observed_at + every * i32::try_from(n).unwrap_or(i32::MAX);
        let mut a = base(
            AlertKind::StatusChanged,
            Severity::Critical,
            format!("repeat:{}:{}:{}:{n}", r.crossing, r.source, format_instant(&r.observed_at)),
            at,
            message::still(r, &humanize_left(r.observed_at, now)),
        );
        a.crossing = Some(r.crossing.clone());
        a.name = Some(r.name.clone());
        a.source = Some(r.source.clone());
        a.record = Some(r.clone());
        out.push(a);
    }
    out
}

/// The next instant a reminder of a lasting closure comes due.
#[must_use]
pub fn next_repeat_instant(
    records: &[(Record, DateTime<Utc>)],
    every: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    records
        .iter()
        .filter(|(r, _)| r.status == Status::Closed)
        .map(|(r, _)| {
            let n = ((now - r.observed_at).num_seconds() / every.num_seconds().max(1)).max(0) + 1;
            r.observed_at + every * i32::try_from(n).unwrap_or(i32::MAX)
        })
        .min()
}

/// The incident the status alerts of one crossing from one feed are in, read from the
/// last of them: the key of the alert that opened it, while the crossing has not
/// reopened since. A closure or restriction opens an incident; a removal carries one on.
#[must_use]
pub fn open_incident(last: &Alert) -> Option<String> {
    let not_open = last.record.as_ref().is_some_and(|r| matches!(r.status, Status::Closed | Status::Restricted));
    (!last.resolved && (last.incident.is_some() || not_open))
        .then(|| last.incident.clone().unwrap_or_else(|| last.key.clone()))
}

/// Puts a status alert into the incident `open` (the key of the alert that opened it, if
/// one is open): a reopening ends the incident and is sent as resolved, any other status
/// carries it on under the same fingerprint.
pub fn join_incident(a: &mut Alert, open: Option<String>) {
    let Some(key) = open else { return };
    a.resolved = a.record.as_ref().is_some_and(|r| r.status == Status::Open);
    a.incident = Some(key);
}

/// Sources a `sources_disagree` alert names one by one in its key and message; beyond
/// that it counts them, names the first few, and keys on a hash of them all.
const DISAGREE_NAMED: usize = 8;

/// One `sources_disagree` alert when the feeds' current records for one crossing do not
/// agree on its status (`said`: what each says, the first one's name shown). The key names
/// every source with its status, so each distinct disagreement fires once: two sources
/// flipping back and forth do not fire again. Past [`DISAGREE_NAMED`] sources the key is
/// `disagree:<crossing>:<n> sources:<hash>`, the hash (SHA-256, first 128 bits) taken over
/// every source and status, so key and message stay small however many feeds report it.
#[must_use]
pub fn sources_disagree(crossing: &str, said: &[Said], now: DateTime<Utc>) -> Option<Alert> {
    let first = said.first()?;
    if said.iter().all(|s| s.status == first.status) {
        return None;
    }
    let mut pairs: Vec<(&str, Status)> = said.iter().map(|s| (s.source.as_str(), s.status)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let named = &pairs[..pairs.len().min(DISAGREE_NAMED)];
    let parts: Vec<String> = named.iter().map(|(s, st)| format!("{s} says {st}")).collect();
    let (key, message) = if pairs.len() <= DISAGREE_NAMED {
        let key = named.iter().map(|(s, st)| format!("{s}={st}")).collect::<Vec<_>>().join(",");
        (format!("disagree:{crossing}:{key}"), parts.join(", "))
    } else {
        let mut hash = Sha256::new();
        let mut counts = std::collections::BTreeMap::<Status, usize>::new();
        for (s, st) in &pairs {
            hash.update(format!("{s}={st}\n"));
            *counts.entry(*st).or_default() += 1;
        }
        let digest = hash.finalize();
        let hash = u128::from_be_bytes(digest[..16].try_into().expect("16 bytes"));
        let counts: Vec<String> =
            counts.iter().map(|(st, n)| format!("{n} {} {st}", if *n == 1 { "says" } else { "say" })).collect();
        let (n, more) = (pairs.len(), pairs.len() - named.len());
        (
            format!("disagree:{crossing}:{n} sources:{hash:032x}"),
            format!("{n} sources, {}: {}, and {more} more", counts.join(", "), parts.join(", ")),
        )
    };
    let mut a = base(
        AlertKind::SourcesDisagree,
        Severity::Warning,
        key,
        now,
        format!("{}: sources disagree — {message}", first.name),
    );
    a.crossing = Some(crossing.to_string());
    a.name = Some(first.name.clone());
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn torkham(until: Option<&str>) -> Record {
        Record {
            crossing: "torkham".into(),
            name: "Torkham".into(),
            countries: vec!["PK".into(), "AF".into()],
            status: Status::Open,
            scope: None,
            since: None,
            until: until.map(Into::into),
            expires_at: until.and_then(|u| crate::timeutil::expires_at(u, chrono_tz::Asia::Karachi)),
            tz: "Asia/Karachi".into(),
            source: "news".into(),
            observed_at: Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap(),
            evidence: None,
            confidence: Confidence::High,
            values: std::collections::BTreeMap::new(),
        }
    }

    fn leads() -> Vec<Duration> {
        vec![Duration::days(7), Duration::days(3), Duration::days(1)]
    }

    #[test]
    fn the_step_due_is_the_latest_passed_one() {
        let seen = Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap();
        let recs = [(torkham(Some("2025-04-15")), seen)];
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let due = ladder_due(&recs, &leads(), Confidence::High, now);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].key, "expiry:torkham:2025-04-15:7d");
        assert_eq!(due[0].at, "2025-04-08T19:00:00Z");
        assert!(due[0].late, "the daemon knew since March and fired 17 hours after the step");
        assert_eq!(due[0].message, "Torkham: open until 15 Apr 2025 (Asia/Karachi) — 6 days left · via news");
        let next = next_ladder_instant(&recs, &leads(), Confidence::High, now).unwrap();
        assert_eq!(format_instant(&next), "2025-04-12T19:00:00Z");
    }

    #[test]
    fn a_record_first_seen_after_the_step_is_not_late() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let due = ladder_due(&[(torkham(Some("2025-04-15")), now)], &leads(), Confidence::High, now);
        assert!(!due[0].late);
    }

    #[test]
    fn until_further_notice_has_no_ladder() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let recs = [(torkham(None), now)];
        assert!(ladder_due(&recs, &leads(), Confidence::High, now).is_empty());
        assert!(next_ladder_instant(&recs, &leads(), Confidence::High, now).is_none());
    }

    #[test]
    fn a_low_end_arms_no_ladder_and_asks_for_one_review_unless_low_arms_it() {
        let seen = Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap();
        let mut guess = torkham(Some("2025-04-15"));
        guess.confidence = Confidence::Low;
        let recs = [(guess, seen), (torkham(None), seen)];
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        assert!(ladder_due(&recs, &leads(), Confidence::High, now).is_empty());
        assert!(next_ladder_instant(&recs, &leads(), Confidence::High, now).is_none());
        let review = reviews_due(&recs, Confidence::High, now);
        assert_eq!(review.len(), 1, "the record without an end needs no review");
        assert_eq!((review[0].alert, review[0].severity), (AlertKind::NeedsReview, Severity::Info));
        assert_eq!(review[0].key, "needs_review:torkham:2025-04-15");
        assert!(
            review[0].message.starts_with("Torkham: open until 15 Apr 2025? (Asia/Karachi) — "),
            "{}",
            review[0].message
        );
        assert_eq!(ladder_due(&recs, &leads(), Confidence::Low, now)[0].key, "expiry:torkham:2025-04-15:7d");
        assert!(reviews_due(&recs, Confidence::Low, now).is_empty(), "armed, so nothing to review");
    }

    #[test]
    fn sources_that_disagree_fire_once_per_disagreement() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let open = torkham(None);
        let mut closed = torkham(None);
        closed.status = Status::Closed;
        closed.source = "cbp".into();
        let (open, closed) = (Said::from(&open), Said::from(&closed));
        assert!(sources_disagree("torkham", &[open.clone(), open.clone()], now).is_none());
        let a = sources_disagree("torkham", &[open.clone(), closed.clone()], now).unwrap();
        assert_eq!(a.key, "disagree:torkham:cbp=closed,news=open");
        assert_eq!(a.message, "Torkham: sources disagree — cbp says closed, news says open");
        assert_eq!(sources_disagree("torkham", &[closed, open], now).unwrap().key, a.key, "order does not matter");
    }

    #[test]
    fn a_disagreement_of_many_sources_keys_on_a_hash_and_names_the_first_few() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let said = |closed: usize| -> Vec<Said> {
            (0..1000)
                .map(|i| {
                    let mut r = torkham(None);
                    r.source = format!("feed-{i:04}");
                    if i < closed {
                        r.status = Status::Closed;
                    }
                    Said::from(&r)
                })
                .collect()
        };
        let a = sources_disagree("torkham", &said(1), now).unwrap();
        assert!(a.key.starts_with("disagree:torkham:1000 sources:"), "{}", a.key);
        assert!(a.key.len() < 80, "{}", a.key);
        assert_eq!(
            a.message,
            "Torkham: sources disagree — 1000 sources, 999 say open, 1 says closed: feed-0000 says closed, \
             feed-0001 says open, feed-0002 says open, feed-0003 says open, feed-0004 says open, feed-0005 says open, \
             feed-0006 says open, feed-0007 says open, and 992 more"
        );
        let mut reversed = said(1);
        reversed.reverse();
        assert_eq!(sources_disagree("torkham", &reversed, now).unwrap().key, a.key, "order does not matter");
        let b = sources_disagree("torkham", &said(2), now).unwrap();
        assert_ne!(b.key, a.key, "another disagreement fires again");
        let mut last_differs = said(1);
        last_differs[999].status = Status::Restricted;
        assert_ne!(sources_disagree("torkham", &last_differs, now).unwrap().key, a.key, "every source counts");
    }

    #[test]
    fn the_baseline_alerts_nothing_and_closures_are_critical() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let mut closed = torkham(None);
        closed.status = Status::Closed;
        let c = Change {
            kind: ChangeKind::StatusChanged,
            crossing: "torkham".into(),
            previous: Some(torkham(None)),
            current: Some(closed),
        };
        assert!(for_changes(std::slice::from_ref(&c), "news", true, now).is_empty());
        let a = for_changes(&[c], "news", false, now);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].severity, Severity::Critical);
        assert_eq!(a[0].message, "Torkham: closed (was open) · via news");
    }

    #[test]
    fn a_reopening_resolves_the_closure_it_ends_and_a_restriction_carries_it_on() {
        let now = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let with = |status| Record { status, ..torkham(None) };
        let change = |p: Status, c: Status, at| {
            let c = Change {
                kind: ChangeKind::StatusChanged,
                crossing: "torkham".into(),
                previous: Some(with(p)),
                current: Some(with(c)),
            };
            for_changes(&[c], "news", false, at).remove(0)
        };
        let close = change(Status::Open, Status::Closed, now);
        assert_eq!(open_incident(&close).as_deref(), Some(close.key.as_str()), "a closure opens an incident");
        let mut partly = change(Status::Closed, Status::Restricted, now + Duration::hours(1));
        join_incident(&mut partly, open_incident(&close));
        assert_eq!((partly.resolved, partly.incident.as_deref()), (false, Some(close.key.as_str())));
        let mut reopen = change(Status::Restricted, Status::Open, now + Duration::hours(2));
        join_incident(&mut reopen, open_incident(&partly));
        assert_eq!((reopen.resolved, reopen.incident.as_deref()), (true, Some(close.key.as_str())));
        assert!(open_incident(&reopen).is_none(), "the reopening ended it");
        let mut alone = change(Status::Unknown, Status::Open, now);
        join_incident(&mut alone, None);
        assert_eq!((alone.resolved, alone.incident), (false, None), "an opening with no incident stands alone");
    }
}
