//! What the board shows, read from the state and the config as of one instant: the
//! sections (one per route, then the other crossings), the feed-health strip and the
//! latest alerts. Rendering only reads these values.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::{Record, Status};
use crate::store::{FeedHealth, HistoryRow, SentAlert, Store, StoreError};

/// How many alerts the board lists.
pub const ALERTS_SHOWN: usize = 50;

/// The board as of `now`.
#[derive(Debug, Clone)]
pub struct Board {
    /// The instant the board shows.
    pub now: DateTime<Utc>,
    /// Zone for instants that belong to no crossing (`[daemon] timezone`).
    pub zone: chrono_tz::Tz,
    /// The expiry ladder, longest first.
    pub leads: Vec<Duration>,
    /// One section per route, then the crossings on no route.
    pub sections: Vec<Section>,
    /// One entry per configured feed.
    pub feeds: Vec<FeedRow>,
    /// The latest alerts, newest first.
    pub alerts: Vec<SentAlert>,
    /// The sinks in force, the log sink first.
    pub sinks: Vec<String>,
    /// The `/api/status` version the board was rendered from (its `ETag`).
    pub version: String,
}

/// A route's crossings, or the other crossings.
#[derive(Debug, Clone)]
pub struct Section {
    /// The route's name, or "Other crossings".
    pub title: String,
    /// One row per crossing.
    pub rows: Vec<Row>,
}

/// One crossing and what each source says of it.
#[derive(Debug, Clone)]
pub struct Row {
    /// Crossing id.
    pub crossing: String,
    /// Display name.
    pub name: String,
    /// Each source's current record with the instant it was first seen, the most
    /// recently observed first; empty when no source reports the crossing.
    pub records: Vec<(Record, DateTime<Utc>)>,
}

impl Row {
    /// True when the sources give different statuses.
    #[must_use]
    pub fn disagree(&self) -> bool {
        self.records.iter().map(|(r, _)| r.status).collect::<BTreeSet<Status>>().len() > 1
    }
}

/// How a feed is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedState {
    /// Its last poll worked.
    Up,
    /// Its last polls failed.
    Failing,
    /// No good poll for longer than its `stale_after`.
    Stale,
    /// Never polled with success yet.
    Waiting,
}

/// One feed in the health strip.
#[derive(Debug, Clone)]
pub struct FeedRow {
    /// Feed id.
    pub id: String,
    /// How it is doing.
    pub state: FeedState,
    /// Its last good poll.
    pub last_success: Option<DateTime<Utc>>,
    /// Its last error, while it fails.
    pub last_error: Option<String>,
}

/// What the board is made from; [`Board::read`] fills it from a store.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// Every current record with the instant it was first seen.
    pub records: Vec<(Record, DateTime<Utc>)>,
    /// The state's feed rows.
    pub feeds: BTreeMap<String, FeedHealth>,
    /// The latest alerts.
    pub alerts: Vec<SentAlert>,
    /// Good polls the daemon saw after the state's last write, by feed.
    pub last_ok: HashMap<String, DateTime<Utc>>,
}

/// The version of a set of records: the start of the SHA-256 of their JSON array, the
/// body `/api/status` sends. The board carries it so its script can tell a change.
#[must_use]
pub fn version<'a>(records: impl IntoIterator<Item = &'a Record>) -> String {
    let records: Vec<&Record> = records.into_iter().collect();
    version_of(&serde_json::to_string(&records).expect("records serialize"))
}

