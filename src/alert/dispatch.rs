//! The dispatcher: delivers what the outbox holds for each sink and marks each delivery
//! only after the sink accepted it. An alert a sink refused stays pending and is tried
//! again on the next round; a crash between delivery and marking delivers it again with
//! the same key.

use std::sync::{Arc, Mutex};

use crate::alert::Sink;
use crate::clock::SharedClock;
use crate::store::{Store, StoreError};

/// Delivers every pending alert to every sink; returns how many deliveries succeeded.
///
/// # Errors
/// A [`StoreError`] when the outbox cannot be read or a delivery cannot be recorded.
pub async fn deliver_pending(
    store: &Arc<Mutex<Store>>,
    sinks: &[Box<dyn Sink>],
    clock: &SharedClock,
) -> Result<usize, StoreError> {
    let mut delivered = 0;
    for sink in sinks {
        let pending = {
            let s = Arc::clone(store);
            let name = sink.name().to_string();
            blocking(move || s.lock().expect("store lock").pending(&name)).await?
        };
        for alert in pending {
            match sink.deliver(&alert).await {
                Ok(()) => {
                    let (s, key, name, now) =
                        (Arc::clone(store), alert.key.clone(), sink.name().to_string(), clock.now());
                    blocking(move || s.lock().expect("store lock").mark_delivered(&key, &name, now)).await?;
                    delivered += 1;
                }
                Err(e) => {
                    tracing::warn!(event.action = "alert_delivery_failed", borderwatch.alert.key = %alert.key, error = %e, "Alert delivery failed; it stays queued.");
                }
            }
        }
    }
    Ok(delivered)
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking store task panicked")
}
