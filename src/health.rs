//! What the daemon knows of its own health: where each feed's schedule stands, how its
//! last poll ended, fetch errors by reason, alert delivery failures by sink, and config
//! reloads. Feed tasks write the schedule's progress; the counters are bumped only by
//! [`crate::events`], with the event's log line. The watchdog, systemd's `STATUS=`,
//! `/healthz` and `/metrics` read it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// How late a feed may be, beyond its own timeout, before the scheduler counts as
/// stalled. Covers the store's busy timeout and a loaded machine.
pub const GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Shared health state; cheap to lock, never held across an await.
#[derive(Debug, Default)]
pub struct Health {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    feeds: BTreeMap<String, Progress>,
    errors: BTreeMap<(String, &'static str), u64>,
    reloads_ok: u64,
    reloads_failed: u64,
    last_reload_ok: bool,
    delivery_failures: BTreeMap<String, u64>,
}

/// Where one feed's schedule stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// When its poll began, while one is in flight.
    pub polling_since: Option<DateTime<Utc>>,
    /// The next scheduled poll, while it waits.
    pub next: Option<DateTime<Utc>>,
    /// How the last poll ended: `None` before the first.
    pub ok: Option<bool>,
    /// How long a poll may take (the feed's timeout).
    pub timeout: Duration,
}

/// Counters for `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Failed polls by feed and reason.
    pub errors: BTreeMap<(String, &'static str), u64>,
    /// Reloads that took effect.
    pub reloads_ok: u64,
    /// Reloads refused (the old config stayed).
    pub reloads_failed: u64,
    /// Whether the last reload took effect (true before any).
    pub last_reload_ok: bool,
    /// Each feed's last outcome.
    pub feeds: BTreeMap<String, Progress>,
    /// Alert deliveries a sink refused, by sink.
    pub delivery_failures: BTreeMap<String, u64>,
}

