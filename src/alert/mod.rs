//! Alerts: the rules that turn changes, values past a `[[watch]]` level and the passing
//! of time into alerts, the sinks
//! that deliver them, and the dispatcher that works the outbox.
//!
//! Rules are pure functions; each alert carries a dedup key (`expiry:torkham:2025-04-15:7d`)
//! and the store keeps one row per key, so each key fires once however often the rules
//! run. The dispatcher marks an alert delivered per sink only after the sink accepted it.

pub mod desktop;
pub mod digest;
pub mod dispatch;
pub mod email;
pub mod message;
pub mod ntfy;
pub mod routes;
pub mod rules;
pub mod sink;
pub mod telegram;
pub mod watch;
pub mod webhook;

pub use dispatch::deliver_pending;
pub use sink::{LogSink, NotifyError, Sink};
