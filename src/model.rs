//! The domain model: crossings, statuses, records, changes and alerts.
//!
//! These types are what every stage passes along. `Record` and `Alert` serialize to the
//! JSON contract of DESIGN.md §6; fields are only ever added, never renamed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

/// A border crossing as the gazetteer or config knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    /// Stable slug, e.g. `torkham`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 3166-1 alpha-2 codes of the countries it joins.
    pub countries: Vec<String>,
    /// IANA zone its dates are given in.
    pub tz: chrono_tz::Tz,
    /// Other names and spellings people use for it.
    pub aliases: Vec<String>,
}

/// Whether a crossing can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open to normal traffic.
    Open,
    /// Closed to all traffic.
    Closed,
    /// Partly open: some traffic, some hours, or one direction.
    Restricted,
    /// Nothing known.
    Unknown,
}

/// What one source says of a crossing: all that `sources_disagree` needs of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The record's source.
    pub source: String,
    /// Its status.
    pub status: Status,
    /// The crossing's display name in it.
    pub name: String,
}

impl From<&Record> for Said {
    fn from(r: &Record) -> Self {
        Said { source: r.source.clone(), status: r.status, name: r.name.clone() }
    }
}

impl Status {
    /// The contract spelling of the status.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Restricted => "restricted",
            Status::Unknown => "unknown",
        }
    }

    /// Parses the contract spelling and the common synonyms feeds use.
    #[must_use]
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" | "opened" | "reopened" => Some(Status::Open),
            "closed" | "close" | "shut" | "suspended" => Some(Status::Closed),
            "restricted" | "partial" | "partially_open" | "limited" => Some(Status::Restricted),
            "unknown" => Some(Status::Unknown),
            _ => None,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a record's end date is (and the crossing it is pinned to). Government and
/// native feeds state their dates: `high`. The extractor says `low` when it worked the end
/// out rather than read it from the status clause (docs/extraction.md). Only an end at or
/// above `[alerts] arm_expiry` arms the expiry ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Inferred: from what happened next, from a country-wide statement, or through a
    /// crossing named in another sentence. Shown marked; fires `needs_review`, no ladder.
    Low,
    /// Stated by the source, or bound to the crossing's status clause by the grammar.
    #[default]
    High,
}

impl Confidence {
    /// The contract spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::High => "high",
        }
    }
}

/// What one source says about one crossing at one time (DESIGN.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Gazetteer id, or a slug of the name for crossings not in the gazetteer.
    pub crossing: String,
    /// Display name.
    pub name: String,
    /// ISO country codes.
    pub countries: Vec<String>,
    /// Current status.
    pub status: Status,
    /// For whom the status holds, in words ("cargo vehicles only").
    pub scope: Option<String>,
    /// Start of the status: ISO date, local date-time, month or year.
    pub since: Option<String>,
    /// Inclusive end of the status, in the same forms as `since`.
    pub until: Option<String>,
    /// The UTC instant at which `until` lapses.
    #[serde(serialize_with = "ser_opt_instant")]
    pub expires_at: Option<DateTime<Utc>>,
    /// IANA zone of `since` and `until`.
    pub tz: String,
    /// The feed (or item link) the record came from.
    pub source: String,
    /// When the source said it.
    #[serde(serialize_with = "ser_instant")]
    pub observed_at: DateTime<Utc>,
    /// The text or field the record was read from.
    pub evidence: Option<String>,
    /// How sure `until` is. Absent in state written before it existed: those records
    /// were armed as stated, so they read back as `high`.
    #[serde(default)]
    pub confidence: Confidence,
    /// The numbers the source gives (wait minutes, queue lengths), by field name
    /// ([`crate::spec::VALUE_FIELDS`]). They are what `[[watch]]` thresholds read; a
    /// change of them alone is no change of the record.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, i64>,
}

impl Record {
    /// The facts that matter for change detection, without provenance and timestamps.
    #[must_use]
    pub fn same_facts(&self, other: &Record) -> bool {
        self.status == other.status
            && self.scope == other.scope
            && self.until == other.until
            && self.since == other.since
    }
}

/// Formats an instant the way the JSON contract shows it: `2025-04-15T19:00:00Z`.
#[must_use]
pub fn format_instant(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn ser_instant<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_instant(t))
}

fn ser_opt_instant<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => ser_instant(t, s),
        None => s.serialize_none(),
    }
}

/// The ways a record can differ from the last good snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A crossing the feed did not report before.
    Added,
    /// A crossing missing from enough consecutive good polls.
    Removed,
    /// Open, closed, restricted or unknown changed.
    StatusChanged,
    /// The end date moved, appeared or was cleared.
    UntilChanged,
    /// The scope (or start) changed.
    ScopeChanged,
}

