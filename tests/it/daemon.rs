//! The daemon in-process against a real loopback HTTP server and a real state file.

use std::sync::Arc;
use std::time::Duration;

use borderwatch::clock::SystemClock;
use borderwatch::config::Config;
use borderwatch::model::AlertKind;
use borderwatch::store::Store;
use tokio_util::sync::CancellationToken;

use crate::helpers::{loopback_source, native, tempdir, wait_until, write_config, Reply, Server};

struct Daemon {
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

fn start(config: Config) -> Daemon {
    let stop = CancellationToken::new();
    let s = stop.clone();
    let task = tokio::spawn(async move { borderwatch::run(config, Arc::new(SystemClock), s).await.unwrap() });
    Daemon { stop, task }
}

impl Daemon {
    async fn stop(self) {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task).await.expect("daemon stops").unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_status_change_gives_one_alert_and_a_restart_repeats_nothing() {
    let server =
        Server::sequence(vec![Reply::ok(native(&[("torkham", "open", None), ("chaman", "open", None)]))]).await;
    let dir = tempdir();
    let cfg = write_config(dir.path(), &[("afpak", loopback_source(&server.url("/status.json")))], "");
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();

    let d = start(config.clone());
    wait_until(Duration::from_secs(15), "two polls", || server.hits() >= 2).await;
    server.respond(|_| Reply::ok(native(&[("torkham", "closed", None), ("chaman", "open", None)])));
    let seen = server.hits();
    wait_until(Duration::from_secs(15), "two more polls", || server.hits() >= seen + 2).await;
    d.stop().await;

    let status_alerts =
        |s: &Store| s.alerts().unwrap().into_iter().filter(|a| a.alert == AlertKind::StatusChanged).collect::<Vec<_>>();
    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    let alerts = status_alerts(&store);
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].crossing.as_deref(), Some("torkham"));
    assert_eq!(alerts[0].message, "Torkham: closed (was open) · via afpak");
    assert!(store.pending("log").unwrap().is_empty(), "the log sink acknowledged it");
    drop(store);

    let d = start(config);
    let seen = server.hits();
    wait_until(Duration::from_secs(15), "two polls after restart", || server.hits() >= seen + 2).await;
    d.stop().await;
    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    assert_eq!(status_alerts(&store).len(), 1, "no alert repeats after a restart");
    assert_eq!(store.alerts().unwrap().len(), 1, "and nothing else fired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_a_timeout_and_garbage_under_the_daemon_keep_the_records_and_raise_no_status_alert() {
    let good = native(&[("torkham", "open", Some("2030-04-15")), ("chaman", "closed", None)]);
    let server = Server::sequence(vec![
        Reply::ok(good.clone()),
        Reply::status(500, "Internal Server Error"),
        Reply::ok(good.clone()).delayed(Duration::from_secs(3)),
        Reply::ok("<html>maintenance</html>"),
        Reply::ok(good),
    ])
    .await;
    let dir = tempdir();
    // One reply per poll: retries would spend the next poll's reply (they have their own test).
    let source = format!("{}\nretries = 0", loopback_source(&server.url("/status.json")));
    let cfg = write_config(dir.path(), &[("afpak", source)], "");
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();
    let d = start(config);
    wait_until(Duration::from_secs(30), "six polls", || server.hits() >= 6).await;
    d.stop().await;

    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    let kinds: Vec<AlertKind> = store.alerts().unwrap().into_iter().map(|a| a.alert).collect();
    assert_eq!(
        kinds,
        [AlertKind::FeedFailing, AlertKind::FeedRecovered],
        "no status alert, one failing, one recovered"
    );
    let history = store.history(None).unwrap();
    assert_eq!(history.len(), 2, "only the baseline's two records: {history:#?}");
    assert!(history.iter().all(|h| h.change == "added"));
    let records = store.all_records(chrono::Utc::now()).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records.iter().find(|(r, _)| r.crossing == "torkham").unwrap().0.until.as_deref(), Some("2030-04-15"));
}
