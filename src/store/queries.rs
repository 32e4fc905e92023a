//! The store's reads and its few write transactions.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{sql, Store, StoreError};
use crate::diff::Stored;
use crate::fetch::Validators;
use crate::model::{format_instant, Alert, Change, Record, Said, Status};

/// What the store knows of one feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    /// Validators to send on the next fetch.
    pub validators: Validators,
    /// SHA-256 of the last good body.
    pub content_hash: Option<String>,
    /// Good polls so far (0 means the next good poll is the baseline).
    pub good_polls: i64,
    /// Consecutive failures.
    pub failures: u32,
    /// The last poll that changed the store's view of the feed (unchanged polls write
    /// nothing; the poller keeps the later ones in memory).
    pub last_success: Option<chrono::DateTime<chrono::Utc>>,
    /// Some crossing of the feed is counted missing but not yet removed, so even the same
    /// body again must be diffed (it advances the count).
    pub missing: bool,
}

/// A good snapshot ready to be committed.
#[derive(Debug)]
pub struct Apply<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Poll time.
    pub now: DateTime<Utc>,
    /// The changes found.
    pub changes: &'a [Change],
    /// Crossings whose missing-count changes (0 for one reported again), with the count.
    pub recount: &'a BTreeMap<String, u32>,
    /// Validators of the response.
    pub validators: &'a Validators,
    /// Hash of the body.
    pub content_hash: &'a str,
    /// Alerts the changes cause.
    pub alerts: &'a [Alert],
    /// Where the `[[watch]]` thresholds now stand for the crossings the poll observed.
    pub watches: &'a [super::WatchState],
    /// Unchanged records whose values moved: stored, without a history row.
    pub refreshed: &'a [Record],
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("model types serialize")
}

impl Store {
    /// Reads a JSON value the store wrote; `what` names it in the error.
    pub(super) fn stored<T: serde::de::DeserializeOwned>(
        &self,
        json: &str,
        what: &'static str,
    ) -> Result<T, StoreError> {
        serde_json::from_str(json).map_err(|source| StoreError::Corrupt { path: self.path.clone(), what, source })
    }

    /// What is known of a feed (defaults for a feed never polled).
    ///
    /// # Errors
    /// A [`StoreError`] when the row cannot be read.
    pub fn feed_state(&self, feed: &str) -> Result<FeedState, StoreError> {
        let mut states = self.states(Some(feed))?;
        Ok(states.remove(feed).unwrap_or_default())
    }

    /// What is known of every feed polled before, by feed id, in one read: what a cycle
    /// over many feeds needs before it fetches them.
    ///
    /// # Errors
    /// A [`StoreError`] when the rows cannot be read.
    pub fn feed_states(&self) -> Result<HashMap<String, FeedState>, StoreError> {
        self.states(None)
    }

