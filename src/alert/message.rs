//! Alert messages: one line a trader understands without opening anything. It names the
//! crossing, its status with the scope (or the lanes) it holds for, what it was before
//! when that differs, the end with the time left, and the source the record came from.
//! Pure functions of records and the instant; the rules put them in alerts.

use chrono::{DateTime, Utc};

use crate::model::{Confidence, Record};
use crate::timeutil::{human_date, humanize_left};

/// The status with its scope: `closed`, or `restricted: cargo vehicles only`.
#[must_use]
pub fn state(r: &Record) -> String {
    match &r.scope {
        Some(s) if !s.trim().is_empty() => format!("{}: {}", r.status, s.trim()),
        _ => r.status.to_string(),
    }
}

/// ` until 15 Apr 2025 (Asia/Karachi)`, with a `?` after a low-confidence date; empty
/// without an end.
#[must_use]
pub fn until(r: &Record) -> String {
    let mark = if r.confidence == Confidence::Low { "?" } else { "" };
    match &r.until {
        Some(u) => format!(" until {}{mark} ({})", human_date(u), r.tz),
        None => String::new(),
    }
}

/// [`until`] and, while the end is still ahead of `now`, the time left:
/// ` until 15 Apr 2025 (Asia/Karachi), 6 days left`.
#[must_use]
pub fn until_left(r: &Record, now: DateTime<Utc>) -> String {
    match r.expires_at.filter(|e| *e > now) {
        Some(e) if r.until.is_some() => format!("{}, {} left", until(r), humanize_left(now, e)),
        _ => until(r),
    }
}

/// ` · via news`: the source a message ends with.
#[must_use]
pub fn via(source: &str) -> String {
    format!(" · via {source}")
}

/// A status change: `Torkham: open (was closed: cargo only) · via news`. Of the earlier
/// scope, only the parts (`; `-separated, as the CBP formats join lanes and hours) that
/// the current one lacks are named: what changed, not what stayed.
#[must_use]
pub fn status_changed(previous: &Record, current: &Record, now: DateTime<Utc>) -> String {
    let parts = |r: &Record| {
        r.scope
            .iter()
            .flat_map(|s| s.split("; "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let kept = parts(current);
    let gone: Vec<String> = parts(previous).into_iter().filter(|p| !kept.contains(p)).collect();
    let was =
        if gone.is_empty() { previous.status.to_string() } else { format!("{}: {}", previous.status, gone.join("; ")) };
    format!("{}: {}{} (was {was}){}", current.name, state(current), until_left(current, now), via(&current.source))
}

/// A crossing a feed reports for the first time.
#[must_use]
pub fn added(current: &Record, now: DateTime<Utc>) -> String {
    format!("{}: {}{} (newly reported){}", current.name, state(current), until_left(current, now), via(&current.source))
}

/// A crossing a feed no longer reports.
#[must_use]
pub fn removed(previous: &Record, feed: &str) -> String {
    format!("{}: no longer reported by {feed} (was {})", previous.name, state(previous))
}

/// A step of the expiry ladder: `left` is `6 days left` or `expired`.
#[must_use]
pub fn ladder(r: &Record, left: &str) -> String {
    format!("{}: {}{} — {left}{}", r.name, state(r), until(r), via(&r.source))
}

/// A reminder of a closure that lasts `lasted` (`1 day`).
#[must_use]
pub fn still(r: &Record, lasted: &str) -> String {
    format!("{}: still {}{}, for {lasted}{}", r.name, state(r), until(r), via(&r.source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use chrono::TimeZone;

    fn record(status: Status, scope: Option<&str>, until: Option<&str>) -> Record {
        Record {
            crossing: "brownsville-veterans".into(),
            name: "Brownsville - Veterans International".into(),
            countries: vec!["US".into(), "MX".into()],
            status,
            scope: scope.map(Into::into),
            since: None,
            until: until.map(Into::into),
            expires_at: until.and_then(|u| crate::timeutil::expires_at(u, chrono_tz::America::Chicago)),
            tz: "America/Chicago".into(),
            source: "cbp-bwt".into(),
            observed_at: Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap(),
            evidence: None,
            confidence: Confidence::High,
            values: std::collections::BTreeMap::new(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_status_change_names_the_lanes_that_were_closed_and_the_source() {
        let was = record(Status::Restricted, Some("lanes closed: passenger vehicles Ready"), None);
        let is = record(Status::Open, None, None);
        assert_eq!(
            status_changed(&was, &is, now()),
            "Brownsville - Veterans International: open (was restricted: lanes closed: passenger vehicles Ready) \
             · via cbp-bwt"
        );
        let back = status_changed(&is, &was, now());
        assert_eq!(
            back,
            "Brownsville - Veterans International: restricted: lanes closed: passenger vehicles Ready (was open) \
             · via cbp-bwt"
        );
    }

    #[test]
    fn a_scope_both_sides_share_is_said_once() {
        let was = record(Status::Closed, Some("cargo"), None);
        let is = record(Status::Restricted, Some("cargo"), None);
        assert_eq!(
            status_changed(&was, &is, now()),
            "Brownsville - Veterans International: restricted: cargo (was closed) · via cbp-bwt"
        );
    }

    #[test]
    fn of_the_earlier_scope_only_what_changed_is_named() {
        let was = record(Status::Restricted, Some("lanes closed: passenger vehicles Ready; hours 6 am-Midnight"), None);
        let is = record(Status::Open, Some("hours 6 am-Midnight"), None);
        assert_eq!(
            status_changed(&was, &is, now()),
            "Brownsville - Veterans International: open: hours 6 am-Midnight (was restricted: lanes closed: \
             passenger vehicles Ready) · via cbp-bwt"
        );
    }

    #[test]
    fn a_change_with_an_end_says_the_time_left() {
        let was = record(Status::Closed, None, None);
        let is = record(Status::Open, None, Some("2025-04-15"));
        assert_eq!(
            status_changed(&was, &is, now()),
            "Brownsville - Veterans International: open until 15 Apr 2025 (America/Chicago), 6 days left \
             (was closed) · via cbp-bwt"
        );
        assert_eq!(
            added(&is, now()),
            "Brownsville - Veterans International: open until 15 Apr 2025 (America/Chicago), 6 days left \
             (newly reported) · via cbp-bwt"
        );
        let after = Utc.with_ymd_and_hms(2025, 4, 20, 0, 0, 0).unwrap();
        assert!(!added(&is, after).contains("left"), "no time left once the end has passed");
    }

    #[test]
    fn expiry_messages_name_scope_end_and_source() {
        let r = record(Status::Restricted, Some("cargo vehicles only"), Some("2025-04-15"));
        assert_eq!(
            ladder(&r, "6 days left"),
            "Brownsville - Veterans International: restricted: cargo vehicles only until 15 Apr 2025 \
             (America/Chicago) — 6 days left · via cbp-bwt"
        );
        assert_eq!(
            ladder(&r, "expired"),
            "Brownsville - Veterans International: restricted: cargo vehicles only until 15 Apr 2025 \
             (America/Chicago) — expired · via cbp-bwt"
        );
        assert_eq!(
            removed(&r, "cbp"),
            "Brownsville - Veterans International: no longer reported by cbp (was restricted: cargo vehicles only)"
        );
    }
}
