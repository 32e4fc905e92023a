//! Threshold rules: the values of a snapshot and the passing of time against the
//! `[[watch]]` entries → watch states and `threshold_crossed` / `threshold_cleared`
//! alerts.
//!
//! Like Prometheus' `for`: a value past the level makes the watch pending; it fires once
//! the value has stayed past the level for the hold (at the poll that sees it, or at the
//! exact instant through the expiry clock); a value back short of the level before then
//! ends the hold without an alert. A firing watch clears once the value is back at the
//! `clear` level, so a value that wavers between the two fires nothing more. Each episode
//! is named by the instant it began, so each alert fires once.

use chrono::{DateTime, Duration, Utc};

use super::rules::{base, ON_TIME};
use crate::config::{Direction, WatchConfig};
use crate::model::{format_instant, Alert, AlertKind, Record, Severity};
use crate::normalize::Snapshot;
use crate::spec::is_wait;
use crate::store::{Phase, WatchState};
use crate::timeutil::format_duration;

/// What a poll's snapshot does to the watches of `feed`: the states of every watched
/// crossing that carries the watch's field, and the alerts they fire (with the record
/// that carried the value). `states` are the stored ones.
#[must_use]
pub fn observe_all(
    watches: &[WatchConfig],
    feed: &str,
    snap: &Snapshot,
    states: &[WatchState],
    now: DateTime<Utc>,
) -> (Vec<WatchState>, Vec<Alert>) {
    let (mut out, mut alerts) = (Vec::new(), Vec::new());
    for w in watches {
        for r in snap.values().filter(|r| w.select.matches(feed, &r.crossing)) {
            let Some(&value) = r.values.get(&w.field) else { continue };
            let prev = states.iter().find(|s| s.watch == w.id && s.crossing == r.crossing);
            let (state, alert) = observe(w, prev, r, value, now);
            out.push(state);
            alerts.extend(alert.map(|a| Alert { source: Some(r.source.clone()), record: Some(r.clone()), ..a }));
        }
    }
    (out, alerts)
}

/// True when some watch may look at a record of `feed` in `snap`.
#[must_use]
pub fn any_watched(watches: &[WatchConfig], feed: &str, snap: &Snapshot) -> bool {
    watches
        .iter()
        .any(|w| snap.values().any(|r| w.select.matches(feed, &r.crossing) && r.values.contains_key(&w.field)))
}

/// One observation of `value` for the record `r`.
fn observe(
    w: &WatchConfig,
    prev: Option<&WatchState>,
    r: &Record,
    value: i64,
    now: DateTime<Utc>,
) -> (WatchState, Option<Alert>) {
    let idle = WatchState {
        watch: w.id.clone(),
        crossing: r.crossing.clone(),
        name: r.name.clone(),
        phase: Phase::Idle,
        since: now,
        value,
        start: value,
        peak: value,
    };
    let farther = |a: i64, b: i64| if w.direction == Direction::Above { a.max(b) } else { a.min(b) };
    match prev {
        Some(s) if s.phase != Phase::Idle => {
            let held = WatchState { name: r.name.clone(), value, peak: farther(s.peak, value), ..s.clone() };
            match s.phase {
                Phase::Firing if w.cleared(value) => {
                    let alert = cleared(w, &held, now);
                    (idle, Some(alert))
                }
                Phase::Firing => (held, None),
                _ if w.triggered(value) => fire_if_held(w, held, now, now),
                _ => (idle, None),
            }
        }
        _ if w.triggered(value) => {
            let start = prev.map_or(value, |s| s.value);
            let pending = WatchState { phase: Phase::Pending, start, ..idle };
            fire_if_held(w, pending, now, now)
        }
        _ => (idle, None),
    }
}

/// A pending state that has held for the watch's `for` by `now` fires, stamped `at`.
fn fire_if_held(w: &WatchConfig, s: WatchState, now: DateTime<Utc>, at: DateTime<Utc>) -> (WatchState, Option<Alert>) {
    if now - s.since < w.hold {
        return (s, None);
    }
    let s = WatchState { phase: Phase::Firing, ..s };
    let alert = crossed(w, &s, at, now);
    (s, Some(alert))
}

/// Pending states whose hold ends by `now`, fired at the instant it ended: the value last
/// seen was past the level, and no poll has said otherwise since.
#[must_use]
pub fn due(watches: &[WatchConfig], states: &[WatchState], now: DateTime<Utc>) -> (Vec<WatchState>, Vec<Alert>) {
    let (mut out, mut alerts) = (Vec::new(), Vec::new());
    for s in states.iter().filter(|s| s.phase == Phase::Pending) {
        let Some(w) = watches.iter().find(|w| w.id == s.watch) else { continue };
        if let (state, Some(alert)) = fire_if_held(w, s.clone(), now, s.since + w.hold) {
            out.push(state);
            alerts.push(alert);
        }
    }
    (out, alerts)
}

