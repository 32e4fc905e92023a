//! State: SQLite in WAL mode with `synchronous=FULL`, schema versions by `user_version`.
//!
//! Tables: `feeds` (validators, content hash, health), `records` (the last good snapshot
//! of each feed), `history` (append-only changes), `alerts` (the outbox and dedup ledger:
//! one row per key), `deliveries` (per sink), `filtered` (what a sink's filters kept
//! from it), `watches` (where each `[[watch]]` threshold stands per crossing) and `acks`
//! (acknowledgements). A poll's state change and the alerts it causes commit in one
//! transaction. Failure policy: a database that is not a database, or fails its
//! integrity check, is moved aside as `*.corrupt-<unix time>` and a fresh one is started;
//! every other error is returned to the caller, which keeps running.

mod acks;
mod board;
mod checkpoint;
mod figures;
mod history;
mod queries;
mod watches;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

pub use board::{FeedHealth, SentAlert};
pub use figures::Figures;
pub use history::HistoryRow;
pub use queries::{Apply, FeedState};
pub use watches::{Phase, WatchState};

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite said no.
    #[error("state {path}: {action}: {source}")]
    Sqlite {
        /// The database file.
        path: String,
        /// What was being attempted.
        action: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A stored JSON value could not be read back.
    #[error("state {path}: stored {what} is unreadable: {source}")]
    Corrupt {
        /// The database file.
        path: String,
        /// Which value.
        what: &'static str,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// Files around the database could not be handled.
    #[error("state {path}: {action}: {source}")]
    Io {
        /// The database file.
        path: String,
        /// What was being attempted.
        action: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
}

const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE feeds (
    id            TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,
    good_polls    INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_success  TEXT,
    last_error    TEXT
);
CREATE TABLE records (
    feed       TEXT NOT NULL,
    crossing   TEXT NOT NULL,
    json       TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    missing    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed, crossing)
);
CREATE TABLE history (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    feed     TEXT NOT NULL,
    crossing TEXT NOT NULL,
    change   TEXT NOT NULL,
    previous TEXT,
    current  TEXT
);
CREATE INDEX history_crossing ON history (crossing, id);
CREATE TABLE alerts (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    json       TEXT NOT NULL
);
CREATE TABLE deliveries (
    key          TEXT NOT NULL REFERENCES alerts (key),
    sink         TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (key, sink)
);
",
    r"
-- sources_disagree looks up every feed's record for a changed crossing.
CREATE INDEX records_crossing ON records (crossing);
",
    r"
-- A state rebuilt after corruption records the alerts that came due before the rebuild
-- as held (suppressed), not sent again: the lost state most likely sent them.
ALTER TABLE alerts ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
",
    r"
-- sources_disagree needs only what each feed says of a crossing: read from a covering
-- index, not by decoding every other feed's record (quadratic when many feeds report
-- the same crossing).
ALTER TABLE records ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE records SET status = coalesce(json_extract(json, '$.status'), ''),
    source = coalesce(json_extract(json, '$.source'), ''), name = coalesce(json_extract(json, '$.name'), '');
DROP INDEX records_crossing;
CREATE INDEX records_said ON records (crossing, feed, status, source, name);
",
    r"
-- [[watch]] thresholds: where each watch stands for each crossing, so a pending hold
-- and a firing episode survive a restart.
CREATE TABLE watches (
    watch    TEXT NOT NULL,
    crossing TEXT NOT NULL,
    name     TEXT NOT NULL,
    phase    TEXT NOT NULL,
    since    TEXT NOT NULL,
    value    INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    peak     INTEGER NOT NULL,
    PRIMARY KEY (watch, crossing)
);
",
    r"
-- Alerts a sink's filters (crossings, routes, min_severity) keep from it: neither
-- pending for it nor delivered to it.
CREATE TABLE filtered (
    key  TEXT NOT NULL REFERENCES alerts (key),
    sink TEXT NOT NULL,
    PRIMARY KEY (key, sink)
);
",
    r"
-- Acknowledgements (`borderwatch ack`): while one is in force, the reminders of what it
-- covers are recorded as held (suppressed, with the ack's id in held_by), not sent.
CREATE TABLE acks (id TEXT PRIMARY KEY, json TEXT NOT NULL);
ALTER TABLE alerts ADD COLUMN held_by TEXT;
CREATE INDEX alerts_held_by ON alerts (held_by) WHERE held_by IS NOT NULL;
",
    r"
-- A change's record before it is kept as the fields that differ from the record after
-- it (previous_changes, with previous NULL); rows written before keep it whole.
ALTER TABLE history ADD COLUMN previous_changes TEXT;
",
];

