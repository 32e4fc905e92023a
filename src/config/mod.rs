//! Configuration: typed values parsed and validated once at load.
//!
//! Input: a TOML file (DESIGN.md §7). Output: a [`Config`] in which every cron pattern is
//! a [`Schedule`], every zone a `Tz`, every duration a `Duration`; no strings survive to
//! the runtime. Failure policy: all problems are collected and reported together, each
//! with file, line and key; unknown keys are problems too.

mod filter;
mod hosts;
mod read;
mod sinks;
mod validate;
mod watch;

pub use watch::{Direction, Select, WatchConfig};

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::Duration;
use chrono_tz::Tz;

use crate::gazetteer::Gazetteer;
use crate::model::Confidence;
use crate::schedule::Schedule;
use crate::spec::{FetchSpec, Format, Lanes, Local, Mapping};

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// `[daemon]`.
    pub daemon: DaemonConfig,
    /// `[alerts]`.
    pub alerts: AlertsConfig,
    /// The built-in crossings plus the `[[crossing]]` entries.
    pub gazetteer: Gazetteer,
    /// `[[feed]]` entries.
    pub feeds: Vec<FeedConfig>,
    /// `[[sink]]` entries (the log sink is always on).
    pub sinks: Vec<SinkConfig>,
    /// `[[route]]` entries: alternative crossings a trader can use.
    pub routes: Vec<RouteConfig>,
    /// The `crossings`, `routes` and `min_severity` filters of the sinks that have any,
    /// by sink name.
    pub filters: std::collections::BTreeMap<String, SinkFilter>,
}

pub use filter::SinkFilter;

/// A route: crossings that are alternatives for the same journey (Karachi–Kabul via
/// Torkham or Chaman). It alerts when all are closed, or when the last open one nears
/// the end of its opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteConfig {
    /// Unique id.
    pub id: String,
    /// Display name (default: the id).
    pub name: String,
    /// Gazetteer ids of the alternatives.
    pub crossings: Vec<String>,
}

/// `[daemon]`: where state lives and how times are shown.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// The SQLite state file (relative paths are taken from the config file's folder,
    /// or from `$STATE_DIRECTORY` when systemd sets it).
    pub state: PathBuf,
    /// Zone for displaying instants that belong to no crossing.
    pub timezone: Tz,
    /// Loopback address of the listener (`/healthz`, `/metrics`, `/api/status`, the board).
    pub listen: Option<std::net::SocketAddr>,
}

/// `[alerts]`: the expiry ladder and feed-health thresholds.
#[derive(Debug, Clone)]
pub struct AlertsConfig {
    /// Ladder steps before an expiry, longest first (default 7d, 3d, 1d).
    pub lead_times: Vec<Duration>,
    /// Consecutive failed polls before one `feed_failing` (default 3).
    pub failures_before_alert: u32,
    /// Good polls a crossing must be missing from before it counts as removed (default 2).
    pub removal_after: u32,
    /// Share of the last good snapshot that may disappear in one poll before the new
    /// snapshot is held as suspect (default 0.5).
    pub suspect_drop: f64,
    /// Remind of a closure that lasts, every this long (off by default).
    pub repeat_closed: Option<Duration>,
    /// The least confidence of an end that arms the expiry ladder (default `high`); a
    /// less sure end fires one `needs_review` instead.
    pub arm_expiry: Confidence,
    /// `[[watch]]` entries: thresholds on the values records carry.
    pub watches: Vec<WatchConfig>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            lead_times: vec![Duration::days(7), Duration::days(3), Duration::days(1)],
            failures_before_alert: 3,
            removal_after: 2,
            suspect_drop: 0.5,
            repeat_closed: None,
            arm_expiry: Confidence::High,
            watches: Vec::new(),
        }
    }
}

/// Consecutive suspect polls with the same shrink after which it is accepted as the
/// feed's new shape, unless the feed sets `accept_after`.
pub const DEFAULT_ACCEPT_AFTER: u32 = 3;

pub use crate::spec::{FeedSource, DEFAULT_MAX_IN_FLIGHT};