/// The version of `/api/status`'s body.
#[must_use]
pub fn version_of(json: &str) -> String {
    Sha256::digest(json.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Board {
    /// Reads the parts from `store` and builds the board.
    ///
    /// # Errors
    /// A [`StoreError`] when the state cannot be read.
    pub fn read(
        store: &Store,
        config: &Config,
        last_ok: HashMap<String, DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Board, StoreError> {
        let parts = Parts {
            records: store.all_records(now)?,
            feeds: store.feed_health()?,
            alerts: store.recent_alerts(ALERTS_SHOWN)?,
            last_ok,
        };
        Ok(Board::build(config, parts, now))
    }

    /// The board made of `parts`.
    #[must_use]
    pub fn build(config: &Config, parts: Parts, now: DateTime<Utc>) -> Board {
        let version = version(parts.records.iter().map(|(r, _)| r));
        let mut by_crossing: BTreeMap<String, Vec<(Record, DateTime<Utc>)>> = BTreeMap::new();
        for (r, first) in parts.records {
            by_crossing.entry(r.crossing.clone()).or_default().push((r, first));
        }
        for records in by_crossing.values_mut() {
            records.sort_by(|a, b| b.0.observed_at.cmp(&a.0.observed_at).then_with(|| a.0.source.cmp(&b.0.source)));
        }
        let row = |id: &str, records: Vec<(Record, DateTime<Utc>)>| Row {
            crossing: id.to_string(),
            name: records
                .first()
                .map(|(r, _)| r.name.clone())
                .unwrap_or_else(|| config.gazetteer.get(id).map_or_else(|| id.to_string(), |c| c.name.clone())),
            records,
        };
        let mut sections = Vec::new();
        let mut on_routes = BTreeSet::new();
        for route in &config.routes {
            let rows =
                route.crossings.iter().map(|id| row(id, by_crossing.get(id).cloned().unwrap_or_default())).collect();
            on_routes.extend(route.crossings.iter().cloned());
            sections.push(Section { title: route.name.clone(), rows });
        }
        let others: Vec<Row> =
            by_crossing.into_iter().filter(|(id, _)| !on_routes.contains(id)).map(|(id, rs)| row(&id, rs)).collect();
        if !others.is_empty() || sections.is_empty() {
            sections.push(Section { title: "Other crossings".into(), rows: others });
        }
        let feeds = config
            .feeds
            .iter()
            .map(|f| {
                let h = parts.feeds.get(&f.id).cloned().unwrap_or_default();
                let last_success = h.last_success.max(parts.last_ok.get(&f.id).copied());
                let stale = f.stale_after.is_some_and(|limit| last_success.is_none_or(|t| now - t >= limit));
                let state = if stale {
                    FeedState::Stale
                } else if h.failures > 0 {
                    FeedState::Failing
                } else if last_success.is_none() {
                    FeedState::Waiting
                } else {
                    FeedState::Up
                };
                FeedRow { id: f.id.clone(), state, last_success, last_error: h.last_error }
            })
            .collect();
        let mut sinks = vec!["log".to_string()];
        sinks.extend(config.sinks.iter().map(|s| s.name().to_string()).filter(|n| n != "log"));
        Board {
            now,
            zone: config.daemon.timezone,
            leads: config.alerts.lead_times.clone(),
            sections,
            feeds,
            alerts: parts.alerts,
            sinks,
            version,
        }
    }
}

/// One crossing's page: its current records and its history.
#[derive(Debug, Clone)]
pub struct CrossingView {
    /// The instant the page shows.
    pub now: DateTime<Utc>,
    /// The row as the board shows it.
    pub row: Row,
    /// The change log of the crossing, oldest first.
    pub history: Vec<HistoryRow>,
    /// The expiry ladder, longest first.
    pub leads: Vec<Duration>,
    /// The version of all the records (see [`version`]).
    pub version: String,
}

impl CrossingView {
    /// Reads crossing `id` (an id or any known name); `None` when neither the state nor
    /// the gazetteer knows it.
    ///
    /// # Errors
    /// A [`StoreError`] when the state cannot be read.
    pub fn read(store: &Store, config: &Config, id: &str, now: DateTime<Utc>) -> Result<Option<Self>, StoreError> {
        let id = config.gazetteer.lookup(id).map_or_else(|| id.to_string(), |c| c.id.clone());
        let all = store.all_records(now)?;
        let version = version(all.iter().map(|(r, _)| r));
        let mut records: Vec<_> = all.into_iter().filter(|(r, _)| r.crossing == id).collect();
        let history = store.history(Some(&id))?;
        let known = config.gazetteer.get(&id);
        if records.is_empty() && history.is_empty() && known.is_none() {
            return Ok(None);
        }
        records.sort_by(|a, b| b.0.observed_at.cmp(&a.0.observed_at).then_with(|| a.0.source.cmp(&b.0.source)));
        let name = records
            .first()
            .map(|(r, _)| r.name.clone())
            .or_else(|| {
                history.iter().rev().find_map(|h| h.current.as_ref().or(h.previous.as_ref())).map(|r| r.name.clone())
            })
            .or_else(|| known.map(|c| c.name.clone()))
            .unwrap_or_else(|| id.clone());
        Ok(Some(CrossingView {
            now,
            row: Row { crossing: id, name, records },
            history,
            leads: config.alerts.lead_times.clone(),
            version,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(crossing: &str, status: &str, feed: &str) -> Record {
        serde_json::from_value(serde_json::json!({
            "crossing": crossing, "name": crossing, "countries": [], "status": status, "scope": null,
            "since": null, "until": null, "expires_at": null, "tz": "UTC", "source": feed,
            "observed_at": "2025-04-09T10:00:00Z", "evidence": null
        }))
        .unwrap()
    }

    #[test]
    fn routes_come_first_then_the_others_and_each_feed_has_its_state() {
        let dir = tempfile::tempdir().unwrap();
        let feed = |id: &str, extra: &str| {
            format!("[[feed]]\nid = \"{id}\"\nformat = \"borderwatch-json\"\npath = \"{id}.json\"\nschedule = \"* * * * *\"\n{extra}")
        };
        let toml = format!(
            "[daemon]\nstate = \"s.db\"\n[[route]]\nid = \"afpak\"\nname = \"Karachi–Kabul\"\ncrossings = [\"torkham\", \"chaman\"]\n{}{}{}{}",
            feed("a", "stale_after = \"1h\"\n"),
            feed("b", ""),
            feed("c", ""),
            feed("d", "")
        );
        std::fs::write(dir.path().join("bw.toml"), toml).unwrap();
        let config = Config::load(&dir.path().join("bw.toml")).unwrap();
        let now = DateTime::parse_from_rfc3339("2025-04-09T12:00:00Z").unwrap().with_timezone(&Utc);
        let health = |failures, ago: Option<i64>| FeedHealth {
            failures,
            last_success: ago.map(|h| now - Duration::hours(h)),
            last_error: (failures > 0).then(|| "boom".into()),
        };
        let parts = Parts {
            records: [record("torkham", "closed", "a"), record("torkham", "open", "b"), record("wagah", "open", "b")]
                .into_iter()
                .map(|r| (r, now))
                .collect(),
            feeds: [
                ("a".into(), health(0, Some(2))),
                ("b".into(), health(2, Some(1))),
                ("d".into(), health(0, Some(3))),
            ]
            .into(),
            alerts: Vec::new(),
            last_ok: [("d".to_string(), now)].into(),
        };
        let b = Board::build(&config, parts, now);
        let titles: Vec<_> = b.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Karachi–Kabul", "Other crossings"]);
        let route: Vec<_> = b.sections[0].rows.iter().map(|r| (r.crossing.as_str(), r.records.len())).collect();
        assert_eq!(route, [("torkham", 2), ("chaman", 0)], "a route crossing without data keeps its row");
        assert!(b.sections[0].rows[0].disagree() && !b.sections[1].rows[0].disagree());
        let states: Vec<_> = b.feeds.iter().map(|f| (f.id.as_str(), f.state)).collect();
        assert_eq!(
            states,
            [("a", FeedState::Stale), ("b", FeedState::Failing), ("c", FeedState::Waiting), ("d", FeedState::Up)]
        );
        assert_eq!(b.feeds[3].last_success, Some(now), "the daemon's later good poll counts");
        assert_eq!(
            b.version,
            version(b.sections.iter().flat_map(|s| &s.rows).flat_map(|r| &r.records).map(|(r, _)| r))
        );
    }
}
