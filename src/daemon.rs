//! The daemon: one task per feed on its schedule, an expiry clock that sleeps until the
//! next ladder instant, and a dispatcher that works the outbox.
//!
//! Tasks talk through `Notify` handles, never by polling shared state: a committed poll
//! wakes the dispatcher and the expiry clock; shutdown is a cancellation token. Every
//! feed is polled once at start (catch-up after downtime), then on its schedule.

use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::alert::desktop::DesktopSink;
use crate::alert::dispatch::backoff;
use crate::alert::dispatch::blocking;
use crate::alert::webhook::WebhookSink;
use crate::alert::{deliver_pending, LogSink, Sink};
use crate::clock::SharedClock;
use crate::config::{Config, FeedConfig, SinkConfig};
use crate::poll::{queue_due, Poller};
use crate::sd_notify::SdNotify;
use crate::store::{Store, StoreError};

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The state could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The most the expiry clock sleeps before looking again (records may have changed
/// without a wake-up, e.g. by another process).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(3600);

/// The sinks a config asks for; the log sink is always first.
#[must_use]
pub fn sinks(config: &Config) -> Vec<Box<dyn Sink>> {
    let mut out: Vec<Box<dyn Sink>> = vec![Box::new(LogSink)];
    for s in &config.sinks {
        match s {
            SinkConfig::Log => {}
            SinkConfig::Desktop(quiet) => out.push(Box::new(DesktopSink::new(*quiet))),
            SinkConfig::Webhook(w) => match WebhookSink::new(w.clone()) {
                Ok(sink) => out.push(Box::new(sink)),
                Err(e) => tracing::error!(error = %e, "Webhook sink cannot start; its alerts stay queued."),
            },
        }
    }
    out
}

/// Runs the daemon until `shutdown` is cancelled.
///
/// # Errors
/// A [`RunError`] when the state cannot be opened; later failures are logged and the
/// daemon keeps running.
pub async fn run(config: Config, clock: SharedClock, shutdown: CancellationToken) -> Result<(), RunError> {
    let path = config.daemon.state.clone();
    let store = blocking(move || Store::open(&path)).await?;
    let poller = Poller::new(Arc::new(config), store, clock);
    let sinks: Arc<Vec<Box<dyn Sink>>> = Arc::new(sinks(&poller.config));
    let dispatch = Arc::new(Notify::new());
    let records_changed = Arc::new(Notify::new());
    tracing::info!(
        event.action = "start",
        feeds = poller.config.feeds.len(),
        state = %poller.config.daemon.state.display(),
        config = %poller.config.path.display(),
        "Daemon started."
    );

    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(dispatcher(poller.clone(), Arc::clone(&sinks), Arc::clone(&dispatch), shutdown.clone()));
    tasks.spawn(expiry_clock(poller.clone(), Arc::clone(&dispatch), Arc::clone(&records_changed), shutdown.clone()));
    for feed in poller.config.feeds.clone() {
        tasks.spawn(feed_task(
            poller.clone(),
            feed,
            Arc::clone(&dispatch),
            Arc::clone(&records_changed),
            shutdown.clone(),
        ));
    }
    let systemd = Arc::new(SdNotify::from_env());
    systemd.send(&format!("READY=1\nSTATUS=Watching {} feeds", poller.config.feeds.len()));
    if let Some(every) = SdNotify::watchdog_interval() {
        tasks.spawn(watchdog(poller.clone(), Arc::clone(&systemd), every, shutdown.clone()));
    }
    shutdown.cancelled().await;
    systemd.send("STOPPING=1");
    while tasks.join_next().await.is_some() {}
    if let Err(e) = deliver_pending(&poller.store, &sinks, &poller.clock).await {
        tracing::error!(error = %e, "Final alert delivery failed.");
    }
    tracing::info!(event.action = "stop", "Daemon stopped.");
    Ok(())
}

async fn feed_task(
    p: Poller,
    feed: FeedConfig,
    dispatch: Arc<Notify>,
    changed: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        let report = tokio::select! {
            r = p.poll(&feed) => r,
            () = shutdown.cancelled() => return,
        };
        if matches!(report.outcome, Ok(crate::poll::Outcome::Baseline(_) | crate::poll::Outcome::Applied(..))) {
            changed.notify_one();
        }
        if !report.alerts.is_empty() {
            dispatch.notify_one();
        }
        let now = p.clock.now();
        let Some(next) = feed.schedule.next_after(now) else {
            tracing::warn!(borderwatch.feed.id = %feed.id, schedule = feed.schedule.pattern(), "Schedule has no further runs; feed stops.");
            return;
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tracing::debug!(borderwatch.feed.id = %feed.id, next = %next, "Next poll scheduled.");
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

async fn expiry_clock(p: Poller, dispatch: Arc<Notify>, changed: Arc<Notify>, shutdown: CancellationToken) {
    loop {
        let now = p.clock.now();
        let (store, config) = (Arc::clone(&p.store), Arc::clone(&p.config));
        let step =
            blocking(move || queue_due(&mut store.lock().expect("store lock"), &config.alerts, &config.routes, now))
                .await;
        let next = match step {
            Ok((fresh, next)) => {
                if !fresh.is_empty() {
                    dispatch.notify_one();
                }
                next
            }
            Err(e) => {
                tracing::error!(error = %e, "Expiry clock cannot read the state; retrying.");
                None
            }
        };
        let wait = next.and_then(|n| (n - now).to_std().ok()).map_or(MAX_SLEEP, |w| w.min(MAX_SLEEP));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = changed.notified() => {}
            () = shutdown.cancelled() => return,
        }
    }
}

/// Pings systemd's watchdog while the runtime runs tasks and the store answers within a
/// second; a deadlocked store or a starved runtime stops the pings and systemd restarts.
async fn watchdog(p: Poller, systemd: Arc<SdNotify>, every: std::time::Duration, shutdown: CancellationToken) {
    loop {
        let store = Arc::clone(&p.store);
        let alive =
            tokio::time::timeout(std::time::Duration::from_secs(1), blocking(move || store.lock().is_ok())).await;
        if alive == Ok(true) {
            systemd.send("WATCHDOG=1");
        } else {
            tracing::error!("Store did not answer within a second; withholding the watchdog ping.");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

async fn dispatcher(p: Poller, sinks: Arc<Vec<Box<dyn Sink>>>, wake: Arc<Notify>, shutdown: CancellationToken) {
    let mut attempt = 0;
    loop {
        let wait = match deliver_pending(&p.store, &sinks, &p.clock).await {
            Ok(round) if round.failed_sinks == 0 => {
                attempt = 0;
                IDLE_REDELIVERY
            }
            Ok(_) => {
                attempt += 1;
                backoff(attempt, jitter())
            }
            Err(e) => {
                attempt += 1;
                tracing::error!(error = %e, "Alert dispatch cannot use the state; retrying.");
                backoff(attempt, jitter())
            }
        };
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

/// How often the dispatcher looks at the outbox when nothing wakes it.
const IDLE_REDELIVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// A number in [0, 1) from the clock's nanoseconds: enough to spread retries.
fn jitter() -> f64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}
