//! `[[watch]]`: thresholds on the numbers feeds carry (wait times, queue lengths), read
//! into [`WatchConfig`]s. Levels of `wait.*` fields are durations (`"3h"`, `"90m"`), of
//! other fields plain numbers; every problem is reported with its line.

use std::ops::Range;

use chrono::Duration;

use super::read::{Ctx, Table};
use super::{FeedConfig, RouteConfig};
use crate::gazetteer::{slug, Gazetteer};
use crate::spec::{is_wait, VALUE_FIELDS};
use crate::timeutil::parse_duration;

/// Which way a threshold is crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `above`: the value rising past the level.
    Above,
    /// `below`: the value falling past the level.
    Below,
}

impl Direction {
    /// The config spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
        }
    }
}

/// Which crossings a watch looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// `crossings = [ids]`.
    Crossings(Vec<String>),
    /// `route = "id"`: the route's crossings.
    Route {
        /// The route id.
        id: String,
        /// Its crossings.
        crossings: Vec<String>,
    },
    /// `feed = "id"`: every crossing the feed reports.
    Feed(String),
}

impl Select {
    /// True when the watch looks at `crossing` as reported by `feed`.
    #[must_use]
    pub fn matches(&self, feed: &str, crossing: &str) -> bool {
        match self {
            Select::Crossings(ids) | Select::Route { crossings: ids, .. } => ids.iter().any(|c| c == crossing),
            Select::Feed(f) => f == feed,
        }
    }
}

/// One `[[watch]]`: alerts `threshold_crossed` once the value of `field` has been past
/// `level` for `hold`, and `threshold_cleared` once it is back to `clear`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchConfig {
    /// Names the watch in the state and in alert keys (`id`, default
    /// `field:above:level` as written).
    pub id: String,
    /// The crossings it looks at.
    pub select: Select,
    /// The value field (`wait.commercial`, `queue.trucks`, …).
    pub field: String,
    /// `above` or `below`.
    pub direction: Direction,
    /// The trigger level (minutes for `wait.*` fields).
    pub level: i64,
    /// The level at which a firing watch clears (default: `level`).
    pub clear: i64,
    /// How long the value must stay past `level` before the watch fires (`for`, default 0).
    pub hold: Duration,
}

impl WatchConfig {
    /// True when `value` is past the trigger level.
    #[must_use]
    pub fn triggered(&self, value: i64) -> bool {
        match self.direction {
            Direction::Above => value > self.level,
            Direction::Below => value < self.level,
        }
    }

    /// True when `value` is back at or beyond the clear level.
    #[must_use]
    pub fn cleared(&self, value: i64) -> bool {
        match self.direction {
            Direction::Above => value <= self.clear,
            Direction::Below => value >= self.clear,
        }
    }
}

/// A level as written for `field`: a duration for wait fields (in minutes), else a whole
/// number. Without a known field the level is only taken as read.
fn level(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, key: &str, field: Option<&str>) -> Option<i64> {
    let Some(field) = field else {
        t.has(key);
        return None;
    };
    let (v, span) = t.str_or_number(ctx, key)?;
    let level = match (is_wait(field), v) {
        (true, Ok(s)) => minutes(&s),
        (true, Err(n)) => Err(format!("{field} is a wait: give a duration such as \"90m\" or \"3h\", not {n}")),
        (false, Err(n)) if n.fract() == 0.0 && (0.0..1e15).contains(&n) =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Ok(n as i64)
        }
        (false, Err(n)) => Err(format!("`{n}` is not a whole number of at least 0")),
        (false, Ok(s)) => Err(format!("{field} is a count: give a number such as 500, not \"{s}\"")),
    };
    level.map_err(|e| ctx.problem(&span, &t.key(key), e)).ok()
}

/// A wait level such as `3h` or `90m`, in whole minutes.
fn minutes(s: &str) -> Result<i64, String> {
    let d = parse_duration(s)?;
    if d.num_seconds() % 60 != 0 {
        return Err(format!("`{s}` is not a whole number of minutes (like 90m or 3h)"));
    }
    Ok(d.num_minutes())
}

