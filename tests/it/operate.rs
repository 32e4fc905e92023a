//! The daemon as operators run it: SIGHUP reloads under polling, the loopback listener
//! (`/healthz`, `/metrics`, `/api/status`) and the log contract over a whole run.

use std::ffi::OsStr;
use std::time::Duration;

use crate::helpers::{http_get, loopback_source, native, tempdir, wait_until, Reply, Running, Server};

/// A config with one loopback feed polled every two seconds and the listener on.
fn config(url: &str, lead_times: &str, broken: bool) -> String {
    let bad = if broken { "bogus_key = 1\n" } else { "" };
    format!(
        "[daemon]\nstate = \"state.db\"\nlisten = \"127.0.0.1:0\"\n\n[alerts]\nlead_times = {lead_times}\n\n\
         [[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\n{}\nschedule = \"*/2 * * * * *\"\ntimeout = \"2s\"\n{bad}",
        loopback_source(url)
    )
}

/// Every line is HELP, TYPE or a sample whose family was typed before it; returns the
/// samples.
fn parse_metrics(text: &str) -> Vec<prometheus_parse::Sample> {
    use prometheus_parse::LineInfo;
    let mut typed = std::collections::HashSet::new();
    for line in text.lines() {
        match LineInfo::parse(line) {
            LineInfo::Doc { .. } => {}
            LineInfo::Type { metric_name, .. } => assert!(typed.insert(metric_name), "typed twice: {line}"),
            LineInfo::Sample { metric_name, value, .. } => {
                assert!(typed.contains(metric_name), "sample before its TYPE: {line}");
                assert!(value.parse::<f64>().is_ok(), "value: {line}");
            }
            LineInfo::Empty | LineInfo::Ignored => panic!("not Prometheus text format: {line:?}"),
        }
    }
    prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses").samples
}

