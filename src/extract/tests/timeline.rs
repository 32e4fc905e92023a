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

#[test]
fn a_reopening_planned_after_a_worked_out_end_extends_the_closure() {
    let r = ex(
        "The Kartarpur Corridor was closed on Thursday (July 20) for three days. \
         The Kartarpur Corridor is expected to reopen on July 25.",
        "2023-07-22",
    );
    assert!(r.contains(&("kartarpur".into(), "closed".into(), Some("2023-07-24".into()))), "{r:?}");
    let steps = ex(
        "The Torkham crossing reopened on Wednesday following a 27-day closure, for cargo vehicles, \
         with plans to allow pedestrians by Friday.",
        "2025-03-19",
    );
    assert!(steps.contains(&("torkham".into(), "closed".into(), Some("2025-03-18".into()))), "{steps:?}");
}

#[test]
fn a_past_tense_in_its_own_clause_wins_over_a_future_before_it() {
    assert_eq!(
        ex(
            "Nepal has decided to open the Rasuwagadhi border point from Wednesday after it was shut for two weeks.",
            "2025-03-05"
        ),
        [
            ("rasuwagadhi".into(), "open".into(), None),
            ("rasuwagadhi".into(), "closed".into(), Some("2025-03-04".into()))
        ]
    );
    assert_eq!(
        ex("Pakistan will close the Torkham crossing on Friday and reopen it on Monday.", "2025-03-05"),
        [("torkham".into(), "closed".into(), Some("2025-03-09".into())), ("torkham".into(), "open".into(), None)],
        "a future carries over a clause with no tense of its own"
    );
}

#[test]
fn an_undated_reopening_still_tells_of_the_closure_it_ended() {
    assert_eq!(
        ex(
            "Georgia reopened the Upper Lars checkpoint to all vehicles after a three-day closure caused by snow.",
            "2025-03-05"
        ),
        [("upper-lars".into(), "closed".into(), None), ("upper-lars".into(), "open".into(), None)]
    );
}

#[test]
fn a_plan_or_an_end_that_no_longer_holds_is_dropped() {
    assert_eq!(
        ex(
            "The Torkham crossing, closed since 10 March, had been due to reopen on 3 May. \
             The closure will now last until further notice.",
            "2025-04-28"
        ),
        one("torkham", "closed", None)
    );
    assert_eq!(
        ex("The closure of the Chaman crossing, initially set to end on 15 March, has been extended.", "2025-03-10"),
        one("chaman", "closed", None)
    );
}

#[test]
fn it_with_a_past_status_word_is_the_crossing_named_last() {
    assert_eq!(
        ex(
            "The Torkham crossing was closed on Monday. It reopened on Wednesday. It was closed again on Friday until further notice.",
            "2025-03-08"
        ),
        [
            ("torkham".into(), "closed".into(), Some("2025-03-04".into())),
            ("torkham".into(), "open".into(), Some("2025-03-06".into())),
            ("torkham".into(), "closed".into(), None)
        ]
    );
}

#[test]
fn traffic_that_began_crossing_again_is_an_opening() {
    assert_eq!(
        ex("Trucks began crossing the Torkham border again on Monday.", "2025-03-05"),
        one("torkham", "open", None)
    );
}

#[test]
fn about_before_a_time_keeps_the_time() {
    let published = chrono::NaiveDate::from_ymd_opt(2021, 1, 11).unwrap();
    let r = super::extract(
        "Traffic at the Abu Samrah crossing had resumed at about 7 a.m. on Saturday.",
        published,
        &crate::gazetteer::Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r[0].since.as_deref(), Some("2021-01-09T07:00"));
}

#[test]
fn the_same_day_told_again_with_its_time_of_day_keeps_the_time() {
    let r = ex(
        "The Mae Sot bridge, closed since 2020, will reopen on January 12, officials said. \
         The Mae Sot bridge will reopen on January 12 at 9:30 am.",
        "2023-01-11",
    );
    assert!(r.contains(&("mae-sot".into(), "closed".into(), Some("2023-01-12T09:30".into()))), "{r:?}");
}

#[test]
fn a_closure_in_the_past_perfect_ended_at_the_reopening_told_with_it() {
    let r = ex(
        "The Khosravi border crossing was reopened on Monday morning for pilgrims. \
         The border crossing had been closed at the request of Iraqi officials.",
        "2019-10-07",
    );
    assert!(r.contains(&("khosravi".into(), "closed".into(), Some("2019-10-06".into()))), "{r:?}");
    assert!(r.iter().any(|(c, s, u)| c == "khosravi" && s == "restricted" && u.is_none()), "{r:?}");
}

#[test]
fn the_next_sentence_saying_which_entry_points_names_them() {
    let r = ex(
        "Thailand closed its border with Malaysia. One entry point in each district will be opened on Monday. \
         These entry points are in Narathiwat (Sungai Golok) and Yala (Betong–Pengkalan Hulu).",
        "2020-03-23",
    );
    for id in ["sungai-kolok", "betong"] {
        assert!(r.iter().any(|(c, s, _)| c == id && s == "open"), "{id}: {r:?}");
    }
}

