//! The email sink: one message per alert through an SMTP server (`lettre`, rustls), over
//! STARTTLS (required, never opportunistic), implicit TLS, or — to a loopback or private
//! server only — no TLS. The subject is the alert's one-line title; the body is plain
//! text with a small HTML alternative (feed text escaped, so a `<b>` is shown, not
//! obeyed). The `Message-ID` is derived from the alert's dedup key, so a redelivery after
//! a crash or a retry carries the same id and mail clients thread or drop it instead of
//! showing a duplicate. Only the server's final acceptance of the message counts as
//! delivered; a transient refusal (4xx, e.g. 451) and a permanent one (5xx) both leave
//! the alert queued and are logged, the permanent one named so an operator can act.

use lettre::message::{header, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use super::sink::{title, Delivery, NotifyError, Sink};
use crate::config::{EmailConfig, QuietHours, SmtpTls};
use crate::fetch::policy;
use crate::model::{clip, Alert};

/// Characters of the subject kept; mail clients show far fewer.
const SUBJECT_MAX: usize = 200;

/// Sends alerts as email.
pub struct EmailSink {
    config: EmailConfig,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for EmailSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSink").field("config", &self.config).finish_non_exhaustive()
    }
}

impl EmailSink {
    /// A sink for `config`.
    ///
    /// # Errors
    /// A [`NotifyError`] when the TLS settings cannot be built.
    pub fn new(config: EmailConfig) -> Result<Self, NotifyError> {
        let tls_params =
            || TlsParameters::new(config.host.clone()).map_err(|e| NotifyError::new(&config.name, format!("TLS: {e}")));
        let tls = match config.tls {
            SmtpTls::StartTls => Tls::Required(tls_params()?),
            SmtpTls::Tls => Tls::Wrapper(tls_params()?),
            SmtpTls::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout.to_std().unwrap_or(std::time::Duration::from_secs(10))));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_string()));
        }
        Ok(Self { transport: builder.build(), config })
    }
}

/// Text safe inside HTML: `&`, `<` and `>` as entities; everything else, U+202E
/// included, is text.
#[must_use]
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The `Message-ID` for an alert: a hash of its dedup key, the same on every delivery.
#[must_use]
pub fn message_id(a: &Alert) -> String {
    let hex: String = Sha256::digest(a.key.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@borderwatch>")
}

/// The subject: the title on one line (control characters, a newline in feed text, as
/// spaces), cut to [`SUBJECT_MAX`] characters.
#[must_use]
pub fn subject(a: &Alert) -> String {
    clip(&title(a), SUBJECT_MAX).chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// The facts under the message: kind and severity, crossing or feed, time and key.
fn facts(a: &Alert) -> Vec<(&'static str, String)> {
    let severity = serde_json::to_value(a.severity).ok().and_then(|v| v.as_str().map(str::to_string));
    let mut out = vec![("Alert", format!("{} ({})", a.alert.as_str(), severity.unwrap_or_default()))];
    if let Some(c) = &a.crossing {
        out.push(("Crossing", c.clone()));
    }
    if let Some(f) = &a.feed {
        out.push(("Feed", f.clone()));
    }
    out.push(("At", a.at.clone()));
    out.push(("Key", a.key.clone()));
    out
}

/// The plain-text body.
#[must_use]
pub fn plain(a: &Alert) -> String {
    let mut out = format!("{}\n\n", a.message);
    for (k, v) in facts(a) {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out
}

/// The HTML alternative: the title, the message (its lines kept: a digest has one per
/// alert) and the facts, all escaped.
#[must_use]
pub fn html(a: &Alert) -> String {
    let rows: String =
        facts(a).iter().map(|(k, v)| format!("<tr><th align=\"left\">{k}</th><td>{}</td></tr>", escape(v))).collect();
    format!(
        "<!DOCTYPE html>\n<html><body>\n<p><strong>{}</strong></p>\n<p>{}</p>\n<table>{rows}</table>\n</body></html>\n",
        escape(&title(a)),
        escape(&a.message).replace('\n', "<br>\n")
    )
}

/// The message for an alert, from `from` to `to`.
///
/// # Errors
/// A message when an address does not parse (the config checked them at load).
pub fn message(from: &str, to: &[String], a: &Alert) -> Result<Message, String> {
    let mailbox = |s: &str| s.parse::<Mailbox>().map_err(|e| format!("`{s}`: {e}"));
    let mut b = Message::builder().from(mailbox(from)?).subject(subject(a)).message_id(Some(message_id(a)));
    for r in to {
        b = b.to(mailbox(r)?);
    }
    b.header(header::MIME_VERSION_1_0)
        .multipart(MultiPart::alternative_plain_html(plain(a), html(a)))
        .map_err(|e| e.to_string())
}

impl Sink for EmailSink {
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
            let c = &self.config;
            let fail = |message: String| NotifyError::new(&c.name, message);
            let server = format!("SMTP {}:{}", c.host, c.port);
            let host = match c.host.parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(a)) => url::Host::Ipv4(a),
                Ok(std::net::IpAddr::V6(a)) => url::Host::Ipv6(a),
                Err(_) => url::Host::Domain(c.host.as_str()),
            };
            policy::check_host(&host, &c.allow_local).map_err(|e| fail(e.to_string()))?;
            let email = message(&c.from, &c.to, alert).map_err(|e| fail(format!("cannot build the message: {e}")))?;
            match self.transport.send(email).await {
                Ok(_) => Ok(()),
                Err(e) => {
                    let hint = if e.is_permanent() {
                        " (check the sink's addresses and account)"
                    } else if e.is_transient() {
                        " (will retry)"
                    } else {
                        ""
                    };
                    Err(fail(format!("{server}: {}{hint}", chain(&e))))
                }
            }
        })
    }
}

