//! Which traffic a status covers, and when a status belongs to a border's crossings:
//! each rule on sentences written for it.

use super::{ex, one};

#[test]
fn a_closure_whose_subject_is_one_kind_of_traffic_restricts() {
    assert_eq!(
        ex("The traffic of trucks towards the Dorohusk checkpoint began to be blocked.", "2023-11-06"),
        one("yahodyn", "restricted", None)
    );
    assert_eq!(
        ex("Freight traffic at the Torkham crossing was halted.", "2025-03-05"),
        one("torkham", "restricted", None)
    );
    assert_eq!(
        ex("Traffic at the Torkham crossing was halted.", "2025-03-05"),
        one("torkham", "closed", None),
        "all traffic is a closure"
    );
    assert_eq!(
        ex("The passenger checkpoint in Torkham was closed.", "2025-03-05"),
        one("torkham", "closed", None),
        "a kind of checkpoint is not a kind of traffic"
    );
}

#[test]
fn a_closure_of_the_entry_of_one_kind_restricts() {
    assert_eq!(
        ex("Customs closed the entry of trucks at the Paso Canoas border post on Wednesday.", "2020-10-22")[0].1,
        "restricted"
    );
}

#[test]
fn both_directions_is_not_both_kinds_of_traffic() {
    assert_eq!(ex("The Salloum crossing was shut for trucks in both directions.", "2014-06-08")[0].1, "restricted");
    assert_eq!(ex("The Salloum crossing was shut for people and trucks.", "2014-06-08")[0].1, "closed");
}

#[test]
fn a_closure_for_one_direction_of_travel_restricts() {
    assert_eq!(ex("The Jaber crossing was closed for those heading to Syria.", "2024-12-06")[0].1, "restricted");
}

#[test]
fn one_kind_of_traffic_not_allowed_to_cross_restricts() {
    assert_eq!(
        ex("Motorcycles will not be allowed to cross at the Torkham crossing from Tuesday.", "2022-09-19")[0].1,
        "restricted"
    );
}

#[test]
fn overnight_on_a_date_is_when_a_closure_began_not_a_nightly_one() {
    assert_eq!(ex("Poland closed the Terespol crossing overnight on September 12.", "2025-09-23")[0].1, "closed");
    assert_eq!(ex("The Torkham crossing will be closed overnight.", "2025-09-23")[0].1, "restricted");
}

#[test]
fn resuming_only_after_a_condition_is_a_full_resumption() {
    assert_eq!(
        ex("Traffic at the Torkham crossing would resume only after authorities assessed the situation.", "2025-09-23")
            [0]
        .1,
        "open"
    );
    assert_eq!(ex("The Torkham crossing reopened for trucks only.", "2025-09-23")[0].1, "restricted");
}

#[test]
fn began_to_be_is_past_not_future() {
    let r = ex(
        "Trucks at the Torkham crossing began to be blocked. On Monday carriers began blocking the Torkham crossing.",
        "2023-11-06",
    );
    assert_eq!(r.len(), 1, "one event told twice: {r:?}");
}

#[test]
fn a_border_closed_before_a_named_crossing_reopens_was_closed_there_too() {
    let r = ex(
        "Finland closed all crossings on its border with Russia on 30 November. The Vaalimaa crossing will reopen on 14 December.",
        "2023-12-12",
    );
    assert!(r.contains(&("vaalimaa".into(), "closed".into(), Some("2023-12-13".into()))), "{r:?}");
    assert!(r.contains(&("vaalimaa".into(), "open".into(), None)), "{r:?}");
}

#[test]
fn a_restriction_with_no_start_is_not_ended_by_a_closure_of_the_same_day() {
    let r = ex(
        "Truck traffic at the Torkham crossing was halted. On Monday, protesters blocked the Torkham crossing.",
        "2025-03-05",
    );
    assert!(r.iter().all(|(_, _, until)| until.is_none()), "{r:?}");
}

