//! Counts the store answers for `/metrics`: per feed, per sink and per alert kind.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Store, StoreError};

/// What `/metrics` reads from the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Current records by feed.
    pub records: BTreeMap<String, i64>,
    /// The last poll that changed each feed's stored view.
    pub last_success: BTreeMap<String, DateTime<Utc>>,
    /// Alerts delivered, by sink and alert kind.
    pub delivered: BTreeMap<(String, String), i64>,
    /// Alerts not yet delivered, by sink (only the sinks asked for).
    pub pending: BTreeMap<String, i64>,
}

impl Store {
    /// The counts for `/metrics`; `sinks` are the sink names in force.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn figures(&self, sinks: &[&str]) -> Result<Figures, StoreError> {
        let err = || self.err("read figures");
        let mut out = Figures::default();
        let mut stmt = self.conn.prepare_cached("SELECT feed, count(*) FROM records GROUP BY feed").map_err(err())?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err())? {
            let (feed, n): (String, i64) = row.map_err(err())?;
            out.records.insert(feed, n);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, last_success FROM feeds WHERE last_success IS NOT NULL")
            .map_err(err())?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err())? {
            let (feed, at): (String, String) = row.map_err(err())?;
            if let Ok(t) = DateTime::parse_from_rfc3339(&at) {
                out.last_success.insert(feed, t.with_timezone(&Utc));
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.sink, a.kind, count(*) FROM deliveries d JOIN alerts a ON a.key = d.key GROUP BY 1, 2",
            )
            .map_err(err())?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(err())? {
            let (sink, kind, n): (String, String, i64) = row.map_err(err())?;
            out.delivered.insert((sink, kind), n);
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM alerts a WHERE suppressed = 0 AND NOT EXISTS
                 (SELECT 1 FROM deliveries d WHERE d.key = a.key AND d.sink = ?1) AND NOT EXISTS
                 (SELECT 1 FROM filtered f WHERE f.key = a.key AND f.sink = ?1)",
            )
            .map_err(err())?;
        for sink in sinks {
            let n: i64 = stmt.query_row([sink], |r| r.get(0)).map_err(err())?;
            out.pending.insert((*sink).to_string(), n);
        }
        Ok(out)
    }
}
