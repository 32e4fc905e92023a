//! Confidence gates the expiry ladder: a news item whose end was read with low
//! confidence fires one `needs_review` and no ladder step, across polls and restarts,
//! and `status` marks its date; a stated end still gets the ladder.

use crate::helpers::{bin, json_lines, loopback_source, stderr, stdout, tempdir, Reply, Server};

/// Torkham's end stands in its status clause (high); Chaman's is stated in a sentence
/// that names the crossing only as "the crossing" (low).
const ITEMS: [&str; 2] = [
    "The Torkham border crossing was temporarily reopened until April 15.",
    "The Chaman crossing was closed on Friday. The crossing will remain closed until 20 April, officials said.",
];

fn news_rss() -> String {
    let items: String = ITEMS
        .iter()
        .enumerate()
        .map(|(i, text)| {
            format!(
                "<item><title>Border update {i}</title><link>https://news.example/{i}</link>\
                 <pubDate>Mon, 24 Mar 2025 08:00:00 GMT</pubDate><description>{text}</description></item>\n"
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>news</title>\n{items}</channel></rss>\n")
}

fn config(dir: &std::path::Path, url: &str, alerts: &str) -> String {
    let text = format!(
        "[daemon]\nstate = \"state.db\"\n\n[alerts]\n{alerts}\n\n[[feed]]\nid = \"news\"\nformat = \"rss\"\n{}\n\
         schedule = \"0 0 1 1 *\"\ntimeout = \"5s\"\n",
        loopback_source(url)
    );
    std::fs::write(dir.join("borderwatch.toml"), text).unwrap();
    "borderwatch.toml".to_string()
}

/// `check --json` at `now`: the keys of the new alerts.
fn check(dir: &std::path::Path, cfg: &str, now: &str) -> Vec<String> {
    let out = bin(dir, &["check", "--config", cfg, "--now", now, "--json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    json_lines(&out).iter().filter_map(|l| l.get("key").and_then(|k| k.as_str()).map(String::from)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_low_end_fires_one_needs_review_and_no_ladder_while_a_high_end_keeps_its_ladder() {
    let body = news_rss();
    let server = Server::start(move |_| Reply::ok(body.clone())).await;
    let dir = tempdir();
    let cfg = config(dir.path(), &server.url("/news.xml"), "");

    // Chaman's 7-day step (13 Apr, 19:00 UTC) has passed as well as Torkham's 3-day one.
    let first = check(dir.path(), &cfg, "2025-04-14T12:00:00Z");
    assert_eq!(first, ["expiry:torkham:2025-04-15:3d", "needs_review:chaman:2025-04-20"], "{first:?}");
    let out = bin(dir.path(), &["check", "--config", &cfg, "--now", "2025-04-14T12:00:00Z", "--json"]);
    assert!(json_lines(&out).iter().all(|l| l.get("alert").is_none()), "the same poll again: nothing new");

    // Each `check` is a new process: the ledger in the state file keeps the review once.
    let later = check(dir.path(), &cfg, "2025-04-18T12:00:00Z");
    assert_eq!(later, ["expired:torkham:2025-04-15"], "Chaman's 1-day step does not fire either: {later:?}");

    let status = bin(dir.path(), &["status", "--config", &cfg, "--now", "2025-04-18T12:00:00Z"]);
    let table = stdout(&status);
    let row = |name: &str| table.lines().find(|l| l.contains(name)).unwrap_or_default().to_string();
    assert!(row("Chaman").contains("2025-04-20?"), "{table}");
    assert!(row("Torkham").contains("2025-04-15") && !row("Torkham").contains("2025-04-15?"), "{table}");
    let json = json_lines(&bin(dir.path(), &["status", "--config", &cfg, "--json"]));
    let confidence = |c: &str| json.iter().find(|r| r["crossing"] == c).map(|r| r["confidence"].clone());
    assert_eq!(confidence("chaman"), Some("low".into()));
    assert_eq!(confidence("torkham"), Some("high".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arm_expiry_low_gives_every_end_the_ladder_and_asks_for_no_review() {
    let body = news_rss();
    let server = Server::start(move |_| Reply::ok(body.clone())).await;
    let dir = tempdir();
    let cfg = config(dir.path(), &server.url("/news.xml"), "arm_expiry = \"low\"");
    let keys = check(dir.path(), &cfg, "2025-04-14T12:00:00Z");
    assert_eq!(keys, ["expiry:chaman:2025-04-20:7d", "expiry:torkham:2025-04-15:3d"], "{keys:?}");
}
