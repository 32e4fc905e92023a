//! Desktop notifications over a real D-Bus session bus to a real notification server:
//! a private `dbus-daemon`, `Xvfb` and `dunst -print`, which prints what it receives.
//! CI installs them (`.ci/run`); elsewhere the test says what is missing and, outside
//! CI, skips.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::helpers::{stderr, stdout, tempdir};

struct Kill(Vec<Child>);

impl Drop for Kill {
    /// Asks each process to end (Xvfb then removes its socket and lock file), and kills
    /// one still running after two seconds.
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let start = Instant::now();
            while matches!(c.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(2) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

/// A private session bus with `dunst -print` on a private X display: what dunst prints
/// arrives on `printed`, line by line. The processes end when it is dropped.
pub struct NotificationServer {
    _procs: Kill,
    /// `DBUS_SESSION_BUS_ADDRESS` for the program under test.
    pub address: String,
    /// dunst's output.
    pub printed: mpsc::Receiver<String>,
}

/// Starts a [`NotificationServer`], or says what is missing and returns `None` (outside
/// CI; in CI a missing tool fails the test).
pub fn notification_server() -> Option<NotificationServer> {
    let missing: Vec<_> = ["dbus-daemon", "Xvfb", "dunst"].into_iter().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        assert!(std::env::var_os("CI").is_none(), "CI must install {missing:?} (see .ci/run)");
        eprintln!("SKIPPED: the desktop test needs {missing:?}: apt-get install dbus xvfb dunst");
        return None;
    }
    let mut procs = Kill(Vec::new());
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("dbus-daemon");
    let mut address = String::new();
    BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
    let address = address.trim().to_string();
    procs.0.push(bus);
    let display = free_display();
    procs.0.push(
        Command::new("Xvfb").args([display.as_str(), "-nolisten", "tcp"]).stderr(Stdio::null()).spawn().expect("Xvfb"),
    );
    let socket = format!("/tmp/.X11-unix/X{}", &display[1..]);
    let start = Instant::now();
    while !Path::new(&socket).exists() {
        assert!(start.elapsed() < Duration::from_secs(10), "Xvfb did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut dunst = Command::new("dunst")
        .arg("-print")
        .env("DISPLAY", &display)
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dunst");
    let (tx, rx) = mpsc::channel();
    let out = dunst.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    procs.0.push(dunst);
    Some(NotificationServer { _procs: procs, address, printed: rx })
}

/// An X display number no other test of this run takes (two servers may run at once),
/// with no socket or lock file left by an X server that did not exit cleanly: a stale
/// socket would pass for the new server's and leave dunst with no display.
fn free_display() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    loop {
        let n = 100 + (std::process::id() % 400) * 2 + NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let taken =
            Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists();
        if !taken {
            return format!(":{n}");
        }
    }
}

/// The value of `name: '…'` in one notification dunst printed.
pub fn field(printed: &[String], name: &str) -> Option<String> {
    printed
        .iter()
        .find_map(|l| l.trim().strip_prefix(&format!("{name}: '")))
        .map(|v| v.trim_end_matches('\'').to_string())
}

#[test]
fn a_hostile_alert_arrives_escaped_on_a_real_notification_server() {
    let Some(server) = notification_server() else { return };
    let (address, rx) = (&server.address, &server.printed);

    let dir = tempdir();
    std::fs::write(
        dir.path().join("feed.json"),
        r#"{"records":[{"name":"<a href=\"https://evil.example\">Torkham</a> & Co\u202e\nX","status":"open","until":"2020-01-01","evidence":"Line one\nline <b>two</b> & \u202ethree"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bw.toml"),
        "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"0 0 1 1 *\"\n[[sink]]\nkind = \"desktop\"\n",
    )
    .unwrap();
    // dunst needs a moment to own the notification service; the sink retries on the next
    // check, so run check until the alert is delivered.
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !printed.iter().any(|l: &String| l.contains("summary:")) {
        assert!(Instant::now() < deadline, "no notification arrived; dunst printed: {printed:#?}");
        let o = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
            .args(["check", "--config", "bw.toml"])
            .current_dir(dir.path())
            .env("DBUS_SESSION_BUS_ADDRESS", address)
            .output()
            .unwrap();
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}{}", stdout(&o), stderr(&o));
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(500)) {
            printed.push(l);
        }
    }
    let field = |name: &str| field(&printed, name);
    let summary = field("summary").unwrap();
    let body = field("body").unwrap();
    assert_eq!(summary, "borderwatch: &lt;a href=\"https://evil.example\"&gt;Torkham&lt;/a&gt; &amp; Co X");
    assert!(
        body.starts_with("&lt;a href=\"https://evil.example\"&gt;Torkham&lt;/a&gt; &amp; Co X: open until 1 Jan 2020"),
        "{body}"
    );
    assert!(body.ends_with("Line one line &lt;b&gt;two&lt;/b&gt; &amp; three"), "{body}");
    assert!(!summary.contains('\u{202E}') && !body.contains('\u{202E}'));
    assert!(printed.iter().any(|l| l.trim() == "urgency: CRITICAL"), "an expiry is critical: {printed:#?}");
    assert!(printed.iter().any(|l| l.trim() == "appname: 'borderwatch'"));
}

#[test]
fn without_a_session_bus_the_desktop_sink_says_so_once_and_the_log_sink_still_delivers() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("feed.json"),
        r#"{"records":[{"crossing":"torkham","status":"open","until":"2020-01-01"},{"crossing":"chaman","status":"open","until":"2020-02-01"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bw.toml"),
        "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"f\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"0 0 1 1 *\"\n[[sink]]\nkind = \"desktop\"\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(["check", "--config", "bw.toml", "--log-format", "json"])
        .current_dir(dir.path())
        .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}/no-such-bus", dir.path().display()))
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let logs: Vec<serde_json::Value> = stderr(&o).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let warnings = logs.iter().filter(|l| l["event.action"] == "desktop_unavailable").count();
    assert_eq!(warnings, 1, "one clear line, not one per alert: {logs:#?}");
    let alerts = logs.iter().filter(|l| l["event.action"] == "alert").count();
    assert_eq!(alerts, 2, "the log sink delivered both expiries");
}
