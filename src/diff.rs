//! Diff: the new snapshot of a feed against its last good one.
//!
//! Input: the stored records (with how many consecutive good polls each has been missing
//! from) and a new snapshot. Output: the changes, and the missing-counts that change. A
//! crossing only counts as removed after `removal_after` consecutive good polls without
//! it, so one flaky page does not make crossings vanish; any good poll that reports it
//! again, changed or not, starts the count afresh. The plausibility gate lives here too:
//! a snapshot that is empty or lost too much of the last one is suspect. A suspect
//! snapshot's records are diffed as usual, but the removals it implies are held
//! ([`Removals::Held`]) until every crossing it lacks has been missing from
//! `accept_after` consecutive polls: then the shrink is the feed's new shape.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::{Change, ChangeKind, Record};
use crate::normalize::Snapshot;

/// A stored record with its missing-count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The record as last seen.
    pub record: Record,
    /// Consecutive good polls the crossing has been missing from (0 when the last one
    /// reported it).
    pub missing: u32,
}

/// What a diff decided.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Changes, in crossing order.
    pub changes: Vec<Change>,
    /// Crossings whose missing-count changes, with the new count: one more for a
    /// crossing still missing but not yet removed, 0 for one reported again.
    pub recount: BTreeMap<String, u32>,
    /// A held shrink lasted long enough: its removals are among the changes.
    pub accepted: bool,
    /// Unchanged records whose values moved, as they are to be stored: the stored record
    /// with the new values. Numbers alone are no change, but the stored record shows the
    /// latest ones; its `observed_at` still names the observation of its facts, which
    /// reminders and route keys count from.
    pub refreshed: Vec<Record>,
}

/// What happens to crossings a snapshot lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removals {
    /// A plausible snapshot: a crossing is removed once missing from this many
    /// consecutive good polls (`removal_after`).
    After(u32),
    /// A suspect snapshot: nothing is removed, unless every crossing it lacks has been
    /// missing from `accept_after` consecutive polls; then all of them are.
    Held {
        /// The feed's `accept_after`.
        accept_after: u32,
    },
}

/// Compares `next` with `prev`.
#[must_use]
pub fn diff(prev: &BTreeMap<String, Stored>, next: &Snapshot, removals: Removals) -> Diff {
    let mut out = Diff::default();
    let mut lacked = Vec::new();
    for pair in walk(prev, next) {
        match pair {
            Pair::Prev(id, old) => lacked.push((id, old)),
            Pair::Next(cur) => out.changes.push(change(ChangeKind::Added, None, Some(cur))),
            Pair::Both(id, old, cur) => {
                if old.missing > 0 {
                    out.recount.insert(id.clone(), 0);
                }
                let old = &old.record;
                let kind = if old.status != cur.status {
                    Some(ChangeKind::StatusChanged)
                } else if old.until != cur.until || old.confidence != cur.confidence {
                    // A confidence of its own is a new standing of the end: it arms or
                    // disarms the ladder, so it is stored and goes to the history.
                    Some(ChangeKind::UntilChanged)
                } else if old.scope != cur.scope || old.since != cur.since {
                    Some(ChangeKind::ScopeChanged)
                } else {
                    None
                };
                match kind {
                    Some(kind) => out.changes.push(change(kind, Some(old), Some(cur))),
                    None if old.values != cur.values => {
                        out.refreshed.push(Record { values: cur.values.clone(), ..old.clone() });
                    }
                    None => {}
                }
            }
        }
    }
    out.accepted = match removals {
        Removals::After(_) => false,
        Removals::Held { accept_after } => {
            !lacked.is_empty() && lacked.iter().all(|(_, old)| old.missing + 1 >= accept_after)
        }
    };
    for (id, old) in lacked {
        let missing = old.missing + 1;
        let removed = match removals {
            Removals::After(n) => missing >= n,
            Removals::Held { .. } => out.accepted,
        };
        if removed {
            out.changes.push(change(ChangeKind::Removed, Some(&old.record), None));
        } else {
            out.recount.insert(id.clone(), missing);
        }
    }
    out
}

