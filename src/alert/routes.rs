//! Route alerts: a route is a list of alternative crossings. `route_blocked` fires when
//! every one is closed (or the last open one nears its end); `route_cleared` ends a
//! blockage when one is open again, with the blockage's fingerprint. Pure: what the
//! ledger knows of earlier blockages comes in as [`OpenBlock`]s.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::message;
use super::rules::{base, ladder_due};
use crate::config::RouteConfig;
use crate::model::{format_instant, Alert, AlertKind, Confidence, Record, Severity, Status};

/// The dedup key prefix of a route's `route_blocked` alerts for a full blockage.
#[must_use]
pub fn blocked_prefix(route: &str) -> String {
    format!("route:{route}:blocked:")
}

/// The key of the `route_cleared` that ends the blockage keyed `blocked`.
#[must_use]
pub fn cleared_key(blocked: &str) -> String {
    blocked.replacen(":blocked:", ":cleared:", 1)
}

/// A route's latest `route_blocked` that no `route_cleared` has ended yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBlock {
    /// Its dedup key.
    pub key: String,
    /// The key of the alert that opened the incident (its own, or an earlier blockage's
    /// it carried on).
    pub incident: String,
}

/// Route alerts due at `now`: `route_blocked` (critical) when every crossing of a route
/// is closed, keyed by the closures' latest observation so one episode fires once (and,
/// while an earlier blockage is still open, in its incident); `route_cleared` (info,
/// resolved) when a route with an open blockage in `blocks` (by route id) has a crossing
/// open or restricted again; and, when all but one are closed, the last open one's expiry
/// ladder as a route alert (warning), keyed by crossing, until and step, if its end is at
/// least `arm` sure. A crossing's status is that of its most recently observed record
/// across feeds.
#[must_use]
pub fn routes_due(
    routes: &[RouteConfig],
    records: &[(Record, DateTime<Utc>)],
    blocks: &BTreeMap<String, OpenBlock>,
    leads: &[Duration],
    arm: Confidence,
    now: DateTime<Utc>,
) -> Vec<Alert> {
    let mut out = Vec::new();
    for route in routes {
        let latest: Vec<Option<&(Record, DateTime<Utc>)>> = route
            .crossings
            .iter()
            .map(|c| records.iter().filter(|(r, _)| &r.crossing == c).max_by_key(|(r, _)| r.observed_at))
            .collect();
        let closed = |x: &Option<&(Record, DateTime<Utc>)>| x.is_some_and(|(r, _)| r.status == Status::Closed);
        let open_block = blocks.get(&route.id);
        if latest.iter().all(closed) {
            let names: Vec<String> =
                latest.iter().flatten().map(|(r, _)| format!("{} via {}", r.name, r.source)).collect();
            let since = latest.iter().flatten().map(|(r, _)| r.observed_at).max().unwrap_or(now);
            let mut a = base(
                AlertKind::RouteBlocked,
                Severity::Critical,
                format!("{}{}", blocked_prefix(&route.id), format_instant(&since)),
                now,
                format!("Route {}: every crossing is closed ({})", route.name, names.join(", ")),
            );
            a.incident = open_block.filter(|b| b.key != a.key).map(|b| b.incident.clone());
            a.route = Some(route.id.clone());
            out.push(a);
            continue;
        }
        let usable: Vec<&Record> = latest
            .iter()
            .flatten()
            .map(|(r, _)| r)
            .filter(|r| matches!(r.status, Status::Open | Status::Restricted))
            .collect();
        if let (Some(block), false) = (open_block, usable.is_empty()) {
            let states: Vec<String> = usable
                .iter()
                .map(|r| {
                    format!(
                        "{}: {}{}{}",
                        r.name,
                        message::state(r),
                        message::until_left(r, now),
                        message::via(&r.source)
                    )
                })
                .collect();
            let mut a = base(
                AlertKind::RouteCleared,
                Severity::Info,
                cleared_key(&block.key),
                now,
                format!("Route {}: usable again — {}", route.name, states.join("; ")),
            );
            a.route = Some(route.id.clone());
            a.incident = Some(block.incident.clone());
            a.resolved = true;
            out.push(a);
        }
        let open: Vec<_> = latest.iter().filter(|x| !closed(x)).collect();
        let [Some(last)] = open.as_slice() else { continue };
        if latest.len() < 2 {
            continue;
        }
        for mut a in ladder_due(std::slice::from_ref(last), leads, arm, now) {
            let r = &last.0;
            a.alert = AlertKind::RouteBlocked;
            a.severity = Severity::Warning;
            a.key = format!("route:{}:last:{}", route.id, a.key);
            a.message = format!("Route {}: {} is the last open crossing — {}", route.name, r.name, a.message);
            a.route = Some(route.id.clone());
            out.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn record(crossing: &str, status: Status, at: DateTime<Utc>) -> (Record, DateTime<Utc>) {
        let r = Record {
            crossing: crossing.into(),
            name: crossing.to_uppercase(),
            countries: vec!["PK".into(), "AF".into()],
            status,
            scope: None,
            since: None,
            until: None,
            expires_at: None,
            tz: "Asia/Karachi".into(),
            source: "news".into(),
            observed_at: at,
            evidence: None,
            confidence: Confidence::High,
            values: std::collections::BTreeMap::new(),
        };
        (r, at)
    }

    #[test]
    fn a_blockage_is_cleared_once_a_crossing_opens_with_its_fingerprint() {
        let t0 = Utc.with_ymd_and_hms(2025, 4, 9, 12, 0, 0).unwrap();
        let route =
            RouteConfig {
                id: "khi-kbl".into(), name: "Karachi–Kabul".into(), crossings: vec!["a".into(), "b".into()]
            };
        let routes = std::slice::from_ref(&route);
        let shut = [record("a", Status::Closed, t0), record("b", Status::Closed, t0)];
        let none = BTreeMap::new();
        let blocked = routes_due(routes, &shut, &none, &[], Confidence::High, t0);
        assert_eq!(blocked.len(), 1);
        assert_eq!(
            (blocked[0].alert, &blocked[0].key),
            (AlertKind::RouteBlocked, &"route:khi-kbl:blocked:2025-04-09T12:00:00Z".to_string())
        );
        assert_eq!(blocked[0].message, "Route Karachi–Kabul: every crossing is closed (A via news, B via news)");

        let open = [record("a", Status::Closed, t0), record("b", Status::Open, t0 + Duration::hours(1))];
        assert!(routes_due(routes, &open, &none, &[], Confidence::High, t0).is_empty(), "no blockage to clear");
        let blocks = BTreeMap::from([(
            "khi-kbl".to_string(),
            OpenBlock { key: blocked[0].key.clone(), incident: blocked[0].key.clone() },
        )]);
        let cleared = routes_due(routes, &open, &blocks, &[], Confidence::High, t0);
        assert_eq!(cleared.len(), 1);
        let c = &cleared[0];
        assert_eq!((c.alert, c.severity, c.resolved), (AlertKind::RouteCleared, Severity::Info, true));
        assert_eq!(c.key, "route:khi-kbl:cleared:2025-04-09T12:00:00Z");
        assert_eq!(c.incident.as_deref(), Some(blocked[0].key.as_str()));
        assert_eq!(c.message, "Route Karachi–Kabul: usable again — B: open · via news");

        let again = [record("a", Status::Closed, t0), record("b", Status::Closed, t0 + Duration::hours(2))];
        let later = routes_due(routes, &again, &blocks, &[], Confidence::High, t0);
        assert_eq!(later[0].incident.as_deref(), Some(blocked[0].key.as_str()), "a blockage still open carries on");
        let gone = [record("a", Status::Closed, t0)];
        assert!(
            routes_due(routes, &gone, &blocks, &[], Confidence::High, t0).is_empty(),
            "a crossing no feed reports any more does not clear the route"
        );
    }
}
