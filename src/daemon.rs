//! The daemon: one task per feed on its schedule, an expiry clock that sleeps until the
//! next ladder instant, a dispatcher that works the outbox, the optional listener and
//! the watchdog.
//!
//! Tasks talk through `Notify` handles, never by polling shared state: a committed poll
//! wakes the dispatcher and the expiry clock; shutdown is a cancellation token. Every
//! feed is polled once at start (catch-up after downtime), then on its schedule.
//!
//! SIGHUP reloads the config. A config that does not load, or that moves the state or
//! the listener, is refused and the old one stays. A good one replaces the [`Live`] set
//! every task reads at its next step; feed tasks whose `[[feed]]` did not change keep
//! running, so a reload neither skips nor repeats their polls. A changed feed's task is
//! stopped (and awaited) before its successor starts.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::alert::deliver_pending;
use crate::alert::dispatch::backoff;
use crate::alert::dispatch::blocking;
use crate::clock::{jitter, SharedClock};
use crate::config::{Config, FeedConfig};
use crate::events::{
    ConfigReloadFailed, ConfigReloaded, DaemonStarted, DaemonStopped, DeliveryRoundFailed, ExpiryClockFailed,
    FinalDeliveryFailed, FinalDeliveryTimedOut, InFlightDeliveryTimedOut, NextPollScheduled, ScheduleEnded,
    SchedulerStalled, SighupUnavailable, StoreUnresponsive,
};
use crate::health::Health;
pub use crate::live::{sinks, Live};
use crate::poll::{queue_due, Poller};
use crate::sd_notify::SdNotify;
use crate::store::{Store, StoreError};

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The state could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listener's address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address from `[daemon] listen`.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The most the expiry clock sleeps before looking again (records may have changed
/// without a wake-up, e.g. by another process).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(3600);

/// How long a stop waits for the last delivery round, well inside systemd's
/// `TimeoutStopSec=30s`: what it does not deliver stays in the outbox for the next start.
const FINAL_DELIVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// What a feed task needs besides its feed.
#[derive(Clone)]
struct FeedCtx {
    live: watch::Receiver<Live>,
    health: Arc<Health>,
    systemd: Arc<SdNotify>,
    dispatch: Arc<Notify>,
    changed: Arc<Notify>,
    stall_gate: Option<PathBuf>,
}

/// Runs the daemon until `shutdown` is cancelled; SIGHUP reloads the config.
///
/// # Errors
/// A [`RunError`] when the state cannot be opened or the listener bound; later failures
/// are logged and the daemon keeps running.
pub async fn run(config: Config, clock: SharedClock, shutdown: CancellationToken) -> Result<(), RunError> {
    let (path, now) = (config.daemon.state.clone(), clock.now());
    let store = blocking(move || Store::open(&path, now)).await?;
    let listener = match config.daemon.listen {
        Some(addr) => {
            Some(tokio::net::TcpListener::bind(addr).await.map_err(|source| RunError::Listen { addr, source })?)
        }
        None => None,
    };
    let poller = Poller::new(Arc::new(config), store, clock);
    let (config, health) = (Arc::clone(&poller.config), Arc::clone(&poller.health));
    let (live_tx, live) = watch::channel(Live { sinks: Arc::new(sinks(&config)), poller });
    let systemd = Arc::new(SdNotify::from_env());
    let ctx = FeedCtx {
        live: live.clone(),
        health: Arc::clone(&health),
        systemd: Arc::clone(&systemd),
        dispatch: Arc::new(Notify::new()),
        changed: Arc::new(Notify::new()),
        stall_gate: std::env::var_os("BORDERWATCH_TEST_STALL_FILE").map(PathBuf::from),
    };
    DaemonStarted {
        feeds: config.feeds.len(),
        state: &config.daemon.state,
        config: &config.path,
        listen: listener.as_ref().and_then(|l| l.local_addr().ok()).map(|a| a.to_string()),
    }
    .emit();

    let mut tasks = tokio::task::JoinSet::new();
    tasks.spawn(dispatcher(live.clone(), Arc::clone(&ctx.dispatch), Arc::clone(&health), shutdown.clone()));
    tasks.spawn(expiry_clock(live.clone(), Arc::clone(&ctx.dispatch), Arc::clone(&ctx.changed), shutdown.clone()));
    if let Some(l) = listener {
        tasks.spawn(crate::listen::serve(l, live.clone(), Arc::clone(&health), shutdown.clone()));
    }
    let mut feeds = FeedTasks::default();
    feeds.sync(&config.feeds, &ctx, &shutdown).await;
    systemd.send(&format!("READY=1\nSTATUS=Watching {} feeds", config.feeds.len()));
    if let Some(every) = SdNotify::watchdog_interval() {
        tasks.spawn(watchdog(live.clone(), Arc::clone(&health), Arc::clone(&systemd), every, shutdown.clone()));
    }
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .map_err(|e| SighupUnavailable { error: &e }.emit())
        .ok();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            Some(()) = async { hangup.as_mut()?.recv().await } => reload(&live_tx, &mut feeds, &ctx, &shutdown).await,
        }
    }
    // One bound for the whole stop: the dispatcher's round in flight, then the last round.
    let deadline = tokio::time::Instant::now() + FINAL_DELIVERY;
    systemd.send("STOPPING=1");
    feeds.stop_all().await;
    // The dispatcher returns only once its round in flight is over (or the deadline
    // passed), so the last round below never overlaps it: every alert that round got
    // acknowledged is marked delivered before the last round reads the outbox.
    while tasks.join_next().await.is_some() {}
    let last = live.borrow().clone();
    let last_round = deliver_pending(&last.poller.store, &last.sinks, &last.poller.clock, &health);
    match tokio::time::timeout_at(deadline, last_round).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => FinalDeliveryFailed { error: &e }.emit(),
        Err(_) => FinalDeliveryTimedOut.emit(),
    }
    DaemonStopped.emit();
    Ok(())
}

