//! A closure's length told in a sentence of its own: "Several points along the border
//! are blockaded … The protest began at 10:00 and is set to last for 24 hours." The
//! sentence names no crossing; its subject is the closure, or the protest or strike that
//! causes it, and it gives a length. The closures told before it that have no end take
//! it, counted from the start that sentence gives, or else from their own: "The Torkham
//! crossing was closed on Monday. The border closure will be 15 days."

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::dates::{self, Phrase, When};
use super::explain::Rule;
use super::{ascii_words, End, Event, Target};
use crate::model::Status;

/// "The protest … is set to last for", "The border closure will be", "The blockade will
/// continue for".
static LASTS: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"(?ix)^\W*(?:the|this|that)\s+(?:[\w-]+\s+){0,2}?(?:protest|blockade|strike|action|closure|shutdown|suspension|ban|measure|restriction)s?\b
        [^.;]{0,60}?\b(?:last|lasts|continue|continues|run|runs|be\s+in\s+(?:force|effect|place)|(?:will|would)\s+be|is\s+for)\b",
    )
    .expect("lasts regex")
});

/// A length: "15 days", "24 hours".
static LENGTH: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(&format!(r"(?i)\b{}[\s-]+(hours?|days?|weeks?|months?)\b", dates::NUMBER)).expect("length regex")
});

/// Closures without an end take the length a later sentence tells of them ([`LASTS`]).
pub(super) fn told_apart(
    mut events: Vec<Event>,
    sents: &[&str],
    mentions: &[(usize, Target)],
    published: NaiveDate,
) -> Vec<Event> {
    for (i, s) in sents.iter().enumerate() {
        if mentions.iter().any(|(m, _)| *m == i) || !LASTS.is_match(s) {
            continue;
        }
        let phrases = dates::scan(s, published, dates::Keep::Every);
        let told = phrases.iter().find_map(|p| match p.phrase {
            Phrase::For(span) => Some(span),
            _ => None,
        });
        // "will be 15 days": a length without "for".
        let bare = || {
            let c = LENGTH.captures(s)?;
            Some(dates::span(dates::number(&c[1])?, &c[2]))
        };
        let Some(span) = told.or_else(bare) else { continue };
        let start = phrases.iter().find_map(|p| match p.phrase {
            Phrase::Date(_, w) => Some(w),
            Phrase::Time(t) => Some(When::Day(published, Some(t))),
            _ => None,
        });
        for e in events.iter_mut().filter(|e| {
            e.status != Status::Open
                && e.until.is_none()
                && !e.open_ended
                && e.sentences.first().is_some_and(|k| *k < i)
        }) {
            let Some(from) = start.or(e.since) else { continue };
            // Days from midnight end with the last day: "15 days from 00:00 on Tuesday".
            let midnight = matches!(from, When::Day(_, Some(t)) if t == chrono::NaiveTime::MIN);
            let end = Some(from)
                .filter(|_| !midnight || matches!(span, dates::Span::Hours(_)))
                .and_then(|f| span.end_at(f))
                .or_else(|| span.last_day(from.day()).map(|d| When::Day(d, None)));
            let Some(end) = end else { continue };
            e.since.get_or_insert(from);
            e.until = Some((end, End::Derived));
            e.why.until = Some(e.why.bound(Rule::ToldApart, i));
            e.sentences.insert(i);
        }
    }
    events
}
