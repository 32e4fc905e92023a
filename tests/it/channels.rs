//! The ntfy and telegram sinks against loopback servers that answer as ntfy's publish API
//! and Telegram's Bot API `sendMessage` do: method, path, headers and body as documented,
//! hostile feed text (`<b>`, `&`, U+202E) delivered as text, a refusal retried through the
//! outbox (a 429's `retry_after` respected) and delivered once, tokens never in the log or
//! the state.

use std::path::Path;
use std::time::Duration;

use borderwatch::store::Store;

use crate::helpers::{bin, native, stdout, tempdir, wait_until, Reply, Running, Server};

const NTFY_TOKEN: &str = "tk_CANARY-ntfy-5e2a";
const BOT_TOKEN: &str = "123456:CANARY-bot-9c1f";
const HOSTILE_NAME: &str = "Tor<kham> & co";
const HOSTILE_MESSAGE: &str = "<b>closed</b> & \u{202E}nepo";

/// A config with a quiet feed (nothing changes) and `sinks`, in `dir`.
pub(crate) fn config(dir: &Path, sinks: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("feed.json"), native(&[("torkham", "open", Some("2030-04-15"))])).unwrap();
    let cfg = format!(
        "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"afpak\"\nformat = \"borderwatch-json\"\n\
         path = \"feed.json\"\nschedule = \"0 0 1 1 *\"\n\n{sinks}"
    );
    let p = dir.join("borderwatch.toml");
    std::fs::write(&p, cfg).unwrap();
    p
}

fn ntfy_sink(url: &str) -> String {
    format!(
        "[[sink]]\nkind = \"ntfy\"\nurl = \"{url}\"\ntoken_file = \"ntfy.token\"\ntimeout = \"5s\"\n\
         allow_http = true\nallow_local = true\n"
    )
}

fn telegram_sink(api: &str) -> String {
    format!(
        "[[sink]]\nkind = \"telegram\"\napi_url = \"{api}\"\nchat_id = \"-100123\"\ntoken_file = \"bot.token\"\n\
         timeout = \"5s\"\nallow_http = true\nallow_local = true\n"
    )
}

/// Puts one critical alert with hostile text in the outbox of the state at `state`.
pub(crate) fn queue_hostile_alert(state: &Path) -> String {
    let key = "status:torkham:afpak:closed:test".to_string();
    let alert: borderwatch::model::Alert = serde_json::from_value(serde_json::json!({
        "alert": "status_changed", "severity": "critical", "crossing": "torkham", "name": HOSTILE_NAME,
        "key": key, "at": borderwatch::model::format_instant(&chrono::Utc::now()), "late": false,
        "message": HOSTILE_MESSAGE, "record": null, "previous": null
    }))
    .unwrap();
    Store::open(state, chrono::Utc::now()).unwrap().queue_alerts(&[alert]).unwrap();
    key
}

