//! The alert rules as README's Alerts section states them, in plain Rust and nothing
//! else: no borderwatch code, no SQLite. It answers one question per poll: which alerts
//! (kind and dedup key) should be new now?
//!
//! - The first poll of a feed is a baseline: no status alerts.
//! - `status_changed` when a crossing's status changed, it appeared, or it was missing
//!   from `removal_after` (2) good polls in a row; any poll that reports it again starts
//!   the count afresh. A change of `until` or scope alone raises nothing.
//! - A snapshot with 0 records, or losing more than half of the last one, is suspect:
//!   `feed_suspect` once per distinct body. An empty one changes nothing; a shrunken one
//!   updates what it reports and holds its removals until every crossing it lacks has
//!   been missing from `accept_after` (3) polls in a row; then they are all removed with
//!   one `feed_shape_accepted` and no status alert.
//! - The ladder: at `expires_at - 7d / 3d / 1d` and at `expires_at` (the end of the
//!   `until` day in the crossing's zone), only the latest step that has come, each key
//!   once.
//! - `sources_disagree` when a feed's new or changed record makes the feeds' current
//!   records for a crossing disagree, once per distinct set of `feed=status`.
//! - `route_blocked` when every crossing of the route is closed (keyed by the latest
//!   closure), or when all but one are and the last open one reaches a ladder step.
//! - `route_cleared` once per blockage (every crossing closed), keyed as it with
//!   `cleared`, when a crossing of the route is open or restricted again; a later
//!   blockage is the one a clearing ends.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};

const REMOVAL_AFTER: u32 = 2;
const ACCEPT_AFTER: u32 = 3;
const LEADS: [(i64, &str); 3] = [(7, "7d"), (3, "3d"), (1, "1d")];

/// What one feed says about one crossing in one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub crossing: &'static str,
    pub status: &'static str,
    pub until: Option<String>,
    pub scope: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Held {
    entry: Entry,
    /// When the feed last said something new about it.
    observed: DateTime<Utc>,
    missing: u32,
}

/// An alert as the model names it: `kind:dedup key`.
pub type Expected = String;

#[derive(Debug)]
pub struct Model {
    zones: BTreeMap<&'static str, chrono_tz::Tz>,
    routes: Vec<(&'static str, Vec<&'static str>)>,
    feeds: BTreeMap<String, BTreeMap<&'static str, Held>>,
    fired: HashSet<String>,
    /// Each route's latest blockage not cleared yet.
    blocks: BTreeMap<&'static str, String>,
}

impl Model {
    pub fn new(zones: BTreeMap<&'static str, chrono_tz::Tz>, routes: Vec<(&'static str, Vec<&'static str>)>) -> Model {
        Model { zones, routes, feeds: BTreeMap::new(), fired: HashSet::new(), blocks: BTreeMap::new() }
    }

    fn fire(&mut self, out: &mut Vec<Expected>, kind: &str, key: String) {
        if self.fired.insert(key.clone()) {
            out.push(format!("{kind}:{key}"));
        }
    }

    /// A good poll of `feed` that read `entries` from `body` at `now`.
    pub fn poll(&mut self, feed: &str, entries: &[Entry], body: &[u8], now: DateTime<Utc>) -> Vec<Expected> {
        let mut out = Vec::new();
        let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let hash: String = Sha256::digest(body).iter().take(8).map(|b| format!("{b:02x}")).collect();
        let status_key = |c: &str, s: &str| format!("status:{c}:{feed}:{s}:{stamp}");
        let Some(mut held) = self.feeds.get(feed).cloned() else {
            let first = entries.iter().map(|e| (e.crossing, Held { entry: e.clone(), observed: now, missing: 0 }));
            self.feeds.insert(feed.to_string(), first.collect());
            for e in entries {
                self.disagreement(&mut out, e.crossing);
            }
            return out;
        };
        let lacked: Vec<&'static str> =
            held.keys().copied().filter(|c| !entries.iter().any(|e| e.crossing == *c)).collect();
        if !held.is_empty() && entries.is_empty() {
            self.fire(&mut out, "feed_suspect", format!("feed_suspect:{feed}:{hash}"));
            return out;
        }
        let suspect = lacked.len() * 2 > held.len();
        let mut touched = Vec::new();
        for e in entries {
            match held.get_mut(e.crossing) {
                None => {
                    self.fire(&mut out, "status_changed", status_key(e.crossing, e.status));
                    held.insert(e.crossing, Held { entry: e.clone(), observed: now, missing: 0 });
                    touched.push(e.crossing);
                }
                Some(h) => {
                    h.missing = 0;
                    if h.entry != *e {
                        if h.entry.status != e.status {
                            self.fire(&mut out, "status_changed", status_key(e.crossing, e.status));
                        }
                        *h = Held { entry: e.clone(), observed: now, missing: 0 };
                        touched.push(e.crossing);
                    }
                }
            }
        }
        for c in &lacked {
            held.get_mut(c).expect("lacked crossings are held").missing += 1;
        }
        let accepted = suspect && lacked.iter().all(|c| held[c].missing >= ACCEPT_AFTER);
        if suspect && !accepted {
            self.fire(&mut out, "feed_suspect", format!("feed_suspect:{feed}:{hash}"));
        }
        for c in &lacked {
            if accepted || (!suspect && held[c].missing >= REMOVAL_AFTER) {
                held.remove(c);
                if !accepted {
                    self.fire(&mut out, "status_changed", status_key(c, "unknown"));
                }
            }
        }
        if accepted {
            self.fire(&mut out, "feed_shape_accepted", format!("feed_shape_accepted:{feed}:{stamp}"));
        }
        self.feeds.insert(feed.to_string(), held);
        for c in touched {
            self.disagreement(&mut out, c);
        }
        out
    }

