//! Acknowledge and snooze: `ack torkham --for 24h` holds the next expiry-ladder step
//! (recorded and shown as held, not sent), a status change of Torkham still fires and
//! ends the ack, and after the 24 hours the ladder's steps are sent again. Time moves by
//! `--now`; deliveries go to a real loopback webhook.

use std::path::Path;
use std::process::Output;

use crate::helpers::{json_lines, native, stderr, stdout, tempdir, Reply, Server};

/// The binary in `dir` with `args`, as user `alice`, logging JSON.
fn run(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .args(["--config", "bw.toml", "--log-format", "json"])
        .current_dir(dir)
        .env("USER", "alice")
        .env("RUST_LOG", "info")
        .output()
        .unwrap()
}

fn check(dir: &Path, now: &str) -> Output {
    let o = run(dir, &["check", "--now", now]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "check at {now}: {}", stderr(&o));
    o
}

/// The `Idempotency-Key` of every delivery so far.
fn delivered(hook: &Server) -> Vec<String> {
    hook.seen.lock().unwrap().iter().filter_map(|s| s.header("idempotency-key").map(str::to_string)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_holds_the_next_ladder_step_a_status_change_breaks_through_and_reminders_resume() {
    let hook = Server::start(|_| Reply::ok("")).await;
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(
        d.join("bw.toml"),
        format!(
            "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"news\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\n\
             schedule = \"0 0 1 1 *\"\n[[sink]]\nkind = \"webhook\"\nid = \"ops\"\nurl = \"{}\"\nallow_http = true\n\
             allow_local = true\n",
            hook.url("/hook")
        ),
    )
    .unwrap();
    let feed = |status: &str| {
        std::fs::write(
            d.join("feed.json"),
            native(&[("torkham", status, Some("2025-04-15")), ("chaman", "open", None)]),
        )
        .unwrap();
    };
    feed("open");
    check(d, "2025-04-01T00:00:00Z");

    // Acknowledged for a day, seven hours before the 7-day step (2025-04-08 19:00 UTC).
    let ack = run(
        d,
        &["ack", "torkham", "--for", "24h", "--reason", "customs note expected", "--now", "2025-04-08T12:00:00Z"],
    );
    assert_eq!(ack.status.code(), Some(0), "{}", stderr(&ack));
    assert!(stdout(&ack).contains("Acknowledged Torkham until 2025-04-09 12:00 UTC"), "{}", stdout(&ack));
    assert!(stderr(&ack).contains(r#""event.action":"ack""#), "the log shows the ack: {}", stderr(&ack));

    let step = check(d, "2025-04-08T19:00:00Z");
    assert!(delivered(&hook).is_empty(), "the 7-day step is held: {:?}", delivered(&hook));
    let held: Vec<serde_json::Value> = stderr(&step)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &serde_json::Value| e["event.action"] == "alert_held")
        .collect();
    assert_eq!(held.len(), 1, "{}", stderr(&step));
    assert_eq!(held[0]["borderwatch.alert.key"], "expiry:torkham:2025-04-15:7d");
    assert_eq!(held[0]["borderwatch.ack.by"], "alice");
    assert_eq!(held[0]["borderwatch.ack.reason"], "customs note expected");
    assert_eq!(held[0]["borderwatch.ack.until"], "2025-04-09T12:00:00Z");

    let text = stdout(&run(d, &["status", "--now", "2025-04-08T20:00:00Z"]));
    assert!(text.contains("crossing torkham by alice until 2025-04-09 12:00 UTC: customs note expected"), "{text}");
    assert!(
        text.contains("held 2025-04-08 19:00 UTC: Torkham: open until 15 Apr 2025 (Asia/Karachi) — 7 days left"),
        "{text}"
    );
    let records = json_lines(&run(d, &["status", "--now", "2025-04-08T20:00:00Z", "--json"]));
    let torkham = records.iter().find(|r| r["crossing"] == "torkham").unwrap();
    assert_eq!(torkham["ack"]["by"], "alice");
    assert_eq!(torkham["ack"]["until"], "2025-04-09T12:00:00Z");
    assert_eq!(torkham["ack"]["held"], serde_json::json!(["expiry:torkham:2025-04-15:7d"]));
    assert!(records.iter().find(|r| r["crossing"] == "chaman").unwrap().get("ack").is_none());

    // A day later the ack has ended: the 3-day step is sent, and the held one is not.
    check(d, "2025-04-12T19:00:00Z");
    assert_eq!(delivered(&hook), ["expiry:torkham:2025-04-15:3d"]);
    let text = stdout(&run(d, &["status", "--now", "2025-04-12T20:00:00Z"]));
    assert!(!text.contains("Acknowledged"), "{text}");

    // Acknowledged again for two days; a status change still fires, and ends the ack, so
    // the 1-day step inside those two days is sent.
    let again = run(d, &["ack", "torkham", "--for", "48h", "--now", "2025-04-13T00:00:00Z"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    feed("restricted");
    check(d, "2025-04-13T06:00:00Z");
    let keys = delivered(&hook);
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys[1].starts_with("status:torkham:news:restricted:"), "{keys:?}");
    check(d, "2025-04-14T19:00:00Z");
    assert_eq!(delivered(&hook)[2..], ["expiry:torkham:2025-04-15:1d"]);
}

#[test]
fn ack_and_unack_name_a_known_crossing_or_route_and_take_a_real_duration() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(
        d.join("bw.toml"),
        "[daemon]\nstate = \"s.db\"\n[[route]]\nid = \"karachi-kabul\"\nname = \"Karachi–Kabul\"\n\
         crossings = [\"torkham\", \"chaman\"]\n",
    )
    .unwrap();
    let unknown = run(d, &["ack", "nowhere-land"]);
    assert_eq!(unknown.status.code(), Some(64), "bad usage: {}", stderr(&unknown));
    assert!(
        stderr(&unknown).contains("no crossing or route `nowhere-land` (routes: karachi-kabul;"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(run(d, &["unack", "nowhere-land"]).status.code(), Some(64));
    let zero = run(d, &["ack", "torkham", "--for", "0s"]);
    assert_eq!(zero.status.code(), Some(64));
    assert!(stderr(&zero).contains("--for: `0s` is no time"), "{}", stderr(&zero));

    let route = run(d, &["ack", "karachi-kabul", "--now", "2025-04-01T00:00:00Z"]);
    assert_eq!(route.status.code(), Some(0), "{}", stderr(&route));
    assert!(stdout(&route).contains("Acknowledged route Karachi–Kabul until its status changes"), "{}", stdout(&route));
    let by_name = run(d, &["ack", "Torkham Gate", "--for", "2h"]);
    assert!(
        stdout(&by_name).contains("Acknowledged Torkham until"),
        "an alias names the crossing: {}",
        stdout(&by_name)
    );
    let status = stdout(&run(d, &["status", "--now", "2025-04-01T01:00:00Z"]));
    assert!(status.contains("route karachi-kabul by alice until its status changes"), "{status}");

    let removed = run(d, &["unack", "karachi-kabul"]);
    assert!(stdout(&removed).contains("Removed the acknowledgement of route Karachi–Kabul"), "{}", stdout(&removed));
    assert!(stderr(&removed).contains(r#""event.action":"unack""#));
    let again = run(d, &["unack", "karachi-kabul"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("route Karachi–Kabul was not acknowledged"), "{}", stdout(&again));
}

#[test]
fn an_ack_without_for_holds_reminders_of_a_lasting_closure_until_unack() {
    let dir = tempdir();
    let d = dir.path();
    std::fs::write(
        d.join("bw.toml"),
        "[daemon]\nstate = \"s.db\"\n[alerts]\nrepeat_closed = \"24h\"\n[[feed]]\nid = \"news\"\n\
         format = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"0 0 1 1 *\"\n",
    )
    .unwrap();
    std::fs::write(d.join("feed.json"), native(&[("torkham", "closed", None)])).unwrap();
    let keys = |now: &str| -> Vec<String> {
        let o = run(d, &["check", "--now", now, "--json"]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "check at {now}: {}", stderr(&o));
        json_lines(&o).iter().filter_map(|l| l["key"].as_str().map(str::to_string)).collect()
    };
    assert!(keys("2025-03-24T00:00:00Z").is_empty(), "baseline");
    let ack = run(d, &["ack", "torkham", "--now", "2025-03-24T01:00:00Z"]);
    assert!(stdout(&ack).contains("Acknowledged Torkham until its status changes"), "{}", stdout(&ack));
    assert!(keys("2025-03-25T00:00:00Z").is_empty(), "the first reminder is held");
    let text = stdout(&run(d, &["status", "--now", "2025-03-25T01:00:00Z"]));
    assert!(text.contains("held 2025-03-25 00:00 UTC: Torkham: still closed, for 1 day"), "{text}");
    assert!(keys("2025-03-26T00:00:00Z").is_empty(), "and the second: no end but a status change");
    assert!(stdout(&run(d, &["unack", "torkham"])).contains("Removed the acknowledgement of Torkham"));
    assert_eq!(keys("2025-03-27T00:00:00Z"), ["repeat:torkham:news:2025-03-24T00:00:00Z:3"], "reminders resume");
}