impl Health {
    /// Empty state: no feeds yet, and no reload has failed.
    #[must_use]
    pub fn new() -> Self {
        let h = Self::default();
        h.lock().last_reload_ok = true;
        h
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A feed's poll begins.
    pub fn poll_started(&self, feed: &str, timeout: Duration, now: DateTime<Utc>) {
        let mut g = self.lock();
        let p = g.feeds.entry(feed.to_string()).or_default();
        p.polling_since = Some(now);
        p.next = None;
        p.timeout = timeout;
    }

    /// A feed's poll ended, well (`ok`) or not, and the next one is due at `next`
    /// (`None`: the schedule has no more runs).
    pub fn poll_finished(&self, feed: &str, ok: bool, next: Option<DateTime<Utc>>) {
        let mut g = self.lock();
        let p = g.feeds.entry(feed.to_string()).or_default();
        p.polling_since = None;
        p.next = next;
        p.ok = Some(ok);
    }

    /// A feed's poll failed for `reason`: counted by [`crate::events::PollFailed`].
    pub fn poll_failed(&self, feed: &str, reason: &'static str) {
        *self.lock().errors.entry((feed.to_string(), reason)).or_default() += 1;
    }

    /// A feed left the config.
    pub fn forget(&self, feed: &str) {
        let mut g = self.lock();
        g.feeds.remove(feed);
        g.errors.retain(|(f, _), _| f != feed);
    }

    /// A sink refused an alert delivery: counted by [`crate::events::DeliveryFailed`].
    pub fn delivery_failed(&self, sink: &str) {
        *self.lock().delivery_failures.entry(sink.to_string()).or_default() += 1;
    }

    /// A reload took effect (`true`) or was refused: counted by
    /// [`crate::events::ConfigReloaded`] and [`crate::events::ConfigReloadFailed`].
    pub fn reloaded(&self, ok: bool) {
        let mut g = self.lock();
        if ok {
            g.reloads_ok += 1;
        } else {
            g.reloads_failed += 1;
        }
        g.last_reload_ok = ok;
    }

    /// Why the scheduler counts as stalled at `now`, if it does.
    #[must_use]
    pub fn stalled(&self, now: DateTime<Utc>) -> Option<String> {
        stalled(&self.lock().feeds, now)
    }

    /// One line for systemd's `STATUS=`: feeds ok and failing, and the next poll.
    #[must_use]
    pub fn status_line(&self) -> String {
        let g = self.lock();
        let ok = g.feeds.values().filter(|p| p.ok == Some(true)).count();
        let failing = g.feeds.values().filter(|p| p.ok == Some(false)).count();
        let next = g.feeds.iter().filter_map(|(id, p)| p.next.map(|n| (n, id))).min();
        let mut line = format!("{} feeds: {ok} ok, {failing} failing", g.feeds.len());
        if let Some((at, id)) = next {
            line.push_str(&format!("; next poll {} ({id})", at.format("%Y-%m-%dT%H:%M:%SZ")));
        }
        line
    }

    /// A copy of the counters.
    #[must_use]
    pub fn counters(&self) -> Counters {
        let g = self.lock();
        Counters {
            errors: g.errors.clone(),
            reloads_ok: g.reloads_ok,
            reloads_failed: g.reloads_failed,
            last_reload_ok: g.last_reload_ok,
            feeds: g.feeds.clone(),
            delivery_failures: g.delivery_failures.clone(),
        }
    }
}

/// The scheduler is stalled when a poll has run longer than its feed's timeout plus
/// [`GRACE`], or a feed's next poll is more than [`GRACE`] overdue and has not begun.
fn stalled(feeds: &BTreeMap<String, Progress>, now: DateTime<Utc>) -> Option<String> {
    let grace = Duration::from_std(GRACE).expect("grace fits");
    feeds.iter().find_map(|(id, p)| match (p.polling_since, p.next) {
        (Some(since), _) if now - since > p.timeout + grace => {
            Some(format!("feed {id}: poll running for {}s", (now - since).num_seconds()))
        }
        (None, Some(next)) if now - next > grace => {
            Some(format!("feed {id}: poll due {}s ago has not begun", (now - next).num_seconds()))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn a_poll_within_its_timeout_and_grace_is_not_a_stall_and_one_beyond_is() {
        let h = Health::new();
        h.poll_started("cbp", Duration::seconds(10), t(0));
        assert_eq!(h.stalled(t(40)), None);
        let why = h.stalled(t(41)).expect("41 s > 10 s timeout + 30 s grace");
        assert!(why.contains("feed cbp: poll running for 41s"), "{why}");
    }

    #[test]
    fn a_due_poll_that_never_begins_is_a_stall_and_a_finished_one_clears_it() {
        let h = Health::new();
        h.poll_finished("cbp", true, Some(t(100)));
        assert_eq!(h.stalled(t(130)), None);
        assert!(h.stalled(t(131)).expect("overdue").contains("due 31s ago"));
        h.poll_started("cbp", Duration::seconds(10), t(131));
        assert_eq!(h.stalled(t(132)), None);
        h.poll_finished("cbp", false, None);
        assert_eq!(h.stalled(t(10_000)), None, "a schedule with no more runs never stalls");
    }

    #[test]
    fn status_line_counts_feeds_and_names_the_next_poll() {
        let h = Health::new();
        h.poll_finished("a", true, Some(t(60)));
        h.poll_finished("b", false, Some(t(30)));
        h.poll_failed("b", "status");
        h.poll_started("c", Duration::seconds(5), t(0));
        assert_eq!(h.status_line(), "3 feeds: 1 ok, 1 failing; next poll 2027-01-15T08:00:30Z (b)");
        h.forget("b");
        assert_eq!(h.counters().errors.len(), 0);
        assert_eq!(h.status_line(), "2 feeds: 1 ok, 0 failing; next poll 2027-01-15T08:01:00Z (a)");
    }
}
