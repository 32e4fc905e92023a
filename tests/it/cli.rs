//! The binary as a user runs it: config checks, `check`, `status`, exit codes.

use std::path::Path;

use crate::helpers::{bin, json_lines, native, stderr, stdout, tempdir, write_config};

fn copy_bundled_config(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(to.join("config/feeds")).unwrap();
    std::fs::copy(root.join("config/borderwatch.toml"), to.join("config/borderwatch.toml")).unwrap();
    for f in ["afpak-status.json", "news-sample.xml"] {
        std::fs::copy(root.join("config/feeds").join(f), to.join("config/feeds").join(f)).unwrap();
    }
}

#[test]
fn every_invalid_config_fixture_gives_its_messages_and_exit_78() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 9, "fixtures missing: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let expects: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("# expect: ")).collect();
        assert!(!expects.is_empty(), "{} has no `# expect:` line", f.display());
        let out = bin(&dir, &["config", "check", "--config", f.to_str().unwrap()]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(78), "{}: {err}", f.display());
        for e in &expects {
            assert!(err.contains(e), "{}: expected `{e}` in:\n{err}", f.display());
        }
        let reported = err.lines().filter(|l| l.contains(".toml:")).count();
        assert_eq!(reported, expects.len(), "{}: every problem and only those:\n{err}", f.display());
    }
}

