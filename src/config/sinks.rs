//! The `[[sink]]` entries: log, desktop, webhook, ntfy, telegram and email, each checked against
//! the address policy, with secrets read from their files at load (so a missing or empty
//! file is a config problem, not a delivery failure).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Duration;

use super::read::{Ctx, Table};
use super::validate::{allow_local, allowed_url};
use super::{
    DesktopConfig, EmailConfig, NtfyConfig, QuietHours, RouteConfig, Secret, SinkConfig, SinkFilter, SmtpTls,
    TelegramConfig, WebhookConfig, WebhookFormat, DEFAULT_TELEGRAM_API,
};
use crate::gazetteer::{parse_tz, Gazetteer};
use crate::policy;
use crate::timeutil::parse_duration;

/// The sinks, and the filters of those that have any (by sink name).
pub(super) fn sinks(
    ctx: &mut Ctx<'_>,
    root: &mut Table<'_, '_>,
    base: &Path,
    gazetteer: &Gazetteer,
    routes: &[RouteConfig],
) -> (Vec<SinkConfig>, BTreeMap<String, SinkFilter>) {
    let mut out: Vec<SinkConfig> = Vec::new();
    let mut filters = BTreeMap::new();
    for mut t in root.tables(ctx, "sink") {
        let kind = t.req_str(ctx, "kind");
        let filter = super::filter::filter(ctx, &mut t, gazetteer, routes);
        let sink = match kind.as_ref().map(|(k, _)| k.as_str()) {
            Some("log") => Some(SinkConfig::Log),
            Some("desktop") => desktop(ctx, &mut t).map(SinkConfig::Desktop),
            Some("webhook") => webhook(ctx, &mut t, base).map(SinkConfig::Webhook),
            Some("ntfy") => ntfy(ctx, &mut t, base).map(SinkConfig::Ntfy),
            Some("telegram") => telegram(ctx, &mut t, base).map(SinkConfig::Telegram),
            Some("email") => email(ctx, &mut t, base).map(SinkConfig::Email),
            Some(other) => {
                let span = kind.as_ref().map_or(t.span(), |k| k.1.clone());
                ctx.problem(
                    &span,
                    &t.key("kind"),
                    format!("unknown sink kind `{other}` (known: log, desktop, webhook, ntfy, telegram, email)"),
                );
                None
            }
            None => None,
        };
        t.finish(ctx);
        if let Some(sink) = sink {
            if out.iter().any(|o| o.name() == sink.name()) {
                ctx.problem(
                    &t.span(),
                    &t.key("id"),
                    format!("duplicate sink `{}` (give each HTTP sink its own `id`)", sink.name()),
                );
            } else {
                if let Some(f) = filter {
                    filters.insert(sink.name().to_string(), f);
                }
                out.push(sink);
            }
        }
    }
    (out, filters)
}

/// What every HTTP sink has: where, how long, and which addresses it may reach.
struct Endpoint {
    url: reqwest::Url,
    timeout: Duration,
    allow_http: bool,
    allow_local: policy::Local,
    quiet: Option<QuietHours>,
    digest: Option<Duration>,
}

/// Reads the URL under `key` (or `default` when absent), `timeout`, `allow_http`,
/// `allow_local`, the quiet hours and the digest window; `None` after reporting a problem.
fn endpoint(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, key: &str, default: Option<&str>) -> Option<Endpoint> {
    let url = match default {
        None => t.req_str(ctx, key),
        Some(d) => t.str(ctx, key).or_else(|| Some((d.to_string(), t.span()))),
    };
    let timeout = t.str(ctx, "timeout");
    let allow_http = t.bool(ctx, "allow_http").unwrap_or(false);
    let allow_local = allow_local(ctx, t);
    let quiet = quiet(ctx, t);
    let digest = digest(ctx, t);
    let url = url.and_then(|(u, span)| allowed_url(ctx, t, key, &u, &span, allow_http, &allow_local));
    let timeout = match timeout {
        None => Some(Duration::seconds(10)),
        Some((s, span)) => parse_duration(&s).map_err(|e| ctx.problem(&span, &t.key("timeout"), e)).ok(),
    };
    Some(Endpoint { url: url?, timeout: timeout?, allow_http, allow_local, quiet: quiet?, digest: digest? })
}

