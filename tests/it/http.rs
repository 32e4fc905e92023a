//! http fetching against a real loopback server: validators, lost-update safety, caps.

use std::sync::{Arc, Mutex};

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::Status;
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;

use crate::helpers::{loopback_source, native, tempdir, write_config, Reply, Server};

fn poller(cfg: &std::path::Path) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state).unwrap();
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
    let before = p.store.lock().unwrap().all_records().unwrap();
    let err = p.poll(&feed).await.outcome.unwrap_err().to_string();
    assert!(err.contains("feed f: body of") && err.contains("exceeds max_bytes = 1048576"), "{err}");
    assert_eq!(p.store.lock().unwrap().all_records().unwrap(), before);
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
