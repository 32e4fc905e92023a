//! Random histories of several feeds, from a seed: statuses flipping, `until` set, moved,
//! cleared and flipped back, scopes changing, crossings dropped once, dropped for good
//! and re-added, feeds shrinking to one crossing for a few polls or sending nothing, the
//! clock moving 1 h to 3 d between polls, and restarts (a new poller on the same state
//! file, as each `borderwatch check` is). A history is plain data, so a failing one can
//! be replayed and cut down.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};

use super::reference::Entry;

pub const CROSSINGS: [(&str, chrono_tz::Tz); 5] = [
    ("torkham", chrono_tz::Asia::Karachi),
    ("milak", chrono_tz::Asia::Kabul),
    ("kapikoy", chrono_tz::Europe::Istanbul),
    ("otay-mesa", chrono_tz::America::Los_Angeles),
    ("nogales", chrono_tz::America::Phoenix),
];
pub const FEEDS: [&str; 3] = ["f0", "f1", "f2"];
const STATUSES: [&str; 4] = ["open", "closed", "restricted", "unknown"];

/// One poll: the clock moves, maybe the poller restarts, one feed is polled.
#[derive(Debug, Clone)]
pub struct Step {
    pub advance: Duration,
    pub restart: bool,
    pub feed: usize,
    pub body: Vec<Entry>,
}

/// splitmix64: small, seedable, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[usize::try_from(self.below(xs.len() as u64)).expect("small")]
    }
}

/// What a feed would say if nothing went wrong, and how long it keeps shrinking.
#[derive(Default, Clone)]
struct Truth {
    entries: Vec<Entry>,
    shrink_left: u32,
}

fn mutate(rng: &mut Rng, truth: &mut Vec<Entry>, today: DateTime<Utc>) {
    let (crossing, _) = rng.pick(&CROSSINGS);
    let Some(i) = truth.iter().position(|e| e.crossing == crossing) else {
        truth.push(Entry { crossing, status: rng.pick(&STATUSES), until: None, scope: None });
        truth.sort_by_key(|e| e.crossing);
        return;
    };
    let e = &mut truth[i];
    match rng.below(6) {
        0 | 1 => e.status = rng.pick(&STATUSES),
        2 => {
            let day = today + Duration::days(i64::try_from(rng.below(16)).expect("small"));
            e.until = Some(day.format("%Y-%m-%d").to_string());
        }
        3 => e.until = None,
        4 => e.scope = if e.scope.is_some() { None } else { Some("cargo only") },
        _ => {
            truth.remove(i);
        }
    }
}

/// A history of `polls` polls from `seed`, starting at `start`.
pub fn generate(seed: u64, polls: usize, start: DateTime<Utc>) -> Vec<Step> {
    let mut rng = Rng::new(seed);
    let mut truths = vec![Truth::default(); FEEDS.len()];
    for t in &mut truths {
        while t.entries.len() < 3 {
            mutate(&mut rng, &mut t.entries, start);
        }
    }
    let mut now = start;
    let mut steps = Vec::new();
    for _ in 0..polls {
        let advance = Duration::hours(1 + i64::try_from(rng.below(72)).expect("small"));
        now += advance;
        let feed = usize::try_from(rng.below(FEEDS.len() as u64)).expect("small");
        let t = &mut truths[feed];
        for _ in 0..rng.below(3) {
            mutate(&mut rng, &mut t.entries, now);
        }
        if t.shrink_left == 0 && t.entries.len() >= 3 && rng.chance(8) {
            t.shrink_left = 1 + u32::try_from(rng.below(4)).expect("small");
        }
        let body = if t.shrink_left > 0 {
            t.shrink_left -= 1;
            t.entries[..1].to_vec()
        } else if rng.chance(4) {
            Vec::new()
        } else if !t.entries.is_empty() && rng.chance(12) {
            let skip = t.entries[usize::try_from(rng.below(t.entries.len() as u64)).expect("small")].crossing;
            t.entries.iter().filter(|e| e.crossing != skip).cloned().collect()
        } else {
            t.entries.clone()
        };
        steps.push(Step { advance, restart: rng.chance(30), feed, body });
    }
    steps
}

/// The native feed body of a step.
pub fn body(entries: &[Entry]) -> String {
    let recs: Vec<_> = entries
        .iter()
        .map(|e| serde_json::json!({"crossing": e.crossing, "status": e.status, "until": e.until, "scope": e.scope}))
        .collect();
    serde_json::json!({ "records": recs }).to_string()
}

/// One row of the table a failure prints.
pub struct Row {
    pub at: DateTime<Utc>,
    pub step: Step,
    pub expected: Vec<String>,
    pub got: Vec<String>,
}

/// The polls as a table: time, feed, what it said, the alerts expected and those fired.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(" # | time (UTC)        | restart | feed | body | expected | fired\n");
    for (i, r) in rows.iter().enumerate() {
        let said: Vec<String> = r
            .step
            .body
            .iter()
            .map(|e| {
                let mut x = format!("{}={}", e.crossing, e.status);
                if let Some(u) = &e.until {
                    let _ = write!(x, "<{u}");
                }
                if let Some(sc) = e.scope {
                    let _ = write!(x, "[{sc}]");
                }
                x
            })
            .collect();
        let mark = if r.expected == r.got { "" } else { "  <-- differs" };
        let _ = writeln!(
            s,
            "{i:>2} | {} | {} | {} | {} | {} | {}{mark}",
            r.at.format("%Y-%m-%d %H:%M"),
            if r.step.restart { "yes" } else { "no " },
            FEEDS[r.step.feed],
            if said.is_empty() { "(no records)".to_string() } else { said.join(" ") },
            r.expected.join(" "),
            r.got.join(" "),
        );
    }
    s
}