fn webhook(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, base: &Path) -> Option<WebhookConfig> {
    let name = t.str(ctx, "id").map_or_else(|| "webhook".to_string(), |x| x.0);
    let secret = secret(ctx, t, base, "secret_file");
    let format = match t.str(ctx, "format") {
        None => Some(WebhookFormat::Alertmanager),
        Some((f, span)) => match f.as_str() {
            "alertmanager" => Some(WebhookFormat::Alertmanager),
            "slack" => Some(WebhookFormat::Slack),
            other => {
                ctx.problem(
                    &span,
                    &t.key("format"),
                    format!("`{other}` is not a webhook format (alertmanager or slack)"),
                );
                None
            }
        },
    };
    let e = endpoint(ctx, t, "url", None);
    let (e, secret, format) = (e?, secret?, format?);
    let Endpoint { url, timeout, allow_http, allow_local, quiet, digest } = e;
    Some(WebhookConfig { name, url, secret, timeout, allow_http, allow_local, quiet, format, digest })
}

fn ntfy(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, base: &Path) -> Option<NtfyConfig> {
    let name = t.str(ctx, "id").map_or_else(|| "ntfy".to_string(), |x| x.0);
    let token = secret(ctx, t, base, "token_file");
    let e = endpoint(ctx, t, "url", None);
    let (e, token) = (e?, token?);
    let Endpoint { url, timeout, allow_http, allow_local, quiet, digest } = e;
    Some(NtfyConfig { name, url, token, timeout, allow_http, allow_local, quiet, digest })
}

fn telegram(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, base: &Path) -> Option<TelegramConfig> {
    let name = t.str(ctx, "id").map_or_else(|| "telegram".to_string(), |x| x.0);
    let chat_id = t.req_str(ctx, "chat_id");
    let token = t.req_str(ctx, "token_file").map(|file| read_secret(ctx, t, base, "token_file", file));
    let e = endpoint(ctx, t, "api_url", Some(DEFAULT_TELEGRAM_API));
    let chat_id = chat_id.and_then(|(c, span)| {
        if c.trim().is_empty() {
            ctx.problem(&span, &t.key("chat_id"), "is empty");
            None
        } else {
            Some(c.trim().to_string())
        }
    });
    let (e, token, chat_id) = (e?, token??, chat_id?);
    let Endpoint { url: api_url, timeout, allow_http, allow_local, quiet, digest } = e;
    Some(TelegramConfig { name, api_url, chat_id, token, timeout, allow_http, allow_local, quiet, digest })
}

fn email(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, base: &Path) -> Option<EmailConfig> {
    let name = t.str(ctx, "id").map_or_else(|| "email".to_string(), |x| x.0);
    let host = t.req_str(ctx, "host");
    let port = t.int(ctx, "port");
    let tls = t.str(ctx, "tls");
    let from = t.req_str(ctx, "from");
    let to = t.req_str_or_list(ctx, "to");
    let username = t.str(ctx, "username");
    let password = secret(ctx, t, base, "password_file");
    let timeout = t.str(ctx, "timeout");
    let allow_local = allow_local(ctx, t);
    let quiet = quiet(ctx, t);
    let digest = digest(ctx, t);

    let tls_span = tls.as_ref().map_or(t.span(), |x| x.1.clone());
    let tls = match tls {
        None => Some(SmtpTls::StartTls),
        Some((s, span)) => match s.as_str() {
            "starttls" => Some(SmtpTls::StartTls),
            "tls" => Some(SmtpTls::Tls),
            "none" => Some(SmtpTls::None),
            other => {
                ctx.problem(&span, &t.key("tls"), format!("`{other}` is not a TLS mode (starttls, tls or none)"));
                None
            }
        },
    };
    let port = match port {
        None => Some(if tls == Some(SmtpTls::Tls) { 465 } else { 587 }),
        Some((p, span)) => {
            let ok = u16::try_from(p).ok().filter(|p| *p > 0);
            if ok.is_none() {
                ctx.problem(&span, &t.key("port"), format!("{p} is not a TCP port (1-65535)"));
            }
            ok
        }
    };
    let host = host.and_then(|(h, span)| {
        let checked = smtp_host(h.trim()).and_then(|host| {
            policy::check_host(&host.borrowed(), &allow_local).map(|()| host).map_err(|e| e.to_string())
        });
        checked.map_err(|e| ctx.problem(&span, &t.key("host"), e)).ok()
    });
    if let (Some(SmtpTls::None), Some(h)) = (tls, &host) {
        if !h.local {
            ctx.problem(
                &tls_span,
                &t.key("tls"),
                "`none` sends alerts and the password in the clear: only to a loopback or private address \
                 that allow_local permits (use starttls or tls)",
            );
        }
    }
    let from = from.and_then(|(f, span)| mailbox(ctx, t, "from", &f, &span));
    let to = to.and_then(|list| {
        if list.is_empty() {
            let span = t.span();
            ctx.problem(&span, &t.key("to"), "names no recipient");
            return None;
        }
        let parsed: Vec<_> = list.iter().map(|(a, span)| mailbox(ctx, t, "to", a, span)).collect();
        parsed.into_iter().collect::<Option<Vec<_>>>()
    });
    let credentials = match (username, password) {
        (None, Some(None)) => Some(None),
        (Some((u, _)), Some(Some(p))) => Some(Some((u, p))),
        (Some((_, span)), Some(None)) => {
            ctx.problem(&span, &t.key("username"), "needs `password_file`");
            None
        }
        (None, Some(Some(_))) => {
            let span = t.span();
            ctx.problem(&span, &t.key("password_file"), "needs `username`");
            None
        }
        (_, None) => None,
    };
    let timeout = match timeout {
        None => Some(Duration::seconds(10)),
        Some((s, span)) => parse_duration(&s).map_err(|e| ctx.problem(&span, &t.key("timeout"), e)).ok(),
    };
    Some(EmailConfig {
        name,
        host: host?.name,
        port: port?,
        tls: tls?,
        from: from?,
        to: to?,
        credentials: credentials?,
        timeout: timeout?,
        allow_local,
        quiet: quiet?,
        digest: digest?,
    })
}

