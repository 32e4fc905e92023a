//! Resolved values of time phrases: a point (a day with its time of day, a month, a
//! year) and a length in the unit the text gave it.

use chrono::{Duration, Months, NaiveDate, NaiveTime};

/// A resolved value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum When {
    /// A day, with an optional local time.
    Day(NaiveDate, Option<NaiveTime>),
    /// A month.
    Month(i32, u32),
    /// A year.
    Year(i32),
}

impl When {
    pub(crate) fn day(self) -> NaiveDate {
        match self {
            When::Day(d, _) => d,
            When::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default(),
            When::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default(),
        }
    }

    /// The day with a time of day told apart from it, when it has none of its own.
    pub(crate) fn with_time(self, time: Option<NaiveTime>) -> When {
        match (self, time) {
            (When::Day(d, None), Some(t)) => When::Day(d, Some(t)),
            _ => self,
        }
    }

    pub(crate) fn format(self) -> String {
        match self {
            When::Day(d, None) => d.format("%Y-%m-%d").to_string(),
            When::Day(d, Some(t)) => format!("{}T{}", d.format("%Y-%m-%d"), t.format("%H:%M")),
            When::Month(y, m) => format!("{y:04}-{m:02}"),
            When::Year(y) => format!("{y:04}"),
        }
    }
}

/// A length of time, in the unit the text gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    Hours(i64),
    Days(i64),
    Weeks(i64),
    Months(u32),
    Years(u32),
}

impl Span {
    /// The inclusive last day of a period of this length starting on `from`.
    pub(crate) fn last_day(self, from: NaiveDate) -> Option<NaiveDate> {
        match self {
            // Hours from a day with no time of day end at no known instant.
            Span::Hours(_) => None,
            Span::Days(n) => from.checked_add_signed(Duration::days(n - 1)),
            Span::Weeks(n) => from.checked_add_signed(Duration::days(7 * n - 1)),
            Span::Months(n) => from.checked_add_months(Months::new(n))?.pred_opt(),
            Span::Years(n) => from.checked_add_months(Months::new(n.checked_mul(12)?))?.pred_opt(),
        }
    }

    /// The instant a period of hours, days or weeks starting at a known time of day ends:
    /// "at 1am for one week" ends a week later at 1am.
    pub(crate) fn end_at(self, from: When) -> Option<When> {
        let hours = match self {
            Span::Hours(n) => n,
            Span::Days(n) => n * 24,
            Span::Weeks(n) => n * 7 * 24,
            Span::Months(_) | Span::Years(_) => return None,
        };
        let When::Day(d, Some(t)) = from else { return None };
        let end = d.and_time(t).checked_add_signed(Duration::hours(hours))?;
        Some(When::Day(end.date(), Some(end.time())))
    }

    /// Hour-, day- or week-precise, as opposed to months or years.
    pub(crate) fn is_precise(self) -> bool {
        matches!(self, Span::Hours(_) | Span::Days(_) | Span::Weeks(_))
    }

    /// The TimeML duration: `P5D`, `P2W`, `P3M`, `P4Y`.
    pub(crate) fn timeml(self) -> String {
        match self {
            Span::Hours(n) => format!("PT{n}H"),
            Span::Days(n) => format!("P{n}D"),
            Span::Weeks(n) => format!("P{n}W"),
            Span::Months(n) => format!("P{n}M"),
            Span::Years(n) => format!("P{n}Y"),
        }
    }
}

pub(crate) fn number(s: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
    let s = s.to_ascii_lowercase();
    let word = |w: &str| -> Option<u32> {
        let i = UNITS.iter().position(|u| *u == w).map(|i| i as u32);
        let t = TENS.iter().position(|u| *u == w).map(|i| 20 + 10 * i as u32);
        match w {
            "a" | "an" => Some(1),
            "hundred" => Some(100),
            _ => i.or(t),
        }
    };
    if let Ok(n) = s.parse() {
        return Some(n);
    }
    match s.split_once(|c: char| c == '-' || c.is_ascii_whitespace()) {
        Some((tens, unit)) => Some(word(tens)? + word(unit)?),
        None => word(&s),
    }
}

pub(crate) fn span(n: u32, unit: &str) -> Span {
    match unit.to_ascii_lowercase().trim_end_matches('s') {
        "week" => Span::Weeks(i64::from(n)),
        "month" => Span::Months(n),
        "year" => Span::Years(n),
        "hour" => Span::Hours(i64::from(n)),
        _ => Span::Days(i64::from(n)),
    }
}
