//! Cron schedules evaluated in a feed's own time zone.
//!
//! Patterns are parsed once at config load (croner: five fields, or six with seconds).
//! Occurrences are found on the local wall clock of the zone, so a daily 02:30 job runs
//! once on the day clocks spring forward (at the first instant after the gap) and once on
//! the day they fall back.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;

/// A parsed cron pattern in a zone. A parsed pattern is a few KiB, so clones (one per
/// feed and per copy of the config) share it.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Arc<Cron>,
    tz: Tz,
    pattern: String,
}

/// Two schedules are the same when they have the same pattern in the same zone.
impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.tz == other.tz
    }
}

impl Eq for Schedule {}

impl Schedule {
    /// Parses `pattern` for evaluation in `tz`.
    ///
    /// # Errors
    /// A message saying why the pattern is not valid cron.
    pub fn new(pattern: &str, tz: Tz) -> Result<Self, String> {
        let cron = Cron::from_str(pattern).map_err(|e| format!("`{pattern}` is not a valid cron pattern: {e}"))?;
        Ok(Self { cron: Arc::new(cron), tz, pattern: pattern.to_string() })
    }

    /// The first occurrence strictly after `t`.
    #[must_use]
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&self.tz);
        self.cron.find_next_occurrence(&local, false).ok().map(|x| x.with_timezone(&Utc))
    }

    /// The pattern as written.
    #[must_use]
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The zone it is evaluated in.
    #[must_use]
    pub fn tz(&self) -> Tz {
        self.tz
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn runs_between(s: &Schedule, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut t = from;
        while let Some(n) = s.next_after(t) {
            if n >= to {
                break;
            }
            out.push(n);
            t = n;
        }
        out
    }

    #[test]
    fn daily_0230_in_berlin_runs_once_on_both_dst_days() {
        let s = Schedule::new("30 2 * * *", chrono_tz::Europe::Berlin).unwrap();
        for (day, next) in [((2025, 3, 30), (2025, 3, 31)), ((2025, 10, 26), (2025, 10, 27))] {
            let from = chrono_tz::Europe::Berlin.with_ymd_and_hms(day.0, day.1, day.2, 0, 0, 0).unwrap();
            let to = chrono_tz::Europe::Berlin.with_ymd_and_hms(next.0, next.1, next.2, 0, 0, 0).unwrap();
            let runs = runs_between(&s, from.with_timezone(&Utc), to.with_timezone(&Utc));
            assert_eq!(runs.len(), 1, "{day:?}: {runs:?}");
        }
    }

    #[test]
    fn every_fifteen_minutes_in_utc() {
        let s = Schedule::new("*/15 * * * *", chrono_tz::UTC).unwrap();
        let t = Utc.with_ymd_and_hms(2025, 1, 1, 10, 7, 0).unwrap();
        assert_eq!(s.next_after(t).unwrap(), Utc.with_ymd_and_hms(2025, 1, 1, 10, 15, 0).unwrap());
    }

    #[test]
    fn a_bad_pattern_says_so() {
        let e = Schedule::new("every tuesday", chrono_tz::UTC).unwrap_err();
        assert!(e.contains("not a valid cron pattern"), "{e}");
    }
}
