//! Date, time and duration phrases in a sentence, resolved against the publication date.
//!
//! Each phrase keeps its byte span and the role its preposition gives it: `until April
//! 15` ends a period, `from tomorrow` and `on 6 September` start one, `by Friday` is when
//! a planned change happens, `beyond Jan. 14` and `said Monday` belong to something else.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use chrono::{Datelike, Months, NaiveDate, NaiveTime, Weekday};
use regex::Regex;

pub(crate) use super::when::{number, span, Span, When};
use super::{alternatives::Alternation, countries::Fnv};
use super::{ascii_words, ends_with_lower};

/// What a date phrase does in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Ends a period: until, till, through, to.
    Until,
    /// Ends a period at the earliest: "until at least".
    UntilAtLeast,
    /// Starts a period: from, since, starting, as of.
    Since,
    /// When something happens: on, in, today.
    On,
    /// When a planned change is due: by.
    By,
    /// Belongs to something else: beyond, after, before, except, or a reporting verb.
    Ignore,
}

/// One phrase found in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phrase {
    /// A date with its role.
    Date(Role, When),
    /// "for five days".
    For(Span),
    /// "until further notice", "indefinitely".
    OpenEnded,
    /// A time of day told without its day: "resumed at about 7am".
    Time(NaiveTime),
}

/// A phrase and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) phrase: Phrase,
}

const WEEKDAY: &str = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
const MONTH: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
pub(crate) const NUMBER: &str = r"(\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](?:one|two|three|four|five|six|seven|eight|nine)|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a|an)";

static DATE: LazyLock<Alternation> = LazyLock::new(|| {
    let p = format!(
        r"
        \b(?P<xa>\d{{1,2}})(?:st|nd|rd|th)?\s*(?P<xc>-|–|to|until|till|and)\s*(?P<xb>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<xm>{MONTH})\b\.?(?:,?\s+(?P<xy>\d{{4}})\b)?
      | \b(?P<ym>{MONTH})\.?\s+(?P<ya>\d{{1,2}})(?:st|nd|rd|th)?\s*(?P<yc>-|–|to|until|till|and)\s*(?P<yb>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<yy>\d{{4}})\b)?
      | \b(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})\b
      | \b(?:{WEEKDAY},?\s+)?(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{{4}})\b)?
      | \b(?:{WEEKDAY},?\s+(?:the\s+)?)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{MONTH})\b\.?(?:,?\s+(?P<y2>\d{{4}})\b)?
      | \b(?:the\s+)?(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+of\s+(?P<rm>last|this|next|the\s+current|the\s+previous|the\s+coming)\s+month\b
      | \b(?:(?:early|mid|late)[\s-]+)?(?P<m3>{MONTH})\.?,?\s+(?P<y3>\d{{4}})\b
      | \b(?P<ea>\d{{1,2}})\.(?P<eb>\d{{1,2}})\.(?P<ec>\d{{4}})\b
      | \b(?P<da>\d{{1,2}})\.(?P<db>\d{{2}})\.
      | \b(?P<na>\d{{1,2}})/(?P<nb>\d{{1,2}})(?:/(?P<nc>\d{{2,4}}))?\b
      | \b(?:(?P<tb>\d{{1,2}}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)|noon|midday)\s+(?:on\s+)?)?(?:(?P<wn>(?:the\s+)?(?:next|following)|(?:this\s+)?coming|last|this(?:\s+past)?)\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b
      | \b(?:the\s+)?end\s+of\s+(?P<eo>the\s+month|this\s+month|next\s+month|the\s+year|this\s+year|next\s+year|(?:19|20)\d\d)\b
      | \b(?:the\s+)?end\s+of\s+(?P<em>{MONTH})\b\.?(?:,?\s+(?P<ey>\d{{4}})\b)?
      | \b(?P<rel>today|tonight|tomorrow|yesterday|this\s+(?:morning|afternoon|evening))\b
      | (?P<fn>\buntil\s+further\s+notice\b|\bindefinitely\b|\bopen-ended\b)
      | \b(?:for|of|to\s+last|lasting|(?:will|would|shall)\s+last)\s+(?:the\s+next\s+|another\s+|a\s+period\s+of\s+|up\s+to\s+|an?\s+(?:initial|further|additional|extra)\s+)?(?P<dn>{NUMBER})[\s-](?P<du>day|week|month|year|hour)s?\b
      | \b(?P<dn2>{NUMBER})-(?P<du2>day|week|month)(?:-long)?\s+(?:closure|shutdown|suspension|halt|ban|lockdown|blockade)\b
      | \bfor\s+the\s+(?:next|coming|following)\s+(?P<du3>day|week|month)\b
      | \b(?P<tt>\d{{1,2}}(?:[:.]\d\d)?\s*(?:a\.?m\b\.?|p\.?m\b\.?)|\d{{1,2}}[:h]\d\d(?:\s*(?:hrs|h)\b)?)(?:\s+[a-z]+\s+time)?\s*(?:,\s*|\(\s*|on\s+|of\s+)?(?:the\s+)?
        (?:(?P<tm1>{MONTH})\.?\s+(?P<td1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<ty1>\d{{4}})\b)?
          |(?P<td2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<tm2>{MONTH})\b\.?(?:,?\s+(?P<ty2>\d{{4}})\b)?
          |(?P<trel>today|tomorrow|yesterday|tonight|this\s+morning|this\s+afternoon|this\s+evening)\b)
      | \b(?P<tm>\d{{1,2}}(?:[:.]\d\d)?\s*(?:a\.?m\b\.?|p\.?m\b\.?)|\d{{1,2}}:\d\d\b(?:\s*(?:hrs|h)\b)?)
      | \b(?P<yo>(?:19|20)\d{{2}})\b"
    );
    Alternation::new("(?ix)", &p).expect("date regex")
});

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?i)^[\s,]*(?P<pre>from|at|as of)?\s*(?:(?:about|around|approximately|roughly|some)\s+)?(?P<h>\d{1,2})(?:(?P<sep>[:.h])(?P<m>\d{2}))?\s*(?P<ap>a\.?m\.?|p\.?m\.?|hrs|h\b)?",
    )
        .expect("time regex")
});

