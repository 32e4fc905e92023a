//! Crossings named in a sentence: gazetteer names and aliases (folded: case, diacritics
//! and punctuation do not matter), and names found by pattern for crossings the
//! gazetteer does not know ("the Nowhere border crossing", "X Port of Entry").

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::ascii_words;

use super::lexicon::{countries_in, Country};
use super::when::number;
use super::Target;
use crate::gazetteer::{fold, slug, Gazetteer};
use crate::model::Crossing;

/// A crossing named at a byte position of the sentence.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub(crate) pos: usize,
    /// Where the name ends.
    pub(crate) end: usize,
    pub(crate) target: Target,
}

static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?P<a>(?:\p{Lu}[\p{L}’'\-]+\s+){1,3}?)(?:[Ii]nternational\s+)?(?:[Bb]order\s+|[Ll]and\s+|[Rr]oad\s+|[Tt]rade\s+)?(?P<kind>crossing(?:\s+point)?|checkpoint|checkpost|check\s+post|port\s+of\s+entry|Port\s+of\s+Entry|border\s+post|gate|Gate)(?P<plural>s)?\b
      | \b(?:crossing(?:\s+point)?|checkpoint|checkpost|border\s+post)\s+(?:at|in|of)\s+(?P<b>\p{Lu}[\p{L}’'\-]+(?:\s+\p{Lu}[\p{L}’'\-]+)?)",
    )
    .expect("mention regex")
});

/// The words every match of [`PATTERN`] holds, ASCII case ignored: a sentence with none
/// of them is not searched.
static KINDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["crossing", "checkpoint", "checkpost", "check post", "port of entry", "border post", "gate"])
        .expect("crossing kinds")
});

/// Capitalized words that start sentences or describe, rather than name, a crossing.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "all",
    "key",
    "main",
    "border",
    "land",
    "road",
    "trade",
    "this",
    "that",
    "its",
    "their",
    "his",
    "her",
    "our",
    "several",
    "both",
    "many",
    "some",
    "second",
    "third",
    "first",
    "last",
    "busy",
    "busiest",
    "temporary",
    "permanent",
    "official",
    "unofficial",
    "informal",
    "major",
    "international",
    "eastern",
    "western",
    "northern",
    "southern",
    "north",
    "south",
    "east",
    "west",
    "new",
    "old",
    "only",
    "another",
    "said",
    "rail",
    "railway",
    "sea",
    "ferry",
    "pedestrian",
    "automobile",
    "motor",
    "vehicular",
    "passenger",
    "freight",
    "vehicle",
    "cargo",
    "commercial",
    "in",
    "at",
    "on",
    "america",
    "americas",
    "europe",
    "asia",
    "africa",
    "oceania",
    "world",
];

