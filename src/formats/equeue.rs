//! `by-equeue`: the Belarus electronic border queue, one JSON response per checkpoint
//! (`info` plus queue arrays). One record per checkpoint: `open` while the operator runs
//! its queue. Queue lengths are not status; they are values (`queue.trucks`, `queue.cars`,
//! `queue.buses`, `queue.motorcycles`). Dates are `HH:MM:SS DD.MM.YYYY` Minsk time.
//! The queues hold vehicle registration plates: they are never copied into a record,
//! evidence or log line.

use chrono::NaiveDateTime;
use serde_json::Value;

use super::{ParseError, RawRecord};
use crate::gazetteer::slug;
use crate::model::{format_instant, Status};
use crate::timeutil::local_to_utc;

const QUEUES: &[(&str, &str)] = &[
    ("truckLiveQueue", "trucks"),
    ("busLiveQueue", "buses"),
    ("carLiveQueue", "cars"),
    ("motorcycleLiveQueue", "motorcycles"),
];

pub(super) fn parse(feed: &str, body: &[u8]) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: &str, message: String| ParseError {
        feed: feed.to_string(),
        format: "by-equeue",
        place: place.into(),
        message,
    };
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| err(&format!("line {} column {}", e.line(), e.column()), e.to_string()))?;
    if !doc.is_object() {
        return Err(err("document", format!("expected a JSON object, found {}", kind(&doc))));
    }
    let info = doc.get("info").filter(|i| i.is_object()).ok_or_else(|| err("info", "missing".into()))?;
    let name = info
        .get("nameEn")
        .or_else(|| info.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| err("info.nameEn", "missing".into()))?;
    let minsk = chrono_tz::Europe::Minsk;
    let latest = QUEUES
        .iter()
        .filter_map(|(k, _)| doc.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|v| v.get("changed_date").and_then(Value::as_str))
        .filter_map(|d| NaiveDateTime::parse_from_str(d, "%H:%M:%S %d.%m.%Y").ok())
        .max();
    let lengths: Vec<(&str, usize)> =
        QUEUES.iter().map(|(k, label)| (*label, doc.get(*k).and_then(Value::as_array).map_or(0, Vec::len))).collect();
    let counts: Vec<String> = lengths.iter().map(|(label, n)| format!("{label} {n}")).collect();
    let values =
        lengths.iter().map(|(label, n)| (format!("queue.{label}"), i64::try_from(*n).unwrap_or(i64::MAX))).collect();
    Ok(vec![RawRecord {
        crossing: Some(format!("by-{}", slug(name))),
        name: Some(name.to_string()),
        countries: Some(vec!["BY".into()]),
        status: Some(Status::Open),
        tz: Some("Europe/Minsk".into()),
        observed_at: latest.map(|t| format_instant(&local_to_utc(t, minsk))),
        evidence: Some(format!("electronic queue: {}", counts.join(", "))),
        values,
        ..RawRecord::default()
    }])
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