fn desktop(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>) -> Option<DesktopConfig> {
    let quiet = quiet(ctx, t);
    let digest = digest(ctx, t);
    Some(DesktopConfig { quiet: quiet?, digest: digest? })
}

/// A sink's `digest` window: `Some(None)` when unset, `None` after reporting a value
/// that is not a duration longer than zero.
fn digest(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>) -> Option<Option<Duration>> {
    let Some((d, span)) = t.str(ctx, "digest") else { return Some(None) };
    match parse_duration(&d) {
        Ok(w) if w > Duration::zero() => Some(Some(w)),
        Ok(_) => {
            ctx.problem(
                &span,
                &t.key("digest"),
                format!("`{d}` is no window: give a duration longer than 0s, e.g. 15m"),
            );
            None
        }
        Err(e) => {
            ctx.problem(&span, &t.key("digest"), e);
            None
        }
    }
}

/// An SMTP server's host as lettre connects to it (an IPv6 address without brackets),
/// and whether it names a loopback or private address.
struct SmtpHost {
    name: String,
    host: url::Host<String>,
    local: bool,
}

impl SmtpHost {
    fn borrowed(&self) -> url::Host<&str> {
        match &self.host {
            url::Host::Domain(d) => url::Host::Domain(d.as_str()),
            url::Host::Ipv4(a) => url::Host::Ipv4(*a),
            url::Host::Ipv6(a) => url::Host::Ipv6(*a),
        }
    }
}

fn smtp_host(h: &str) -> Result<SmtpHost, String> {
    if let Ok(ip) = h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        let host = match ip {
            std::net::IpAddr::V4(a) => url::Host::Ipv4(a),
            std::net::IpAddr::V6(a) => url::Host::Ipv6(a),
        };
        return Ok(SmtpHost { name: ip.to_string(), host, local: policy::is_local(ip) });
    }
    match url::Host::parse(h) {
        Ok(url::Host::Domain(d)) if !d.is_empty() => {
            Ok(SmtpHost { local: policy::is_localhost(&d), name: d.clone(), host: url::Host::Domain(d) })
        }
        _ => Err(format!("`{h}` is not a host name or address")),
    }
}

/// An address (`alerts@example.org` or `Name <alerts@example.org>`) under `key`, checked.
fn mailbox(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str, a: &str, span: &std::ops::Range<usize>) -> Option<String> {
    match a.trim().parse::<lettre::message::Mailbox>() {
        Ok(_) => Some(a.trim().to_string()),
        Err(e) => {
            ctx.problem(span, &t.key(key), format!("`{a}` is not an email address: {e}"));
            None
        }
    }
}

/// The secret in the file named under `key`: `Some(None)` when the key is absent, `None`
/// after reporting a file that cannot be read or is empty.
fn secret(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, base: &Path, key: &str) -> Option<Option<Secret>> {
    match t.str(ctx, key) {
        None => Some(None),
        Some(file) => read_secret(ctx, t, base, key, file).map(Some),
    }
}