/// A date in parentheses right after a weekday: "Tuesday (October 14)", "Thursday (15.10)".
static APPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(&format!(
        r"(?i)^\s*\(\s*(?:\d{{1,2}}\s*(?:[./]|(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH}))|(?:{MONTH})\.?\s+\d)"
    ))
    .expect("apposition regex")
});

/// A date after a comma: "8 pm Thursday, July 9" says which Thursday.
static COMMA_DATE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(&format!(r"(?i)^\s*,\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH})|(?:{MONTH})\.?\s+\d)"))
        .expect("comma-date regex")
});

/// Noon or midnight right after a date: "tomorrow at midnight", "Friday noon".
static NOON: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(r"(?i)^[\s,]*(?:at\s+)?(noon|midday|midnight)\b").expect("noon regex"));

/// The words before a date that give its role, tried in this order: until at least,
/// until, since, by, ignore, and then those that make it `On` (on, a status word, "i.e.").
const ROLES: [&str; 8] = [
    r"\b(?:until|till)\s+at\s+least",
    r"\b(?:until|till|through|thru|to|up\s+to|ending|ends|end)(?:\s+(?:on|the\s+end\s+of))?",
    r"\b(?:from|since|between|starting(?:\s+(?:from|on))?|beginning(?:\s+on)?|as\s+of|effective(?:\s+from)?|with\s+effect\s+from)(?:\s+(?:on|the))?",
    r"\bby",
    r"\b(?:(?:first|last|only)\s+time\s+since|beyond|after|past|before|prior\s+to|except(?:\s+on)?|said|says|announced|reported|told|stated|tweeted|added|confirmed|decided|informed|noted|declared|issued|published|signed|held)(?:\s+(?:on|in|that))?",
    r"\b(?:on|in|at|during|this|next|last|coming)(?:\s+the)?(?:\s+(?:early\s+|small\s+|late\s+)?(?:hours|morning|night|evening|afternoon)\s+of)?",
    r"\b(?:re-?open(?:ed|s)?|closed|closes|shut|shuts|resumed|resumes|suspended|halted|opened|opens|sealed|blocked|lifted)\s+(?:again\s+)?",
    r"\bi\.\s?e\.,?|\bnamely|\bthat\s+is,?",
];

/// What may stand between those words and the date.
const ROLE_END: &str = r"(?:\s+(?:about|around|approximately|roughly))?[\s,(]*$";