/// An error with its sources, one after another.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(key: &str) -> Alert {
        serde_json::from_value(serde_json::json!({
            "alert": "status_changed", "severity": "critical", "crossing": "torkham", "name": "Tor<kham>\n& co",
            "key": key, "at": "2025-07-01T00:00:00Z", "late": false, "message": "<b>closed</b> & \u{202E}nepo",
            "record": null, "previous": null
        }))
        .unwrap()
    }

    #[test]
    fn message_id_follows_the_key_alone() {
        let a = alert("status:torkham:1");
        assert_eq!(message_id(&a), message_id(&alert("status:torkham:1")));
        assert_ne!(message_id(&a), message_id(&alert("status:torkham:2")));
        assert!(message_id(&a).starts_with('<') && message_id(&a).ends_with("@borderwatch>"));
    }

    #[test]
    fn the_html_part_escapes_feed_text_and_the_subject_is_one_line() {
        let a = alert("k");
        assert!(html(&a).contains("<p>&lt;b&gt;closed&lt;/b&gt; &amp; \u{202E}nepo</p>"));
        assert!(!html(&a).contains("<b>"));
        assert!(plain(&a).starts_with("<b>closed</b> & \u{202E}nepo\n"));
        assert_eq!(subject(&a), "borderwatch: Tor<kham> & co");
    }

    #[test]
    fn a_digest_is_one_message_with_a_line_per_alert() {
        let alerts = [alert("status:torkham:1"), alert("status:torkham:2")];
        let d = crate::alert::digest::combine(&alerts);
        assert_eq!(subject(&d), "borderwatch: 2 changes on Tor<kham> & co");
        assert!(html(&d).contains("&amp; \u{202E}nepo<br>\n&lt;b&gt;"), "{}", html(&d));
        assert!(plain(&d).contains("Alert: digest (critical)"), "{}", plain(&d));
        assert_ne!(message_id(&d), message_id(&alerts[0]));
    }

    #[test]
    fn a_tls_sink_builds_its_rustls_settings() {
        for tls in [SmtpTls::StartTls, SmtpTls::Tls] {
            let config = EmailConfig {
                name: "email".into(),
                host: "smtp.example.org".into(),
                port: 587,
                tls,
                from: "a@example.org".into(),
                to: vec!["b@example.org".into()],
                credentials: Some(("u".into(), crate::config::Secret::new("pw".into()))),
                timeout: chrono::Duration::seconds(10),
                allow_local: crate::policy::Local::Denied,
                quiet: None,
                digest: None,
            };
            let sink = EmailSink::new(config).unwrap();
            assert!(!format!("{sink:?}").contains("pw\""), "{sink:?}");
        }
    }
}