/// A crossing in the stored records, in the new snapshot, or in both.
enum Pair<'a> {
    Prev(&'a String, &'a Stored),
    Next(&'a Record),
    Both(&'a String, &'a Stored, &'a Record),
}

/// Both maps side by side in crossing order, each walked once: no lookup of one map's
/// crossings in the other.
fn walk<'a>(prev: &'a BTreeMap<String, Stored>, next: &'a Snapshot) -> impl Iterator<Item = Pair<'a>> {
    let (mut p, mut n) = (prev.iter().peekable(), next.iter().peekable());
    std::iter::from_fn(move || {
        let order = match (p.peek(), n.peek()) {
            (Some((pk, _)), Some((nk, _))) => pk.cmp(nk),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return None,
        };
        match order {
            Ordering::Less => p.next().map(|(k, s)| Pair::Prev(k, s)),
            Ordering::Greater => n.next().map(|(_, r)| Pair::Next(r)),
            Ordering::Equal => p.next().zip(n.next()).map(|((k, s), (_, r))| Pair::Both(k, s, r)),
        }
    })
}

fn change(kind: ChangeKind, previous: Option<&Record>, current: Option<&Record>) -> Change {
    let crossing = current.or(previous).map(|r| r.crossing.clone()).unwrap_or_default();
    Change { kind, crossing, previous: previous.cloned(), current: current.cloned() }
}

/// Why a snapshot is held instead of applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Suspect {
    /// It has no records where the last good one had some.
    #[error("the snapshot has 0 records; the last good one had {0}")]
    Empty(usize),
    /// It lost more than the allowed share of the last good one.
    #[error("the snapshot lost {lost} of {had} records (more than {share:.0}%)")]
    Drop {
        /// Crossings in the last good snapshot that are missing now.
        lost: usize,
        /// Crossings in the last good snapshot.
        had: usize,
        /// The allowed share, in percent.
        share: f64,
    },
}

