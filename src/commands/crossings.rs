//! `crossings`: the known crossings (built-in and configured), filtered by country and
//! by name.

use super::args::CrossingsArgs;
use super::input::gazetteer;
use super::table::table;
use super::{CommandError, Outcome, Reply};
use crate::gazetteer::{fold, Gazetteer};
use crate::model::Crossing;

/// The crossings on `country`'s borders whose names contain `name` (folded), as table
/// rows under a header: id, name, countries, kind, zone.
#[must_use]
pub fn crossings(g: &Gazetteer, country: Option<&str>, name: Option<&str>) -> Vec<Vec<String>> {
    let want = name.map(fold);
    let mut rows = vec![vec!["ID".into(), "NAME".into(), "COUNTRIES".into(), "KIND".into(), "ZONE".into()]];
    let mut found: Vec<&Crossing> = g
        .iter()
        .filter(|c| country.is_none_or(|cc| c.countries.iter().any(|k| k.eq_ignore_ascii_case(cc))))
        .filter(|c| {
            want.as_deref()
                .is_none_or(|w| std::iter::once(&c.id).chain([&c.name]).chain(&c.aliases).any(|n| fold(n).contains(w)))
        })
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    for c in found {
        let kind = g.row(&c.id).map_or_else(|| "configured".to_string(), |r| r.kind.join(","));
        rows.push(vec![c.id.clone(), c.name.clone(), c.countries.join(" "), kind, c.tz.name().to_string()]);
    }
    rows
}

/// `borderwatch crossings`: the matching crossings as a table; none matching is its own
/// outcome.
///
/// # Errors
/// A [`CommandError`] for a bad config.
pub fn run(args: &CrossingsArgs) -> Result<Reply, CommandError> {
    let rows = crossings(&gazetteer(&args.config)?, args.country.as_deref(), args.name.as_deref());
    let outcome = if rows.len() > 1 { Outcome::Done } else { Outcome::NothingFound };
    Ok(Reply::new(table(&rows), outcome))
}
