//! The kill test: the daemon polls a loopback feed whose crossing changes status on every
//! poll and delivers to a loopback webhook, and is killed with SIGKILL at random moments.
//! After every kill the database passes `PRAGMA integrity_check`; in the end every status
//! change the store recorded reached the webhook at least once, duplicates carry the same
//! `Idempotency-Key`, and none is lost.
//!
//! `cargo test` runs a short form (20 transitions). The long form:
//! `BORDERWATCH_KILL_TRANSITIONS=1000 cargo test --test it crash -- --nocapture`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use borderwatch::model::AlertKind;
use borderwatch::store::Store;

use crate::helpers::{loopback_source, native, tempdir, wait_until, Reply, Running, Server};

/// A pause in [from, to) from the clock's nanoseconds.
fn random_pause(from_ms: u64, to_ms: u64) -> Duration {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    Duration::from_millis(from_ms + u64::from(nanos) % (to_ms - from_ms))
}

fn transitions(state: &std::path::Path) -> usize {
    Store::open(state, chrono::Utc::now())
        .map_or(0, |s| s.history(None).unwrap_or_default().iter().filter(|h| h.change == "status_changed").count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_loses_no_alert_and_never_corrupts_the_state() {
    let want: usize = std::env::var("BORDERWATCH_KILL_TRANSITIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let served = Arc::new(AtomicUsize::new(0));
    let n = Arc::clone(&served);
    let feed = Server::start(move |_| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        Reply::ok(native(&[("torkham", if i % 2 == 0 { "open" } else { "closed" }, None), ("chaman", "open", None)]))
    })
    .await;
    let hook = Server::start(|_| Reply::ok("")).await;
    let dir = tempdir();
    let state = dir.path().join("state.db");
    let cfg = dir.path().join("borderwatch.toml");
    std::fs::write(
        &cfg,
        format!(
            "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"flip\"\nformat = \"borderwatch-json\"\n{}\n\
             schedule = \"* * * * * *\"\ntimeout = \"2s\"\n\n\
             [[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\ntimeout = \"2s\"\nallow_http = true\nallow_local = true\n",
            loopback_source(&feed.url("/f")),
            hook.url("/hook")
        ),
    )
    .unwrap();

    let started = Instant::now();
    let mut kills = 0;
    while transitions(&state) < want {
        assert!(started.elapsed() < Duration::from_secs(60 + 2 * want as u64), "too slow: {kills} kills");
        let mut daemon = Running::start(&cfg, &[]);
        std::thread::sleep(random_pause(200, 1800));
        daemon.signal(libc::SIGKILL);
        let _ = daemon.child.wait();
        kills += 1;
        let check = rusqlite::Connection::open(&state).unwrap();
        let verdict: String = check.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(verdict, "ok", "after kill {kills}");
    }
    // A last, clean run delivers whatever the kills left in the outbox.
    let mut daemon = Running::start(&cfg, &[]);
    wait_until(Duration::from_secs(10), "the start", || daemon.count("start") == 1).await;
    let store_path = state.clone();
    wait_until(Duration::from_secs(30), "the outbox to drain", || {
        Store::open(&store_path, chrono::Utc::now()).is_ok_and(|s| s.pending("ops").is_ok_and(|p| p.is_empty()))
    })
    .await;
    assert!(daemon.stop().success());

    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    let changes = transitions(&state);
    let keys: Vec<String> =
        store.alerts().unwrap().into_iter().filter(|a| a.alert == AlertKind::StatusChanged).map(|a| a.key).collect();
    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for s in hook.seen.lock().unwrap().iter() {
        let key = s.header("idempotency-key").expect("every delivery has an Idempotency-Key").to_string();
        *received.entry(key).or_default() += 1;
    }
    let lost: Vec<&String> = keys.iter().filter(|k| !received.contains_key(*k)).collect();
    let duplicates: usize = received.values().map(|n| n - 1).sum();
    println!(
        "{kills} SIGKILLs, {} polls served, {changes} status transitions stored, {} status alerts, \
         {} deliveries received ({duplicates} repeats of an already received key), {} lost",
        served.load(Ordering::SeqCst),
        keys.len(),
        received.values().sum::<usize>(),
        lost.len()
    );
    assert_eq!(keys.len(), changes, "one status alert per stored transition");
    assert!(lost.is_empty(), "lost alerts: {lost:?}");
    let unknown: Vec<&String> = received.keys().filter(|k| k.starts_with("status:") && !keys.contains(*k)).collect();
    assert!(unknown.is_empty(), "deliveries of alerts the store never recorded: {unknown:?}");
    assert!(kills >= 2);
}
