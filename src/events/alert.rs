//! Events of alert delivery ([`crate::alert`], the sink set in [`crate::live`]). A
//! refused delivery is counted by sink (`borderwatch_alert_delivery_failures_total`);
//! the other events only log.

use std::fmt::Display;

use crate::health::Health;

const DISPATCH: &str = "borderwatch::alert::dispatch";
const DESKTOP: &str = "borderwatch::alert::desktop";
const LIVE: &str = "borderwatch::live";

/// A sink refused an alert; it stays queued and is retried.
pub struct DeliveryFailed<'a> {
    /// The sink's name.
    pub sink: &'a str,
    /// The alert's key.
    pub key: &'a str,
    /// Why.
    pub error: &'a dyn Display,
}

impl DeliveryFailed<'_> {
    /// Logs it (warn) and counts it by sink.
    pub fn emit(&self, health: &Health) {
        health.delivery_failed(self.sink);
        tracing::warn!(
            target: DISPATCH,
            {
                event.action = "alert_delivery_failed",
                borderwatch.sink = self.sink,
                borderwatch.alert.key = %self.key,
                error = %self.error
            },
            "Alert delivery failed; it stays queued and is retried."
        );
    }
}

/// No session bus or notification server; the desktop sink emits this at most once per
/// 10 minutes.
pub struct DesktopUnavailable<'a> {
    /// Why.
    pub error: &'a str,
}

impl DesktopUnavailable<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(
            target: DESKTOP,
            {
                event.action = "desktop_unavailable",
                error = %self.error
            },
            "Desktop notifications cannot be sent (is there a session D-Bus and a notification server?); alerts stay queued for this sink."
        );
    }
}

/// An HTTP sink could not be built; its alerts stay queued.
pub struct SinkFailed<'a> {
    /// Why.
    pub error: &'a dyn Display,
}

impl SinkFailed<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(target: LIVE, { error = %self.error }, "Sink cannot start; its alerts stay queued.");
    }
}
