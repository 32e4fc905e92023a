//! Digests: a sink with `digest = "10m"` gathers the alerts that come due in the window
//! into one delivery — one webhook POST carrying them all, one desktop notification on a
//! real notification server — while a critical alert goes at once; and a SIGKILL in the
//! middle of a window loses none and repeats none. Time moves by `check --now`, or, for
//! the daemon, by the wall clock with a short window.

use std::path::Path;
use std::time::Duration;

use borderwatch::model::AlertKind;
use borderwatch::store::Store;
use chrono::{DateTime, Utc};

use crate::helpers::{loopback_source, native, tempdir, wait_until, Reply, Running, Server};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Writes a config with a file feed `feed.json` and the `sink` section.
fn config(dir: &Path, sink: &str) {
    std::fs::write(
        dir.join("bw.toml"),
        format!(
            "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\n\
             schedule = \"0 0 1 1 *\"\n{sink}"
        ),
    )
    .unwrap();
}

/// One `check` at `at` with the feed saying `records`.
fn check_at(dir: &Path, at: DateTime<Utc>, records: &[(&str, &str, Option<&str>)], env: &[(&str, &str)]) {
    std::fs::write(dir.join("feed.json"), native(records)).unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"));
    cmd.args(["check", "--config", "bw.toml", "--now", &at.to_rfc3339()]).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "check at {at}: {}", String::from_utf8_lossy(&o.stderr));
}

/// A baseline a minute before `t0`, then twelve status changes of Torkham (open ⇄
/// restricted: none critical) fifteen seconds apart, the last at `t0` + 2 min 45 s.
fn twelve_changes(dir: &Path, t0: DateTime<Utc>, env: &[(&str, &str)]) {
    check_at(dir, t0 - chrono::Duration::minutes(1), &[("torkham", "open", None), ("chaman", "open", None)], env);
    for i in 0..12 {
        let status = if i % 2 == 0 { "restricted" } else { "open" };
        check_at(
            dir,
            t0 + chrono::Duration::seconds(15 * i),
            &[("torkham", status, None), ("chaman", "open", None)],
            env,
        );
    }
}

fn pending(dir: &Path, sink: &str) -> usize {
    Store::open(&dir.join("s.db"), Utc::now()).unwrap().pending(sink).unwrap().len()
}

