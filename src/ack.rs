//! Acknowledgements (`borderwatch ack`): a user says "I know" about a crossing or a
//! route, for a while or until its status changes. While an ack is in force, the
//! reminders of what it covers — expiry-ladder steps, reminders of lasting closures,
//! a route's last-crossing steps — are recorded as held, not sent. A status change is
//! never held, and it ends the ack: an ack remembers the statuses it was given for and is
//! in force only while they still hold. Pure functions over records and alerts; the
//! store keeps the acks, `poll::queue_due_for` applies them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Alert, Record};

/// What an ack is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// One crossing.
    Crossing,
    /// A route: every crossing of it, and the route's own alerts.
    Route,
}

impl Target {
    /// The spelling in the state and in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Crossing => "crossing",
            Target::Route => "route",
        }
    }
}

/// One acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The crossing's or the route's id.
    pub id: String,
    /// Crossing or route.
    pub target: Target,
    /// The crossings it covers, each with its status when it was acknowledged (`""` for
    /// a crossing no feed reported).
    pub statuses: BTreeMap<String, String>,
    /// Who acknowledged it (the user name of the process that ran `ack`).
    pub by: String,
    /// Why, in the user's words.
    pub reason: Option<String>,
    /// When it was acknowledged.
    pub since: DateTime<Utc>,
    /// When it ends by itself; `None`: only a status change ends it.
    pub until: Option<DateTime<Utc>>,
}

impl Ack {
    /// True while the ack holds reminders at `now`: before its end, and while every
    /// crossing it covers has the status it was acknowledged with (`current`, from
    /// [`statuses`]).
    #[must_use]
    pub fn in_force(&self, current: &BTreeMap<String, String>, now: DateTime<Utc>) -> bool {
        self.until.is_none_or(|u| now < u)
            && self.statuses.iter().all(|(c, s)| current.get(c).map_or("", String::as_str) == s)
    }

    /// True when `a` is about what the ack covers: one of its crossings, or its route.
    #[must_use]
    pub fn covers(&self, a: &Alert) -> bool {
        (self.target == Target::Route && a.route.as_deref() == Some(self.id.as_str()))
            || a.crossing.as_ref().is_some_and(|c| self.statuses.contains_key(c))
    }
}

/// Each crossing's status now: that of its most recently observed record across feeds
/// (as routes judge it).
#[must_use]
pub fn statuses(records: &[(Record, DateTime<Utc>)]) -> BTreeMap<String, String> {
    let mut latest: BTreeMap<&str, &Record> = BTreeMap::new();
    for (r, _) in records {
        let e = latest.entry(&r.crossing).or_insert(r);
        if r.observed_at > e.observed_at {
            *e = r;
        }
    }
    latest.into_iter().map(|(c, r)| (c.to_string(), r.status.as_str().to_string())).collect()
}

/// Splits due alerts, each with whether it is a reminder, into those sent (in order) and
/// the reminders held, each with the ack that holds it.
#[must_use]
pub fn hold(due: Vec<(Alert, bool)>, acks: &[Ack]) -> (Vec<Alert>, Vec<(Alert, &Ack)>) {
    let mut sent = Vec::new();
    let mut held = Vec::new();
    for (a, reminder) in due {
        match acks.iter().find(|k| reminder && k.covers(&a)) {
            Some(k) => held.push((a, k)),
            None => sent.push(a),
        }
    }
    (sent, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ack(target: Target, id: &str, covered: &[(&str, &str)], until: Option<&str>) -> Ack {
        Ack {
            id: id.into(),
            target,
            statuses: covered.iter().map(|(c, s)| ((*c).to_string(), (*s).to_string())).collect(),
            by: "alice".into(),
            reason: None,
            since: at("2025-04-08T12:00:00Z"),
            until: until.map(at),
        }
    }

    fn alert(crossing: Option<&str>, route: Option<&str>) -> Alert {
        serde_json::from_value(serde_json::json!({
            "alert": "expiry_approaching", "severity": "warning", "crossing": crossing, "route": route,
            "key": "k", "at": "2025-04-08T19:00:00Z", "late": false, "message": "m", "record": null, "previous": null
        }))
        .unwrap()
    }

    #[test]
    fn an_ack_is_in_force_until_its_end_or_a_status_change() {
        let a = ack(Target::Crossing, "torkham", &[("torkham", "open")], Some("2025-04-09T12:00:00Z"));
        let open: BTreeMap<String, String> = [("torkham".to_string(), "open".to_string())].into();
        assert!(a.in_force(&open, at("2025-04-09T11:59:59Z")));
        assert!(!a.in_force(&open, at("2025-04-09T12:00:00Z")), "ends at its end");
        let closed: BTreeMap<String, String> = [("torkham".to_string(), "closed".to_string())].into();
        assert!(!a.in_force(&closed, at("2025-04-08T13:00:00Z")), "a status change ends it");
        let forever = Ack { until: None, ..a };
        assert!(forever.in_force(&open, at("2099-01-01T00:00:00Z")));
        let unseen = ack(Target::Crossing, "wagah", &[("wagah", "")], None);
        assert!(unseen.in_force(&BTreeMap::new(), at("2025-04-09T00:00:00Z")), "no record yet, none still");
        assert!(!unseen.in_force(
            &open.into_iter().chain([("wagah".into(), "open".into())]).collect(),
            at("2025-04-09T00:00:00Z")
        ));
    }

    #[test]
    fn a_route_ack_covers_its_crossings_and_its_own_alerts() {
        let r = ack(Target::Route, "karachi-kabul", &[("torkham", "open"), ("chaman", "closed")], None);
        assert!(r.covers(&alert(Some("chaman"), None)));
        assert!(r.covers(&alert(None, Some("karachi-kabul"))));
        assert!(!r.covers(&alert(Some("wagah"), None)));
        assert!(!r.covers(&alert(None, Some("other"))));
        let c = ack(Target::Crossing, "torkham", &[("torkham", "open")], None);
        assert!(!c.covers(&alert(None, Some("karachi-kabul"))), "a crossing ack is not its routes'");
        let due = vec![
            (alert(Some("torkham"), None), true),
            (alert(Some("wagah"), None), true),
            (alert(Some("torkham"), None), false),
        ];
        let (sent, held) = hold(due, std::slice::from_ref(&c));
        assert_eq!((sent.len(), held.len()), (2, 1), "only reminders are held");
        assert_eq!(held[0].0.crossing.as_deref(), Some("torkham"));
        assert_eq!(sent[1].crossing.as_deref(), Some("torkham"), "in order");
    }
}
