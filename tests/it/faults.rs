//! The fault matrix: every ordered pair of ten server behaviours as two consecutive polls
//! after a baseline, against a real loopback server and a real store. Failures never
//! raise a status alert; each real change raises exactly one; a recovery with unchanged
//! data raises none.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::model::AlertKind;
use borderwatch::poll::Poller;
use borderwatch::store::Store;

use crate::helpers::{loopback_source, native, tempdir, write_config, Reply, Server};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fx {
    Timeout,
    Error500,
    Error404,
    Empty200,
    HtmlPage,
    Truncated,
    ZeroRecords,
    HalfRecords,
    Unchanged,
    Changed,
}

const ALL: [Fx; 10] = [
    Fx::Timeout,
    Fx::Error500,
    Fx::Error404,
    Fx::Empty200,
    Fx::HtmlPage,
    Fx::Truncated,
    Fx::ZeroRecords,
    Fx::HalfRecords,
    Fx::Unchanged,
    Fx::Changed,
];

fn full(torkham: &str) -> String {
    native(&[("torkham", torkham, None), ("chaman", "open", None), ("wagah", "closed", None), ("taftan", "open", None)])
}

fn reply(fx: Fx) -> Reply {
    match fx {
        Fx::Timeout => Reply::ok(full("open")).delayed(Duration::from_secs(2)),
        Fx::Error500 => Reply::status(500, "Internal Server Error"),
        Fx::Error404 => Reply::status(404, "Not Found"),
        Fx::Empty200 => Reply::ok(""),
        Fx::HtmlPage => Reply::ok("<html><body><h1>Service unavailable</h1></body></html>"),
        Fx::Truncated => {
            let b = full("open");
            Reply::ok(b[..b.len() / 2].to_string())
        }
        Fx::ZeroRecords => Reply::ok(native(&[])),
        Fx::HalfRecords => Reply::ok(native(&[("torkham", "open", None), ("chaman", "open", None)])),
        Fx::Unchanged => Reply::ok(full("open")),
        Fx::Changed => Reply::ok(full("closed")),
    }
}

/// What the rules should make of a poll, given what the store holds.
#[derive(Debug, Default, Clone, Copy)]
struct Model {
    torkham_closed: bool,
    /// Polls in a row without wagah and taftan.
    missing: u32,
    removed: bool,
}

impl Model {
    /// The status alerts one poll of `fx` should raise.
    fn poll(&mut self, fx: Fx) -> usize {
        match fx {
            Fx::Unchanged | Fx::Changed => {
                let closed = fx == Fx::Changed;
                let alerts = usize::from(closed != self.torkham_closed) + if self.removed { 2 } else { 0 };
                *self = Model { torkham_closed: closed, ..Model::default() };
                alerts
            }
            Fx::HalfRecords => {
                let mut alerts = usize::from(self.torkham_closed);
                self.torkham_closed = false;
                if !self.removed {
                    self.missing += 1;
                    if self.missing == 2 {
                        self.removed = true;
                        alerts += 2;
                    }
                }
                alerts
            }
            _ => 0,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_ordered_pair_of_faults_gives_exactly_the_expected_alerts() {
    let now: Arc<Mutex<Fx>> = Arc::new(Mutex::new(Fx::Unchanged));
    let current = Arc::clone(&now);
    let server = Server::start(move |_| reply(*current.lock().unwrap())).await;
    let mut table = Vec::new();
    for first in ALL {
        for second in ALL {
            let dir = tempdir();
            let source = format!("{}\nretries = 0", loopback_source(&server.url("/status.json")));
            let cfg = write_config(dir.path(), &[("f", source)], "");
            let text = std::fs::read_to_string(&cfg).unwrap().replace("timeout = \"2s\"", "timeout = \"500ms\"");
            std::fs::write(&cfg, text).unwrap();
            let config = Config::load(&cfg).unwrap();
            let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
            let clock = FixedClock::new(chrono::DateTime::parse_from_rfc3339("2026-01-05T00:00:00Z").unwrap().into());
            let p = Poller::new(Arc::new(config), store, Arc::new(clock.clone()));
            let feed = p.config.feeds[0].clone();
            *now.lock().unwrap() = Fx::Unchanged;
            assert!(p.poll(&feed).await.outcome.is_ok(), "baseline");

            let mut model = Model::default();
            let mut expected = 0;
            let mut got = Vec::new();
            for fx in [first, second] {
                clock.advance(chrono::Duration::minutes(15));
                *now.lock().unwrap() = fx;
                let r = p.poll(&feed).await;
                let failed = r.outcome.is_err();
                let should_fail = matches!(
                    fx,
                    Fx::Timeout | Fx::Error500 | Fx::Error404 | Fx::Empty200 | Fx::HtmlPage | Fx::Truncated
                );
                assert_eq!(failed, should_fail, "({first:?}, {second:?}) poll of {fx:?}: {:?}", r.outcome);
                expected += model.poll(fx);
                got.extend(r.alerts.into_iter().map(|a| a.alert));
            }
            let status = got.iter().filter(|k| **k == AlertKind::StatusChanged).count();
            let suspect = got.iter().filter(|k| **k == AlertKind::FeedSuspect).count();
            let others: Vec<_> =
                got.iter().filter(|k| !matches!(k, AlertKind::StatusChanged | AlertKind::FeedSuspect)).collect();
            assert_eq!(status, expected, "({first:?}, {second:?}): status alerts");
            let zero_polls = usize::from(first == Fx::ZeroRecords || second == Fx::ZeroRecords);
            assert_eq!(suspect, zero_polls, "({first:?}, {second:?}): one feed_suspect per distinct empty body");
            assert!(others.is_empty(), "({first:?}, {second:?}): two failures stay under the threshold: {others:?}");
            table.push(format!("{first:?} → {second:?}: {status} status, {suspect} suspect"));
        }
    }
    println!("{}", table.join("\n"));
    // Every poll reached the server (a baseline and two polls per pair, no retries), and
    // the matrix as a whole is the one written down, pair by pair, in the fixture: the
    // model above and the rules cannot drift together unnoticed.
    assert_eq!(server.hits(), 300, "a baseline and two polls for each of the 100 pairs");
    let expected = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fault_matrix.txt"),
    )
    .unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(table, expected, "the fault matrix");
}
