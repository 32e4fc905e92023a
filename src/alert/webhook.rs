//! The webhook sink: one POST per alert with a versioned JSON payload shaped like
//! Alertmanager's webhook, an `Idempotency-Key` equal to the dedup key (a redelivery
//! after a crash carries the same key), and an optional HMAC-SHA256 signature.
//! An alert that ends an incident (a reopening, a route cleared, a feed recovered) is
//! `resolved`, with `endsAt` and the fingerprint of the alert that opened the incident,
//! so Alertmanager-style receivers close it. With `format = "slack"` the body is a
//! Slack-compatible `{"text": …}` instead. A digest is one POST whose `alerts` array holds
//! every alert in it (with `format = "slack"`, one text with a line per alert), keyed by
//! the digest's key. Only a 2xx answer counts as delivered; anything else leaves the
//! alert queued.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::sink::title;
use super::sink::{http_client, Delivery, NotifyError, Sink};
use crate::config::{QuietHours, WebhookConfig, WebhookFormat};
use crate::fetch::{policy, redacted};
use crate::model::{clip, Alert};

/// The payload version; bumped only when a field changes meaning.
pub const PAYLOAD_VERSION: &str = "1";

/// Posts alerts to a URL.
#[derive(Debug)]
pub struct WebhookSink {
    config: WebhookConfig,
    client: reqwest::Client,
}

impl WebhookSink {
    /// A sink for `config`.
    ///
    /// # Errors
    /// A [`NotifyError`] when the HTTP client cannot be built.
    pub fn new(config: WebhookConfig) -> Result<Self, NotifyError> {
        let client = http_client(&config.name, config.timeout)?;
        Ok(Self { config, client })
    }
}

