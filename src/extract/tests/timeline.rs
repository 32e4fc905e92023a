//! The document timeline: later statements replacing earlier ends, phases, and what
//! dates a statement rather than its status.

use super::{ex, one};

#[test]
fn until_further_notice_about_the_closure_replaces_an_earlier_end() {
    assert_eq!(
        ex(
            "The Torkham crossing was closed until 3 May. Officials said the closure will now last until further notice.",
            "2025-04-28"
        ),
        one("torkham", "closed", None)
    );
}

#[test]
fn a_date_before_a_verb_of_saying_dates_the_saying() {
    let r = ex("On Friday officials said the Torkham crossing will stay closed.", "2025-04-28");
    assert_eq!(r, one("torkham", "closed", None));
    let since = |text: &str| {
        let published = chrono::NaiveDate::from_ymd_opt(2025, 4, 28).unwrap();
        super::extract(text, published, &crate::gazetteer::Gazetteer::built_in(), "t")[0].since.clone()
    };
    assert_eq!(since("On Friday officials said the Torkham crossing will stay closed."), None);
    assert_eq!(since("The Torkham crossing closed on Friday, officials said."), Some("2025-04-25".into()));
}

#[test]
fn an_opening_in_steps_gives_each_step_its_own_period() {
    let text = "The Torkham crossing will reopen to trucks from Thursday and to pedestrians from Saturday.";
    assert_eq!(
        ex(text, "2025-03-04"),
        [
            ("torkham".into(), "closed".into(), Some("2025-03-05".into())),
            ("torkham".into(), "restricted".into(), Some("2025-03-07".into())),
            ("torkham".into(), "open".into(), None),
        ]
    );
    let bare = ex("The Torkham crossing will reopen, trucks from Thursday, pedestrians from Saturday.", "2025-03-04");
    assert_eq!(bare.len(), 3, "{bare:?}");
    assert_eq!(
        ex("The Torkham crossing will reopen from Thursday.", "2025-03-04"),
        [("torkham".into(), "closed".into(), Some("2025-03-05".into())), ("torkham".into(), "open".into(), None)],
        "one step"
    );
}

#[test]
fn a_closure_with_no_start_ends_only_at_an_opposite_status_or_a_reopening() {
    let r = ex(
        "Works forced the closure of the Torkham crossing. One lane of the Torkham crossing closed on July 5.",
        "2023-07-06",
    );
    assert!(r.iter().all(|(_, _, until)| until.is_none()), "one event told twice: {r:?}");
    let r = ex(
        "Exports through the Torkham crossing had remained suspended. \
         Exports through the Torkham crossing will resume from Wednesday.",
        "2020-07-14",
    );
    assert!(r.contains(&("torkham".into(), "closed".into(), Some("2020-07-14".into()))), "{r:?}");
}

#[test]
fn of_two_dates_of_an_event_the_nearer_dates_it_and_a_time_of_the_same_day_stays() {
    let since = |text: &str, published: &str| {
        let published = chrono::NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
        let r = super::extract(text, published, &crate::gazetteer::Gazetteer::built_in(), "t");
        r.into_iter().find(|r| r.status.as_str() == "open").and_then(|r| r.since)
    };
    assert_eq!(
        since(
            "This Friday the minister toured the Chirundu border post ahead of the expected reopening on December 1.",
            "2020-10-31"
        )
        .as_deref(),
        Some("2020-12-01")
    );
    assert_eq!(
        since("As of 8 pm Thursday, July 9, 2020, the Pharr International Bridge resumed operations.", "2020-07-13")
            .as_deref(),
        Some("2020-07-09T20:00")
    );
}

#[test]
fn hours_from_a_time_of_day_end_at_an_instant() {
    assert_eq!(
        ex("The Beitbridge border post will be closed for 24 hours from 6 a.m. on Saturday.", "2025-03-05"),
        one("beitbridge", "closed", Some("2025-03-09T06:00"))
    );
    assert_eq!(
        ex("The Beitbridge border post will be closed for 72 hours.", "2025-03-05"),
        one("beitbridge", "closed", None),
        "hours from no known instant end at no known instant"
    );
}

#[test]
fn the_first_time_since_a_date_is_not_a_start() {
    let published = chrono::NaiveDate::from_ymd_opt(2025, 2, 3).unwrap();
    let r = super::extract(
        "The Rafah crossing was reopened on 1 February for the first time since May 2024.",
        published,
        &crate::gazetteer::Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r[0].since.as_deref(), Some("2025-02-01"));
}
