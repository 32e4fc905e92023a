//! One crossing (`GET /crossing/{id}`): a timeline of its status over the last 90 days
//! drawn on the server as SVG (one band per stored change, the expiry and the ladder
//! steps marked), every source's current record, and the change log.

use chrono::{DateTime, Duration, Utc};
use maud::{html, Markup};

use super::data::CrossingView;
use super::parts::{badge, evidence, page, since_cell, source_cell, until_cells, warning, Mode};
use super::words::local;
use crate::model::{format_instant, Record};
use crate::store::HistoryRow;
use crate::timeutil::format_duration;

/// How far back the timeline reaches.
pub const TIMELINE_DAYS: i64 = 90;
/// How far ahead of now it reaches, so a near expiry and its steps show.
const AHEAD_DAYS: i64 = 14;
const WIDTH: f64 = 1000.0;
const LEFT: f64 = 10.0;
const RIGHT: f64 = 990.0;

/// One band of the timeline: what a change said, from its instant to the next change's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// Where the band starts (the change's instant, or the window's start).
    pub from: DateTime<Utc>,
    /// Where it ends (the next change, or now).
    pub to: DateTime<Utc>,
    /// The status after the change, or `None` when the crossing was removed.
    pub record: Option<Record>,
    /// The feed that reported the change.
    pub feed: String,
}

/// The bands of `history` (oldest first) that reach into the window ending at `now`.
#[must_use]
pub fn bands(history: &[HistoryRow], now: DateTime<Utc>) -> Vec<Band> {
    let start = now - Duration::days(TIMELINE_DAYS);
    let at = |h: &HistoryRow| DateTime::parse_from_rfc3339(&h.at).map(|t| t.with_timezone(&Utc)).ok();
    let mut out = Vec::new();
    for (i, h) in history.iter().enumerate() {
        let Some(from) = at(h) else { continue };
        let to = history[i + 1..].iter().find_map(at).unwrap_or(now).min(now);
        if to <= start || from >= now {
            continue;
        }
        out.push(Band { from: from.max(start), to, record: h.current.clone(), feed: h.feed.clone() });
    }
    out
}

fn x(t: DateTime<Utc>, start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
    let span = (end - start).num_seconds().max(1) as f64;
    LEFT + (t - start).num_seconds() as f64 / span * (RIGHT - LEFT)
}

/// The timeline as inline SVG.
fn timeline(v: &CrossingView) -> Markup {
    let now = v.now;
    let (start, end) = (now - Duration::days(TIMELINE_DAYS), now + Duration::days(AHEAD_DAYS));
    let bands = bands(&v.history, now);
    let expiry = v.row.records.first().and_then(|(r, _)| r.expires_at).filter(|e| *e > start && *e < end);
    let steps: Vec<(Duration, DateTime<Utc>)> = expiry
        .map(|e| v.leads.iter().map(|l| (*l, e - *l)).filter(|(_, t)| *t > start && *t < end).collect())
        .unwrap_or_default();
    html! {
        svg.timeline viewBox={ "0 0 " (WIDTH) " 100" } role="img" aria-labelledby="tl-title" {
            title #tl-title { "Status of " (v.row.name) " over the last " (TIMELINE_DAYS) " days" }
            rect.track x=(LEFT) y="24" width=(RIGHT - LEFT) height="32" {}
            g.bands {
                @for b in &bands {
                    @let (x0, x1) = (x(b.from, start, end), x(b.to, start, end));
                    @let status = b.record.as_ref().map_or("removed", |r| r.status.as_str());
                    rect class={ "band s-" (status) } x=(format!("{x0:.1}")) y="24" width=(format!("{:.1}", (x1 - x0).max(1.0)))
                        height="32" data-status=(status) data-from=(format_instant(&b.from)) data-feed=(b.feed) {
                        title { (status) " from " (format_instant(&b.from)) " to " (format_instant(&b.to)) " (" (b.feed) ")" }
                    }
                }
            }
            @for d in (0..TIMELINE_DAYS).step_by(30) {
                @let at = x(start + Duration::days(d), start, end);
                line.tick x1=(format!("{at:.1}")) x2=(format!("{at:.1}")) y1="56" y2="62" {}
                text.label x=(format!("{at:.1}")) y="76" text-anchor=(if d == 0 { "start" } else { "middle" }) {
                    "−" (TIMELINE_DAYS - d) " d"
                }
            }
            @let xn = format!("{:.1}", x(now, start, end));
            line.now x1=(xn) x2=(xn) y1="14" y2="66" {}
            text.label x=(xn) y="10" text-anchor="middle" { "now" }
            @for (lead, t) in &steps {
                @let xs = format!("{:.1}", x(*t, start, end));
                line.step x1=(xs) x2=(xs) y1="20" y2="60" data-lead=(format_duration(*lead)) {}
                text.label x=(xs) y="92" text-anchor="middle" { (format_duration(*lead)) }
            }
            @if let Some(e) = expiry {
                @let xe = format!("{:.1}", x(e, start, end));
                line.expiry x1=(xe) x2=(xe) y1="14" y2="66" data-expires=(format_instant(&e)) {}
                text.label x=(xe) y="10" text-anchor="middle" { "expires" }
            }
        }
    }
}

