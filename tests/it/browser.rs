//! A real browser for the board's tests: Debian's headless Chromium, one fresh profile per
//! run, no network beyond what the page asks for. Missing Chromium skips a test on a
//! developer's machine and fails it when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One browser at a time: the machine is small and each run is a whole browser.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The Chromium binary, or `None` (after saying so) when it is not installed and this is
/// not CI.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("chromium")).find(|c| c.is_file()))
        .unwrap_or_default();
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "CI must install chromium (see .ci/run)");
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
    }
    found
}

/// Runs headless Chromium on `url` with `extra` arguments and returns its standard
/// output; `budget_ms` of virtual time lets the page's scripts and timers run (virtual
/// time stands still while a request is pending).
pub fn run(chromium: &Path, url: &str, budget_ms: u32, extra: &[&str]) -> String {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let profile = tempfile::tempdir().expect("profile dir");
    let out_path = profile.path().join("stdout.html");
    let out = std::fs::File::create(&out_path).expect("stdout file");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.path().join("profile").display()))
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .args(extra)
        .arg(url)
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 180 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed on {url}: {status}");
    std::fs::read_to_string(&out_path).expect("chromium's output")
}

/// The DOM of `url` after its scripts ran for `budget_ms` of virtual time.
pub fn dom(chromium: &Path, url: &str, budget_ms: u32) -> String {
    let dom = run(chromium, url, budget_ms, &["--dump-dom"]);
    assert!(dom.contains("</html>"), "no DOM from chromium for {url}: {dom:?}");
    dom
}

/// A plain HTTP/1.1 GET with `extra` request headers: status, headers (names
/// lowercased) and body.
pub fn get(addr: &str, path: &str, extra: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let extra: String = extra.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the response");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw.as_str(), ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("status line");
    let headers = head
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// One header's value.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The `(data-crossing, data-status)` pairs of the board's rows, in page order.
pub fn rows(dom: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\"")).nth(1).and_then(|r| r.split('"').next()).map(str::to_string)
    };
    dom.split("<tr class=\"crossing\"")
        .skip(1)
        .map(|t| {
            let tag = t.split('>').next().unwrap_or_default();
            (attr(tag, "data-crossing").unwrap_or_default(), attr(tag, "data-status").unwrap_or_default())
        })
        .collect()
}
