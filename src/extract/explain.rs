//! Why the extractor read a record as it did: how each date was bound to its statement,
//! which decides the confidence of the record's end, and `extract --explain`, which
//! prints it all per record.
//!
//! An end is `high` only when the grammar bound it to the crossing's own status clause:
//! the date phrase stands in the clause of the status word ("closed until 15 April"), or
//! a length is counted from a start stated there ("for five days starting Monday"), or a
//! reopening in that clause ends the closure it names ("reopened on Monday after a
//! 12-day closure"). An end worked out from what happened next, lent by a country-wide
//! statement, counted from the publication date, or whose crossing was found through
//! "it"/"the crossing" in another sentence is `low`.

use std::fmt::Write;

use chrono::NaiveDate;

use super::dates::{self, Phrase, Role, Span};
use crate::gazetteer::Gazetteer;
use crate::model::Confidence;

/// How a date came to belong to a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// The date phrase stands in the clause of the status word.
    Stated,
    /// A length counted from a start stated in the clause.
    Length,
    /// The day before the reopening the clause tells ("after a 12-day closure").
    BeforeReopening,
    /// The day before the next different status of the same crossing.
    NextEvent,
    /// A country-wide statement's end, given to a crossing of that border.
    Lent,
    /// A length told in a sentence of its own about the closure or the protest behind
    /// it: "The protest began at 10:00 and is set to last for 24 hours."
    ToldApart,
}

/// A date's rule, with the statement it came from: its status word and sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Binding {
    rule: Rule,
    word: String,
    sentence: usize,
    /// How the crossing was found, when it was not named in the sentence.
    borrowed: Option<String>,
}

impl Binding {
    fn is_high(&self) -> bool {
        self.borrowed.is_none() && matches!(self.rule, Rule::Stated | Rule::Length | Rule::BeforeReopening)
    }
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, n) = (&self.word, self.sentence + 1);
        match self.rule {
            Rule::Stated => write!(f, "stated in clause of '{w}' (sentence {n})"),
            Rule::Length => write!(f, "length from a start stated in clause of '{w}' (sentence {n})"),
            Rule::BeforeReopening => write!(f, "day before the reopening '{w}' that ended it (sentence {n})"),
            Rule::NextEvent => write!(f, "day before next event '{w}' (sentence {n})"),
            Rule::Lent => write!(f, "lent by border-wide statement '{w}' (sentence {n})"),
            Rule::ToldApart => write!(f, "length of the closure of '{w}' told in sentence {n}"),
        }?;
        match &self.borrowed {
            Some(how) => write!(f, "; the crossing is {how}"),
            None => Ok(()),
        }
    }
}

/// What the statement's dates and crossing rest on.
#[derive(Debug, Clone, Default)]
pub(super) struct Why {
    /// The status word of the statement.
    word: String,
    pub(super) until: Option<Binding>,
    pub(super) since: Option<Binding>,
    /// How the crossing was found, when no status clause of its own sentence named it.
    borrowed: Option<String>,
}

impl Why {
    /// The statement of status word `word`.
    pub(super) fn of(word: &str) -> Why {
        Why { word: word.to_string(), ..Why::default() }
    }

    /// True when the status word tells of an opening as the end of a closure: "resumed",
    /// "reopened", "lifted".
    pub(super) fn ends_a_closure(&self) -> bool {
        super::lexicon::REOPENING.is_match(&self.word)
    }

    /// True when the status word ends a block of some traffic: "unblocked", "lifting".
    pub(super) fn ends_a_block(&self) -> bool {
        super::lexicon::ends_a_block(&self.word)
    }

    /// A date of this statement, in sentence `sentence`, bound by `rule`.
    pub(super) fn bound(&self, rule: Rule, sentence: usize) -> Binding {
        Binding { rule, word: self.word.clone(), sentence, borrowed: self.borrowed.clone() }
    }

    /// The closure that this reopening, in sentence `sentence`, ended ("reopened on
    /// Monday after a 12-day closure"): it ends the day before.
    pub(super) fn closure_ended(&self, sentence: usize) -> Why {
        Why { until: Some(self.bound(Rule::BeforeReopening, sentence)), ..Why::of(&self.word) }
    }

