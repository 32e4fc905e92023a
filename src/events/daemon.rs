//! Events of the running daemon ([`crate::daemon`], its listener and systemd link, the
//! `run` command): start and stop, config reloads, the scheduler, the watchdog and the
//! delivery rounds. Reloads are counted by outcome (`borderwatch_config_reloads_total`,
//! `borderwatch_config_last_reload_successful`); the other events only log.

use std::fmt::Display;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::health::Health;

const DAEMON: &str = "borderwatch::daemon";
const LISTEN: &str = "borderwatch::listen";
const SD_NOTIFY: &str = "borderwatch::sd_notify";
const RUN: &str = "borderwatch::commands::daemon";

/// The daemon has its state and starts its tasks.
pub struct DaemonStarted<'a> {
    /// Feeds in the config.
    pub feeds: usize,
    /// The state file.
    pub state: &'a Path,
    /// The config file.
    pub config: &'a Path,
    /// The listener's bound address, when there is one.
    pub listen: Option<String>,
}

impl DaemonStarted<'_> {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(
            target: DAEMON,
            {
                event.action = "start",
                feeds = self.feeds,
                state = %self.state.display(),
                config = %self.config.display(),
                listen = self.listen
            },
            "Daemon started."
        );
    }
}

/// The daemon stopped.
pub struct DaemonStopped;

impl DaemonStopped {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(target: DAEMON, { event.action = "stop" }, "Daemon stopped.");
    }
}

/// SIGTERM or Ctrl-C received.
pub struct ShutdownRequested;

impl ShutdownRequested {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(target: RUN, { event.action = "shutdown" }, "Shutdown requested.");
    }
}

/// SIGHUP cannot be watched, so a reload needs a restart.
pub struct SighupUnavailable<'a> {
    /// Why.
    pub error: &'a dyn Display,
}

impl SighupUnavailable<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(target: DAEMON, { error = %self.error }, "Cannot watch for SIGHUP; reload needs a restart.");
    }
}

/// A reload put a new config in force.
pub struct ConfigReloaded {
    /// Feeds in the new config.
    pub feeds: usize,
    /// Feed tasks started.
    pub started: usize,
    /// Feed tasks stopped.
    pub stopped: usize,
}

impl ConfigReloaded {
    /// Logs it (info) and counts a successful reload.
    pub fn emit(&self, health: &Health) {
        health.reloaded(true);
        tracing::info!(
            target: DAEMON,
            {
                event.action = "config_reload",
                event.outcome = "success",
                feeds = self.feeds,
                started = self.started,
                stopped = self.stopped
            },
            "Config reloaded."
        );
    }
}

/// A reload was refused; the old config stays in force.
pub struct ConfigReloadFailed<'a> {
    /// Every problem of the new config, or what it may not change.
    pub error: &'a str,
}

impl ConfigReloadFailed<'_> {
    /// Logs it (error: the operator's config change did not take) and counts a refused
    /// reload.
    pub fn emit(&self, health: &Health) {
        health.reloaded(false);
        tracing::error!(
            target: DAEMON,
            {
                event.action = "config_reload",
                event.outcome = "failure",
                error = %self.error
            },
            "Config reload refused; the old config stays in force."
        );
    }
}

/// A feed's schedule has no further runs; its task ends.
pub struct ScheduleEnded<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// The schedule as written.
    pub schedule: &'a str,
}

impl ScheduleEnded<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(
            target: DAEMON,
            {
                borderwatch.feed.id = %self.feed,
                schedule = self.schedule
            },
            "Schedule has no further runs; feed stops."
        );
    }
}

/// A feed's next poll is scheduled.
pub struct NextPollScheduled<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// When.
    pub next: DateTime<Utc>,
}

impl NextPollScheduled<'_> {
    /// Logs it (debug).
    pub fn emit(&self) {
        tracing::debug!(
            target: DAEMON,
            {
                borderwatch.feed.id = %self.feed,
                next = %self.next
            },
            "Next poll scheduled."
        );
    }
}

/// The expiry clock could not read the state; it retries.
pub struct ExpiryClockFailed<'a> {
    /// The store's error.
    pub error: &'a dyn Display,
}

impl ExpiryClockFailed<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: DAEMON, { error = %self.error }, "Expiry clock cannot read the state; retrying.");
    }
}

/// The dispatcher could not use the state; it retries with backoff.
pub struct DeliveryRoundFailed<'a> {
    /// The store's error.
    pub error: &'a dyn Display,
}

impl DeliveryRoundFailed<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: DAEMON, { error = %self.error }, "Alert dispatch cannot use the state; retrying.");
    }
}

/// The delivery round in flight at stop did not finish in time.
pub struct InFlightDeliveryTimedOut;

impl InFlightDeliveryTimedOut {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(target: DAEMON, "Alert delivery in flight at stop took over 5 s; what was not delivered stays queued.");
    }
}

/// The last delivery round at stop could not use the state.
pub struct FinalDeliveryFailed<'a> {
    /// The store's error.
    pub error: &'a dyn Display,
}

impl FinalDeliveryFailed<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(
            target: DAEMON,
            {
                error = %self.error
            },
            "Final alert delivery failed; the alerts stay queued."
        );
    }
}

/// The last delivery round at stop did not finish in time.
pub struct FinalDeliveryTimedOut;

impl FinalDeliveryTimedOut {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(target: DAEMON, "Final alert delivery took over 5 s; what was not delivered stays queued.");
    }
}

/// The scheduler is stalled: the watchdog ping is withheld, so systemd restarts us.
pub struct SchedulerStalled<'a> {
    /// Which feed is late, and by how much.
    pub reason: &'a str,
}

impl SchedulerStalled<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: DAEMON, { reason = %self.reason }, "Scheduler stalled; withholding the watchdog ping.");
    }
}

/// The store did not answer the watchdog in time: the ping is withheld.
pub struct StoreUnresponsive;

impl StoreUnresponsive {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: DAEMON, "Store did not answer within a second; withholding the watchdog ping.");
    }
}

/// The health and metrics listener stopped serving.
pub struct ListenerStopped<'a> {
    /// Why.
    pub error: &'a dyn Display,
}

impl ListenerStopped<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: LISTEN, { error = %self.error }, "The health and metrics listener stopped.");
    }
}

/// A message to systemd's notify socket could not be sent.
pub struct SystemdNotifyFailed<'a> {
    /// Why.
    pub error: &'a dyn Display,
    /// The socket path (`@` for an abstract one).
    pub socket: &'a str,
}

impl SystemdNotifyFailed<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(target: SD_NOTIFY, { error = %self.error, socket = %self.socket }, "Cannot notify systemd.");
    }
}
