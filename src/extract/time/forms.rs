//! The forms only the time tagger reports: durations, references to the present, past
//! and future, "next week" and its kin, "two years ago", months and seasons alone,
//! decades, quarters, clock times alone and sets. Each resolves against the
//! publication date; numbers and lengths are read by the date finder's own functions.

use std::sync::LazyLock;

use chrono::{Datelike, Duration, Months, NaiveDate};
use regex::{Captures, Regex};

use super::{part_code, Kind, Timex};
use crate::extract::ascii_words;
use crate::extract::dates::{self, When, NUMBER};

const FEW: &str = r"several|a\s+few|few|many|some|a\s+couple\s+of|couple\s+of";
const ABOUT: &str =
    r"nearly|almost|about|around|roughly|some|more\s+than|less\s+than|fewer\s+than|up\s+to|at\s+least|no\s+more\s+than";
const UNIT: &str = r"second|minute|hour|day|night|weekend|week|month|quarter|year|decade|centur(?:y|ie)";
const WEEKDAY: &str = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday";

static FORM: LazyLock<Regex> = LazyLock::new(|| {
    let p = format!(
        r"(?ix)
        \b(?P<ago>(?:(?:{ABOUT})\s+)?(?P<an>{NUMBER}|{FEW})\s+(?P<au>day|week|month|year|decade)s?\s+(?:ago|earlier))\b
      | \b(?P<dur>(?:(?:{ABOUT})\s+|(?P<dthe>the\s+)(?:(?P<dq>past|last|next|previous|first|coming|following|final|latest)\s+)?)?(?P<dcore>(?P<dn>{NUMBER}|{FEW})(?P<dsep>[\s-])(?P<du>{UNIT})s?(?:[\s-]long)?))\b
      | \b(?:for|over|in)\s+(?P<dx>(?:the\s+past\s+|the\s+last\s+)?(?P<dxu>hour|day|week|month|year|decade)s)\b
      | \b(?P<recent>(?:recent|coming)\s+(?P<rcu>day|week|month|year)s)\b
      | \b(?P<rel>(?P<rthe>the\s+)?(?:(?:early|late|mid-?|earlier|later)\s+)?(?P<rq>this|next|last|past|previous|coming|current)\s+(?P<ru>week|weekend|month|year|decade|century|quarter))\b
      | \b(?P<part>(?P<pd>this|last)\s+(?P<pp>morning|afternoon|evening|night))\b
      | \b(?P<set>(?:every|each)\s+(?P<se>day|week|month|year|morning|afternoon|evening|night|{WEEKDAY})|(?P<sa>daily|weekly|monthly|annually|yearly|nightly|hourly)|per\s+(?P<sp>day|week|month|year|hour))\b
      | \b(?P<pres>now|currently|at\s+present|presently|nowadays|these\s+days|at\s+the\s+moment|current)\b
      | \b(?P<past>recently|previously|formerly|lately|the\s+past|recent)\b
      | \b(?P<fut>the\s+(?:near\s+)?future|the\s+(?:near|short)\s+term|soon)\b
      | \b(?P<wkend>the\s+weekend)\b
      | (?P<dec>(?:\bthe\s+)?(?:(?:early|late|mid-?)\s*)?(?:\b(?P<dc>(?:19|20)\d)0|'(?P<ds>\d)0)s)\b
      | \b(?P<decw>the\s+(?P<dw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b
      | \b(?P<qtr>(?:the\s+)?(?P<qcore>(?:fiscal[\s-])?(?P<qn>first|second|third|fourth)(?P<qh>[\s-])quarter(?:\s+of\s+(?P<qy>(?:19|20)\d\d))?))\b
      | \b(?P<clock>(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)(?:\s*(?:hrs|h)\b)?|(?P<noon>noon|midday)|(?P<midnight>midnight))\b
      | \b(?P<season>(?P<sq>this|last|next|early|late)\s+(?P<sn>spring|summer|fall|autumn|winter))\b"
    );
    ascii_words(&p).expect("form regex")
});

/// A month named alone: capitalised, so "may" the verb and "march" the walk stay out.
static MONTH: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"\b(?:(?P<mq>[Ee]arly|[Ll]ate|[Mm]id-?|[Ll]ast|[Nn]ext|[Tt]his)\s*)?(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)(?:\s+(?P<my>last|this|next)\s+year\b)?",
    )
    .expect("month regex")
});

/// A preposition before a month named alone: "in March", "since June".
static MONTH_PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(in|since|until|till|by|through|from|during|of|to|before|after|between|and|or)\s*$")
        .expect("month preposition regex")
});