/// The plausibility gate: is `next` believable after `prev`?
///
/// # Errors
/// The [`Suspect`] reason when it is not.
pub fn plausible(prev: &BTreeMap<String, Stored>, next: &Snapshot, max_drop: f64) -> Result<(), Suspect> {
    let had = prev.len();
    if had == 0 {
        return Ok(());
    }
    if next.is_empty() {
        return Err(Suspect::Empty(had));
    }
    let lost = walk(prev, next).filter(|p| matches!(p, Pair::Prev(..))).count();
    #[allow(clippy::cast_precision_loss)]
    if lost as f64 > had as f64 * max_drop {
        return Err(Suspect::Drop { lost, had, share: max_drop * 100.0 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Confidence, Status};
    use chrono::Utc;

    fn rec(id: &str, status: Status, until: Option<&str>) -> Record {
        Record {
            crossing: id.into(),
            name: id.into(),
            countries: vec![],
            status,
            scope: None,
            since: None,
            until: until.map(Into::into),
            expires_at: None,
            tz: "UTC".into(),
            source: "f".into(),
            observed_at: Utc::now(),
            evidence: None,
            confidence: Confidence::High,
            values: std::collections::BTreeMap::new(),
        }
    }

    fn stored(recs: &[Record]) -> BTreeMap<String, Stored> {
        recs.iter().map(|r| (r.crossing.clone(), Stored { record: r.clone(), missing: 0 })).collect()
    }

    fn snap(recs: &[Record]) -> Snapshot {
        recs.iter().map(|r| (r.crossing.clone(), r.clone())).collect()
    }

    #[test]
    fn a_snapshot_does_not_differ_from_itself() {
        let recs = [rec("a", Status::Open, None), rec("b", Status::Closed, Some("2025-01-01"))];
        assert_eq!(diff(&stored(&recs), &snap(&recs), Removals::After(2)), Diff::default());
    }

    #[test]
    fn status_until_and_scope_changes_are_told_apart() {
        let before =
            [rec("a", Status::Open, None), rec("b", Status::Open, Some("2025-04-15")), rec("c", Status::Open, None)];
        let mut c = rec("c", Status::Open, None);
        c.scope = Some("cargo only".into());
        let after = [rec("a", Status::Closed, None), rec("b", Status::Open, None), c, rec("d", Status::Open, None)];
        let d = diff(&stored(&before), &snap(&after), Removals::After(2));
        let kinds: Vec<_> = d.changes.iter().map(|c| (c.crossing.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("a", ChangeKind::StatusChanged),
                ("b", ChangeKind::UntilChanged),
                ("c", ChangeKind::ScopeChanged),
                ("d", ChangeKind::Added)
            ]
        );
    }

    #[test]
    fn an_end_whose_confidence_changed_is_an_until_change() {
        let before = [rec("b", Status::Open, Some("2025-04-15"))];
        let mut sure = rec("b", Status::Open, Some("2025-04-15"));
        sure.confidence = Confidence::Low;
        let d = diff(&stored(&before), &snap(&[sure]), Removals::After(2));
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].kind, ChangeKind::UntilChanged, "stored, so the ladder is disarmed");
    }

    #[test]
    fn moved_values_alone_refresh_the_stored_record() {
        let mut before = [rec("a", Status::Open, None), rec("b", Status::Open, None), rec("c", Status::Open, None)];
        for r in &mut before {
            r.values.insert("wait_minutes".into(), 10);
        }
        let mut after = before.clone();
        after[0].values.insert("wait_minutes".into(), 40);
        after[0].observed_at = before[0].observed_at + chrono::Duration::hours(1);
        after[1].values.insert("wait_minutes".into(), 50);
        after[1].status = Status::Closed;
        let d = diff(&stored(&before), &snap(&after), Removals::After(2));
        let refreshed = Record { values: after[0].values.clone(), ..before[0].clone() };
        assert_eq!(d.refreshed, [refreshed], "the stored record with the new values; b changed, c did not move");
        assert_eq!(d.changes.iter().map(|c| c.crossing.as_str()).collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn removal_waits_for_enough_polls() {
        let before = [rec("a", Status::Open, None), rec("b", Status::Open, None)];
        let after = snap(&[rec("a", Status::Open, None)]);
        let mut prev = stored(&before);
        let d = diff(&prev, &after, Removals::After(2));
        assert!(d.changes.is_empty());
        assert_eq!(d.recount["b"], 1);
        prev.get_mut("b").unwrap().missing = 1;
        let d = diff(&prev, &after, Removals::After(2));
        assert_eq!(d.changes[0].kind, ChangeKind::Removed);
    }

    #[test]
    fn a_crossing_reported_again_unchanged_starts_its_count_afresh() {
        let both = [rec("a", Status::Open, None), rec("b", Status::Open, None)];
        let mut prev = stored(&both);
        prev.get_mut("b").unwrap().missing = 1;
        let d = diff(&prev, &snap(&both), Removals::After(2));
        assert!(d.changes.is_empty(), "the record is the same");
        assert_eq!(d.recount, BTreeMap::from([("b".to_string(), 0)]), "but its count goes back to 0");
    }

    #[test]
    fn a_suspect_shrink_is_held_until_every_lacked_crossing_missed_accept_after_polls() {
        let mut prev =
            stored(&[rec("a", Status::Open, None), rec("b", Status::Open, None), rec("c", Status::Open, None)]);
        let only_a = snap(&[rec("a", Status::Closed, None)]);
        let held = Removals::Held { accept_after: 3 };
        let d = diff(&prev, &only_a, held);
        assert_eq!(d.changes.iter().map(|c| c.kind).collect::<Vec<_>>(), [ChangeKind::StatusChanged]);
        assert_eq!(d.recount, BTreeMap::from([("b".to_string(), 1), ("c".to_string(), 1)]));
        assert!(!d.accepted);
        prev.get_mut("b").unwrap().missing = 2;
        prev.get_mut("c").unwrap().missing = 1;
        assert!(!diff(&prev, &only_a, held).accepted, "c has missed only two polls");
        prev.get_mut("c").unwrap().missing = 2;
        let d = diff(&prev, &only_a, held);
        assert!(d.accepted);
        let removed: Vec<_> =
            d.changes.iter().filter(|c| c.kind == ChangeKind::Removed).map(|c| c.crossing.as_str()).collect();
        assert_eq!(removed, ["b", "c"]);
    }

    #[test]
    fn the_gate_holds_empty_and_halved_snapshots() {
        let before =
            stored(&[rec("a", Status::Open, None), rec("b", Status::Open, None), rec("c", Status::Open, None)]);
        assert_eq!(plausible(&before, &Snapshot::new(), 0.5), Err(Suspect::Empty(3)));
        let one = snap(&[rec("a", Status::Open, None)]);
        assert!(matches!(plausible(&before, &one, 0.5), Err(Suspect::Drop { lost: 2, had: 3, .. })));
        let two = snap(&[rec("a", Status::Open, None), rec("b", Status::Open, None)]);
        assert!(plausible(&before, &two, 0.5).is_ok());
        assert!(plausible(&BTreeMap::new(), &Snapshot::new(), 0.5).is_ok());
    }
}
