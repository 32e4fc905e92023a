//! The change log: one row per change, the record after it whole and the record before
//! it as the fields that differ from the one after (`previous_changes`, migration 8).
//! Rows written before that keep the record before whole in `previous`; both read back
//! as whole records. A removal has no record after it, so its record before stays whole.

use serde_json::{Map, Value};

use super::{Store, StoreError};
use crate::model::{format_instant, Record};

/// One line of the change log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryRow {
    /// Row id (increasing).
    pub id: i64,
    /// When the change was seen.
    pub at: String,
    /// The feed that reported it.
    pub feed: String,
    /// The crossing.
    pub crossing: String,
    /// `added`, `removed`, `status_changed`, `until_changed` or `scope_changed`.
    pub change: String,
    /// The record before.
    pub previous: Option<Record>,
    /// The record after.
    pub current: Option<Record>,
}

/// The fields of `previous` whose JSON differs from `current`'s, as a JSON object; a
/// field `current` has and `previous` lacks is null. [`before`] lays it back over
/// `current`. Each field is compared as a value and only a differing one serialized.
pub(super) fn changed_fields(previous: &Record, current: &Record) -> String {
    // Every field is named: one added to `Record` must be added here too.
    let Record {
        crossing,
        name,
        countries,
        status,
        scope,
        since,
        until,
        expires_at,
        tz,
        source,
        observed_at,
        evidence,
        confidence,
        values,
    } = previous;
    let mut changed = Map::new();
    let mut put = |key: &str, differs: bool, value: &dyn Fn() -> Value| {
        if differs {
            changed.insert(key.to_string(), value());
        }
    };
    put("crossing", *crossing != current.crossing, &|| crossing.as_str().into());
    put("name", *name != current.name, &|| name.as_str().into());
    put("countries", *countries != current.countries, &|| countries.as_slice().into());
    put("status", *status != current.status, &|| status.as_str().into());
    put("scope", *scope != current.scope, &|| scope.as_deref().into());
    put("since", *since != current.since, &|| since.as_deref().into());
    put("until", *until != current.until, &|| until.as_deref().into());
    put("expires_at", *expires_at != current.expires_at, &|| expires_at.as_ref().map(format_instant).into());
    put("tz", *tz != current.tz, &|| tz.as_str().into());
    put("source", *source != current.source, &|| source.as_str().into());
    put("observed_at", *observed_at != current.observed_at, &|| format_instant(observed_at).into());
    put("evidence", *evidence != current.evidence, &|| evidence.as_deref().into());
    put("confidence", *confidence != current.confidence, &|| confidence.as_str().into());
    // Empty values are left out of a record's JSON: absent, so null here.
    put("values", *values != current.values, &|| {
        if values.is_empty() {
            Value::Null
        } else {
            serde_json::to_value(values).expect("model types serialize")
        }
    });
    Value::Object(changed).to_string()
}

/// The record before a change: `current` (its stored JSON) with `changed` (from
/// [`changed_fields`]) laid over it. A null field is one the record before lacked (an
/// absent `Option` reads as `None`, absent values as none).
fn before(current: &str, changed: &str) -> Result<Record, serde_json::Error> {
    let mut record: Map<String, Value> = serde_json::from_str(current)?;
    let changed: Map<String, Value> = serde_json::from_str(changed)?;
    for (k, v) in changed {
        if v.is_null() {
            record.remove(&k);
        } else {
            record.insert(k, v);
        }
    }
    serde_json::from_value(Value::Object(record))
}