static ROLE: LazyLock<Regex> =
    LazyLock::new(|| ascii_words(&format!(r"(?ix)(?:{}){ROLE_END}", ROLES.join("|"))).expect("role regex"));

/// The role of a match of [`ROLE`] is the first of [`ROLES`] that matches from its start
/// to the end, as the one its capture search would find; each starts with `\b` and a
/// word character, so it matches there as at the start of the rest of the text. The
/// first five are tried; none of them is `On`.
static ROLE_KINDS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    ROLES[..5].iter().map(|r| ascii_words(&format!(r"(?ix)^(?:{r}){ROLE_END}")).expect("role kind regex")).collect()
});

pub(crate) use super::tense::{is_future, is_past, tells_a_past_change};

fn month_num(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    let s = s.to_ascii_lowercase();
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| s.starts_with(m))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The year for a year-less day that puts it nearest the publication date.
fn nearest_year(month: u32, day: u32, published: NaiveDate) -> Option<NaiveDate> {
    [published.year() - 1, published.year(), published.year() + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .min_by_key(|d| (*d - published).num_days().abs())
}

fn weekday(s: &str) -> Option<Weekday> {
    s.parse().ok()
}

/// Where a weekday lies from its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Toward {
    /// The anchor's own weekday is the anchor ("reopens on Tuesday" in a Tuesday paper).
    OnOrAfter,
    /// The anchor's own weekday is the anchor; otherwise the one before it.
    OnOrBefore,
    /// Strictly after: "next Monday", "until Monday", "from Friday until Friday".
    After,
    /// Strictly before: "last Monday".
    Before,
}

/// The weekday nearest the anchor in the given direction.
fn resolve_weekday(w: Weekday, anchor: NaiveDate, toward: Toward) -> NaiveDate {
    let step = |d: NaiveDate| match toward {
        Toward::OnOrAfter | Toward::After => d.succ_opt().unwrap_or(d),
        Toward::OnOrBefore | Toward::Before => d.pred_opt().unwrap_or(d),
    };
    let mut d = match toward {
        Toward::After | Toward::Before => step(anchor),
        Toward::OnOrAfter | Toward::OnOrBefore => anchor,
    };
    while d.weekday() != w {
        d = step(d);
    }
    d
}

/// The role the words just before `start` give a date; `None` without a preposition.
fn role_before(text: &str, start: usize) -> Option<Role> {
    let from = text[..start].char_indices().rev().nth(30).map_or(0, |(i, _)| i);
    let m = ROLE.find(&text[from..start])?;
    let rest = &text[from + m.start()..start];
    let kind = ROLE_KINDS.iter().position(|k| k.is_match(rest));
    Some(match kind {
        Some(0) => Role::UntilAtLeast,
        Some(1) => Role::Until,
        Some(2) => Role::Since,
        Some(3) => Role::By,
        Some(4) => Role::Ignore,
        _ => Role::On,
    })
}

/// Which phrases a scan keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Those that can date a crossing's status: a weekday or a year needs a preposition
    /// ("said Monday" is when it was said), a clock time alone needs "until".
    Bound,
    /// Every phrase, as the time tagger wants them.
    Every,
}

/// Finds the date, time and duration phrases of `text` that can date a status, resolved
/// against `published`.
pub(crate) fn find(text: &str, published: NaiveDate) -> Vec<Found> {
    scan(text, published, Keep::Bound)
}