#[test]
fn all_other_crossings_stay_apart_from_a_closure_of_all_of_them() {
    let r = ex(
        "All eight crossings on the border between Finland and Russia were closed in late November. \
         The Vaalimaa crossing will reopen on Thursday, but all other crossings will remain closed.",
        "2023-12-12",
    );
    assert!(r.contains(&("vaalimaa".into(), "closed".into(), Some("2023-12-13".into()))), "{r:?}");
    assert!(r.contains(&("fi-ru-border".into(), "closed".into(), None)), "the other crossings: {r:?}");
}

#[test]
fn the_other_crossings_of_a_sentence_that_names_crossings_are_those_named() {
    let r = ex(
        "The closure of the Torkham crossing on Tuesday had a domino effect on the other entry points, \
         with the Chaman crossing closed the next day.",
        "2025-03-07",
    );
    assert_eq!(r.iter().filter(|(c, ..)| c == "chaman").count(), 1, "{r:?}");
}

#[test]
fn no_one_allowed_to_cross_is_a_closure() {
    assert_eq!(
        ex("No one was allowed to cross the Torkham border from midday until 1.45pm on Sunday.", "2024-12-15"),
        one("torkham", "closed", Some("2024-12-15T13:45"))
    );
}

#[test]
fn the_crossings_listed_where_a_status_holds_all_take_it() {
    let r = ex(
        "In addition to the Terespol checkpoint, traffic was halted at the Kukuryki freight checkpoint \
         and two railway crossings: Kuznica and Siemianowka.",
        "2025-09-23",
    );
    let ids: Vec<&str> = r.iter().map(|(c, ..)| c.as_str()).collect();
    assert_eq!(ids, ["terespol", "koroszczyn", "kuznica", "siemianowka"], "{r:?}");
}

#[test]
fn a_crossing_after_a_clause_of_its_own_does_not_take_the_status() {
    let r =
        ex("The Torkham crossing was closed at noon, forcing trucks to divert to the Chaman crossing.", "2025-03-05");
    assert_eq!(r, one("torkham", "closed", None));
}

#[test]
fn a_border_that_reopens_reopens_its_named_crossings_that_closed() {
    let r = ex(
        "The Kuznica crossing was closed on September 12. \
         Traffic via checkpoints on the Polish-Belarusian border will resume on September 25.",
        "2025-09-23",
    );
    assert!(r.contains(&("kuznica".into(), "closed".into(), Some("2025-09-24".into()))), "{r:?}");
    assert!(r.contains(&("kuznica".into(), "open".into(), None)), "{r:?}");
}

#[test]
fn a_reopening_nobody_can_date_or_that_only_sets_a_time_is_not_a_status() {
    let text = "The Lacolle crossing was closed on Friday. Police cannot say when the border crossing will reopen. \
                Until it reopens, travellers are directed to the Hemmingford crossing.";
    assert_eq!(ex(text, "2017-01-06"), one("champlain", "closed", None));
}

#[test]
fn a_weekday_right_after_the_status_word_dates_it() {
    let r = ex("The Torkham crossing reopened Monday after remaining closed for three months.", "2020-06-22");
    assert!(r.contains(&("torkham".into(), "closed".into(), Some("2020-06-21".into()))), "{r:?}");
    assert_eq!(
        ex("The Torkham crossing is closed, officials said Monday.", "2020-06-24"),
        one("torkham", "closed", None),
        "when it was said is not when it closed"
    );
}

#[test]
fn an_opening_for_aid_or_of_some_lanes_is_a_restriction() {
    assert_eq!(
        ex(
            "Sudan extended the opening of the Adre border crossing with Chad for aid deliveries until August 15.",
            "2025-05-15"
        ),
        one("adre", "restricted", Some("2025-08-15"))
    );
    assert_eq!(
        ex("Single lanes have reopened in each direction at the Coutts border crossing.", "2022-02-03")[0].1,
        "restricted"
    );
    assert_eq!(ex("All lanes have reopened at the Coutts border crossing.", "2022-02-03")[0].1, "open");
    assert_eq!(ex("The Torkham crossing reopened for the first time in a month.", "2022-02-03")[0].1, "open");
}

