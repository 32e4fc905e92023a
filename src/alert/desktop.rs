//! The desktop sink: a notification over the user's session D-Bus (notify-rust, async
//! on tokio). Feed text is untrusted and notification servers interpret markup, so
//! summary and body are stripped of control and bidi characters, escaped, and cut to
//! 100 and 1000 characters. Each call has 2 s. Without a session bus the sink says so in
//! one log line per 10 minutes; its alerts stay queued and the other sinks go on. A
//! digest is one notification: the headline as summary, a line per listed alert.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use notify_rust::{Notification, Timeout, Urgency};

use super::sink::{Delivery, NotifyError, Sink};
use crate::config::{DesktopConfig, QuietHours};
use crate::model::{Alert, Severity};

const SUMMARY_MAX: usize = 100;
const BODY_MAX: usize = 1000;
const CALL_TIMEOUT: Duration = Duration::from_secs(2);
const WARN_EVERY: Duration = Duration::from_secs(600);

/// Sends desktop notifications.
#[derive(Debug, Default)]
pub struct DesktopSink {
    last_warning: Mutex<Option<Instant>>,
    config: DesktopConfig,
}

impl DesktopSink {
    /// A desktop sink with `config`'s quiet hours and digest window.
    #[must_use]
    pub fn new(config: DesktopConfig) -> Self {
        DesktopSink { last_warning: Mutex::new(None), config }
    }
}

/// Text safe to show in a notification: no control or bidi characters (a newline
/// becomes a space), `& < >` escaped, at most `max` characters.
#[must_use]
pub fn sanitize(s: &str, max: usize) -> String {
    let bidi =
        |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}');
    let clean: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() && !bidi(*c))
        .collect();
    let cut: String = if clean.chars().count() > max {
        clean.chars().take(max.saturating_sub(1)).chain(std::iter::once('…')).collect()
    } else {
        clean
    };
    cut.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The notification's summary and body for an alert.
#[must_use]
pub fn render(a: &Alert) -> (String, String) {
    let title = super::sink::title(a);
    let mut body = a.message.clone();
    if let Some(e) = a.record.as_ref().and_then(|r| r.evidence.as_ref()) {
        body.push_str(" — ");
        body.push_str(e);
    }
    (sanitize(&title, SUMMARY_MAX), sanitize(&body, BODY_MAX))
}

/// The notification's urgency: critical for critical alerts, normal for warnings and for
/// the end of an incident (a crossing or route open again is news a trader acts on), low
/// for the rest.
#[must_use]
pub fn urgency(a: &Alert) -> Urgency {
    match a.severity {
        Severity::Critical => Urgency::Critical,
        Severity::Warning => Urgency::Normal,
        Severity::Info if a.resolved => Urgency::Normal,
        Severity::Info => Urgency::Low,
    }
}

/// The notification's summary and body for a digest: the headline, then one line per
/// listed alert (each made safe on its own, so no feed text adds a line).
#[must_use]
pub fn render_digest(alerts: &[Alert]) -> (String, String) {
    let summary = format!("borderwatch: {}", super::digest::headline(alerts));
    let lines = super::digest::lines(alerts);
    let each = BODY_MAX / lines.len().max(1);
    let body = lines.iter().map(|l| sanitize(l, each)).collect::<Vec<_>>().join("\n");
    (sanitize(&summary, SUMMARY_MAX), body)
}

impl DesktopSink {
    async fn show(&self, summary: &str, body: &str, urgency: Urgency) -> Result<(), NotifyError> {
        let mut n = Notification::new();
        n.appname("borderwatch").summary(summary).body(body).urgency(urgency).timeout(Timeout::Default);
        let result = match tokio::time::timeout(CALL_TIMEOUT, n.show_async()).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {CALL_TIMEOUT:?}"),
        };
        let mut last = self.last_warning.lock().expect("warning lock");
        if last.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
            *last = Some(Instant::now());
            crate::events::DesktopUnavailable { error: &result }.emit();
        }
        Err(NotifyError::new("desktop", result))
    }
}

impl Sink for DesktopSink {
    fn name(&self) -> &'static str {
        "desktop"
    }

    fn quiet_hours(&self) -> Option<&QuietHours> {
        self.config.quiet.as_ref()
    }

    fn digest(&self) -> Option<chrono::Duration> {
        self.config.digest
    }

    fn deliver<'a>(&'a self, alert: &'a Alert) -> Delivery<'a> {
        Box::pin(async move {
            let (summary, body) = render(alert);
            self.show(&summary, &body, urgency(alert)).await
        })
    }

    fn deliver_digest<'a>(&'a self, alerts: &'a [Alert]) -> Delivery<'a> {
        Box::pin(async move {
            let (summary, body) = render_digest(alerts);
            let most = alerts.iter().map(urgency).max_by_key(|u| match u {
                Urgency::Low => 0,
                Urgency::Normal => 1,
                Urgency::Critical => 2,
            });
            self.show(&summary, &body, most.unwrap_or(Urgency::Low)).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopening_is_not_low_urgency() {
        let mut a: Alert = serde_json::from_value(serde_json::json!({
            "alert": "status_changed", "severity": "info", "key": "k", "at": "2025-07-01T00:00:00Z",
            "late": false, "message": "Torkham: open (was closed)", "record": null, "previous": null
        }))
        .unwrap();
        assert!(matches!(urgency(&a), Urgency::Low), "an info alert that ends nothing");
        a.resolved = true;
        assert!(matches!(urgency(&a), Urgency::Normal), "the end of a closure");
        a.alert = crate::model::AlertKind::RouteCleared;
        assert!(matches!(urgency(&a), Urgency::Normal), "a route usable again");
    }

    #[test]
    fn hostile_text_is_stripped_escaped_and_cut() {
        let s = sanitize("<a href=\"x\">Torkham</a> & co\u{202E}desrever\nnext\u{7}", 100);
        assert_eq!(s, "&lt;a href=\"x\"&gt;Torkham&lt;/a&gt; &amp; codesrever next");
        let long = sanitize(&"x".repeat(2000), 1000);
        assert_eq!(long.chars().count(), 1000);
        assert!(long.ends_with('…'));
    }
}