    fn disagreement(&mut self, out: &mut Vec<Expected>, crossing: &str) {
        let said: BTreeSet<(String, &'static str)> =
            self.feeds.iter().filter_map(|(f, held)| held.get(crossing).map(|h| (f.clone(), h.entry.status))).collect();
        if said.iter().map(|(_, s)| s).collect::<BTreeSet<_>>().len() > 1 {
            let parts: Vec<String> = said.iter().map(|(f, s)| format!("{f}={s}")).collect();
            self.fire(out, "sources_disagree", format!("disagree:{crossing}:{}", parts.join(",")));
        }
    }

    /// The end of an `until` day in the crossing's zone.
    fn expires(&self, crossing: &str, until: &str) -> DateTime<Utc> {
        let day = NaiveDate::parse_from_str(until, "%Y-%m-%d").expect("the history writes dates") + Duration::days(1);
        let local = self.zones[crossing].from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap()).earliest().unwrap();
        local.with_timezone(&Utc)
    }

    /// The ladder key due for a record at `now`: the latest step that has come.
    fn ladder_key(&self, e: &Entry, now: DateTime<Utc>) -> Option<String> {
        let until = e.until.as_deref()?;
        let end = self.expires(e.crossing, until);
        let mut due = None;
        for (days, label) in LEADS {
            if end - Duration::days(days) <= now {
                due = Some(format!("expiry:{}:{until}:{label}", e.crossing));
            }
        }
        if end <= now {
            due = Some(format!("expired:{}:{until}", e.crossing));
        }
        due
    }

    /// What time makes due at `now`: ladder steps and route alerts.
    pub fn due(&mut self, now: DateTime<Utc>) -> Vec<Expected> {
        let mut out = Vec::new();
        let records: Vec<(String, Held)> =
            self.feeds.iter().flat_map(|(f, h)| h.values().map(move |h| (f.clone(), h.clone()))).collect();
        for (_, h) in &records {
            if let Some(key) = self.ladder_key(&h.entry, now) {
                let kind = if key.starts_with("expired") { "expired" } else { "expiry_approaching" };
                self.fire(&mut out, kind, key);
            }
        }
        for (route, crossings) in self.routes.clone() {
            let latest: Vec<Option<&Held>> = crossings
                .iter()
                .map(|c| {
                    records.iter().filter(|(_, h)| h.entry.crossing == *c).max_by_key(|(f, h)| (h.observed, f.clone()))
                })
                .map(|x| x.map(|(_, h)| h))
                .collect();
            let closed = |x: &Option<&Held>| x.is_some_and(|h| h.entry.status == "closed");
            if latest.iter().all(closed) {
                let since = latest.iter().flatten().map(|h| h.observed).max().expect("a route has crossings");
                let key = format!("route:{route}:blocked:{}", since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                if !self.fired.contains(&key) {
                    self.blocks.insert(route, key.clone());
                }
                self.fire(&mut out, "route_blocked", key);
                continue;
            }
            if latest.iter().flatten().any(|h| matches!(h.entry.status, "open" | "restricted")) {
                if let Some(key) = self.blocks.remove(route) {
                    self.fire(&mut out, "route_cleared", key.replacen(":blocked:", ":cleared:", 1));
                }
            }
            let open: Vec<&Option<&Held>> = latest.iter().filter(|x| !closed(x)).collect();
            if let [Some(last)] = open.as_slice() {
                if let Some(key) = self.ladder_key(&last.entry, now) {
                    self.fire(&mut out, "route_blocked", format!("route:{route}:last:{key}"));
                }
            }
        }
        out
    }
}
