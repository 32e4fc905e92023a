//! Crossings named in a sentence: gazetteer names, names found by pattern, lists and
//! quoted names, each rule on sentences written for it.

use super::super::mentions::{find, shares_a_word, Mention};
use super::super::Target;
use crate::gazetteer::Gazetteer;
use crate::model::Crossing;

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

/// The names of every crossing mention in `s`, found by gazetteer or by pattern.
fn all(s: &str) -> Vec<String> {
    find(s, &Gazetteer::built_in(), &[])
        .into_iter()
        .filter_map(|m| match m.target {
            Target::Crossing { name, .. } => Some(name),
            Target::Border(..) | Target::Unresolved => None,
        })
        .collect()
}

#[test]
fn a_name_after_a_named_crossings_noun_and_in_is_where_it_is() {
    let g = Gazetteer::built_in();
    assert!(named("The Zorin Port of Entry in Torkham will reopen.", &g).is_empty());
    assert_eq!(named("The checkpoint in Torkham will reopen.", &g).len(), 1);
}

#[test]
fn a_plural_noun_with_a_list_names_each_crossing_of_it() {
    assert_eq!(all("They closed Sani Pass, Zorin and Monontsha ports of entry."), ["Sani Pass", "Zorin", "Monontsha"]);
    assert_eq!(all("The checkpoints in Beldandi and Tribhuvan Basti shut."), ["Beldandi", "Tribhuvan Basti"]);
    assert_eq!(all("The Dodhara Chandani and Belauri points shut."), ["Dodhara Chandani", "Belauri"]);
    // A plural with no list is one group; a count is no name.
    assert_eq!(all("The Zorin crossings shut."), ["Zorin crossings"]);
    assert!(all("Two points were made.").is_empty());
}

#[test]
fn a_quoted_name_beside_a_crossing_noun_is_a_crossing() {
    // The noun before a run of names, or after it; one spelled as the gazetteer does not.
    assert_eq!(all("BCPs “Qushkent” and “Uchturgan” reopened."), ["Qushkent", "Uchturgan"]);
    assert_eq!(all("The \"Zarya\", \"Bereg\" border crossing points shut."), ["Zarya", "Bereg"]);
    assert_eq!(all("Trucks queued at the checkpoint «Vishne-Nemecke»."), ["Vyšné Nemecké–Uzhhorod"]);
    // Quotes with no crossing noun beside them, or words that are no name.
    assert!(all("The minister called it “Progress” at the checkpoint.").is_empty());
    assert!(all("Officials said the checkpoint was “temporarily closed”.").is_empty());
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

#[test]
fn a_name_as_written_shares_a_word_folded() {
    // ASCII, compared in place: case and punctuation do not matter, nouns do not count.
    assert!(shares_a_word("Torkham", "the TORKHAM border crossing"));
    assert!(shares_a_word("Ambassador Bridge", "ambassador-bridge"));
    assert!(!shares_a_word("Peace Bridge", "the Bridge crossing"));
    assert!(!shares_a_word("Panitanki–Kakarbhitta", "Kakadbhitta"));
    // Folded: diacritics do not matter either.
    assert!(shares_a_word("Kapitan Andreevo", "Kapitan Andréevo"));
    assert!(!shares_a_word("Chop–Záhony", "Zahonyi"));
}