impl Store {
    /// The change log, oldest first, optionally for one crossing.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn history(&self, crossing: Option<&str>) -> Result<Vec<HistoryRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, at, feed, crossing, change, previous, current, previous_changes FROM history
                 WHERE ?1 IS NULL OR crossing = ?1 ORDER BY id",
            )
            .map_err(self.err("read history"))?;
        let rows = stmt
            .query_map([crossing], |r| {
                Ok((
                    HistoryRow {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        feed: r.get(2)?,
                        crossing: r.get(3)?,
                        change: r.get(4)?,
                        previous: None,
                        current: None,
                    },
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(self.err("read history"))?;
        let corrupt = |source| StoreError::Corrupt { path: self.path.clone(), what: "history", source };
        let mut out = Vec::new();
        for row in rows {
            let (mut row, prev, cur, changed) = row.map_err(self.err("read history"))?;
            row.previous = match (prev, &cur, changed) {
                (Some(prev), _, _) => Some(self.stored(&prev, "history")?),
                (None, Some(cur), Some(changed)) => Some(before(cur, &changed).map_err(corrupt)?),
                _ => None,
            };
            row.current = cur.map(|s| self.stored(&s, "history")).transpose()?;
            out.push(row);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::TimeZone;
    use rusqlite::params;

    use super::*;
    use crate::model::{Change, ChangeKind, Confidence, Status};
    use crate::store::Apply;

    fn torkham() -> Record {
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 1, 6, 0, 0).unwrap();
        Record {
            crossing: "torkham".into(),
            name: "Torkham".into(),
            countries: vec!["AF".into(), "PK".into()],
            status: Status::Closed,
            scope: Some("cargo vehicles".into()),
            since: Some("2026-03-01".into()),
            until: Some("2026-03-09".into()),
            expires_at: Some(at + chrono::Duration::days(9)),
            tz: "Asia/Karachi".into(),
            source: "afpak".into(),
            observed_at: at,
            evidence: Some("Torkham closed to cargo vehicles until 9 March.".into()),
            confidence: Confidence::Low,
            values: BTreeMap::from([("wait.cargo".to_string(), 90)]),
        }
    }

    #[test]
    fn the_changed_fields_lay_back_over_the_record_after_into_the_record_before() {
        let prev = torkham();
        let reopened = Record {
            status: Status::Open,
            scope: None,
            until: None,
            expires_at: None,
            since: None,
            evidence: None,
            confidence: Confidence::High,
            values: BTreeMap::new(),
            observed_at: prev.observed_at + chrono::Duration::hours(5),
            ..prev.clone()
        };
        // Every field differs, the names and provenance too.
        let elsewhere = Record {
            crossing: "chaman".into(),
            name: "Chaman".into(),
            countries: vec!["PK".into()],
            status: Status::Restricted,
            tz: "Asia/Kabul".into(),
            source: "news".into(),
            values: BTreeMap::from([("wait.cargo".to_string(), 30)]),
            ..reopened.clone()
        };
        let text = |r: &Record| serde_json::to_string(r).unwrap();
        for (a, b) in
            [(&prev, &reopened), (&reopened, &prev), (&prev, &prev), (&prev, &elsewhere), (&elsewhere, &reopened)]
        {
            let changed = changed_fields(a, b);
            assert_eq!(&before(&text(b), &changed).unwrap(), a, "{changed}");
        }
        // Only what differs is kept: the names, countries, zone and source are not.
        let changed: Map<String, Value> = serde_json::from_str(&changed_fields(&reopened, &prev)).unwrap();
        let mut keys: Vec<&str> = changed.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let expected =
            ["confidence", "evidence", "expires_at", "observed_at", "scope", "since", "status", "until", "values"];
        assert_eq!(keys, expected);
        assert_eq!(changed["values"], Value::Null);
        assert_eq!(changed_fields(&prev, &prev), "{}");
    }

    #[test]
    fn history_rows_written_whole_before_migration_8_and_lean_after_it_read_back_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let prev = torkham();
        let cur = Record { status: Status::Open, scope: None, ..prev.clone() };
        let json = |r: &Record| serde_json::to_string(r).unwrap();
        // A state file at schema version 7 with one change logged the old way.
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for (i, step) in (1_i64..).zip(&super::super::MIGRATIONS[..7]) {
                conn.execute_batch(step).unwrap();
                conn.pragma_update(None, "user_version", i).unwrap();
            }
            conn.execute(
                "INSERT INTO history (at, feed, crossing, change, previous, current)
                 VALUES ('2026-03-01T11:00:00Z', 'afpak', 'torkham', 'status_changed', ?1, ?2)",
                params![json(&prev), json(&cur)],
            )
            .unwrap();
        }
        let mut store = Store::open(&path, chrono::Utc::now()).unwrap();
        let change = Change {
            kind: ChangeKind::StatusChanged,
            crossing: "torkham".into(),
            previous: Some(cur.clone()),
            current: Some(prev.clone()),
        };
        store
            .apply(&Apply {
                feed: "afpak",
                now: prev.observed_at,
                changes: &[change],
                recount: &BTreeMap::new(),
                validators: &crate::fetch::Validators::default(),
                content_hash: "h",
                alerts: &[],
                watches: &[],
                refreshed: &[],
            })
            .unwrap();
        let rows = store.history(Some("torkham")).unwrap();
        let pairs: Vec<_> = rows.iter().map(|h| (h.previous.clone(), h.current.clone())).collect();
        assert_eq!(pairs, [(Some(prev.clone()), Some(cur.clone())), (Some(cur), Some(prev))]);
        // The new row keeps the record before as its changed fields only.
        let (whole, lean): (Option<String>, String) = store
            .conn
            .query_row("SELECT previous, previous_changes FROM history WHERE id = ?1", [rows[1].id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(whole, None);
        assert_eq!(lean, r#"{"scope":null,"status":"open"}"#);
    }
}
