//! Extraction throughput on about 1 MB of article-like text written for this benchmark:
//! a fixed-seed generator strings together sentences that name real crossings (and
//! places the gazetteer does not know), state closures, reopenings and restrictions,
//! and give dates in the forms news uses (`15 April`, `April 15, 2025`, `2025-04-15`,
//! `Tuesday`, `next week`, `until further notice`), between sentences that say nothing
//! about a border. Each article is extracted with its own publication date.
//! Run: `cargo bench --bench extract`.

use borderwatch::extract::extract;
use borderwatch::gazetteer::Gazetteer;
use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const CROSSINGS: &[&str] = &[
    "Torkham",
    "the Chaman border crossing",
    "Wagah",
    "Kuźnica",
    "Terespol",
    "Narva",
    "Vaalimaa",
    "Rafah",
    "Kerem Shalom",
    "Allenby Bridge",
    "Nasib",
    "Bab al-Hawa",
    "the Lazdijai checkpoint",
    "the Koidula border crossing",
    "Medyka",
    "the crossing in Ghulam Khan",
];

const STATUS: &[&str] = &[
    "was closed",
    "remained closed",
    "was reopened",
    "was temporarily reopened",
    "was partially open to trucks",
    "was shut",
    "resumed operations",
    "was sealed",
    "will allow pedestrian crossings",
    "was suspended for freight",
];

const FILLER: &[&str] = &[
    "Traders said the queue of lorries stretched for several kilometres.",
    "Officials did not respond to requests for comment.",
    "The ministry said talks would continue with its neighbour.",
    "Drivers waiting at the gate told reporters they had run out of water.",
    "A spokesman blamed the delays on a shortage of customs staff.",
    "Local markets reported higher prices for fruit and vegetables.",
    "Residents on both sides gathered near the fence to watch.",
    "The chamber of commerce estimated losses at millions of dollars a day.",
];

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A small fixed-seed generator (xorshift), so every run reads the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

fn date_phrase(rng: &mut Rng, published: NaiveDate) -> String {
    let d = published + Duration::days(1 + rng.next(40) as i64);
    let month = MONTHS[d.format("%m").to_string().parse::<usize>().unwrap() - 1];
    let day = d.format("%-d");
    match rng.next(8) {
        0 => format!("until {day} {month}"),
        1 => format!("until {month} {day}, {}", d.format("%Y")),
        2 => format!("until {}", d.format("%Y-%m-%d")),
        3 => format!("on {}", d.format("%A")),
        4 => "until further notice".to_string(),
        5 => format!("from {month} {day}"),
        6 => "next week".to_string(),
        _ => format!("for {} days", 1 + rng.next(30)),
    }
}

fn article(rng: &mut Rng, published: NaiveDate) -> String {
    let mut text = String::new();
    for _ in 0..(6 + rng.next(10)) {
        if rng.next(3) == 0 {
            text.push_str(rng.pick(FILLER));
        } else {
            let crossing = rng.pick(CROSSINGS);
            let status = rng.pick(STATUS);
            let date = date_phrase(rng, published);
            let mut sentence = format!("{crossing} {status} {date}.");
            sentence[..1].make_ascii_uppercase();
            text.push_str(&sentence);
        }
        text.push(if rng.next(4) == 0 { '\n' } else { ' ' });
    }
    text
}

/// About 1 MB of articles, each with its publication date.
fn articles() -> Vec<(String, NaiveDate)> {
    let mut rng = Rng(0x5eed_b0da_2025);
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < 1_000_000 {
        let published = start + Duration::days(rng.next(900) as i64);
        let text = article(&mut rng, published);
        bytes += text.len();
        out.push((text, published));
    }
    out
}

fn bench(c: &mut Criterion) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|(t, _)| t.len()).sum();
    let gazetteer = Gazetteer::built_in();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("generated_articles", |b| {
        b.iter(|| articles.iter().map(|(t, p)| extract(t, *p, &gazetteer, "bench").len()).sum::<usize>());
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
