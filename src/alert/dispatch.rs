//! The dispatcher: delivers what the outbox holds for each sink and marks each delivery
//! only after the sink accepted it. Sinks are served side by side, so a slow webhook does
//! not hold up the desktop. An alert a sink refused stays pending, and the sink's round
//! stops there (order is kept, a dead endpoint is not hammered); the daemon retries with
//! exponential backoff. A crash between delivery and marking delivers again with the
//! same key. An alert a sink's filters keep back is recorded as filtered for it: it
//! neither holds up the sink's outbox nor counts as a delivery or a failure. In a sink's
//! quiet hours all but critical alerts stay queued; the next round after the quiet hours
//! delivers them. A sink with a `digest` window gets its critical alerts at once and the
//! others gathered: once the oldest of them has waited the window, all of them go as one
//! delivery and are marked delivered together.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::alert::Sink;
use crate::clock::SharedClock;
use crate::events::DeliveryFailed;
use crate::health::Health;
use crate::model::{Alert, Severity};
use crate::store::{Store, StoreError};

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Deliveries a sink accepted.
    pub delivered: usize,
    /// Sinks that refused an alert this round.
    pub failed_sinks: usize,
    /// The longest wait a refusing sink asked for before the next attempt, at most
    /// [`MAX_RETRY_AFTER`].
    pub retry_after: Option<std::time::Duration>,
    /// The earliest instant a digest some sink gathers comes due.
    pub next_digest: Option<DateTime<Utc>>,
}

/// What one sink's round did.
#[derive(Debug, Default)]
struct SinkRound {
    delivered: usize,
    /// `Some` (holding the wait the sink asked for) when the sink refused an alert.
    refused: Option<Option<std::time::Duration>>,
    /// When the digest the sink gathers comes due.
    digest_due: Option<DateTime<Utc>>,
}

/// Delivers every pending alert to every sink.
///
/// # Errors
/// A [`StoreError`] when the outbox cannot be read or a delivery cannot be recorded.
pub async fn deliver_pending(
    store: &Arc<Mutex<Store>>,
    sinks: &[Box<dyn Sink>],
    clock: &SharedClock,
    health: &Health,
) -> Result<Round, StoreError> {
    let rounds =
        futures_util::future::join_all(sinks.iter().map(|s| deliver_to(store, s.as_ref(), clock, health))).await;
    let mut total = Round::default();
    for r in rounds {
        let r = r?;
        total.delivered += r.delivered;
        if let Some(wait) = r.refused {
            total.failed_sinks += 1;
            total.retry_after = total.retry_after.max(wait.map(|w| w.min(MAX_RETRY_AFTER)));
        }
        total.next_digest = total.next_digest.into_iter().chain(r.digest_due).min();
    }
    Ok(total)
}

/// Works one sink's outbox: each alert on its own, or, for a sink with a digest window,
/// the critical ones on their own and the others gathered ([`gathered`]).
async fn deliver_to(
    store: &Arc<Mutex<Store>>,
    sink: &dyn Sink,
    clock: &SharedClock,
    health: &Health,
) -> Result<SinkRound, StoreError> {
    let pending = {
        let s = Arc::clone(store);
        let name = sink.name().to_string();
        blocking(move || s.lock().expect("store lock").pending(&name)).await?
    };
    let mut round = SinkRound::default();
    let quiet = sink.quiet_hours().is_some_and(|q| q.holds(clock.now()));
    let mut held = Vec::new();
    for alert in pending {
        if !sink.accepts(&alert) {
            let (s, key, name) = (Arc::clone(store), alert.key.clone(), sink.name().to_string());
            blocking(move || s.lock().expect("store lock").mark_filtered(&key, &name)).await?;
            continue;
        }
        if quiet && alert.severity != Severity::Critical {
            continue;
        }
        if sink.digest().is_some() && alert.severity != Severity::Critical {
            held.push(alert);
            continue;
        }
        if let Err(e) = sink.deliver(&alert).await {
            DeliveryFailed { sink: sink.name(), key: &alert.key, error: &e }.emit(health);
            round.refused = Some(e.retry_after);
            return Ok(round);
        }
        mark_delivered(store, sink, std::slice::from_ref(&alert), clock).await?;
        round.delivered += 1;
    }
    let Some(window) = sink.digest() else { return Ok(round) };
    let Some(due) = gathered(&held, window, clock.now()) else { return Ok(round) };
    if due > clock.now() {
        round.digest_due = Some(due);
        return Ok(round);
    }
    let sent = match held.as_slice() {
        [one] => sink.deliver(one).await,
        many => sink.deliver_digest(many).await,
    };
    if let Err(e) = sent {
        DeliveryFailed { sink: sink.name(), key: &super::digest::key(&held), error: &e }.emit(health);
        round.refused = Some(e.retry_after);
        return Ok(round);
    }
    mark_delivered(store, sink, &held, clock).await?;
    round.delivered += held.len();
    Ok(round)
}

/// When the digest of `held` comes due: `window` after the oldest alert in it came due
/// (its `at`; one whose `at` cannot be read counts as due at `now`). Read from the
/// outbox every round, so a restart neither loses a window nor starts it again.
fn gathered(held: &[Alert], window: chrono::Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    held.iter()
        .map(|a| DateTime::parse_from_rfc3339(&a.at).map_or(now, |t| t.with_timezone(&Utc)))
        .min()
        .map(|oldest| oldest + window)
}

/// Records that `sink` accepted `alerts`, in one transaction.
async fn mark_delivered(
    store: &Arc<Mutex<Store>>,
    sink: &dyn Sink,
    alerts: &[Alert],
    clock: &SharedClock,
) -> Result<(), StoreError> {
    let keys: Vec<String> = alerts.iter().map(|a| a.key.clone()).collect();
    let (s, name, now) = (Arc::clone(store), sink.name().to_string(), clock.now());
    blocking(move || s.lock().expect("store lock").mark_delivered(&keys, &name, now)).await
}

/// The longest pause a sink's refusal can impose on the dispatcher (the backoff's
/// ceiling): a server asking for more is tried again after this, and refuses again if
/// it must, rather than holding every sink's alerts for as long as it likes.
pub const MAX_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(300);

/// The wait before retry `attempt` (1-based): 1 s doubling to at most 5 minutes, with up
/// to 25% jitter so that many daemons do not retry in step.
#[must_use]
pub fn backoff(attempt: u32, jitter: f64) -> std::time::Duration {
    let base = 2f64.powi(i32::try_from(attempt.saturating_sub(1).min(16)).unwrap_or(16)).min(300.0);
    std::time::Duration::from_secs_f64(base * (1.0 + 0.25 * jitter.clamp(0.0, 1.0)))
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking store task panicked")
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_to_five_minutes() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(2, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(5, 0.0), Duration::from_secs(16));
        assert_eq!(backoff(30, 0.0), Duration::from_secs(300));
        assert_eq!(backoff(1, 1.0), Duration::from_millis(1250));
    }
}
