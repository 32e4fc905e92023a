//! Times in words for the board: countdowns ("6 d 3 h left"), ages ("5 min ago"), local
//! instants, and the next step of the expiry ladder. The board's script words its
//! countdowns the same way (`board.js`, `left()`).

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Time left until `t`: `6 d 3 h left`, `3 h 20 min left`, `12 min left`, or `expired`.
#[must_use]
pub fn countdown(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs <= 0 {
        return "expired".into();
    }
    let mins = secs / 60;
    let (d, h, m) = (mins / 1440, mins / 60 % 24, mins % 60);
    if d > 0 {
        format!("{d} d {h} h left")
    } else if h > 0 {
        format!("{h} h {m} min left")
    } else {
        format!("{m} min left")
    }
}

/// How long ago `t` was: `just now`, `5 min ago`, `3 h ago`, `2 d ago`.
#[must_use]
pub fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let mins = (now - t).num_minutes();
    if mins < 1 {
        "just now".into()
    } else if mins < 60 {
        format!("{mins} min ago")
    } else if mins < 2 * 1440 {
        format!("{} h ago", mins / 60)
    } else {
        format!("{} d ago", mins / 1440)
    }
}

/// `t` in `zone`, as people write it: `15 Apr 2025 19:00`. (Written out by hand: a
/// page of 1,000 crossings calls it per row, and a format string is parsed per call.)
#[must_use]
pub fn local(t: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
    let l = t.with_timezone(&zone);
    format!("{} {} {} {:02}:{:02}", l.day(), MONTHS[l.month0() as usize], l.year(), l.hour(), l.minute())
}

/// The next step of the ladder after `now` for an expiry at `expires`: the lead and its
/// instant, or `None` when every step (and the expiry) is past.
#[must_use]
pub fn next_step(
    expires: DateTime<Utc>,
    leads: &[Duration],
    now: DateTime<Utc>,
) -> Option<(Option<Duration>, DateTime<Utc>)> {
    let mut steps: Vec<(Option<Duration>, DateTime<Utc>)> = leads.iter().map(|l| (Some(*l), expires - *l)).collect();
    steps.push((None, expires));
    steps.into_iter().filter(|(_, at)| *at > now).min_by_key(|(_, at)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn countdowns_and_ages_read_as_the_issue_writes_them() {
        let now = t("2025-04-09T12:00:00Z");
        assert_eq!(countdown(now, now + Duration::days(6) + Duration::hours(3) + Duration::minutes(5)), "6 d 3 h left");
        assert_eq!(countdown(now, now + Duration::minutes(200)), "3 h 20 min left");
        assert_eq!(countdown(now, now + Duration::seconds(90)), "1 min left");
        assert_eq!(countdown(now, now), "expired");
        assert_eq!(ago(now, now - Duration::seconds(20)), "just now");
        assert_eq!(ago(now, now - Duration::minutes(5)), "5 min ago");
        assert_eq!(ago(now, now - Duration::hours(30)), "30 h ago");
        assert_eq!(ago(now, now - Duration::days(3)), "3 d ago");
        assert_eq!(local(now, chrono_tz::Asia::Karachi), "9 Apr 2025 17:00");
    }

    #[test]
    fn the_next_step_is_the_earliest_one_still_ahead() {
        let now = t("2025-04-09T12:00:00Z");
        let leads = [Duration::days(7), Duration::days(3), Duration::days(1)];
        let exp = now + Duration::days(5);
        assert_eq!(next_step(exp, &leads, now), Some((Some(Duration::days(3)), exp - Duration::days(3))));
        assert_eq!(next_step(exp, &leads, exp - Duration::hours(1)), Some((None, exp)));
        assert_eq!(next_step(exp, &leads, exp), None);
    }
}
