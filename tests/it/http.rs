//! http fetching against a real loopback server: validators, lost-update safety, caps.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::Status;
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;

use crate::helpers::{loopback_source, native, peak_rss, tempdir, write_config, Reply, Server};

fn poller(cfg: &std::path::Path) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2025-03-24T00:00:00Z").unwrap().with_timezone(&chrono::Utc);
    Poller::new(Arc::new(config), store, Arc::new(FixedClock::new(now)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validators_go_back_verbatim_and_304_is_unchanged() {
    const ETAG: &str = "W/\"v1-weird etag\"";
    const LM: &str = "Wed, 21 Oct 2015 07:28:00 GMT";
    let server = Server::start(|req| {
        if req.header("if-none-match") == Some(ETAG) {
            Reply::status(304, "")
        } else {
            Reply::ok(native(&[("torkham", "open", None)]))
                .header("ETag", ETAG)
                .header("Last-Modified", LM)
                .header("Date", "Wed, 21 Oct 2015 07:30:00 GMT")
        }
    })
    .await;
    let dir = tempdir();
    let cfg = write_config(dir.path(), &[("f", loopback_source(&server.url("/f.json")))], "");
    let p = poller(&cfg);
    let feed = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Unchanged)));
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen[0].header("if-none-match"), None);
    assert_eq!(seen[1].header("if-none-match"), Some(ETAG));
    assert_eq!(seen[1].header("if-modified-since"), Some(LM), "the server's own date, not our clock");
    assert!(seen[1].header("user-agent").unwrap().starts_with("borderwatch/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_changes_within_one_second_are_not_lost() {
    // The server answers 304 whenever If-Modified-Since is not older than its
    // Last-Modified, which has one-second resolution, as real servers do.
    const LM: &str = "Thu, 26 Nov 2026 10:00:00 GMT";
    let body = Arc::new(Mutex::new(native(&[("torkham", "open", None)])));
    let b = Arc::clone(&body);
    let server = Server::start(move |req| {
        if req.header("if-modified-since") == Some(LM) {
            return Reply::status(304, "");
        }
        Reply::ok(b.lock().unwrap().clone()).header("Last-Modified", LM).header("Date", LM)
    })
    .await;
    let dir = tempdir();
    let cfg = write_config(dir.path(), &[("f", loopback_source(&server.url("/f.json")))], "");
    let p = poller(&cfg);
    let feed = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    *body.lock().unwrap() = native(&[("torkham", "closed", None)]);
    let r = p.poll(&feed).await;
    match r.outcome {
        Ok(Outcome::Applied(snap, changes)) => {
            assert_eq!(changes.len(), 1);
            assert_eq!(snap["torkham"].status, Status::Closed);
        }
        other => panic!("the second version was lost: {other:?}"),
    }
    assert_eq!(server.seen.lock().unwrap()[1].header("if-modified-since"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_a_clear_error_and_keeps_the_state() {
    let big = vec![b' '; 3 << 20];
    let server = Server::sequence(vec![Reply::ok(native(&[("torkham", "open", None)])), Reply::ok(big)]).await;
    let dir = tempdir();
    let source = format!("{}\nmax_bytes = \"1MiB\"", loopback_source(&server.url("/f.json")));
    let cfg = write_config(dir.path(), &[("f", source)], "");
    let p = poller(&cfg);
    let feed = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    let before = p.store.lock().unwrap().all_records(p.clock.now()).unwrap();
    let err = p.poll(&feed).await.outcome.unwrap_err().to_string();
    assert!(err.contains("feed f: body of") && err.contains("exceeds max_bytes = 1048576"), "{err}");
    assert_eq!(p.store.lock().unwrap().all_records(p.clock.now()).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_not_allowed_local_is_refused_before_connecting() {
    let server = Server::sequence(vec![Reply::ok(native(&[("torkham", "open", None)]))]).await;
    let dir = tempdir();
    let url = server.url("/f.json").replace("127.0.0.1", "127.0.0.2");
    let cfg = write_config(dir.path(), &[("f", format!("url = \"{url}\"\nallow_http = true"))], "");
    let err = Config::load(&cfg).unwrap_err().to_string();
    assert!(err.contains("address 127.0.0.2 is loopback, private, link-local or metadata"), "{err}");
    assert_eq!(server.hits(), 0);
}

fn feed_config(dir: &std::path::Path, feeds: &[(&str, String)]) -> std::path::PathBuf {
    let mut s = String::from("[daemon]\nstate = \"state.db\"\n");
    for (id, url) in feeds {
        s.push_str(&format!(
            "[[feed]]\nid = \"{id}\"\nformat = \"borderwatch-json\"\nurl = \"{url}\"\nschedule = \"* * * * *\"\ntimeout = \"2s\"\nallow_http = true\nallow_local = true\n"
        ));
    }
    let p = dir.join("bw.toml");
    std::fs::write(&p, s).unwrap();
    p
}

fn gzip_of_zeros(n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..n / chunk.len() {
        enc.write_all(&chunk).unwrap();
    }
    enc.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_bombed_and_trickling_bodies_fail_clearly_while_another_feed_polls() {
    let good = Server::sequence(vec![Reply::ok(native(&[("torkham", "open", None)]))]).await;
    let huge = Server::sequence(vec![Reply::ok(vec![b' '; 1 << 20]).repeated(1024, Duration::ZERO)]).await;
    let bomb = Server::sequence(vec![Reply::ok(gzip_of_zeros(64 << 20)).header("Content-Encoding", "gzip")]).await;
    let slow = Server::sequence(vec![Reply::ok("x").repeated(10, Duration::from_secs(5))]).await;
    let dir = tempdir();
    let cfg = feed_config(
        dir.path(),
        &[("good", good.url("/f")), ("huge", huge.url("/f")), ("bomb", bomb.url("/f")), ("slow", slow.url("/f"))],
    );
    let p = poller(&cfg);
    let feeds = p.config.feeds.clone();
    let started = std::time::Instant::now();
    let slow_done = std::sync::atomic::AtomicBool::new(false);
    let slow_poll = async {
        let r = p.poll(&feeds[3]).await;
        slow_done.store(true, std::sync::atomic::Ordering::SeqCst);
        r
    };
    let others = async {
        let good = p.poll(&feeds[0]).await;
        let slow_was_done = slow_done.load(std::sync::atomic::Ordering::SeqCst);
        (good, slow_was_done, p.poll(&feeds[1]).await, p.poll(&feeds[2]).await)
    };
    let (slow_r, (good_r, slow_was_done, huge_r, bomb_r)) = tokio::join!(slow_poll, others);
    assert!(matches!(good_r.outcome, Ok(Outcome::Baseline(_))));
    assert!(!slow_was_done, "the good feed finished while the slow one was still trickling, not after it");
    let huge_e = huge_r.outcome.unwrap_err().to_string();
    assert!(huge_e.contains("feed huge: body of") && huge_e.contains("exceeds max_bytes = 10485760"), "{huge_e}");
    let bomb_e = bomb_r.outcome.unwrap_err().to_string();
    assert!(
        bomb_e.contains("feed bomb: body of") && bomb_e.contains("exceeds max_bytes"),
        "decompressed bytes count: {bomb_e}"
    );
    let slow_e = slow_r.outcome.unwrap_err().to_string();
    assert!(slow_e.contains("feed slow: fetching") && slow_e.contains("timed out after 2s"), "{slow_e}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "bounded by the 2 s timeout, not the 50 s trickle: {took:?}");
}

/// A body with no Content-Length (chunked) cannot be refused from its header: only the
/// cap counted while the body streams in stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_chunked_body_without_a_length_is_cut_off_at_the_cap_while_it_streams() {
    let huge = Server::sequence(vec![Reply::ok(vec![b' '; 1 << 20]).repeated(1024, Duration::ZERO).chunked()]).await;
    let dir = tempdir();
    let cfg = feed_config(dir.path(), &[("huge", huge.url("/f"))]);
    let p = poller(&cfg);
    let r = p.poll(&p.config.feeds[0].clone()).await;
    let e = r.outcome.unwrap_err();
    assert_eq!(e.reason(), "too_large", "{e}");
    assert!(e.to_string().contains("exceeds max_bytes = 10485760 (aborted while reading)"), "{e}");
    assert!(p.store.lock().unwrap().all_records(p.clock.now()).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_a_file_url_is_refused_with_its_reason() {
    let server = Server::sequence(vec![Reply::status(302, "").header("Location", "file:///etc/passwd")]).await;
    let dir = tempdir();
    let cfg = feed_config(dir.path(), &[("f", server.url("/f"))]);
    let p = poller(&cfg);
    let e = p.poll(&p.config.feeds[0].clone()).await.outcome.unwrap_err().to_string();
    assert!(e.contains("redirect to file:///etc/passwd refused: scheme `file` is not allowed"), "{e}");
    assert!(p.store.lock().unwrap().all_records(p.clock.now()).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_two_requests_are_in_flight_to_one_host() {
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (f, m) = (Arc::clone(&in_flight), Arc::clone(&most));
    let server = Server::start(move |_| {
        let now = f.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        m.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
        let f = Arc::clone(&f);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            f.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
        Reply::ok(native(&[("torkham", "open", None)])).delayed(Duration::from_millis(250))
    })
    .await;
    let dir = tempdir();
    let feeds: Vec<(String, String)> = (0..6).map(|i| (format!("f{i}"), server.url(&format!("/{i}")))).collect();
    let refs: Vec<(&str, String)> = feeds.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
    let cfg = feed_config(dir.path(), &refs);
    let p = poller(&cfg);
    let polls = p.config.feeds.iter().map(|f| p.poll(f));
    let reports = futures_util::future::join_all(polls).await;
    assert!(reports.iter().all(|r| r.outcome.is_ok()));
    assert_eq!(server.hits(), 6);
    assert!(
        most.load(std::sync::atomic::Ordering::SeqCst) <= 2,
        "in flight at once: {}",
        most.load(std::sync::atomic::Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brief_server_error_is_retried_with_growing_waits_and_counts_as_no_failure() {
    let good = native(&[("torkham", "open", None)]);
    let server = Server::sequence(vec![
        Reply::status(503, "busy"),
        Reply::status(502, "bad gateway"),
        Reply::ok(good.clone()),
        // Second poll: three 500s exhaust two retries and count as one failure.
        Reply::status(500, "down"),
        Reply::status(500, "down"),
        Reply::status(500, "down"),
        // Third poll: a 404 is not retried.
        Reply::status(404, "gone"),
        Reply::ok(good),
    ])
    .await;
    let dir = tempdir();
    let source = format!("{}\nretries = 2\nretry_backoff = \"100ms\"", loopback_source(&server.url("/f")));
    let cfg = write_config(dir.path(), &[("f", source)], "");
    let p = poller(&cfg);
    let feed = p.config.feeds[0].clone();

    let r = p.poll(&feed).await;
    assert!(matches!(r.outcome, Ok(Outcome::Baseline(_))), "{:?}", r.outcome);
    let at: Vec<_> = server.seen.lock().unwrap().iter().map(|s| s.at).collect();
    assert_eq!(at.len(), 3, "503 and 502 retried, then the body");
    let (first, second) = (at[1] - at[0], at[2] - at[1]);
    println!("waits before the retries: {first:?}, {second:?}");
    assert!(first >= Duration::from_millis(50) && first < Duration::from_millis(1000), "{first:?}");
    assert!(second >= Duration::from_millis(100), "the second wait is at least the doubled base's half: {second:?}");
    assert_eq!(p.store.lock().unwrap().feed_state("f").unwrap().failures, 0, "a blip is not a failure");

    let r = p.poll(&feed).await;
    let err = r.outcome.expect_err("three 500s").to_string();
    assert!(err.contains("answered 500"), "{err}");
    assert_eq!(server.hits(), 6);
    assert_eq!(p.store.lock().unwrap().feed_state("f").unwrap().failures, 1, "one failed poll, not three");

    let r = p.poll(&feed).await;
    assert!(r.outcome.expect_err("404").to_string().contains("answered 404"));
    assert_eq!(server.hits(), 7, "a 404 is final");
    assert_eq!(p.store.lock().unwrap().feed_state("f").unwrap().failures, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_stay_within_the_feeds_timeout() {
    let server = Server::start(|_| Reply::status(503, "busy")).await;
    let dir = tempdir();
    let source = format!("{}\nretry_backoff = \"5s\"", loopback_source(&server.url("/f")));
    let cfg = write_config(dir.path(), &[("f", source)], "");
    let p = poller(&cfg);
    let started = std::time::Instant::now();
    let r = p.poll(&p.config.feeds[0].clone()).await;
    assert!(r.outcome.is_err());
    assert_eq!(server.hits(), 1, "a retry 2.5–5 s away does not fit the 2 s timeout, so none is made");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_a_local_address_the_feed_may_not_reach_is_refused_before_connecting() {
    // The only listener on 127.0.0.2 counts connection attempts; a wrong policy would
    // reach it, and still only on loopback.
    let trap = std::net::TcpListener::bind("127.0.0.2:0").expect("bind 127.0.0.2");
    trap.set_nonblocking(true).unwrap();
    let target = format!("http://127.0.0.2:{}/f", trap.local_addr().unwrap().port());
    let server = Server::sequence(vec![Reply::status(302, "").header("Location", &target)]).await;
    let dir = tempdir();
    let source = format!("url = \"{}\"\nallow_http = true\nallow_local = [\"127.0.0.1\"]", server.url("/f"));
    let cfg = write_config(dir.path(), &[("f", source)], "");
    let p = poller(&cfg);
    let e = p.poll(&p.config.feeds[0].clone()).await.outcome.unwrap_err();
    assert_eq!(e.reason(), "refused");
    let e = e.to_string();
    assert!(
        e.contains(&format!("redirect to {target} refused: address 127.0.0.2 is loopback"))
            && e.contains("not allowed for this feed"),
        "{e}"
    );
    assert_eq!(server.hits(), 1, "the feed's own address, which the list allows, was reached");
    assert!(trap.accept().is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock), "no connection to 127.0.0.2");
    assert!(p.store.lock().unwrap().all_records(p.clock.now()).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_body_a_gzip_bomb_and_a_trickle_grow_resident_memory_by_less_than_20_mb() {
    let good = Server::sequence(vec![Reply::ok(native(&[("torkham", "open", None)]))]).await;
    let huge = Server::sequence(vec![Reply::ok(vec![b' '; 1 << 20]).repeated(1024, Duration::ZERO)]).await;
    let bomb = Server::sequence(vec![Reply::ok(gzip_of_zeros(1 << 30)).header("Content-Encoding", "gzip")]).await;
    let slow = Server::sequence(vec![Reply::ok("x").repeated(10, Duration::from_secs(5))]).await;
    let quiet = tempdir();
    let alone = feed_config(quiet.path(), &[("good", good.url("/f"))]);
    let check = |cfg: std::path::PathBuf| {
        let dir = cfg.parent().unwrap().to_path_buf();
        move || peak_rss(&dir, &["check", "--config", cfg.to_str().unwrap()])
    };
    let (base, status, _) = tokio::task::spawn_blocking(check(alone)).await.unwrap();
    assert_eq!(status.code(), Some(1), "the good feed alone: a baseline");
    let loud = tempdir();
    let all = feed_config(
        loud.path(),
        &[("good", good.url("/f")), ("huge", huge.url("/f")), ("bomb", bomb.url("/f")), ("slow", slow.url("/f"))],
    );
    let (peak, status, _) = tokio::task::spawn_blocking(check(all)).await.unwrap();
    assert_eq!(status.code(), Some(2), "three feeds failed, clearly, and check said so");
    let state = Store::open(&loud.path().join("state.db"), chrono::Utc::now()).unwrap();
    assert_eq!(
        state.all_records(chrono::Utc::now()).unwrap().len(),
        1,
        "the good feed's record is stored all the same"
    );
    let growth_mb = (peak - base) as f64 / 1024.0;
    println!("peak RSS: good feed alone {base} KiB, with the 1 GiB body, 1 GiB gzip bomb and trickle {peak} KiB: +{growth_mb:.1} MiB");
    assert!(growth_mb < 20.0, "resident memory grew by {growth_mb:.1} MiB");
}
