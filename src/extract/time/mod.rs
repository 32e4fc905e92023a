//! Time tagger: every temporal expression of a news text, normalised to a TimeML TIMEX3
//! value against the publication date (DESIGN.md §9).
//!
//! Input: a text and its publication date. Output: [`Timex`]es in text order, none
//! overlapping, each with its span, type and value (`2025-04-15`, `2025-04-15T16:00`,
//! `P25D`, `2025-W16`, `PRESENT_REF`, …). Dates, weekdays, clock times and their roles
//! come from the extractor's own date finder, so the extractor and the tagger read a
//! date the same way; [`forms`] adds what only the tagger reports (durations, "now",
//! "next week", months and seasons alone, decades, quarters, sets). Nothing fails: a
//! phrase that cannot be resolved is left out.
//!
//! ```
//! use chrono::NaiveDate;
//! let published = NaiveDate::from_ymd_opt(2025, 4, 16).unwrap();
//! let t = borderwatch::extract::time::tag("It will reopen on Friday at 9:40 a.m.", published);
//! assert_eq!((t[0].text.as_str(), t[0].value.as_str()), ("Friday at 9:40 a.m.", "2025-04-18T09:40"));
//! ```

mod forms;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::Serialize;

use super::dates::{self, Found, Keep, Phrase, When};
use super::{ascii_words, sentences};

/// The TIMEX3 type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A day, month, year, week or season, or a reference such as `PRESENT_REF`.
    Date,
    /// A day with a time of day.
    Time,
    /// A length of time: `P5D`.
    Duration,
    /// A recurrence: "every Monday", "daily".
    Set,
}

/// One temporal expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    /// Byte offset of its first byte in the text.
    pub start: usize,
    /// Byte offset just past its last byte.
    pub end: usize,
    /// The words, as written.
    pub text: String,
    /// Its TIMEX3 type.
    pub kind: Kind,
    /// Its TIMEX3 value.
    pub value: String,
}

/// A [`Timex`] as `extract --times` prints it: offsets in characters.
#[derive(Serialize)]
struct Printed<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    #[serde(rename = "type")]
    kind: Kind,
    value: &'a str,
}

/// The temporal expressions of `text`, published on `published`, in text order.
#[must_use]
pub fn tag(text: &str, published: NaiveDate) -> Vec<Timex> {
    let mut out = Vec::new();
    for s in sentences::split(text) {
        let base = s.as_ptr() as usize - text.as_ptr() as usize;
        let mut found: Vec<(Timex, u8)> =
            dates::scan(s, published, Keep::Every).iter().filter_map(|f| from_phrase(s, f)).map(|t| (t, 0)).collect();
        found.extend(forms::find(s, published).into_iter().map(|t| (t, 1)));
        out.extend(choose(found).into_iter().map(|t| lead(s, t)).map(|t| Timex {
            start: t.start + base,
            end: t.end + base,
            ..t
        }));
    }
    out
}

/// `tag`'s expressions as `extract --times` prints them: one JSON object each, with
/// offsets in characters.
#[must_use]
pub fn json_lines(text: &str, published: NaiveDate) -> Vec<String> {
    // The expressions come in text order: count characters once, from one to the next.
    let (mut byte, mut char) = (0, 0);
    let mut chars = |to: usize| {
        char += text[byte..to].chars().count();
        byte = to;
        char
    };
    tag(text, published)
        .iter()
        .map(|t| Printed { start: chars(t.start), end: chars(t.end), text: &t.text, kind: t.kind, value: &t.value })
        .filter_map(|p| serde_json::to_string(&p).ok())
        .collect()
}

/// The longest expressions that do not overlap; on a tie, the date finder's reading.
fn choose(mut found: Vec<(Timex, u8)>) -> Vec<Timex> {
    found.sort_by_key(|(t, rank)| (std::cmp::Reverse(t.end - t.start), *rank, t.start));
    let mut kept: Vec<Timex> = Vec::new();
    for (t, _) in found {
        if kept.iter().all(|k| t.end <= k.start || t.start >= k.end) {
            kept.push(t);
        }
    }
    kept.sort_by_key(|t| t.start);
    kept
}

