//! The binary under a service manager: sd_notify messages on a real datagram socket,
//! the watchdog rate, SIGTERM; and the unit files against systemd-analyze.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{native, tempdir, write_config};

#[test]
fn ready_watchdog_and_stopping_reach_notify_socket() {
    let dir = tempdir();
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(dir.path(), &[("f", "path = \"feed.json\"".into())], "");
    let sock_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(["run", "--config", cfg.to_str().unwrap(), "--log-format", "json"])
        .env("NOTIFY_SOCKET", &sock_path)
        .env("WATCHDOG_USEC", "400000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 512];
    let mut recv = || {
        let n = sock.recv(&mut buf).expect("a notification within 10 s");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let first = recv();
    assert!(first.starts_with("READY=1\nSTATUS=Watching 1 feeds"), "{first:?}");
    // Every 200 ms (half of WATCHDOG_USEC). A missing or stalled watchdog task sends
    // none (recv fails after 10 s); a busy loop sends five in far less than 400 ms, half
    // the 800 ms that four intervals take. A busy machine only makes them later.
    while recv() != "WATCHDOG=1" {}
    let first = Instant::now();
    let mut pings = 1;
    while pings < 5 {
        pings += usize::from(recv() == "WATCHDOG=1");
    }
    let four_intervals = first.elapsed();
    assert!(four_intervals >= Duration::from_millis(400), "5 pings in {four_intervals:?}: not paced");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let mut last = String::new();
    while !last.starts_with("STOPPING=1") {
        last = recv();
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
}

#[test]
fn the_unit_files_verify_cleanly_and_the_system_unit_is_hardened() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI needs systemd-analyze");
        eprintln!("SKIPPED: systemd-analyze is not installed");
        return;
    }
    let dir = tempdir();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for unit in ["systemd/borderwatch.service", "systemd/user/borderwatch.service"] {
        let text = std::fs::read_to_string(root.join(unit)).unwrap();
        let text = text
            .replace("/usr/local/bin/borderwatch", env!("CARGO_BIN_EXE_borderwatch"))
            .replace("%h/.cargo/bin/borderwatch", env!("CARGO_BIN_EXE_borderwatch"));
        let path = dir.path().join("borderwatch.service");
        std::fs::write(&path, text).unwrap();
        let mut args = vec!["verify"];
        if unit.contains("/user/") {
            args.push("--user");
        }
        args.push(path.to_str().unwrap());
        let runtime = tempdir();
        let out = Command::new("systemd-analyze").args(&args).env("XDG_RUNTIME_DIR", runtime.path()).output().unwrap();
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        // `verify` exits 0 on unknown keys; only its silence means the unit is clean.
        assert!(said.trim().is_empty(), "{unit}: {said}");
    }
    let path = dir.path().join("borderwatch.service");
    let system = std::fs::read_to_string(root.join("systemd/borderwatch.service")).unwrap();
    std::fs::write(&path, system.replace("/usr/local/bin/borderwatch", env!("CARGO_BIN_EXE_borderwatch"))).unwrap();
    let out =
        Command::new("systemd-analyze").args(["security", "--offline=yes", path.to_str().unwrap()]).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let score: f64 = report
        .lines()
        .find_map(|l| l.split("exposure level for").nth(1).and_then(|r| r.split(':').nth(1)))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no score in:\n{report}"));
    println!("systemd-analyze security score of the system unit: {score}");
    assert!(score <= 2.0, "exposure {score} > 2.0:\n{report}");
}

#[test]
fn sighup_reports_reloading_then_ready_and_a_stalled_scheduler_stops_the_pings() {
    let dir = tempdir();
    std::fs::write(dir.path().join("feed.json"), native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(dir.path(), &[("f", "path = \"feed.json\"".into())], "");
    let good = std::fs::read_to_string(&cfg).unwrap();
    let sock_path = dir.path().join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let stall = dir.path().join("stall");
    let mut daemon = crate::helpers::Running::start(
        &cfg,
        &[
            ("NOTIFY_SOCKET", sock_path.as_os_str()),
            ("WATCHDOG_USEC", std::ffi::OsStr::new("400000")),
            ("BORDERWATCH_TEST_STALL_FILE", stall.as_os_str()),
        ],
    );
    let mut buf = [0u8; 512];
    let mut recv = || {
        let n = sock.recv(&mut buf).expect("a notification within 10 s");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let mut next_matching = |what: &str, f: &dyn Fn(&str) -> bool| -> String {
        for _ in 0..200 {
            let m = recv();
            if f(&m) {
                return m;
            }
        }
        panic!("no {what} in 200 notifications");
    };
    assert!(next_matching("READY", &|m| m.starts_with("READY=1")).contains("STATUS=Watching 1 feeds"));
    let status = next_matching("STATUS after a poll", &|m| m.starts_with("STATUS=1 feeds"));
    assert!(status.starts_with("STATUS=1 feeds: 1 ok, 0 failing; next poll 20"), "{status}");

    for (text, outcome) in [(good.clone(), "success"), (format!("{good}\nunknown_key = 1\n"), "failure")] {
        std::fs::write(&cfg, &text).unwrap();
        daemon.signal(libc::SIGHUP);
        let reloading = next_matching("RELOADING", &|m| m.starts_with("RELOADING=1"));
        let usec: u64 = reloading
            .strip_prefix("RELOADING=1\nMONOTONIC_USEC=")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{reloading:?}"));
        let now = borderwatch::sd_notify::monotonic_usec();
        assert!(usec <= now && now - usec < 10_000_000, "MONOTONIC_USEC {usec} is CLOCK_MONOTONIC (now {now})");
        let ready = next_matching("READY after RELOADING", &|m| m.starts_with("READY=1"));
        assert!(ready.starts_with("READY=1\nSTATUS=1 feeds"), "{ready:?}");
        // Only the reload's own event counts: the polls log `event.outcome = "success"` too.
        let reloads = |outcome: &str| {
            let events = daemon.events();
            events.iter().filter(|e| e["event.action"] == "config_reload" && e["event.outcome"] == outcome).count()
        };
        let start = Instant::now();
        while reloads(outcome) == 0 {
            assert!(start.elapsed() < Duration::from_secs(10), "no {outcome} reload logged");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    // The test hook holds the store as a hung call would, from the next poll on.
    std::fs::write(&stall, "").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(2500) {
        let _ = sock.recv(&mut buf);
    }
    let start = Instant::now();
    let mut pings = 0;
    while start.elapsed() < Duration::from_millis(1500) {
        if let Ok(n) = sock.recv(&mut buf) {
            pings += usize::from(&buf[..n] == b"WATCHDOG=1");
        }
    }
    assert_eq!(pings, 0, "a stalled scheduler must not ping the watchdog");
    std::fs::remove_file(&stall).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut recv = || {
        let n = sock.recv(&mut buf).expect("a notification within 10 s");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let start = Instant::now();
    while recv() != "WATCHDOG=1" {
        assert!(start.elapsed() < Duration::from_secs(5), "pings did not resume");
    }
    let stalled = daemon.lines().iter().any(|l| l.contains("withholding the watchdog ping"));
    assert!(stalled, "the stall is logged");
    assert!(daemon.stop().success());
}
