//! The board (`GET /`) for 1,000 crossings and 50 feeds: each feed a file of 20 built-in
//! crossings, every tenth crossing reported by a second feed with another status (a
//! disagreement, and its alert), ten routes of five crossings. Two figures: reading the
//! state and rendering the page, as the listener does per request, and rendering alone.
//! The page's size is printed first.
//! Run: `cargo bench --bench board`.

use std::collections::HashMap;
use std::sync::Arc;

use borderwatch::board::{page, Board, Mode};
use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::gazetteer::Gazetteer;
use borderwatch::poll::Poller;
use borderwatch::store::Store;
use criterion::{criterion_group, criterion_main, Criterion};

const FEEDS: usize = 50;
const PER_FEED: usize = 20;

fn bench(c: &mut Criterion) {
    let ids: Vec<String> = Gazetteer::built_in().iter().map(|c| c.id.clone()).take(FEEDS * PER_FEED).collect();
    assert_eq!(ids.len(), FEEDS * PER_FEED, "enough built-in crossings");
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = String::from("[daemon]\nstate = \"state.db\"\n");
    for r in 0..10 {
        let route: Vec<String> = ids[r * 5..r * 5 + 5].iter().map(|i| format!("\"{i}\"")).collect();
        cfg.push_str(&format!("[[route]]\nid = \"r{r}\"\ncrossings = [{}]\n", route.join(", ")));
    }
    let statuses = ["open", "closed", "restricted"];
    for f in 0..FEEDS {
        let mut records = Vec::new();
        for (j, id) in ids[f * PER_FEED..(f + 1) * PER_FEED].iter().enumerate() {
            records.push(serde_json::json!({"crossing": id, "status": statuses[j % 3], "until": "2030-04-15",
                "scope": "cargo vehicles only", "evidence": "The crossing stays as it is until mid-April, officials said."}));
        }
        // The next feed's first crossings, said otherwise: every tenth crossing disagrees.
        for id in ids.iter().skip(((f + 1) % FEEDS) * PER_FEED).take(PER_FEED / 10) {
            records.push(serde_json::json!({"crossing": id, "status": "unknown"}));
        }
        std::fs::write(dir.path().join(format!("f{f}.json")), serde_json::json!({ "records": records }).to_string())
            .unwrap();
        cfg.push_str(&format!(
            "[[feed]]\nid = \"f{f}\"\nformat = \"borderwatch-json\"\npath = \"f{f}.json\"\nschedule = \"* * * * *\"\n"
        ));
    }
    std::fs::write(dir.path().join("bw.toml"), cfg).unwrap();
    let config = Config::load(&dir.path().join("bw.toml")).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2030-04-01T12:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let p = Poller::new(
        Arc::new(config.clone()),
        Store::open(&config.daemon.state, now).unwrap(),
        Arc::new(FixedClock::new(now)),
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for f in &config.feeds {
        assert!(rt.block_on(p.poll(f)).outcome.is_ok(), "every feed stored");
    }
    let store = p.store.lock().unwrap();
    let board = Board::read(&store, &config, HashMap::new(), now).unwrap();
    let html = page::board(&board, Mode::Served);
    let rows = board.sections.iter().map(|s| s.rows.len()).sum::<usize>();
    println!(
        "board: {rows} rows, {} feeds, {} alerts, {} bytes ({} KiB)",
        board.feeds.len(),
        board.alerts.len(),
        html.len(),
        html.len() / 1024
    );
    let mut g = c.benchmark_group("board");
    g.bench_function("read the state and render / (1000 crossings, 50 feeds)", |b| {
        b.iter(|| page::board(&Board::read(&store, &config, HashMap::new(), now).unwrap(), Mode::Served).len());
    });
    g.bench_function("render / only", |b| b.iter(|| page::board(&board, Mode::Served).len()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
