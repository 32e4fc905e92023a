//! Firing and resolved, per-sink filters and the Slack format, end to end: a real feed
//! server and real webhook receivers on loopback, the daemon in-process (restarted where
//! the state must carry what was firing), the state in a real SQLite file.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use borderwatch::clock::SystemClock;
use borderwatch::config::Config;
use borderwatch::store::Store;
use tokio_util::sync::CancellationToken;

use crate::channels::{config as quiet_feed_config, delivered, queue_hostile_alert};
use crate::helpers::{loopback_source, native, tempdir, wait_until, write_config, Reply, Running, Server};

/// A loopback feed whose body the test sets.
async fn feed(body: String) -> (Server, Arc<Mutex<String>>) {
    let now = Arc::new(Mutex::new(body));
    let b = Arc::clone(&now);
    let server = Server::start(move |_| Reply::ok(b.lock().unwrap().clone())).await;
    (server, now)
}

/// A webhook receiver that accepts everything.
async fn receiver() -> Server {
    Server::start(|_| Reply::ok("")).await
}

fn webhook(id: &str, url: &str, extra: &str) -> String {
    format!("[[sink]]\nkind = \"webhook\"\nid = \"{id}\"\nurl = \"{url}\"\nallow_http = true\nallow_local = true\n{extra}\n")
}

/// The JSON bodies a receiver got, in order.
fn bodies(s: &Server) -> Vec<serde_json::Value> {
    s.seen.lock().unwrap().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect()
}

/// `(alertname, status, fingerprint)` of each Alertmanager-style body.
fn sent(s: &Server) -> Vec<(String, String, String)> {
    bodies(s)
        .iter()
        .map(|b| {
            let a = &b["alerts"][0];
            let f = |v: &serde_json::Value| v.as_str().unwrap().to_string();
            (f(&a["labels"]["alertname"]), f(&a["status"]), f(&a["fingerprint"]))
        })
        .collect()
}

/// The daemon in-process until `stop` is cancelled.
fn start(config: Config) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let stop = CancellationToken::new();
    let s = stop.clone();
    (stop, tokio::spawn(async move { borderwatch::run(config, Arc::new(SystemClock), s).await.unwrap() }))
}

async fn halt((stop, task): (CancellationToken, tokio::task::JoinHandle<()>)) {
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(15), task).await.expect("daemon stops").unwrap();
}

