//! A sink's filters: `crossings`, `routes` and `min_severity` on any `[[sink]]`, so a
//! trader's desktop shows only their routes while the ops webhook gets everything.
//! Crossings are gazetteer ids (or names and aliases, as in `[[route]]`), routes are
//! route ids or names; an unknown one is a config problem.

use std::collections::BTreeSet;

use super::read::{Ctx, Table};
use super::RouteConfig;
use crate::gazetteer::Gazetteer;
use crate::model::{Alert, Severity};

/// Which alerts a sink gets. Without `crossings` and `routes` every crossing and route
/// passes; with either, an alert about a crossing passes when it is one of the named
/// crossings or on a named route, and a route alert when it is about a named route or a
/// route through a named crossing. Feed alerts (`feed_failing`, `feed_recovered`,
/// `feed_suspect`, `feed_shape_accepted`) name no crossing and always pass: the sink
/// cannot tell whether the feed is the one that reports its crossings (it may never have
/// had a good poll), and a silent sink whose only feed has gone blind is worse than one
/// message per episode. `min_severity` holds back what is less severe, except resolved
/// alerts: a sink that got an incident's start always gets its end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkFilter {
    /// Crossing ids that pass: those named and those of the routes named (with no
    /// crossings and no routes, every crossing and route passes).
    pub crossings: BTreeSet<String>,
    /// Route ids that pass: those named and those through a crossing named.
    pub routes: BTreeSet<String>,
    /// The least severity that passes (default `info`: all).
    pub min_severity: Option<Severity>,
}

impl SinkFilter {
    /// True when the sink gets `a`.
    #[must_use]
    pub fn passes(&self, a: &Alert) -> bool {
        let severe = a.resolved || self.min_severity.is_none_or(|m| a.severity >= m);
        let scoped = !self.crossings.is_empty() || !self.routes.is_empty();
        let about = match (&a.route, &a.crossing) {
            _ if !scoped => true,
            (Some(r), _) => self.routes.contains(r),
            (None, Some(c)) => self.crossings.contains(c),
            (None, None) => true,
        };
        severe && about
    }
}

/// Reads a sink table's `crossings`, `routes` and `min_severity`; `None` when it has
/// none of them (or after reporting a problem).
pub(super) fn filter(
    ctx: &mut Ctx<'_>,
    t: &mut Table<'_, '_>,
    gazetteer: &Gazetteer,
    routes: &[RouteConfig],
) -> Option<SinkFilter> {
    let crossings = t.str_list(ctx, "crossings");
    let named_routes = t.str_list(ctx, "routes");
    let min = t.str(ctx, "min_severity");
    let mut f = SinkFilter::default();
    let mut ok = true;
    let mut problem = |ctx: &mut Ctx<'_>, span: &std::ops::Range<usize>, key: &str, m: String| {
        ctx.problem(span, &t.key(key), m);
        ok = false;
    };
    for (key, list) in [("crossings", &crossings), ("routes", &named_routes)] {
        if list.as_ref().is_some_and(Vec::is_empty) {
            problem(ctx, &t.span(), key, format!("names nothing (leave `{key}` out to pass every one)"));
        }
    }
    for (c, span) in crossings.iter().flatten() {
        match gazetteer.lookup(c) {
            Some(k) => {
                f.crossings.insert(k.id.clone());
                f.routes.extend(routes.iter().filter(|r| r.crossings.contains(&k.id)).map(|r| r.id.clone()));
            }
            None => {
                problem(ctx, span, "crossings", format!("`{c}` is not a known crossing (add it as a [[crossing]])"))
            }
        }
    }
    for (name, span) in named_routes.iter().flatten() {
        match routes.iter().find(|r| &r.id == name).or_else(|| routes.iter().find(|r| &r.name == name)) {
            Some(r) => {
                f.routes.insert(r.id.clone());
                f.crossings.extend(r.crossings.iter().cloned());
            }
            None => {
                let known: Vec<&str> = routes.iter().map(|r| r.id.as_str()).collect();
                let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
                problem(ctx, span, "routes", format!("`{name}` is not a [[route]] id or name (known: {known})"));
            }
        }
    }
    if let Some((m, span)) = min {
        match m.as_str() {
            "info" => f.min_severity = Some(Severity::Info),
            "warning" => f.min_severity = Some(Severity::Warning),
            "critical" => f.min_severity = Some(Severity::Critical),
            other => {
                problem(ctx, &span, "min_severity", format!("`{other}` is not a severity (info, warning or critical)"))
            }
        }
    }
    (ok && f != SinkFilter::default()).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::SinkFilter;
    use crate::model::{Alert, AlertKind, Severity};

    fn alert(crossing: Option<&str>, route: Option<&str>, severity: Severity) -> Alert {
        serde_json::from_value(serde_json::json!({
            "alert": "status_changed", "severity": severity, "crossing": crossing, "route": route, "key": "k",
            "at": "2025-07-01T00:00:00Z", "late": false, "message": "m", "record": null, "previous": null
        }))
        .unwrap()
    }

    #[test]
    fn a_scoped_filter_passes_its_crossings_its_routes_and_feed_alerts() {
        let f = SinkFilter {
            crossings: ["torkham".to_string()].into(),
            routes: ["khi-kbl".to_string()].into(),
            min_severity: Some(Severity::Warning),
        };
        assert!(f.passes(&alert(Some("torkham"), None, Severity::Critical)));
        assert!(!f.passes(&alert(Some("chaman"), None, Severity::Critical)), "another crossing");
        assert!(f.passes(&alert(None, Some("khi-kbl"), Severity::Critical)));
        assert!(!f.passes(&alert(None, Some("other"), Severity::Critical)), "another route");
        let mut feed = alert(None, None, Severity::Warning);
        feed.alert = AlertKind::FeedFailing;
        assert!(f.passes(&feed), "feed alerts pass");
        assert!(!f.passes(&alert(Some("torkham"), None, Severity::Info)), "below min_severity");
        let mut reopened = alert(Some("torkham"), None, Severity::Info);
        reopened.resolved = true;
        assert!(f.passes(&reopened), "the end of an incident passes whatever its severity");
        assert!(SinkFilter::default().passes(&alert(Some("chaman"), None, Severity::Info)), "no filter");
    }
}
