//! One poll cycle of a 10,000-record native feed read from a file: fetch, hash, parse,
//! normalize, diff and commit, as the daemon does it.
//!
//! Scenarios: the same bytes again (the hash short-circuit), the same records in other
//! bytes (full parse and diff, nothing to store), and 10% of the statuses flipped (1,000
//! records, history rows and alerts committed in one transaction).
//! Run: `cargo bench --bench poll`.

use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;
use criterion::{criterion_group, criterion_main, Criterion};

const RECORDS: usize = 10_000;

fn body(flip_every: Option<usize>, pad: bool) -> String {
    let recs: Vec<_> = (0..RECORDS)
        .map(|i| {
            let closed = flip_every.is_some_and(|n| i % n == 0);
            serde_json::json!({
                "crossing": format!("crossing-{i}"),
                "name": format!("Crossing {i}"),
                "status": if closed { "closed" } else { "open" },
                "until": if i % 3 == 0 { Some("2030-04-15") } else { None },
                "tz": "Asia/Karachi",
                "evidence": "The crossing was temporarily reopened until April 15 after talks between the two sides.",
            })
        })
        .collect();
    let mut s = serde_json::json!({ "records": recs }).to_string();
    if pad {
        s.push('\n');
    }
    s
}

fn setup(dir: &std::path::Path) -> (Poller, FixedClock) {
    std::fs::write(
        dir.join("bw.toml"),
        "[daemon]\nstate = \"state.db\"\n[[feed]]\nid = \"big\"\nformat = \"borderwatch-json\"\npath = \"feed.json\"\nschedule = \"* * * * *\"\nmax_bytes = \"64MiB\"\n",
    )
    .unwrap();
    let config = Config::load(&dir.join("bw.toml")).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    let clock = FixedClock::new(chrono::Utc::now());
    let p = Poller::new(Arc::new(config), store, Arc::new(clock.clone()));
    (p, clock)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, clock) = setup(dir.path());
    let feed = p.config.feeds[0].clone();
    let path = dir.path().join("feed.json");
    let bodies = [body(None, false), body(None, true), body(Some(10), false)];
    std::fs::write(&path, &bodies[0]).unwrap();
    assert!(matches!(rt.block_on(p.poll(&feed)).outcome, Ok(Outcome::Baseline(_))));

    let mut g = c.benchmark_group("poll_10k_records");
    g.sample_size(20);
    g.bench_function("unchanged_same_bytes", |b| {
        b.iter(|| assert!(matches!(rt.block_on(p.poll(&feed)).outcome, Ok(Outcome::Unchanged))));
    });
    let mut flip = false;
    g.bench_function("unchanged_records_new_bytes", |b| {
        b.iter_batched(
            || {
                flip = !flip;
                std::fs::write(&path, &bodies[usize::from(flip)]).unwrap();
            },
            |()| {
                let r = rt.block_on(p.poll(&feed));
                assert!(matches!(r.outcome, Ok(Outcome::Applied(_, ref c)) if c.is_empty()));
            },
            criterion::BatchSize::PerIteration,
        );
    });
    let mut changed = false;
    g.bench_function("ten_percent_changed", |b| {
        b.iter_batched(
            || {
                changed = !changed;
                std::fs::write(&path, &bodies[if changed { 2 } else { 0 }]).unwrap();
                clock.advance(chrono::Duration::seconds(1));
            },
            |()| {
                let r = rt.block_on(p.poll(&feed));
                assert!(matches!(r.outcome, Ok(Outcome::Applied(_, ref c)) if c.len() == RECORDS / 10));
            },
            criterion::BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
