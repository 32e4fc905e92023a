//! Test helpers: temp dirs with configs, a real loopback HTTP server, the binary, and
//! bounded waits.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A fresh temp dir.
/// A real feed capture kept in `tests/fixtures/feeds/` (each beside its `.source.txt`).
pub fn feed_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds").join(name)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Runs the borderwatch binary with `args` in `dir`.
pub fn bin(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .current_dir(dir)
        .env_remove("BORDERWATCH_CONFIG")
        .env_remove("STATE_DIRECTORY")
        .env("RUST_LOG", "info")
        .output()
        .expect("run borderwatch")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each non-empty stdout line parsed as JSON.
pub fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o).lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect(l)).collect()
}

/// Waits until `f` holds, at most `limit`; panics with `what` otherwise.
pub async fn wait_until(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One canned HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (a slow or hung server).
    pub delay: Duration,
    /// Send the body this many times over, pausing between copies (a huge or trickling
    /// body without holding it in memory); the Content-Length counts every copy.
    pub repeat: (usize, Duration),
    /// Send the body with `Transfer-Encoding: chunked` (one chunk per copy) and no
    /// Content-Length, so the size is known only by reading it.
    pub chunked: bool,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
            repeat: (1, Duration::ZERO),
            chunked: false,
        }
    }
    pub fn status(status: u16, body: &str) -> Self {
        Reply { status, ..Reply::ok(body) }
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn repeated(mut self, times: usize, pause: Duration) -> Self {
        self.repeat = (times, pause);
        self
    }
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }
    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The request line's method.
    pub method: String,
    /// The request line's path.
    pub path: String,
    /// When the request's head arrived.
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