/// The fingerprint of an alert: 16 hex digits of the SHA-256 of the key of the alert that
/// opened its incident (its own key when it opened one or stands alone), so every alert
/// of an incident, the resolved one included, has the same.
#[must_use]
pub fn fingerprint(a: &Alert) -> String {
    let key = a.incident.as_deref().unwrap_or(&a.key);
    Sha256::digest(key.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The JSON body for one alert.
#[must_use]
pub fn payload(receiver: &str, a: &Alert) -> serde_json::Value {
    payload_many(receiver, std::slice::from_ref(a))
}

/// The JSON body for several alerts (a digest): one entry per alert in `alerts`; the
/// body is `resolved` only when every alert in it is.
#[must_use]
pub fn payload_many(receiver: &str, alerts: &[Alert]) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = alerts.iter().map(entry).collect();
    let status = if alerts.iter().all(|a| a.resolved) { "resolved" } else { "firing" };
    json!({
        "version": PAYLOAD_VERSION,
        "receiver": receiver,
        "status": status,
        "alerts": entries,
    })
}

/// One entry of the `alerts` array.
fn entry(a: &Alert) -> serde_json::Value {
    let status = if a.resolved { "resolved" } else { "firing" };
    let fingerprint = fingerprint(a);
    let mut labels = serde_json::Map::new();
    labels.insert("alertname".into(), json!(a.alert.as_str()));
    labels.insert("severity".into(), serde_json::to_value(a.severity).expect("severity serializes"));
    if let Some(c) = &a.crossing {
        labels.insert("crossing".into(), json!(c));
    }
    if let Some(f) = &a.feed {
        labels.insert("feed".into(), json!(f));
    }
    if let Some(l) = &a.lead {
        labels.insert("lead".into(), json!(l));
    }
    json!({
        "status": status,
        "labels": labels,
        "annotations": {
            "summary": a.message,
            "evidence": a.record.as_ref().and_then(|r| r.evidence.clone()),
        },
        "startsAt": a.at,
        "endsAt": if status == "resolved" { a.at.clone() } else { String::new() },
        "fingerprint": fingerprint,
        "borderwatch": a,
    })
}

/// Characters of the title and the message kept in a Slack text.
const SLACK_TITLE_MAX: usize = 150;
const SLACK_MESSAGE_MAX: usize = 3000;

/// Text safe in Slack mrkdwn: `&`, `<` and `>` as entities (as Slack documents it), so a
/// `<b>` or `<!channel>` in a feed is shown, not obeyed; everything else, U+202E
/// included, is text.
#[must_use]
pub fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The Slack-compatible body for alerts: `{"text": "*title* [resolved]\nmessage"}`, one
/// such pair of lines per alert (several for a digest).
#[must_use]
pub fn slack_body(alerts: &[Alert]) -> serde_json::Value {
    let each = SLACK_MESSAGE_MAX / alerts.len().max(1);
    let text = alerts
        .iter()
        .map(|a| {
            let mark = if a.resolved { " [resolved]" } else { "" };
            format!(
                "*{}*{mark}\n{}",
                slack_escape(&clip(&title(a), SLACK_TITLE_MAX)),
                slack_escape(&clip(&a.message, each))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    json!({ "text": text })
}

/// `sha256=<hex>` of the HMAC-SHA256 of `body` under `secret`.
#[must_use]
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

impl Sink for WebhookSink {
    fn name(&self) -> &str {
        &self.config.name
    }

    fn quiet_hours(&self) -> Option<&QuietHours> {
        self.config.quiet.as_ref()
    }

    fn digest(&self) -> Option<chrono::Duration> {
        self.config.digest
    }

    fn deliver<'a>(&'a self, alert: &'a Alert) -> Delivery<'a> {
        let body = match self.config.format {
            WebhookFormat::Alertmanager => payload(&self.config.name, alert),
            WebhookFormat::Slack => slack_body(std::slice::from_ref(alert)),
        };
        Box::pin(self.post(body, alert.key.clone()))
    }

    fn deliver_digest<'a>(&'a self, alerts: &'a [Alert]) -> Delivery<'a> {
        let body = match self.config.format {
            WebhookFormat::Alertmanager => payload_many(&self.config.name, alerts),
            WebhookFormat::Slack => slack_body(alerts),
        };
        Box::pin(self.post(body, super::digest::key(alerts)))
    }
}

impl WebhookSink {
    /// POSTs `body` with `key` as its `Idempotency-Key`; only a 2xx answer is `Ok`.
    async fn post(&self, body: serde_json::Value, key: String) -> Result<(), NotifyError> {
        let fail = |message: String| NotifyError::new(&self.config.name, message);
        policy::check_url(&self.config.url, self.config.allow_http, &self.config.allow_local)
            .map_err(|e| fail(e.to_string()))?;
        let body = serde_json::to_vec(&body).expect("payload serializes");
        let mut req = self
            .client
            .post(self.config.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", key);
        if let Some(secret) = &self.config.secret {
            req = req.header("X-Borderwatch-Signature", signature(secret.expose(), &body));
        }
        let resp = req
            .body(body)
            .send()
            .await
            .map_err(|e| fail(format!("POST {} failed: {}", redacted(&self.config.url), e.without_url())))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(fail(format!("POST {} answered {}", redacted(&self.config.url), resp.status().as_u16())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(key: &str, incident: Option<&str>, resolved: bool) -> Alert {
        serde_json::from_value(json!({
            "alert": "status_changed", "severity": "info", "crossing": "torkham", "key": key, "incident": incident,
            "at": "2025-07-01T00:00:00Z", "late": false, "resolved": resolved, "message": "<b>open</b> & \u{202E}x",
            "record": null, "previous": null
        }))
        .unwrap()
    }

    #[test]
    fn a_resolved_alert_has_the_fingerprint_of_the_one_that_opened_its_incident() {
        let firing = payload("ops", &alert("status:torkham:a:closed:1", None, false));
        let resolved = payload("ops", &alert("status:torkham:a:open:2", Some("status:torkham:a:closed:1"), true));
        assert_eq!((firing["status"].as_str(), resolved["status"].as_str()), (Some("firing"), Some("resolved")));
        assert_eq!(firing["alerts"][0]["fingerprint"], resolved["alerts"][0]["fingerprint"]);
        assert_eq!(firing["alerts"][0]["endsAt"], "");
        assert_eq!(resolved["alerts"][0]["endsAt"], "2025-07-01T00:00:00Z");
        let other = payload("ops", &alert("status:torkham:a:open:2", None, false));
        assert_ne!(other["alerts"][0]["fingerprint"], firing["alerts"][0]["fingerprint"]);
    }

    #[test]
    fn a_slack_text_escapes_mrkdwn_and_marks_the_end_of_an_incident() {
        let body = slack_body(&[alert("k", Some("j"), true)]);
        assert_eq!(body, json!({"text": "*borderwatch* [resolved]\n&lt;b&gt;open&lt;/b&gt; &amp; \u{202E}x"}));
        assert_eq!(slack_escape("&lt;"), "&amp;lt;", "escaped once, as given");
    }

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let s = signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(s, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