/// One `[[feed]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedConfig {
    /// Unique id, used in state, logs, metrics and alerts.
    pub id: String,
    /// How to read the body.
    pub format: Format,
    /// Where to fetch it.
    pub source: FeedSource,
    /// When to poll it.
    pub schedule: Schedule,
    /// Total time allowed for one fetch (default 30s).
    pub timeout: Duration,
    /// Largest body accepted, counted after decompression (default 10 MiB).
    pub max_bytes: u64,
    /// Plain http is allowed for this feed.
    pub allow_http: bool,
    /// The loopback, private and link-local targets this feed may reach.
    pub allow_local: Local,
    /// Raise `feed_failing` as soon as a failing feed's last good poll is this old, even
    /// before `failures_before_alert` failures (off by default).
    pub stale_after: Option<Duration>,
    /// Where the fields are, for the generic `json` and `csv` formats.
    pub mapping: Option<Mapping>,
    /// How often a transient fetch failure is retried within one poll (default 2).
    pub retries: u32,
    /// The wait before the first retry, doubled for each next one, with jitter
    /// (default 1s).
    pub retry_backoff: Duration,
    /// A suspect shrink is accepted as the feed's new shape once every crossing it lacks
    /// has been missing from this many consecutive polls (default 3, at least 2).
    pub accept_after: u32,
    /// Requests in flight at once to the feed's host: its `[[host]]` entry's
    /// `max_in_flight`, else [`DEFAULT_MAX_IN_FLIGHT`].
    pub max_in_flight: usize,
    /// What lane-level changes do (`lanes`, default `alert`).
    pub lanes: Lanes,
}

impl FeedConfig {
    /// What the parser needs of this feed.
    #[must_use]
    pub fn parse_spec(&self) -> crate::formats::ParseSpec<'_> {
        crate::formats::ParseSpec {
            feed: &self.id,
            format: self.format,
            mapping: self.mapping.as_ref(),
            lanes: self.lanes,
        }
    }

    /// What the fetcher needs of this feed.
    #[must_use]
    pub fn fetch_spec(&self) -> FetchSpec<'_> {
        FetchSpec {
            id: &self.id,
            source: &self.source,
            timeout: self.timeout,
            max_bytes: self.max_bytes,
            allow_http: self.allow_http,
            allow_local: &self.allow_local,
            retries: self.retries,
            retry_backoff: self.retry_backoff,
            max_in_flight: self.max_in_flight,
        }
    }
}

/// One `[[sink]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkConfig {
    /// The structured log (always on; listing it is allowed and changes nothing).
    Log,
    /// Desktop notifications over the session D-Bus.
    Desktop(DesktopConfig),
    /// HTTP POST of each alert.
    Webhook(WebhookConfig),
    /// A push notification through an ntfy server.
    Ntfy(NtfyConfig),
    /// A message to a Telegram chat through the Bot API.
    Telegram(TelegramConfig),
    /// An email through an SMTP server.
    Email(EmailConfig),
}

impl SinkConfig {
    /// The sink's name in logs and the delivery ledger.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            SinkConfig::Log => "log",
            SinkConfig::Desktop(_) => "desktop",
            SinkConfig::Webhook(w) => &w.name,
            SinkConfig::Ntfy(n) => &n.name,
            SinkConfig::Telegram(t) => &t.name,
            SinkConfig::Email(e) => &e.name,
        }
    }
}

/// The desktop sink.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DesktopConfig {
    /// When to hold all but critical alerts.
    pub quiet: Option<QuietHours>,
    /// Gather the alerts that come due within this long into one notification.
    pub digest: Option<Duration>,
}

/// A webhook sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Name in the delivery ledger (`id`, default `webhook`).
    pub name: String,
    /// Where to POST.
    pub url: reqwest::Url,
    /// HMAC-SHA256 key for the `X-Borderwatch-Signature` header, from `secret_file`.
    pub secret: Option<Secret>,
    /// Time allowed for one delivery (default 10s).
    pub timeout: Duration,
    /// Plain http is allowed.
    pub allow_http: bool,
    /// Loopback and private targets are allowed.
    pub allow_local: Local,
    /// When to hold all but critical alerts.
    pub quiet: Option<QuietHours>,
    /// Gather the alerts that come due within this long into one message.
    pub digest: Option<Duration>,
    /// The body's shape (default Alertmanager's webhook).
    pub format: WebhookFormat,
}

