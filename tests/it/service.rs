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
    let start = Instant::now();
    let mut pings = 0;
    while start.elapsed() < Duration::from_millis(1500) {
        if recv() == "WATCHDOG=1" {
            pings += 1;
        }
    }
    // Every 200 ms (half of WATCHDOG_USEC) for 1.5 s: about 7; a stalled or missing
    // watchdog task sends none, a busy loop far more.
    assert!((5..=10).contains(&pings), "{pings} pings in 1.5 s");
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
