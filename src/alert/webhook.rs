//! The webhook sink: one POST per alert with a versioned JSON payload shaped like
//! Alertmanager's webhook, an `Idempotency-Key` equal to the dedup key (a redelivery
//! after a crash carries the same key), and an optional HMAC-SHA256 signature. A digest
//! is one POST whose `alerts` array holds every alert in it, keyed by the digest's key.
//! Only a 2xx answer counts as delivered; anything else leaves the alert queued.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::sink::{http_client, Delivery, NotifyError, Sink};
use crate::config::{QuietHours, WebhookConfig};
use crate::fetch::{policy, redacted};
use crate::model::{Alert, AlertKind};

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
    let status = if alerts.iter().all(resolved) { "resolved" } else { "firing" };
    json!({
        "version": PAYLOAD_VERSION,
        "receiver": receiver,
        "status": status,
        "alerts": entries,
    })
}

fn resolved(a: &Alert) -> bool {
    a.alert == AlertKind::FeedRecovered
}

/// One entry of the `alerts` array.
fn entry(a: &Alert) -> serde_json::Value {
    let status = if resolved(a) { "resolved" } else { "firing" };
    let fingerprint: String = Sha256::digest(a.key.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect();
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
        Box::pin(self.post(payload(&self.config.name, alert), alert.key.clone()))
    }

    fn deliver_digest<'a>(&'a self, alerts: &'a [Alert]) -> Delivery<'a> {
        Box::pin(self.post(payload_many(&self.config.name, alerts), super::digest::key(alerts)))
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

    #[test]
    fn signature_is_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        let s = signature("Jefe", b"what do ya want for nothing?");
        assert_eq!(s, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