#[test]
fn an_opening_whose_subject_is_one_kind_of_traffic_is_a_restriction() {
    assert_eq!(
        ex("The transportation of goods vehicles through the Torkham crossing has resumed.", "2020-06-22")[0].1,
        "restricted"
    );
}

#[test]
fn a_status_word_with_no_subject_of_its_own_carries_on_the_one_before() {
    assert_eq!(
        ex(
            "The westbound span of the Blue Water Bridge closed on July 5, and will remain closed until Oct. 23.",
            "2023-07-06"
        ),
        one("port-huron", "restricted", Some("2023-10-23"))
    );
}

#[test]
fn resuming_exports_is_a_restriction() {
    assert_eq!(
        ex("Pakistan will resume Afghan exports through the Wagah border crossing from Wednesday.", "2020-07-14")
            .iter()
            .find(|(_, s, _)| s != "closed")
            .map(|(_, s, _)| s.as_str()),
        Some("restricted")
    );
}

#[test]
fn an_opening_dated_by_a_past_year_alone_is_history_not_a_status() {
    assert_eq!(
        ex(
            "The Blue Water Bridge closed on July 5. Opened in 1938, the Blue Water Bridge was renovated in 1999.",
            "2023-07-06"
        ),
        one("port-huron", "closed", None)
    );
}

#[test]
fn a_country_alone_closing_its_borders_closes_all_its_land_borders() {
    let r = ex(
        "Zimbabwe closed its borders in March. Zimbabwe is expected to re-open its borders on December 1.",
        "2020-10-31",
    );
    assert!(r.contains(&("zw-borders".into(), "closed".into(), Some("2020-11-30".into()))), "{r:?}");
}

#[test]
fn crossings_named_next_to_a_border_wide_statement_share_it() {
    let r = ex(
        "Pakistan has closed its border with Afghanistan until March 15. \
         Torkham and Chaman, the two main crossings, were deserted on Tuesday.",
        "2025-03-05",
    );
    assert_eq!(
        r,
        [
            ("torkham".into(), "closed".into(), Some("2025-03-15".into())),
            ("chaman".into(), "closed".into(), Some("2025-03-15".into()))
        ]
    );
    let far = ex(
        "Pakistan has closed its border with Afghanistan until March 15. Trade fell. Prices rose. Exports slumped. \
         Torkham is the busiest crossing.",
        "2025-03-05",
    );
    assert_eq!(far, one("af-pk-border", "closed", Some("2025-03-15")), "too far to be the same news");
}

#[test]
fn lifting_a_block_of_one_kind_of_traffic_opens_and_stays_apart_from_the_block() {
    let r = ex(
        "On November 21 traffic blocking began at 13:30 for trucks moving towards the Torkham checkpoint. \
         Officials reported the temporary lifting of the traffic lock for trucks at the Torkham checkpoint.",
        "2023-11-22",
    );
    let statuses: Vec<&str> = r.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(statuses, ["restricted", "open"], "{r:?}");
}

#[test]
fn only_some_permitted_to_pass_is_a_restriction() {
    assert_eq!(
        ex(
            "At the Khunjerab Pass only transport vehicles, drivers and cargo would be permitted to pass.",
            "2024-01-02"
        )[0]
        .1,
        "restricted"
    );
}

#[test]
fn suspending_one_kind_of_traffic_restricts_but_halting_trade_may_be_all() {
    assert_eq!(
        ex("Poland suspended freight traffic at the Kukuryki checkpoint from 7 p.m. on Monday.", "2025-03-05")[0].1,
        "restricted"
    );
    assert_eq!(ex("China closed the Mong Cai gate, halting import-export activities.", "2020-02-05")[0].1, "closed");
}

#[test]
fn a_closure_to_one_kind_named_after_the_crossing_and_an_aside_restricts() {
    assert_eq!(
        ex(
            "Road authorities closed the traffic from the Bavra checkpoint (on the Georgian side) for trucks with trailers.",
            "2024-12-15"
        )[0]
        .1,
        "restricted"
    );
}