/// Reads the config file again and, if it is good, puts it in force.
async fn reload(live_tx: &watch::Sender<Live>, feeds: &mut FeedTasks, ctx: &FeedCtx, shutdown: &CancellationToken) {
    ctx.systemd.send(&format!("RELOADING=1\nMONOTONIC_USEC={}", crate::sd_notify::monotonic_usec()));
    let old = live_tx.borrow().clone();
    let path = old.poller.config.path.clone();
    let loaded = blocking(move || Config::load(&path)).await;
    let checked = loaded.map_err(|e| e.to_string()).and_then(|new| reloadable(&old.poller.config, &new).map(|()| new));
    match checked {
        Ok(new) => {
            let new = Arc::new(new);
            let sinks = if new.sinks == old.poller.config.sinks { old.sinks } else { Arc::new(sinks(&new)) };
            let poller = Poller { config: Arc::clone(&new), ..old.poller };
            live_tx.send_replace(Live { poller, sinks });
            let (started, stopped) = feeds.sync(&new.feeds, ctx, shutdown).await;
            ctx.changed.notify_one();
            ctx.dispatch.notify_one();
            ConfigReloaded { feeds: new.feeds.len(), started, stopped }.emit(&ctx.health);
        }
        Err(why) => ConfigReloadFailed { error: &why }.emit(&ctx.health),
    }
    ctx.systemd.send(&format!("READY=1\nSTATUS={}", ctx.health.status_line()));
}

/// What a reload cannot change while the daemon runs.
fn reloadable(old: &Config, new: &Config) -> Result<(), String> {
    if old.daemon.state != new.daemon.state {
        return Err(format!(
            "[daemon] state changed from {} to {}; moving the state needs a restart",
            old.daemon.state.display(),
            new.daemon.state.display()
        ));
    }
    if old.daemon.listen != new.daemon.listen {
        return Err("[daemon] listen changed; moving the listener needs a restart".to_string());
    }
    Ok(())
}

/// The running feed tasks by feed id, each with the `[[feed]]` it was started with.
#[derive(Default)]
struct FeedTasks {
    running: HashMap<String, (FeedConfig, CancellationToken, JoinHandle<()>)>,
}

impl FeedTasks {
    /// Stops the tasks whose feed is gone or changed and starts the missing ones;
    /// returns how many started and stopped.
    async fn sync(&mut self, feeds: &[FeedConfig], ctx: &FeedCtx, shutdown: &CancellationToken) -> (usize, usize) {
        let stale: Vec<String> =
            self.running.iter().filter(|(_, (f, ..))| !feeds.contains(f)).map(|(id, _)| id.clone()).collect();
        for id in &stale {
            if let Some((_, stop, handle)) = self.running.remove(id) {
                stop.cancel();
                let _ = handle.await;
            }
            if !feeds.iter().any(|f| &f.id == id) {
                ctx.health.forget(id);
            }
        }
        let mut started = 0;
        for feed in feeds {
            if self.running.contains_key(&feed.id) {
                continue;
            }
            let stop = shutdown.child_token();
            let handle = tokio::spawn(feed_task(ctx.clone(), feed.clone(), stop.clone()));
            self.running.insert(feed.id.clone(), (feed.clone(), stop, handle));
            started += 1;
        }
        (started, stale.len())
    }

    async fn stop_all(&mut self) {
        for (_, (_, stop, handle)) in self.running.drain() {
            stop.cancel();
            let _ = handle.await;
        }
    }
}

