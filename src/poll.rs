//! One poll of one feed through the pipeline: fetch → parse → normalize → gate → diff →
//! commit (records, history and alerts in one transaction).
//!
//! Failure policy: a fetch or parse failure is not a change. The last good snapshot
//! stays, no status alert fires, the failure is counted, and one `feed_failing` fires
//! when the count reaches the configured threshold. An unchanged poll (304, or the same
//! body as last time) writes nothing unless it ends a failure streak or a crossing is
//! counted missing. A suspect snapshot (see [`crate::diff`]) updates the crossings it
//! reports and holds the removals it implies; an empty one changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use sha2::{Digest, Sha256};

use crate::ack::Ack;
use crate::alert::dispatch::blocking;
use crate::alert::{routes, rules, watch};
use crate::clock::SharedClock;
use crate::config::{Config, FeedConfig};
use crate::diff::{diff, plausible, Diff, Removals, Stored, Suspect};
use crate::events::{
    AlertHeld, BaselineStored, FailureNotRecorded, PollCompleted, PollFailed, PollUnchanged, RecordChanged,
    SnapshotEmpty, SnapshotSuspect,
};
use crate::fetch::{fetch, FetchError, Fetched, HttpFetcher};
use crate::formats::{self, ParseError};
use crate::health::Health;
use crate::model::{Alert, AlertKind, Change, ChangeKind, Record, Said, Severity};
use crate::normalize::{snapshot, Snapshot};
use crate::store::{Apply, FeedState, Store, StoreError};

/// Bodies up to this size are hashed on the async thread (well under a millisecond);
/// larger ones on the blocking thread that settles the poll.
const INLINE_HASH_MAX: usize = 64 << 10;

/// What a poll did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing new (304 or the same body).
    Unchanged,
    /// The first good poll: stored as the baseline, no status alerts.
    Baseline(Snapshot),
    /// A good poll applied, with its changes (possibly none).
    Applied(Snapshot, Vec<Change>),
    /// A shrunken snapshot: the reason, and the changes applied from the crossings it
    /// still reports (the removals it implies are held).
    Suspect(String, Vec<Change>),
    /// A snapshot with no records, held whole; the reason.
    Empty(String),
}

/// Why a poll failed.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// Fetching failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The body could not be read.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The state could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PollError {
    /// A short, fixed label for logs and metrics.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            PollError::Fetch(e) => e.reason(),
            PollError::Parse(_) => "parse",
            PollError::Store(_) => "store",
        }
    }
}

/// The result of one poll and the alerts it queued (only those not fired before).
#[derive(Debug)]
pub struct Report {
    /// Feed id.
    pub feed: String,
    /// What happened.
    pub outcome: Result<Outcome, PollError>,
    /// New alerts committed to the outbox.
    pub alerts: Vec<Alert>,
}

/// What a poll needs.
#[derive(Clone, Debug)]
pub struct Poller {
    /// The config in force.
    pub config: Arc<Config>,
    /// The state.
    pub store: Arc<Mutex<Store>>,
    /// Shared http clients.
    pub http: HttpFetcher,
    /// The clock.
    pub clock: SharedClock,
    /// The last good snapshot of each feed as stored, so a poll need not read it back.
    /// A failed commit leaves the feed out, and the next poll reads the store.
    pub snapshots: Arc<Mutex<HashMap<String, BTreeMap<String, Stored>>>>,
    /// When each feed last fetched and read fine (kept in memory: an unchanged poll
    /// writes nothing); names a failing episode and measures staleness.
    pub last_ok: Arc<Mutex<HashMap<String, DateTime<Utc>>>>,
    /// Where the events of a poll are counted: the daemon's `/metrics` reads it.
    pub health: Arc<Health>,
}

impl Poller {
    /// A poller over `store` with an empty snapshot cache.
    #[must_use]
    pub fn new(config: Arc<Config>, store: Store, clock: SharedClock) -> Self {
        Poller {
            config,
            store: Arc::new(Mutex::new(store)),
            http: HttpFetcher::default(),
            clock,
            snapshots: Arc::default(),
            last_ok: Arc::default(),
            health: Arc::new(Health::new()),
        }
    }
}