fn value(samples: &[prometheus_parse::Sample], metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples.iter().find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))).map(|s| {
        match s.value {
            prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
            ref other => panic!("{metric}: {other:?}"),
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sighups_alternating_good_and_bad_configs_miss_and_repeat_no_poll() {
    let server = Server::start(|_| Reply::ok(native(&[("torkham", "open", None)]))).await;
    let dir = tempdir();
    let path = dir.path().join("borderwatch.toml");
    let url = server.url("/feed");
    std::fs::write(&path, config(&url, "[\"7d\"]", false)).unwrap();
    let mut daemon = Running::start(&path, &[("RUST_LOG", OsStr::new("info,borderwatch::daemon=debug"))]);
    let addr = daemon.listen_addr().await;
    for i in 0..100 {
        let good = i % 2 == 0;
        let leads = if i % 4 == 0 { "[\"7d\", \"1d\"]" } else { "[\"3d\"]" };
        std::fs::write(&path, config(&server.url(if good { "/feed" } else { "/wrong" }), leads, !good)).unwrap();
        daemon.signal(libc::SIGHUP);
        wait_until(Duration::from_secs(10), "the reload's outcome", || daemon.count("config_reload") == i + 1).await;
    }
    // Let the schedule run on: two polls after the last reload, and four in all.
    let polled = server.hits();
    wait_until(Duration::from_secs(20), "two scheduled polls after the last reload", || {
        server.hits() >= (polled + 2).max(4)
    })
    .await;
    // Each poll names the next one once it has finished: wait for the last poll's line,
    // or the daemon may stop between the request and the line.
    let hits = server.hits();
    let named_next =
        |events: &[serde_json::Value]| events.iter().filter(|e| e["message"] == "Next poll scheduled.").count();
    wait_until(Duration::from_secs(10), "the last poll's next instant", || named_next(&daemon.events()) >= hits).await;
    let (code, metrics) = tokio::task::spawn_blocking(move || http_get(&addr, "/metrics")).await.unwrap();
    let events = daemon.events();
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");

    let reloads: Vec<_> = events.iter().filter(|e| e["event.action"] == "config_reload").collect();
    let refused = reloads.iter().filter(|e| e["event.outcome"] == "failure").count();
    assert_eq!((reloads.len(), refused), (100, 50), "every SIGHUP handled, every bad config refused");
    for r in reloads.iter().filter(|e| e["event.outcome"] == "failure") {
        let why = r["error"].as_str().unwrap();
        assert!(why.contains("bogus_key"), "the refusal names the problem: {why}");
    }
    assert!(events.iter().all(|e| e["event.action"] != "start" || e["feeds"] == 1));
    assert_eq!(events.iter().filter(|e| e["event.action"] == "start").count(), 1, "no restart");

    let seen = server.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|s| s.path == "/feed"), "no bad config ever took effect");
    // The first poll is the start-up catch-up; from then on the feed task names the
    // instant of each next poll. Across the reloads those instants run on the two-second
    // grid with none skipped (a gap of 4 s) and none repeated (a gap of 0), and each
    // one that came due was polled once: counts of the schedule, not of the wall clock.
    let scheduled: Vec<chrono::DateTime<chrono::Utc>> = events
        .iter()
        .filter(|e| e["message"] == "Next poll scheduled.")
        .map(|e| {
            let at = e["next"].as_str().expect("next");
            chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S UTC").expect(at).and_utc()
        })
        .collect();
    let steps: Vec<i64> = scheduled.windows(2).map(|w| (w[1] - w[0]).num_milliseconds()).collect();
    println!("{} polls; {} scheduled; steps {steps:?}", seen.len(), scheduled.len());
    assert!(steps.len() >= 3, "too few polls to judge: {steps:?}");
    assert!(steps.iter().all(|ms| *ms == 2000), "a poll was missed or repeated: {steps:?}");
    let due = scheduled.len() - 1;
    assert!((due..=due + 1).contains(&(seen.len() - 1)), "{} polls for {due} due instants", seen.len() - 1);

    assert_eq!(code, 200);
    let samples = parse_metrics(&metrics);
    assert_eq!(value(&samples, "borderwatch_config_reloads_total", &[("outcome", "success")]), Some(50.0));
    assert_eq!(value(&samples, "borderwatch_config_reloads_total", &[("outcome", "failure")]), Some(50.0));
    assert_eq!(value(&samples, "borderwatch_config_last_reload_successful", &[]), Some(0.0), "the last was bad");
    assert_eq!(value(&samples, "borderwatch_feed_up", &[("feed", "f")]), Some(1.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_flips_while_the_store_cannot_be_written_and_metrics_and_status_answer() {
    let server = Server::start(|_| Reply::ok(native(&[("torkham", "closed", Some("2030-01-01"))]))).await;
    let failing = Server::start(|_| Reply::status(500, "down")).await;
    let dir = tempdir();
    let path = dir.path().join("borderwatch.toml");
    let mut text = config(&server.url("/feed"), "[\"7d\"]", false);
    text.push_str(&format!(
        "\n[[feed]]\nid = \"down\"\nformat = \"borderwatch-json\"\n{}\nschedule = \"* * * * * *\"\ntimeout = \"2s\"\n",
        loopback_source(&failing.url("/"))
    ));
    std::fs::write(&path, text).unwrap();
    let mut daemon = Running::start(&path, &[]);
    let addr = daemon.listen_addr().await;
    let get = |p: &'static str| {
        let a = addr.clone();
        async move { tokio::task::spawn_blocking(move || http_get(&a, p)).await.unwrap() }
    };
    wait_until(Duration::from_secs(10), "the baseline", || {
        daemon.events().iter().any(|e| e["event.action"] == "poll" && e["borderwatch.feed.id"] == "f")
    })
    .await;
    assert_eq!(get("/healthz").await, (200, "ok\n".to_string()));

    let (code, body) = get("/api/status").await;
    assert_eq!(code, 200);
    let records: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(records.len(), 1, "{body}");
    assert_eq!((records[0]["crossing"].as_str(), records[0]["status"].as_str()), (Some("torkham"), Some("closed")));

    // Another process takes the write lock: the daemon cannot write its state.
    let holder = rusqlite::Connection::open(dir.path().join("state.db")).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (code, body) = get("/healthz").await;
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("state.db cannot be written") && body.contains("locked"), "{body}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(get("/healthz").await, (200, "ok\n".to_string()), "healthy again once the lock is gone");

    wait_until(Duration::from_secs(10), "two failed polls of the down feed", || {
        daemon.events().iter().filter(|e| e["borderwatch.feed.id"] == "down" && e["event.outcome"] == "failure").count()
            >= 2
    })
    .await;
    let (code, metrics) = get("/metrics").await;
    assert_eq!(code, 200);
    let samples = parse_metrics(&metrics);
    assert_eq!(value(&samples, "borderwatch_feed_up", &[("feed", "f")]), Some(1.0));
    assert_eq!(value(&samples, "borderwatch_feed_up", &[("feed", "down")]), Some(0.0));
    assert_eq!(value(&samples, "borderwatch_feed_records", &[("feed", "f")]), Some(1.0));
    assert_eq!(value(&samples, "borderwatch_feed_records", &[("feed", "down")]), Some(0.0));
    let errors = value(&samples, "borderwatch_fetch_errors_total", &[("feed", "down"), ("reason", "status")]);
    assert!(errors.is_some_and(|n| n >= 2.0), "{metrics}");
    let last = value(&samples, "borderwatch_feed_last_success_timestamp_seconds", &[("feed", "f")]).unwrap();
    assert!((chrono::Utc::now().timestamp() as f64 - last).abs() < 60.0, "{last}");
    assert_eq!(value(&samples, "borderwatch_config_last_reload_successful", &[]), Some(1.0));
    assert!(value(&samples, "borderwatch_alerts_pending", &[("sink", "log")]).is_some(), "{metrics}");
    assert!(daemon.stop().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_of_a_whole_daemon_run_keeps_the_log_contract() {
    let hostile = r#"{"records":[{"crossing":"torkham","status":"open"},
        {"name":"Evil\nLine \u001b[31mRed\u001b[0m \"q\"","status":"closed"}]}"#;
    let server = Server::sequence(vec![
        Reply::ok(native(&[("torkham", "open", None)])),
        Reply::ok(hostile),
        Reply::status(500, "down"),
        Reply::ok(hostile),
    ])
    .await;
    let dir = tempdir();
    let path = dir.path().join("borderwatch.toml");
    std::fs::write(&path, config(&server.url("/feed"), "[\"7d\"]", false).replace("*/2 * * * * *", "* * * * * *"))
        .unwrap();
    let mut daemon = Running::start(&path, &[("RUST_LOG", OsStr::new("debug"))]);
    wait_until(Duration::from_secs(15), "four polls", || server.hits() >= 4).await;
    std::fs::write(&path, "[daemon]\nnot toml at all").unwrap();
    daemon.signal(libc::SIGHUP);
    wait_until(Duration::from_secs(10), "the refused reload", || daemon.count("config_reload") == 1).await;
    assert!(daemon.stop().success());

    let lines = daemon.lines();
    let allowed = [
        "start",
        "poll",
        "record_changed",
        "alert",
        "alert_delivery_failed",
        "desktop_unavailable",
        "config_reload",
        "shutdown",
        "stop",
    ];
    let mut actions = std::collections::BTreeSet::new();
    for l in &lines {
        assert!(l.len() <= 16 * 1024, "over 16 KiB: {} bytes", l.len());
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object ({e}): {l}"));
        for key in ["@timestamp", "log.level", "message"] {
            assert!(v.get(key).is_some(), "{key} missing: {l}");
        }
        if let Some(a) = v.get("event.action") {
            let a = a.as_str().expect("a string");
            assert!(allowed.contains(&a), "{a} is not in the vocabulary: {l}");
            actions.insert(a.to_string());
        }
    }
    for a in ["start", "poll", "record_changed", "alert", "config_reload", "stop"] {
        assert!(actions.contains(a), "{a} missing from {actions:?}");
    }
    let hostile_lines: Vec<&String> = lines.iter().filter(|l| l.contains("Evil")).collect();
    assert_eq!(hostile_lines.len(), 1, "the hostile name reaches one line, its alert: {hostile_lines:#?}");
    assert!(hostile_lines[0].contains(r"Evil\nLine \u001b[31mRed"), "escaped: {}", hostile_lines[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_within_a_bound_even_when_a_sink_hangs_and_keeps_what_was_not_delivered() {
    let hook = Server::start(|_| Reply::ok("").delayed(Duration::from_secs(60))).await;
    let dir = tempdir();
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "open", Some("2020-01-01"))])).unwrap();
    let path = dir.path().join("borderwatch.toml");
    std::fs::write(
        &path,
        format!(
            "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\n\
             schedule = \"0 0 1 1 *\"\n\n[[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\ntimeout = \"50s\"\n\
             allow_http = true\nallow_local = true\n",
            hook.url("/hook")
        ),
    )
    .unwrap();
    let mut daemon = Running::start(&path, &[]);
    wait_until(Duration::from_secs(10), "the expired alert in the log", || daemon.count("alert") >= 1).await;
    wait_until(Duration::from_secs(10), "the webhook attempt", || hook.hits() >= 1).await;
    let asked = std::time::Instant::now();
    let status = daemon.stop();
    let took = asked.elapsed();
    println!("stopped {took:?} after SIGTERM with a webhook hanging for 60 s");
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(8), "the stop waited {took:?}: the final round is bounded at 5 s");
    let store = borderwatch::store::Store::open(&dir.path().join("state.db"), chrono::Utc::now()).unwrap();
    assert_eq!(store.pending("ops").unwrap().len(), 1, "the undelivered alert stays queued for the next start");
}
