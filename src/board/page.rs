//! The board (`GET /` and `borderwatch board`): the feed-health strip, one section per
//! route and one for the other crossings, and the latest alerts.

use maud::{html, Markup};

use super::data::{Board, FeedRow, FeedState, Row};
use super::parts::{badge, evidence, page, segment, since_cell, source_cell, until_cells, warning, Mode};
use super::words::{ago, local};
use crate::model::Severity;

/// The board as one HTML page.
#[must_use]
pub fn board(b: &Board, mode: Mode) -> String {
    let body = html! {
        header {
            h1 { "Border crossings" }
        }
        main #board {
            p.asof {
                "As of " time datetime=(crate::model::format_instant(&b.now)) { (local(b.now, b.zone)) } " " (b.zone.name())
                @if mode == Mode::Served { " " span.live {} }
            }
            (feeds(b))
            @for s in &b.sections {
                section.route {
                    h2 { (s.title) }
                    @if s.rows.is_empty() { p.empty { "No crossings reported yet." } } @else {
                        table.crossings {
                            thead { tr {
                                th scope="col" { "Crossing" } th scope="col" { "Status" } th scope="col" { "Since" }
                                th scope="col" { "Until" } th scope="col" { "Time left" } th scope="col" { "Source" }
                            } }
                            tbody { @for r in &s.rows { (row(b, r, mode)) } }
                        }
                    }
                }
            }
            (alerts(b))
        }
        @if mode == Mode::Served {
            footer { a href="/calendar.ics" { "Calendar of expiries (.ics)" } " · " a href="/api/status" { "records (JSON)" } }
        }
    };
    page("borderwatch — border crossings", mode, &b.version, body)
}

fn row(b: &Board, r: &Row, mode: Mode) -> Markup {
    let disagree = r.disagree();
    let name = html! {
        @if mode == Mode::Served { a href={ "/crossing/" (segment(&r.crossing)) } { bdi { (r.name) } } } @else { bdi { (r.name) } }
    };
    html! {
        @match r.records.first() {
            None => tr.crossing data-crossing=(r.crossing) {
                th scope="row" { (name) }
                td { (badge(crate::model::Status::Unknown)) br; small { "no source reports it" } }
                td {} td {} td {} td {}
            },
            Some((rec, first)) => tr.crossing data-crossing=(r.crossing) data-status=(rec.status.as_str()) {
                th scope="row" {
                    (name)
                    @if disagree {
                        br;
                        span.disagree { (warning()) " sources disagree" }
                    }
                }
                td.status {
                    (badge(rec.status))
                    @if let Some(s) = &rec.scope { br; small.scope dir="auto" { (s) } }
                    @if disagree {
                        ul.others { @for (o, _) in &r.records[1..] { li { (badge(o.status)) " " bdi { (o.source) } } } }
                    }
                    (evidence(rec))
                }
                (since_cell(rec, *first, b.now))
                (until_cells(rec, &b.leads, b.now))
                (source_cell(rec, b.now))
            },
        }
    }
}

fn feed_word(s: FeedState) -> &'static str {
    match s {
        FeedState::Up => "up",
        FeedState::Failing => "failing",
        FeedState::Stale => "stale",
        FeedState::Waiting => "waiting",
    }
}

fn feeds(b: &Board) -> Markup {
    let feed = |f: &FeedRow| {
        let word = feed_word(f.state);
        html! {
            li class={ "feed f-" (word) } data-feed=(f.id) data-state=(word) {
                @if f.state == FeedState::Up { span.dot aria-hidden="true" { "●" } } @else { (warning()) }
                " " strong { (f.id) } " " span.state { (word) }
                br;
                small {
                    "last success: "
                    @if let Some(t) = f.last_success { time datetime=(crate::model::format_instant(&t)) { (ago(b.now, t)) } } @else { "never" }
                }
                @if let Some(e) = &f.last_error { br; small.error { "last error: " bdi { (e) } } }
            }
        }
    };
    html! {
        section #feeds aria-labelledby="feeds-h" {
            h2 #feeds-h { "Feeds" }
            @if b.feeds.is_empty() { p.empty { "No feeds configured." } }
            ul.feeds { @for f in &b.feeds { (feed(f)) } }
        }
    }
}

fn alerts(b: &Board) -> Markup {
    let severity = |s: Severity| match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    };
    html! {
        section #alerts aria-labelledby="alerts-h" {
            h2 #alerts-h { "Latest alerts" }
            @if b.alerts.is_empty() { p.empty { "No alerts yet." } } @else {
                table.alerts {
                    thead { tr {
                        th scope="col" { "When" } th scope="col" { "Severity" } th scope="col" { "Alert" }
                        @for s in &b.sinks { th scope="col" { (s) } }
                    } }
                    tbody {
                        @for a in &b.alerts {
                            tr.alert data-kind=(a.alert.alert.as_str()) {
                                td.when title=(a.alert.at) {
                                    @match chrono::DateTime::parse_from_rfc3339(&a.alert.at) {
                                        Ok(t) => (local(t.with_timezone(&chrono::Utc), b.zone)),
                                        Err(_) => (a.alert.at),
                                    }
                                }
                                td class={ "sev " (severity(a.alert.severity)) } { (severity(a.alert.severity)) }
                                td { bdi { (a.alert.message) } }
                                @for s in &b.sinks {
                                    @if let Some(at) = a.delivered.get(s) {
                                        td.sent title=(at) { "✓ sent" }
                                    } @else {
                                        td.pending { "… pending" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