    fn states(&self, only: Option<&str>) -> Result<HashMap<String, FeedState>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, etag, last_modified, content_hash, good_polls, failures, last_success,
                     EXISTS (SELECT 1 FROM records WHERE records.feed = feeds.id AND missing > 0)
                 FROM feeds WHERE ?1 IS NULL OR id = ?1",
            )
            .map_err(self.err("read feed state"))?;
        let rows = stmt
            .query_map([only], |r| {
                let state = FeedState {
                    validators: Validators { etag: r.get(1)?, last_modified: r.get(2)? },
                    content_hash: r.get(3)?,
                    good_polls: r.get(4)?,
                    failures: r.get(5)?,
                    last_success: r
                        .get::<_, Option<String>>(6)?
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                        .map(|t| t.with_timezone(&chrono::Utc)),
                    missing: r.get(7)?,
                };
                Ok((r.get::<_, String>(0)?, state))
            })
            .map_err(self.err("read feed state"))?;
        rows.collect::<rusqlite::Result<_>>().map_err(self.err("read feed state"))
    }

    /// The last good snapshot of a feed with missing-counts.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn records(&self, feed: &str) -> Result<BTreeMap<String, Stored>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT crossing, json, missing FROM records WHERE feed = ?1")
            .map_err(self.err("read records"))?;
        let rows = stmt
            .query_map([feed], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?)))
            .map_err(self.err("read records"))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (crossing, js, missing) = row.map_err(self.err("read records"))?;
            let record = self.stored(&js, "record")?;
            out.insert(crossing, Stored { record, missing });
        }
        Ok(out)
    }

    /// Every current record of every feed, with the instant it was first seen. A stored
    /// instant that cannot be read (a hand-edited row) counts as `now`: the record is
    /// treated as new rather than refused.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn all_records(&self, now: DateTime<Utc>) -> Result<Vec<(Record, DateTime<Utc>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT json, first_seen FROM records ORDER BY crossing, feed")
            .map_err(self.err("read records"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(self.err("read records"))?;
        let mut out = Vec::new();
        for row in rows {
            let (js, first) = row.map_err(self.err("read records"))?;
            let record = self.stored(&js, "record")?;
            let first = DateTime::parse_from_rfc3339(&first).map_or(now, |t| t.with_timezone(&Utc));
            out.push((record, first));
        }
        Ok(out)
    }

    /// What the other feeds say of a crossing, by feed: each one's source, status and
    /// name for it, from an index (no record is decoded).
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn said_elsewhere(&self, crossing: &str, feed: &str) -> Result<Vec<Said>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT source, status, name FROM records INDEXED BY records_said
                 WHERE crossing = ?1 AND feed != ?2 ORDER BY feed",
            )
            .map_err(self.err("read records"))?;
        let rows = stmt
            .query_map([crossing, feed], |r| {
                let status: String = r.get(1)?;
                Ok(Said {
                    source: r.get(0)?,
                    status: Status::parse(&status).unwrap_or(Status::Unknown),
                    name: r.get(2)?,
                })
            })
            .map_err(self.err("read records"))?;
        rows.collect::<rusqlite::Result<_>>().map_err(self.err("read records"))
    }

    /// [`Store::said_elsewhere`] of each of `crossings`, in order, read in one
    /// transaction: a poll's changed crossings are looked up together.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn said_elsewhere_each(&self, crossings: &[&str], feed: &str) -> Result<Vec<Vec<Said>>, StoreError> {
        self.in_one_read("read records", || crossings.iter().map(|c| self.said_elsewhere(c, feed)).collect())
    }

    /// True when some crossing of the feed is counted missing but not yet removed.
    ///
    /// # Errors
    /// A [`StoreError`] when the query fails.
    pub fn has_missing(&self, feed: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM records WHERE feed = ?1 AND missing > 0)", [feed], |r| r.get(0))
            .map_err(self.err("read records"))
    }

    /// Commits a good snapshot, its history and its alerts in one transaction. Only
    /// changed records are written: a poll without changes writes one small feed row.
    /// Returns the alerts that were new (keys not fired before).
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn apply(&mut self, a: &Apply<'_>) -> Result<Vec<Alert>, StoreError> {
        let path = self.path.clone();
        let e = |action| sql(&path, action);
        let now = format_instant(&a.now);
        let tx = self.conn.transaction().map_err(e("begin poll commit"))?;
        tx.execute(
            "INSERT INTO feeds (id, etag, last_modified, content_hash, good_polls, failures, last_success)
             VALUES (?1, ?2, ?3, ?4, 1, 0, ?5)
             ON CONFLICT (id) DO UPDATE SET etag = ?2, last_modified = ?3, content_hash = ?4,
                 good_polls = good_polls + 1, failures = 0, last_success = ?5, last_error = NULL",
            params![a.feed, a.validators.etag, a.validators.last_modified, a.content_hash, now],
        )
        .map_err(e("update feed"))?;
        // Each statement is prepared once per commit, each record serialized once.
        let current: Vec<Option<String>> = a.changes.iter().map(|c| c.current.as_ref().map(json)).collect();
        {
            let mut upsert = tx
            .prepare_cached(
                "INSERT INTO records (feed, crossing, json, first_seen, missing, status, source, name)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)
                 ON CONFLICT (feed, crossing) DO UPDATE SET json = ?3, missing = 0, status = ?5, source = ?6, name = ?7",
            )
            .map_err(e("store record"))?;
            for (r, text) in
                a.changes.iter().zip(&current).filter_map(|(c, j)| Some((c.current.as_ref()?, j.as_ref()?)))
            {
                upsert
                    .execute(params![a.feed, r.crossing, text, now, r.status.as_str(), r.source, r.name])
                    .map_err(e("store record"))?;
            }
            let mut refresh = tx
                .prepare_cached("UPDATE records SET json = ?3 WHERE feed = ?1 AND crossing = ?2")
                .map_err(e("refresh record values"))?;
            for r in a.refreshed {
                refresh.execute(params![a.feed, r.crossing, json(r)]).map_err(e("refresh record values"))?;
            }
            let mut recount = tx
                .prepare_cached("UPDATE records SET missing = ?3 WHERE feed = ?1 AND crossing = ?2")
                .map_err(e("count missing record"))?;
            for (crossing, missing) in a.recount {
                recount.execute(params![a.feed, crossing, missing]).map_err(e("count missing record"))?;
            }
            let mut remove = tx
                .prepare_cached("DELETE FROM records WHERE feed = ?1 AND crossing = ?2")
                .map_err(e("remove record"))?;
            let mut history = tx
                .prepare_cached(
                    "INSERT INTO history (at, feed, crossing, change, previous, current, previous_changes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(e("append history"))?;
            for (c, text) in a.changes.iter().zip(&current) {
                if c.current.is_none() {
                    remove.execute(params![a.feed, c.crossing]).map_err(e("remove record"))?;
                }
                // The record before is kept whole only when there is none after it.
                let (whole, changed) = match (&c.previous, &c.current) {
                    (Some(p), Some(r)) => (None, Some(super::history::changed_fields(p, r))),
                    (p, _) => (p.as_ref().map(json), None),
                };
                history
                    .execute(params![now, a.feed, c.crossing, c.kind.as_str(), whole, text, changed])
                    .map_err(e("append history"))?;
            }
        }
        super::watches::write(&tx, a.watches).map_err(e("store watch states"))?;
        let fresh = insert_alerts(&tx, a.alerts).map_err(e("queue alerts"))?;
        tx.commit().map_err(e("commit poll"))?;
        // The pages it rewrote are copied into the database file off the poll's path.
        self.checkpoint_if_due();
        Ok(fresh)
    }

    /// Records a failed poll and its alerts (if any) in one transaction; returns the new
    /// failure count and the alerts that were new.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn note_failure(&mut self, feed: &str, message: &str, alerts: &[Alert]) -> Result<Vec<Alert>, StoreError> {
        let path = self.path.clone();
        let e = |action| sql(&path, action);
        let tx = self.conn.transaction().map_err(e("begin failure"))?;
        tx.execute(
            "INSERT INTO feeds (id, failures, last_error) VALUES (?1, 1, ?2)
             ON CONFLICT (id) DO UPDATE SET failures = failures + 1, last_error = ?2",
            params![feed, message],
        )
        .map_err(e("count failure"))?;
        let fresh = insert_alerts(&tx, alerts).map_err(e("queue alerts"))?;
        tx.commit().map_err(e("commit failure"))?;
        Ok(fresh)
    }

    /// Clears a feed's failure count after an unchanged good poll, with its alerts.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn note_recovery(
        &mut self,
        feed: &str,
        now: DateTime<Utc>,
        alerts: &[Alert],
    ) -> Result<Vec<Alert>, StoreError> {
        let path = self.path.clone();
        let e = |action| sql(&path, action);
        let tx = self.conn.transaction().map_err(e("begin recovery"))?;
        tx.execute(
            "UPDATE feeds SET failures = 0, last_error = NULL, last_success = ?2 WHERE id = ?1",
            params![feed, format_instant(&now)],
        )
        .map_err(e("clear failures"))?;
        let fresh = insert_alerts(&tx, alerts).map_err(e("queue alerts"))?;
        tx.commit().map_err(e("commit recovery"))?;
        Ok(fresh)
    }

    /// Queues alerts outside a poll (the expiry ladder); returns those that were new.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn queue_alerts(&mut self, alerts: &[Alert]) -> Result<Vec<Alert>, StoreError> {
        self.queue_and_hold(alerts, &[])
    }

    /// Queues `alerts` and records `held` as fired without sending them (after a
    /// rebuild), in one transaction; returns the queued ones that were new.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn queue_and_hold(&mut self, alerts: &[Alert], held: &[Alert]) -> Result<Vec<Alert>, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(sql(&path, "begin"))?;
        insert_held(&tx, held).map_err(sql(&path, "hold alerts"))?;
        let fresh = insert_alerts(&tx, alerts).map_err(sql(&path, "queue alerts"))?;
        tx.commit().map_err(sql(&path, "commit alerts"))?;
        Ok(fresh)
    }

    /// When the state was rebuilt after corruption, if it was: the first call after the
    /// rebuild fixes that instant at `now` (the caller's clock).
    ///
    /// # Errors
    /// A [`StoreError`] when the mark cannot be read or fixed.
    pub fn rebuilt_at(&self, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let mark: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'rebuilt_at'", [], |r| r.get(0))
            .optional()
            .map_err(self.err("read the rebuild mark"))?;
        match mark.as_deref() {
            Some("pending") => {
                let at = format_instant(&now);
                self.conn
                    .execute("UPDATE meta SET value = ?1 WHERE key = 'rebuilt_at'", [&at])
                    .map_err(self.err("fix the rebuild mark"))?;
                Ok(Some(at))
            }
            _ => Ok(mark),
        }
    }

    /// True when an alert with this key has fired.
    ///
    /// # Errors
    /// A [`StoreError`] when the query fails.
    pub fn fired(&self, key: &str) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM alerts WHERE key = ?1)")
            .and_then(|mut stmt| stmt.query_row([key], |r| r.get(0)))
            .map_err(self.err("read alert ledger"))
    }

    /// The latest alert raised whose key starts with `prefix` (e.g. a crossing's status
    /// alerts from one feed, `status:torkham:afpak:`), and whose `source` is `source` if
    /// given, held ones included: what the ledger says is firing, across restarts.
    ///
    /// # Errors
    /// A [`StoreError`] when the row cannot be read.
    pub fn latest_alert(&self, prefix: &str, source: Option<&str>) -> Result<Option<Alert>, StoreError> {
        // Keys with the prefix sort between it and the prefix with its last character
        // bumped, so the primary key's index finds them without a scan.
        let mut end = prefix.to_string();
        let last = end.pop().map_or('\u{0}', |c| char::from_u32(u32::from(c) + 1).unwrap_or(char::MAX));
        end.push(last);
        // The newest row is picked by rowid before its JSON is read: sorting whole rows
        // read every alert ever raised under the prefix. Without a source, the index
        // alone finds it.
        let newest = match source {
            None => "SELECT json FROM alerts WHERE rowid = (SELECT max(rowid) FROM alerts WHERE key > ?1 AND key < ?2)",
            Some(_) => {
                "SELECT json FROM alerts WHERE rowid = (SELECT rowid FROM alerts WHERE key > ?1 AND key < ?2
                 AND json_extract(json, '$.source') = ?3 ORDER BY rowid DESC LIMIT 1)"
            }
        };
        let mut stmt = self.conn.prepare_cached(newest).map_err(self.err("read alert ledger"))?;
        let js: Option<String> = match source {
            None => stmt.query_row(params![prefix, end], |r| r.get(0)),
            Some(source) => stmt.query_row(params![prefix, end, source], |r| r.get(0)),
        }
        .optional()
        .map_err(self.err("read alert ledger"))?;
        js.map(|js| self.stored(&js, "alert")).transpose()
    }

    /// [`Store::latest_alert`] (any source) of each of `prefixes`, in order, read in one
    /// transaction: a poll's status alerts look up their incidents together, without a
    /// read lock taken and released per lookup.
    ///
    /// # Errors
    /// A [`StoreError`] when a row cannot be read.
    pub fn latest_alerts(&self, prefixes: &[String]) -> Result<Vec<Option<Alert>>, StoreError> {
        self.in_one_read("read alert ledger", || prefixes.iter().map(|p| self.latest_alert(p, None)).collect())
    }

    /// `read` in one read transaction: the WAL's read lock is taken once for all its
    /// statements, not once per statement.
    fn in_one_read<T>(
        &self,
        action: &'static str,
        read: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(self.err(action))?;
        let found = read()?;
        tx.commit().map_err(self.err(action))?;
        Ok(found)
    }

    /// Alerts not yet delivered to `sink`, oldest first.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn pending(&self, sink: &str) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT json FROM alerts a WHERE suppressed = 0 AND NOT EXISTS
                 (SELECT 1 FROM deliveries d WHERE d.key = a.key AND d.sink = ?1) AND NOT EXISTS
                 (SELECT 1 FROM filtered f WHERE f.key = a.key AND f.sink = ?1) ORDER BY rowid",
            )
            .map_err(self.err("read outbox"))?;
        let rows = stmt.query_map([sink], |r| r.get::<_, String>(0)).map_err(self.err("read outbox"))?;
        self.parse_alerts(rows, "read outbox")
    }

    /// Every alert raised (not those held after a rebuild), oldest first.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn alerts(&self) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT json FROM alerts WHERE suppressed = 0 ORDER BY rowid")
            .map_err(self.err("read alerts"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err("read alerts"))?;
        self.parse_alerts(rows, "read alerts")
    }

    fn parse_alerts(
        &self,
        rows: impl Iterator<Item = rusqlite::Result<String>>,
        action: &'static str,
    ) -> Result<Vec<Alert>, StoreError> {
        let mut out = Vec::new();
        for js in rows {
            let js = js.map_err(self.err(action))?;
            out.push(self.stored(&js, "alert")?);
        }
        Ok(out)
    }

    /// Records that `sink` acknowledged the alerts `keys` (one, or a digest's), in one
    /// transaction.
    ///
    /// # Errors
    /// A [`StoreError`] when the rows cannot be written; none is written then.
    pub fn mark_delivered(&mut self, keys: &[String], sink: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(sql(&path, "begin delivery record"))?;
        {
            let mut insert = tx
                .prepare_cached("INSERT OR IGNORE INTO deliveries (key, sink, delivered_at) VALUES (?1, ?2, ?3)")
                .map_err(sql(&path, "record delivery"))?;
            for key in keys {
                insert.execute(params![key, sink, format_instant(&at)]).map_err(sql(&path, "record delivery"))?;
            }
        }
        tx.commit().map_err(sql(&path, "commit delivery record"))
    }

    /// Records that `sink`'s filters keep the alert `key` from it: no longer pending for
    /// it, and not counted as delivered.
    ///
    /// # Errors
    /// A [`StoreError`] when the row cannot be written.
    pub fn mark_filtered(&self, key: &str, sink: &str) -> Result<(), StoreError> {
        self.conn
            .execute("INSERT OR IGNORE INTO filtered (key, sink) VALUES (?1, ?2)", params![key, sink])
            .map(drop)
            .map_err(self.err("record filtered alert"))
    }
}

pub(super) fn insert_alerts(tx: &rusqlite::Transaction<'_>, alerts: &[Alert]) -> rusqlite::Result<Vec<Alert>> {
    insert_into_ledger(tx, alerts, false)
}

/// Held alerts count as fired (never queued again) but are never sent.
fn insert_held(tx: &rusqlite::Transaction<'_>, alerts: &[Alert]) -> rusqlite::Result<Vec<Alert>> {
    insert_into_ledger(tx, alerts, true)
}

fn insert_into_ledger(tx: &rusqlite::Transaction<'_>, alerts: &[Alert], held: bool) -> rusqlite::Result<Vec<Alert>> {
    let mut fresh = Vec::new();
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO alerts (key, kind, created_at, json, suppressed) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for a in alerts {
        let n = insert.execute(params![a.key, a.alert.as_str(), a.at, json(a), held])?;
        if n == 1 {
            fresh.push(a.clone());
        }
    }
    Ok(fresh)
}
