//! Format adapters: a feed body in, raw records out.
//!
//! Each adapter reads one kind of feed and knows nothing of the gazetteer, the store or
//! the clock; [`crate::normalize`] turns its raw records into [`crate::model::Record`]s.
//! Failure policy: a body that cannot be read is a [`ParseError`] naming the feed and
//! the place, and the caller keeps the last good snapshot.

mod cbp;
mod cbp_rss;
mod cbp_xml;
mod cbsa;
mod equeue;
pub mod generic;
mod native;
mod news;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::gazetteer::Gazetteer;
use crate::model::{Confidence, Record, Status};

pub use crate::spec::{Format, Lanes};

/// A record as an adapter read it, before gazetteer lookup and time normalization.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRecord {
    /// Gazetteer id, if the source gives one.
    pub crossing: Option<String>,
    /// Name as the source writes it.
    pub name: Option<String>,
    /// Countries, if the source gives them.
    pub countries: Option<Vec<String>>,
    /// Status.
    pub status: Option<Status>,
    /// Scope in words.
    pub scope: Option<String>,
    /// Start, as an ISO date, month, year or local date-time.
    pub since: Option<String>,
    /// Inclusive end, same forms.
    pub until: Option<String>,
    /// Zone of `since`/`until`, if the source names one.
    pub tz: Option<String>,
    /// When the source said it (RFC 3339), if it says.
    pub observed_at: Option<String>,
    /// The text the record came from.
    pub evidence: Option<String>,
    /// Where the record came from, when more precise than the feed (an item link).
    pub source: Option<String>,
    /// The source has no fresh value now ("Update Pending"): keep the last good record.
    pub transient: bool,
    /// How sure `until` is: `high` unless the source says otherwise (the extractor, or
    /// a native feed that republishes its records).
    pub confidence: Confidence,
    /// The numbers the source gives, by field name ([`crate::spec::VALUE_FIELDS`]).
    pub values: BTreeMap<String, i64>,
    /// Set when `status` is `restricted` only because some lane types are closed: what
    /// `lanes = "port"` and `"ignore"` make of the record instead.
    pub lane_closure: Option<LaneClosure>,
}

/// How many of a port's lane types are closed, when that alone restricts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaneClosure {
    /// Some of the lane types it reports.
    Some,
    /// Every lane type it reports.
    All,
}

impl LaneClosure {
    /// `All` when every one of the `reported` lane types is among the `closed` ones.
    #[must_use]
    pub fn of(closed: usize, reported: usize) -> LaneClosure {
        if closed >= reported {
            LaneClosure::All
        } else {
            LaneClosure::Some
        }
    }
}

/// Applies a feed's `lanes` setting to what its parser read: with `port`, a port
/// restricted by closed lanes is `closed` when all its lane types are closed and `open`
/// otherwise; with `ignore`, it is `open`. The closed lanes stay in the scope, so the
/// history keeps them.
fn roll_up(raw: &mut [RawRecord], lanes: Lanes) {
    for r in raw {
        let status = match (lanes, r.lane_closure) {
            (Lanes::Alert, _) | (_, None) => continue,
            (Lanes::Port, Some(LaneClosure::All)) => Status::Closed,
            (Lanes::Port | Lanes::Ignore, Some(_)) => Status::Open,
        };
        r.status = Some(status);
    }
}

impl From<Record> for RawRecord {
    /// A record the extractor made, handed back to normalization.
    fn from(r: Record) -> Self {
        RawRecord {
            crossing: Some(r.crossing),
            name: Some(r.name),
            countries: Some(r.countries),
            status: Some(r.status),
            scope: r.scope,
            since: r.since,
            until: r.until,
            tz: Some(r.tz),
            observed_at: Some(crate::model::format_instant(&r.observed_at)),
            evidence: r.evidence,
            source: Some(r.source),
            transient: false,
            confidence: r.confidence,
            values: r.values,
            lane_closure: None,
        }
    }
}

use crate::model::clip;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("feed {feed}: cannot parse {format} at {}: {}", clip(.place, 200), clip(.message, 500))]
pub struct ParseError {
    /// Feed id.
    pub feed: String,
    /// Format name.
    pub format: &'static str,
    /// Where in the body: `line 3 column 7`, `records[2].status`.
    pub place: String,
    /// What is wrong.
    pub message: String,
}

