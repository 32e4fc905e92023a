//! What the board's pages share: the page frame with its stylesheet, script and policy,
//! the status badge with its icon, and the record cells. Every value goes through maud,
//! which escapes it.

use chrono::{DateTime, Duration, Utc};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::words::{ago, countdown, local, next_step};
use crate::model::{Record, Status};
use crate::timeutil::format_duration;

/// The stylesheet, served as `/board.css` or inlined in the static board.
pub const CSS: &str = include_str!("board.css");
/// The script, served as `/board.js`; the static board has none.
pub const JS: &str = include_str!("board.js");

/// The policy of the static board: nothing may be fetched, no script runs; only its own
/// inline stylesheet applies.
pub const STATIC_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// How a page is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// By the daemon's listener: the stylesheet and the script come from it, and the
    /// crossing pages are linked.
    Served,
    /// As one self-contained file: the stylesheet inline, no script, no links.
    Static,
}

/// A whole page around `body`; `version` is the state the script compares against.
pub(crate) fn page(title: &str, mode: Mode, version: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="referrer" content="no-referrer";
                @if mode == Mode::Static {
                    meta http-equiv="Content-Security-Policy" content=(STATIC_CSP);
                }
                title { (title) }
                @match mode {
                    Mode::Served => {
                        link rel="stylesheet" href="/board.css";
                        script src="/board.js" defer {}
                    }
                    Mode::Static => style { (PreEscaped(CSS)) }
                }
            }
            body data-version=(version) { (symbols()) (body) }
        }
    }
    .into_string()
}

/// The icons, drawn once per page as symbols that each use refers to by fragment (no
/// fetch): a status icon per status, and the warning sign.
fn symbols() -> Markup {
    let icons = [
        ("open", "M7 12.5l3.2 3.2L17 9"),
        ("closed", "M8.5 8.5l7 7M15.5 8.5l-7 7"),
        ("restricted", "M7 12h10"),
        ("unknown", "M9.6 9.4a2.5 2.5 0 1 1 3.4 2.3c-.7.3-1 .8-1 1.5v.6M12 16.6v.4"),
    ];
    html! {
        svg.symbols width="0" height="0" aria-hidden="true" focusable="false" {
            @for (name, d) in icons {
                symbol id={ "i-" (name) } viewBox="0 0 24 24" { circle cx="12" cy="12" r="9.5" {} path d=(d) {} }
            }
            symbol id="i-warning" viewBox="0 0 24 24" { path d="M12 3.5 21.5 20h-19z" {} path d="M12 10v4.5M12 17v.4" {} }
        }
    }
}

/// One of the page's icons, in the text colour; the word beside it carries the meaning.
fn icon(name: &str) -> Markup {
    html! { svg.icon aria-hidden="true" focusable="false" { use href={ "#i-" (name) } {} } }
}

/// The warning sign beside a disagreement or a failing feed.
pub(crate) fn warning() -> Markup {
    icon("warning")
}

/// A status as a badge: an icon and the word, coloured by status.
pub(crate) fn badge(status: Status) -> Markup {
    html! { span class={ "badge s-" (status.as_str()) } data-status=(status.as_str()) { (icon(status.as_str())) " " (status.as_str()) } }
}

/// A crossing id made safe as one path segment.
pub(crate) fn segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The zone of a record, or UTC when its name is not a zone.
fn zone(r: &Record) -> chrono_tz::Tz {
    r.tz.parse().unwrap_or(chrono_tz::UTC)
}

/// "until" with its zone, the live countdown, and the next ladder step.
pub(crate) fn until_cells(r: &Record, leads: &[Duration], now: DateTime<Utc>) -> Markup {
    html! {
        td.until {
            @if let Some(u) = &r.until { (u) " " small.zone { (r.tz) } } @else { "—" }
        }
        td.left {
            @if let Some(e) = r.expires_at {
                span.countdown data-expires=(e.timestamp()) { (countdown(now, e)) }
                @if let Some((lead, at)) = next_step(e, leads, now) {
                    br;
                    small.step {
                        "next: " (lead.map_or_else(|| "expiry".to_string(), |l| format!("{} alert", format_duration(l))))
                        " · " (local(at, zone(r)))
                    }
                }
            } @else { "no end given" }
        }
    }
}

/// Where a record comes from and how old it is.
pub(crate) fn source_cell(r: &Record, now: DateTime<Utc>) -> Markup {
    html! {
        td.source {
            bdi.src { (r.source) }
            br;
            small.age title=(crate::model::format_instant(&r.observed_at)) { "observed " (ago(now, r.observed_at)) }
        }
    }
}

/// "since": the record's own start, or when borderwatch first saw it.
pub(crate) fn since_cell(r: &Record, first_seen: DateTime<Utc>, now: DateTime<Utc>) -> Markup {
    html! {
        td.since {
            @if let Some(s) = &r.since { (s) } @else { small { "seen " (ago(now, first_seen)) } }
        }
    }
}

/// The sentence a record was read from, folded away until asked for.
pub(crate) fn evidence(r: &Record) -> Markup {
    html! {
        @if let Some(e) = &r.evidence {
            details.evidence { summary { "evidence" } q { bdi { (e) } } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_slugs_and_encode_everything_else() {
        assert_eq!(segment("torkham"), "torkham");
        assert_eq!(segment("a/b c\"<"), "a%2Fb%20c%22%3C");
    }
}