/// What a webhook sink POSTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// `format = "alertmanager"` (the default): a versioned JSON payload shaped like
    /// Alertmanager's webhook, with `firing`/`resolved` and a fingerprint.
    Alertmanager,
    /// `format = "slack"`: `{"text": …}` in Slack mrkdwn, which Slack, Mattermost and
    /// Discord (at `…/slack`) incoming webhooks take.
    Slack,
}

/// An ntfy sink: one POST per alert to a topic URL, on ntfy.sh or a self-hosted server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtfyConfig {
    /// Name in the delivery ledger (`id`, default `ntfy`).
    pub name: String,
    /// The topic URL (`https://ntfy.sh/mytopic`).
    pub url: reqwest::Url,
    /// Access token sent as `Authorization: Bearer`, from `token_file`.
    pub token: Option<Secret>,
    /// Time allowed for one delivery (default 10s).
    pub timeout: Duration,
    /// Plain http is allowed.
    pub allow_http: bool,
    /// Loopback and private targets are allowed.
    pub allow_local: Local,
    /// When to hold all but critical alerts.
    pub quiet: Option<QuietHours>,
    /// Gather the alerts that come due within this long into one message.
    pub digest: Option<Duration>,
}

/// The Bot API a Telegram sink talks to unless `api_url` says otherwise.
pub const DEFAULT_TELEGRAM_API: &str = "https://api.telegram.org";

/// A Telegram sink: one `sendMessage` per alert to a chat, in HTML parse mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramConfig {
    /// Name in the delivery ledger (`id`, default `telegram`).
    pub name: String,
    /// The Bot API's base URL (default [`DEFAULT_TELEGRAM_API`]).
    pub api_url: reqwest::Url,
    /// The chat: a numeric id (`-1001234567890`) or a channel's `@username`.
    pub chat_id: String,
    /// The bot token, from `token_file`.
    pub token: Secret,
    /// Time allowed for one delivery (default 10s).
    pub timeout: Duration,
    /// Plain http is allowed.
    pub allow_http: bool,
    /// Loopback and private targets are allowed.
    pub allow_local: Local,
    /// When to hold all but critical alerts.
    pub quiet: Option<QuietHours>,
    /// Gather the alerts that come due within this long into one message.
    pub digest: Option<Duration>,
}

/// How an email sink protects its SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte, "implicit TLS" (port 465).
    Tls,
    /// No encryption: only to a loopback or private address that `allow_local` permits.
    None,
}

/// An email sink: one message per alert through an SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailConfig {
    /// Name in the delivery ledger (`id`, default `email`).
    pub name: String,
    /// The SMTP server's host name or address.
    pub host: String,
    /// The SMTP port (default 587, or 465 with `tls = "tls"`).
    pub port: u16,
    /// `starttls` (default), `tls` or `none`.
    pub tls: SmtpTls,
    /// The sender (`Borderwatch <alerts@example.org>`), checked at load.
    pub from: String,
    /// The recipients (one address or a list), checked at load.
    pub to: Vec<String>,
    /// SMTP AUTH user name and password (from `username` and `password_file`).
    pub credentials: Option<(String, Secret)>,
    /// Time allowed for one delivery (default 10s).
    pub timeout: Duration,
    /// Loopback and private servers are allowed.
    pub allow_local: Local,
    /// When to hold all but critical alerts.
    pub quiet: Option<QuietHours>,
    /// Gather the alerts that come due within this long into one message.
    pub digest: Option<Duration>,
}

/// `quiet_hours = "22:00-07:00"` in `quiet_timezone`: a sink holds all but critical
/// alerts then, and delivers them when the quiet hours end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// Start (inclusive), local.
    pub from: chrono::NaiveTime,
    /// End (exclusive), local; before `from` means the hours span midnight.
    pub to: chrono::NaiveTime,
    /// The zone the hours are read in.
    pub tz: Tz,
}

