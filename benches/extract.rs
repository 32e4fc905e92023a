//! Extraction throughput on about 1.2 MB of article-like text written for this
//! benchmark, with the full built-in gazetteer: a fixed-seed generator strings together
//! sentences that name crossings drawn from the gazetteer (display names, either side's
//! name, aliases, local-script names; and places it does not know), state closures,
//! reopenings and restrictions, and give dates and times in the forms news uses
//! (`15 April`, `April 15th`, `15.04.2025`, `2025-04-15`, `Tuesday`, `from 6 p.m.
//! Friday until 6 a.m. Monday`, `for five days starting Monday`, `next week`, `until
//! further notice`), between sentences that say nothing about a border. Each article is
//! extracted with its own publication date.
//!
//! Also prints the memory the gazetteer adds: the heap it holds and its peak while it is
//! built, counted by this binary's allocator, and the growth of resident memory
//! (`/proc/self/statm`) across building it.
//! Run: `cargo bench --bench extract`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use borderwatch::extract::extract;
use borderwatch::gazetteer::Gazetteer;
use chrono::{Datelike, Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The system allocator, counting the bytes live on the heap.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Places the gazetteer does not know, named the ways news names them.
const UNKNOWN: &[&str] = &[
    "the Nowhere border crossing",
    "the crossing at Ghulam Khan",
    "the Oldbridge checkpoint",
    "Eastfield Port of Entry",
    "the Redhill border post",
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
    "will reopen",
    "will be closed to cargo",
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
    "The minister is due to visit the capital on Thursday.",
    "A ceasefire agreed last week is set to expire at midnight.",
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

const COUNTS: &[&str] = &["two", "three", "four", "five", "six", "seven", "ten"];

/// A small fixed-seed generator (xorshift), so every run reads the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &'a [impl AsRef<str>]) -> &'a str {
        from[self.next(from.len())].as_ref()
    }
}

/// How an article names the crossings of the gazetteer: every name and alias, bare or
/// with a crossing word.
fn crossing_names(gazetteer: &Gazetteer) -> Vec<String> {
    let mut out = Vec::new();
    for c in gazetteer.iter() {
        for (k, n) in std::iter::once(&c.name).chain(&c.aliases).enumerate() {
            out.push(match k % 3 {
                0 => n.clone(),
                1 => format!("the {n} border crossing"),
                _ => format!("the crossing at {n}"),
            });
        }
    }
    out
}

fn date_phrase(rng: &mut Rng, published: NaiveDate) -> String {
    let d = published + Duration::days(1 + rng.next(40) as i64);
    let month = MONTHS[d.month0() as usize];
    let day = d.day();
    let weekday = d.format("%A");
    match rng.next(12) {
        0 => format!("until {day} {month}"),
        1 => format!("until {month} {day}th"),
        2 => format!("until {}", d.format("%d.%m.%Y")),
        3 => format!("until {}", d.format("%Y-%m-%d")),
        4 => format!("on {weekday}"),
        5 => "from 6 p.m. Friday until 6 a.m. Monday".to_string(),
        6 => format!("for {} days starting {weekday}", rng.pick(COUNTS)),
        7 => "until further notice".to_string(),
        8 => format!("from {month} {day}, {}", d.year()),
        9 => "next week".to_string(),
        10 => format!("at 7:15 a.m. on {day} {month}"),
        _ => format!("for {} days", 1 + rng.next(30)),
    }
}

fn article(rng: &mut Rng, published: NaiveDate, names: &[String]) -> String {
    let mut text = String::new();
    for _ in 0..(6 + rng.next(10)) {
        if rng.next(3) == 0 {
            text.push_str(rng.pick(FILLER));
        } else {
            let crossing = if rng.next(10) == 0 { rng.pick(UNKNOWN) } else { rng.pick(names) };
            let status = rng.pick(STATUS);
            let date = date_phrase(rng, published);
            let mut sentence = format!("{crossing} {status} {date}.");
            if let Some(first) = sentence.get(..1) {
                let upper = first.to_ascii_uppercase();
                sentence.replace_range(..1, &upper);
            }
            text.push_str(&sentence);
        }
        text.push(if rng.next(4) == 0 { '\n' } else { ' ' });
    }
    text
}

/// About 1.2 MB of articles, each with its publication date.
fn articles(names: &[String]) -> Vec<(String, NaiveDate)> {
    let mut rng = Rng(0x5eed_b0da_2025);
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let mut out = Vec::new();
    let mut bytes = 0;
    while bytes < 1_200_000 {
        let published = start + Duration::days(rng.next(900) as i64);
        let text = article(&mut rng, published, names);
        bytes += text.len();
        out.push((text, published));
    }
    out
}

/// Resident memory of this process, in bytes (Linux).
fn resident() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm.split(' ').nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    pages * usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

fn bench(c: &mut Criterion) {
    let mib = |b: usize| b as f64 / 1_048_576.0;
    let (before, rss) = (LIVE.load(Ordering::Relaxed), resident());
    PEAK.store(before, Ordering::Relaxed);
    let gazetteer = Gazetteer::built_in();
    eprintln!(
        "gazetteer: {} crossings; heap {:.2} MiB held, {:.2} MiB at peak while built; resident +{:.2} MiB",
        gazetteer.iter().count(),
        mib(LIVE.load(Ordering::Relaxed) - before),
        mib(PEAK.load(Ordering::Relaxed) - before),
        mib(resident().saturating_sub(rss)),
    );
    let articles = articles(&crossing_names(&gazetteer));
    let bytes: usize = articles.iter().map(|(t, _)| t.len()).sum();
    let records: usize = articles.iter().map(|(t, p)| extract(t, *p, &gazetteer, "bench").len()).sum();
    eprintln!("text: {} articles, {bytes} bytes, {records} records", articles.len());
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
