//! `borderwatch-json`, the native feed: `{"records": [ … ]}` with the record fields of
//! DESIGN.md §6. Only `crossing` or `name`, and `status`, are required; `values` holds the
//! record's numbers by value field (`wait.commercial` in minutes, `queue.trucks`, …).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ParseError, RawRecord};
use crate::model::{Confidence, Status};

/// Fields other than `records` (a `published` date, a generator name) are allowed and
/// ignored, so publishers can add to the format without breaking readers.
#[derive(Deserialize)]
struct Doc {
    records: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    crossing: Option<String>,
    name: Option<String>,
    countries: Option<Vec<String>>,
    status: String,
    scope: Option<String>,
    since: Option<String>,
    until: Option<String>,
    tz: Option<String>,
    observed_at: Option<String>,
    evidence: Option<String>,
    source: Option<String>,
    confidence: Option<Confidence>,
    /// Numbers by value field (`{"wait.commercial": 95}`), as a republished record
    /// carries them.
    #[serde(default)]
    values: BTreeMap<String, i64>,
}

pub(super) fn parse(feed: &str, body: &[u8]) -> Result<Vec<RawRecord>, ParseError> {
    let err = |place: String, message: String| ParseError {
        feed: feed.to_string(),
        format: "borderwatch-json",
        place,
        message,
    };
    let doc: Doc = serde_json::from_slice(body)
        .map_err(|e| err(format!("line {} column {}", e.line(), e.column()), e.to_string()))?;
    doc.records
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            if e.crossing.is_none() && e.name.is_none() {
                return Err(err(format!("records[{i}]"), "needs `crossing` or `name`".into()));
            }
            let status = Status::parse(&e.status).ok_or_else(|| {
                err(
                    format!("records[{i}].status"),
                    format!("`{}` is not open, closed, restricted or unknown", e.status),
                )
            })?;
            Ok(RawRecord {
                crossing: e.crossing,
                name: e.name,
                countries: e.countries,
                status: Some(status),
                scope: e.scope,
                since: e.since,
                until: e.until,
                tz: e.tz,
                observed_at: e.observed_at,
                evidence: e.evidence,
                source: e.source,
                transient: false,
                confidence: e.confidence.unwrap_or_default(),
                values: e.values,
                lane_closure: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_names_the_place_of_errors() {
        let ok = br#"{"records":[{"crossing":"torkham","status":"open","until":"2025-04-15"}]}"#;
        let r = parse("f", ok).unwrap();
        assert_eq!(r[0].until.as_deref(), Some("2025-04-15"));
        assert_eq!(r[0].status, Some(Status::Open));

        assert_eq!(r[0].confidence, Confidence::High, "a feed that does not say is taken at its word");
        let low = br#"{"records":[{"crossing":"torkham","status":"open","until":"2025-04-15","confidence":"low"}]}"#;
        assert_eq!(parse("f", low).unwrap()[0].confidence, Confidence::Low);
        let e = parse("f", br#"{"records":[{"crossing":"torkham","status":"open","confidence":"sure"}]}"#).unwrap_err();
        assert!(e.message.contains("unknown variant `sure`"), "{e}");

        let e = parse("f", br#"{"records":[{"crossing":"torkham","status":"ajar"}]}"#).unwrap_err();
        assert_eq!(e.place, "records[0].status");
        assert!(e.to_string().starts_with("feed f: cannot parse borderwatch-json"), "{e}");

        let e = parse("f", br#"{"records":[{"status":"open"}]}"#).unwrap_err();
        assert!(e.message.contains("`crossing` or `name`"));

        let e = parse("f", br#"{"records":[{"crossing":"x","status":"open"}"#).unwrap_err();
        assert!(e.place.starts_with("line 1"), "{e}");

        let e = parse("f", br#"{"items":[]}"#).unwrap_err();
        assert!(e.message.contains("missing field `records`"), "{e}");
    }
}
