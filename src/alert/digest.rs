//! Digests: what a sink with a `digest` window sends in place of several alerts — one
//! headline ("12 changes on Torkham", "5 changes: Torkham, Chaman and 3 more"), the first
//! few alerts' messages and "and N more". Each alert in a digest keeps its own row and
//! key in the outbox; a digest is only the shape of one delivery. Pure functions.

use sha2::{Digest as _, Sha256};

use crate::model::{Alert, AlertKind, Severity};

/// How many alerts a digest lists by their message, and how many names its headline
/// names, before "and N more".
pub const LISTED: usize = 5;
const NAMED: usize = 3;

/// What an alert is about, for the headline: its route, else its crossing's name, else
/// its feed.
fn subject(a: &Alert) -> Option<&str> {
    a.route.as_deref().or(a.name.as_deref()).or(a.feed.as_deref())
}

/// `items` in order, without repeats, the first `max` joined by commas, then "and N
/// more".
fn listed<'a>(items: impl Iterator<Item = &'a str>, max: usize) -> String {
    let mut distinct: Vec<&str> = Vec::new();
    for i in items {
        if !distinct.contains(&i) {
            distinct.push(i);
        }
    }
    let shown = distinct.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    match distinct.len().saturating_sub(max) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The one-line headline: how many changes (when every alert is a status change) or
/// alerts, and what they are about: "on X" when all are about one thing, else the first
/// few things named.
#[must_use]
pub fn headline(alerts: &[Alert]) -> String {
    let n = alerts.len();
    let what = if alerts.iter().all(|a| a.alert == AlertKind::StatusChanged) { "changes" } else { "alerts" };
    let subjects: Vec<&str> = alerts.iter().filter_map(subject).collect();
    match subjects.first() {
        Some(first) if subjects.len() == n && subjects.iter().all(|s| s == first) => format!("{n} {what} on {first}"),
        Some(_) => format!("{n} {what}: {}", listed(subjects.into_iter(), NAMED)),
        None => format!("{n} {what}"),
    }
}

/// The first [`LISTED`] messages, one per line, then "and N more".
#[must_use]
pub fn lines(alerts: &[Alert]) -> Vec<String> {
    let mut out: Vec<String> = alerts.iter().take(LISTED).map(|a| a.message.clone()).collect();
    if alerts.len() > LISTED {
        out.push(format!("and {} more", alerts.len() - LISTED));
    }
    out
}

/// The digest's own key (`digest:` and a hash of its alerts' keys): the same set of
/// alerts sent again after a crash carries the same key.
#[must_use]
pub fn key(alerts: &[Alert]) -> String {
    let mut h = Sha256::new();
    for a in alerts {
        h.update(a.key.as_bytes());
        h.update(b"\n");
    }
    let hex: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("digest:{hex}")
}

/// One alert standing for all of `alerts`, for a sink that sends one message per alert:
/// kind `digest`, the highest severity, the headline as its name (so the sink's title is
/// "borderwatch: 12 changes …") and the listed messages as its message.
#[must_use]
pub fn combine(alerts: &[Alert]) -> Alert {
    Alert {
        alert: AlertKind::Digest,
        severity: alerts.iter().map(|a| a.severity).max().unwrap_or(Severity::Info),
        crossing: None,
        feed: None,
        name: Some(headline(alerts)),
        lead: None,
        expires_at: None,
        source: None,
        route: None,
        key: key(alerts),
        at: alerts.iter().map(|a| a.at.clone()).max().unwrap_or_default(),
        late: alerts.iter().any(|a| a.late),
        message: lines(alerts).join("\n"),
        record: None,
        previous: None,
        incident: None,
        resolved: alerts.iter().all(|a| a.resolved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(kind: &str, name: &str, key: &str, severity: &str) -> Alert {
        serde_json::from_value(serde_json::json!({
            "alert": kind, "severity": severity, "name": name, "key": key, "at": format!("2025-07-01T00:00:0{}Z", key.len() % 10),
            "late": false, "message": format!("{name}: {key}"), "record": null, "previous": null
        }))
        .unwrap()
    }

    #[test]
    fn the_headline_names_one_subject_or_the_first_few() {
        let same: Vec<Alert> = (0..5).map(|i| alert("status_changed", "Torkham", &format!("k{i}"), "info")).collect();
        assert_eq!(headline(&same), "5 changes on Torkham");
        let names = ["Torkham", "Chaman", "Torkham", "Wagah", "Ghulam Khan", "Angoor Adda"];
        let mixed: Vec<Alert> =
            names.iter().enumerate().map(|(i, n)| alert("status_changed", n, &format!("k{i}"), "info")).collect();
        assert_eq!(headline(&mixed), "6 changes: Torkham, Chaman, Wagah and 2 more");
        let with_ladder = [mixed[0].clone(), alert("expiry_approaching", "Chaman", "e", "warning")];
        assert_eq!(headline(&with_ladder), "2 alerts: Torkham, Chaman");
    }

    #[test]
    fn a_digest_lists_the_first_few_and_counts_the_rest() {
        let many: Vec<Alert> = (0..12).map(|i| alert("status_changed", "Torkham", &format!("k{i}"), "info")).collect();
        let l = lines(&many);
        assert_eq!(l.len(), LISTED + 1);
        assert_eq!(l[0], "Torkham: k0");
        assert_eq!(l[LISTED], "and 7 more");
        let mut worse = many.clone();
        worse[3].severity = Severity::Warning;
        let c = combine(&worse);
        assert_eq!(
            (c.alert, c.severity, c.name.as_deref()),
            (AlertKind::Digest, Severity::Warning, Some("12 changes on Torkham"))
        );
        assert_eq!(c.key, key(&many), "the key depends on the alerts' keys only");
        assert_ne!(key(&many), key(&many[1..]));
        assert_eq!(lines(&many[..2]), ["Torkham: k0", "Torkham: k1"], "no `and 0 more`");
    }
}
