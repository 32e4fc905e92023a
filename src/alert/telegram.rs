//! The telegram sink: one Bot API `sendMessage` per alert to a chat, in HTML parse mode,
//! with feed text cut to fit Telegram's 4096-character limit and escaped as it requires
//! (`&`, `<`, `>`), so a `<b>` in a feed is shown, not obeyed. The bot token is part of
//! the request path, so no message names that URL: errors name the API's base URL only.
//! Only an answer with `"ok": true` counts as delivered; a 429 carries its
//! `parameters.retry_after` back to the outbox.

use serde_json::json;

use super::sink::{http_client, title, Delivery, NotifyError, Sink};
use crate::config::{QuietHours, TelegramConfig};
use crate::fetch::{policy, redacted};
use crate::model::{clip, Alert};

/// Sends alerts to a Telegram chat.
#[derive(Debug)]
pub struct TelegramSink {
    config: TelegramConfig,
    client: reqwest::Client,
}

impl TelegramSink {
    /// A sink for `config`.
    ///
    /// # Errors
    /// A [`NotifyError`] when the HTTP client cannot be built.
    pub fn new(config: TelegramConfig) -> Result<Self, NotifyError> {
        let client = http_client(&config.name, config.timeout)?;
        Ok(Self { config, client })
    }
}

/// Text safe inside Telegram's HTML: `&`, `<` and `>` as entities; everything else,
/// U+202E included, is text.
#[must_use]
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Characters of the title and of the message kept: Telegram refuses a text over 4096
/// (UTF-16 units, after entities), and a refused alert would hold the sink's outbox, so
/// even text of astral characters (two units each) stays within it.
const TITLE_MAX: usize = 100;
const MESSAGE_MAX: usize = 1900;

/// The message for an alert: the title in bold, then the message, both escaped.
#[must_use]
pub fn text(a: &Alert) -> String {
    format!("<b>{}</b>\n{}", escape(&clip(&title(a), TITLE_MAX)), escape(&clip(&a.message, MESSAGE_MAX)))
}

/// The `sendMessage` body for an alert.
#[must_use]
pub fn body(chat_id: &str, a: &Alert) -> serde_json::Value {
    json!({
        "chat_id": chat_id,
        "text": text(a),
        "parse_mode": "HTML",
        "disable_web_page_preview": true,
    })
}

impl Sink for TelegramSink {
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
        Box::pin(async move {
            let api = &self.config.api_url;
            let fail = |message: String| NotifyError::new(&self.config.name, message);
            policy::check_url(api, self.config.allow_http, &self.config.allow_local)
                .map_err(|e| fail(e.to_string()))?;
            let base = api.as_str().trim_end_matches('/');
            let url = format!("{base}/bot{}/sendMessage", self.config.token.expose());
            let shown = format!("sendMessage to {}", redacted(api));
            let resp = self
                .client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(&body(&self.config.chat_id, alert)).expect("body serializes"))
                .send()
                .await
                .map_err(|e| fail(format!("{shown} failed: {}", e.without_url())))?;
            let status = resp.status();
            let answer: serde_json::Value =
                resp.bytes().await.ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
            if status.is_success() && answer["ok"] == true {
                return Ok(());
            }
            let said = answer["description"].as_str().map(|d| format!(": {}", d.chars().take(200).collect::<String>()));
            let mut e = fail(format!("{shown} answered {}{}", status.as_u16(), said.unwrap_or_default()));
            e.retry_after = answer["parameters"]["retry_after"].as_u64().map(std::time::Duration::from_secs);
            Err(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_text_is_escaped_and_bidi_kept_as_text() {
        assert_eq!(escape("<b>A & B</b>\u{202E}"), "&lt;b&gt;A &amp; B&lt;/b&gt;\u{202E}");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn a_long_message_stays_within_telegrams_limit() {
        let a: Alert = serde_json::from_value(json!({
            "alert": "status_changed", "severity": "info", "name": "\u{1F6A7}".repeat(500), "key": "k",
            "at": "2025-07-01T00:00:00Z", "late": false, "message": "\u{1F6A7}".repeat(5000), "record": null,
            "previous": null
        }))
        .unwrap();
        assert!(text(&a).encode_utf16().count() <= 4096 + "<b></b>".len());
    }
}
