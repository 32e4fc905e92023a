//! Model-based test: random histories of three feeds through the real pipeline (native
//! feed files, the poller, the SQLite state, the expiry clock's `queue_due`, a test
//! clock), every poll's new alerts compared with a reference model of the documented
//! rules ([`reference`]). A difference is cut down to the fewest polls that still show
//! it and printed as a table of polls.
//!
//! `BORDERWATCH_MODEL_HISTORIES` (default 60) histories of `BORDERWATCH_MODEL_POLLS`
//! (default 50) polls, seeds from `BORDERWATCH_MODEL_SEED` (default 16) on.

mod history;
mod reference;

use std::collections::BTreeMap;
use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::poll::{queue_due, Poller};
use borderwatch::store::Store;
use chrono::{DateTime, Utc};

use crate::helpers::{tempdir, write_config};
use history::{Row, Step, CROSSINGS, FEEDS};

const ROUTE: &str = "[[route]]\nid = \"r\"\ncrossings = [\"torkham\", \"milak\"]\n";

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-01-06T00:00:00Z").unwrap().with_timezone(&Utc)
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
}

/// Plays `steps` through the pipeline and the model; the table of polls up to the first
/// difference, if there is one.
async fn play(steps: &[Step]) -> Result<BTreeMap<String, usize>, String> {
    let dir = tempdir();
    let feeds: Vec<(&str, String)> = FEEDS.iter().map(|f| (*f, format!("path = \"{f}.json\""))).collect();
    let cfg = write_config(dir.path(), &feeds, ROUTE);
    let config = Arc::new(Config::load(&cfg).unwrap());
    let clock = FixedClock::new(start());
    let open = || {
        Poller::new(
            Arc::clone(&config),
            Store::open(&config.daemon.state, chrono::Utc::now()).unwrap(),
            Arc::new(clock.clone()),
        )
    };
    let mut poller = open();
    let zones = CROSSINGS.iter().copied().collect();
    let mut model = reference::Model::new(zones, vec![("r", vec!["torkham", "milak"])]);
    let mut rows = Vec::new();
    let mut kinds = BTreeMap::new();
    let mut now = start();
    for step in steps {
        now += step.advance;
        clock.set(now);
        if step.restart {
            poller = open();
        }
        let feed = FEEDS[step.feed];
        let body = history::body(&step.body);
        std::fs::write(dir.path().join(format!("{feed}.json")), &body).unwrap();
        let report = poller.poll(&config.feeds[step.feed]).await;
        let mut got: Vec<String> = match &report.outcome {
            Ok(_) => report.alerts.iter().map(|a| format!("{}:{}", a.alert.as_str(), a.key)).collect(),
            Err(e) => vec![format!("(poll failed: {e})")],
        };
        let due = queue_due(&mut poller.store.lock().unwrap(), &config.alerts, &config.routes, now).unwrap().0;
        got.extend(due.iter().map(|a| format!("{}:{}", a.alert.as_str(), a.key)));
        let mut expected: Vec<String> = model.poll(feed, &step.body, body.as_bytes(), now);
        expected.extend(model.due(now));
        got.sort();
        expected.sort();
        let differs = got != expected;
        for a in &got {
            *kinds.entry(a.split(':').next().unwrap_or_default().to_string()).or_default() += 1;
        }
        rows.push(Row { at: now, step: step.clone(), expected, got });
        if differs {
            return Err(history::table(&rows));
        }
    }
    Ok(kinds)
}

/// The shortest history found that still differs: drops one poll at a time while the
/// difference stays.
async fn cut_down(mut steps: Vec<Step>) -> (Vec<Step>, String) {
    let mut table = play(&steps).await.expect_err("a failing history");
    let mut i = 0;
    while i < steps.len() {
        let mut fewer = steps.clone();
        fewer.remove(i);
        match play(&fewer).await {
            Err(t) => {
                table = t;
                steps = fewer;
            }
            Ok(_) => i += 1,
        }
    }
    (steps, table)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_histories_alert_exactly_as_the_documented_rules_say() {
    let histories = env_or("BORDERWATCH_MODEL_HISTORIES", 60);
    let polls = usize::try_from(env_or("BORDERWATCH_MODEL_POLLS", 50)).unwrap();
    let first = env_or("BORDERWATCH_MODEL_SEED", 16);
    let began = std::time::Instant::now();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for seed in first..first + histories {
        let steps = history::generate(seed, polls, start());
        match play(&steps).await {
            Ok(kinds) => kinds.into_iter().for_each(|(k, n)| *seen.entry(k).or_default() += n),
            Err(full) => {
                let (short, table) = cut_down(steps).await;
                panic!(
                    "seed {seed}: the pipeline's alerts differ from the model's at poll {} of {polls}; \
                     cut down to {} polls (BORDERWATCH_MODEL_SEED={seed} replays it):\n{table}",
                    full.lines().count() - 2,
                    short.len()
                );
            }
        }
    }
    println!(
        "{histories} histories × {polls} polls = {} polls matched the model in {:.1?}; alerts: {seen:?}",
        histories * polls as u64,
        began.elapsed()
    );
    for kind in [
        "status_changed",
        "expiry_approaching",
        "expired",
        "feed_suspect",
        "feed_shape_accepted",
        "sources_disagree",
        "route_blocked",
        "route_cleared",
    ] {
        assert!(seen.get(kind).is_some_and(|n| *n > 0), "no history exercised {kind}: {seen:?}");
    }
}