impl QuietHours {
    /// Parses `HH:MM-HH:MM`.
    ///
    /// # Errors
    /// A message when the value is not two times.
    pub fn parse(s: &str, tz: Tz) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a time range like 22:00-07:00");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let t = |x: &str| chrono::NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
        let (from, to) = (t(a)?, t(b)?);
        if from == to {
            return Err(format!("`{s}` is empty: start and end are the same"));
        }
        Ok(QuietHours { from, to, tz })
    }

    /// True when `at` falls within the quiet hours.
    #[must_use]
    pub fn holds(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        let local = at.with_timezone(&self.tz).time();
        if self.from < self.to {
            local >= self.from && local < self.to
        } else {
            local >= self.from || local < self.to
        }
    }
}

/// A secret read from a file: shown as `***`, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(s: String) -> Self {
        Secret(s)
    }

    /// The value, for the one place that needs it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::QuietHours;
    use chrono::TimeZone;

    #[test]
    fn quiet_hours_span_midnight_in_their_zone() {
        let q = QuietHours::parse("22:00-07:00", chrono_tz::Europe::Berlin).unwrap();
        let at = |h, m| chrono::Utc.with_ymd_and_hms(2025, 7, 1, h, m, 0).unwrap();
        assert!(q.holds(at(20, 0)), "22:00 CEST");
        assert!(q.holds(at(4, 59)), "06:59 CEST");
        assert!(!q.holds(at(5, 0)), "07:00 CEST");
        assert!(!q.holds(at(12, 0)));
        let day = QuietHours::parse("12:00-13:00", chrono_tz::UTC).unwrap();
        assert!(day.holds(at(12, 30)) && !day.holds(at(13, 0)));
        assert!(QuietHours::parse("late", chrono_tz::UTC).is_err());
        assert!(QuietHours::parse("07:00-07:00", chrono_tz::UTC).is_err());
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One problem found in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// Dotted key, e.g. `feed.cbp.schedule`.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file.display(), self.line, self.key, self.message)
    }
}

/// Why a config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No file was given and none was found in the usual places.
    #[error("no config file found (looked in: {0})")]
    NotFound(String),
    /// One or more problems in the file.
    #[error("{} problem(s) in config:\n{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

impl Config {
    /// Reads and validates a config file.
    ///
    /// # Errors
    /// [`ConfigError::Read`] when it cannot be read, [`ConfigError::Invalid`] with every
    /// problem found otherwise.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let src =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Self::parse(&src, path)
    }

    /// Validates config text as if read from `path`.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] with every problem found.
    pub fn parse(src: &str, path: &Path) -> Result<Config, ConfigError> {
        validate::validate(src, path)
    }

    /// Finds the config file: `explicit`, else `$BORDERWATCH_CONFIG`,
    /// `./config/borderwatch.toml`, `$XDG_CONFIG_HOME/borderwatch/borderwatch.toml`,
    /// `/etc/borderwatch/borderwatch.toml`, in that order.
    ///
    /// # Errors
    /// [`ConfigError::NotFound`] listing where it looked.
    pub fn locate(explicit: Option<&Path>) -> Result<PathBuf, ConfigError> {
        if let Some(p) = explicit {
            return Ok(p.to_path_buf());
        }
        let mut candidates = Vec::new();
        if let Some(p) = std::env::var_os("BORDERWATCH_CONFIG") {
            return Ok(PathBuf::from(p));
        }
        candidates.push(PathBuf::from("config/borderwatch.toml"));
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
        if let Some(x) = xdg {
            candidates.push(x.join("borderwatch/borderwatch.toml"));
        }
        candidates.push(PathBuf::from("/etc/borderwatch/borderwatch.toml"));
        candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
            ConfigError::NotFound(candidates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))
        })
    }

    /// The folder relative paths in the config are taken from.
    #[must_use]
    pub fn base_dir(&self) -> &Path {
        self.path.parent().unwrap_or_else(|| Path::new("."))
    }
}
