//! Internal events: one struct for each notable thing the daemon and its stages do,
//! whose `emit` writes the log line and bumps the counter (in [`crate::health::Health`],
//! read by `/metrics`) together, so logs and metrics cannot drift apart (vector's
//! `internal_events`). An event without a counter only logs. A counted event counts
//! before it logs, so whoever has read its line finds it counted.
//!
//! The stages build an event where it happens and emit it; none of them calls `tracing`
//! or counts on its own. Two lines are not internal events and stay where they are: the
//! log sink's `alert` lines (they are that sink's deliveries) and the daemon's test-hook
//! warning. The log contract (`event.action`, `event.outcome`, field names,
//! messages, levels) is in docs/logging.md. Each event logs under the target of the
//! module that emits it, so `RUST_LOG=borderwatch::daemon=debug` keeps selecting what it
//! selected before the events had a module of their own.
//!
//! Failure policy: emitting never fails and never blocks on anything but the log writer.

mod alert;
mod commands;
mod daemon;
mod poll;
mod store;

pub use alert::{DeliveryFailed, DesktopUnavailable, SinkFailed};
pub use commands::{AckChanged, ConfigFileChosen, ReplaySnapshotFailed};
pub use daemon::{
    ConfigReloadFailed, ConfigReloaded, DaemonStarted, DaemonStopped, DeliveryRoundFailed, ExpiryClockFailed,
    FinalDeliveryFailed, FinalDeliveryTimedOut, InFlightDeliveryTimedOut, ListenerStopped, NextPollScheduled,
    ScheduleEnded, SchedulerStalled, ShutdownRequested, SighupUnavailable, StoreUnresponsive, SystemdNotifyFailed,
};
pub use poll::{
    AlertHeld, BaselineStored, FailureNotRecorded, FetchRetrying, PollCompleted, PollFailed, PollUnchanged,
    RecordChanged, SnapshotEmpty, SnapshotSuspect,
};
pub use store::StateRebuilt;

#[cfg(test)]
mod tests;
