//! Where each `[[watch]]` threshold stands for each crossing: idle, pending (past the
//! level, waiting out `for`) or firing. Kept in the state so that a hold and an episode
//! survive a restart; written in the same transaction as the alerts they cause.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{sql, Store, StoreError};
use crate::model::{format_instant, Alert};

/// Where a watch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not past the trigger level (or back at the clear level).
    Idle,
    /// Past the trigger level since `since`, not yet for the watch's `for`.
    Pending,
    /// `threshold_crossed` fired; waiting for the clear level.
    Firing,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Pending => "pending",
            Phase::Firing => "firing",
        }
    }

    fn parse(s: &str) -> Phase {
        match s {
            "pending" => Phase::Pending,
            "firing" => Phase::Firing,
            _ => Phase::Idle,
        }
    }
}

/// One watch's standing for one crossing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchState {
    /// The watch id.
    pub watch: String,
    /// The crossing id.
    pub crossing: String,
    /// The crossing's display name, for alerts the clock fires.
    pub name: String,
    /// Idle, pending or firing.
    pub phase: Phase,
    /// When the value went past the trigger level (the episode's start); when it was last
    /// seen, while idle.
    pub since: DateTime<Utc>,
    /// The value last seen.
    pub value: i64,
    /// The value before the episode began: what the trend is told from.
    pub start: i64,
    /// The farthest past the level the value went in the episode.
    pub peak: i64,
}

impl Store {
    /// Every watch state.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn watch_states(&self) -> Result<Vec<WatchState>, StoreError> {
        let err = || self.err("read watch states");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT watch, crossing, name, phase, since, value, start, peak FROM watches")
            .map_err(err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    WatchState {
                        watch: r.get(0)?,
                        crossing: r.get(1)?,
                        name: r.get(2)?,
                        phase: Phase::parse(&r.get::<_, String>(3)?),
                        since: DateTime::<Utc>::MIN_UTC,
                        value: r.get(5)?,
                        start: r.get(6)?,
                        peak: r.get(7)?,
                    },
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(err())?;
        let mut out = Vec::new();
        for row in rows {
            let (mut state, since) = row.map_err(err())?;
            state.since = DateTime::parse_from_rfc3339(&since).map_or(state.since, |t| t.with_timezone(&Utc));
            out.push(state);
        }
        Ok(out)
    }

    /// Writes watch states and queues the alerts they fired, in one transaction; returns
    /// the alerts that were new.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn settle_watches(&mut self, states: &[WatchState], alerts: &[Alert]) -> Result<Vec<Alert>, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(sql(&path, "begin"))?;
        write(&tx, states).map_err(sql(&path, "store watch states"))?;
        let fresh = super::queries::insert_alerts(&tx, alerts).map_err(sql(&path, "queue alerts"))?;
        tx.commit().map_err(sql(&path, "commit watch states"))?;
        Ok(fresh)
    }
}

/// Upserts `states` within `tx`.
pub(super) fn write(tx: &rusqlite::Transaction<'_>, states: &[WatchState]) -> rusqlite::Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO watches (watch, crossing, name, phase, since, value, start, peak)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (watch, crossing) DO UPDATE SET name = ?3, phase = ?4, since = ?5, value = ?6, start = ?7,
             peak = ?8",
    )?;
    for s in states {
        upsert.execute(params![
            s.watch,
            s.crossing,
            s.name,
            s.phase.as_str(),
            format_instant(&s.since),
            s.value,
            s.start,
            s.peak
        ])?;
    }
    Ok(())
}
