//! The ntfy sink: one POST per alert to a topic URL (ntfy.sh or a self-hosted server),
//! the message as a plain-text body (cut to 1000 characters), with `Title`, `Priority`
//! (from the severity) and `Tags` (the alert kind) headers and an optional
//! `Authorization: Bearer` token. ntfy shows the body as plain text, so nothing is
//! escaped; a title that is not printable ASCII goes as an RFC 2047 encoded word, which
//! ntfy (2.4 and later) decodes. Only a 2xx answer counts as delivered; a 429 carries its
//! `Retry-After` back to the outbox.

use std::fmt::Write as _;

use super::sink::{http_client, title, Delivery, NotifyError, Sink};
use crate::config::{NtfyConfig, QuietHours};
use crate::fetch::{policy, redacted};
use crate::model::{clip, Alert, Severity};

/// Characters of the title and of the body kept: ntfy turns a body over 4096 bytes into
/// an attachment (or refuses it), so the body stays under that even in 4-byte characters.
const TITLE_MAX: usize = 100;
const BODY_MAX: usize = 1000;

/// Posts alerts to an ntfy topic.
#[derive(Debug)]
pub struct NtfySink {
    config: NtfyConfig,
    client: reqwest::Client,
}

impl NtfySink {
    /// A sink for `config`.
    ///
    /// # Errors
    /// A [`NotifyError`] when the HTTP client cannot be built.
    pub fn new(config: NtfyConfig) -> Result<Self, NotifyError> {
        let client = http_client(&config.name, config.timeout)?;
        Ok(Self { config, client })
    }
}

/// ntfy's priority for a severity: 5 (urgent), 4 (high) or 3 (default).
#[must_use]
pub fn priority(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "5",
        Severity::Warning => "4",
        Severity::Info => "3",
    }
}

/// `s` as a header value: as is when it is printable ASCII, else one RFC 2047 "Q"
/// encoded word. Control characters (a newline in feed text) become spaces first.
#[must_use]
pub fn header_text(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s;
    }
    let mut out = String::from("=?UTF-8?Q?");
    for b in s.bytes() {
        match b {
            b' ' => out.push('_'),
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'!' | b'*' | b'+' | b'-' | b'/' => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "={b:02X}");
            }
        }
    }
    out.push_str("?=");
    out
}

/// The wait a 429 answer asks for in its `Retry-After` header (seconds).
pub(crate) fn retry_after(resp: &reqwest::Response) -> Option<std::time::Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse().ok().map(std::time::Duration::from_secs)
}

impl Sink for NtfySink {
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
            let url = &self.config.url;
            let fail = |message: String| NotifyError::new(&self.config.name, message);
            policy::check_url(url, self.config.allow_http, &self.config.allow_local)
                .map_err(|e| fail(e.to_string()))?;
            let mut req = self
                .client
                .post(url.clone())
                .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .header("Title", header_text(&clip(&title(alert), TITLE_MAX)))
                .header("Priority", priority(alert.severity))
                .header("Tags", alert.alert.as_str());
            if let Some(token) = &self.config.token {
                req = req.bearer_auth(token.expose());
            }
            let resp = req
                .body(clip(&alert.message, BODY_MAX).into_owned())
                .send()
                .await
                .map_err(|e| fail(format!("POST {} failed: {}", redacted(url), e.without_url())))?;
            let status = resp.status();
            if status.is_success() {
                return Ok(());
            }
            let mut e = fail(format!("POST {} answered {}", redacted(url), status.as_u16()));
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                e.retry_after = retry_after(&resp);
            }
            Err(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_outside_printable_ascii_are_encoded_words() {
        assert_eq!(header_text("borderwatch: Torkham"), "borderwatch: Torkham");
        assert_eq!(header_text("a\nb"), "a b");
        assert_eq!(header_text("Wagah – Attari"), "=?UTF-8?Q?Wagah_=E2=80=93_Attari?=");
        assert_eq!(header_text("x=?\u{202E}"), "=?UTF-8?Q?x=3D=3F=E2=80=AE?=");
    }

    #[test]
    fn priority_follows_severity() {
        assert_eq!(priority(Severity::Critical), "5");
        assert_eq!(priority(Severity::Warning), "4");
        assert_eq!(priority(Severity::Info), "3");
    }
}
