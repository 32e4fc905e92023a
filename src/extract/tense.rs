//! Tense: whether the words before a status word or a date speak of the past or of a
//! plan.

use std::sync::LazyLock;

use regex::Regex;

use super::ascii_words;

/// Words before a position that make what follows planned, not past.
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(will|would|shall|plans?|planned|planning|to\s+be|is\s+to|are\s+to|set\s+to|going\s+to|scheduled|expected\s+to|expect(?:s|ing)?\s+(?:\w+\s+)?to\s+(?:re-?open|resume|close|be|remain|last)|(?:decided|agreed|poised|due|ready|preparing|prepares|intends?|aims?|hopes?)\s+to|from\s+tomorrow|next)\b")
        .expect("future regex")
});

/// A past tense before a date: "was closed until Sunday".
static PAST: LazyLock<Regex> = LazyLock::new(|| ascii_words(r"(?i)\b(?:was|were|had|did)\b").expect("past regex"));

/// A verb in the simple past that tells a change happened: "resumed starting Monday",
/// "saw traffic resume". ("Closed" is left out: "remain closed" is no past.)
static PAST_SIMPLE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:saw|witnessed|resumed|reopened|re-opened|opened|began|started|restarted|lifted)\b")
        .expect("past-simple regex")
});

/// "To be" after a verb of the past or of seeming: "began to be blocked", "appears to
/// be closed" tell no future.
static NOT_FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:began|begun|begins?|started|starts?|continued|continues?|appears?|appeared|seems?|seemed|proved|proves|found|said|reported|believed|known|likely|used)\s+to\s+be\b")
        .expect("not-future regex")
});

/// True when the words before a position are in a past tense ("was", "had").
pub(crate) fn is_past(before: &str) -> bool {
    PAST.is_match(before)
}

/// True when the words before a position are in a past tense, a simple past of a
/// change ("resumed", "saw") included.
pub(crate) fn tells_a_past_change(before: &str) -> bool {
    PAST.is_match(before) || PAST_SIMPLE.is_match(before)
}

/// True when the words before a position speak of the future ("will", "plans to").
pub(crate) fn is_future(before: &str) -> bool {
    FUTURE.is_match(&NOT_FUTURE.replace_all(before, ""))
}
