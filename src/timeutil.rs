//! Dates, instants and durations as borderwatch reads and writes them.
//!
//! `until` values keep the precision the source gave (`2014`, `2014-06`, `2025-04-15`,
//! `2024-01-04T06:00`); [`expires_at`] turns them into the UTC instant at which they lapse
//! in the crossing's zone: "until 15 April" lasts through the end of 15 April local time.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A date or date-time at the precision a source gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalWhen {
    /// A whole year.
    Year(i32),
    /// A whole month.
    Month(i32, u32),
    /// A whole day.
    Day(NaiveDate),
    /// A local wall-clock time.
    Time(NaiveDateTime),
}

impl LocalWhen {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`.
    #[must_use]
    pub fn parse(s: &str) -> Option<LocalWhen> {
        let s = s.trim();
        match s.len() {
            4 => s.parse().ok().map(LocalWhen::Year),
            7 => {
                let (y, m) = s.split_once('-')?;
                let m: u32 = m.parse().ok()?;
                (1..=12).contains(&m).then_some(())?;
                Some(LocalWhen::Month(y.parse().ok()?, m))
            }
            10 => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(LocalWhen::Day),
            16 => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok().map(LocalWhen::Time),
            19 => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok().map(LocalWhen::Time),
            _ => None,
        }
    }

    /// The first local instant after the period: when an inclusive `until` lapses.
    #[must_use]
    pub fn end(self) -> Option<NaiveDateTime> {
        let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0);
        match self {
            LocalWhen::Year(y) => day(NaiveDate::from_ymd_opt(y + 1, 1, 1)?),
            LocalWhen::Month(y, m) => {
                let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                day(NaiveDate::from_ymd_opt(y, m, 1)?)
            }
            LocalWhen::Day(d) => day(d.succ_opt()?),
            LocalWhen::Time(t) => Some(t),
        }
    }
}

/// Resolves a local wall-clock time in `tz` to UTC. In a gap (spring forward) the time
/// is taken as the first instant after the gap; in a fold the earlier instant counts.
#[must_use]
pub fn local_to_utc(t: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&t) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.with_timezone(&Utc),
        LocalResult::None => {
            let mut probe = t;
            loop {
                probe += Duration::minutes(15);
                if let Some(x) = tz.from_local_datetime(&probe).earliest() {
                    return x.with_timezone(&Utc);
                }
            }
        }
    }
}

/// The UTC instant at which an `until` value lapses in `tz`.
#[must_use]
pub fn expires_at(until: &str, tz: Tz) -> Option<DateTime<Utc>> {
    LocalWhen::parse(until)?.end().map(|t| local_to_utc(t, tz))
}

/// Parses an instant given on the command line: RFC 3339, or a date (midnight UTC).
///
/// # Errors
/// A message naming the value when it is neither.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")));
    }
    Err(format!("`{s}` is not an RFC 3339 instant (2025-04-09T12:00:00Z) or a date (2025-04-09)"))
}

/// Parses a duration such as `30s`, `15m`, `2h`, `7d` or `1w`.
///
/// # Errors
/// A message when the number or the unit is missing or unknown.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().map_err(|_| format!("`{s}` is not a duration like 30s, 15m, 2h or 7d"))?;
    let d = match unit.trim() {
        "ms" => Duration::milliseconds(n),
        "s" => Duration::seconds(n),
        "m" | "min" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return Err(format!("`{s}` has an unknown unit (use ms, s, m, h, d or w)")),
    };
    Ok(d)
}

/// Formats a duration the way config writes it (`7d`, `36h`, `90m`, `45s`).
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let s = d.num_seconds();
    if s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s % 3_600 == 0 {
        format!("{}h", s / 3_600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Parses a size such as `10MiB`, `512KiB`, `1GiB` or a plain byte count.
///
/// # Errors
/// A message when the number or unit is not understood.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().map_err(|_| format!("`{s}` is not a size like 10MiB"))?;
    let mult = match unit.trim() {
        "" | "B" => 1,
        "KiB" | "KB" | "k" => 1 << 10,
        "MiB" | "MB" | "M" => 1 << 20,
        "GiB" | "GB" | "G" => 1 << 30,
        _ => return Err(format!("`{s}` has an unknown unit (use B, KiB, MiB or GiB)")),
    };
    n.checked_mul(mult).ok_or_else(|| format!("`{s}` is too large"))
}

/// Time left until `t`, in words: `7 days`, `1 day`, `5 hours`, `12 minutes`.
#[must_use]
pub fn humanize_left(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let left = t - now;
    let plural = |n: i64, w: &str| if n == 1 { format!("1 {w}") } else { format!("{n} {w}s") };
    if left.num_days() >= 1 {
        plural(left.num_days(), "day")
    } else if left.num_hours() >= 1 {
        plural(left.num_hours(), "hour")
    } else {
        plural(left.num_minutes().max(0), "minute")
    }
}

/// A local date as people write it: `15 Apr 2025`.
#[must_use]
pub fn human_date(until: &str) -> String {
    match LocalWhen::parse(until) {
        Some(LocalWhen::Day(d)) => format!("{} {} {}", d.day(), month_abbr(d.month()), d.year()),
        Some(LocalWhen::Time(t)) => format!("{} {} {} {}", t.day(), month_abbr(t.month()), t.year(), t.format("%H:%M")),
        Some(LocalWhen::Month(y, m)) => format!("end of {} {y}", month_abbr(m)),
        Some(LocalWhen::Year(y)) => format!("end of {y}"),
        None => until.to_string(),
    }
}

fn month_abbr(m: u32) -> &'static str {
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [(m as usize).saturating_sub(1).min(11)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_a_day_lapses_at_the_next_local_midnight() {
        let t = expires_at("2025-04-15", chrono_tz::Asia::Karachi).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-04-15T19:00:00+00:00");
        let t = expires_at("2025-04-15", chrono_tz::Asia::Kabul).unwrap();
        assert_eq!(t.to_rfc3339(), "2025-04-15T19:30:00+00:00");
    }

    #[test]
    fn coarse_and_exact_untils() {
        let utc = chrono_tz::UTC;
        assert_eq!(expires_at("2014-06", utc).unwrap().to_rfc3339(), "2014-07-01T00:00:00+00:00");
        assert_eq!(expires_at("2014-12", utc).unwrap().to_rfc3339(), "2015-01-01T00:00:00+00:00");
        assert_eq!(expires_at("2014", utc).unwrap().to_rfc3339(), "2015-01-01T00:00:00+00:00");
        let t = expires_at("2024-01-04T06:00", chrono_tz::Europe::Warsaw).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-01-04T05:00:00+00:00");
        assert_eq!(expires_at("2014-13", utc), None);
        assert_eq!(expires_at("someday", utc), None);
    }

    #[test]
    fn a_time_in_a_dst_gap_moves_past_the_gap() {
        let t = NaiveDate::from_ymd_opt(2025, 3, 30).unwrap().and_hms_opt(2, 30, 0).unwrap();
        let u = local_to_utc(t, chrono_tz::Europe::Berlin);
        assert_eq!(u.to_rfc3339(), "2025-03-30T01:00:00+00:00");
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("7d").unwrap(), Duration::days(7));
        assert_eq!(parse_duration("30s").unwrap(), Duration::seconds(30));
        assert!(parse_duration("7 parsecs").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("d").is_err());
        assert_eq!(parse_size("10MiB").unwrap(), 10 << 20);
        assert!(parse_size("10 furlongs").is_err());
        assert_eq!(format_duration(Duration::days(3)), "3d");
        assert_eq!(format_duration(Duration::hours(36)), "36h");
    }

    #[test]
    fn now_takes_an_instant_or_a_date() {
        assert_eq!(parse_instant("2025-04-09T12:00:00Z").unwrap().to_rfc3339(), "2025-04-09T12:00:00+00:00");
        assert_eq!(parse_instant("2025-04-09").unwrap().to_rfc3339(), "2025-04-09T00:00:00+00:00");
        assert!(parse_instant("yesterday").is_err());
    }
}