#[test]
fn the_bundled_config_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = bin(root, &["config", "check", "--config", "config/borderwatch.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("ok (2 feeds"), "{}", stdout(&out));
}

#[test]
fn check_with_now_prints_records_then_the_seven_day_alert_and_status_shows_the_state() {
    let dir = tempdir();
    copy_bundled_config(dir.path());
    let out =
        bin(dir.path(), &["check", "--config", "config/borderwatch.toml", "--now", "2025-04-09T12:00:00Z", "--json"]);
    assert_eq!(out.status.code(), Some(1), "changes and alerts exit 1: {}", stderr(&out));
    let lines = json_lines(&out);
    let first_alert = lines.iter().position(|l| l.get("alert").is_some()).expect("an alert line");
    assert!(lines[first_alert..].iter().all(|l| l.get("alert").is_some()), "records first, then alerts");
    let torkham = lines.iter().find(|l| l["crossing"] == "torkham" && l.get("alert").is_none()).expect("torkham");
    assert_eq!(torkham["status"], "open");
    assert_eq!(torkham["until"], "2025-04-15");
    assert_eq!(torkham["expires_at"], "2025-04-15T19:00:00Z");
    assert_eq!(torkham["tz"], "Asia/Karachi");
    assert_eq!(torkham["countries"], serde_json::json!(["PK", "AF"]));
    let alerts: Vec<_> = lines[first_alert..].iter().collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["alert"], "expiry_approaching");
    assert_eq!(alerts[0]["key"], "expiry:torkham:2025-04-15:7d");
    assert_eq!(alerts[0]["lead"], "7d");
    assert_eq!(alerts[0]["at"], "2025-04-08T19:00:00Z");
    assert_eq!(alerts[0]["late"], false);
    assert_eq!(alerts[0]["record"]["until"], "2025-04-15");
    for l in stdout(&out).lines() {
        assert!(!l.contains(": ") || !l.contains("\": \""), "compact JSON, one object per line: {l}");
    }

    let status = bin(dir.path(), &["status", "--config", "config/borderwatch.toml", "--json"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let recs = json_lines(&status);
    assert_eq!(recs.len(), 7, "six from the native sample, Torkham from the news sample");
    assert_eq!(recs.iter().find(|r| r["crossing"] == "torkham").unwrap(), torkham);
    let from_news =
        recs.iter().find(|r| r["source"] == "https://example.org/news/pakistan-afghanistan-talks-kabul").unwrap();
    assert_eq!(
        (&from_news["crossing"], &from_news["status"], &from_news["until"]),
        (&"torkham".into(), &"open".into(), &"2025-04-15".into())
    );

    let again = bin(dir.path(), &["check", "--config", "config/borderwatch.toml", "--now", "2025-04-09T13:00:00Z"]);
    assert_eq!(again.status.code(), Some(0), "nothing new: {}", stdout(&again));
    assert!(stdout(&again).contains("No new alerts."));
}

#[test]
fn dry_run_leaves_the_state_file_untouched() {
    let dir = tempdir();
    copy_bundled_config(dir.path());
    let out = bin(dir.path(), &["check", "--config", "config/borderwatch.toml", "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let status = bin(dir.path(), &["status", "--config", "config/borderwatch.toml", "--json"]);
    assert!(json_lines(&status).is_empty(), "dry run stored nothing: {}", stdout(&status));
}

#[test]
fn exit_codes_for_failure_and_bad_usage() {
    let dir = tempdir();
    std::fs::write(dir.path().join("ok.json"), native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(
        dir.path(),
        &[("good", "path = \"ok.json\"".into()), ("gone", "path = \"missing.json\"".into())],
        "",
    );
    let cfg = cfg.to_str().unwrap();
    let out = bin(dir.path(), &["check", "--config", cfg]);
    assert_eq!(out.status.code(), Some(2), "a failed feed wins: {}", stdout(&out));
    assert!(stdout(&out).contains("feed gone: FAILED: feed gone: cannot read"), "{}", stdout(&out));
    let out = bin(dir.path(), &["check", "--config", cfg, "--feed", "good"]);
    assert_eq!(out.status.code(), Some(0), "good feed unchanged since the last check: {}", stdout(&out));
    let out = bin(dir.path(), &["check", "--config", cfg, "--feed", "nope"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("no feed `nope`"), "{}", stderr(&out));
    let out = bin(dir.path(), &["check", "--config", cfg, "--now", "soonish"]);
    assert_eq!(out.status.code(), Some(64));
    let out = bin(dir.path(), &["frobnicate"]);
    assert_eq!(out.status.code(), Some(64));
    let out = bin(dir.path(), &["check", "--config", "does-not-exist.toml"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("cannot read config does-not-exist.toml"), "{}", stderr(&out));
}

#[test]
fn calendar_is_valid_icalendar_with_every_expiry_step() {
    let dir = tempdir();
    copy_bundled_config(dir.path());
    let out = bin(dir.path(), &["check", "--config", "config/borderwatch.toml", "--now", "2025-04-09"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = bin(dir.path(), &["calendar", "--config", "config/borderwatch.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().all(|l| l.len() <= 76), "folded at 75 octets plus CR");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none());
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap()
    };
    let events: Vec<(String, String)> = cal.events.iter().map(|e| (prop(e, "UID"), prop(e, "DTSTART"))).collect();
    assert_eq!(events.len(), 12, "Torkham, Šalčininkai and Medininkai: 7d, 3d, 1d, expired each: {events:#?}");
    assert!(events.contains(&("expiry:torkham:2025-04-15:7d@borderwatch".into(), "20250408T190000Z".into())));
    assert!(events.contains(&("expired:torkham:2025-04-15@borderwatch".into(), "20250415T190000Z".into())));
    assert!(events.contains(&("expired:salcininkai:2025-11-30@borderwatch".into(), "20251130T220000Z".into())));
    let summary = cal
        .events
        .iter()
        .find(|e| prop(e, "UID").starts_with("expiry:torkham:2025-04-15:3d"))
        .map(|e| prop(e, "SUMMARY"));
    assert_eq!(summary.as_deref(), Some("Torkham: 3d left (open until 15 Apr 2025)"));
}

#[test]
fn every_log_line_is_one_json_object_with_the_contract_keys_even_for_hostile_values() {
    let dir = tempdir();
    copy_bundled_config(dir.path());
    std::fs::write(
        dir.path().join("config/feeds/afpak-status.json"),
        r#"{"records":[{"name":"Evil\nLine \u001b[31mRed\u001b[0m \"quoted\"","status":"closed","until":"2020-01-01"}]}"#,
    )
    .unwrap();
    let out = bin(dir.path(), &["check", "--config", "config/borderwatch.toml", "--log-format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<&str> = std::str::from_utf8(&out.stderr).unwrap().lines().collect();
    assert!(lines.len() >= 4, "{lines:#?}");
    let mut actions = Vec::new();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object ({e}): {l}"));
        for key in ["@timestamp", "log.level", "message"] {
            assert!(v.get(key).is_some(), "{key} missing: {l}");
        }
        if let Some(a) = v.get("event.action").and_then(|a| a.as_str()) {
            actions.push(a.to_string());
        }
    }
    let hostile: Vec<&&str> = lines.iter().filter(|l| l.contains("Evil")).collect();
    assert_eq!(hostile.len(), 1, "the hostile name is in exactly one line, the alert: {hostile:#?}");
    assert!(hostile[0].contains("Evil\\nLine \\u001b[31mRed"), "escaped, not raw: {}", hostile[0]);
    for a in ["poll", "alert"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
}

#[test]
fn completions_and_the_manual_come_from_the_cli_definition() {
    let dir = tempdir();
    let out = bin(dir.path(), &["completions", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = stdout(&out);
    for word in ["replay", "calendar", "--log-format", "--dry-run"] {
        assert!(script.contains(word), "{word} missing from the bash completion");
    }
    std::fs::write(dir.path().join("c.bash"), &script).unwrap();
    let syntax = std::process::Command::new("bash").arg("-n").arg(dir.path().join("c.bash")).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", String::from_utf8_lossy(&syntax.stderr));
    assert_eq!(bin(dir.path(), &["completions", "tcsh"]).status.code(), Some(64), "unknown shell is bad usage");

    let out = bin(dir.path(), &["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH borderwatch 1"), "{page}");
    for part in [".SH \"EXIT STATUS\"", ".SH SIGNALS", "SIGHUP", "borderwatch\\-replay(1)", "78"] {
        assert!(page.contains(part), "{part} missing from the manual");
    }
    if let Ok(groff) = std::process::Command::new("groff")
        .args(["-man", "-ww", "-z"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        let mut groff = groff;
        std::io::Write::write_all(groff.stdin.as_mut().unwrap(), page.as_bytes()).unwrap();
        let checked = groff.wait_with_output().unwrap();
        assert!(checked.stderr.is_empty(), "groff warns: {}", String::from_utf8_lossy(&checked.stderr));
    }
    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    let out = bin(dir.path(), &["man", "--dir", "man1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for page in ["borderwatch.1", "borderwatch-run.1", "borderwatch-replay.1", "borderwatch-config.1"] {
        assert!(pages.join(page).is_file(), "{page} not written");
    }
}

#[test]
fn extract_times_prints_one_timeml_expression_per_line_with_character_offsets() {
    let dir = tempdir();
    let file = dir.path().join("news.txt");
    std::fs::write(&file, "Kapıkule was closed from 6 p.m. Friday until 6 a.m. Monday, a 27-day closure.").unwrap();
    let out = bin(dir.path(), &["extract", "--times", "--published", "2025-04-16", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    let got: Vec<(u64, u64, &str, &str, &str)> = lines
        .iter()
        .map(|l| {
            let s = |k: &str| l[k].as_str().unwrap();
            (l["start"].as_u64().unwrap(), l["end"].as_u64().unwrap(), s("text"), s("type"), s("value"))
        })
        .collect();
    assert_eq!(
        got,
        [
            (25, 38, "6 p.m. Friday", "time", "2025-04-11T18:00"),
            (45, 58, "6 a.m. Monday", "time", "2025-04-14T06:00"),
            (62, 68, "27-day", "duration", "P27D"),
        ]
    );
}

#[test]
fn extract_explain_shows_each_records_sentences_dates_and_binding_rules() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("news.txt"),
        "The Torkham crossing was closed on Monday until 15 April.\n\
         The Chaman crossing was shut on 2 April. It was reopened on 10 April.",
    )
    .unwrap();
    let out = bin(dir.path(), &["extract", "--explain", "--published", "2025-04-12", "news.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let torkham = "torkham (Torkham): closed, since 2025-04-07, until 2025-04-15 [high]\n  \
        sentence 1: The Torkham crossing was closed on Monday until 15 April.\n    \
        dates: \"Monday\" = 2025-04-07 (dates the event); \"15 April.\" = 2025-04-15 (ends a period)\n  \
        until: stated in clause of 'closed' (sentence 1)\n  \
        since: stated in clause of 'closed' (sentence 1)\n";
    assert!(text.starts_with(torkham), "{text}");
    assert!(text.contains("until 2025-04-09 [low]"), "{text}");
    assert!(text.contains("  until: day before next event 'reopened' (sentence 3)"), "{text}");
    let json = bin(dir.path(), &["extract", "--published", "2025-04-12", "news.txt"]);
    let records = json_lines(&json);
    assert_eq!(text.lines().filter(|l| !l.starts_with(' ')).count(), records.len(), "one block per record");
    assert_eq!(records[0]["confidence"], "high");
}