/// The secret in `file` (named under `key`), or `None` after reporting a file that cannot
/// be read or is empty.
fn read_secret(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    base: &Path,
    key: &str,
    (f, span): (String, std::ops::Range<usize>),
) -> Option<Secret> {
    let path = secret_path(base, &f);
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => Some(Secret::new(s.trim_end_matches(['\n', '\r']).to_string())),
        Ok(_) => {
            ctx.problem(&span, &t.key(key), format!("{} is empty", path.display()));
            None
        }
        Err(e) => {
            ctx.problem(&span, &t.key(key), format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

/// A sink's `quiet_hours` and `quiet_timezone` (default UTC): `Some(None)` when unset,
/// `None` after reporting a problem.
fn quiet(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>) -> Option<Option<QuietHours>> {
    let hours = t.str(ctx, "quiet_hours");
    let zone = t.str(ctx, "quiet_timezone");
    let tz = match zone {
        Some((z, span)) => parse_tz(&z).map_err(|e| ctx.problem(&span, &t.key("quiet_timezone"), e)).ok()?,
        None => chrono_tz::UTC,
    };
    match hours {
        None => Some(None),
        Some((h, span)) => {
            QuietHours::parse(&h, tz).map(Some).map_err(|e| ctx.problem(&span, &t.key("quiet_hours"), e)).ok()
        }
    }
}

/// A secret file: absolute as given; relative, from `$CREDENTIALS_DIRECTORY` when systemd
/// passes credentials and the file is there, else from the config file's folder.
fn secret_path(base: &Path, f: &str) -> PathBuf {
    let p = PathBuf::from(f);
    if p.is_absolute() {
        return p;
    }
    if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY") {
        let c = PathBuf::from(dir).join(&p);
        if c.exists() {
            return c;
        }
    }
    base.join(p)
}

#[cfg(test)]
mod tests {
    use super::super::{Config, SinkConfig, SmtpTls, DEFAULT_TELEGRAM_API};

    #[test]
    fn ntfy_and_telegram_take_their_defaults_and_read_their_tokens() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bot.token"), "123:abc\n").unwrap();
        let src = "[[sink]]\nkind = \"ntfy\"\nurl = \"https://ntfy.example.org/t\"\n\n\
                   [[sink]]\nkind = \"telegram\"\nchat_id = \" @border_ops \"\ntoken_file = \"bot.token\"\n";
        let config = Config::parse(src, &dir.path().join("borderwatch.toml")).unwrap();
        let [SinkConfig::Ntfy(n), SinkConfig::Telegram(t)] = config.sinks.as_slice() else {
            panic!("{:?}", config.sinks)
        };
        assert_eq!((n.name.as_str(), n.token.is_none()), ("ntfy", true));
        assert_eq!(t.name, "telegram");
        assert_eq!(t.api_url.as_str(), format!("{DEFAULT_TELEGRAM_API}/"));
        assert_eq!(t.chat_id, "@border_ops");
        assert_eq!(t.token.expose(), "123:abc");
        assert_eq!(format!("{t:?}").matches("123:abc").count(), 0, "the token is not in Debug output");
    }

    #[test]
    fn email_takes_its_defaults_reads_its_password_and_allows_plain_smtp_only_to_local_servers() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("smtp.password"), "s3cret\n").unwrap();
        let src = "[[sink]]\nkind = \"email\"\nhost = \"smtp.example.org\"\nfrom = \"Borderwatch <a@example.org>\"\n\
                   to = \"ops@example.org\"\nusername = \"bw\"\npassword_file = \"smtp.password\"\n\n\
                   [[sink]]\nkind = \"email\"\nid = \"mail2\"\nhost = \"[::1]\"\ntls = \"none\"\nallow_local = true\n\
                   from = \"a@example.org\"\nto = [\"b@example.org\", \"c@example.org\"]\n";
        let config = Config::parse(src, &dir.path().join("borderwatch.toml")).unwrap();
        let [SinkConfig::Email(a), SinkConfig::Email(b)] = config.sinks.as_slice() else {
            panic!("{:?}", config.sinks)
        };
        assert_eq!((a.name.as_str(), a.port, a.tls, a.to.len()), ("email", 587, SmtpTls::StartTls, 1));
        let (user, password) = a.credentials.as_ref().unwrap();
        assert_eq!((user.as_str(), password.expose()), ("bw", "s3cret"));
        assert_eq!(format!("{a:?}").matches("s3cret").count(), 0, "the password is not in Debug output");
        assert_eq!((b.host.as_str(), b.tls, b.to.len(), b.credentials.is_none()), ("::1", SmtpTls::None, 2, true));

        let implicit = "[[sink]]\nkind = \"email\"\nhost = \"smtp.example.org\"\ntls = \"tls\"\nfrom = \"a@example.org\"\nto = \"b@example.org\"\n";
        let config = Config::parse(implicit, &dir.path().join("borderwatch.toml")).unwrap();
        let [SinkConfig::Email(c)] = config.sinks.as_slice() else { panic!() };
        assert_eq!(c.port, 465);
        for plain in [implicit.replace("\"tls\"", "\"none\""), src.replace("allow_local = true\n", "")] {
            assert!(Config::parse(&plain, &dir.path().join("borderwatch.toml")).is_err(), "{plain}");
        }
    }
}
