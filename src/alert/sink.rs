//! Sinks: where alerts go. The log sink is always on; desktop, webhook, ntfy, telegram
//! and email sinks plug in behind the same trait, and each of those can send a digest
//! (several alerts as one message).

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
    /// The destination asked not to be tried again before this much time has passed
    /// (an HTTP 429 with a retry-after).
    pub retry_after: Option<std::time::Duration>,
}

impl NotifyError {
    /// A refusal with no retry-after.
    #[must_use]
    pub fn new(sink: impl Into<String>, message: impl Into<String>) -> Self {
        NotifyError { sink: sink.into(), message: message.into(), retry_after: None }
    }
}

/// The one-line title of an alert: the crossing's name, else the feed, else `borderwatch`.
#[must_use]
pub fn title(a: &Alert) -> String {
    match (&a.name, &a.feed) {
        (Some(n), _) => format!("borderwatch: {n}"),
        (None, Some(f)) => format!("borderwatch: feed {f}"),
        (None, None) => "borderwatch".to_string(),
    }
}

/// The HTTP client an HTTP sink uses: no redirects (a redirect could lead past the
/// address policy), no proxy, 10 s to connect and `timeout` in all.
///
/// # Errors
/// A [`NotifyError`] for sink `name` when the client cannot be built.
pub fn http_client(name: &str, timeout: chrono::Duration) -> Result<reqwest::Client, NotifyError> {
    reqwest::Client::builder()
        .user_agent(concat!("borderwatch/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(timeout.to_std().unwrap_or(std::time::Duration::from_secs(10)))
        .no_proxy()
        .build()
        .map_err(|e| NotifyError::new(name, e.to_string()))
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
    /// The sink's digest window: it gathers the non-critical alerts that come due within
    /// this long into one delivery.
    fn digest(&self) -> Option<chrono::Duration> {
        None
    }
    /// Delivers several alerts as one message (a digest): by default as one alert that
    /// stands for them all ([`super::digest::combine`]).
    fn deliver_digest<'a>(&'a self, alerts: &'a [Alert]) -> Delivery<'a> {
        let combined = super::digest::combine(alerts);
        Box::pin(async move { self.deliver(&combined).await })
    }
    /// Whether the sink's filters let `alert` through; one they keep back is recorded as
    /// filtered, neither pending nor delivered.
    fn accepts(&self, _alert: &Alert) -> bool {
        true
    }
}

/// A sink behind its `crossings`, `routes` and `min_severity` filters.
pub struct Filtered {
    /// The sink.
    pub sink: Box<dyn Sink>,
    /// Its filters.
    pub filter: crate::config::SinkFilter,
}

impl Sink for Filtered {
    fn name(&self) -> &str {
        self.sink.name()
    }

    fn deliver<'a>(&'a self, alert: &'a Alert) -> Delivery<'a> {
        self.sink.deliver(alert)
    }

    fn quiet_hours(&self) -> Option<&crate::config::QuietHours> {
        self.sink.quiet_hours()
    }

    fn digest(&self) -> Option<chrono::Duration> {
        self.sink.digest()
    }

    fn deliver_digest<'a>(&'a self, alerts: &'a [Alert]) -> Delivery<'a> {
        self.sink.deliver_digest(alerts)
    }

    fn accepts(&self, alert: &Alert) -> bool {
        self.filter.passes(alert)
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