impl Poller {
    /// Polls one feed.
    pub async fn poll(&self, feed: &FeedConfig) -> Report {
        let store = Arc::clone(&self.store);
        let id = feed.id.clone();
        match blocking(move || store.lock().expect("store lock").feed_state(&id)).await {
            Ok(state) => self.poll_from(feed, state).await,
            Err(e) => self.report(feed, Err(e.into()), Vec::new()),
        }
    }

    /// Polls `feeds` at once, as one cycle: a single read of every feed's stored state,
    /// then all fetches together (the per-host limits bound them), each feed settled as
    /// its fetch ends. The reports come in the order of `feeds`.
    pub async fn poll_all<'f>(&self, feeds: impl IntoIterator<Item = &'f FeedConfig>) -> Vec<Report> {
        let feeds: Vec<&FeedConfig> = feeds.into_iter().collect();
        let store = Arc::clone(&self.store);
        match blocking(move || store.lock().expect("store lock").feed_states()).await {
            Ok(mut states) => {
                let polls = feeds.iter().map(|f| self.poll_from(f, states.remove(&f.id).unwrap_or_default()));
                join_all(polls).await
            }
            // Each poll reads its own state again and reports what it cannot read.
            Err(_) => join_all(feeds.iter().map(|f| self.poll(f))).await,
        }
    }

    /// Polls one feed whose stored state was read already. The usual poll, unchanged and
    /// without a failure streak (a 304, or a small body with the stored hash, while no
    /// crossing is counted missing), is settled here without touching the store; every
    /// other goes to a blocking thread, which holds the store for the whole commit.
    async fn poll_from(&self, feed: &FeedConfig, state: FeedState) -> Report {
        let now = self.clock.now();
        let fetched = fetch(&self.http, &feed.fetch_spec(), &state.validators).await;
        let hash = match &fetched {
            Ok(Fetched::Body { bytes, .. }) if bytes.len() <= INLINE_HASH_MAX => Some(hex(&Sha256::digest(bytes))),
            _ => None,
        };
        let unchanged = state.failures == 0
            && match &fetched {
                Ok(Fetched::NotModified) => true,
                Ok(Fetched::Body { .. }) => !state.missing && hash.is_some() && hash == state.content_hash,
                Err(_) => false,
            };
        let (outcome, alerts) = if unchanged {
            (Ok(Outcome::Unchanged), Vec::new())
        } else {
            let this = self.clone();
            let feed_c = feed.clone();
            blocking(move || {
                let mut store = this.store.lock().expect("store lock");
                this.settle(&mut store, &feed_c, &state, fetched, hash, now)
            })
            .await
        };
        if matches!(
            outcome,
            Ok(Outcome::Unchanged | Outcome::Baseline(_) | Outcome::Applied(..) | Outcome::Suspect(..))
        ) {
            self.last_ok.lock().expect("last-ok lock").insert(feed.id.clone(), now);
        }
        self.report(feed, outcome, alerts)
    }

    /// Emits the poll's events and builds its report.
    fn report(&self, feed: &FeedConfig, outcome: Result<Outcome, PollError>, alerts: Vec<Alert>) -> Report {
        match &outcome {
            Ok(o) => emit_outcome(&feed.id, o),
            Err(e) => PollFailed { feed: &feed.id, reason: e.reason(), error: e }.emit(&self.health),
        }
        Report { feed: feed.id.clone(), outcome, alerts }
    }

    /// Everything after the fetch, under the store lock. `hash` is the body's, when it
    /// was small enough to hash on the async thread.
    fn settle(
        &self,
        store: &mut Store,
        feed: &FeedConfig,
        state: &FeedState,
        fetched: Result<Fetched, FetchError>,
        hash: Option<String>,
        now: DateTime<Utc>,
    ) -> (Result<Outcome, PollError>, Vec<Alert>) {
        let (failures, baseline, last_hash) = (state.failures, state.good_polls == 0, state.content_hash.as_deref());
        let last_success = state.last_success;
        let threshold = self.config.alerts.failures_before_alert;
        let last_ok = self.last_ok.lock().expect("last-ok lock").get(&feed.id).copied().or(last_success);
        let failing = rules::failing_key(&feed.id, last_ok);
        let recovered = |alerts: &mut Vec<Alert>, store: &Store| -> Result<(), StoreError> {
            if failures > 0 && store.fired(&failing)? {
                alerts.push(rules::feed_recovered(&feed.id, failures, last_ok, now));
            }
            Ok(())
        };
        let result = (|| -> Result<(Outcome, Vec<Alert>), PollError> {
            let (bytes, validators) = match fetched? {
                Fetched::NotModified => return Ok((Outcome::Unchanged, Vec::new())),
                Fetched::Body { bytes, validators } => (bytes, validators),
            };
            let hash = hash.unwrap_or_else(|| hex(&Sha256::digest(&bytes)));
            if last_hash == Some(hash.as_str()) && !store.has_missing(&feed.id)? {
                return Ok((Outcome::Unchanged, Vec::new()));
            }
            let raw = formats::parse_feed(&feed.parse_spec(), &bytes, &self.config.gazetteer, now)?;
            let (mut snap, held) = snapshot(raw, &feed.id, feed.format.name(), &self.config.gazetteer, now)?;
            let cached = self.snapshots.lock().expect("snapshot cache lock").remove(&feed.id);
            let prev = match cached {
                Some(p) => p,
                None => store.records(&feed.id)?,
            };
            for id in &held {
                if let Some(p) = prev.get(id) {
                    snap.insert(id.clone(), p.record.clone());
                }
            }
            let suspect = match plausible(&prev, &snap, self.config.alerts.suspect_drop) {
                Err(why @ Suspect::Empty(_)) => {
                    let fresh = store.queue_alerts(&[rules::feed_suspect(&feed.id, &why.to_string(), &hash, now)])?;
                    return Ok((Outcome::Empty(why.to_string()), fresh));
                }
                Err(why) => Some(why.to_string()),
                Ok(()) => None,
            };
            let removals = match suspect {
                Some(_) => Removals::Held { accept_after: feed.accept_after },
                None => Removals::After(self.config.alerts.removal_after),
            };
            let mut d = diff(&prev, &snap, removals);
            let mut alerts = Vec::new();
            if let (Some(why), false) = (&suspect, d.accepted) {
                alerts.push(rules::feed_suspect(&feed.id, why, &hash, now));
            }
            if d.accepted {
                let (removed, kept): (Vec<Change>, Vec<Change>) =
                    d.changes.iter().cloned().partition(|c| c.kind == ChangeKind::Removed);
                alerts.extend(in_incidents(store, &feed.id, rules::for_changes(&kept, &feed.id, baseline, now))?);
                alerts.push(rules::feed_shape_accepted(&feed.id, &removed, feed.accept_after, now));
            } else {
                alerts.extend(in_incidents(store, &feed.id, rules::for_changes(&d.changes, &feed.id, baseline, now))?);
            }
            recovered(&mut alerts, store)?;
            let watches = &self.config.alerts.watches;
            let mut watch_states = Vec::new();
            if watch::any_watched(watches, &feed.id, &snap) {
                let (states, fired) = watch::observe_all(watches, &feed.id, &snap, &store.watch_states()?, now);
                watch_states = states;
                alerts.extend(fired);
            }
            let current: Vec<&Record> = d.changes.iter().filter_map(|c| c.current.as_ref()).collect();
            let crossings: Vec<&str> = current.iter().map(|r| r.crossing.as_str()).collect();
            for (r, mut said) in current.iter().zip(store.said_elsewhere_each(&crossings, &feed.id)?) {
                if !said.is_empty() {
                    said.push(Said::from(*r));
                    alerts.extend(rules::sources_disagree(&r.crossing, &said, now));
                }
            }
            let refreshed = std::mem::take(&mut d.refreshed);
            let fresh = store.apply(&Apply {
                feed: &feed.id,
                now,
                changes: &d.changes,
                recount: &d.recount,
                validators: &validators,
                content_hash: &hash,
                alerts: &alerts,
                watches: &watch_states,
                refreshed: &refreshed,
            })?;
            let next = next_stored(prev, &d, refreshed);
            self.snapshots.lock().expect("snapshot cache lock").insert(feed.id.clone(), next);
            let outcome = match suspect {
                _ if baseline => Outcome::Baseline(snap),
                Some(why) if !d.accepted => Outcome::Suspect(why, d.changes),
                _ => Outcome::Applied(snap, d.changes),
            };
            Ok((outcome, fresh))
        })();
        match result {
            Ok((Outcome::Unchanged, _)) if failures > 0 => {
                let mut alerts = Vec::new();
                if let Err(e) = recovered(&mut alerts, store) {
                    return (Err(e.into()), Vec::new());
                }
                match store.note_recovery(&feed.id, now, &alerts) {
                    Ok(fresh) => (Ok(Outcome::Unchanged), fresh),
                    Err(e) => (Err(e.into()), Vec::new()),
                }
            }
            Ok((o, fresh)) => (Ok(o), fresh),
            Err(e) => {
                let count = failures + 1;
                let stale = feed.stale_after.is_some_and(|limit| last_ok.is_none_or(|t| now - t >= limit));
                let alerts = if count >= threshold || stale {
                    vec![rules::feed_failing(&feed.id, count, &e.to_string(), last_ok, now)]
                } else {
                    Vec::new()
                };
                match store.note_failure(&feed.id, &e.to_string(), &alerts) {
                    Ok(fresh) => (Err(e), fresh),
                    Err(store_err) => {
                        FailureNotRecorded { feed: &feed.id, error: &store_err }.emit();
                        (Err(e), Vec::new())
                    }
                }
            }
        }
    }
}

