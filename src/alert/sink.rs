//! Sinks: where alerts go. The log sink is always on; desktop and webhook sinks plug in
//! behind the same trait.

use std::future::Future;
use std::pin::Pin;

use crate::model::Alert;

/// Why a sink did not accept an alert.
#[derive(Debug, thiserror::Error)]
#[error("sink {sink}: {message}")]
pub struct NotifyError {
    /// The sink's name.
    pub sink: String,
    /// What went wrong.
    pub message: String,
}

/// A future a sink returns.
pub type Delivery<'a> = Pin<Box<dyn Future<Output = Result<(), NotifyError>> + Send + 'a>>;

/// A destination for alerts. `deliver` returns `Ok` only once the destination has
/// accepted the alert; only then is it marked delivered.
pub trait Sink: Send + Sync {
    /// Stable name, used in the delivery ledger and metrics.
    fn name(&self) -> &str;
    /// Delivers one alert.
    fn deliver<'a>(&'a self, alert: &'a Alert) -> Delivery<'a>;
    /// Hours in which the sink holds all but critical alerts.
    fn quiet_hours(&self) -> Option<&crate::config::QuietHours> {
        None
    }
}

/// Writes each alert as one log event (`event.action = "alert"`).
#[derive(Debug, Default)]
pub struct LogSink;

impl Sink for LogSink {
    fn name(&self) -> &'static str {
        "log"
    }

    fn deliver<'a>(&'a self, a: &'a Alert) -> Delivery<'a> {
        let record = a.record.as_ref().map(|r| serde_json::to_string(r).expect("records serialize"));
        match a.severity {
            crate::model::Severity::Critical | crate::model::Severity::Warning => tracing::warn!(
                event.action = "alert",
                borderwatch.alert.kind = a.alert.as_str(),
                borderwatch.alert.key = %a.key,
                borderwatch.alert.late = a.late,
                borderwatch.crossing.id = a.crossing.as_deref(),
                borderwatch.feed.id = a.feed.as_deref(),
                borderwatch.record = record.as_deref(),
                "{}", a.message
            ),
            crate::model::Severity::Info => tracing::info!(
                event.action = "alert",
                borderwatch.alert.kind = a.alert.as_str(),
                borderwatch.alert.key = %a.key,
                borderwatch.alert.late = a.late,
                borderwatch.crossing.id = a.crossing.as_deref(),
                borderwatch.feed.id = a.feed.as_deref(),
                borderwatch.record = record.as_deref(),
                "{}", a.message
            ),
        }
        Box::pin(async { Ok(()) })
    }
}