type Responder = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A real HTTP/1.1 server on 127.0.0.1 that answers through a closure and records every
/// request it gets.
pub struct Server {
    pub addr: std::net::SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    responder: Arc<Mutex<Arc<Responder>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(responder: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Mutex<Arc<Responder>>> = Arc::new(Mutex::new(Arc::new(responder)));
        let (s, r) = (Arc::clone(&seen), Arc::clone(&responder));
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                let (s, r) = (Arc::clone(&s), Arc::clone(&r));
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0) + 4;
                    let text = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    let headers = text
                        .split("\r\n")
                        .skip(1)
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
                        .collect();
                    let method = text.split_whitespace().next().unwrap_or_default().to_string();
                    let path = text.split_whitespace().nth(1).unwrap_or_default().to_string();
                    let mut req = Seen { headers, body: buf[head_end..].to_vec(), method, path, at: Instant::now() };
                    let want: usize = req.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    while req.body.len() < want {
                        match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => req.body.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let responder = Arc::clone(&r.lock().unwrap());
                    let reply = responder(&req);
                    s.lock().unwrap().push(req);
                    tokio::time::sleep(reply.delay).await;
                    let length = if reply.chunked {
                        "Transfer-Encoding: chunked".to_string()
                    } else {
                        format!("Content-Length: {}", reply.body.len() * reply.repeat.0)
                    };
                    let mut head = format!("HTTP/1.1 {} X\r\n{length}\r\nConnection: close\r\n", reply.status);
                    for (k, v) in &reply.headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = sock.write_all(head.as_bytes()).await;
                    for i in 0..reply.repeat.0 {
                        if i > 0 {
                            tokio::time::sleep(reply.repeat.1).await;
                        }
                        let sent = if reply.chunked {
                            let mut chunk = format!("{:x}\r\n", reply.body.len()).into_bytes();
                            chunk.extend_from_slice(&reply.body);
                            chunk.extend_from_slice(b"\r\n");
                            sock.write_all(&chunk).await
                        } else {
                            sock.write_all(&reply.body).await
                        };
                        if sent.is_err() {
                            break;
                        }
                    }
                    if reply.chunked {
                        let _ = sock.write_all(b"0\r\n\r\n").await;
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
        Server { addr, seen, responder, task }
    }

    /// A server that plays `replies` in order, repeating the last one.
    pub async fn sequence(replies: Vec<Reply>) -> Server {
        let q = Mutex::new(VecDeque::from(replies));
        Server::start(move |_| {
            let mut q = q.lock().unwrap();
            if q.len() > 1 {
                q.pop_front().unwrap()
            } else {
                q.front().cloned().unwrap()
            }
        })
        .await
    }

    /// Changes how the server answers from now on.
    pub fn respond(&self, responder: impl Fn(&Seen) -> Reply + Send + Sync + 'static) {
        *self.responder.lock().unwrap() = Arc::new(responder);
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A native feed body with one record per `(crossing, status, until)`.
pub fn native(records: &[(&str, &str, Option<&str>)]) -> String {
    let recs: Vec<_> =
        records.iter().map(|(c, s, u)| serde_json::json!({"crossing": c, "status": s, "until": u})).collect();
    serde_json::json!({ "records": recs }).to_string()
}

/// Writes a config with one feed section per `(id, source_line)` into `dir`.
pub fn write_config(dir: &Path, feeds: &[(&str, String)], extra: &str) -> PathBuf {
    let mut s = String::from("[daemon]\nstate = \"state.db\"\n\n");
    s.push_str(extra);
    for (id, source) in feeds {
        s.push_str(&format!(
            "\n[[feed]]\nid = \"{id}\"\nformat = \"borderwatch-json\"\n{source}\nschedule = \"* * * * * *\"\ntimeout = \"2s\"\n"
        ));
    }
    let p = dir.join("borderwatch.toml");
    std::fs::write(&p, s).expect("write config");
    p
}

/// The `url = …` lines for a loopback feed.
pub fn loopback_source(url: &str) -> String {
    format!("url = \"{url}\"\nallow_http = true\nallow_local = true")
}

/// `borderwatch run` in the background, its stdout (JSON log lines) collected.
pub struct Running {
    pub child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Running {
    /// Starts `borderwatch run --config config` with extra environment `env`.
    pub fn start(config: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Running {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"));
        cmd.args(["run", "--config", config.to_str().expect("utf-8 path"), "--log-format", "json"])
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start borderwatch run");
        let out = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in std::io::BufRead::lines(std::io::BufReader::new(out)).map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Running { child, lines }
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Every line so far, parsed (a line that is not JSON fails the test).
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.lines().iter().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
    }

    /// How many lines have `event.action` = `action`.
    pub fn count(&self, action: &str) -> usize {
        self.events().iter().filter(|e| e["event.action"] == action).count()
    }

    /// Sends `signal` (e.g. `libc::SIGHUP`).
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).expect("pid fits");
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill({pid}, {signal})");
    }

    /// SIGTERM, then waits at most 20 s for the exit.
    pub fn stop(&mut self) -> std::process::ExitStatus {
        self.signal(libc::SIGTERM);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no exit within 20 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The listener's address, from the start event (waits for it, at most 10 s).
    pub async fn listen_addr(&self) -> String {
        wait_until(Duration::from_secs(10), "the start event", || self.count("start") == 1).await;
        let start = self.events().into_iter().find(|e| e["event.action"] == "start").expect("start event");
        start["listen"].as_str().expect("listen address in the start event").to_string()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 GET on a loopback address: the status and the body.
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the listener");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read the response");
    let status = raw.split_whitespace().nth(1).and_then(|c| c.parse().ok()).expect("status line");
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Runs the binary with `args` in `dir` under GNU time and returns its peak resident
/// memory in KiB, its exit status and its stderr. (The kernel's own figure for a child
/// spawned from this big test process would start at this process's size: a vfork'd
/// child's exec records the parent's peak. GNU time forks from its own small image.)
pub fn peak_rss(dir: &Path, args: &[&str]) -> (i64, std::process::ExitStatus, String) {
    let report = dir.join(format!("rss-{}-{:?}.txt", std::process::id(), std::thread::current().id()));
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_borderwatch"))
        .args(args)
        .args(["--log-format", "json"])
        .current_dir(dir)
        .env_remove("BORDERWATCH_CONFIG")
        .stdout(std::process::Stdio::null())
        .output()
        .expect("GNU time (/usr/bin/time, Debian package `time`)");
    let text = std::fs::read_to_string(&report).expect("time's report");
    let _ = std::fs::remove_file(&report);
    let kib = text.lines().filter_map(|l| l.trim().parse().ok()).next_back().expect("a %M figure");
    (kib, out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}
