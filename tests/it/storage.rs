//! Storage faults on real files: a full disk (a small tmpfs filled to the last byte) and a
//! corrupt database.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::AlertKind;
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;

use crate::helpers::{bin, http_get, native, stderr, tempdir, wait_until, Running};

/// A 4 MiB tmpfs, unmounted on drop.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts one at `at`; `None` (with the reason printed) where mounting is not allowed.
    fn mount(at: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).unwrap();
        let out = std::process::Command::new("mount").args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"]).arg(at).output();
        let why = match out {
            Ok(out) if out.status.success() => return Some(SmallDisk(at.to_path_buf())),
            Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
            Err(e) => format!("cannot run mount: {e}"),
        };
        assert!(std::env::var_os("CI").is_none(), "CI runs as root and must mount a tmpfs: {why}");
        eprintln!("SKIPPED: cannot mount a tmpfs here ({why})");
        None
    }

    /// Writes a ballast file until the disk refuses more.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("ballast");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

fn poller(cfg: &Path, clock: &FixedClock) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    Poller::new(Arc::new(config), store, Arc::new(clock.clone()))
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_keeps_the_old_state_counts_the_error_and_recovers_when_space_returns() {
    let dir = tempdir();
    let Some(disk) = SmallDisk::mount(&dir.path().join("small")) else { return };
    let feed = dir.path().join("feed.json");
    let open = native(&[("torkham", "open", None), ("chaman", "open", None), ("wagah", "closed", None)]);
    std::fs::write(&feed, &open).unwrap();
    let cfg = dir.path().join("bw.toml");
    std::fs::write(
        &cfg,
        "[daemon]\nstate = \"small/state.db\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"* * * * *\"\n",
    )
    .unwrap();
    let clock = FixedClock::new(at("2026-01-05T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let f = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&f).await.outcome, Ok(Outcome::Baseline(_))));
    let before = p.store.lock().unwrap().all_records(p.clock.now()).unwrap();

    let ballast = disk.fill();
    std::fs::write(&feed, open.replace("\"torkham\",\"status\":\"open\"", "\"torkham\",\"status\":\"closed\""))
        .unwrap();
    for _ in 0..3 {
        clock.advance(chrono::Duration::minutes(15));
        let r = p.poll(&f).await;
        let e = r.outcome.expect_err("the disk is full");
        assert_eq!(e.reason(), "store", "{e}");
        assert!(e.to_string().contains("full"), "the message says why: {e}");
        assert!(r.alerts.is_empty(), "no alert from a poll that could not be stored");
        assert_eq!(p.store.lock().unwrap().all_records(p.clock.now()).unwrap(), before, "the old state is kept");
    }

    std::fs::remove_file(&ballast).unwrap();
    clock.advance(chrono::Duration::minutes(15));
    let r = p.poll(&f).await;
    assert!(matches!(r.outcome, Ok(Outcome::Applied(_, ref c)) if c.len() == 1), "{:?}", r.outcome);
    let kinds: Vec<AlertKind> = r.alerts.iter().map(|a| a.alert).collect();
    assert_eq!(kinds, [AlertKind::StatusChanged], "the change goes out once the disk has room again");
    let check: String = rusqlite::Connection::open(dir.path().join("small/state.db"))
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");

    // The daemon counts each such poll: `borderwatch_fetch_errors_total{reason="store"}`.
    drop(p);
    std::fs::write(
        &cfg,
        "[daemon]\nstate = \"small/state.db\"\nlisten = \"127.0.0.1:0\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"* * * * * *\"\n",
    )
    .unwrap();
    let mut daemon = Running::start(&cfg, &[]);
    let addr = daemon.listen_addr().await;
    let metric = |name: &str| {
        let (_, text) = http_get(&addr, "/metrics");
        text.lines().find_map(|l| l.strip_prefix(name)).map_or(0.0, |v| v.trim().parse::<f64>().unwrap())
    };
    let up = "borderwatch_feed_up{feed=\"f\"}";
    wait_until(Duration::from_secs(10), "the start-up poll", || metric(up) == 1.0).await;
    let ballast = disk.fill();
    std::fs::write(&feed, &open).unwrap();
    let store_errors = "borderwatch_fetch_errors_total{feed=\"f\",reason=\"store\"}";
    wait_until(Duration::from_secs(20), "two store errors counted", || metric(store_errors) >= 2.0).await;
    std::fs::remove_file(&ballast).unwrap();
    wait_until(Duration::from_secs(20), "the change stored once there is room", || {
        http_get(&addr, "/api/status")
            .1
            .contains("\"crossing\":\"torkham\",\"name\":\"Torkham\",\"countries\":[\"PK\",\"AF\"],\"status\":\"open\"")
    })
    .await;
    assert_eq!(metric(up), 1.0);
    assert!(daemon.stop().success());
}

#[test]
fn a_corrupt_state_is_moved_aside_and_rebaselined_without_a_spurious_alert() {
    let dir = tempdir();
    let d = dir.path();
    // Chaman's reopening ends in two days: its 3-day ladder step is due at once.
    let records = native(&[("torkham", "closed", None), ("chaman", "open", Some("2026-01-07"))]);
    std::fs::write(d.join("feed.json"), records).unwrap();
    std::fs::write(
        d.join("bw.toml"),
        "[daemon]\nstate = \"state.db\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"* * * * *\"\n",
    )
    .unwrap();
    let first = bin(d, &["check", "--config", "bw.toml", "--json", "--now", "2026-01-05T12:00:00Z"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let fired: Vec<serde_json::Value> = crate::helpers::stdout(&first)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("alert").is_some())
        .collect();
    assert_eq!(fired.len(), 1, "the ladder step went out before the damage: {fired:?}");
    // Scribble over the middle of the file, as a torn write or a bad disk would.
    let state = d.join("state.db");
    let mut bytes = std::fs::read(&state).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..].iter_mut().for_each(|b| *b = 0x5a);
    bytes[..100].iter_mut().for_each(|b| *b = 0x5a);
    std::fs::write(&state, bytes).unwrap();
    let _ = std::fs::remove_file(d.join("state.db-wal"));

    let again = bin(d, &["check", "--config", "bw.toml", "--json", "--now", "2026-01-05T13:00:00Z"]);
    let err = stderr(&again);
    assert!(err.contains("corrupt") && err.contains("moved"), "the move is logged: {err}");
    let aside: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("state.db.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the damaged file is kept for inspection");
    let lines: Vec<serde_json::Value> =
        crate::helpers::stdout(&again).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let alerts: Vec<&serde_json::Value> = lines.iter().filter(|v| v.get("alert").is_some()).collect();
    assert!(alerts.is_empty(), "a re-baseline raises no alert, not even the ladder step sent before: {alerts:?}");
    assert_eq!(lines.len(), 2, "both records are back");
    let later = bin(d, &["check", "--config", "bw.toml", "--json", "--now", "2026-01-06T20:00:00Z"]);
    let keys: Vec<String> = crate::helpers::stdout(&later)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?.get("key")?.as_str().map(String::from))
        .collect();
    assert_eq!(keys, ["expiry:chaman:2026-01-07:1d"], "a step that comes due after the rebuild goes out");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the new state file is private");
}