/// The next instant after `now` at which a pending hold ends.
#[must_use]
pub fn next_due(watches: &[WatchConfig], states: &[WatchState], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    states
        .iter()
        .filter(|s| s.phase == Phase::Pending)
        .filter_map(|s| watches.iter().find(|w| w.id == s.watch).map(|w| s.since + w.hold))
        .filter(|at| *at > now)
        .min()
}

/// `wait.commercial` → "commercial wait", `wait.passenger.ready` → "passenger ready-lane
/// wait", `queue.trucks` → "trucks queue".
fn label(field: &str) -> String {
    let mut parts = field.split('.');
    let kind = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    match rest.as_slice() {
        [group] => format!("{group} {kind}"),
        [group, lane] => format!("{group} {lane}-lane {kind}"),
        _ => field.to_string(),
    }
}

/// A value as people read it: `3h 30m`, `1h`, `45m` for waits; the number for counts.
fn shown(field: &str, v: i64) -> String {
    if is_wait(field) {
        minutes(v)
    } else {
        v.to_string()
    }
}

/// Minutes as `3h 30m`, `1h` or `45m`.
fn minutes(v: i64) -> String {
    match (v / 60, v % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

/// "(up from 1h)", or nothing when the value did not move.
fn trend(field: &str, from: i64, to: i64) -> String {
    match to.cmp(&from) {
        std::cmp::Ordering::Greater => format!(" (up from {})", shown(field, from)),
        std::cmp::Ordering::Less => format!(" (down from {})", shown(field, from)),
        std::cmp::Ordering::Equal => String::new(),
    }
}

fn alert(w: &WatchConfig, s: &WatchState, kind: AlertKind, key: String, at: DateTime<Utc>, message: String) -> Alert {
    let severity = if kind == AlertKind::ThresholdCrossed { Severity::Warning } else { Severity::Info };
    let mut a = base(kind, severity, key, at, message);
    a.crossing = Some(s.crossing.clone());
    a.name = Some(s.name.clone());
    a.route = match &w.select {
        crate::config::Select::Route { id, .. } => Some(id.clone()),
        _ => None,
    };
    a
}

/// The key of an episode's `threshold_crossed`, which its `threshold_cleared` resolves.
fn crossed_key(w: &WatchConfig, s: &WatchState) -> String {
    format!("threshold:{}:{}:{}", w.id, s.crossing, format_instant(&s.since))
}

/// `threshold_crossed`: "Otay Mesa commercial wait 3h 30m (up from 1h), above 3h for 30m".
fn crossed(w: &WatchConfig, s: &WatchState, at: DateTime<Utc>, now: DateTime<Utc>) -> Alert {
    let f = &w.field;
    let held = if w.hold > Duration::zero() { format!(" for {}", format_duration(w.hold)) } else { String::new() };
    let message = format!(
        "{} {} {}{}, {} {}{held}",
        s.name,
        label(f),
        shown(f, s.value),
        trend(f, s.start, s.value),
        w.direction.as_str(),
        shown(f, w.level)
    );
    let mut a = alert(w, s, AlertKind::ThresholdCrossed, crossed_key(w, s), at, message);
    a.late = (now - at).num_seconds() > ON_TIME;
    a
}

/// `threshold_cleared`: "Otay Mesa commercial wait 1h 30m (down from 3h 30m), back at or
/// below 2h after 1h 10m above 3h".
fn cleared(w: &WatchConfig, s: &WatchState, now: DateTime<Utc>) -> Alert {
    let f = &w.field;
    let side = if w.direction == Direction::Above { "at or below" } else { "at or above" };
    let message = format!(
        "{} {} {}{}, back {side} {} after {} {} {}",
        s.name,
        label(f),
        shown(f, s.value),
        trend(f, s.peak, s.value),
        shown(f, w.clear),
        minutes((now - s.since).num_minutes()),
        w.direction.as_str(),
        shown(f, w.level)
    );
    let key = format!("threshold_cleared:{}:{}:{}", w.id, s.crossing, format_instant(&s.since));
    let mut a = alert(w, s, AlertKind::ThresholdCleared, key, now, message);
    // It ends the episode its `threshold_crossed` opened: resolved, under that fingerprint.
    a.incident = Some(crossed_key(w, s));
    a.resolved = true;
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Select;
    use chrono::TimeZone;

    fn watch(hold: i64) -> WatchConfig {
        WatchConfig {
            id: "otay".into(),
            select: Select::Feed("cbp".into()),
            field: "wait.commercial".into(),
            direction: Direction::Above,
            level: 180,
            clear: 120,
            hold: Duration::minutes(hold),
        }
    }

    fn snap(minutes: i64) -> Snapshot {
        let r: Record = serde_json::from_value(serde_json::json!({
            "crossing": "otay-mesa", "name": "Otay Mesa", "countries": [], "status": "open", "scope": null,
            "since": null, "until": null, "expires_at": null, "tz": "UTC", "source": "cbp",
            "observed_at": "2025-04-09T10:00:00Z", "evidence": null, "values": {"wait.commercial": minutes}
        }))
        .unwrap();
        Snapshot::from([(r.crossing.clone(), r)])
    }

    /// Runs `(minute, wait)` polls through one watch; the alerts' messages.
    fn run(w: &WatchConfig, polls: &[(i64, i64)]) -> Vec<String> {
        let t0 = Utc.with_ymd_and_hms(2025, 4, 9, 10, 0, 0).unwrap();
        let mut states = Vec::new();
        let mut fired = Vec::new();
        for (minute, wait) in polls {
            let now = t0 + Duration::minutes(*minute);
            let (s, a) = observe_all(std::slice::from_ref(w), "cbp", &snap(*wait), &states, now);
            states = s;
            fired.extend(a.into_iter().map(|a| format!("{minute}: {}", a.message)));
        }
        fired
    }

    #[test]
    fn the_cleared_alert_resolves_the_crossed_one_under_its_fingerprint() {
        let t0 = Utc.with_ymd_and_hms(2025, 4, 9, 10, 0, 0).unwrap();
        let w = watch(0);
        let mut states = Vec::new();
        let mut fired = Vec::new();
        for (minute, wait) in [(0, 210), (10, 90)] {
            let (s, a) =
                observe_all(std::slice::from_ref(&w), "cbp", &snap(wait), &states, t0 + Duration::minutes(minute));
            states = s;
            fired.extend(a);
        }
        let [crossed, cleared] = fired.as_slice() else { panic!("{fired:?}") };
        assert_eq!((crossed.alert, crossed.resolved), (AlertKind::ThresholdCrossed, false));
        assert_eq!((cleared.alert, cleared.resolved), (AlertKind::ThresholdCleared, true));
        assert_eq!(cleared.incident.as_deref(), Some(crossed.key.as_str()));
        assert_eq!(super::super::webhook::fingerprint(crossed), super::super::webhook::fingerprint(cleared));
    }

    #[test]
    fn a_hold_then_hysteresis_gives_one_crossed_and_one_cleared() {
        let polls = [(0, 60), (10, 210), (20, 210), (30, 210), (40, 210), (50, 210), (60, 150), (70, 90)];
        assert_eq!(
            run(&watch(30), &polls),
            [
                "40: Otay Mesa commercial wait 3h 30m (up from 1h), above 3h for 30m",
                "70: Otay Mesa commercial wait 1h 30m (down from 3h 30m), back at or below 2h after 1h above 3h",
            ]
        );
    }

    #[test]
    fn a_value_short_of_the_level_before_the_hold_ends_fires_nothing() {
        let polls = [(0, 190), (10, 170), (20, 190), (30, 170), (40, 190), (50, 170), (60, 190)];
        assert!(run(&watch(30), &polls).is_empty());
        let fired = run(&watch(0), &polls);
        assert_eq!(fired.len(), 1, "without a hold it fires once and never clears above 2h: {fired:?}");
    }

    #[test]
    fn the_clock_fires_a_hold_that_ended_between_polls_at_its_instant() {
        let w = watch(30);
        let t0 = Utc.with_ymd_and_hms(2025, 4, 9, 10, 0, 0).unwrap();
        let (states, none) = observe_all(std::slice::from_ref(&w), "cbp", &snap(200), &[], t0);
        assert!(none.is_empty());
        assert_eq!(next_due(std::slice::from_ref(&w), &states, t0), Some(t0 + Duration::minutes(30)));
        assert!(due(std::slice::from_ref(&w), &states, t0 + Duration::minutes(29)).1.is_empty());
        let (after, fired) = due(std::slice::from_ref(&w), &states, t0 + Duration::minutes(45));
        assert_eq!(fired.len(), 1);
        assert_eq!((fired[0].at.as_str(), fired[0].late), ("2025-04-09T10:30:00Z", true));
        assert_eq!(fired[0].key, "threshold:otay:otay-mesa:2025-04-09T10:00:00Z");
        assert_eq!(after[0].phase, Phase::Firing);
        assert!(next_due(std::slice::from_ref(&w), &after, t0).is_none());
    }

    #[test]
    fn labels_and_values_read_as_people_say_them() {
        assert_eq!(label("wait.passenger.ready"), "passenger ready-lane wait");
        assert_eq!(label("queue.trucks"), "trucks queue");
        assert_eq!(shown("wait.commercial", 210), "3h 30m");
        assert_eq!(shown("wait.commercial", 45), "45m");
        assert_eq!(shown("queue.trucks", 520), "520");
    }
}