/// Finds the phrases of one sentence, resolved against `published`.
pub(crate) fn scan(text: &str, published: NaiveDate, keep: Keep) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut carried: Option<(usize, Option<Role>)> = None;
    for c in DATE.captures_iter(text) {
        let m = c.get(0).expect("match");
        let (start, mut end) = (m.start(), m.end());
        if group(&c, "rel").is_some() && in_a_name(text, start) {
            continue;
        }
        // A time read as part of the phrase before ("Friday at 9 a.m.") is not a phrase.
        if out.last().is_some_and(|p| start < p.end) {
            continue;
        }
        let role = match carried.take() {
            Some((at, role)) if text[at..start].trim_start().starts_with('(') => role,
            _ => role_before(text, start),
        };
        // "Between November 15, 2016 and May 15, 2017": the second ends the period.
        let role = match out.last() {
            Some(prev)
                if text[prev.end..start].trim() == "and"
                    && ends_with_lower(text[..prev.start].trim_end(), "between") =>
            {
                Some(Role::Until)
            }
            _ => role,
        };
        // "11 pm Tuesday - 6 am Wednesday": a dash between two dates makes them a period.
        let role = match out.last_mut() {
            Some(Found { end: prev_end, phrase: Phrase::Date(r @ (Role::On | Role::Since), _), .. })
                if matches!(text[*prev_end..start].trim(), "-" | "–" | "—") =>
            {
                *r = Role::Since;
                Some(Role::Until)
            }
            _ => role,
        };
        if let (Keep::Bound, Some(t), Some(Role::On | Role::Since)) = (keep, group(&c, "tm"), role) {
            if let Some((t, _)) = time_after(t.as_str()) {
                out.push(Found { start, end, phrase: Phrase::Time(t) });
            }
            continue;
        }
        if let Some(pair) = range(&c, text, role, published) {
            out.extend(pair);
            continue;
        }
        let g = |n: &str| group(&c, n).map(|x| x.as_str());
        let phrase = if g("fn").is_some() {
            Some(Phrase::OpenEnded)
        } else if let (Some(n), Some(u)) = (g("dn").or(g("dn2")), g("du").or(g("du2"))) {
            number(n).map(|n| Phrase::For(span(n, u)))
        } else if let Some(u) = g("du3") {
            Some(Phrase::For(span(1, u)))
        } else {
            let prev = out.iter().rev().find(|f| !matches!(f.phrase, Phrase::Time(_)));
            let ctx = Context { text, start, role, prev, published, keep };
            resolve(&c, &ctx).map(|w| Phrase::Date(role.unwrap_or(Role::On), w))
        };
        let Some(mut phrase) = phrase else { continue };
        // "Blocked since March 18": "since" looks back, whatever day is nearer.
        if let Phrase::Date(Role::Since, When::Day(d, t)) = phrase {
            let since = ends_with_lower(text[..start].trim_end(), "since");
            if since && d > published && !text[start..end].contains(&d.year().to_string()) {
                if let Some(back) = d.with_year(d.year() - 1) {
                    phrase = Phrase::Date(Role::Since, When::Day(back, t));
                }
            }
        }
        // "On Tuesday (October 14)": the date in parentheses says which day, even when
        // the two disagree; it takes the weekday's role.
        if group(&c, "wd").is_some() && APPOSITION.is_match(&text[end..]) {
            carried = Some((end, role));
            continue;
        }
        if let Phrase::Date(r, When::Day(d, None)) = phrase {
            if let Some((t, len)) = time_after(&text[end..]) {
                phrase = Phrase::Date(r, When::Day(d, Some(t)));
                end += len;
            } else if let Some(n) = NOON.captures(&text[end..]) {
                // Midnight ends the day it is told with: the next day's 00:00.
                let midnight = n[1].eq_ignore_ascii_case("midnight");
                let (day, hour) = if midnight { (d.succ_opt().unwrap_or(d), 0) } else { (d, 12) };
                phrase = Phrase::Date(r, When::Day(day, NaiveTime::from_hms_opt(hour, 0, 0)));
                end += n.get(0).map_or(0, |m| m.end());
            }
        }
        if let (Some(prev), Phrase::Date(_, when)) = (out.last_mut(), &phrase) {
            let between = text[prev.end..start].to_ascii_lowercase();
            if let (Phrase::Date(r, _), true) =
                (prev.phrase.clone(), between.contains("i.e") || between.contains("namely"))
            {
                prev.phrase = Phrase::Date(r, *when);
                prev.end = end;
                continue;
            }
        }
        out.push(Found { start, end, phrase });
    }
    out
}

/// The group of a [`DATE`] match named `name`. `Captures::name` hashes the name with
/// SipHash at every call, and a match is asked for up to thirty of them: this looks its
/// index up in a table hashed with FNV (docs/benchmarks.md).
fn group<'h>(c: &regex::Captures<'h>, name: &str) -> Option<regex::Match<'h>> {
    static INDEX: LazyLock<HashMap<&'static str, usize, BuildHasherDefault<Fnv>>> =
        LazyLock::new(|| DATE.regex().capture_names().enumerate().filter_map(|(i, n)| Some((n?, i))).collect());
    c.get(*INDEX.get(name)?)
}