/// After a length, the word that makes it an age: "52 years old".
static NOT_A_LENGTH: LazyLock<Regex> = LazyLock::new(|| ascii_words(r"(?i)^[\s-]old\b").expect("not a length regex"));

/// Words of a sentence told in the past: "was", "had", "closed" (not "United", a name).
static PAST: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(r"(?i)\b(?:was|were|had|did|(?-i:[a-z]{3,}ed))\b").expect("past regex"));

/// How many years from the publication's a month or quarter `n` lies, when `now` is the
/// publication's: ahead when the sentence speaks of the future, behind when of the past,
/// else the nearer.
fn year_shift(n: u32, now: u32, per_year: u32, before: &str) -> i32 {
    if dates::is_future(before) {
        i32::from(n < now)
    } else if PAST.is_match(before) {
        -i32::from(n > now)
    } else if n > now && n - now > per_year / 2 {
        -1
    } else if n < now && now - n > per_year / 2 {
        1
    } else {
        0
    }
}

/// The tagger-only expressions of one sentence, resolved against `published`.
pub(super) fn find(s: &str, published: NaiveDate) -> Vec<Timex> {
    let mut out: Vec<Timex> = FORM
        .captures_iter(s)
        .filter_map(|c| {
            let (group, kind, value) = resolve(&c, &s[..c.get(0)?.start()], published)?;
            let m = c.name(group)?;
            if kind == Kind::Duration && NOT_A_LENGTH.is_match(&s[m.end()..]) {
                return None;
            }
            Some(Timex { start: m.start(), end: m.end(), text: m.as_str().to_string(), kind, value })
        })
        .collect();
    out.extend(MONTH.captures_iter(s).filter_map(|c| month(&c, s, published)));
    out
}

