//! The phrase table (`tests/fixtures/times.tsv`) and the tagger's own promises.

use chrono::NaiveDate;

use super::{json_lines, tag, Kind};

const TABLE: &str = include_str!("../../../tests/fixtures/times.tsv");

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn kind(s: &str) -> Kind {
    match s {
        "date" => Kind::Date,
        "time" => Kind::Time,
        "duration" => Kind::Duration,
        "set" => Kind::Set,
        _ => panic!("unknown type {s}"),
    }
}

#[test]
fn every_phrase_of_the_table_is_found_with_its_type_and_value() {
    let rows: Vec<Vec<&str>> = TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(rows.len() >= 200, "the table holds {} phrases", rows.len());
    let mut wrong = Vec::new();
    for row in &rows {
        let [published, sentence, text, ty, value] = row[..] else { panic!("row {row:?} has not five columns") };
        let found = tag(sentence, date(published));
        let ok = if ty == "none" {
            let at = sentence.find(text).expect("the words are in the sentence");
            found.iter().all(|t| t.end <= at || t.start >= at + text.len())
        } else {
            found.iter().any(|t| t.text == text && t.kind == kind(ty) && t.value == value)
        };
        if !ok {
            let all: Vec<String> = found.iter().map(|t| format!("{:?} {:?} {}", t.text, t.kind, t.value)).collect();
            wrong.push(format!("{published} {sentence:?}: want {text:?} {ty} {value}, got {all:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} phrases wrong:\n{}", wrong.len(), rows.len(), wrong.join("\n"));
}

#[test]
fn expressions_do_not_overlap_and_come_in_text_order() {
    let text = "Closed from 6 p.m. Friday until 6 a.m. Monday, a 27-day closure; now open daily since 2014.";
    let found = tag(text, date("2025-04-16"));
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(found.windows(2).all(|w| w[0].end <= w[1].start), "{found:?}");
    assert!(found.iter().all(|t| text[t.start..t.end] == t.text));
}

#[test]
fn printed_offsets_count_characters_not_bytes() {
    let line = &json_lines("Kapıkule reopens on 15 April.", date("2025-04-16"))[0];
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    assert_eq!(v["start"], 20);
    assert_eq!(v["end"], 28);
    assert_eq!(v["text"], "15 April");
    assert_eq!(v["type"], "date");
    assert_eq!(v["value"], "2025-04-15");
}

#[test]
fn a_fraction_or_a_decimal_is_not_a_date() {
    let found = tag("Trade grew 3/4 of a point, then 10.50.", date("2025-04-16"));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_modal_may_and_a_count_of_people_are_not_dates() {
    let found = tag("Traders may cross with 2000 people waiting.", date("2025-04-16"));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_second_date_after_a_date_is_not_a_time_of_day() {
    let found = tag("The gate was shut on 14/04/2025, 15.04. and 16.04.", date("2025-04-16"));
    assert_eq!((found[0].text.as_str(), found[0].value.as_str()), ("14/04/2025", "2025-04-14"));
}

mod properties {
    use proptest::prelude::*;

    use super::{date, tag};

    const WORDS: &[&str] = &[
        "from",
        "6",
        "p.m.",
        "Friday",
        "until",
        "at",
        "least",
        "15",
        "April",
        "15/04/2025",
        "15.04.",
        "9:40",
        "a.m.",
        "noon",
        "midnight",
        "(",
        ")",
        ",",
        ".",
        "the",
        "end",
        "of",
        "next",
        "last",
        "week",
        "year",
        "for",
        "five",
        "days",
        "27-day",
        "ago",
        "now",
        "recently",
        "every",
        "Monday",
        "2014",
        "the 1990s",
        "Kapıkule",
        "Šalčininkai",
        "twenty",
        "four",
        "hours",
        "mid-",
        "fiscal",
        "quarter",
        "third",
        "morning",
        "tonight",
        "until further notice",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = tag(&text, date("2025-04-16"));
        }

        #[test]
        fn expressions_are_the_text_they_span_and_never_overlap(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..60)
        ) {
            let text = words.join(" ");
            let found = tag(&text, date("2025-04-16"));
            for t in &found {
                prop_assert_eq!(text.get(t.start..t.end), Some(t.text.as_str()));
                prop_assert!(!t.value.is_empty());
            }
            prop_assert!(found.windows(2).all(|w| w[0].end <= w[1].start), "{:?}", found);
        }
    }
}