/// The keys of the alerts in one webhook body.
fn keys_in(body: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    v["alerts"].as_array().unwrap().iter().map(|a| a["borderwatch"]["key"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_changes_in_three_minutes_are_one_webhook_post_and_a_critical_alert_goes_at_once() {
    let hook = Server::start(|_| Reply::ok("")).await;
    let dir = tempdir();
    let d = dir.path();
    config(
        d,
        &format!(
            "[[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\nallow_http = true\nallow_local = true\ndigest = \"10m\"\n",
            hook.url("/hook")
        ),
    );
    let t0 = t("2025-04-01T08:00:00Z");
    let d2 = d.to_path_buf();
    tokio::task::spawn_blocking(move || twelve_changes(&d2, t0, &[])).await.unwrap();
    assert_eq!(hook.hits(), 0, "nothing is sent inside the window");
    assert_eq!(pending(d, "ops"), 12);

    // A closure inside the window is critical: it goes at once, alone.
    let d2 = d.to_path_buf();
    tokio::task::spawn_blocking(move || {
        check_at(&d2, t0 + chrono::Duration::minutes(3), &[("torkham", "open", None), ("chaman", "closed", None)], &[]);
        check_at(
            &d2,
            t0 + chrono::Duration::seconds(599),
            &[("torkham", "open", None), ("chaman", "closed", None)],
            &[],
        );
    })
    .await
    .unwrap();
    {
        let seen = hook.seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "only the critical alert before the window ends");
        let keys = keys_in(&seen[0].body);
        assert_eq!(keys.len(), 1);
        assert!(keys[0].starts_with("status:chaman:f:closed:"), "{keys:?}");
        assert_eq!(seen[0].header("idempotency-key"), Some(keys[0].as_str()));
    }

    let d2 = d.to_path_buf();
    tokio::task::spawn_blocking(move || {
        check_at(
            &d2,
            t0 + chrono::Duration::minutes(10),
            &[("torkham", "open", None), ("chaman", "closed", None)],
            &[],
        );
        check_at(
            &d2,
            t0 + chrono::Duration::minutes(30),
            &[("torkham", "open", None), ("chaman", "closed", None)],
            &[],
        );
    })
    .await
    .unwrap();
    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one POST for the digest, nothing after it");
    let store = Store::open(&d.join("s.db"), Utc::now()).unwrap();
    let torkham: Vec<String> = store
        .alerts()
        .unwrap()
        .into_iter()
        .filter(|a| a.alert == AlertKind::StatusChanged && a.crossing.as_deref() == Some("torkham"))
        .map(|a| a.key)
        .collect();
    assert_eq!(torkham.len(), 12);
    assert_eq!(keys_in(&seen[1].body), torkham, "the digest carries the twelve alerts, oldest first");
    assert!(seen[1].header("idempotency-key").is_some_and(|k| k.starts_with("digest:")));
    assert_eq!(pending(d, "ops"), 0);
}

#[test]
fn twelve_changes_in_three_minutes_are_one_desktop_notification() {
    let Some(server) = crate::desktop::notification_server() else { return };
    let dir = tempdir();
    let d = dir.path();
    config(d, "[[sink]]\nkind = \"desktop\"\ndigest = \"10m\"\n");
    let env = [("DBUS_SESSION_BUS_ADDRESS", server.address.as_str())];
    let t0 = t("2025-04-01T08:00:00Z");
    twelve_changes(d, t0, &env);
    check_at(d, t0 + chrono::Duration::minutes(3), &[("torkham", "open", None), ("chaman", "open", None)], &env);
    assert_eq!(pending(d, "desktop"), 12, "nothing is shown inside the window");

    // dunst needs a moment to own the notification service; a refused digest stays
    // queued, so check again until it is shown, then twice more.
    let mut printed: Vec<String> = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while pending(d, "desktop") > 0 {
        assert!(std::time::Instant::now() < deadline, "no notification arrived; dunst printed: {printed:#?}");
        check_at(d, t0 + chrono::Duration::minutes(10), &[("torkham", "open", None), ("chaman", "open", None)], &env);
        while let Ok(l) = server.printed.recv_timeout(Duration::from_millis(500)) {
            printed.push(l);
        }
    }
    for _ in 0..2 {
        check_at(d, t0 + chrono::Duration::minutes(11), &[("torkham", "open", None), ("chaman", "open", None)], &env);
    }
    while let Ok(l) = server.printed.recv_timeout(Duration::from_millis(1000)) {
        printed.push(l);
    }
    let summaries: Vec<&String> = printed.iter().filter(|l| l.trim().starts_with("summary:")).collect();
    assert_eq!(summaries.len(), 1, "one notification: {printed:#?}");
    assert_eq!(crate::desktop::field(&printed, "summary").unwrap(), "borderwatch: 12 changes on Torkham");
    let all = printed.join("\n");
    assert!(all.contains("Torkham: restricted (was open)"), "the first change is listed: {all}");
    assert!(all.contains("and 7 more"), "{all}");
    assert!(printed.iter().any(|l| l.trim() == "urgency: NORMAL"), "the worst is a warning: {printed:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_in_the_middle_of_a_digest_window_loses_none_and_repeats_none() {
    // Three crossings flip open ⇄ restricted on polls 1 to 4: twelve changes, then calm.
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n = std::sync::Arc::clone(&served);
    let feed = Server::start(move |_| {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst).min(4);
        let s = if i % 2 == 1 { "restricted" } else { "open" };
        Reply::ok(native(&[("torkham", s, None), ("chaman", s, None), ("wagah", s, None)]))
    })
    .await;
    let hook = Server::start(|_| Reply::ok("")).await;
    let dir = tempdir();
    let state = dir.path().join("state.db");
    let cfg = dir.path().join("borderwatch.toml");
    std::fs::write(
        &cfg,
        format!(
            "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"flip\"\nformat = \"borderwatch-json\"\n{}\nretries = 0\n\
             schedule = \"* * * * * *\"\ntimeout = \"2s\"\n\n\
             [[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\ntimeout = \"2s\"\nallow_http = true\n\
             allow_local = true\ndigest = \"15s\"\n",
            loopback_source(&feed.url("/f")),
            hook.url("/hook")
        ),
    )
    .unwrap();
    let alerts = |state: &Path| -> Vec<String> {
        Store::open(state, Utc::now())
            .map_or_else(|_| Vec::new(), |s| s.alerts().unwrap_or_default().into_iter().map(|a| a.key).collect())
    };
    let mut daemon = Running::start(&cfg, &[]);
    let s2 = state.clone();
    wait_until(Duration::from_secs(20), "twelve alerts in the outbox", || alerts(&s2).len() >= 12).await;
    daemon.signal(libc::SIGKILL);
    let _ = daemon.child.wait();
    assert_eq!(hook.hits(), 0, "killed inside the window: nothing sent yet");
    let keys = alerts(&state);
    assert_eq!(keys.len(), 12, "{keys:?}");
    let oldest = Store::open(&state, Utc::now()).unwrap().alerts().unwrap().iter().map(|a| t(&a.at)).min().unwrap();

    // Down for a while: the window runs on from the stored alerts, not from the restart.
    std::thread::sleep(Duration::from_secs(5));
    let (restarted, restarted_at) = (std::time::Instant::now(), Utc::now());
    let mut daemon = Running::start(&cfg, &[]);
    let s2 = state.clone();
    wait_until(Duration::from_secs(30), "the outbox to drain", || {
        Store::open(&s2, Utc::now()).is_ok_and(|s| s.pending("ops").is_ok_and(|p| p.is_empty()))
    })
    .await;
    assert!(daemon.stop().success());
    let seen = hook.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one digest after the restart");
    let sent = restarted_at + chrono::Duration::from_std(seen[0].at - restarted).unwrap();
    assert!(
        sent < oldest + chrono::Duration::seconds(15 + 4),
        "sent {sent}, due {} (15 s after the oldest alert)",
        oldest + chrono::Duration::seconds(15)
    );
    let mut received = keys_in(&seen[0].body);
    let mut want = keys.clone();
    received.sort();
    want.sort();
    assert_eq!(received, want, "every alert exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ntfy_and_telegram_send_a_digest_as_one_message_with_the_headline_as_title() {
    let ntfy = Server::start(|_| Reply::ok("{}")).await;
    let telegram = Server::start(|_| Reply::ok(r#"{"ok":true,"result":{}}"#)).await;
    let dir = tempdir();
    std::fs::write(dir.path().join("ntfy.token"), "tk_x\n").unwrap();
    std::fs::write(dir.path().join("bot.token"), "1:x\n").unwrap();
    let cfg = crate::channels::config(
        dir.path(),
        &format!(
            "[[sink]]\nkind = \"ntfy\"\nurl = \"{}\"\ntoken_file = \"ntfy.token\"\nallow_http = true\nallow_local = true\n\
             digest = \"10m\"\n[[sink]]\nkind = \"telegram\"\napi_url = \"{}\"\nchat_id = \"-100\"\n\
             token_file = \"bot.token\"\nallow_http = true\nallow_local = true\ndigest = \"10m\"\n",
            ntfy.url("/bw"),
            telegram.url("")
        ),
    );
    let config = borderwatch::config::Config::load(&cfg).unwrap();
    let mut store = Store::open(&config.daemon.state, Utc::now()).unwrap();
    let alerts: Vec<borderwatch::model::Alert> = (0..3)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "alert": "status_changed", "severity": if i == 1 { "warning" } else { "info" },
                "crossing": "torkham", "name": "Torkham", "key": format!("status:torkham:afpak:{i}"),
                "at": format!("2025-04-01T08:0{i}:00Z"), "late": false,
                "message": format!("Torkham: <b>change</b> & {i}"), "record": null, "previous": null
            }))
            .unwrap()
        })
        .collect();
    store.queue_alerts(&alerts).unwrap();
    let store = std::sync::Arc::new(std::sync::Mutex::new(store));
    let sinks = borderwatch::daemon::sinks(&config);
    let health = borderwatch::health::Health::new();
    let at =
        |s: &str| -> borderwatch::clock::SharedClock { std::sync::Arc::new(borderwatch::clock::FixedClock::new(t(s))) };
    let round =
        borderwatch::alert::deliver_pending(&store, &sinks, &at("2025-04-01T08:09:59Z"), &health).await.unwrap();
    assert_eq!((ntfy.hits(), telegram.hits()), (0, 0), "inside the window");
    assert_eq!(round.next_digest, Some(t("2025-04-01T08:10:00Z")), "the dispatcher wakes when the window ends");
    borderwatch::alert::deliver_pending(&store, &sinks, &at("2025-04-01T08:10:00Z"), &health).await.unwrap();
    borderwatch::alert::deliver_pending(&store, &sinks, &at("2025-04-01T08:20:00Z"), &health).await.unwrap();
    assert_eq!((ntfy.hits(), telegram.hits()), (1, 1), "one message each");

    let n = ntfy.seen.lock().unwrap()[0].clone();
    assert_eq!(n.header("title"), Some("borderwatch: 3 changes on Torkham"));
    assert_eq!((n.header("tags"), n.header("priority")), (Some("digest"), Some("4")), "the worst is a warning");
    assert_eq!(
        String::from_utf8(n.body).unwrap(),
        "Torkham: <b>change</b> & 0\nTorkham: <b>change</b> & 1\nTorkham: <b>change</b> & 2"
    );
    let m: serde_json::Value = serde_json::from_slice(&telegram.seen.lock().unwrap()[0].body).unwrap();
    assert_eq!(
        m["text"],
        "<b>borderwatch: 3 changes on Torkham</b>\nTorkham: &lt;b&gt;change&lt;/b&gt; &amp; 0\n\
         Torkham: &lt;b&gt;change&lt;/b&gt; &amp; 1\nTorkham: &lt;b&gt;change&lt;/b&gt; &amp; 2"
    );
}