fn short(r: Option<&Record>) -> Markup {
    html! {
        @if let Some(r) = r {
            (badge(r.status))
            @if let Some(u) = &r.until { " until " (u) }
            @if let Some(s) = &r.scope { " " small dir="auto" { "(" (s) ")" } }
        } @else { "—" }
    }
}

/// The crossing's page.
#[must_use]
pub fn crossing(v: &CrossingView) -> String {
    let zone = v.row.records.first().and_then(|(r, _)| r.tz.parse().ok()).unwrap_or(chrono_tz::UTC);
    let body = html! {
        header {
            p { a href="/" { "← all crossings" } }
            h1 { bdi { (v.row.name) } }
            p.asof { "As of " (local(v.now, zone)) " " (zone.name()) }
        }
        main #crossing data-crossing=(v.row.crossing) {
            section aria-labelledby="tl-h" {
                h2 #tl-h { "The last " (TIMELINE_DAYS) " days" }
                (timeline(v))
                p.legend {
                    @for s in [crate::model::Status::Open, crate::model::Status::Restricted, crate::model::Status::Closed] { (badge(s)) " " }
                    "│ now, expiry and alert steps are marked; hover a band for its dates."
                }
            }
            section aria-labelledby="src-h" {
                h2 #src-h { "What each source says" }
                @if v.row.disagree() { p.disagree { (warning()) " The sources disagree." } }
                @if v.row.records.is_empty() { p.empty { "No source reports this crossing now." } } @else {
                    table.crossings {
                        thead { tr {
                            th scope="col" { "Source" } th scope="col" { "Status" } th scope="col" { "Since" }
                            th scope="col" { "Until" } th scope="col" { "Time left" } th scope="col" { "Observed" }
                        } }
                        tbody {
                            @for (r, first) in &v.row.records {
                                tr.record data-source=(r.source) {
                                    th scope="row" { bdi { (r.source) } }
                                    td { (badge(r.status)) @if let Some(s) = &r.scope { br; small dir="auto" { (s) } } (evidence(r)) }
                                    (since_cell(r, *first, v.now))
                                    (until_cells(r, &v.leads, v.now))
                                    (source_cell(r, v.now))
                                }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="hist-h" {
                h2 #hist-h { "Changes" }
                @if v.history.is_empty() { p.empty { "No changes stored." } } @else {
                    table.history {
                        thead { tr { th scope="col" { "When" } th scope="col" { "Feed" } th scope="col" { "Change" } th scope="col" { "Before" } th scope="col" { "After" } } }
                        tbody {
                            @for h in v.history.iter().rev() {
                                tr.change data-id=(h.id) {
                                    td { (h.at) } td { (h.feed) } td { (h.change.replace('_', " ")) }
                                    td { (short(h.previous.as_ref())) } td { (short(h.current.as_ref())) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&format!("{} — borderwatch", v.row.name), Mode::Served, &v.version, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, at: &str, status: Option<&str>) -> HistoryRow {
        let record = status.map(|s| {
            serde_json::from_value(serde_json::json!({
                "crossing": "torkham", "name": "Torkham", "countries": [], "status": s, "scope": null,
                "since": null, "until": null, "expires_at": null, "tz": "UTC", "source": "f",
                "observed_at": at, "evidence": null
            }))
            .unwrap()
        });
        HistoryRow {
            id,
            at: at.into(),
            feed: "f".into(),
            crossing: "torkham".into(),
            change: "x".into(),
            previous: None,
            current: record,
        }
    }

    #[test]
    fn bands_follow_the_changes_and_clip_to_the_window() {
        let now = DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z").unwrap().with_timezone(&Utc);
        let h = [
            row(1, "2024-01-01T00:00:00Z", Some("open")),
            row(2, "2025-01-01T00:00:00Z", Some("closed")),
            row(3, "2025-05-01T00:00:00Z", None),
            row(4, "2025-05-20T00:00:00Z", Some("open")),
        ];
        let b = bands(&h, now);
        let statuses: Vec<_> = b.iter().map(|b| b.record.as_ref().map(|r| r.status.as_str())).collect();
        assert_eq!(statuses, [Some("closed"), None, Some("open")], "the band that ended before the window is left out");
        assert_eq!(b[0].from, now - Duration::days(TIMELINE_DAYS));
        assert_eq!(b[2].to, now);
    }
}
