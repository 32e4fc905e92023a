//! `cbp-rss`: the CBP Border Wait Times RSS (`/api/bwtRss/HTML/…`, and the legacy per-port
//! feed). One item per crossing; everything is HTML-ish text in `<description>`: hours,
//! date, lane groups under `<h4>` headings, lane lines such as `General Lanes: At 1:00 pm
//! CDT 40 min delay 2 lane(s) open`, and an optional `Border Notice:`.
//!
//! The same status rules as `cbp-json`: a lane type `Lanes Closed` makes the crossing
//! `restricted` unless it is outside the crossing's hours (the nightly closure), and
//! `Update Pending` marks the record transient. Each lane's `N min delay` is a value
//! (`wait.passenger`, `wait.passenger.ready`, …). The channel `pubDate` says `EST` but is
//! Eastern local time, so its wall-clock reading is taken in America/New_York.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use regex::Regex;

use super::{LaneClosure, ParseError, RawRecord};
use crate::gazetteer::{slug, Gazetteer};
use crate::model::{format_instant, Crossing, Status};
use crate::timeutil::local_to_utc;

static PUB_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<pubDate>\s*\w{3},\s*(\d{1,2} \w{3} \d{4} \d{1,2}:\d{2}:\d{2})").expect("pubDate regex")
});
static DELAY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{1,4}) min delay").expect("delay regex"));
static ZONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(EDT|EST|CDT|CST|MDT|MST|PDT|PST)\b").expect("zone regex"));

/// The text of each `<tag>…</tag>` in `text`, in order (no nesting in this feed).
fn elements<'a>(text: &'a str, tag: &str) -> impl Iterator<Item = &'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(&open)? + open.len();
        let len = rest[start..].find(&close)?;
        let inner = &rest[start..start + len];
        rest = &rest[start + len + close.len()..];
        Some(inner)
    })
}

/// A word character of ASCII text, as the regex `\b` sees it there.
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The `N` of the first `N min delay` (one to four digits, a word of their own) in a
/// lowercased lane value. ASCII text is scanned by hand; other text goes through
/// [`DELAY`], whose `\d` and `\b` are Unicode.
fn delay(value: &str) -> Option<i64> {
    if !value.is_ascii() {
        return DELAY.captures(value).map(|d| d[1].parse().unwrap_or_default());
    }
    let b = value.as_bytes();
    value.match_indices(" min delay").find_map(|(at, _)| {
        let digits = b[..at].iter().rev().take_while(|c| c.is_ascii_digit()).count();
        let start = at - digits;
        let bounded = start == 0 || !word_byte(b[start - 1]);
        ((1..=4).contains(&digits) && bounded).then(|| value[start..at].parse().unwrap_or_default())
    })
}

/// The zone of the first US zone label (`CDT`, a word of its own) in a lane value; as
/// [`delay`], ASCII is scanned by hand and other text goes through [`ZONE`].
fn zone_in(value: &str) -> Option<&'static str> {
    if !value.is_ascii() {
        return ZONE.captures(value).map(|z| zone(&z[1]));
    }
    value
        .split(|c: char| !word_byte(c as u8))
        .find(|w| matches!(*w, "EDT" | "EST" | "CDT" | "CST" | "MDT" | "MST" | "PDT" | "PST"))
        .map(zone)
}

/// A lane line, `General Lanes: At 1:00 pm CDT 40 min delay`: its type and its value.
fn lane(line: &str) -> Option<(&str, &str)> {
    let (kind, value) = line.split_once(':')?;
    let kind = kind.trim().strip_suffix("Lanes")?.trim_end();
    ["General", "Sentri", "Fast", "Ready", "NEXUS"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(kind))
        .then(|| (kind, value.trim()))
}

/// The wait field of a lane type under a group heading: `Ready` under `Passenger
/// Vehicles` is `wait.passenger.ready`, `General` lanes are the group's own field.
fn wait_field(group: &str, kind: &str) -> Option<String> {
    let group = ["commercial", "passenger", "pedestrian"].into_iter().find(|g| group.contains(g))?;
    let lane = match kind.to_ascii_lowercase().as_str() {
        "general" => "",
        "fast" => ".fast",
        "sentri" | "nexus" => ".sentri",
        _ => ".ready",
    };
    Some(format!("wait.{group}{lane}"))
}

