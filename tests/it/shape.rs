//! Removals and the plausibility gate, poll by poll (issue 16): a crossing is removed
//! only after consecutive misses, and a suspect snapshot applies what it still reports,
//! holds the removals it implies, and is accepted as the feed's new shape when the
//! shrink lasts.

use std::path::Path;
use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::{Alert, AlertKind, Status};
use borderwatch::poll::Poller;
use borderwatch::store::Store;
use chrono::{DateTime, Utc};

use crate::helpers::{bin, json_lines, native, stderr, tempdir, write_config};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// One poll of the only feed by a poller opened for it alone, as `borderwatch check`
/// does in its own process: nothing carries over but the state file.
async fn check(cfg: &Path, clock: &FixedClock) -> Vec<Alert> {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shrink_applies_the_closure_at_once_and_is_accepted_as_the_new_shape_at_the_third_poll() {
    let dir = tempdir();
    let feed_file = dir.path().join("m.json");
    let cfg = write_config(dir.path(), &[("m", "path = \"m.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    std::fs::write(&feed_file, open(&["torkham", "chaman", "wagah", "taftan"])).unwrap();
    assert!(check(&cfg, &clock).await.is_empty(), "baseline");
    std::fs::write(&feed_file, native(&[("torkham", "closed", None)])).unwrap();
    let mut polls = Vec::new();
    for _ in 2..=7 {
        clock.advance(chrono::Duration::minutes(15));
        polls.push(table(&check(&cfg, &clock).await));
    }
    let s = |k: AlertKind, m: &str| (k, m.to_string());
    assert_eq!(
        polls,
        [
            vec![
                s(
                    AlertKind::FeedSuspect,
                    "Feed m sent an implausible snapshot: the snapshot lost 3 of 4 records (more than 50%). \
                     The crossings it still reports are updated; the ones it lacks are kept until the shrink lasts."
                ),
                s(AlertKind::StatusChanged, "Torkham: closed (was open) · via m"),
            ],
            vec![],
            vec![s(
                AlertKind::FeedShapeAccepted,
                "Feed m has reported fewer crossings for 3 polls in a row; accepted as its new shape, no longer \
                 reported: Chaman–Spin Boldak, Taftan–Mirjaveh, Wagah–Attari."
            )],
            vec![],
            vec![],
            vec![],
        ],
        "polls 2 to 7"
    );
    let out =
        bin(dir.path(), &["status", "--config", cfg.to_str().unwrap(), "--json", "--now", "2025-03-24T02:00:00Z"]);
    let shown: Vec<_> =
        json_lines(&out).iter().map(|r| (r["crossing"].as_str().unwrap().to_string(), r["status"].clone())).collect();
    assert_eq!(shown, [("torkham".to_string(), serde_json::json!(Status::Closed))], "{}", stderr(&out));
    let store = Store::open(&dir.path().join("state.db"), chrono::Utc::now()).unwrap();
    let removed: Vec<_> =
        store.history(None).unwrap().into_iter().filter(|h| h.change == "removed").map(|h| h.crossing).collect();
    assert_eq!(removed, ["chaman", "taftan", "wagah"], "the removals are in the history");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shrink_that_comes_back_before_accept_after_removes_nothing_and_a_feed_can_wait_longer() {
    let dir = tempdir();
    let feed_file = dir.path().join("m.json");
    let cfg = write_config(dir.path(), &[("m", "path = \"m.json\"\naccept_after = 4".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let all = open(&["torkham", "chaman", "wagah", "taftan"]);
    std::fs::write(&feed_file, &all).unwrap();
    check(&cfg, &clock).await;
    let shrunk = open(&["torkham"]);
    let mut kinds = Vec::new();
    for body in [&shrunk, &shrunk, &shrunk, &all, &shrunk, &shrunk, &shrunk, &shrunk] {
        std::fs::write(&feed_file, body).unwrap();
        clock.advance(chrono::Duration::minutes(15));
        kinds.push(check(&cfg, &clock).await.iter().map(|a| a.alert).collect::<Vec<_>>());
    }
    assert_eq!(
        kinds,
        [
            vec![AlertKind::FeedSuspect],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![AlertKind::FeedShapeAccepted]
        ],
        "three suspect polls are not four; the full feed in between starts the count again"
    );
}