/// Reads `body` as `format`. News formats need the gazetteer (to find crossings in
/// text) and the time (for items without a date).
///
/// # Errors
/// A [`ParseError`] naming the feed and the place.
pub fn parse(
    format: Format,
    feed: &str,
    body: &[u8],
    gazetteer: &Gazetteer,
    now: DateTime<Utc>,
) -> Result<Vec<RawRecord>, ParseError> {
    json_is_utf8(format, feed, body)?;
    let prepared;
    let body = match format {
        Format::Rss | Format::Atom => {
            prepared = news_body(format, feed, body)?;
            no_doctype(format, feed, &prepared)?;
            &prepared[..]
        }
        Format::CbpRss => {
            no_doctype(format, feed, body)?;
            body
        }
        _ => body,
    };
    guarded(format, feed, || parse_unguarded(format, feed, body, gazetteer, now))
}

/// Runs a parser so that a panic in it (ours or a library's) on some input cannot take
/// the daemon down: it becomes this feed's parse error. Parsing touches no shared state.
fn guarded(
    format: Format,
    feed: &str,
    parser: impl FnOnce() -> Result<Vec<RawRecord>, ParseError>,
) -> Result<Vec<RawRecord>, ParseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parser)).unwrap_or_else(|_| {
        Err(ParseError {
            feed: feed.to_string(),
            format: format.name(),
            place: "document".into(),
            message: "the parser failed on this input (an internal error; the body is kept out of the state)".into(),
        })
    })
}

fn parse_unguarded(
    format: Format,
    feed: &str,
    body: &[u8],
    gazetteer: &Gazetteer,
    now: DateTime<Utc>,
) -> Result<Vec<RawRecord>, ParseError> {
    match format {
        Format::BorderwatchJson => native::parse(feed, body),
        Format::Rss | Format::Atom => news::parse(feed, format.name(), body, gazetteer, now),
        Format::CbpJson => cbp::parse(feed, body, gazetteer),
        Format::CbpRss => cbp_rss::parse(feed, body, gazetteer),
        Format::CbpXml => cbp_xml::parse(feed, body, gazetteer),
        Format::CbsaCsv => cbsa::parse(feed, body),
        Format::CbsaHtml => cbsa::parse_html(feed, body),
        Format::ByEqueue => equeue::parse(feed, body),
        Format::Json | Format::Csv => Err(ParseError {
            feed: feed.to_string(),
            format: format.name(),
            place: "config".into(),
            message: "this format needs a [feed.fields] mapping".into(),
        }),
    }
}

/// JSON is UTF-8 (RFC 8259 §8.1): a bad byte is reported as such, at its offset, rather
/// than as whatever syntax error the JSON reader makes of it.
fn json_is_utf8(format: Format, feed: &str, body: &[u8]) -> Result<(), ParseError> {
    if !matches!(format, Format::BorderwatchJson | Format::CbpJson | Format::ByEqueue | Format::Json) {
        return Ok(());
    }
    std::str::from_utf8(body)
        .map(drop)
        .map_err(|e| at_byte(format, feed, e.valid_up_to(), "invalid UTF-8 (JSON is UTF-8)"))
}

/// Refuses an XML document that declares a DOCTYPE before its root element. No feed
/// needs one, and refusing it outright means no entity (billion laughs, or an external
/// `SYSTEM "file:///etc/passwd"`) can ever be expanded or fetched, whatever a parser
/// below would do with it. (`cbp-xml` makes the same check in its own reader.)
fn no_doctype(format: Format, feed: &str, body: &[u8]) -> Result<(), ParseError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::DocType(_)) => {
                let at = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                return Err(at_byte(format, feed, at, "a DOCTYPE is not allowed (entities are never expanded)"));
            }
            Ok(Event::Start(_) | Event::Empty(_) | Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => buf.clear(),
        }
    }
}

/// A parse error at a byte offset.
fn at_byte(format: Format, feed: &str, at: usize, message: &str) -> ParseError {
    ParseError { feed: feed.to_string(), format: format.name(), place: format!("byte {at}"), message: message.into() }
}