#[test]
fn an_integrated_check_post_by_its_initials_is_the_crossing() {
    let published = chrono::NaiveDate::from_ymd_opt(2024, 12, 15).unwrap();
    let r = super::super::extract(
        "Upper Lars was shut on Friday. The IACP had been closed for all types of transport until Sunday.",
        published,
        &crate::gazetteer::Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(r[0].evidence.as_deref().is_some_and(|e| e.contains("IACP")), "{r:?}");
}

#[test]
fn the_borders_after_naming_several_crossings_are_all_of_them() {
    let r = ex(
        "Kakarbhitta and Bhadrapur borders have been sealed off. \
         The officer said that the borders have been sealed off from 6.00 am (April 15) to 6.00 pm (April 17).",
        "2021-04-15",
    );
    assert_eq!(
        r,
        [
            ("panitanki".into(), "closed".into(), Some("2021-04-17T18:00".into())),
            ("bhadrapur".into(), "closed".into(), Some("2021-04-17T18:00".into()))
        ]
    );
}

#[test]
fn a_crossing_far_after_a_status_word_is_not_its_subject() {
    let r = ex(
        "The Torkham crossing, which was closed for almost 3 years, will reopen on January 12, officials at Chaman said.",
        "2023-01-11",
    );
    assert!(r.iter().all(|(c, ..)| c == "torkham"), "{r:?}");
    assert_eq!(
        ex("Pakistan reopened the Chaman crossing on Monday.", "2023-01-11"),
        one("chaman", "open", None),
        "the object right after the word"
    );
}

#[test]
fn restricted_areas_are_not_a_restricted_crossing() {
    assert_eq!(
        ex(
            "Egypt closed the Salloum border crossing on Monday night. A decree demarcated \"forbidden\" and \
             \"restricted\" areas along the Libyan border.",
            "2014-12-23"
        ),
        one("salloum", "closed", None)
    );
}

#[test]
fn all_the_borders_of_one_country_stay_a_record_beside_a_named_crossing() {
    let r = ex(
        "Senator Mutsvangwa toured the Chirundu border post ahead of the expected reopening on December 1. \
         Zimbabwe is expected to re-open its borders on the 1st of December after they were closed in March.",
        "2020-10-31",
    );
    assert!(r.contains(&("zw-borders".into(), "closed".into(), Some("2020-11-30".into()))), "{r:?}");
    assert!(r.contains(&("chirundu".into(), "closed".into(), Some("2020-11-30".into()))), "{r:?}");
}

#[test]
fn an_unusable_or_impassable_crossing_is_closed_and_a_warning_of_a_fact_is_a_statement() {
    assert_eq!(
        ex("Truckers warned that the Pehuenche crossing is also unusable after the flooding.", "2023-06-27"),
        one("pehuenche", "closed", None)
    );
    assert!(
        ex("Officials warned that the Pehuenche crossing could be closed again.", "2023-06-27").is_empty(),
        "a possibility"
    );
}

#[test]
fn lifting_the_restrictions_opens_the_crossing() {
    let r = ex(
        "Iran restricted the movement of trucks through the Bilasuvar checkpoint since Nov. 7. \
         Iran will lift the restrictions on the movement of vehicles at the Bilasuvar checkpoint starting tomorrow.",
        "2013-11-15",
    );
    assert!(r.contains(&("bilasuvar".into(), "open".into(), None)), "{r:?}");
    assert!(r.contains(&("bilasuvar".into(), "restricted".into(), Some("2013-11-15".into()))), "{r:?}");
}

#[test]
fn only_to_find_is_not_a_limit() {
    let r = ex(
        "The navy opened the gate at the Hat Lek checkpoint at 8am, only to find that the Hat Lek checkpoint \
         on the other side remained closed until 9am.",
        "2025-06-08",
    );
    assert!(r.iter().all(|(_, s, _)| s != "restricted"), "{r:?}");
}

#[test]
fn the_passage_refers_to_the_crossing_named_before() {
    let r = ex(
        "The Gibraltar frontier was shut for two hours on Sunday. At 1.45pm, the passage was reopened in both directions.",
        "2024-12-15",
    );
    assert!(r.iter().any(|(c, s, _)| c.contains("gibraltar") && s == "open"), "{r:?}");
}

#[test]
fn a_reopening_to_traffic_bound_one_way_restricts() {
    let r = ex("The Ambassador Bridge has reopened to U.S.-bound traffic.", "2022-02-13");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "restricted"), "{r:?}");
    let r = ex("The Ambassador Bridge has reopened to all traffic.", "2022-02-13");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "open"), "{r:?}");
}

