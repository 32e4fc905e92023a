//! Capture searches of a large alternation by the one alternative that matched.
//!
//! A capture search runs a backtracker over the match with the whole pattern's states, and
//! clears a visited set as large as those states times the match's length: for a pattern
//! of many alternatives most of that is for alternatives that did not match
//! (docs/benchmarks.md). Leftmost-first, the groups of a match are those the first
//! alternative that matches at its start fills. So the match is found with the whole
//! pattern's DFA, the alternative by testing each, anchored, at its start, and the groups
//! by a pattern in which every other alternative can never match but keeps its groups, so
//! that every group keeps its index.
//!
//! Exact when every alternative starts with `\b` and a word character: then `\b` holds
//! before a match, and an alternative matches at the start of the rest of the text as it
//! matches at that position of the whole text.

use regex::{Captures, Regex};

use super::{ascii_boundaries, ascii_only};

/// A pattern of alternatives, compiled as [`super::ascii_words`] compiles patterns.
pub(crate) struct Alternation {
    whole: Regex,
    /// Each alternative, anchored at the start of the text.
    heads: Vec<Regex>,
    /// The whole pattern with only that alternative able to match.
    alone: Vec<Regex>,
}

impl Alternation {
    /// Compiles `flags` (such as `(?ix)`) followed by `body`, whose top-level `|`
    /// separate the alternatives.
    pub(crate) fn new(flags: &str, body: &str) -> Result<Self, regex::Error> {
        // Every part in the mode the whole pattern takes, so that `\w` and `\d` read alike.
        let whole = ascii_only(&format!("{flags}{body}"));
        let ascii = whole.is_ok();
        let compile = |p: &str| if ascii { ascii_only(p) } else { ascii_boundaries(p) };
        let whole = match whole {
            Ok(whole) => whole,
            Err(_) => ascii_boundaries(&format!("{flags}{body}"))?,
        };
        let alternatives = top_level(body);
        let mut heads = Vec::with_capacity(alternatives.len());
        let mut alone = Vec::with_capacity(alternatives.len());
        for (k, alternative) in alternatives.iter().enumerate() {
            heads.push(compile(&format!("{flags}^(?:{alternative})"))?);
            let parts: Vec<String> = alternatives
                .iter()
                .enumerate()
                .map(|(i, a)| if i == k { (*a).to_string() } else { unmatchable(a) })
                .collect();
            alone.push(compile(&format!("{flags}{}", parts.join("|")))?);
        }
        Ok(Alternation { whole, heads, alone })
    }

    /// The whole pattern.
    pub(crate) fn regex(&self) -> &Regex {
        &self.whole
    }

    /// The matches of the whole pattern in `text`, with the groups its capture search
    /// would give.
    pub(crate) fn captures_iter<'h>(&'h self, text: &'h str) -> impl Iterator<Item = Captures<'h>> + 'h {
        self.whole.find_iter(text).filter_map(move |m| {
            let k = self.heads.iter().position(|h| h.is_match(&text[m.start()..]))?;
            self.alone[k].captures_at(text, m.start())
        })
    }
}

/// The alternatives of `body` separated by `|` outside groups and classes.
fn top_level(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0usize, 0);
    for (i, c) in syntax(body) {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => {
                out.push(&body[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&body[from..]);
    out
}

/// A pattern that never matches (an end of text followed by a character) with the
/// capture groups of `alternative`, named or not, in their order.
fn unmatchable(alternative: &str) -> String {
    let mut out = String::from(r"(?:$x");
    for (i, _) in syntax(alternative).filter(|(_, c)| *c == '(') {
        let rest = &alternative[i + 1..];
        if let Some(named) = rest.strip_prefix("?P<") {
            out.push_str(&format!("(?P<{}>)", &named[..named.find('>').unwrap_or(0)]));
        } else if !rest.starts_with('?') {
            out.push_str("()");
        }
    }
    out.push(')');
    out
}

/// The characters of `pattern` that are its syntax, with their offsets: those outside
/// classes and not escaped.
fn syntax(pattern: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut class, mut escaped) = (0usize, false);
    pattern.char_indices().filter(move |&(_, c)| {
        if escaped {
            escaped = false;
            return false;
        }
        match c {
            '\\' => escaped = true,
            '[' => class += 1,
            ']' if class > 0 => class -= 1,
            _ => return class == 0,
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::{top_level, Alternation};

    /// Every match with each of its groups, as offsets.
    fn groups<'h>(caps: impl Iterator<Item = regex::Captures<'h>>) -> Vec<Vec<Option<(usize, usize)>>> {
        caps.map(|c| c.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect()).collect()
    }

    #[test]
    fn the_groups_are_those_of_the_whole_patterns_capture_search() {
        let body = r"\b(?P<day>\d{1,2})\s+(?P<month>may|june)(?:\s+(\d{4}))?
            | \b(?P<month2>may|june)\s+(?P<day2>\d{1,2})\b
            | \b(?:next|this)\s+(?P<wd>monday|friday)\b
            | \b(?P<n>(one|two|\d+))[\s-](?P<unit>days?|weeks?)\b
            | \b(?P<any>m[a-z]+)";
        let alternation = Alternation::new("(?ix)", body).unwrap();
        let plain = regex::Regex::new(&format!("(?ix){body}")).unwrap();
        assert_eq!(alternation.alone.len(), 5);
        let text = "From 5 May 2025 until June 12, next Friday, for two weeks; May. \
                                  Mondays, 3-days, 12 june, xmay 4, June 3rd and THIS MONDAY, may";
        assert_eq!(groups(alternation.captures_iter(text)), groups(plain.captures_iter(text)));
        assert_eq!(alternation.regex().captures_len(), plain.captures_len());
        // Every alternative matched somewhere.
        for name in ["day", "month2", "wd", "n", "any"] {
            assert!(alternation.captures_iter(text).any(|c| c.name(name).is_some()), "{name}");
        }
    }

    #[test]
    fn alternatives_split_outside_groups_and_classes_only() {
        assert_eq!(top_level(r"a(b|c)|[|(]d|\|e|f"), [r"a(b|c)", r"[|(]d", r"\|e", "f"]);
    }
}