fn zone(label: &str) -> &'static str {
    match label {
        "EDT" | "EST" => "America/New_York",
        "CDT" | "CST" => "America/Chicago",
        "MDT" => "America/Denver",
        "MST" => "America/Phoenix",
        _ => "America/Los_Angeles",
    }
}

/// Decodes the entities the feed uses and drops tags, keeping `<br/>` and `<h4>` as line
/// breaks; each line's whitespace is collapsed. One pass over the text.
fn lines(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = Line::default();
    let mut rest = html;
    while let Some(i) = rest.bytes().position(|b| matches!(b, b'<' | b'&' | b'\n')) {
        line.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('\n') {
            line.end(&mut out);
            rest = &rest[1..];
        } else if rest.starts_with('&') {
            let (text, len) = if rest.starts_with("&amp;") {
                ("&", 5)
            } else if rest.starts_with("&nbsp;") {
                (" ", 6)
            } else {
                ("&", 1)
            };
            line.push_str(text);
            rest = &rest[len..];
        } else {
            // A tag is `<`, at most 200 characters other than `>`, then `>`.
            match rest[1..].char_indices().take(201).find(|(_, c)| *c == '>') {
                Some((end, _)) => {
                    if matches!(&rest[1..=end], "br/" | "br /" | "h4" | "/h4") {
                        line.end(&mut out);
                    }
                    rest = &rest[end + 2..];
                }
                None => {
                    line.push_str("<");
                    rest = &rest[1..];
                }
            }
        }
    }
    line.push_str(rest);
    line.end(&mut out);
    out
}

/// A line being built: words joined by one space.
#[derive(Default)]
struct Line {
    text: String,
    space: bool,
}

impl Line {
    fn push_str(&mut self, s: &str) {
        for (i, word) in s.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space = !self.text.is_empty();
            }
            if !word.is_empty() {
                if self.space {
                    self.text.push(' ');
                    self.space = false;
                }
                self.text.push_str(word);
            }
        }
    }

    fn end(&mut self, out: &mut Vec<String>) {
        if !self.text.is_empty() {
            out.push(std::mem::take(&mut self.text));
        }
        self.space = false;
    }
}