/// "USA Today", "The Europe Today": a capitalized word after another is part of a name.
fn in_a_name(text: &str, start: usize) -> bool {
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    capital(&text[start..]) && text[..start].split_whitespace().next_back().is_some_and(capital)
}

/// "15 to 20 April", "April 15-20", "between 15 and 20 April": two days of one month,
/// the second ending the period the first starts.
fn range(c: &regex::Captures<'_>, text: &str, role: Option<Role>, published: NaiveDate) -> Option<[Found; 2]> {
    let pick = |a: &str, b: &str| group(c, a).or(group(c, b));
    let (first, link, second) = (pick("xa", "ya")?, pick("xc", "yc")?, pick("xb", "yb")?);
    let month = month_num(pick("xm", "ym")?.as_str());
    let year = pick("xy", "yy").map(|y| y.as_str());
    let day = |d: regex::Match<'_>| day_of(month, d.as_str().parse().ok(), year, published);
    let between = ends_with_lower(text[..c.get(0)?.start()].trim_end(), "between");
    let (from, to) = match (link.as_str(), between) {
        ("and", false) => (role.unwrap_or(Role::On), Role::On),
        (_, true) => (Role::Since, Role::Until),
        _ => (role.unwrap_or(Role::On), Role::Until),
    };
    let m = c.get(0)?;
    // In "April 15-20" the first day's phrase runs from the month to its number.
    let first_start = if group(c, "ym").is_some() { m.start() } else { first.start() };
    Some([
        Found { start: first_start, end: first.end(), phrase: Phrase::Date(from, day(first)?) },
        Found { start: second.start(), end: m.end(), phrase: Phrase::Date(to, day(second)?) },
    ])
}

/// Where a match stands: its sentence, its role, the phrase before it.
#[derive(Clone, Copy)]
struct Context<'a> {
    text: &'a str,
    start: usize,
    role: Option<Role>,
    prev: Option<&'a Found>,
    published: NaiveDate,
    keep: Keep,
}