#[test]
fn an_undated_reopening_in_the_present_perfect_is_the_reports_news() {
    let r =
        ex("The Ambassador Bridge has reopened after a demonstration blocked traffic on Monday evening.", "2022-02-08");
    assert!(r.contains(&("detroit".into(), "closed".into(), Some("2022-02-07".into()))), "{r:?}");
    let r = ex("The Ambassador Bridge has reopened. It was closed on Monday evening.", "2022-02-08");
    assert!(r.contains(&("detroit".into(), "closed".into(), Some("2022-02-07".into()))), "{r:?}");
    assert!(ex("The Ambassador Bridge reopened. It was closed on Monday evening.", "2022-02-08")
        .iter()
        .all(|(_, _, u)| u.is_none()));
}

#[test]
fn a_time_of_day_told_apart_from_its_day_joins_the_reopening_of_that_day() {
    let r = ex(
        "Qatar and Saudi Arabia on Saturday reopened the Abu Samra crossing, shut in June 2017. \
         Traffic at the Abu Samra crossing had resumed at about 7am.",
        "2021-01-11",
    );
    assert!(r.contains(&("abu-samra".into(), "closed".into(), Some("2021-01-09T07:00".into()))), "{r:?}");
    let r = ex(
        "The Muse border gates, closed since April 2021, would be reopened from 8 am to 11.30 pm, starting from 8th January.",
        "2023-01-05",
    );
    assert!(r.iter().any(|(_, s, u)| s == "closed" && u.as_deref() == Some("2023-01-08T08:00")), "{r:?}");
}

#[test]
fn a_crossings_time_of_day_joins_the_day_its_border_reopened() {
    let r = ex(
        "Qatar and Saudi Arabia on Saturday reopened their land border. Saudi Arabia shut its side of \
         the land border in June 2017. Traffic at the Abu Samrah crossing had resumed at about 7am.",
        "2021-01-11",
    );
    assert!(r.contains(&("abu-samra".into(), "closed".into(), Some("2021-01-09T07:00".into()))), "{r:?}");
}

#[test]
fn a_closure_on_a_list_of_days_is_a_closure_on_each_day() {
    let r = ex("The Torkham crossing will not work on May 1, 7 and 9, 2021.", "2021-04-29");
    for d in ["2021-05-01", "2021-05-07", "2021-05-09"] {
        assert!(r.contains(&("torkham".into(), "closed".into(), Some(d.into()))), "{d}: {r:?}");
    }
    assert_eq!(r.len(), 3, "{r:?}");
    let r = ex("The Torkham crossing will be closed on May 30 and June 1.", "2021-04-29");
    assert_eq!(r.len(), 2, "{r:?}");
    // The list may end its sentence.
    let r = ex("The Torkham crossing will not work on May 1, 7 and 9.", "2021-04-29");
    assert!(r.contains(&("torkham".into(), "closed".into(), Some("2021-05-09".into()))), "{r:?}");
    assert_eq!(r.len(), 3, "{r:?}");
    // A count of hours is no day of the list.
    let r = ex("The Torkham crossing will be closed on May 1 and 7 hours of talks follow.", "2021-04-29");
    assert!(!r.iter().any(|(_, _, u)| u.as_deref() == Some("2021-05-07")), "{r:?}");
    // One day, a year after it, or a time: no list.
    let r = ex("The Torkham crossing will be closed on May 1, 2021 and at 7 pm traffic stops.", "2021-04-29");
    assert!(!r.is_empty() && r.iter().all(|(_, _, u)| u.is_none()), "{r:?}");
}

#[test]
fn passage_that_resumes_in_the_next_sentence_is_the_crossing_s() {
    let text = "Torugart checkpoint will be closed from October 1 to October 6. \
                Passage of persons, vehicles and goods will resume on October 7.";
    let got = ex(text, "2019-09-30");
    assert!(got.contains(&("torugart".into(), "open".into(), None)), "{got:?}");
    assert!(got.contains(&("torugart".into(), "closed".into(), Some("2019-10-06".into()))), "{got:?}");
}

#[test]
fn a_length_told_in_a_sentence_of_its_own_ends_the_closures_before_it() {
    let protest = "Farmers blocked the Torkham crossing on Monday, March 3. \
                   The protest began at 10:00 and is set to last for 24 hours.";
    assert_eq!(ex(protest, "2025-03-03"), one("torkham", "closed", Some("2025-03-04T10:00")));
    let closure = "The Torkham crossing was closed on Monday, March 3. The border closure will be 15 days.";
    assert_eq!(ex(closure, "2025-03-04"), one("torkham", "closed", Some("2025-03-17")));
    let midnight = "The Torkham crossing was closed at 00:00 on Tuesday. The closure will be 15 days.";
    assert_eq!(ex(midnight, "2020-03-17"), one("torkham", "closed", Some("2020-03-31")), "days from midnight");
    let named = "The Torkham crossing was closed on Monday, March 3. The closure at Chaman will be 15 days.";
    assert_eq!(
        ex(named, "2025-03-04")[0],
        ("torkham".into(), "closed".into(), None),
        "a sentence that names a crossing speaks of that one"
    );
}