pub(crate) fn delivered(state: &Path, sink: &'static str) -> impl Fn() -> bool {
    let state = state.to_path_buf();
    move || Store::open(&state, chrono::Utc::now()).is_ok_and(|s| s.pending(sink).is_ok_and(|p| p.is_empty()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ntfy_gets_a_plain_text_post_with_title_priority_tags_and_token_and_a_429_is_retried_after_its_retry_after() {
    let server = Server::sequence(vec![
        Reply::status(429, r#"{"code":42901,"http":429,"error":"limit reached"}"#).header("Retry-After", "2"),
        Reply::ok(r#"{"id":"x1","event":"message"}"#),
    ])
    .await;
    let dir = tempdir();
    std::fs::write(dir.path().join("ntfy.token"), format!("{NTFY_TOKEN}\n")).unwrap();
    let cfg = config(dir.path(), &ntfy_sink(&server.url("/borderwatch-alerts")));
    queue_hostile_alert(&dir.path().join("state.db"));
    let mut daemon = Running::start(&cfg, &[]);
    wait_until(Duration::from_secs(30), "the ntfy delivery", delivered(&dir.path().join("state.db"), "ntfy")).await;
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");

    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one refused, one accepted, none after: {seen:?}");
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(2), "retried no sooner than Retry-After");
    for req in &seen {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/borderwatch-alerts");
        assert_eq!(req.header("title"), Some("borderwatch: Tor<kham> & co"));
        assert_eq!(req.header("priority"), Some("5"), "critical is ntfy's urgent");
        assert_eq!(req.header("tags"), Some("status_changed"));
        assert_eq!(req.header("authorization"), Some(format!("Bearer {NTFY_TOKEN}").as_str()));
        assert!(req.header("content-type").is_some_and(|c| c.starts_with("text/plain")));
        assert_eq!(String::from_utf8(req.body.clone()).unwrap(), HOSTILE_MESSAGE, "plain text, as written");
    }
    let log = daemon.lines().join("\n");
    assert!(log.contains("answered 429"), "the refusal is logged:\n{log}");
    assert!(!log.contains(NTFY_TOKEN), "the token is not logged:\n{log}");
    assert_no_canary_in_state(dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_gets_escaped_html_and_a_429_is_retried_after_its_retry_after_and_delivered_once() {
    let server = Server::sequence(vec![
        Reply::status(
            429,
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 2","parameters":{"retry_after":2}}"#,
        )
        .header("Content-Type", "application/json"),
        Reply::ok(r#"{"ok":true,"result":{"message_id":7}}"#).header("Content-Type", "application/json"),
    ])
    .await;
    let dir = tempdir();
    // The token comes from systemd's credentials folder, not the config's.
    let creds = dir.path().join("credentials");
    std::fs::create_dir(&creds).unwrap();
    std::fs::write(creds.join("bot.token"), format!("{BOT_TOKEN}\n")).unwrap();
    let cfg = config(dir.path(), &telegram_sink(&server.url("")));
    queue_hostile_alert(&dir.path().join("state.db"));
    let mut daemon = Running::start(&cfg, &[("CREDENTIALS_DIRECTORY", creds.as_os_str())]);
    wait_until(Duration::from_secs(30), "the telegram delivery", delivered(&dir.path().join("state.db"), "telegram"))
        .await;
    let status = daemon.stop();
    assert!(status.success(), "{status:?}");

    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "the 429, then the one delivery, no duplicate: {seen:?}");
    // A lower bound only (the retry is never early, however slow the machine); 2 s is
    // past the first backoff step (at most 1.25 s), so it is retry_after that holds it.
    assert!(seen[1].at - seen[0].at >= Duration::from_secs(2), "retried no sooner than retry_after");
    for req in &seen {
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, format!("/bot{BOT_TOKEN}/sendMessage"));
        assert!(req.header("content-type").is_some_and(|c| c.starts_with("application/json")));
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["chat_id"], "-100123");
        assert_eq!(body["parse_mode"], "HTML");
        assert_eq!(body["disable_web_page_preview"], true);
        assert_eq!(
            body["text"], "<b>borderwatch: Tor&lt;kham&gt; &amp; co</b>\n&lt;b&gt;closed&lt;/b&gt; &amp; \u{202E}nepo",
            "feed text escaped, U+202E kept as text"
        );
    }
    let log = daemon.lines().join("\n");
    assert!(log.contains("answered 429"), "the refusal is logged:\n{log}");
    assert!(!log.contains(BOT_TOKEN) && !log.contains("CANARY-bot"), "the token is not logged:\n{log}");
    assert_no_canary_in_state(dir.path());
}

/// No canary secret (tokens, passwords) is in the state files (the database and its WAL).
pub(crate) fn assert_no_canary_in_state(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("state.db") {
            let bytes = std::fs::read(&p).unwrap();
            assert!(!bytes.windows(6).any(|w| w == b"CANARY"), "a token in {}", p.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_test_reports_ntfy_and_telegram_and_never_shows_the_tokens() {
    let ntfy = Server::sequence(vec![Reply::ok("{}")]).await;
    let telegram = Server::sequence(vec![Reply::ok(r#"{"ok":true,"result":{}}"#)]).await;
    let dir = tempdir();
    std::fs::write(dir.path().join("ntfy.token"), NTFY_TOKEN).unwrap();
    std::fs::write(dir.path().join("bot.token"), BOT_TOKEN).unwrap();
    let sinks = ntfy_sink(&ntfy.url("/t")) + "\n" + &telegram_sink(&telegram.url("/"));
    let cfg = config(dir.path(), &sinks);
    let run = |cfg: std::path::PathBuf| {
        let d = dir.path().to_path_buf();
        tokio::task::spawn_blocking(move || bin(&d, &["notify-test", "--config", cfg.to_str().unwrap()]))
    };
    let out = run(cfg.clone()).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "log: ok\nntfy: ok\ntelegram: ok\n");
    assert_eq!((ntfy.hits(), telegram.hits()), (1, 1));
    assert_eq!(telegram.seen.lock().unwrap()[0].path, format!("/bot{BOT_TOKEN}/sendMessage"));

    ntfy.respond(|_| Reply::status(403, r#"{"code":40301,"error":"forbidden"}"#));
    telegram.respond(|_| Reply::status(401, r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#));
    let out = run(cfg).await.unwrap();
    let said = stdout(&out) + &crate::helpers::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("ntfy: FAILED: POST http://127.0.0.1:") && said.contains("answered 403"), "{said}");
    assert!(said.contains("telegram: FAILED: sendMessage to http://127.0.0.1:"), "{said}");
    assert!(said.contains("answered 401: Unauthorized"), "{said}");
    assert!(!said.contains("CANARY"), "no token in the output:\n{said}");
}
