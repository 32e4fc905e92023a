//! Removals and the plausibility gate, poll by poll (issue 16): a crossing is removed
//! only after consecutive misses, and a suspect snapshot applies what it still reports,
//! holds the removals it implies, and is accepted as the feed's new shape when the
//! shrink lasts.

use std::path::Path;
use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::{Alert, AlertKind};
use borderwatch::poll::Poller;
use borderwatch::store::Store;
use chrono::{DateTime, Utc};

use crate::helpers::{native, tempdir, write_config};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// One poll of the only feed by a poller opened for it alone, as `borderwatch check`
/// does in its own process: nothing carries over but the state file.
async fn check(cfg: &Path, clock: &FixedClock) -> Vec<Alert> {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state).unwrap();
    let p = Poller::new(Arc::new(config), store, Arc::new(clock.clone()));
    let feed = p.config.feeds[0].clone();
    let r = p.poll(&feed).await;
    assert!(r.outcome.is_ok(), "{:?}", r.outcome);
    r.alerts
}

fn open(ids: &[&'static str]) -> String {
    native(&ids.iter().map(|c| (*c, "open", None)).collect::<Vec<_>>())
}

fn table(alerts: &[Alert]) -> Vec<(AlertKind, String)> {
    alerts.iter().map(|a| (a.alert, a.message.clone())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crossing_missing_once_twice_apart_is_not_removed_and_missing_twice_in_a_row_is() {
    let dir = tempdir();
    let feed_file = dir.path().join("m.json");
    let cfg = write_config(dir.path(), &[("m", "path = \"m.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let all = ["torkham", "chaman", "wagah", "taftan"];
    let three = ["chaman", "wagah", "taftan"];
    for (poll, ids) in [all.as_slice(), &three, &all, &all, &three].into_iter().enumerate() {
        std::fs::write(&feed_file, open(ids)).unwrap();
        clock.advance(chrono::Duration::hours(1));
        let alerts = check(&cfg, &clock).await;
        assert!(alerts.is_empty(), "poll {}: {:?}", poll + 1, table(&alerts));
    }
    clock.advance(chrono::Duration::hours(1));
    let alerts = check(&cfg, &clock).await;
    assert_eq!(
        table(&alerts),
        [(AlertKind::StatusChanged, "Torkham: no longer reported by m (was open)".to_string())],
        "poll 6: the second miss in a row"
    );
}
