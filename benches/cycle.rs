//! One poll cycle of 1,000 feeds served over HTTP on loopback: every feed fetched,
//! parsed, diffed and committed, all at once as the daemon's feed tasks would when their
//! schedules coincide. The feeds are spread over ten loopback hosts (127.0.0.1–10), at
//! most two requests in flight per host. Two rounds: the bodies unchanged (the usual
//! cycle: fetched and hashed, nothing written), and one crossing of every feed flipped
//! (every poll parses, diffs and commits a change with its alert: 1,000 commits). Each
//! feed reports crossings of its own, as real feeds mostly do. A third round has all
//! 1,000 feeds report the same crossing and flips it in each: every poll's
//! `sources_disagree` check reads what the 999 others say of it.
//! Run: `cargo bench --bench cycle`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::poll::Poller;
use borderwatch::store::Store;
use criterion::{criterion_group, criterion_main, Criterion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FEEDS: usize = 1000;
const HOSTS: usize = 10;

/// A minimal HTTP/1.1 server on `127.0.0.{host}`: every answer is the feed body of the
/// current round.
async fn serve(host: usize, round: Arc<AtomicUsize>) -> u16 {
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.{host}:0")).await.expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let round = round.load(Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = 0;
                while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got += n,
                    }
                }
                // Each feed reports two crossings of its own, named after its path; under
                // /shared/ every feed reports the same one.
                let head = String::from_utf8_lossy(&buf[..got]);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let status = if round % 2 == 0 { "open" } else { "closed" };
                let body = match path.strip_prefix("/shared/") {
                    Some(_) => format!(
                        r#"{{"records":[{{"crossing":"shared","name":"Shared","status":"{status}","tz":"Asia/Karachi"}}]}}"#
                    ),
                    None => {
                        let feed = path.trim_start_matches('/');
                        format!(
                            r#"{{"records":[{{"crossing":"c{feed}-a","name":"Crossing {feed} A","status":"{status}","tz":"Asia/Karachi"}},{{"crossing":"c{feed}-b","name":"Crossing {feed} B","status":"open","until":"2030-04-15","tz":"Asia/Karachi"}}]}}"#
                        )
                    }
                };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
            });
        }
    });
    port
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let round = Arc::new(AtomicUsize::new(0));
    let ports: Vec<u16> = rt.block_on(async {
        let mut ports = Vec::new();
        for host in 1..=HOSTS {
            ports.push(serve(host, Arc::clone(&round)).await);
        }
        ports
    });
    let clock = FixedClock::new(chrono::Utc::now());
    let poller = |dir: &std::path::Path, prefix: &str| {
        let mut cfg = String::from("[daemon]\nstate = \"state.db\"\n");
        for i in 0..FEEDS {
            let host = i % HOSTS;
            cfg.push_str(&format!(
                "[[feed]]\nid = \"f{i}\"\nformat = \"borderwatch-json\"\nurl = \"http://127.0.0.{}:{}{prefix}/{i}\"\n\
                 schedule = \"* * * * *\"\nallow_http = true\nallow_local = true\nretries = 0\n",
                host + 1,
                ports[host]
            ));
        }
        std::fs::write(dir.join("bw.toml"), cfg).unwrap();
        let config = Config::load(&dir.join("bw.toml")).unwrap();
        let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
        Poller::new(Arc::new(config), store, Arc::new(clock.clone()))
    };
    let (own, shared) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (p, s) = (poller(own.path(), ""), poller(shared.path(), "/shared"));
    let cycle = |p: &Poller| {
        let polls = p.config.feeds.iter().map(|f| p.poll(f));
        let reports = rt.block_on(futures_util::future::join_all(polls));
        assert!(reports.iter().all(|r| r.outcome.is_ok()), "every poll succeeds");
    };
    cycle(&p);
    cycle(&s);
    let mut g = c.benchmark_group("cycle");
    g.sample_size(10);
    g.bench_function("1000 feeds on loopback, unchanged", |b| {
        b.iter(|| {
            clock.advance(chrono::Duration::minutes(1));
            cycle(&p);
        });
    });
    g.bench_function("1000 feeds on loopback, one change each", |b| {
        b.iter(|| {
            round.fetch_add(1, Ordering::SeqCst);
            clock.advance(chrono::Duration::minutes(1));
            cycle(&p);
        });
    });
    g.bench_function("1000 feeds on loopback, one shared crossing flipped in each", |b| {
        b.iter(|| {
            round.fetch_add(1, Ordering::SeqCst);
            clock.advance(chrono::Duration::minutes(1));
            cycle(&s);
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