/// Finds the crossings named in `s`, in order. `named` holds the codes of the countries
/// the document named before `s`: an ambiguous name of a crossing between two of them
/// counts ("trucks crossed at Oybek" in a report on Uzbekistan and Tajikistan).
pub(crate) fn find(s: &str, gazetteer: &Gazetteer, named: &[&str]) -> Vec<Mention> {
    let words: Vec<(usize, usize, Cow<'_, str>)> = word_spans(s);
    // The countries `s` names, found once and only when a name needs them.
    let countries = OnceCell::new();
    let here = || countries.get_or_init(|| countries_in(&fold(s)));
    let mut taken = vec![false; words.len()];
    let mut out = Vec::new();
    // Leftmost first, then longest: a name covers its words, and a shorter name at the
    // same word counts only when every longer one is ambiguous without context.
    let mut next = 0;
    for (i, n, name, crossing) in names(&words, gazetteer) {
        if in_dateline(s, words[i].0, words[i + n - 1].1) {
            continue;
        }
        let place = gazetteer.is_ambiguous(name)
            && (REGION.is_match(&s[words[i + n - 1].1..]) || PLACE_OF.is_match(&s[..words[i].0]));
        if i < next
            || place
            || (gazetteer.is_ambiguous(name)
                && !called_a_crossing(&words[i + n..])
                && !names_a_country_of(here(), crossing)
                && (gazetteer.is_shared(name) || !crossing.countries.iter().all(|c| named.contains(&c.as_str()))))
        {
            continue;
        }
        taken[i..i + n].iter_mut().for_each(|t| *t = true);
        out.push(Mention {
            pos: words[i].0,
            end: words[i + n - 1].1,
            target: Target::Crossing {
                id: crossing.id.clone(),
                name: as_written(crossing, &s[words[i].0..words[i + n - 1].1]),
                countries: crossing.countries.clone(),
                tz: crossing.tz.name().to_string(),
            },
        });
        next = i + n;
    }
    for c in PATTERN.captures_iter(if KINDS.is_match(s) { s } else { "" }) {
        let Some(m) = c.name("a").or(c.name("b")) else { continue };
        let whole = c.get(0).expect("match");
        if describes(&s[..whole.start()]) || describes(whole.as_str()) || REGION.is_match(&s[whole.end()..]) {
            continue;
        }
        let mut name_words: Vec<&str> = m.as_str().split_whitespace().collect();
        // A count is no name either: "Ten border crossing points", "Two checkpoints".
        let not_a_name = |w: &str| NOT_NAMES.contains(&fold(w).as_str()) || number(w).is_some() || is_country_word(w);
        while name_words.first().is_some_and(|w| not_a_name(w)) {
            name_words.remove(0);
        }
        if name_words.is_empty() || name_words.iter().all(|w| is_country_word(w)) {
            continue;
        }
        // "The Gaza crossings": the group is one record, named with its noun.
        let name = match (c.name("plural"), c.name("kind")) {
            (Some(_), Some(kind)) => format!("{} {}s", name_words.join(" "), kind.as_str().to_lowercase()),
            _ => name_words.join(" "),
        };
        let pos = m.start() + m.as_str().find(name_words[0]).unwrap_or(0);
        let covered = words.iter().zip(&taken).any(|((a, b, _), t)| *t && pos >= *a && pos < *b);
        if covered || out.iter().any(|x: &Mention| x.pos == pos) {
            continue;
        }
        let countries = here().iter().map(|(_, c)| c.code.to_string()).collect();
        let end = m.end();
        out.push(Mention { pos, end, target: Target::Crossing { id: slug(&name), name, countries, tz: "UTC".into() } });
    }
    out.sort_by_key(|m| m.pos);
    out
}

/// A place in capitals that opens a report, before a comma: "DAJABON, Dominican Republic
/// (AP) —" says where the report was filed, not what it is about.
fn in_dateline(s: &str, start: usize, end: usize) -> bool {
    let name = &s[start..end];
    s[..start].trim().is_empty()
        && name.chars().any(char::is_alphabetic)
        && !name.chars().any(char::is_lowercase)
        && name.chars().filter(|c| c.is_alphabetic()).count() > 2
        && s[end..].trim_start().starts_with(',')
}

/// The crossing's name, followed by the name as the text wrote it when that shares no
/// word with the gazetteer's name ("Panitanki–Kakarbhitta (Kakadbhitta)"): a reader
/// checking the record against its source sees the source's spelling.
fn as_written(crossing: &Crossing, written: &str) -> String {
    const GENERIC: &[&str] =
        &["border", "crossing", "checkpoint", "post", "gate", "port", "bridge", "international", "the"];
    let own = fold(&crossing.name);
    let own: Vec<&str> = own.split(|c: char| !c.is_alphanumeric()).filter(|w| !GENERIC.contains(w)).collect();
    let folded = fold(written);
    let mut words = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && !GENERIC.contains(w));
    if words.any(|w| own.contains(&w)) {
        crossing.name.clone()
    } else {
        format!("{} ({written})", crossing.name)
    }
}