pub(super) fn parse(feed: &str, body: &[u8], gazetteer: &Gazetteer) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: String, message: String| ParseError { feed: feed.to_string(), format: "cbp-rss", place, message };
    let text = std::str::from_utf8(body)
        .map_err(|e| err(format!("byte {}", e.valid_up_to()), "invalid UTF-8 (the feed declares UTF-8)".into()))?;
    let channel_time = PUB_DATE
        .captures(text)
        .and_then(|c| NaiveDateTime::parse_from_str(&c[1], "%d %b %Y %H:%M:%S").ok())
        .map(|wall| local_to_utc(wall, chrono_tz::America::New_York));
    // The description holds unescaped HTML (`<br/>`, `<h4>`), which an XML parser reads as
    // child elements; the items are cut out of the text instead.
    if !text.contains("<rss") || !text.contains("<channel") {
        return Err(err("document".into(), "not an RSS document (no <rss><channel>)".into()));
    }
    if !text.trim_end().ends_with("</rss>") {
        return Err(err(format!("byte {}", text.len()), "truncated: the document ends before </rss>".into()));
    }
    let mut out = Vec::new();
    for (i, item) in elements(text, "item").enumerate() {
        let field = |tag: &str| -> Option<Cow<'_, str>> {
            let c = elements(item, tag).next()?;
            Some(if c.contains("<![CDATA[") || c.contains("]]>") {
                Cow::Owned(c.replace("<![CDATA[", "").replace("]]>", ""))
            } else {
                Cow::Borrowed(c)
            })
        };
        let title = field("title").unwrap_or_default();
        let title = if title.contains("&amp;") { Cow::Owned(title.replace("&amp;", "&")) } else { title };
        let title = title.trim().trim_end_matches('-').trim().to_string();
        if title.is_empty() {
            return Err(err(format!("item[{i}].title"), "missing".into()));
        }
        let html = field("description").ok_or_else(|| err(format!("item[{i}].description"), "missing".into()))?;
        let text_lines = lines(&html);
        let mut group = String::new();
        let mut hours = None;
        let mut closed = Vec::new();
        let mut reported = 0;
        let mut values = BTreeMap::new();
        let mut pending = false;
        let mut tz = None;
        let mut notice = None;
        for l in &text_lines {
            if let Some(h) = l.strip_prefix("Hours:") {
                hours = Some(h.trim().to_string());
            } else if let Some(n) = l.strip_prefix("Border Notice:") {
                notice = Some(n.trim().to_string());
            } else if let Some((kind, value)) = lane(l) {
                if tz.is_none() {
                    tz = zone_in(value);
                }
                let value = value.to_ascii_lowercase();
                reported += usize::from(value != "n/a");
                if value.starts_with("lanes closed") {
                    closed.push(format!("{group} {kind}").trim().to_string());
                } else if value.starts_with("update pending") {
                    pending = true;
                } else if let (Some(d), Some(field)) = (delay(&value), wait_field(&group, kind)) {
                    values.insert(field, d);
                }
            } else if !l.contains(':') {
                group = l.to_ascii_lowercase();
            }
        }
        let tz_name = tz.unwrap_or("America/Chicago");
        let zone: chrono_tz::Tz = tz_name.parse().expect("known zone");
        let local = channel_time.map(|t| t.with_timezone(&zone).naive_local());
        let all_day = hours.as_deref().is_none_or(|h| h.starts_with("24"));
        let mut lane_closure = None;
        let outside =
            local.and_then(|t| hours.as_deref().and_then(|h| super::cbp::outside_hours(h, t.time()))).unwrap_or(false);
        let (status, mut scope) = if !closed.is_empty() && (!outside || all_day) {
            lane_closure = Some(LaneClosure::of(closed.len(), reported));
            (Status::Restricted, Some(format!("lanes closed: {}", closed.join(", "))))
        } else {
            (Status::Open, None)
        };
        if let (false, Some(h)) = (all_day, &hours) {
            let h = format!("hours {h}");
            scope = Some(scope.map_or(h.clone(), |s| format!("{s}; {h}")));
        }
        let id = format!("cbp-{}", slug(&title));
        let observed_at = channel_time.map(|t| format_instant(&t));
        out.push(RawRecord {
            crossing: Some(id.clone()),
            name: Some(title.clone()),
            countries: Some(vec!["US".into(), "MX".into()]),
            status: Some(status),
            scope,
            tz: Some(tz_name.to_string()),
            observed_at: observed_at.clone(),
            evidence: Some(text_lines.join("; ")),
            transient: pending,
            values,
            lane_closure,
            ..RawRecord::default()
        });
        if let (Some(notice), Some(t)) = (notice, local) {
            let about = Crossing {
                id: id.clone(),
                name: title.clone(),
                countries: vec!["US".into(), "MX".into()],
                tz: zone,
                aliases: vec![],
            };
            out.extend(super::cbp::notice_records(&notice, t.date(), gazetteer, feed, &about, observed_at.as_deref()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{delay, lines, zone, zone_in, DELAY, ZONE};

    #[test]
    fn the_hand_scans_read_ascii_as_the_regexes_do() {
        let delays = [
            "at noon cdt 40 min delay 2 lane(s) open",
            "12345 min delay",
            "x12 min delay",
            "_5 min delay",
            "-7 min delay",
            "12345 min delay, 0009 min delay",
            "3 min delayed",
            "3  min delay",
            "min delay",
            "no delay",
        ];
        for v in delays {
            assert_eq!(delay(v), DELAY.captures(v).map(|d| d[1].parse().unwrap_or_default()), "{v}");
        }
        let zones = ["At Noon CDT 5 min", "XCDT PDT", "CDT_ MST", "EDT-PST", "MST1", "pdt", "EST"];
        for v in zones {
            assert_eq!(zone_in(v), ZONE.captures(v).map(|z| zone(&z[1])), "{v}");
        }
    }

    #[test]
    fn lines_break_at_br_and_h4_drop_other_tags_and_decode_the_feeds_entities() {
        let html = "Hours: 24 hrs/day <br/> <h4><b> Passenger   Vehicles </b></h4>B&amp;M&nbsp;Bridge<br />a < b\nc";
        assert_eq!(lines(html), ["Hours: 24 hrs/day", "Passenger Vehicles", "B&M Bridge", "a < b", "c"]);
        let unclosed = format!("x <{}", "y".repeat(300));
        assert_eq!(lines(&unclosed), [format!("x <{}", "y".repeat(300))], "not a tag: no `>` within 200 characters");
    }
}
