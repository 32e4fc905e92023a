//! What a feed is, as config and the stages both see it: its format, its field mapping
//! and its address policy. A leaf: it imports no stage, so config can name these types
//! and each stage can take them without either importing the other.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use crate::model::Status;

/// Where a feed's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// An http or https URL.
    Url(reqwest::Url),
    /// A local file (relative paths are taken from the config file's folder).
    Path(PathBuf),
}

/// What the fetcher needs of a feed: where, how long, how much, which addresses and how
/// often to retry. Built by `FeedConfig::fetch_spec`.
#[derive(Debug, Clone, Copy)]
pub struct FetchSpec<'a> {
    /// Feed id, for errors and logs.
    pub id: &'a str,
    /// Where to fetch from.
    pub source: &'a FeedSource,
    /// Total time allowed for one fetch, retries included.
    pub timeout: chrono::Duration,
    /// Largest body accepted, counted after decompression.
    pub max_bytes: u64,
    /// Plain http is allowed.
    pub allow_http: bool,
    /// The loopback, private and link-local targets the feed may reach.
    pub allow_local: &'a Local,
    /// How often a transient failure is retried within one fetch.
    pub retries: u32,
    /// The wait before the first retry, doubled for each next one, with jitter.
    pub retry_backoff: chrono::Duration,
    /// Requests in flight at once to the feed's host, shared by every feed on it.
    pub max_in_flight: usize,
}

/// Requests in flight at once to one host unless a `[[host]]` entry says otherwise: polite
/// to a server that many feeds share.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 2;

/// The formats borderwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `borderwatch-json`: the native feed (docs/feed-format.md).
    BorderwatchJson,
    /// `rss`: a news feed; items go through the extractor.
    Rss,
    /// `atom`: a news feed; entries go through the extractor.
    Atom,
    /// `cbp-json`: US CBP Border Wait Times JSON.
    CbpJson,
    /// `cbp-rss`: US CBP Border Wait Times RSS.
    CbpRss,
    /// `cbp-xml`: US CBP Border Wait Times XML.
    CbpXml,
    /// `cbsa-csv`: Canada CBSA Border Wait Times CSV.
    CbsaCsv,
    /// `cbsa-html`: Canada CBSA Border Wait Times page.
    CbsaHtml,
    /// `by-equeue`: the Belarus electronic border queue.
    ByEqueue,
    /// `json`: any JSON status table, through `[feed.fields]`.
    Json,
    /// `csv`: any CSV status table, through `[feed.fields]`.
    Csv,
}

impl Format {
    /// Every format name, for messages.
    pub const NAMES: &'static [&'static str] = &[
        "borderwatch-json",
        "rss",
        "atom",
        "cbp-json",
        "cbp-rss",
        "cbp-xml",
        "cbsa-csv",
        "cbsa-html",
        "by-equeue",
        "json",
        "csv",
    ];

    /// Parses a `format =` value.
    ///
    /// # Errors
    /// A message listing the known formats.
    pub fn parse(s: &str) -> Result<Format, String> {
        match s {
            "borderwatch-json" => Ok(Format::BorderwatchJson),
            "rss" => Ok(Format::Rss),
            "atom" => Ok(Format::Atom),
            "cbp-json" => Ok(Format::CbpJson),
            "cbp-rss" => Ok(Format::CbpRss),
            "cbp-xml" => Ok(Format::CbpXml),
            "cbsa-csv" => Ok(Format::CbsaCsv),
            "cbsa-html" => Ok(Format::CbsaHtml),
            "by-equeue" => Ok(Format::ByEqueue),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(format!("unknown format `{s}` (known: {})", Self::NAMES.join(", "))),
        }
    }

    /// The config spelling.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::BorderwatchJson => "borderwatch-json",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::CbpJson => "cbp-json",
            Format::CbpRss => "cbp-rss",
            Format::CbpXml => "cbp-xml",
            Format::CbsaCsv => "cbsa-csv",
            Format::CbsaHtml => "cbsa-html",
            Format::ByEqueue => "by-equeue",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// Where each record field is found in a generic feed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    /// JSON pointer to the array of items (json only; default: the root).
    pub records: Option<String>,
    /// Record field → JSON pointer (json) or column name (csv).
    pub fields: BTreeMap<String, String>,
    /// Source status word (compared ignoring case) → status.
    pub status_map: BTreeMap<String, Status>,
    /// The csv delimiter (default `,`).
    pub delimiter: u8,
}

/// The record fields a mapping may name.
pub const FIELDS: &[&str] = &["crossing", "name", "status", "scope", "since", "until", "tz", "evidence", "observed_at"];

/// The numbers a record may carry ([`crate::model::Record::values`]), by the name a
/// `[[watch]]` gives as its `field`: wait times in minutes (`wait.*`, the standard lanes
/// unless a lane is named) and queue lengths in vehicles (`queue.*`). The generic `json`
/// and `csv` formats may map any of them in `[feed.fields]`.
pub const VALUE_FIELDS: &[&str] = &[
    "wait.commercial",
    "wait.commercial.fast",
    "wait.passenger",
    "wait.passenger.sentri",
    "wait.passenger.ready",
    "wait.pedestrian",
    "wait.pedestrian.ready",
    "queue.trucks",
    "queue.buses",
    "queue.cars",
    "queue.motorcycles",
];

/// True for a value field that holds a wait in minutes (its levels are durations).
#[must_use]
pub fn is_wait(field: &str) -> bool {
    field.starts_with("wait.")
}

/// What lane-level changes of a feed do (`lanes =`). Only the CBP formats report lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lanes {
    /// A lane type closing or reopening makes the port `restricted` or `open` again, and
    /// that status change alerts (the default).
    #[default]
    Alert,
    /// Lanes roll up into the port's status: the port is `closed` when every lane type it
    /// reports is closed, else `open`; which lanes are closed is its scope, kept in the
    /// history without an alert.
    Port,
    /// Lanes never change the status: closed lanes are only the scope, in the history.
    Ignore,
}

impl Lanes {
    /// Every `lanes =` value, for messages.
    pub const NAMES: &'static [&'static str] = &["alert", "port", "ignore"];

    /// Parses a `lanes =` value.
    ///
    /// # Errors
    /// A message listing the known values.
    pub fn parse(s: &str) -> Result<Lanes, String> {
        match s {
            "alert" => Ok(Lanes::Alert),
            "port" => Ok(Lanes::Port),
            "ignore" => Ok(Lanes::Ignore),
            _ => Err(format!("unknown value `{s}` (known: {})", Self::NAMES.join(", "))),
        }
    }
}

/// Which local or private addresses a feed may reach.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Local {
    /// None (`allow_local` unset or `false`).
    #[default]
    Denied,
    /// Any (`allow_local = true`).
    Any,
    /// Only these (`allow_local = ["127.0.0.1"]`): a redirect or DNS answer to another
    /// local address is still refused.
    Only(Vec<IpAddr>),
}

impl Local {
    /// Whether a local address `ip` may be reached.
    #[must_use]
    pub fn allows(&self, ip: IpAddr) -> bool {
        match self {
            Local::Denied => false,
            Local::Any => true,
            Local::Only(list) => list.contains(&ip),
        }
    }
}
