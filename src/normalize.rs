//! Normalize: raw records → [`Record`]s with gazetteer ids, zones and UTC expiries, and
//! one snapshot per feed with at most one record per crossing.
//!
//! Failure policy: a record whose zone or dates cannot be read fails the whole snapshot
//! with a [`ParseError`] naming the record, so a half-understood feed never replaces the
//! last good one.

use std::borrow::Cow;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};

use crate::formats::{ParseError, RawRecord};
use crate::gazetteer::{parse_tz, slug, Gazetteer};
use crate::model::{clip, Record, Status};
use crate::timeutil::{expires_at, LocalWhen};

/// A feed's records keyed by crossing id.
pub type Snapshot = BTreeMap<String, Record>;

/// Turns one raw record into a record.
///
/// # Errors
/// A message saying which field is unreadable.
pub fn normalize(raw: RawRecord, source: &str, gazetteer: &Gazetteer, now: DateTime<Utc>) -> Result<Record, String> {
    // A feed's own id wins: two ports sharing a town name must not merge into one crossing.
    let known = match (&raw.crossing, &raw.name) {
        (Some(c), _) => gazetteer.lookup(c),
        (None, Some(n)) => gazetteer.lookup(n),
        (None, None) => None,
    };
    let (mut crossing, name) = match (known, raw.crossing, raw.name) {
        (Some(k), _, _) => (k.id.clone(), k.name.clone()),
        (None, Some(id), name) => (slug(&id), name.unwrap_or(id)),
        (None, None, Some(name)) => (slug(&name), name),
        (None, None, None) => return Err("needs `crossing` or `name`".into()),
    };
    if let Some((end, _)) = crossing.char_indices().nth(MAX_ID) {
        crossing.truncate(end);
    }
    let tz = match &raw.tz {
        Some(z) => parse_tz(z)?,
        None => known.map_or(chrono_tz::UTC, |k| k.tz),
    };
    for (field, v) in [("since", &raw.since), ("until", &raw.until)] {
        if let Some(v) = v {
            LocalWhen::parse(v)
                .ok_or_else(|| format!("{field} `{v}` is not YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM"))?;
        }
    }
    let observed_at = match &raw.observed_at {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| format!("observed_at `{t}` is not RFC 3339: {e}"))?
            .with_timezone(&Utc),
        None => now,
    };
    let countries =
        raw.countries.filter(|c| !c.is_empty()).or_else(|| known.map(|k| k.countries.clone())).unwrap_or_default();
    Ok(Record {
        crossing,
        name: clipped(name, MAX_NAME),
        countries,
        status: raw.status.unwrap_or(Status::Unknown),
        scope: raw.scope.filter(|s| !s.trim().is_empty()).map(|s| clipped(s, MAX_SCOPE)),
        since: raw.since,
        expires_at: raw.until.as_deref().and_then(|u| expires_at(u, tz)),
        until: raw.until,
        tz: tz.name().to_string(),
        source: raw.source.unwrap_or_else(|| source.to_string()),
        observed_at,
        evidence: raw.evidence.map(|e| clipped(e, MAX_EVIDENCE)),
        confidence: raw.confidence,
        values: raw.values,
    })
}

/// `s` cut as [`clip`] cuts it; `s` itself when it is short enough (not copied).
fn clipped(s: String, max: usize) -> String {
    match clip(&s, max) {
        Cow::Owned(cut) => cut,
        Cow::Borrowed(_) => s,
    }
}

/// The longest crossing id, name, scope and evidence a record keeps (characters); a feed
/// that sends more has the rest cut, so one hostile value cannot bloat the state, the
/// alerts or a log line.
const MAX_ID: usize = 80;
const MAX_NAME: usize = 200;
const MAX_SCOPE: usize = 500;
const MAX_EVIDENCE: usize = 2000;

