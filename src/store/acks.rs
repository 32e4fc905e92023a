//! The store's acknowledgements: one row per crossing or route acknowledged (a new ack
//! replaces the old one), and the alerts held because of one.

use rusqlite::params;

use super::{sql, Store, StoreError};
use crate::ack::Ack;
use crate::model::Alert;

impl Store {
    /// Records `ack`, replacing any earlier ack of the same crossing or route.
    ///
    /// # Errors
    /// A [`StoreError`] when the row cannot be written.
    pub fn set_ack(&self, ack: &Ack) -> Result<(), StoreError> {
        let json = serde_json::to_string(ack).expect("acks serialize");
        self.conn
            .execute("INSERT OR REPLACE INTO acks (id, json) VALUES (?1, ?2)", params![ack.id, json])
            .map(drop)
            .map_err(self.err("record ack"))
    }

    /// Removes the ack of `id`; true when there was one.
    ///
    /// # Errors
    /// A [`StoreError`] when the row cannot be removed.
    pub fn remove_ack(&self, id: &str) -> Result<bool, StoreError> {
        self.conn.execute("DELETE FROM acks WHERE id = ?1", [id]).map(|n| n > 0).map_err(self.err("remove ack"))
    }

    /// Every ack recorded (in force or not), by id.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn acks(&self) -> Result<Vec<Ack>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT json FROM acks ORDER BY id").map_err(self.err("read acks"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err("read acks"))?;
        let mut out = Vec::new();
        for js in rows {
            out.push(self.stored(&js.map_err(self.err("read acks"))?, "ack")?);
        }
        Ok(out)
    }

    /// Records `held` alerts as fired but held by the ack named beside each (never sent),
    /// in one transaction; returns those that were new.
    ///
    /// # Errors
    /// A [`StoreError`]; nothing is written then.
    pub fn hold_for_acks(&mut self, held: &[(Alert, String)]) -> Result<Vec<(Alert, String)>, StoreError> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(sql(&path, "begin"))?;
        let mut fresh = Vec::new();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO alerts (key, kind, created_at, json, suppressed, held_by)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                )
                .map_err(sql(&path, "hold alerts"))?;
            for (a, by) in held {
                let json = serde_json::to_string(a).expect("alerts serialize");
                let n = insert
                    .execute(params![a.key, a.alert.as_str(), a.at, json, by])
                    .map_err(sql(&path, "hold alerts"))?;
                if n == 1 {
                    fresh.push((a.clone(), by.clone()));
                }
            }
        }
        tx.commit().map_err(sql(&path, "commit held alerts"))?;
        Ok(fresh)
    }

    /// The alerts held by the ack of `id` since it was given (its `since`), oldest first.
    ///
    /// # Errors
    /// A [`StoreError`] when rows cannot be read.
    pub fn held_by(&self, ack: &Ack) -> Result<Vec<Alert>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT json FROM alerts WHERE held_by = ?1 AND created_at >= ?2 ORDER BY rowid")
            .map_err(self.err("read held alerts"))?;
        let since = crate::model::format_instant(&ack.since);
        let rows =
            stmt.query_map(params![ack.id, since], |r| r.get::<_, String>(0)).map_err(self.err("read held alerts"))?;
        let mut out = Vec::new();
        for js in rows {
            out.push(self.stored(&js.map_err(self.err("read held alerts"))?, "alert")?);
        }
        Ok(out)
    }
}
