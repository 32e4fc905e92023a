//! The dispatcher: delivers what the outbox holds for each sink and marks each delivery
//! only after the sink accepted it. Sinks are served side by side, so a slow webhook does
//! not hold up the desktop. An alert a sink refused stays pending, and the sink's round
//! stops there (order is kept, a dead endpoint is not hammered); the daemon retries with
//! exponential backoff. A crash between delivery and marking delivers again with the
//! same key. An alert a sink's filters keep back is recorded as filtered for it: it
//! neither holds up the sink's outbox nor counts as a delivery or a failure. In a sink's
//! quiet hours all but critical alerts stay queued; the next round after the quiet hours
//! delivers them.

use std::sync::{Arc, Mutex};

use crate::alert::Sink;
use crate::clock::SharedClock;
use crate::events::DeliveryFailed;
use crate::health::Health;
use crate::model::Severity;
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
        let (delivered, refused) = r?;
        total.delivered += delivered;
        if let Some(wait) = refused {
            total.failed_sinks += 1;
            total.retry_after = total.retry_after.max(wait.map(|w| w.min(MAX_RETRY_AFTER)));
        }
    }
    Ok(total)
}

/// Works one sink's outbox; the second value is `Some` (holding the wait it asked for)
/// when the sink refused an alert.
async fn deliver_to(
    store: &Arc<Mutex<Store>>,
    sink: &dyn Sink,
    clock: &SharedClock,
    health: &Health,
) -> Result<(usize, Option<Option<std::time::Duration>>), StoreError> {
    let pending = {
        let s = Arc::clone(store);
        let name = sink.name().to_string();
        blocking(move || s.lock().expect("store lock").pending(&name)).await?
    };
    let mut delivered = 0;
    let quiet = sink.quiet_hours().is_some_and(|q| q.holds(clock.now()));
    for alert in pending {
        if !sink.accepts(&alert) {
            let (s, key, name) = (Arc::clone(store), alert.key.clone(), sink.name().to_string());
            blocking(move || s.lock().expect("store lock").mark_filtered(&key, &name)).await?;
            continue;
        }
        if quiet && alert.severity != Severity::Critical {
            continue;
        }
        if let Err(e) = sink.deliver(&alert).await {
            DeliveryFailed { sink: sink.name(), key: &alert.key, error: &e }.emit(health);
            return Ok((delivered, Some(e.retry_after)));
        }
        let (s, key, name, now) = (Arc::clone(store), alert.key.clone(), sink.name().to_string(), clock.now());
        blocking(move || s.lock().expect("store lock").mark_delivered(&key, &name, now)).await?;
        delivered += 1;
    }
    Ok((delivered, None))
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