/// Normalizes a feed's raw records into a snapshot, and names the crossings whose
/// record is transient ("Update Pending"): the caller keeps their last good record where
/// there is one.
///
/// Where a feed says several things about one crossing (a news item reporting a closure
/// and the reopening that ended it), the latest one that has begun by `now` wins, even
/// when its `until` has passed: an expired "open until 15 April" is still the last word,
/// and it is what the `expired` alert is about. If none has begun, the first one wins.
///
/// # Errors
/// A [`ParseError`] naming the first unreadable record.
pub fn snapshot(
    raw: Vec<RawRecord>,
    feed: &str,
    format: &'static str,
    gazetteer: &Gazetteer,
    now: DateTime<Utc>,
) -> Result<(Snapshot, BTreeSet<String>), ParseError> {
    // Most crossings have one record. The records stay in one list, in the feed's order,
    // and an index of small entries finds each crossing's first one: the snapshot is then
    // built once, in crossing order, with no record moved about inside a growing map.
    let mut recs: Vec<Option<Record>> = Vec::with_capacity(raw.len());
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut later: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut held = BTreeSet::new();
    for (i, r) in raw.into_iter().enumerate() {
        let transient = r.transient;
        let rec = normalize(r, feed, gazetteer, now).map_err(|message| ParseError {
            feed: feed.to_string(),
            format,
            place: format!("records[{i}]"),
            message,
        })?;
        if transient {
            held.insert(rec.crossing.clone());
        }
        match first.entry(rec.crossing.clone()) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(slot) => later.entry(*slot.get()).or_default().push(i),
        }
        recs.push(Some(rec));
    }
    // Sized once: the records are moved once into it, then once into the map, which
    // finds them in crossing order already.
    let mut sorted = Vec::with_capacity(first.len());
    for (id, i) in first {
        let rec = match later.remove(&i) {
            None => recs[i].take(),
            Some(more) => Some(in_effect(std::iter::once(i).chain(more).filter_map(|j| recs[j].take()).collect(), now)),
        };
        sorted.extend(rec.map(|r| (id, r)));
    }
    let snap = sorted.into_iter().collect();
    Ok((snap, held))
}

fn in_effect(mut recs: Vec<Record>, now: DateTime<Utc>) -> Record {
    let today = now.date_naive();
    let started = |r: &Record| {
        r.since.as_deref().and_then(LocalWhen::parse).is_none_or(|w| match w {
            LocalWhen::Day(d) => d <= today,
            LocalWhen::Time(t) => t.date() <= today,
            LocalWhen::Month(y, m) => (y, m) <= (today.year(), today.month()),
            LocalWhen::Year(y) => y <= today.year(),
        })
    };
    let pick = recs.iter().rposition(started).unwrap_or(0);
    // A notice's record carries no numbers of its own: the port's wait times stay.
    let values = if recs[pick].values.is_empty() {
        recs.iter().find(|r| !r.values.is_empty()).map(|r| r.values.clone())
    } else {
        None
    };
    let mut r = recs.swap_remove(pick);
    if let Some(v) = values {
        r.values = v;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn raw(name: &str, status: Status, until: Option<&str>) -> RawRecord {
        RawRecord {
            name: Some(name.into()),
            status: Some(status),
            until: until.map(Into::into),
            ..RawRecord::default()
        }
    }

    #[test]
    fn gazetteer_names_zones_and_expiry() {
        let g = Gazetteer::built_in();
        let now = Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap();
        let r = normalize(raw("Torkham Gate", Status::Open, Some("2025-04-15")), "news", &g, now).unwrap();
        assert_eq!((r.crossing.as_str(), r.tz.as_str()), ("torkham", "Asia/Karachi"));
        assert_eq!(r.countries, ["PK", "AF"]);
        assert_eq!(r.expires_at.unwrap().to_rfc3339(), "2025-04-15T19:00:00+00:00");
        let r = normalize(raw("Nowhere Bridge", Status::Closed, None), "news", &g, now).unwrap();
        assert_eq!((r.crossing.as_str(), r.tz.as_str()), ("nowhere-bridge", "UTC"));
        let e = normalize(raw("Torkham", Status::Open, Some("April 15")), "news", &g, now).unwrap_err();
        assert!(e.contains("until `April 15`"), "{e}");
    }

    #[test]
    fn the_latest_begun_record_wins() {
        let g = Gazetteer::built_in();
        let now = Utc.with_ymd_and_hms(2025, 3, 24, 0, 0, 0).unwrap();
        let recs =
            vec![raw("Torkham", Status::Closed, Some("2025-03-18")), raw("Torkham", Status::Open, Some("2025-04-15"))];
        let (s, _) = snapshot(recs.clone(), "news", "test", &g, now).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s["torkham"].status, Status::Open);
        let later = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            snapshot(recs, "news", "test", &g, later).unwrap().0["torkham"].status,
            Status::Open,
            "expired, still the last word"
        );
        let mut planned = raw("Torkham", Status::Open, None);
        planned.since = Some("2025-03-28".into());
        let recs = vec![raw("Torkham", Status::Restricted, None), planned];
        assert_eq!(
            snapshot(recs, "news", "test", &g, now).unwrap().0["torkham"].status,
            Status::Restricted,
            "not yet begun"
        );
    }
}