/// Status alerts of `feed`, each put into the incident the ledger says its crossing is in
/// (what was firing is known from the store, across restarts): a reopening resolves the
/// closure it ends.
fn in_incidents(store: &Store, feed: &str, mut alerts: Vec<Alert>) -> Result<Vec<Alert>, StoreError> {
    let prefixes: Vec<String> =
        alerts.iter().filter_map(|a| a.crossing.as_ref()).map(|c| format!("status:{c}:{feed}:")).collect();
    let mut last = store.latest_alerts(&prefixes)?.into_iter();
    for a in alerts.iter_mut().filter(|a| a.crossing.is_some()) {
        let last = last.next().flatten();
        rules::join_incident(a, last.as_ref().and_then(rules::open_incident));
    }
    Ok(alerts)
}

/// What the store holds for a feed after a diff (and the `refreshed` values) was applied,
/// without reading it back.
fn next_stored(mut prev: BTreeMap<String, Stored>, d: &Diff, refreshed: Vec<Record>) -> BTreeMap<String, Stored> {
    for r in refreshed {
        if let Some(s) = prev.get_mut(&r.crossing) {
            s.record = r;
        }
    }
    for c in &d.changes {
        match &c.current {
            Some(r) => {
                prev.insert(c.crossing.clone(), Stored { record: r.clone(), missing: 0 });
            }
            None => {
                prev.remove(&c.crossing);
            }
        }
    }
    for s in prev.values_mut() {
        s.missing = d.recount.get(&s.record.crossing).copied().unwrap_or(s.missing);
    }
    prev
}

