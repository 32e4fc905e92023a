//! One cycle over many feeds: connections shared by the feeds of one host (and only by
//! feeds with the same address policy), the policy still checked on a reused client, and
//! `[[host]]` limits on requests in flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use borderwatch::clock::FixedClock;
use borderwatch::config::{Config, DEFAULT_MAX_IN_FLIGHT};
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{native, tempdir, write_config};

/// An HTTP/1.1 server on 127.0.0.1 that keeps connections open, answers every request on
/// them through `respond(path)`, and counts the connections it accepted and the most
/// requests it was answering at once.
struct KeepAlive {
    addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
    paths: Arc<Mutex<Vec<String>>>,
    most: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

type Respond = dyn Fn(&str) -> (u16, Vec<(String, String)>, String) + Send + Sync;

impl KeepAlive {
    async fn start(respond: impl Fn(&str) -> (u16, Vec<(String, String)>, String) + Send + Sync + 'static) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let (accepted, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let paths: Arc<Mutex<Vec<String>>> = Arc::default();
        let respond: Arc<Respond> = Arc::new(respond);
        let (a, p, m) = (Arc::clone(&accepted), Arc::clone(&paths), Arc::clone(&most));
        let busy = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else { return };
                a.fetch_add(1, Ordering::SeqCst);
                let (p, m, busy, respond) = (Arc::clone(&p), Arc::clone(&m), Arc::clone(&busy), Arc::clone(&respond));
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        buf.drain(..end);
                        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                        m.fetch_max(busy.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                        // Long enough that requests sent together overlap here.
                        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                        p.lock().unwrap().push(path.clone());
                        let (status, headers, body) = respond(&path);
                        let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(&body);
                        busy.fetch_sub(1, Ordering::SeqCst);
                        if sock.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        KeepAlive { addr, accepted, paths, most, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    fn requests(&self) -> usize {
        self.paths.lock().unwrap().len()
    }
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn poller(cfg: &std::path::Path) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2025-03-24T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
    Poller::new(Arc::new(config), store, Arc::new(FixedClock::new(now)))
}

fn ok(body: String) -> (u16, Vec<(String, String)>, String) {
    (200, vec![("ETag".into(), "\"v1\"".into())], body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feeds_of_one_host_share_one_connection_across_polls_and_cycles() {
    let server = KeepAlive::start(|path| ok(native(&[(&format!("c{}", &path[1..]), "open", None)]))).await;
    let dir = tempdir();
    let feeds: Vec<(String, String)> = (0..3)
        .map(|i| {
            (
                format!("f{i}"),
                format!("url = \"{}\"\nallow_http = true\nallow_local = true", server.url(&format!("/{i}"))),
            )
        })
        .collect();
    let refs: Vec<(&str, String)> = feeds.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
    let cfg = write_config(dir.path(), &refs, "[[host]]\nname = \"127.0.0.1\"\nmax_in_flight = 1\n");
    let p = poller(&cfg);
    assert!(p.config.feeds.iter().all(|f| f.max_in_flight == 1));
    // One feed after another: each poll's commit gives the finished connection time to go
    // back to the pool (which happens a moment after its response ends).
    for f in &p.config.feeds {
        assert!(matches!(p.poll(f).await.outcome, Ok(Outcome::Baseline(_))));
    }
    assert_eq!(server.accepted(), 1, "three feeds, one connection");
    let cycle = p.poll_all(&p.config.feeds).await;
    assert!(cycle.iter().all(|r| matches!(r.outcome, Ok(Outcome::Unchanged))), "{cycle:?}");
    assert_eq!(server.requests(), 6);
    assert_eq!(server.most.load(Ordering::SeqCst), 1, "[[host]] max_in_flight = 1 holds in a cycle");
    assert!(server.accepted() < server.requests(), "a cycle reuses the kept connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_with_other_address_policies_do_not_share_a_connection() {
    let server = KeepAlive::start(|_| ok(native(&[("torkham", "open", None)]))).await;
    let dir = tempdir();
    let any = format!("url = \"{}\"\nallow_http = true\nallow_local = true", server.url("/a"));
    let listed = format!("url = \"{}\"\nallow_http = true\nallow_local = [\"127.0.0.1\"]", server.url("/b"));
    let cfg = write_config(dir.path(), &[("a", any), ("b", listed)], "");
    let p = poller(&cfg);
    let feeds = p.config.feeds.clone();
    for f in [&feeds[0], &feeds[1], &feeds[0], &feeds[1]] {
        assert!(p.poll(f).await.outcome.is_ok());
    }
    assert_eq!(server.requests(), 4);
    assert_eq!(server.accepted(), 2, "one connection per policy, each reused once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reused_client_still_refuses_a_redirect_to_an_address_the_feed_may_not_reach() {
    // The only listener on 127.0.0.2 counts connection attempts; a wrong policy would
    // reach it, and still only on loopback.
    let trap = std::net::TcpListener::bind("127.0.0.2:0").expect("bind 127.0.0.2");
    trap.set_nonblocking(true).unwrap();
    let target = format!("http://127.0.0.2:{}/f", trap.local_addr().unwrap().port());
    let t = target.clone();
    let server = KeepAlive::start(move |path| match path {
        "/moved" => (302, vec![("Location".into(), t.clone())], String::new()),
        _ => ok(native(&[("torkham", "open", None)])),
    })
    .await;
    let dir = tempdir();
    let source = |path| format!("url = \"{}\"\nallow_http = true\nallow_local = [\"127.0.0.1\"]", server.url(path));
    let cfg = write_config(dir.path(), &[("good", source("/good")), ("moved", source("/moved"))], "");
    let p = poller(&cfg);
    let feeds = p.config.feeds.clone();
    assert!(matches!(p.poll(&feeds[0]).await.outcome, Ok(Outcome::Baseline(_))));
    let e = p.poll(&feeds[1]).await.outcome.unwrap_err();
    assert_eq!(e.reason(), "refused", "{e}");
    assert!(e.to_string().contains(&format!("redirect to {target} refused: address 127.0.0.2")), "{e}");
    assert_eq!(server.accepted(), 1, "the second feed came over the first one's connection");
    assert!(trap.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "no connection to 127.0.0.2");
}

#[test]
fn a_host_entry_sets_the_limit_of_the_feeds_on_that_host_only() {
    let dir = tempdir();
    let feed = |url: &str| format!("url = \"{url}\"");
    let cfg = write_config(
        dir.path(),
        &[
            ("cbp", feed("https://BWT.cbp.gov/api/bwtnew")),
            ("cbp_rss", feed("https://bwt.cbp.gov/api/bwtRss/rssbyportnum")),
            ("cbsa", feed("https://www.cbsa-asfc.gc.ca/bwt-taf/bwt-eng.csv")),
        ],
        "[[host]]\nname = \"bwt.cbp.gov\"\nmax_in_flight = 4\n",
    );
    let config = Config::load(&cfg).unwrap();
    let limits: Vec<usize> = config.feeds.iter().map(|f| f.max_in_flight).collect();
    assert_eq!(limits, [4, 4, DEFAULT_MAX_IN_FLIGHT]);
}
