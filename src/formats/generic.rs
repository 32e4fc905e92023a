//! `json` and `csv`: any status table, read through a per-feed field mapping.
//!
//! `[feed.fields]` names where each record field is: JSON pointers into each item for
//! `json` (with `records` pointing at the array, default the root), column names for
//! `csv`. `[feed.status_map]` translates the source's own status words; without it the
//! usual words (open, closed, restricted, shut, suspended, …) are understood. A number
//! field (`wait.commercial` in minutes, `queue.trucks`, …, see [`VALUE_FIELDS`]) mapped
//! there becomes one of the record's values.

use serde_json::Value;

use super::{ParseError, RawRecord};
use crate::model::Status;
pub use crate::spec::{Mapping, FIELDS, VALUE_FIELDS};

fn status(m: &Mapping, value: &str) -> Option<Status> {
    m.status_map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(value.trim()))
        .map(|(_, s)| *s)
        .or_else(|| Status::parse(value))
}

fn record(m: &Mapping, get: impl Fn(&str) -> Option<String>) -> Result<RawRecord, (String, String)> {
    let value = |field: &str| m.fields.get(field).and_then(|p| get(p)).filter(|v| !v.trim().is_empty());
    let status_text = value("status").ok_or_else(|| ("status".to_string(), "missing".to_string()))?;
    let status = status(m, &status_text).ok_or_else(|| {
        ("status".to_string(), format!("`{status_text}` is not a known status (add it to [feed.status_map])"))
    })?;
    let mut raw = RawRecord {
        crossing: value("crossing"),
        name: value("name"),
        status: Some(status),
        scope: value("scope"),
        since: value("since"),
        until: value("until"),
        tz: value("tz"),
        evidence: value("evidence"),
        observed_at: value("observed_at"),
        ..RawRecord::default()
    };
    for field in VALUE_FIELDS {
        let Some(v) = value(field) else { continue };
        let n = v.trim().parse::<f64>().ok().filter(|n| n.is_finite());
        let n = n.ok_or_else(|| ((*field).to_string(), format!("`{v}` is not a number")))?;
        #[allow(clippy::cast_possible_truncation)]
        raw.values.insert((*field).to_string(), n.round() as i64);
    }
    if raw.crossing.is_none() && raw.name.is_none() {
        return Err(("crossing".into(), "neither `crossing` nor `name` has a value".into()));
    }
    Ok(raw)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(super) fn parse_json(feed: &str, body: &[u8], m: &Mapping) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: String, message: String| ParseError { feed: feed.to_string(), format: "json", place, message };
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| err(format!("line {} column {}", e.line(), e.column()), e.to_string()))?;
    let pointer = m.records.clone().unwrap_or_default();
    let items = doc
        .pointer(&pointer)
        .and_then(Value::as_array)
        .ok_or_else(|| err(format!("records `{pointer}`"), "not an array".into()))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            record(m, |p| item.pointer(p).and_then(scalar)).map_err(|(f, msg)| err(format!("[{i}].{f}"), msg))
        })
        .collect()
}

pub(super) fn parse_csv(feed: &str, body: &[u8], m: &Mapping) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: String, message: String| ParseError { feed: feed.to_string(), format: "csv", place, message };
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new().delimiter(m.delimiter).trim(csv::Trim::All).from_reader(body);
    let header: Vec<String> =
        reader.headers().map_err(|e| err("line 1".into(), e.to_string()))?.iter().map(str::to_string).collect();
    for (field, column) in &m.fields {
        if !header.iter().any(|h| h == column) {
            return Err(err(
                "line 1".into(),
                format!("no column `{column}` for `{field}` (columns: {})", header.join(", ")),
            ));
        }
    }
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let place = |f: &str| if f.is_empty() { format!("line {}", i + 2) } else { format!("line {} {f}", i + 2) };
        let row = row.map_err(|e| err(place(""), e.to_string()))?;
        let get = |column: &str| header.iter().position(|h| h == column).and_then(|k| row.get(k)).map(str::to_string);
        out.push(record(m, get).map_err(|(f, msg)| err(place(&f), msg))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_number_field_becomes_a_value_and_a_word_there_is_an_error() {
        let mut m = Mapping { delimiter: b',', ..Mapping::default() };
        for (field, column) in [("name", "port"), ("status", "state"), ("wait.commercial", "trucks_min")] {
            m.fields.insert(field.into(), column.into());
        }
        let raw = parse_csv("f", b"port,state,trucks_min\nOtay Mesa,open,210\nTecate,open,\n", &m).unwrap();
        assert_eq!(raw[0].values.get("wait.commercial"), Some(&210));
        assert!(raw[1].values.is_empty(), "an empty cell is no value");
        let e = parse_csv("f", b"port,state,trucks_min\nOtay Mesa,open,long\n", &m).unwrap_err();
        assert_eq!((e.place.as_str(), e.message.as_str()), ("line 2 wait.commercial", "`long` is not a number"));
    }
}