fn emit_outcome(feed: &str, o: &Outcome) {
    match o {
        Outcome::Unchanged => PollUnchanged { feed }.emit(),
        Outcome::Baseline(s) => BaselineStored { feed, records: s.len() }.emit(),
        Outcome::Applied(s, c) => {
            emit_changes(feed, c);
            PollCompleted { feed, records: s.len(), changes: c.len() }.emit();
        }
        Outcome::Suspect(reason, c) => {
            emit_changes(feed, c);
            SnapshotSuspect { feed, reason, changes: c.len() }.emit();
        }
        Outcome::Empty(reason) => SnapshotEmpty { feed, reason }.emit(),
    }
}

fn emit_changes(feed: &str, changes: &[Change]) {
    for ch in changes {
        RecordChanged { feed, crossing: &ch.crossing, change: ch.kind.as_str() }.emit();
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What the passing of time makes due: the expiry ladder of ends at least as sure as
/// `arm_expiry`, one `needs_review` for each less sure end, route alerts and, when
/// `repeat_closed` is set, reminders of lasting closures, and the `threshold_crossed` of
/// each `[[watch]]` whose hold has ended. A reminder of something an ack in force covers
/// is recorded as held by it, and logged, not queued. After the state was rebuilt
/// from corruption, what came due before the rebuild is held, not sent: the lost state
/// most likely sent it already. Reads the records once, queues
/// the due alerts in one transaction (a watch's in another, with its state), and returns
/// the new ones with the next instant at which something else comes due (what the expiry
/// clock sleeps until).
///
/// # Errors
/// A [`StoreError`] when records cannot be read or alerts written.
pub fn queue_due(
    store: &mut Store,
    alerts: &crate::config::AlertsConfig,
    routes: &[crate::config::RouteConfig],
    now: DateTime<Utc>,
) -> Result<(Vec<Alert>, Option<DateTime<Utc>>), StoreError> {
    let records = store.all_records(now)?;
    queue_due_for(store, &records, alerts, routes, now)
}

/// [`queue_due`] over every current record as the caller read it from `store` just now.
///
/// # Errors
/// A [`StoreError`] when alerts cannot be written.
pub fn queue_due_for(
    store: &mut Store,
    records: &[(crate::model::Record, DateTime<Utc>)],
    alerts: &crate::config::AlertsConfig,
    routes: &[crate::config::RouteConfig],
    now: DateTime<Utc>,
) -> Result<(Vec<Alert>, Option<DateTime<Utc>>), StoreError> {
    let (leads, arm) = (&alerts.lead_times, alerts.arm_expiry);
    // Each due alert with whether it is a reminder (ladder steps, a route's last-crossing
    // steps, which are warnings, and reminders of lasting closures): what an ack holds.
    // News (reviews, a route blocked or cleared, critical) never is.
    let mut due: Vec<(Alert, bool)> =
        rules::ladder_due(records, leads, arm, now).into_iter().map(|a| (a, true)).collect();
    due.extend(rules::reviews_due(records, arm, now).into_iter().map(|a| (a, false)));
    let mut blocks = BTreeMap::new();
    for route in routes {
        let Some(last) = store.latest_alert(&routes::blocked_prefix(&route.id), None)? else { continue };
        if !store.fired(&routes::cleared_key(&last.key))? {
            let incident = last.incident.unwrap_or_else(|| last.key.clone());
            blocks.insert(route.id.clone(), routes::OpenBlock { key: last.key, incident });
        }
    }
    due.extend(routes::routes_due(routes, records, &blocks, leads, arm, now).into_iter().map(|a| {
        let step = a.alert == AlertKind::RouteBlocked && a.severity != Severity::Critical;
        (a, step)
    }));
    let mut next = rules::next_ladder_instant(records, leads, arm, now);
    if let Some(every) = alerts.repeat_closed {
        for mut a in rules::repeats_due(records, every, now) {
            // A reminder fires again in its closure's incident, as Alertmanager repeats a
            // firing alert under one fingerprint; looked up only for one not yet fired.
            if let (false, Some(c), Some(source)) = (store.fired(&a.key)?, &a.crossing, &a.source) {
                let last = store.latest_alert(&format!("status:{c}:"), Some(source))?;
                a.incident = last.as_ref().and_then(rules::open_incident);
            }
            due.push((a, true));
        }
        next = next.into_iter().chain(rules::next_repeat_instant(records, every, now)).min();
    }
    let current = crate::ack::statuses(records);
    let acks: Vec<Ack> = store.acks()?.into_iter().filter(|k| k.in_force(&current, now)).collect();
    let (mut due, acked) = crate::ack::hold(due, &acks);
    let mut held = Vec::new();
    if let Some(rebuilt) = store.rebuilt_at(now)? {
        (held, due) = due.into_iter().partition(|a| a.at <= rebuilt);
    }
    if !acked.is_empty() {
        let acked: Vec<(Alert, String)> = acked.into_iter().map(|(a, k)| (a, k.id.clone())).collect();
        for (a, id) in store.hold_for_acks(&acked)? {
            if let Some(k) = acks.iter().find(|k| k.id == id) {
                AlertHeld { alert: &a, ack: k }.emit();
            }
        }
    }
    let mut fresh = store.queue_and_hold(&due, &held)?;
    if !alerts.watches.is_empty() {
        let states = store.watch_states()?;
        let (settled, fired) = watch::due(&alerts.watches, &states, now);
        if !settled.is_empty() {
            fresh.extend(store.settle_watches(&settled, &fired)?);
        }
        next = next.into_iter().chain(watch::next_due(&alerts.watches, &states, now)).min();
    }
    Ok((fresh, next))
}
