//! Alert delivery to real sinks: a webhook on a loopback server, redelivery after a
//! failed acknowledgement, `notify-test`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use borderwatch::clock::SystemClock;
use borderwatch::config::Config;
use borderwatch::store::Store;
use tokio_util::sync::CancellationToken;

use crate::helpers::{bin, native, stdout, tempdir, wait_until, Reply, Seen, Server};

fn webhook_config(dir: &std::path::Path, url: &str, timeout: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("feed.json"), native(&[("torkham", "open", Some("2030-04-15"))])).unwrap();
    std::fs::write(dir.join("hook.secret"), "s3cret-canary\n").unwrap();
    let cfg = format!(
        "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"afpak\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"0 0 1 1 *\"\n\n\
         [[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{url}\"\nsecret_file = \"hook.secret\"\ntimeout = \"{timeout}\"\nallow_http = true\nallow_local = true\n"
    );
    let p = dir.join("borderwatch.toml");
    std::fs::write(&p, cfg).unwrap();
    p
}

async fn run_until(config: Config, what: &str, done: impl FnMut() -> bool) {
    let stop = CancellationToken::new();
    let s = stop.clone();
    let task = tokio::spawn(async move { borderwatch::run(config, Arc::new(SystemClock), s).await.unwrap() });
    wait_until(Duration::from_secs(20), what, done).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(15), task).await.expect("daemon stops").unwrap();
}

fn baseline_stored(state: &std::path::Path) -> impl FnMut() -> bool {
    let state = state.to_path_buf();
    move || {
        Store::open(&state, chrono::Utc::now())
            .is_ok_and(|s| !s.all_records(chrono::Utc::now()).unwrap_or_default().is_empty())
    }
}

/// Answers 500 to the first `failures` requests, then 200; records every request.
async fn flaky_receiver(failures: usize) -> (Server, Arc<Mutex<Vec<(u16, Seen)>>>) {
    flaky_receiver_answering_after(failures, Duration::ZERO).await
}