fn resolve(c: &regex::Captures<'_>, ctx: &Context<'_>) -> Option<When> {
    let Context { text, start, role, prev, published, keep } = *ctx;
    let bound = keep == Keep::Bound;
    let g = |n: &str| group(c, n).map(|x| x.as_str());
    if let Some(iso) = g("iso") {
        return NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok().map(|d| When::Day(d, None));
    }
    if let (Some(mo), Some(d)) = (g("m1"), g("d1")) {
        return day_of(month_num(mo), d.parse().ok(), g("y1"), published);
    }
    if let (Some(d), Some(mo)) = (g("d2"), g("m2")) {
        return day_of(month_num(mo), d.parse().ok(), g("y2"), published);
    }
    if let (Some(d), Some(rm)) = (g("d4"), g("rm")) {
        let shift: i32 = match rm.rsplit(' ').next().unwrap_or(rm).to_ascii_lowercase().as_str() {
            "last" | "previous" => -1,
            "next" | "coming" => 1,
            _ => 0,
        };
        let months = published.year() * 12 + published.month0() as i32 + shift;
        let first = NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)?;
        return first.with_day(d.parse().ok()?).map(|d| When::Day(d, None));
    }
    if let (Some(mo), Some(y)) = (g("m3"), g("y3")) {
        return Some(When::Month(y.parse().ok()?, month_num(mo)?));
    }
    if let (Some(d), Some(mo), Some(y)) = (g("ea"), g("eb"), g("ec")) {
        return day_of(mo.parse().ok(), d.parse().ok(), Some(y), published);
    }
    if let (Some(d), Some(mo)) = (g("da"), g("db")) {
        // "15.04." is a day only after a preposition: "grew 10.50." is a number.
        return role.and_then(|_| day_of(mo.parse().ok(), d.parse().ok(), None, published));
    }
    if let (Some(a), Some(b)) = (g("na"), g("nb")) {
        return numeric(a, b, g("nc"), published);
    }
    if let Some(w) = g("wd") {
        // A bare weekday ("said Monday") or one in parentheses after a date is not a date
        // of the event.
        let which = g("wn").map(str::to_ascii_lowercase);
        // A time of day makes it the time of an event: "11 pm Tuesday".
        let bare = role.is_none() && which.is_none() && g("tb").is_none();
        if bound && (bare || text[..start].trim_end().ends_with('(')) {
            return None;
        }
        // "until Monday" after "from Friday" or "on Friday" is the Monday after that day;
        // so is "the next Monday" after any day.
        let anaphoric = which.as_deref().is_some_and(|w| w.starts_with("the"));
        let since = match prev {
            Some(Found { phrase: Phrase::Date(Role::Since | Role::On, w), .. }) if role == Some(Role::Until) => {
                Some(w.day())
            }
            Some(Found { phrase: Phrase::Date(_, w), .. }) if anaphoric => Some(w.day()),
            _ => None,
        };
        // An end named by a weekday alone ("closed until Monday") lies ahead of the
        // report, as does "next Monday"; the report's own weekday is the report's day
        // unless "next" or "last" moves it a week.
        let toward = match which.as_deref().map(|w| w.rsplit(' ').next().unwrap_or(w)) {
            Some("next" | "following" | "coming") => Toward::After,
            Some("last" | "past") => Toward::Before,
            // "Was closed until 1.45pm on Sunday" in a Sunday paper ended that day.
            _ if since.is_none() && role == Some(Role::Until) && is_past(&text[..start]) => Toward::OnOrAfter,
            _ if since.is_some() || matches!(role, Some(Role::Until | Role::UntilAtLeast)) => Toward::After,
            _ if is_future(&text[..start]) => Toward::OnOrAfter,
            // "Open for three days starting Saturday": a start told in a sentence with no
            // past tense is ahead; "closed since Saturday" looks back.
            _ if role == Some(Role::Since)
                && !ends_with_lower(text[..start].trim_end(), "since")
                && !tells_a_past_change(text)
                && !COMMA_DATE.is_match(&text[c.get(0).map_or(start, |m| m.end())..]) =>
            {
                Toward::OnOrAfter
            }
            _ => Toward::OnOrBefore,
        };
        let day = resolve_weekday(weekday(w)?, since.unwrap_or(published), toward);
        let time = match g("tb").map(str::to_ascii_lowercase).as_deref() {
            Some("noon" | "midday") => NaiveTime::from_hms_opt(12, 0, 0),
            _ => g("tb").and_then(time_after).map(|(t, _)| t),
        };
        return Some(When::Day(day, time));
    }
    if let Some(mo) = g("em") {
        // "Until the end of March": its last day, in the year nearest the report.
        let month = month_num(mo)?;
        let year = match g("ey") {
            Some(y) => y.parse().ok()?,
            None => nearest_year(month, 1, published)?.year(),
        };
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        return (first + Months::new(1)).pred_opt().map(|d| When::Day(d, None));
    }
    if let Some(eo) = g("eo") {
        let eo = eo.to_ascii_lowercase();
        let next = i32::from(eo.starts_with("next"));
        if eo.ends_with("year") {
            return NaiveDate::from_ymd_opt(published.year() + next, 12, 31).map(|d| When::Day(d, None));
        }
        // "Until the end of 2025" ends on its last day; TimeML gives the year.
        if let Ok(year) = eo.parse() {
            return if bound {
                NaiveDate::from_ymd_opt(year, 12, 31).map(|d| When::Day(d, None))
            } else {
                Some(When::Year(year))
            };
        }
        let first = published.with_day(1)? + Months::new(1 + next.unsigned_abs());
        return first.pred_opt().map(|d| When::Day(d, None));
    }
    if let Some(r) = g("rel") {
        // "This morning" is a part of the day in TimeML (the tagger's own form); for a
        // status it is the day.
        if !bound && r.starts_with(['t', 'T']) && r.contains(' ') {
            return None;
        }
        return relative_day(r, published).map(|d| When::Day(d, None));
    }
    if let Some(t) = g("tt") {
        // A time before its day: "6.00 pm (April 17)", "09:10 Moscow time on December 15".
        let day = match (g("tm1").or(g("tm2")), g("td1").or(g("td2")), g("trel")) {
            (Some(mo), Some(d), _) => day_of(month_num(mo), d.parse().ok(), g("ty1").or(g("ty2")), published)?.day(),
            (_, _, Some(r)) => relative_day(r, published)?,
            _ => return None,
        };
        return Some(When::Day(day, Some(time_after(t)?.0)));
    }
    if let Some(t) = g("tm") {
        // "until 10.00 pm": the end of the day the sentence is about.
        // Not "from 8 am to 11.30 pm": hours of the day, not an end.
        let before = text[..start].trim_end();
        if bound
            && (!matches!(role, Some(Role::Until | Role::UntilAtLeast))
                || !(ends_with_lower(before, "until") || ends_with_lower(before, "till")))
        {
            return None;
        }
        let day = match prev {
            Some(Found { phrase: Phrase::Date(_, w), .. }) => w.day(),
            _ => published,
        };
        return Some(When::Day(day, Some(time_after(t)?.0)));
    }
    if let Some(y) = g("yo") {
        // "Close to 2000 trucks": a number of things, not a year.
        if bound && counts_things(&text[start + y.len()..]) {
            return None;
        }
        if !bound || matches!(role, Some(Role::Since | Role::Until | Role::UntilAtLeast | Role::On)) {
            return Some(When::Year(y.parse().ok()?));
        }
    }
    None
}

