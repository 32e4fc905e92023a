//! The WAL checkpoint after a poll's commit, on a thread of its own with its own
//! connection: copying the WAL's pages into the database file (and its `fsync`) is no
//! part of the commit's durability, which the WAL's own `fsync` at `synchronous=FULL`
//! gives, so the poll need not wait for it.
//!
//! A checkpoint is asked for when SQLite's own automatic one would run: after a commit
//! that leaves [`DUE_PAGES`] pages in the WAL. The store's connection keeps the automatic
//! checkpoint with a higher threshold ([`BACKSTOP_PAGES`]), so the WAL stays bounded even
//! when this thread cannot keep up or cannot open the file.

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

use super::Store;

/// WAL pages at which a commit asks for a checkpoint: SQLite's default for its automatic
/// one.
const DUE_PAGES: i64 = 1_000;

/// WAL pages after which a commit checkpoints on its own connection, as SQLite does
/// by default at 1,000: about 20 MB, some poll commits' worth.
pub(super) const BACKSTOP_PAGES: u32 = 5_000;

/// The checkpoint thread; dropping it waits for a checkpoint under way and closes its
/// connection.
#[derive(Debug)]
pub(super) struct Checkpointer {
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path`; it opens its connection at the
    /// first request.
    pub(super) fn start(path: &Path) -> std::io::Result<Checkpointer> {
        let (wake, asked) = sync_channel(1);
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new().name("wal-checkpoint".into()).spawn(move || run(&path, &asked))?;
        Ok(Checkpointer { wake: Some(wake), thread: Some(thread) })
    }

    /// Asks for a checkpoint; requests made while one is pending count as one.
    pub(super) fn ask(&self) {
        if let Some(wake) = &self.wake {
            // Full: a checkpoint is already asked for. Disconnected: the thread ended,
            // and the backstop checkpoints.
            let _ = wake.try_send(());
        }
    }
}

impl Store {
    /// After a write transaction: asks the thread for a checkpoint when the WAL holds
    /// [`DUE_PAGES`] pages. A `NOOP` checkpoint only reads the WAL's header.
    pub(super) fn checkpoint_if_due(&self) {
        let Some(checkpointer) = &self.checkpointer else { return };
        let pages = self.conn.query_row("PRAGMA wal_checkpoint(NOOP)", [], |r| r.get::<_, i64>(1));
        if pages.is_ok_and(|n| n >= DUE_PAGES) {
            checkpointer.ask();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(path: &Path, asked: &Receiver<()>) {
    let mut conn = None;
    while asked.recv().is_ok() {
        if conn.is_none() {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            conn = Connection::open_with_flags(path, flags).ok();
        }
        // A passive checkpoint never waits for a lock and never blocks the store's
        // connection; what it cannot copy now, the next one (or the backstop) does.
        if let Some(c) = &conn {
            let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes about `pages` pages into a table of the store's database, in one commit.
    fn write(store: &Store, pages: u32) {
        store
            .conn
            .execute_batch(&format!(
                "CREATE TABLE IF NOT EXISTS t (x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
                 INSERT INTO t SELECT printf('%.1000c', 'x') FROM n;",
                pages * 4
            ))
            .unwrap();
    }

    fn size(path: &Path) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    #[test]
    fn a_wal_past_the_threshold_is_copied_into_the_database_by_the_thread_while_the_store_stays_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path, chrono::Utc::now()).unwrap();
        write(&store, 1_200);
        assert!(size(&path) < 1_000 * 4096, "below the backstop, the commit stays in the WAL");
        store.checkpoint_if_due();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while size(&path) < 1_200 * 4096 {
            assert!(std::time::Instant::now() < deadline, "the database file never grew");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let rows: i64 = store.conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 4_800);
    }

    #[test]
    fn a_small_commit_stays_in_the_wal_as_with_sqlites_own_threshold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path, chrono::Utc::now()).unwrap();
        let before = size(&path);
        write(&store, 100);
        store.checkpoint_if_due();
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(size(&path), before);
        let pages: u32 = store.conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0)).unwrap();
        assert_eq!(pages, BACKSTOP_PAGES);
    }
}
