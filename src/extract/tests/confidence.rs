//! How sure each end is: `high` only for an end bound to its status clause.

use chrono::NaiveDate;

use crate::extract::extract;
use crate::gazetteer::Gazetteer;

/// `(crossing, status, until, confidence)` of each record.
fn sure(text: &str, published: &str) -> Vec<(String, String, Option<String>, &'static str)> {
    let published = NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
    extract(text, published, &Gazetteer::built_in(), "test")
        .into_iter()
        .map(|r| (r.crossing, r.status.to_string(), r.until, r.confidence.as_str()))
        .collect()
}

fn rec(
    crossing: &str,
    status: &str,
    until: Option<&str>,
    confidence: &'static str,
) -> (String, String, Option<String>, &'static str) {
    (crossing.into(), status.into(), until.map(Into::into), confidence)
}

#[test]
fn an_end_in_the_clause_of_the_status_word_is_high() {
    assert_eq!(
        sure("The Torkham crossing was closed on Monday until 15 April after clashes.", "2025-04-03"),
        [rec("torkham", "closed", Some("2025-04-15"), "high")]
    );
    assert_eq!(
        sure("Wagah will stay shut for five days starting Monday.", "2025-04-03"),
        [rec("wagah", "closed", Some("2025-04-11"), "high")],
        "a length from a start stated in the clause"
    );
    assert_eq!(
        sure("The Chaman crossing will stay closed until at least 20 May.", "2025-05-02"),
        [rec("chaman", "closed", Some("2025-05-20"), "high")]
    );
    assert_eq!(
        sure("The Wagah crossing reopened on Monday after a 12-day closure.", "2025-04-03"),
        [rec("wagah", "closed", Some("2025-03-30"), "high"), rec("wagah", "open", None, "high")],
        "a reopening ends the closure its own clause names"
    );
}

#[test]
fn an_end_worked_out_from_what_happened_next_is_low() {
    assert_eq!(
        sure("The Chaman crossing was shut on 2 April and reopened on 10 April.", "2025-04-12"),
        [rec("chaman", "closed", Some("2025-04-09"), "low"), rec("chaman", "open", None, "high")]
    );
}

#[test]
fn a_length_with_no_start_gives_no_end() {
    // The day it counts from is not told: a guess from the publication date would be a
    // false expiry whenever the closure starts later.
    assert_eq!(
        sure("The Torkham crossing will be closed for three days.", "2025-04-03"),
        [rec("torkham", "closed", None, "high")]
    );
    assert_eq!(
        sure("The Torkham crossing will be closed for three days from Monday.", "2025-04-03"),
        [rec("torkham", "closed", Some("2025-04-09"), "high")]
    );
}

#[test]
fn an_end_lent_by_a_country_wide_statement_is_low() {
    let r = sure(
        "Finland closed its border with Russia until 30 November. The Vaalimaa crossing was closed on Friday.",
        "2025-11-20",
    );
    assert_eq!(r, [rec("vaalimaa", "closed", Some("2025-11-30"), "low")]);
    assert_eq!(
        sure("Finland closed its border with Russia until 30 November.", "2025-11-20"),
        [rec("fi-ru-border", "closed", Some("2025-11-30"), "high")],
        "the border's own record: the end stands in its clause"
    );
}

#[test]
fn a_crossing_found_through_another_sentence_makes_its_end_low() {
    assert_eq!(
        sure(
            "Torkham was closed on Monday. The crossing will remain closed until 15 April, officials said.",
            "2025-04-03"
        ),
        [rec("torkham", "closed", Some("2025-04-15"), "low")]
    );
    assert_eq!(
        sure("The Chaman crossing was closed on Tuesday. It will reopen on 15 May.", "2025-05-02"),
        [rec("chaman", "closed", Some("2025-05-14"), "low"), rec("chaman", "open", None, "low")],
        "without an end, a borrowed crossing alone makes the record low"
    );
}

#[test]
fn a_statement_merged_in_keeps_the_surer_binding_of_the_same_end() {
    let named_first =
        "Torkham will stay closed until 15 April. The crossing will remain closed until 15 April, officials said.";
    assert_eq!(sure(named_first, "2025-04-03"), [rec("torkham", "closed", Some("2025-04-15"), "high")]);
    let named_last =
        "The crossing will remain closed until 15 April. Torkham was closed until 15 April by the authorities.";
    assert_eq!(sure(named_last, "2025-04-03"), [rec("torkham", "closed", Some("2025-04-15"), "high")]);
}