fn resolve(c: &Captures<'_>, before: &str, published: NaiveDate) -> Option<(&'static str, Kind, String)> {
    let g = |n: &str| c.name(n).map(|x| x.as_str().to_ascii_lowercase());
    if let (Some(n), Some(u)) = (g("an"), g("au")) {
        return Some(("ago", Kind::Date, ago(&n, &u, published)?));
    }
    if let (Some(n), Some(u)) = (g("dn"), g("du")) {
        // "three-quarters of the trucks" is a fraction.
        if u.starts_with("quarter") && g("dsep").as_deref() == Some("-") {
            return None;
        }
        // "the four-year war": "the" belongs to the noun, not to the length.
        let adjective = g("dthe").is_some() && g("dq").is_none() && g("dsep").as_deref() == Some("-");
        return Some((if adjective { "dcore" } else { "dur" }, Kind::Duration, duration(&n, &u)?));
    }
    if let Some(u) = g("dxu") {
        return Some(("dx", Kind::Duration, duration("x", &u)?));
    }
    if let Some(u) = g("rcu") {
        return Some(("recent", Kind::Duration, duration("x", &u)?));
    }
    if let (Some(q), Some(u)) = (g("rq"), g("ru")) {
        return relative(&q, &u, g("rthe").is_some(), published);
    }
    if let (Some(d), Some(p)) = (g("pd"), g("pp")) {
        let day = if d == "last" { published.pred_opt()? } else { published };
        return Some(("part", Kind::Time, format!("{}{}", When::Day(day, None).format(), part_code(&p))));
    }
    if g("set").is_some() {
        return Some(("set", Kind::Set, set(g("se").or(g("sa")).or(g("sp"))?.as_str())));
    }
    for (group, value) in [("pres", "PRESENT_REF"), ("past", "PAST_REF"), ("fut", "FUTURE_REF")] {
        if g(group).is_some() {
            return Some((group, Kind::Date, value.into()));
        }
    }
    if g("wkend").is_some() {
        return Some(("wkend", Kind::Date, format!("{}-WE", week(last_weekend(published, before)))));
    }
    if g("dec").is_some() {
        let value = g("dc").or_else(|| g("ds").map(|d| format!("19{d}")))?;
        return Some(("dec", Kind::Date, value));
    }
    if let Some(w) = g("dw") {
        let tens = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"];
        return Some(("decw", Kind::Date, format!("19{}", tens.iter().position(|x| *x == w)? + 2)));
    }
    if let Some(q) = g("qn") {
        let n = ["first", "second", "third", "fourth"].iter().position(|x| *x == q)? + 1;
        let n = u32::try_from(n).ok()?;
        let year = match g("qy") {
            Some(y) => y.parse().ok()?,
            None if dates::is_future(before) => published.year() + i32::from(n < published.month0() / 3 + 1),
            // A quarter told without a year and not ahead is the last one of that name.
            None => published.year() - i32::from(n > published.month0() / 3 + 1),
        };
        // "the third-quarter loss": "the" belongs to the noun, not to the quarter.
        let group = if g("qh").as_deref() == Some("-") { "qcore" } else { "qtr" };
        return Some((group, Kind::Date, format!("{year:04}-Q{n}")));
    }
    if g("clock").is_some() {
        let day = When::Day(published, None).format();
        let time = match (g("h"), g("mi")) {
            (Some(h), Some(m)) => format!("{:02}:{m}", h.parse::<u32>().ok()?),
            _ if g("noon").is_some() => "12:00".into(),
            _ => "24:00".into(),
        };
        return Some(("clock", Kind::Time, format!("{day}T{time}")));
    }
    if let (Some(q), Some(n)) = (g("sq"), g("sn")) {
        let code = match n.as_str() {
            "spring" => "SP",
            "summer" => "SU",
            "winter" => "WI",
            _ => "FA",
        };
        let year = published.year() + shift(&q);
        return Some(("season", Kind::Date, format!("{year:04}-{code}")));
    }
    None
}

/// -1 for "last", 1 for "next", else 0.
fn shift(q: &str) -> i32 {
    match q {
        "last" | "previous" | "past" => -1,
        "next" | "coming" => 1,
        _ => 0,
    }
}

/// "two years ago": the date that long before publication, at the unit's precision.
fn ago(n: &str, unit: &str, published: NaiveDate) -> Option<String> {
    let Some(n) = dates::number(n) else { return Some("PAST_REF".into()) };
    Some(match unit {
        "day" => When::Day(published - Duration::days(i64::from(n)), None).format(),
        "week" => week(published - Duration::weeks(i64::from(n))),
        "month" => {
            let d = published.checked_sub_months(Months::new(n))?;
            When::Month(d.year(), d.month()).format()
        }
        "year" => format!("{:04}", published.year() - i32::try_from(n).ok()?),
        _ => format!("{:03}", (published.year() - 10 * i32::try_from(n).ok()?) / 10),
    })
}