pub(super) fn watches(
    ctx: &mut Ctx<'_>,
    root: &mut Table<'_, '_>,
    gazetteer: &Gazetteer,
    feeds: &[FeedConfig],
    routes: &[RouteConfig],
) -> Vec<WatchConfig> {
    let mut out: Vec<WatchConfig> = Vec::new();
    for mut t in root.tables(ctx, "watch") {
        let id = t.str(ctx, "id");
        let field = t.req_str(ctx, "field");
        let known = field.as_ref().filter(|(f, _)| VALUE_FIELDS.contains(&f.as_str())).map(|(f, _)| f.clone());
        let known = known.as_deref();
        if let (Some((f, span)), None) = (&field, known) {
            ctx.problem(span, &t.key("field"), format!("unknown field `{f}` (known: {})", VALUE_FIELDS.join(", ")));
        }
        let select = select(ctx, &mut t, gazetteer, feeds, routes);
        let (above_given, below_given) = (t.has("above"), t.has("below"));
        let direction = match (above_given, below_given) {
            (true, false) => Some(Direction::Above),
            (false, true) => Some(Direction::Below),
            (true, true) => {
                ctx.problem(&t.span(), &t.key("below"), "give `above` or `below`, not both");
                None
            }
            (false, false) => {
                ctx.problem(&t.span(), &t.key("above"), "a watch needs `above` or `below`");
                None
            }
        };
        let trigger = direction.and_then(|d| level(ctx, &mut t, d.as_str(), known).map(|l| (d, l)));
        let clear_span = t.span_of("clear");
        let clear = level(ctx, &mut t, "clear", known);
        let hold = match t.str(ctx, "for") {
            Some((s, span)) => parse_duration(&s).map_err(|e| ctx.problem(&span, &t.key("for"), e)).ok(),
            None => Some(Duration::zero()),
        };
        t.finish(ctx);
        let Some((direction, level)) = trigger else { continue };
        let clear = clear.unwrap_or(level);
        let wrong_side = match direction {
            Direction::Above => clear > level,
            Direction::Below => clear < level,
        };
        if wrong_side {
            let side = if direction == Direction::Above { "at or below" } else { "at or above" };
            let span = clear_span.unwrap_or_else(|| t.span());
            ctx.problem(&span, &t.key("clear"), format!("must be {side} the `{}` level", direction.as_str()));
            continue;
        }
        let (Some((field, _)), Some(_), Some(select), Some(hold)) = (field.clone(), known, select, hold) else {
            continue;
        };
        let id = id.map_or_else(|| format!("{field}:{}:{level}", direction.as_str()), |(id, _)| id);
        if out.iter().any(|w| w.id == id) {
            ctx.problem(&t.span(), &t.key("id"), format!("duplicate watch id `{id}` (give each watch its own `id`)"));
            continue;
        }
        out.push(WatchConfig { id, select, field, direction, level, clear, hold });
    }
    out
}

/// The one selector of a watch: `crossings`, `route` or `feed`.
fn select(
    ctx: &mut Ctx<'_>,
    t: &mut Table<'_, '_>,
    gazetteer: &Gazetteer,
    feeds: &[FeedConfig],
    routes: &[RouteConfig],
) -> Option<Select> {
    let crossings = t.str_list(ctx, "crossings");
    let route = t.str(ctx, "route");
    let feed = t.str(ctx, "feed");
    let given = usize::from(crossings.is_some()) + usize::from(route.is_some()) + usize::from(feed.is_some());
    if given != 1 {
        let message = if given == 0 { "a watch needs one of" } else { "give only one of" };
        ctx.problem(&t.span(), &t.key("crossings"), format!("{message} `crossings`, `route` or `feed`"));
        return None;
    }
    let unknown = |ctx: &mut Ctx<'_>, span: &Range<usize>, key: &str, what: String| {
        ctx.problem(span, &t.key(key), what);
        None
    };
    if let Some(list) = crossings {
        // Feed-made ids (`cbp-250601-otay-mesa`) are not in the gazetteer: taken as written.
        let ids: Vec<String> =
            list.iter().map(|(c, _)| gazetteer.lookup(c).map_or_else(|| slug(c), |k| k.id.clone())).collect();
        if ids.is_empty() {
            return unknown(ctx, &t.span(), "crossings", "name at least one crossing".into());
        }
        return Some(Select::Crossings(ids));
    }
    if let Some((r, span)) = route {
        return match routes.iter().find(|x| x.id == r) {
            Some(x) => Some(Select::Route { id: x.id.clone(), crossings: x.crossings.clone() }),
            None => unknown(ctx, &span, "route", format!("`{r}` is not a [[route]] id")),
        };
    }
    let (f, span) = feed?;
    if feeds.iter().any(|x| x.id == f) {
        Some(Select::Feed(f))
    } else {
        unknown(ctx, &span, "feed", format!("`{f}` is not a [[feed]] id"))
    }
}