/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The state database.
#[derive(Debug)]
pub struct Store {
    /// Declared before `conn`, so it is dropped first: its connection closes before the
    /// store's, which (the last one) checkpoints and removes the WAL as before.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: Connection,
    path: String,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, mode 0600. A corrupt one is
    /// moved aside under the name of `now`, the caller's clock time.
    ///
    /// # Errors
    /// A [`StoreError`] when it cannot be opened or migrated.
    pub fn open(path: &Path, now: DateTime<Utc>) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: name.clone(),
                action: "create folder",
                source,
            })?;
        }
        create_private(path).map_err(|source| StoreError::Io { path: name.clone(), action: "create file", source })?;
        match Self::open_checked(path) {
            Ok(s) => Ok(s),
            Err(e) if is_corruption(&e) => {
                let aside = aside_name(path, now);
                crate::events::StateRebuilt { state: &name, moved_to: &aside, error: &e }.emit();
                for suffix in ["", "-wal", "-shm"] {
                    let from = PathBuf::from(format!("{}{suffix}", path.display()));
                    if from.exists() {
                        let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                        std::fs::rename(&from, &to).map_err(|source| StoreError::Io {
                            path: name.clone(),
                            action: "move corrupt file aside",
                            source,
                        })?;
                    }
                }
                create_private(path).map_err(|source| StoreError::Io {
                    path: name.clone(),
                    action: "create file",
                    source,
                })?;
                let store = Self::open_checked(path)?;
                store
                    .conn
                    .execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuilt_at', 'pending')", [])
                    .map_err(store.err("mark the rebuild"))?;
                Ok(store)
            }
            Err(e) => Err(e),
        }
    }

    fn open_checked(path: &Path) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        let sql = |action| sql(&name, action);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql("open"))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql("set busy timeout"))?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(sql("check integrity"))?;
        if check != "ok" {
            return Err(StoreError::Sqlite {
                path: name,
                action: "check integrity",
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                    Some(check),
                ),
            });
        }
        set_wal(&conn).map_err(sql("switch to WAL"))?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint={};",
            checkpoint::BACKSTOP_PAGES
        ))
        .map_err(sql("set pragmas"))?;
        let checkpointer = checkpoint::Checkpointer::start(path).map_err(|source| StoreError::Io {
            path: name.clone(),
            action: "start the WAL checkpoint thread",
            source,
        })?;
        let mut store = Store { checkpointer: Some(checkpointer), conn, path: name };
        store.migrate()?;
        Ok(store)
    }

    /// An in-memory copy of the database at `path` (empty if there is none): what
    /// `check --dry-run` works on, so nothing it does reaches the file.
    ///
    /// # Errors
    /// A [`StoreError`] when the file cannot be read.
    pub fn open_copy(path: &Path) -> Result<Store, StoreError> {
        let name = path.display().to_string();
        let sql = |action| sql(&name, action);
        let mut conn = Connection::open_in_memory().map_err(sql("open in memory"))?;
        if path.exists() {
            let src =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(sql("open read-only"))?;
            let backup = rusqlite::backup::Backup::new(&src, &mut conn).map_err(sql("copy"))?;
            backup.run_to_completion(256, std::time::Duration::ZERO, None).map_err(sql("copy"))?;
        }
        let mut store = Store { checkpointer: None, conn, path: format!("{name} (dry-run copy)") };
        store.migrate()?;
        Ok(store)
    }

    /// Brings the schema up to date. The version is read inside an immediate (write)
    /// transaction, so two processes opening a new file at once (the daemon starting and
    /// `borderwatch status`) cannot both run the same step.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sql = |action| sql(&path, action);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql("begin migration"))?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql("read schema version"))?;
        for (i, step) in (1_i64..).zip(MIGRATIONS).skip(usize::try_from(version).unwrap_or(0)) {
            tx.execute_batch(step).map_err(sql("migrate"))?;
            tx.pragma_update(None, "user_version", i).map_err(sql("record schema version"))?;
        }
        tx.commit().map_err(sql("commit migration"))
    }

    /// The database file, for messages.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the database can be written now (for health checks): takes the write
    /// lock, waiting at most a second for another writer, and lets it go.
    ///
    /// # Errors
    /// The reason it cannot be written.
    pub fn writable(&self) -> Result<(), String> {
        let probe = (|| {
            self.conn.busy_timeout(std::time::Duration::from_secs(1))?;
            let taken = self.conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
            self.conn.busy_timeout(BUSY_TIMEOUT)?;
            taken
        })();
        probe.map_err(|e| format!("state {} cannot be written: {e}", self.path))
    }

    pub(crate) fn err(&self, action: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        sql(&self.path, action)
    }
}

/// Wraps a SQLite error with the file and the action.
pub(crate) fn sql(path: &str, action: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let path = path.to_string();
    move |source| StoreError::Sqlite { path, action, source }
}

/// Switches a new database to WAL. The switch needs the file to itself and SQLite does
/// not wait for that, so when another process (a `status` while the daemon starts) holds
/// it, the switch is retried for up to five seconds. A file already in WAL is left alone.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut attempt = 0;
    loop {
        let mode: rusqlite::Result<String> = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0));
        let result = match mode {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(_) => conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)).map(drop),
            Err(e) => Err(e),
        };
        match result {
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DatabaseBusy && attempt < 50 =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map(drop)
}

fn aside_name(path: &Path, now: DateTime<Utc>) -> PathBuf {
    PathBuf::from(format!("{}.corrupt-{}", path.display(), now.timestamp()))
}

fn is_corruption(e: &StoreError) -> bool {
    match e {
        StoreError::Sqlite { source: rusqlite::Error::SqliteFailure(f, _), .. } => {
            matches!(f.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        }
        _ => false,
    }
}
