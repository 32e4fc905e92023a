//! Extraction throughput on real news text: the labelled passages in
//! `../shared/news/dev.jsonl`, each extracted with its publication date.
//! Run: `cargo bench --bench extract`.

use borderwatch::extract::extract;
use borderwatch::gazetteer::Gazetteer;
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn passages() -> Vec<(String, NaiveDate)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/news/dev.jsonl");
    let text = std::fs::read_to_string(&path).expect("the shared news passages");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            let published = NaiveDate::parse_from_str(v["published"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            (v["text"].as_str().unwrap().to_string(), published)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let passages = passages();
    let bytes: usize = passages.iter().map(|(t, _)| t.len()).sum();
    let gazetteer = Gazetteer::built_in();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("dev_passages", |b| {
        b.iter(|| passages.iter().map(|(t, p)| extract(t, *p, &gazetteer, "bench").len()).sum::<usize>());
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