/// True when the word after a number is a plural noun: "2000 trucks", "1500 people".
fn counts_things(rest: &str) -> bool {
    const NOT_NOUNS: &[&str] =
        &["was", "has", "is", "as", "this", "thus", "plus", "across", "unless", "whereas", "besides"];
    let word = rest.strip_prefix(' ').unwrap_or("").split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    let plural = word.len() > 3 && word.ends_with('s') && word.bytes().all(|b| b.is_ascii_lowercase());
    (plural && !NOT_NOUNS.contains(&word)) || ["people", "vehicles", "men", "women", "children"].contains(&word)
}

/// `today`, `tomorrow`, `yesterday`, `tonight`, `this morning`.
fn relative_day(word: &str, published: NaiveDate) -> Option<NaiveDate> {
    match word.to_ascii_lowercase().as_str() {
        "tomorrow" => published.succ_opt(),
        "yesterday" => published.pred_opt(),
        _ => Some(published),
    }
}

/// A time of day right after a date: `from 07.00 am`, `at 4 pm`, `06:00`.
fn time_after(rest: &str) -> Option<(NaiveTime, usize)> {
    let t = TIME.captures(rest)?;
    // Without "am" or "hrs", a time needs "at"/"from" or a colon: "15/04, 15.04." is a
    // second date, not a quarter past three.
    let marked = t.name("pre").is_some() || t.name("sep").is_some_and(|x| matches!(x.as_str(), ":" | "h"));
    if t.name("ap").is_none() && (t.name("m").is_none() || !marked) {
        return None;
    }
    let h: u32 = t["h"].parse().ok()?;
    let min: u32 = t.name("m").map_or(Some(0), |x| x.as_str().parse().ok())?;
    let ap = t.name("ap").map(|x| x.as_str().to_ascii_lowercase());
    // 12 a.m. is midnight, 12 p.m. noon.
    let h = match ap.as_deref().and_then(|a| a.chars().next()) {
        Some('p') if h < 12 => h + 12,
        Some('a') if h == 12 => 0,
        _ => h,
    };
    Some((NaiveTime::from_hms_opt(h, min, 0)?, t.get(0)?.as_str().trim_end().len()))
}

fn day_of(month: Option<u32>, day: Option<u32>, year: Option<&str>, published: NaiveDate) -> Option<When> {
    let (month, day) = (month?, day?);
    let d = match year.and_then(|y| y.parse().ok()) {
        Some(y) => NaiveDate::from_ymd_opt(y, month, day),
        None => nearest_year(month, day, published),
    };
    d.map(|d| When::Day(d, None))
}

/// `09/11`: day/month or month/day, whichever lands nearer the publication date.
fn numeric(a: &str, b: &str, y: Option<&str>, published: NaiveDate) -> Option<When> {
    let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    // A two-digit year is the one of its century nearest the publication: `10/27/89`.
    let year = y.and_then(|y| y.parse::<i32>().ok()).map(|y| match y {
        100.. => y,
        _ if 2000 + y > published.year() + 20 => 1900 + y,
        _ => 2000 + y,
    });
    let pick = |month: u32, day: u32| match year {
        Some(y) => NaiveDate::from_ymd_opt(y, month, day),
        None => nearest_year(month, day, published),
    };
    [pick(b, a), pick(a, b)]
        .into_iter()
        .flatten()
        .min_by_key(|d| (*d - published).num_days().abs())
        .map(|d| When::Day(d, None))
}