fn records_stored(state: &std::path::Path, n: usize) -> impl FnMut() -> bool {
    let state = state.to_path_buf();
    move || {
        Store::open(&state, chrono::Utc::now())
            .is_ok_and(|s| s.all_records(chrono::Utc::now()).is_ok_and(|r| r.len() == n))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closure_then_reopening_gives_one_firing_and_one_resolved_with_the_same_fingerprint_across_a_restart() {
    let (feed, body) = feed(native(&[("torkham", "open", None)])).await;
    let hook = receiver().await;
    let dir = tempdir();
    let cfg = write_config(
        dir.path(),
        &[("afpak", loopback_source(&feed.url("/status.json")))],
        &webhook("ops", &hook.url("/hook"), ""),
    );
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();

    let d = start(config.clone());
    wait_until(Duration::from_secs(20), "the baseline", records_stored(&state, 1)).await;
    *body.lock().unwrap() = native(&[("torkham", "closed", None)]);
    wait_until(Duration::from_secs(20), "the closure", || hook.hits() == 1).await;
    halt(d).await;

    // What was firing is known from the state after a restart.
    *body.lock().unwrap() = native(&[("torkham", "open", None)]);
    let d = start(config);
    wait_until(Duration::from_secs(20), "the reopening", || hook.hits() == 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    halt(d).await;

    let got = sent(&hook);
    assert_eq!(got.len(), 2, "one firing, one resolved, nothing else: {got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("status_changed", "firing"));
    assert_eq!((got[1].0.as_str(), got[1].1.as_str()), ("status_changed", "resolved"));
    assert_eq!(got[0].2, got[1].2, "the same fingerprint");
    let b = bodies(&hook);
    assert_eq!(b[1]["status"], "resolved");
    assert_eq!(b[1]["alerts"][0]["endsAt"], b[1]["alerts"][0]["borderwatch"]["at"], "endsAt is the reopening");
    assert_eq!(b[0]["alerts"][0]["endsAt"], "");
    assert_eq!(b[1]["alerts"][0]["borderwatch"]["incident"], b[0]["alerts"][0]["borderwatch"]["key"]);
    assert_eq!(b[1]["alerts"][0]["annotations"]["summary"], "Torkham: open (was closed) · via afpak");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_blocked_then_unblocked_gives_route_blocked_then_route_cleared_resolved() {
    let both = |t: &str, c: &str| native(&[("torkham", t, None), ("chaman", c, None)]);
    let (feed, body) = feed(both("open", "open")).await;
    let hook = receiver().await;
    let dir = tempdir();
    let route = "[[route]]\nid = \"khi-kbl\"\nname = \"Karachi–Kabul\"\ncrossings = [\"torkham\", \"chaman\"]\n\n";
    let cfg = write_config(
        dir.path(),
        &[("afpak", loopback_source(&feed.url("/status.json")))],
        &(route.to_string() + &webhook("ops", &hook.url("/hook"), "")),
    );
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();
    let route_alerts = || sent(&hook).into_iter().filter(|(n, _, _)| n.starts_with("route_")).collect::<Vec<_>>();

    let d = start(config);
    wait_until(Duration::from_secs(20), "the baseline", records_stored(&state, 2)).await;
    *body.lock().unwrap() = both("closed", "closed");
    wait_until(Duration::from_secs(20), "the blockage", || route_alerts().len() == 1).await;
    *body.lock().unwrap() = both("open", "closed");
    wait_until(Duration::from_secs(20), "the clearing", || route_alerts().len() == 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    halt(d).await;

    let got = route_alerts();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str()), ("route_blocked", "firing"));
    assert_eq!((got[1].0.as_str(), got[1].1.as_str()), ("route_cleared", "resolved"));
    assert_eq!(got[0].2, got[1].2, "the clearing has the blockage's fingerprint");
    let cleared = bodies(&hook).into_iter().find(|b| b["alerts"][0]["labels"]["alertname"] == "route_cleared").unwrap();
    assert_eq!(
        cleared["alerts"][0]["annotations"]["summary"],
        "Route Karachi–Kabul: usable again — Torkham: open · via afpak"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sink_filtered_to_a_route_gets_only_its_alerts_and_the_others_do_not_hold_it_up() {
    let three = |t: &str, w: &str| native(&[("torkham", t, None), ("chaman", "open", None), ("wagah", w, None)]);
    let (feed, body) = feed(three("open", "open")).await;
    let (trader, ops) = (receiver().await, receiver().await);
    let dir = tempdir();
    let route = "[[route]]\nid = \"khi-kbl\"\nname = \"Karachi–Kabul\"\ncrossings = [\"torkham\", \"chaman\"]\n\n";
    let sinks =
        webhook("trader", &trader.url("/t"), "routes = [\"Karachi–Kabul\"]") + &webhook("ops", &ops.url("/o"), "");
    let cfg = write_config(
        dir.path(),
        &[("afpak", loopback_source(&feed.url("/status.json")))],
        &(route.to_string() + &sinks),
    );
    let config = Config::load(&cfg).unwrap();
    let state = config.daemon.state.clone();

    let d = start(config);
    wait_until(Duration::from_secs(20), "the baseline", records_stored(&state, 3)).await;
    *body.lock().unwrap() = three("open", "closed");
    wait_until(Duration::from_secs(20), "Wagah's closure at ops", || ops.hits() == 1).await;
    let s = state.clone();
    let settled =
        move || Store::open(&s, chrono::Utc::now()).is_ok_and(|s| s.pending("trader").is_ok_and(|p| p.is_empty()));
    wait_until(Duration::from_secs(20), "the trader's outbox settled", settled).await;
    assert_eq!(trader.hits(), 0, "Wagah is on no route of the trader's");
    *body.lock().unwrap() = three("closed", "closed");
    wait_until(Duration::from_secs(20), "Torkham's closure at the trader", || trader.hits() == 1).await;
    wait_until(Duration::from_secs(20), "Torkham's closure at ops", || ops.hits() == 2).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    halt(d).await;

    let crossing =
        |s: &Server| bodies(s).iter().map(|b| b["alerts"][0]["labels"]["crossing"].clone()).collect::<Vec<_>>();
    assert_eq!(crossing(&trader), ["torkham"]);
    assert_eq!(crossing(&ops), ["wagah", "torkham"]);
    let store = Store::open(&state, chrono::Utc::now()).unwrap();
    assert!(store.pending("trader").unwrap().is_empty(), "the filtered alert is not pending");
    let figures = store.figures(&["trader", "ops"]).unwrap();
    assert_eq!(figures.delivered.get(&("trader".into(), "status_changed".into())), Some(&1), "nor counted delivered");
    assert_eq!(figures.pending.get("trader"), Some(&0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slack_webhook_gets_escaped_mrkdwn_text() {
    let hook = receiver().await;
    let dir = tempdir();
    let cfg = quiet_feed_config(dir.path(), &webhook("chat", &hook.url("/services/T0/B0/x"), "format = \"slack\""));
    queue_hostile_alert(&dir.path().join("state.db"));
    let mut daemon = Running::start(&cfg, &[]);
    wait_until(Duration::from_secs(30), "the slack delivery", delivered(&dir.path().join("state.db"), "chat")).await;
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");

    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!((seen[0].method.as_str(), seen[0].path.as_str()), ("POST", "/services/T0/B0/x"));
    assert!(seen[0].header("content-type").is_some_and(|c| c.starts_with("application/json")));
    let body: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "text": "*borderwatch: Tor&lt;kham&gt; &amp; co*\n&lt;b&gt;closed&lt;/b&gt; &amp; \u{202E}nepo"
        }),
        "only `text`, with &, < and > escaped and U+202E kept as text"
    );
}