/// The gazetteer names that are whole words of `words`, by first word and then longest
/// first: (first word, word count, folded name, crossing).
fn names<'g>(
    words: &[(usize, usize, Cow<'_, str>)],
    gazetteer: &'g Gazetteer,
) -> Vec<(usize, usize, &'g str, &'g Crossing)> {
    // The folded words joined by single spaces, as names are folded, with each word's span
    // in it. A word that folds to more than one ("½" to "1 2") stays one word, as names
    // are matched word by word: its inner spaces become a byte no name holds.
    let mut folded = String::new();
    let mut spans = Vec::with_capacity(words.len());
    for (_, _, w) in words {
        if !folded.is_empty() {
            folded.push(' ');
        }
        let start = folded.len();
        if w.contains(' ') {
            folded.extend(w.chars().map(|c| if c == ' ' { '\u{1f}' } else { c }));
        } else {
            folded.push_str(w);
        }
        spans.push((start, folded.len()));
    }
    let mut out: Vec<_> = gazetteer
        .names_in(&folded)
        .filter_map(|(at, name, crossing)| {
            let first = spans.binary_search_by_key(&at.start, |s| s.0).ok()?;
            let last = spans.binary_search_by_key(&at.end, |s| s.1).ok()?;
            Some((first, last + 1 - first, name, crossing))
        })
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    out
}

/// Words that make a name before them a crossing's: "the Brest crossing", "Peace
/// Bridge border post".
const CROSSING_WORDS: &[&str] = &[
    "crossing",
    "border",
    "bridge",
    "checkpoint",
    "checkpost",
    "port",
    "gate",
    "post",
    "pass",
    "tunnel",
    "causeway",
    "terminal",
    "frontier",
    "crossings",
    "checkpoints",
];

/// An ambiguous name counts when a crossing word follows it within two words.
fn called_a_crossing(after: &[(usize, usize, Cow<'_, str>)]) -> bool {
    after.iter().take(2).any(|(_, _, w)| CROSSING_WORDS.contains(&w.as_ref()))
}

/// An ambiguous name counts in a sentence that names one of the crossing's countries
/// (`here`, the countries the sentence names).
fn names_a_country_of(here: &[(usize, Country)], crossing: &Crossing) -> bool {
    here.iter().any(|(_, c)| crossing.countries.iter().any(|k| k == c.code))
}

/// "the second trade checkpoint in Fata", "another crossing": a description, not a name.
fn describes(before: &str) -> bool {
    const ORDINALS: &[&str] =
        &["second", "third", "fourth", "fifth", "another", "other", "first", "last", "several", "many", "two", "three"];
    before.split_whitespace().rev().take(3).any(|w| ORDINALS.contains(&fold(w).as_str()))
}

/// A name after these is a place, not a crossing: "the province of Lang Son", "the town
/// of Mae Sot".
static PLACE_OF: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(r"(?i)\b(?:province|region|district|city|town|village|county|state|municipality)\s+of\s+$")
        .expect("place-of regex")
});

/// A name followed by these is a region, not a crossing.
static REGION: LazyLock<Regex> = LazyLock::new(|| {
    ascii_words(
        r"^\s+(?:Agency|agency|province|Province|region|Region|district|District|valley|Valley|county|County)\b",
    )
    .expect("region regex")
});

fn is_country_word(w: &str) -> bool {
    // "Arabia" of "Saudi Arabia", "Rica" of "Costa Rica": a part of a country's name.
    const PARTS: &[&str] = &["arabia", "rica", "leone", "salvador", "herzegovina", "faso", "korea", "sudan", "guinea"];
    let f = fold(w);
    PARTS.contains(&f.as_str()) || !countries_in(&f).is_empty()
}

/// Words of `s` with their byte spans, each folded.
fn word_spans(s: &str) -> Vec<(usize, usize, Cow<'_, str>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                let w = &s[a..i];
                // Most words are lowercase ASCII already: those are borrowed, not copied.
                let folded = if !w.is_ascii() {
                    Cow::Owned(fold(w))
                } else if w.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(w.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(w)
                };
                out.push((a, i, folded));
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each gazetteer mention as (id, the original text it spans).
    fn named<'s>(s: &'s str, g: &Gazetteer) -> Vec<(String, &'s str)> {
        find(s, g, &[])
            .into_iter()
            .filter_map(|m| match m.target {
                Target::Crossing { id, tz, .. } if tz != "UTC" => Some((id, &s[m.pos..m.end])),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn names_match_folded_whole_words_leftmost_longest() {
        let g = Gazetteer::built_in();
        let pair = |id: &str, t: &'static str| (id.to_string(), t);
        // With and without diacritics, spans in the original text.
        assert_eq!(named("Kuźnica and KUZNICA shut.", &g), [pair("kuznica", "Kuźnica"), pair("kuznica", "KUZNICA")]);
        // A name of several words, and one at the very end of the text.
        assert_eq!(
            named("Trucks left Angur Ada for Torkham", &g),
            [pair("angoor-adda", "Angur Ada"), pair("torkham", "Torkham")]
        );
        // Overlapping names: the longest wins and covers the shorter.
        assert_eq!(named("Kuźnica Białostocka reopened.", &g), [pair("kuznica", "Kuźnica Białostocka")]);
        assert_eq!(named("At the Torkham Gate, traders waited.", &g), [pair("torkham", "Torkham Gate")]);
        // A name inside a longer word is not a mention.
        assert!(named("Torkhamabad and Xtorkham are towns.", &g).is_empty());
    }

    #[test]
    fn an_ambiguous_longer_name_gives_way_to_a_shorter_one_and_config_names_match() {
        let mut g = Gazetteer::built_in();
        assert!(named("The Khyber Pass was quiet.", &g).is_empty());
        g.upsert(Crossing {
            id: "khyber".into(),
            name: "Khyber".into(),
            countries: vec!["PK".into(), "AF".into()],
            tz: chrono_tz::Asia::Karachi,
            aliases: vec!["Zyx Qwerty".into()],
        });
        // "Khyber Pass" is ambiguous and nothing calls it a crossing: "Khyber" is named.
        assert_eq!(named("The Khyber Pass was quiet.", &g), [("khyber".to_string(), "Khyber")]);
        assert_eq!(named("The Khyber Pass border was shut.", &g), [("torkham".to_string(), "Khyber Pass")]);
        assert_eq!(named("Zyx  Qwerty reopened.", &g), [("khyber".to_string(), "Zyx  Qwerty")]);
    }

    #[test]
    fn an_ambiguous_name_counts_in_a_document_that_named_both_its_countries() {
        let g = Gazetteer::built_in();
        let ids = |named: &[&str]| -> Vec<String> {
            find("Trucks crossed at Oybek on Monday.", &g, named)
                .into_iter()
                .filter_map(|m| match m.target {
                    Target::Crossing { id, .. } => Some(id),
                    Target::Border(..) | Target::Unresolved => None,
                })
                .collect()
        };
        assert_eq!(ids(&["UZ", "TJ"]), ["oybek"]);
        assert!(ids(&["UZ"]).is_empty(), "one country is not enough");
        assert!(ids(&[]).is_empty());
    }

    #[test]
    fn a_name_after_the_province_of_is_a_place() {
        let g = Gazetteer::built_in();
        assert!(named("Officials in the town of Mae Sot met in Thailand.", &g).is_empty());
        assert_eq!(named("Officials at Mae Sot in Thailand met.", &g).len(), 1);
    }

    #[test]
    fn part_of_a_country_name_is_not_a_crossing_name() {
        let g = Gazetteer::built_in();
        let found = find("The Qatar-Saudi Arabia crossing reopens", &g, &[]);
        assert!(found.iter().all(|m| !matches!(&m.target, Target::Crossing { name, .. } if name == "Arabia")));
    }

    #[test]
    fn a_count_is_not_a_crossing_name() {
        let g = Gazetteer::built_in();
        assert!(find("Ten border crossing points have reopened.", &g, &[]).is_empty());
        assert!(find("Several Border Posts were closed.", &g, &[]).is_empty());
    }

    #[test]
    fn a_name_spelled_otherwise_in_the_text_keeps_the_texts_spelling_beside_the_gazetteers() {
        let g = Gazetteer::built_in();
        let name = |s: &str| match &find(s, &g, &[])[0].target {
            Target::Crossing { name, .. } => name.clone(),
            _ => String::new(),
        };
        assert_eq!(name("The Torkham crossing reopened."), "Torkham");
        assert_eq!(name("The Kakadbhitta border was sealed."), "Panitanki–Kakarbhitta (Kakadbhitta)");
    }

    #[test]
    fn a_plural_names_a_group_of_crossings_as_one() {
        let g = Gazetteer::built_in();
        let names: Vec<String> = find("The Lang Son border gates were closed on Monday.", &g, &[])
            .into_iter()
            .filter_map(|m| match m.target {
                Target::Crossing { name, .. } => Some(name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["Lang Son gates"]);
        assert!(find("Temporary checkpoints were closed.", &g, &[]).is_empty());
    }

    #[test]
    fn international_border_gate_ends_a_name_of_any_case() {
        let g = Gazetteer::built_in();
        let found = find("Kim Thanh II International Border Gate was closed on Monday.", &g, &[]);
        assert!(
            matches!(&found[..], [Mention { target: Target::Crossing { name, .. }, .. }] if name == "Kim Thanh II"),
            "{found:?}"
        );
    }
}
