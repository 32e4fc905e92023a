//! `cbp-json`: US CBP Border Wait Times (`/api/bwtnew`, `/api/bwtpublicmod`, or one port
//! from `/api/bwtpublicmod/{port}`). One record per port and crossing.
//!
//! Status semantics (docs/feeds.md): `port_status: Closed` outside the port's `hours` is
//! the expected nightly closure, so the port stays `open` with its hours as scope; closed
//! within its hours (or at a 24-hour port) it is `closed`. A lane type reported `Lanes
//! Closed` makes the port `restricted`. `Update Pending` says nothing new: the record is
//! marked transient and the last good one is kept. Wait times are not status: each lane's
//! `delay_minutes` is a value (`wait.passenger`, `wait.commercial.fast`, …). A
//! `construction_notice` goes through the text extractor, about this port; a dated
//! closure or restriction it announces that has not ended yet becomes the port's record
//! once it begins.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::Value;

use super::{LaneClosure, ParseError, RawRecord};
use crate::extract::extract_about;
use crate::gazetteer::{slug, Gazetteer};
use crate::model::{format_instant, Confidence, Crossing, Record, Status};
use crate::timeutil::local_to_utc;

const LANE_GROUPS: &[(&str, &str)] = &[
    ("commercial_vehicle_lanes", "commercial"),
    ("passenger_vehicle_lanes", "passenger"),
    ("pedestrian_lanes", "pedestrian"),
];
/// Each lane's key, its name in a scope, and the suffix of its wait field
/// (`wait.passenger.ready`; the standard lanes are `wait.passenger`).
const LANES: &[(&str, &str, &str)] = &[
    ("standard_lanes", "standard", ""),
    ("FAST_lanes", "FAST", ".fast"),
    ("NEXUS_SENTRI_lanes", "NEXUS/SENTRI", ".sentri"),
    ("ready_lanes", "Ready", ".ready"),
];

/// A port as the rules read it: a JSON port object, or a `<port>` element of the XML
/// read straight from the document. The XML reader keeps only the elements named in
/// `cbp_xml::READ`: a field these rules start reading must be added there too.
pub(super) trait Port {
    /// True for an object (an element with child elements).
    fn is_object(&self) -> bool;
    /// The member `key` of an object.
    fn get(&self, key: &str) -> Option<&Self>;
    /// The string, when this is one.
    fn as_str(&self) -> Option<&str>;
}

impl Port for Value {
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }

    fn get(&self, key: &str) -> Option<&Self> {
        Value::get(self, key)
    }

    fn as_str(&self) -> Option<&str> {
        Value::as_str(self)
    }
}

/// A CBP string value: `""`, `"N/A"`, `{}` and `null` are absent.
fn text<'a, P: Port>(v: &'a P, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Port::as_str).map(str::trim).filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("n/a"))
}

/// The zone a lane's `update_time` label names (`At 10:00 am PDT`).
fn zone_of(label: &str) -> Option<&'static str> {
    let l = label.to_ascii_uppercase();
    [
        ("EDT", "America/New_York"),
        ("EST", "America/New_York"),
        ("CDT", "America/Chicago"),
        ("CST", "America/Chicago"),
        ("MDT", "America/Denver"),
        ("MST", "America/Phoenix"),
        ("PDT", "America/Los_Angeles"),
        ("PST", "America/Los_Angeles"),
        ("AKDT", "America/Juneau"),
        ("AKST", "America/Juneau"),
    ]
    .iter()
    .find(|(abbr, _)| l.split_whitespace().any(|w| w == *abbr))
    .map(|(_, z)| *z)
}

/// `6 am`, `10 pm`, `Noon`, `Midnight` → a time of day (midnight as the end of the day).
fn clock(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "midnight" => return Some((24, 0)),
        "noon" => return Some((12, 0)),
        _ => {}
    }
    let (num, pm) =
        if let Some(n) = s.strip_suffix("pm") { (n.trim(), true) } else { (s.strip_suffix("am")?.trim(), false) };
    let (h, m) =
        num.split_once(':').map_or(Some((num.parse().ok()?, 0)), |(h, m)| Some((h.parse().ok()?, m.parse().ok()?)))?;
    let h = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    Some((h, m))
}