    /// The crossing came from sentence `named_in` (or, with none, from the border the
    /// document is about) through "it", "they" or "the crossing" in sentence `sentence`.
    pub(super) fn borrow_target(&mut self, named_in: Option<usize>, sentence: usize) {
        if named_in == Some(sentence) {
            return;
        }
        let how = named_in.map_or_else(
            || "the border the document is about".to_string(),
            |i| format!("the one named in sentence {}", i + 1),
        );
        for b in [&mut self.until, &mut self.since].into_iter().flatten() {
            b.borrowed = Some(how.clone());
        }
        self.borrowed = Some(how);
    }

    /// Takes in the reasons of a statement merged into this one: its end's binding when
    /// its end won (`took_end`), or when both give the same end and its binding is
    /// stronger. The crossing stays borrowed only if both statements borrowed it.
    pub(super) fn merge(&mut self, other: &Why, took_end: bool, same_end: bool) {
        let stronger =
            other.until.as_ref().is_some_and(Binding::is_high) && !self.until.as_ref().is_some_and(Binding::is_high);
        if took_end || (same_end && stronger) {
            self.until.clone_from(&other.until);
        }
        if other.borrowed.is_none() {
            self.borrowed = None;
        }
    }

    /// The confidence of a record with (`has_end`) or without an end.
    pub(super) fn confidence(&self, has_end: bool) -> Confidence {
        let high = match (&self.until, has_end) {
            (_, false) => self.borrowed.is_none(),
            (Some(b), true) => b.is_high(),
            (None, true) => false,
        };
        if high {
            Confidence::High
        } else {
            Confidence::Low
        }
    }
}

/// Reads `text` as [`super::extract`] does and says, per record, what it rests on: its
/// sentences (numbered from 1), the date phrases found in them, and the rule that bound
/// its `until` and `since`.
#[must_use]
pub fn explain(text: &str, published: NaiveDate, gazetteer: &Gazetteer, source: &str) -> String {
    let (events, sents) = super::statements(text, published, gazetteer, None);
    let mut out = String::new();
    for e in events {
        let (why, sentences): (Why, Vec<usize>) = (e.why.clone(), e.sentences.iter().copied().collect());
        let Some(r) = super::record(e, &sents, published, source) else { continue };
        let dash = || "-".to_string();
        let _ = writeln!(
            out,
            "{} ({}): {}{}, since {}, until {} [{}]",
            r.crossing,
            r.name,
            r.status,
            r.scope.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(),
            r.since.clone().unwrap_or_else(dash),
            r.until.clone().unwrap_or_else(dash),
            r.confidence.as_str(),
        );
        for i in sentences {
            let Some(s) = sents.get(i) else { continue };
            let _ = writeln!(out, "  sentence {}: {s}", i + 1);
            let found = dates::find(s, published);
            if !found.is_empty() {
                let phrases: Vec<String> = found.iter().map(|p| phrase(&s[p.start..p.end], &p.phrase)).collect();
                let _ = writeln!(out, "    dates: {}", phrases.join("; "));
            }
        }
        let rule = |has: bool, b: &Option<Binding>| match (has, b) {
            (false, _) => dash(),
            (true, Some(b)) => b.to_string(),
            (true, None) => "bound by no known rule".to_string(),
        };
        let _ = writeln!(out, "  until: {}", rule(r.until.is_some(), &why.until));
        let _ = writeln!(out, "  since: {}", rule(r.since.is_some(), &why.since));
    }
    out
}

/// One date phrase as `"text" = value (role)`.
fn phrase(text: &str, p: &Phrase) -> String {
    match p {
        Phrase::Date(role, w) => {
            let role = match role {
                Role::Until => "ends a period",
                Role::UntilAtLeast => "ends a period, at the earliest",
                Role::Since => "starts a period",
                Role::On => "dates the event",
                Role::By => "dates a planned change",
                Role::Ignore => "about something else",
            };
            format!("\"{text}\" = {} ({role})", w.format())
        }
        Phrase::For(Span::Hours(n)) => format!("\"{text}\" = {n} hours (length)"),
        Phrase::For(Span::Days(n)) => format!("\"{text}\" = {n} days (length)"),
        Phrase::For(Span::Weeks(n)) => format!("\"{text}\" = {n} weeks (length)"),
        Phrase::For(Span::Months(n)) => format!("\"{text}\" = {n} months (length)"),
        Phrase::For(Span::Years(n)) => format!("\"{text}\" = {n} years (length)"),
        Phrase::OpenEnded => format!("\"{text}\" = no end (open-ended)"),
        Phrase::Time(t) => format!("\"{text}\" = {} (a time of day; its day is told elsewhere)", t.format("%H:%M")),
    }
}