impl ChangeKind {
    /// The name stored in the history table.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::StatusChanged => "status_changed",
            ChangeKind::UntilChanged => "until_changed",
            ChangeKind::ScopeChanged => "scope_changed",
        }
    }
}

/// One difference between two snapshots of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Crossing id.
    pub crossing: String,
    /// The record before (none when added).
    pub previous: Option<Record>,
    /// The record after (none when removed).
    pub current: Option<Record>,
}

/// Kinds of alert (the `alert` field of the alert JSON contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A crossing's status changed, appeared or disappeared.
    StatusChanged,
    /// A step of the expiry ladder was reached.
    ExpiryApproaching,
    /// A record's end date passed.
    Expired,
    /// A feed failed several times in a row.
    FeedFailing,
    /// A failing feed works again.
    FeedRecovered,
    /// A feed returned an implausible snapshot; the removals it implies were held.
    FeedSuspect,
    /// A feed's lasting shrink was accepted as its new shape: the crossings it stopped
    /// reporting were removed.
    FeedShapeAccepted,
    /// Two feeds say different things about one crossing.
    SourcesDisagree,
    /// An end date read with low confidence: shown, but it arms no expiry ladder.
    NeedsReview,
    /// Every crossing of a route is closed, or the last open one is about to close.
    RouteBlocked,
    /// A `[[watch]]` value went past its level and stayed there for the watch's `for`.
    ThresholdCrossed,
    /// A value whose `threshold_crossed` fired is back at the watch's `clear` level.
    ThresholdCleared,
    /// A route that had every crossing closed has one open again: ends its `route_blocked`.
    RouteCleared,
    /// Several alerts sent as one message by a sink with a `digest` window (never stored:
    /// each alert in it keeps its own row and key).
    Digest,
}

impl AlertKind {
    /// The contract spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::StatusChanged => "status_changed",
            AlertKind::ExpiryApproaching => "expiry_approaching",
            AlertKind::Expired => "expired",
            AlertKind::FeedFailing => "feed_failing",
            AlertKind::FeedRecovered => "feed_recovered",
            AlertKind::FeedSuspect => "feed_suspect",
            AlertKind::FeedShapeAccepted => "feed_shape_accepted",
            AlertKind::SourcesDisagree => "sources_disagree",
            AlertKind::NeedsReview => "needs_review",
            AlertKind::RouteBlocked => "route_blocked",
            AlertKind::ThresholdCrossed => "threshold_crossed",
            AlertKind::ThresholdCleared => "threshold_cleared",
            AlertKind::RouteCleared => "route_cleared",
            AlertKind::Digest => "digest",
        }
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For the record.
    Info,
    /// Needs attention soon.
    Warning,
    /// Needs attention now.
    Critical,
}

/// An alert (the alert JSON contract of DESIGN.md §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// What kind of alert.
    pub alert: AlertKind,
    /// How urgent.
    pub severity: Severity,
    /// Crossing id, for crossing alerts.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crossing: Option<String>,
    /// Feed id, for feed alerts.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub feed: Option<String>,
    /// Crossing display name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// The ladder step, e.g. `7d`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lead: Option<String>,
    /// The expiry the alert is about.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires_at: Option<String>,
    /// The feed the record came from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    /// Route id, for route alerts.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub route: Option<String>,
    /// The dedup key of the alert that opened the incident this one continues or ends
    /// (absent when this alert opens one or stands alone). Webhooks derive the
    /// fingerprint from it, so every alert of one incident shares one fingerprint.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub incident: Option<String>,
    /// Dedup key: each key fires once.
    pub key: String,
    /// The instant the alert is about (a ladder step's exact instant, or the poll time).
    pub at: String,
    /// True when the alert fires after its instant because the daemon was not running.
    pub late: bool,
    /// True when the alert ends its incident (a reopening after a closure, a route
    /// cleared, a feed recovered): webhooks send it as `resolved`.
    #[serde(default)]
    pub resolved: bool,
    /// One human sentence.
    pub message: String,
    /// The record the alert is about.
    pub record: Option<Record>,
    /// The record before the change.
    pub previous: Option<Record>,
}

/// `s` cut to at most `max` characters, ending in `…` when cut: feed text that reaches
/// records, errors and logs stays bounded whatever a feed sends.
#[must_use]
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((end, _)) => {
            let cut = s[..end].char_indices().next_back().map_or(0, |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &s[..cut]))
        }
    }
}

#[cfg(test)]
mod clip_tests {
    use super::clip;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_character_boundary() {
        assert_eq!(clip("Torkham", 7), "Torkham");
        assert_eq!(clip("Torkham", 5), "Tork…");
        assert_eq!(clip("ТоркхамТоркхам", 4).chars().count(), 4);
        assert_eq!(clip("", 0), "");
    }
}