/// True when `at` (port-local) falls outside `hours` such as `6 am-10 pm`.
pub(super) fn outside_hours(hours: &str, at: NaiveTime) -> Option<bool> {
    let (from, to) = hours.split_once('-')?;
    let (fh, fm) = clock(from)?;
    let (th, tm) = clock(to)?;
    let minutes = |h: u32, m: u32| h * 60 + m;
    let now = minutes(at.hour(), at.minute());
    Some(now < minutes(fh, fm) || now >= minutes(th, tm))
}

pub(super) fn parse(feed: &str, body: &[u8], gazetteer: &Gazetteer) -> Result<Vec<RawRecord>, ParseError> {
    let err =
        |place: String, message: String| ParseError { feed: feed.to_string(), format: "cbp-json", place, message };
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| err(format!("line {} column {}", e.line(), e.column()), e.to_string()))?;
    let ports: Vec<&Value> = match &doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![&doc],
        _ => return Err(err("document".into(), "expected an array of ports or one port object".into())),
    };
    ports_to_records(feed, "cbp-json", &ports, None, gazetteer)
}

/// Records from port objects (the JSON ports, or the XML `<port>` elements read into the
/// same shape). `stamp` is the snapshot's Eastern wall-clock time when the ports carry no
/// `time` of their own (the XML feed).
pub(super) fn ports_to_records<P: Port>(
    feed: &str,
    format: &'static str,
    ports: &[&P],
    stamp: Option<NaiveDateTime>,
    gazetteer: &Gazetteer,
) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: String, message: String| ParseError { feed: feed.to_string(), format, place, message };
    let mut out = Vec::new();
    for (i, &p) in ports.iter().enumerate() {
        let place = |field: &str| format!("[{i}].{field}");
        if !p.is_object() {
            return Err(err(format!("[{i}]"), "expected a port object".into()));
        }
        let number = text(p, "port_number").ok_or_else(|| err(place("port_number"), "missing".into()))?;
        let port_name = text(p, "port_name").ok_or_else(|| err(place("port_name"), "missing".into()))?;
        let status_text = text(p, "port_status").ok_or_else(|| err(place("port_status"), "missing".into()))?;
        let crossing_name = text(p, "crossing_name");
        let id = crossing_name.map_or_else(|| format!("cbp-{number}"), |c| format!("cbp-{number}-{}", slug(c)));
        let name = crossing_name.map_or_else(|| port_name.to_string(), |c| format!("{port_name} – {c}"));
        let border = text(p, "border").unwrap_or_default().to_ascii_lowercase();
        let countries = if border.contains("canad") { vec!["US", "CA"] } else { vec!["US", "MX"] };

        let mut zone = None;
        let mut closed_lanes = Vec::new();
        let mut reported = 0;
        let mut values = BTreeMap::new();
        let mut pending = false;
        for (group_key, group) in LANE_GROUPS {
            let Some(g) = p.get(group_key).filter(|g| g.is_object()) else { continue };
            for (lane_key, lane, suffix) in LANES {
                let Some(l) = g.get(lane_key).filter(|l| l.is_object()) else { continue };
                if zone.is_none() {
                    zone = text(l, "update_time").and_then(zone_of);
                }
                let status = text(l, "operational_status").map(str::to_ascii_lowercase);
                reported += usize::from(status.is_some());
                match status.as_deref() {
                    Some("lanes closed") => closed_lanes.push(format!("{group} {lane}")),
                    Some("update pending") => pending = true,
                    Some(_) => {
                        if let Some(m) = text(l, "delay_minutes").and_then(|m| m.parse::<i64>().ok()) {
                            values.insert(format!("wait.{group}{suffix}"), m);
                        }
                    }
                    None => {}
                }
            }
        }
        let tz_name = zone.unwrap_or(if countries[1] == "CA" { "America/New_York" } else { "America/Chicago" });
        let tz: chrono_tz::Tz = tz_name.parse().expect("known zone");
        let local = match (stamp, text(p, "time")) {
            (Some(eastern), None) => {
                Some(local_to_utc(eastern, chrono_tz::America::New_York).with_timezone(&tz).naive_local())
            }
            _ => text(p, "date").and_then(|d| NaiveDate::parse_from_str(d, "%m/%d/%Y").ok()).map(|d| {
                let t = text(p, "time").and_then(|t| NaiveTime::parse_from_str(t, "%H:%M:%S").ok()).unwrap_or_default();
                NaiveDateTime::new(d, t)
            }),
        };
        let hours = text(p, "hours");
        let all_day = hours.is_none_or(|h| h.to_ascii_lowercase().starts_with("24"));
        let scheduled_closure = status_text.eq_ignore_ascii_case("closed")
            && !all_day
            && local.and_then(|t| hours.and_then(|h| outside_hours(h, t.time()))).unwrap_or(false);
        let mut lane_closure = None;
        let (status, mut scope) = if status_text.eq_ignore_ascii_case("closed") && !scheduled_closure {
            (Status::Closed, None)
        } else if !closed_lanes.is_empty() && !scheduled_closure {
            lane_closure = Some(LaneClosure::of(closed_lanes.len(), reported));
            (Status::Restricted, Some(format!("lanes closed: {}", closed_lanes.join(", "))))
        } else {
            (Status::Open, None)
        };
        if let (false, Some(h)) = (all_day, hours) {
            let h = format!("hours {h}");
            scope = Some(scope.map_or(h.clone(), |s| format!("{s}; {h}")));
        }
        let observed_at = local.map(|t| format_instant(&local_to_utc(t, tz)));
        out.push(RawRecord {
            crossing: Some(id.clone()),
            name: Some(name.clone()),
            countries: Some(countries.iter().map(|c| (*c).to_string()).collect()),
            status: Some(status),
            scope,
            tz: Some(tz_name.to_string()),
            observed_at: observed_at.clone(),
            evidence: Some(format!("port_status: {status_text}")),
            transient: pending,
            values,
            lane_closure,
            ..RawRecord::default()
        });
        if let (Some(notice), Some(t)) = (text(p, "construction_notice"), local) {
            let about = Crossing {
                id: id.clone(),
                name: name.clone(),
                countries: countries.iter().map(|c| (*c).to_string()).collect(),
                tz,
                aliases: vec![port_name.to_string()],
            };
            out.extend(notice_records(notice, t.date(), gazetteer, feed, &about, observed_at.as_deref()));
        }
    }
    Ok(out)
}

