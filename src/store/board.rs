//! What the board reads from the state beyond the records and the history: each feed's
//! health row and the latest alerts with their deliveries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Store, StoreError};
use crate::model::Alert;

/// One feed's health as the state holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedHealth {
    /// Consecutive failed polls.
    pub failures: u32,
    /// The last poll that changed the stored view of the feed, or cleared its failures.
    pub last_success: Option<DateTime<Utc>>,
    /// The last failure's message, while the feed fails.
    pub last_error: Option<String>,
}

/// An alert with the sinks that acknowledged it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentAlert {
    /// The alert.
    pub alert: Alert,
    /// Sink name → when it acknowledged the alert.
    pub delivered: BTreeMap<String, String>,
}

fn instant(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// Every feed the state has a row for, by id.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn feed_health(&self) -> Result<BTreeMap<String, FeedHealth>, StoreError> {
        let err = || self.err("read feed health");
        let mut stmt =
            self.conn.prepare_cached("SELECT id, failures, last_success, last_error FROM feeds").map_err(err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    FeedHealth { failures: r.get(1)?, last_success: instant(r.get(2)?), last_error: r.get(3)? },
                ))
            })
            .map_err(err())?;
        rows.collect::<Result<_, _>>().map_err(err())
    }

    /// The latest `limit` alerts raised (held ones left out), newest first, each with its
    /// deliveries.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn recent_alerts(&self, limit: usize) -> Result<Vec<SentAlert>, StoreError> {
        let err = || self.err("read recent alerts");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, json FROM alerts WHERE suppressed = 0 ORDER BY rowid DESC LIMIT ?1")
            .map_err(err())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map([limit], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(err())?;
        let rows: Vec<(String, String)> = rows.collect::<Result<_, _>>().map_err(err())?;
        let mut deliveries =
            self.conn.prepare_cached("SELECT sink, delivered_at FROM deliveries WHERE key = ?1").map_err(err())?;
        let mut out = Vec::with_capacity(rows.len());
        for (key, js) in rows {
            let delivered = deliveries
                .query_map([&key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(err())?
                .collect::<Result<_, _>>()
                .map_err(err())?;
            out.push(SentAlert { alert: self.stored(&js, "alert")?, delivered });
        }
        Ok(out)
    }
}