/// "Friday morning": a part of the day after a day.
static PART_OF_DAY: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(r"(?i)^\s+(morning|afternoon|evening|night)\b").expect("part regex"));

/// A preposition that makes `3/4` a date rather than a fraction.
static DATE_PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:on|until|till|from|since|by|to|through|before|after|of)\s*$").expect("preposition regex")
});

/// A sentence's full stop after a full word ("15 April.", "4 pm."), as opposed to the
/// period of an abbreviation ("Jan.", "a.m.").
static FULL_STOP: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)\b(?:january|february|march|april|may|june|july|august|september|october|november|december|am|pm|hrs)\.$",
    )
    .expect("full stop regex")
});

/// Nouns counted by a number that looks like a year: "2000 people".
static COUNTED: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)^\s+(?:people|persons|troops|soldiers|men|women|children|vehicles|trucks|cars|refugees|migrants|tons|tonnes|km|kilometres|kilometers|miles|metres|meters|feet|dollars|euros)\b")
        .expect("counted regex")
});

/// Words that narrow a date without changing its value: "the end of 1990", "fiscal 1989",
/// "mid-1996".
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)(?:\b(?:(?:the\s+)?(?:end|beginning|start|middle|close)\s+of|fiscal|early|late)\s+|\bmid-)$")
        .expect("lead regex")
});

/// A date with the words that narrow it in front.
fn lead(s: &str, t: Timex) -> Timex {
    match LEAD.find(&s[..t.start]) {
        Some(m) if t.kind == Kind::Date && !t.value.ends_with("_REF") => {
            Timex { start: m.start(), text: s[m.start()..t.end].to_string(), ..t }
        }
        _ => t,
    }
}

/// The TIMEX3 part-of-day code: `TMO`, `TAF`, `TEV`, `TNI`.
pub(crate) fn part_code(word: &str) -> &'static str {
    match word.to_ascii_lowercase().as_str() {
        "morning" => "TMO",
        "afternoon" => "TAF",
        "evening" => "TEV",
        _ => "TNI",
    }
}

/// A phrase of the date finder as a TIMEX3; `None` for what [`forms`] reads better.
fn from_phrase(s: &str, f: &Found) -> Option<Timex> {
    let (mut start, mut end) = (f.start, f.end);
    if FULL_STOP.is_match(&s[start..end]) {
        end -= 1;
    }
    // "6 pm (April 17)": the parenthesis the date opened closes with it.
    if s[start..end].contains('(') && s[end..].starts_with(')') {
        end += 1;
    }
    let words = s[start..end].to_ascii_lowercase();
    let (kind, value) = match f.phrase {
        Phrase::For(_) | Phrase::Time(_) => return None,
        Phrase::OpenEnded => {
            if let Some(rest) = words.strip_prefix("until ") {
                start += words.len() - rest.len();
            }
            (Kind::Date, "FUTURE_REF".to_string())
        }
        Phrase::Date(_, w) => {
            let numeric = words.chars().all(|c| c.is_ascii_digit() || c == '/');
            let fraction = words.matches('/').count() == 1 && !DATE_PREPOSITION.is_match(&s[..start]);
            if numeric && (fraction || COUNTED.is_match(&s[end..])) {
                return None;
            }
            match w {
                When::Day(d, None) if words.contains("end of") => {
                    let year = words.ends_with("year");
                    (Kind::Date, if year { When::Year(d.year()) } else { When::Month(d.year(), d.month()) }.format())
                }
                When::Day(d, None) if words == "tonight" => (Kind::Time, format!("{}TNI", When::Day(d, None).format())),
                When::Day(d, None) => match PART_OF_DAY.captures(&s[end..]) {
                    Some(p) => {
                        end += p.get(0)?.end();
                        (Kind::Time, format!("{}{}", When::Day(d, None).format(), part_code(&p[1])))
                    }
                    None => (Kind::Date, w.format()),
                },
                When::Day(_, Some(_)) => (Kind::Time, w.format()),
                When::Month(..) | When::Year(_) => (Kind::Date, w.format()),
            }
        }
    };
    Some(Timex { start, end, text: s[start..end].to_string(), kind, value })
}