/// The records a port's free-text notice adds: only a dated closure or restriction that
/// has not ended by the notice's date. Lane hours ("A Ready Lane is available from
/// 2-6pm") and undated notes ("SAT/SUN CLOSED") do not replace the port status.
pub(super) fn notice_records(
    notice: &str,
    date: NaiveDate,
    gazetteer: &Gazetteer,
    feed: &str,
    about: &Crossing,
    observed_at: Option<&str>,
) -> Vec<RawRecord> {
    let today = date.format("%Y-%m-%d").to_string();
    let holds = |r: &Record| {
        r.status != Status::Open && r.until.as_deref().is_some_and(|u| u[..u.len().min(10)] >= today[..u.len().min(10)])
    };
    extract_about(notice, date, gazetteer, feed, Some(about))
        .into_iter()
        .filter(holds)
        .map(|r| RawRecord {
            crossing: Some(about.id.clone()),
            name: Some(about.name.clone()),
            observed_at: observed_at.map(str::to_string),
            source: None,
            // The port's own notice is the authority on its dates, however the
            // extractor had to read them.
            confidence: Confidence::High,
            ..RawRecord::from(r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_clock_times() {
        assert_eq!(clock("6 am"), Some((6, 0)));
        assert_eq!(clock("10 pm"), Some((22, 0)));
        assert_eq!(clock("Midnight"), Some((24, 0)));
        assert_eq!(clock("12 am"), Some((0, 0)));
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(outside_hours("6 am-6 pm", at(20, 32)), Some(true));
        assert_eq!(outside_hours("6 am-6 pm", at(13, 25)), Some(false));
        assert_eq!(outside_hours("6 am-Midnight", at(23, 59)), Some(false));
        assert_eq!(outside_hours("whenever", at(1, 0)), None);
        assert_eq!(zone_of("At 10:00 am PDT"), Some("America/Los_Angeles"));
        assert_eq!(zone_of("At Noon EDT"), Some("America/New_York"));
    }
}