/// A news feed as feed-rs gets it: UTF-8, without its XML declaration or any other
/// processing instruction. feed-rs (through quick-xml) panics on declarations that name
/// an encoding in ways the fuzzer kept finding (one in the middle, one never closed, one
/// longer than its look-ahead, one with a stray byte in `xml`), and only a `<?…?>` can
/// be read as a declaration; none of them carries feed content. So the declaration is
/// read here (UTF-8 as it is; ISO-8859-1, and Windows-1252 read the same way, decoded
/// byte by byte; any other encoding is an error) and every `<?…?>` is dropped.
fn news_body<'a>(format: Format, feed: &str, body: &'a [u8]) -> Result<std::borrow::Cow<'a, [u8]>, ParseError> {
    use std::borrow::Cow;
    let lead = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let top = body.len() - lead.len() + lead.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let mut latin1 = false;
    let mut start = 0;
    if body[top..].starts_with(b"<?xml") {
        let Some(len) = body[top..].windows(2).position(|w| w == b"?>") else {
            return Err(at_byte(format, feed, top + 5, "the XML declaration is not closed with `?>`"));
        };
        let decl = String::from_utf8_lossy(&body[top..top + len]).to_ascii_lowercase();
        let encoding = decl.split_once("encoding").and_then(|(_, v)| {
            let v = v.trim_start().strip_prefix('=')?.trim_start();
            let quote = v.chars().next().filter(|q| *q == '"' || *q == '\'')?;
            v[1..].split(quote).next().map(str::to_string)
        });
        latin1 = match encoding.as_deref() {
            None | Some("utf-8" | "utf8") => false,
            Some("iso-8859-1" | "latin1" | "latin-1" | "windows-1252" | "us-ascii" | "ascii") => true,
            Some(other) => {
                let message =
                    format!("encoding `{}` is not read (UTF-8 and ISO-8859-1 are)", crate::model::clip(other, 40));
                return Err(at_byte(format, feed, top, &message));
            }
        };
        start = top + len + 2;
    }
    let rest = &body[start..];
    let mut text: Cow<'a, [u8]> = Cow::Borrowed(rest);
    if rest.windows(2).any(|w| w == b"<?") {
        let mut kept = Vec::with_capacity(rest.len());
        let mut at = 0;
        while let Some(i) = rest[at..].windows(2).position(|w| w == b"<?") {
            kept.extend_from_slice(&rest[at..at + i]);
            let Some(len) = rest[at + i..].windows(2).position(|w| w == b"?>") else {
                let message = "a processing instruction (`<?`) is not closed with `?>`";
                return Err(at_byte(format, feed, start + at + i, message));
            };
            at += i + len + 2;
        }
        kept.extend_from_slice(&rest[at..]);
        text = Cow::Owned(kept);
    }
    if latin1 {
        text = Cow::Owned(text.iter().map(|&b| char::from(b)).collect::<String>().into_bytes());
    }
    Ok(text)
}

/// Reads `body` for a configured feed: its format, and its field mapping if it has one.
///
/// # Errors
/// A [`ParseError`] naming the feed and the place.
pub fn parse_feed(
    spec: &ParseSpec<'_>,
    body: &[u8],
    gazetteer: &Gazetteer,
    now: DateTime<Utc>,
) -> Result<Vec<RawRecord>, ParseError> {
    let ParseSpec { feed, format, mapping, lanes } = *spec;
    let mut raw = match (format, mapping) {
        (Format::Json, Some(m)) => {
            json_is_utf8(format, feed, body)?;
            guarded(format, feed, || generic::parse_json(feed, body, m))
        }
        (Format::Csv, Some(m)) => guarded(format, feed, || generic::parse_csv(feed, body, m)),
        (format, _) => parse(format, feed, body, gazetteer, now),
    }?;
    roll_up(&mut raw, lanes);
    Ok(raw)
}

/// What a parser needs to know of a configured feed, and no more.
#[derive(Debug, Clone, Copy)]
pub struct ParseSpec<'a> {
    /// The feed's id, for errors.
    pub feed: &'a str,
    /// Its format.
    pub format: Format,
    /// Its field mapping (`json` and `csv`).
    pub mapping: Option<&'a generic::Mapping>,
    /// What its lane-level changes do.
    pub lanes: Lanes,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first fuzz finding, given to the news parser as it came, without `news_body`
    /// taking the declaration out: feed-rs (inside quick-xml) panics on it.
    const PANICS_FEED_RS: &[u8] = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item>\
        <title>Torkham closed</title><description>until April 15 <?xml version='1.0' encoding='ISO-8859-1'?>\
        </description></item></channel></rss>";

    #[test]
    fn a_parser_panic_becomes_the_feeds_parse_error() {
        let g = Gazetteer::built_in();
        let raw = || news::parse("news", "rss", PANICS_FEED_RS, &g, Utc::now());
        assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(raw)).is_err(), "the input still panics feed-rs");
        let e = guarded(Format::Rss, "news", raw).unwrap_err();
        assert_eq!((e.feed.as_str(), e.format, e.place.as_str()), ("news", "rss", "document"));
        assert!(e.message.starts_with("the parser failed on this input"), "{e}");
    }
}
