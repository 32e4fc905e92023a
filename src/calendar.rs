//! `borderwatch calendar`: every known expiry and expiry-ladder step as an iCalendar
//! (RFC 5545) file, so a trader sees them in the calendar they already use.
//!
//! One event per step: at `expires_at - lead` ("Torkham: 7 days left") and at
//! `expires_at` ("Torkham: open until 15 Apr 2025 ends"). UIDs are the alert dedup keys,
//! so re-importing updates rather than duplicates. An end less sure than `arm_expiry`
//! arms no ladder, so it has no events.

use chrono::{DateTime, Duration, Utc};

use crate::model::{Confidence, Record};
use crate::timeutil::{format_duration, human_date};

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace(['\r', '\n'], "\\n")
}

/// Folds a content line at 75 octets, on character boundaries (§3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

fn stamp(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The calendar for the `records` whose end is at least `arm` sure, with `leads` as the
/// ladder, stamped `now`.
#[must_use]
pub fn ics(records: &[Record], leads: &[Duration], arm: Confidence, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for l in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//borderwatch//expiries//EN", "CALSCALE:GREGORIAN"] {
        out.push_str(&fold(l));
    }
    let mut seen = std::collections::HashSet::new();
    for r in records.iter().filter(|r| r.confidence >= arm) {
        let (Some(expires), Some(until)) = (r.expires_at, r.until.as_deref()) else { continue };
        let steps = leads.iter().map(|l| (Some(*l), expires - *l)).chain(std::iter::once((None, expires)));
        for (lead, at) in steps {
            let (uid, summary) = match lead {
                Some(l) => (
                    format!("expiry:{}:{until}:{}", r.crossing, format_duration(l)),
                    format!("{}: {} left ({} until {})", r.name, format_duration(l), r.status, human_date(until)),
                ),
                None => (
                    format!("expired:{}:{until}", r.crossing),
                    format!("{}: {} until {} ends", r.name, r.status, human_date(until)),
                ),
            };
            if !seen.insert(uid.clone()) {
                continue;
            }
            let description = format!(
                "{} {} until {} ({}). Source: {}.{}",
                r.name,
                r.status,
                human_date(until),
                r.tz,
                r.source,
                r.evidence.as_ref().map(|e| format!(" \"{e}\"")).unwrap_or_default()
            );
            for l in [
                "BEGIN:VEVENT".to_string(),
                format!("UID:{}@borderwatch", text(&uid)),
                format!("DTSTAMP:{}", stamp(&now)),
                format!("DTSTART:{}", stamp(&at)),
                "DURATION:PT15M".to_string(),
                format!("SUMMARY:{}", text(&summary)),
                format!("DESCRIPTION:{}", text(&description)),
                "END:VEVENT".to_string(),
            ] {
                out.push_str(&fold(&l));
            }
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let line = format!("SUMMARY:{}", "Šalčininkai ".repeat(10));
        let folded = fold(&line);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), format!("{line}\r\n"), "unfolding gives the line back");
        assert_eq!(text("a,b;c\nd\\"), "a\\,b\\;c\\nd\\\\");
    }
    #[test]
    fn an_end_less_sure_than_arm_expiry_has_no_events() {
        use chrono::TimeZone;
        let mut r = Record {
            crossing: "torkham".into(),
            name: "Torkham".into(),
            countries: vec![],
            status: crate::model::Status::Open,
            scope: None,
            since: None,
            until: Some("2025-04-15".into()),
            expires_at: Some(Utc.with_ymd_and_hms(2025, 4, 15, 19, 0, 0).unwrap()),
            tz: "Asia/Karachi".into(),
            source: "news".into(),
            observed_at: Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap(),
            evidence: None,
            confidence: Confidence::Low,
            values: std::collections::BTreeMap::new(),
        };
        let now = Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap();
        let leads = [Duration::days(7)];
        let events = |r: &Record, arm| ics(std::slice::from_ref(r), &leads, arm, now).matches("BEGIN:VEVENT").count();
        assert_eq!(events(&r, Confidence::High), 0);
        assert_eq!(events(&r, Confidence::Low), 2, "7d and expired");
        r.confidence = Confidence::High;
        assert_eq!(events(&r, Confidence::High), 2);
    }
}
