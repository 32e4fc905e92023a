//! Events of one poll ([`crate::poll`], [`crate::fetch`]): how it ended, each change it
//! applied, a fetch retried. A failed poll is counted by feed and reason
//! (`borderwatch_fetch_errors_total`); the other outcomes only log.

use std::fmt::Display;

use crate::health::Health;

const POLL: &str = "borderwatch::poll";
const FETCH: &str = "borderwatch::fetch";

/// A poll failed; the feed keeps its last good data.
pub struct PollFailed<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// A short, fixed label (`io`, `status`, …, `parse`, `store`).
    pub reason: &'static str,
    /// Why.
    pub error: &'a dyn Display,
}

impl PollFailed<'_> {
    /// Logs it (warn) and counts it by feed and reason.
    pub fn emit(&self, health: &Health) {
        health.poll_failed(self.feed, self.reason);
        tracing::warn!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "failure",
                borderwatch.feed.id = %self.feed,
                reason = self.reason,
                error = %self.error
            },
            "Poll failed; keeping the last good data."
        );
    }
}

/// A poll found nothing new (304, or the same body as last time).
pub struct PollUnchanged<'a> {
    /// Feed id.
    pub feed: &'a str,
}

impl PollUnchanged<'_> {
    /// Logs it (debug: it is most polls).
    pub fn emit(&self) {
        tracing::debug!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "success",
                borderwatch.feed.id = %self.feed
            },
            "Poll completed; nothing changed."
        );
    }
}

/// The first good poll of a feed was stored as its baseline.
pub struct BaselineStored<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Records stored.
    pub records: usize,
}

impl BaselineStored<'_> {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "success",
                borderwatch.feed.id = %self.feed,
                records = self.records
            },
            "Baseline stored."
        );
    }
}

/// A good poll was applied.
pub struct PollCompleted<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Records the feed reported.
    pub records: usize,
    /// Changes applied.
    pub changes: usize,
}

impl PollCompleted<'_> {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "success",
                borderwatch.feed.id = %self.feed,
                records = self.records,
                changes = self.changes
            },
            "Poll completed."
        );
    }
}

/// A shrunken snapshot: the crossings it reports were updated, its removals held.
pub struct SnapshotSuspect<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Why it is suspect.
    pub reason: &'a str,
    /// Changes applied from the crossings it reports.
    pub changes: usize,
}

impl SnapshotSuspect<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "suspect",
                borderwatch.feed.id = %self.feed,
                reason = %self.reason,
                changes = self.changes
            },
            "Snapshot suspect; the crossings it reports are updated, the removals it implies held."
        );
    }
}

/// A snapshot with no records, held whole.
pub struct SnapshotEmpty<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Why it is suspect.
    pub reason: &'a str,
}

impl SnapshotEmpty<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(
            target: POLL,
            {
                event.action = "poll",
                event.outcome = "suspect",
                borderwatch.feed.id = %self.feed,
                reason = %self.reason
            },
            "Snapshot empty; held, keeping the last good data."
        );
    }
}

/// One change a poll applied.
pub struct RecordChanged<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// Crossing id.
    pub crossing: &'a str,
    /// What changed (`added`, `removed`, `status_changed`, …).
    pub change: &'static str,
}

impl RecordChanged<'_> {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(
            target: POLL,
            {
                event.action = "record_changed",
                borderwatch.feed.id = %self.feed,
                borderwatch.crossing.id = %self.crossing,
                change = self.change
            },
            "Record changed."
        );
    }
}

/// A failed poll could not be recorded in the state (its failure count is lost).
pub struct FailureNotRecorded<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// The store's error.
    pub error: &'a dyn Display,
}

impl FailureNotRecorded<'_> {
    /// Logs it (error).
    pub fn emit(&self) {
        tracing::error!(
            target: POLL,
            {
                borderwatch.feed.id = %self.feed,
                error = %self.error
            },
            "Cannot record a failed poll."
        );
    }
}

/// A transient fetch failure, retried after a wait.
pub struct FetchRetrying<'a> {
    /// Feed id.
    pub feed: &'a str,
    /// The retry about to be made (1-based).
    pub attempt: u32,
    /// The wait before it.
    pub wait: std::time::Duration,
    /// Why the last attempt failed.
    pub error: &'a dyn Display,
}

impl FetchRetrying<'_> {
    /// Logs it (debug: the poll's own outcome reports what the retries came to).
    pub fn emit(&self) {
        tracing::debug!(
            target: FETCH,
            {
                borderwatch.feed.id = %self.feed,
                attempt = self.attempt,
                wait_ms = self.wait.as_millis(),
                error = %self.error
            },
            "Fetch failed; retrying."
        );
    }
}

/// A reminder came due for something an ack in force covers: recorded as held, not sent.
pub struct AlertHeld<'a> {
    /// The held alert.
    pub alert: &'a crate::model::Alert,
    /// The ack that holds it.
    pub ack: &'a crate::ack::Ack,
}

impl AlertHeld<'_> {
    /// Logs it (info), with the ack's who, why and until.
    pub fn emit(&self) {
        tracing::info!(
            target: POLL,
            {
                event.action = "alert_held",
                borderwatch.alert.kind = self.alert.alert.as_str(),
                borderwatch.alert.key = %self.alert.key,
                borderwatch.crossing.id = self.alert.crossing.as_deref(),
                borderwatch.ack.id = %self.ack.id,
                borderwatch.ack.by = %self.ack.by,
                borderwatch.ack.reason = self.ack.reason.as_deref(),
                borderwatch.ack.until = self.ack.until.map(|u| crate::model::format_instant(&u)),
            },
            "Alert held by an acknowledgement: {}", self.alert.message
        );
    }
}