/// "the weekend": the coming one when the sentence speaks of the future, else the last
/// one (this one on a Saturday or Sunday).
fn last_weekend(published: NaiveDate, before: &str) -> NaiveDate {
    let weekend = matches!(published.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
    if weekend || dates::is_future(before) {
        published
    } else {
        published - Duration::days(i64::from(published.weekday().number_from_monday()))
    }
}

fn week(d: NaiveDate) -> String {
    d.format("%G-W%V").to_string()
}

/// `P5D`, `PT3H`, `P2DE`; `PXY` for "several years".
fn duration(n: &str, unit: &str) -> Option<String> {
    let unit = unit.trim_end_matches('s').replace("centurie", "century");
    let count = if n.ends_with("couple of") { Some(2) } else { dates::number(n) };
    if let (Some(n), "day" | "week" | "month" | "year") = (count, unit.as_str()) {
        return Some(dates::span(n, &unit).timeml());
    }
    let n = count.map_or_else(|| "X".to_string(), |n| n.to_string());
    Some(match unit.as_str() {
        "second" => format!("PT{n}S"),
        "minute" => format!("PT{n}M"),
        "hour" => format!("PT{n}H"),
        "day" | "night" => format!("P{n}D"),
        "weekend" => format!("P{n}WE"),
        "week" => format!("P{n}W"),
        "month" => format!("P{n}M"),
        "year" => format!("P{n}Y"),
        "quarter" => format!("P{n}Q"),
        "decade" => count.map_or_else(|| "PXDE".to_string(), |n| format!("P{}Y", n * 10)),
        _ => count.map_or_else(|| "PXCE".to_string(), |n| format!("P{}Y", n * 100)),
    })
}

/// "next week", "last year", "the past month": a date, or with "the past" a duration.
fn relative(q: &str, unit: &str, the: bool, published: NaiveDate) -> Option<(&'static str, Kind, String)> {
    if q == "past" || (the && matches!(q, "last" | "next" | "previous")) {
        return Some(("rel", Kind::Duration, duration("1", unit)?));
    }
    let k = shift(q);
    let value = match unit {
        "week" | "weekend" => {
            let w = week(published + Duration::weeks(i64::from(k)));
            if unit == "weekend" {
                format!("{w}-WE")
            } else {
                w
            }
        }
        "month" => {
            let d = if k < 0 {
                published.checked_sub_months(Months::new(1))?
            } else {
                published.checked_add_months(Months::new(k.unsigned_abs()))?
            };
            When::Month(d.year(), d.month()).format()
        }
        "year" => format!("{:04}", published.year() + k),
        "decade" => format!("{:03}", published.year() / 10 + k),
        "century" => format!("{:02}", published.year() / 100 + k),
        _ => {
            let q = i32::try_from(published.month0() / 3).ok()? + k;
            format!("{:04}-Q{}", published.year() + q.div_euclid(4), q.rem_euclid(4) + 1)
        }
    };
    Some(("rel", Kind::Date, value))
}

/// TIMEX3 value of a recurrence.
fn set(word: &str) -> String {
    match word {
        "day" | "daily" => "P1D".into(),
        "week" | "weekly" => "P1W".into(),
        "month" | "monthly" => "P1M".into(),
        "year" | "yearly" | "annually" => "P1Y".into(),
        "hour" | "hourly" => "PT1H".into(),
        "morning" | "afternoon" | "evening" | "night" | "nightly" => format!("XXXX-XX-XX{}", part_code(word)),
        w => {
            let d = w.parse::<chrono::Weekday>().map_or(1, |d| d.number_from_monday());
            format!("XXXX-WXX-{d}")
        }
    }
}

/// "in March", "last June", "early September": the month in the year the qualifier or
/// the tense points to.
fn month(c: &Captures<'_>, s: &str, published: NaiveDate) -> Option<Timex> {
    let m = c.get(0)?;
    let q = c.name("mq").map(|x| x.as_str().to_ascii_lowercase());
    let prep = MONTH_PREPOSITION.captures(&s[..m.start()]).map(|p| p[1].to_ascii_lowercase());
    if q.is_none() && prep.is_none() {
        return None;
    }
    let name = c.name("mon")?.as_str().to_ascii_lowercase();
    let n = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|x| name.starts_with(x))
        .and_then(|i| u32::try_from(i + 1).ok())?;
    let now = published.month();
    let year = published.year()
        + match (c.name("my").map(|y| y.as_str()), q.as_deref()) {
            (Some(y), _) => shift(y),
            (None, Some("last")) => -i32::from(n >= now),
            (None, Some("next")) => i32::from(n <= now),
            (None, Some("this")) => 0,
            // "through January": an end, so not behind.
            _ if matches!(prep.as_deref(), Some("until" | "till" | "through")) => i32::from(n < now),
            _ => year_shift(n, now, 12, &s[..m.start()]),
        };
    Some(Timex {
        start: m.start(),
        end: m.end(),
        text: m.as_str().to_string(),
        kind: Kind::Date,
        value: When::Month(year, n).format(),
    })
}