async fn feed_task(ctx: FeedCtx, feed: FeedConfig, stop: CancellationToken) {
    loop {
        let p = ctx.live.borrow().poller.clone();
        ctx.health.poll_started(&feed.id, feed.timeout, p.clock.now());
        if let Some(gate) = &ctx.stall_gate {
            hold_store_while(&p, gate, &stop).await;
        }
        let report = tokio::select! {
            r = p.poll(&feed) => r,
            () = stop.cancelled() => return,
        };
        if matches!(
            report.outcome,
            Ok(crate::poll::Outcome::Baseline(_)
                | crate::poll::Outcome::Applied(..)
                | crate::poll::Outcome::Suspect(..))
        ) {
            ctx.changed.notify_one();
        }
        if !report.alerts.is_empty() {
            ctx.dispatch.notify_one();
        }
        let now = p.clock.now();
        let next = feed.schedule.next_after(now);
        ctx.health.poll_finished(&feed.id, report.outcome.is_ok(), next);
        ctx.systemd.send(&format!("STATUS={}", ctx.health.status_line()));
        let Some(next) = next else {
            ScheduleEnded { feed: &feed.id, schedule: feed.schedule.pattern() }.emit();
            return;
        };
        let wait = (next - now).to_std().unwrap_or_default();
        NextPollScheduled { feed: &feed.id, next }.emit();
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// The test hook behind `$BORDERWATCH_TEST_STALL_FILE`: while that file exists, the
/// store's lock is held, as a hung database call would, so the tests can watch the
/// watchdog and `/healthz` notice a stalled scheduler.
async fn hold_store_while(p: &Poller, gate: &std::path::Path, stop: &CancellationToken) {
    if !gate.exists() {
        return;
    }
    let (store, gate) = (Arc::clone(&p.store), gate.to_path_buf());
    tracing::warn!("Test hook: holding the store while {} exists.", gate.display());
    let held = blocking(move || {
        let _guard = store.lock();
        while gate.exists() {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    tokio::select! {
        () = held => {}
        () = stop.cancelled() => {}
    }
}

async fn expiry_clock(
    live: watch::Receiver<Live>,
    dispatch: Arc<Notify>,
    changed: Arc<Notify>,
    shutdown: CancellationToken,
) {
    loop {
        let p = live.borrow().poller.clone();
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
                ExpiryClockFailed { error: &e }.emit();
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

/// Pings systemd's watchdog while the scheduler keeps its schedule (no poll overdue or
/// hung, see [`Health::stalled`]) and the store answers within a second. A deadlocked
/// store, a hung poll or a starved runtime stops the pings, and systemd restarts us.
async fn watchdog(
    live: watch::Receiver<Live>,
    health: Arc<Health>,
    systemd: Arc<SdNotify>,
    every: std::time::Duration,
    shutdown: CancellationToken,
) {
    loop {
        let p = live.borrow().poller.clone();
        let store = Arc::clone(&p.store);
        let answered =
            tokio::time::timeout(std::time::Duration::from_secs(1), blocking(move || store.lock().is_ok())).await;
        match (health.stalled(p.clock.now()), answered) {
            (None, Ok(true)) => systemd.send("WATCHDOG=1"),
            (Some(why), _) => SchedulerStalled { reason: &why }.emit(),
            (None, _) => StoreUnresponsive.emit(),
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.cancelled() => return,
        }
    }
}

async fn dispatcher(live: watch::Receiver<Live>, wake: Arc<Notify>, health: Arc<Health>, shutdown: CancellationToken) {
    let mut attempt = 0;
    loop {
        let Live { poller: p, sinks } = live.borrow().clone();
        // A stop lets the round in flight finish, so that a delivery the sink has just
        // acknowledged is marked delivered before the final round reads the outbox (were
        // the round dropped between the sink's answer and the mark, the final round would
        // send it again). It does not wait for a hung sink past `FINAL_DELIVERY`: an alert
        // cut off then was not marked delivered, so the next start sends it again, under
        // the same key.
        let round = deliver_pending(&p.store, &sinks, &p.clock, &health);
        tokio::pin!(round);
        let round = tokio::select! {
            r = &mut round => r,
            () = shutdown.cancelled() => {
                if tokio::time::timeout(FINAL_DELIVERY, round).await.is_err() {
                    InFlightDeliveryTimedOut.emit();
                }
                return;
            }
        };
        let mut not_before = None;
        let wait = match round {
            Ok(round) if round.failed_sinks == 0 => {
                attempt = 0;
                // A digest comes due at an instant of the injected clock, as the ladder does.
                let digest = round.next_digest.and_then(|t| (t - p.clock.now()).to_std().ok());
                digest.map_or(IDLE_REDELIVERY, |d| d.min(IDLE_REDELIVERY))
            }
            Ok(round) => {
                attempt += 1;
                not_before = round.retry_after.map(|w| tokio::time::Instant::now() + w);
                backoff(attempt, jitter()).max(round.retry_after.unwrap_or_default())
            }
            Err(e) => {
                attempt += 1;
                DeliveryRoundFailed { error: &e }.emit();
                backoff(attempt, jitter())
            }
        };
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
            () = shutdown.cancelled() => return,
        }
        // A sink that asked for a pause (a 429's retry-after) gets it even when new
        // alerts wake the dispatcher sooner; the other sinks wait with it, at most that
        // long, which keeps the outbox's one retry clock.
        if let Some(t) = not_before {
            tokio::select! {
                () = tokio::time::sleep_until(t) => {}
                () = shutdown.cancelled() => return,
            }
        }
    }
}

/// How often the dispatcher looks at the outbox when nothing wakes it.
const IDLE_REDELIVERY: std::time::Duration = std::time::Duration::from_secs(60);