/// As [`flaky_receiver`], but each 200 is sent `delay` after the request is recorded.
async fn flaky_receiver_answering_after(failures: usize, delay: Duration) -> (Server, Arc<Mutex<Vec<(u16, Seen)>>>) {
    let log: Arc<Mutex<Vec<(u16, Seen)>>> = Arc::default();
    let l = Arc::clone(&log);
    let server = Server::start(move |req| {
        let mut l = l.lock().unwrap();
        let status = if l.len() < failures { 500 } else { 200 };
        l.push((status, req.clone()));
        Reply::status(status, "").delayed(if status == 200 { delay } else { Duration::ZERO })
    })
    .await;
    (server, log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_gets_a_signed_payload_with_its_key_and_a_500_is_retried_until_delivered() {
    let (server, log) = flaky_receiver(2).await;
    let dir = tempdir();
    let cfg = webhook_config(dir.path(), &server.url("/hook"), "5s");
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();
    // The baseline fires nothing (the record expires in 2030); a second body with
    // Torkham closed is the change to deliver.
    run_until(config.clone(), "the baseline", baseline_stored(&state)).await;
    assert!(log.lock().unwrap().is_empty(), "nothing to deliver on the baseline");
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "closed", None)])).unwrap();
    let l = Arc::clone(&log);
    run_until(config, "a 200 after two 500s", move || l.lock().unwrap().iter().any(|(s, _)| *s == 200)).await;

    let log = log.lock().unwrap();
    assert_eq!(
        log.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [500, 500, 200],
        "retried until delivered, then not again"
    );
    let keys: Vec<_> = log.iter().map(|(_, r)| r.header("idempotency-key").unwrap().to_string()).collect();
    assert!(keys.iter().all(|k| k == &keys[0]), "the same key every time: {keys:?}");
    assert!(keys[0].starts_with("status:torkham:afpak:closed:"), "{}", keys[0]);
    let (_, req) = &log[2];
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(body["version"], "1");
    assert_eq!(body["receiver"], "ops");
    assert_eq!(body["status"], "firing");
    let a = &body["alerts"][0];
    assert_eq!(a["labels"]["alertname"], "status_changed");
    assert_eq!(a["labels"]["severity"], "critical");
    assert_eq!(a["labels"]["crossing"], "torkham");
    assert_eq!(a["annotations"]["summary"], "Torkham: closed (was open) · via afpak");
    assert_eq!(a["borderwatch"]["key"], keys[0].as_str());
    let expected = borderwatch::alert::webhook::signature("s3cret-canary", &req.body);
    assert_eq!(req.header("x-borderwatch-signature"), Some(expected.as_str()));
    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    assert!(store.pending("ops").unwrap().is_empty());
    let logged = std::fs::read(&state).unwrap();
    assert!(!String::from_utf8_lossy(&logged).contains("s3cret-canary"), "the secret is not in the state file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_during_an_acknowledged_delivery_does_not_send_it_again() {
    // The stop comes while the 200 is on its way back: the dispatcher's round must see
    // it and mark the alert delivered before the final round reads the outbox. This is
    // the window that, under load, made the test above see [500, 500, 200, 200].
    let (server, log) = flaky_receiver_answering_after(2, Duration::from_millis(500)).await;
    let dir = tempdir();
    let cfg = webhook_config(dir.path(), &server.url("/hook"), "5s");
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();
    run_until(config.clone(), "the baseline", baseline_stored(&state)).await;
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "closed", None)])).unwrap();
    let l = Arc::clone(&log);
    run_until(config, "a 200 after two 500s", move || l.lock().unwrap().iter().any(|(s, _)| *s == 200)).await;
    let statuses: Vec<_> = log.lock().unwrap().iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [500, 500, 200], "an acknowledged delivery is not sent again");
    assert!(Store::open(&state, chrono::Utc::now()).unwrap().pending("ops").unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unacknowledged_delivery_is_sent_again_with_the_same_key_and_a_clean_restart_sends_nothing() {
    // The receiver takes the request but answers too late: the daemon cannot know it
    // arrived, as after a crash between sending and recording.
    let slow = Arc::new(Mutex::new(true));
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (sl, se) = (Arc::clone(&slow), Arc::clone(&seen));
    let server = Server::start(move |req| {
        se.lock().unwrap().push(req.header("idempotency-key").unwrap_or("").to_string());
        let delay = if *sl.lock().unwrap() { Duration::from_secs(4) } else { Duration::ZERO };
        Reply::status(200, "").delayed(delay)
    })
    .await;
    let dir = tempdir();
    let cfg = webhook_config(dir.path(), &server.url("/hook"), "1s");
    let config = Config::load(&cfg).unwrap();
    run_until(config.clone(), "the baseline", baseline_stored(&config.daemon.state)).await;
    assert!(seen.lock().unwrap().is_empty());
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "closed", None)])).unwrap();
    let s = Arc::clone(&seen);
    run_until(config.clone(), "the first attempt", move || !s.lock().unwrap().is_empty()).await;
    *slow.lock().unwrap() = false;
    let s = Arc::clone(&seen);
    let before = seen.lock().unwrap().len();
    run_until(config.clone(), "the redelivery", move || s.lock().unwrap().len() > before).await;
    let keys = seen.lock().unwrap().clone();
    assert!(keys.len() >= 2 && keys.iter().all(|k| k == &keys[0]), "redelivered with the same key: {keys:?}");

    let delivered = seen.lock().unwrap().len();
    let state = config.daemon.state.clone();
    // The restart runs its start-up poll (of a body that only adds a far `until`: stored,
    // no alert) and, on the way out, a last delivery round: a re-send would have
    // happened by the time `run` returns.
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "closed", Some("2031-01-01"))])).unwrap();
    let polls = Store::open(&state, chrono::Utc::now()).unwrap().feed_state("afpak").unwrap().good_polls;
    let st = state.clone();
    let restarted = move || {
        Store::open(&st, chrono::Utc::now()).is_ok_and(|s| s.feed_state("afpak").is_ok_and(|f| f.good_polls > polls))
    };
    run_until(config, "the restart's start-up poll", restarted).await;
    assert_eq!(seen.lock().unwrap().len(), delivered, "nothing re-sent after the acknowledged delivery");
    assert!(Store::open(&state, chrono::Utc::now()).unwrap().pending("ops").unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_test_reports_each_sink_and_fails_if_one_fails() {
    let ok = Server::sequence(vec![Reply::status(200, "")]).await;
    let dir = tempdir();
    let cfg = webhook_config(dir.path(), &ok.url("/hook"), "2s");
    let out = tokio::task::spawn_blocking({
        let (d, c) = (dir.path().to_path_buf(), cfg.clone());
        move || bin(&d, &["notify-test", "--config", c.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "log: ok\nops: ok\n");
    assert_eq!(ok.hits(), 1);

    let broken = Server::sequence(vec![Reply::status(503, "")]).await;
    let cfg = webhook_config(dir.path(), &broken.url("/hook"), "2s");
    let out = tokio::task::spawn_blocking({
        let (d, c) = (dir.path().to_path_buf(), cfg.clone());
        move || bin(&d, &["notify-test", "--config", c.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("ops: FAILED: POST http://127.0.0.1:"), "{}", stdout(&out));
    assert!(stdout(&out).contains("answered 503"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_all_but_critical_alerts_until_they_end() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let s = Arc::clone(&seen);
    let server = Server::start(move |req| {
        s.lock().unwrap().push(req.header("idempotency-key").unwrap_or("").to_string());
        Reply::status(200, "")
    })
    .await;
    let dir = tempdir();
    let cfg = webhook_config(dir.path(), &server.url("/hook"), "2s");
    let text =
        std::fs::read_to_string(&cfg).unwrap() + "quiet_hours = \"22:00-07:00\"\nquiet_timezone = \"Europe/Berlin\"\n";
    std::fs::write(&cfg, text).unwrap();
    let config = Config::load(&cfg).unwrap();
    let mut store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    let alert = |kind: &str, severity: &str, key: &str| -> borderwatch::model::Alert {
        serde_json::from_value(serde_json::json!({
            "alert": kind, "severity": severity, "key": key, "at": "2025-07-01T21:00:00Z", "late": false,
            "message": key, "record": null, "previous": null
        }))
        .unwrap()
    };
    store
        .queue_alerts(&[
            alert("expiry_approaching", "warning", "expiry:x:2025-07-08:7d"),
            alert("expired", "critical", "expired:y:2025-07-01"),
        ])
        .unwrap();
    let store = Arc::new(Mutex::new(store));
    let sinks = borderwatch::daemon::sinks(&config);
    let health = borderwatch::health::Health::new();
    let at = |s: &str| -> borderwatch::clock::SharedClock {
        Arc::new(borderwatch::clock::FixedClock::new(chrono::DateTime::parse_from_rfc3339(s).unwrap().into()))
    };
    borderwatch::alert::deliver_pending(&store, &sinks, &at("2025-07-01T21:30:00Z"), &health).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), ["expired:y:2025-07-01"], "23:30 in Berlin: only the critical one");
    borderwatch::alert::deliver_pending(&store, &sinks, &at("2025-07-02T05:01:00Z"), &health).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), ["expired:y:2025-07-01", "expiry:x:2025-07-08:7d"], "07:01: the held one");
    assert!(store.lock().unwrap().pending("ops").unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_delivery_is_counted_in_metrics_as_well_as_logged() {
    let server = Server::start(|_| Reply::status(500, "")).await;
    let dir = tempdir();
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "open", Some("2030-04-15"))])).unwrap();
    let cfg = format!(
        "[daemon]\nstate = \"state.db\"\nlisten = \"127.0.0.1:0\"\n\n[[feed]]\nid = \"afpak\"\nformat = \"borderwatch-json\"\n\
         path = \"feed.json\"\nschedule = \"*/1 * * * * *\"\n\n[[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\n\
         timeout = \"2s\"\nallow_http = true\nallow_local = true\n",
        server.url("/hook")
    );
    let path = dir.path().join("borderwatch.toml");
    std::fs::write(&path, cfg).unwrap();
    let mut daemon = crate::helpers::Running::start(&path, &[]);
    let addr = daemon.listen_addr().await;
    let failures = move || {
        let (_, text) = crate::helpers::http_get(&addr, "/metrics");
        text.lines()
            .find_map(|l| l.strip_prefix("borderwatch_alert_delivery_failures_total{sink=\"ops\"} "))
            .map_or(0, |v| v.trim().parse::<u64>().unwrap())
    };
    let state = dir.path().join("state.db");
    wait_until(Duration::from_secs(20), "the baseline", baseline_stored(&state)).await;
    assert_eq!(tokio::task::spawn_blocking(failures.clone()).await.unwrap(), 0, "nothing refused yet");
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "closed", None)])).unwrap();
    wait_until(Duration::from_secs(20), "a refused delivery", || server.hits() >= 1).await;
    let f = failures.clone();
    wait_until(Duration::from_secs(20), "the failure counted", move || f() >= 1).await;
    let logged = daemon.count("alert_delivery_failed");
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");
    assert!(logged >= 1, "logged as well as counted");
}