#[test]
fn a_closure_beside_other_traffic_that_goes_on_restricts() {
    let trade = "Import and export through the Torkham crossing will be suspended until Sunday. \
                 However, passport holders will be allowed to travel.";
    assert_eq!(ex(trade, "2025-03-05"), one("torkham", "restricted", Some("2025-03-09")));
    let people = "Passenger traffic at the Torkham crossing was halted on Monday. \
                  Cargo traffic would not be halted, officials said.";
    assert_eq!(ex(people, "2025-03-05")[0].1, "restricted");
    let on_foot =
        "The Torkham crossing was closed indefinitely. People are able to cross on foot but no vehicles are allowed.";
    assert_eq!(ex(on_foot, "2025-03-05")[0].1, "restricted");
}

#[test]
fn other_traffic_only_restricts_a_closure_when_the_text_says_which_kind_stopped() {
    assert_eq!(
        ex("The Torkham crossing was closed on Monday. Travellers continue to wait in Landi Kotal.", "2025-03-05"),
        one("torkham", "closed", None),
        "nothing says that one kind of traffic stopped"
    );
    assert_eq!(
        ex(
            "The Torkham crossing will be closed until March 1. Shops selling trade goods will be shut, and people \
             will only be allowed to leave their houses with a permit.",
            "2025-02-05"
        ),
        one("torkham", "closed", Some("2025-03-01")),
        "leaving a house is not crossing a border"
    );
    assert_eq!(
        ex(
            "Trade through the Torkham crossing was suspended on Monday. It resumed on Wednesday and travellers \
             continued to cross.",
            "2025-03-07"
        )[0]
        .1,
        "closed",
        "traffic that goes on after a reopening is not beside the closure"
    );
}

#[test]
fn traffic_named_in_another_clause_does_not_limit_a_closure() {
    assert_eq!(
        ex("Officials announced the closure of the Torkham crossing as Islamabad ended visa-free travel for Afghan people.", "2025-03-05")[0].1,
        "closed"
    );
    assert_eq!(
        ex("Officials announced the closure of the Torkham crossing for Afghan people.", "2025-03-05")[0].1,
        "restricted"
    );
}

#[test]
fn a_kind_of_traffic_in_a_clause_of_its_own_does_not_limit_a_reopening() {
    let text = "The Torkham crossing reopened on Tuesday. Trade and travel have resumed and trucks are crossing the \
                gates. Customs services resumed operation while travel for passengers has also started again.";
    assert!(ex(text, "2025-03-05").iter().all(|r| r.1 == "open"), "{:?}", ex(text, "2025-03-05"));
    assert_eq!(ex("The Torkham crossing reopened for trucks on Tuesday.", "2025-03-05")[0].1, "restricted");
}

#[test]
fn a_partial_closure_restricts() {
    assert_eq!(ex("Kazakhstan has partially closed the Torkham crossing.", "2023-08-21")[0].1, "restricted");
    assert_eq!(ex("Kazakhstan has closed the Torkham crossing.", "2023-08-21")[0].1, "closed");
}

#[test]
fn an_opening_in_a_limited_mode_or_on_a_special_schedule_restricts() {
    for text in [
        "The Torkham crossing reopened in a limited mode on Monday.",
        "The Torkham crossing reopened on a special schedule on Monday.",
    ] {
        assert_eq!(ex(text, "2020-04-13")[0].1, "restricted", "{text}");
    }
    assert_eq!(ex("The Torkham crossing reopened on Monday.", "2020-04-13")[0].1, "open");
}
