//! Which crossing a statement is about and which date is its own: references back to
//! the crossings named before, dates that belong to a saying or a cause, dates told twice.

use chrono::NaiveDate;

use super::super::extract;
use super::ex;
use crate::gazetteer::Gazetteer;

/// Each record as (crossing, status, since).
pub(super) fn since(text: &str, published: &str) -> Vec<(String, String, Option<String>)> {
    let published = NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
    extract(text, published, &Gazetteer::built_in(), "test")
        .into_iter()
        .map(|r| (r.crossing, r.status.to_string(), r.since))
        .collect()
}

#[test]
fn the_crossing_points_and_them_take_every_crossing_named_before() {
    let r = ex(
        "The Narva and Koidula road border crossing points will be closed at night. \
         From March 2 we will close them at night for a period of two months.",
        "2026-02-05",
    );
    for id in ["narva", "koidula"] {
        assert!(
            r.iter().any(|(c, s, u)| c == id && s == "restricted" && u.as_deref() == Some("2026-05-01")),
            "{id}: {r:?}"
        );
    }
}

#[test]
fn the_traffic_is_the_traffic_of_the_crossing_named_before() {
    let r = ex(
        "The Salla crossing was closed on Friday because of snow. Yesterday, from 11:30, the traffic was \
         allowed for cars and buses.",
        "2024-12-15",
    );
    assert!(r.contains(&("salla".into(), "closed".into(), Some("2024-12-14T11:30".into()))), "{r:?}");
    assert!(r.iter().any(|(c, s, _)| c == "salla" && s == "restricted"), "{r:?}");
}

#[test]
fn a_reopening_in_a_month_ends_its_closure_in_that_month() {
    let r = ex("The Khunjerab Pass reopened in April 2023 after three years of closure.", "2024-01-02");
    assert!(r.contains(&("khunjerab".into(), "closed".into(), Some("2023-04".into()))), "{r:?}");
}

#[test]
fn its_closure_is_the_closure_of_the_crossing_named_before() {
    let r =
        since("The Khunjerab Pass is the highest paved border. Snow forced its closure on December 1.", "2023-12-20");
    assert_eq!(r, [("khunjerab".to_string(), "closed".to_string(), Some("2023-12-01".to_string()))]);
}

#[test]
fn a_date_in_parentheses_after_a_weekday_says_which_day() {
    let r = since("Trade through the Petrapole crossing will resume on Tuesday (October 14).", "2024-10-07");
    assert!(r.contains(&("petrapole".into(), "open".into(), Some("2024-10-14".into()))), "{r:?}");
}

#[test]
fn since_a_day_without_a_year_looks_back() {
    let r = since("The Petrapole crossing has been blocked since March 18.", "2020-10-15");
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2020-03-18".into()))]);
}

#[test]
fn a_weekday_that_starts_a_period_comes_before_its_end() {
    let r = since(
        "The Petrapole crossing will be closed to all traffic beginning Friday, and will last until Tuesday, Sept. 24.",
        "2024-09-22",
    );
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2024-09-20".into()))]);
}

#[test]
fn the_day_a_closure_was_confirmed_or_what_prompted_it_is_not_its_start() {
    let r = since("Port officials confirmed the suspension today at the Petrapole crossing.", "2024-10-07");
    assert_eq!(r, [("petrapole".into(), "closed".into(), None)]);
    let r = since(
        "Nakonde recorded 76 cases on Saturday, prompting the government to close the Tunduma border crossing.",
        "2020-05-11",
    );
    assert_eq!(r, [("tunduma-nakonde".into(), "closed".into(), None)]);
}

#[test]
fn no_traffic_allowed_in_and_out_is_a_closure() {
    let r = ex("From tomorrow no traffic will be allowed in and out of the Tunduma border crossing.", "2020-05-10");
    assert_eq!(r, [("tunduma-nakonde".into(), "closed".into(), None)]);
}

#[test]
fn the_bridge_is_the_crossing_named_before() {
    let r = since("The Petrapole crossing is busy. The bridge will be closed from Friday.", "2024-09-22");
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2024-09-27".into()))]);
}

#[test]
fn a_closure_that_ended_before_another_began_is_another_period() {
    let r = ex(
        "The Khunjerab Pass reopened in April 2023 after three years of closure. Snow forced its closure \
         on December 1. It will reopen on January 2.",
        "2023-12-20",
    );
    assert!(r.contains(&("khunjerab".into(), "closed".into(), Some("2023-04".into()))), "{r:?}");
    assert!(r.contains(&("khunjerab".into(), "closed".into(), Some("2024-01-01".into()))), "{r:?}");
}

#[test]
fn between_one_day_and_another_is_a_period() {
    let r = ex(
        "The Petrapole crossing will be reduced to two lanes between November 15, 2016 and May 15, 2017.",
        "2016-10-27",
    );
    assert_eq!(r, [("petrapole".into(), "restricted".into(), Some("2017-05-15".into()))]);
}

#[test]
fn a_road_cut_off_is_closed() {
    let r = ex("An air strike cut off the road at the Masnaa border crossing.", "2024-10-04");
    assert_eq!(r, [("masnaa".into(), "closed".into(), None)]);
}

#[test]
fn a_date_that_names_another_thing_is_not_the_crossings() {
    let r = since("The Rafah crossing has operated under new rules since the Jan. 25 uprising.", "2011-08-30");
    assert!(r.iter().all(|(_, _, s)| s.is_none()), "{r:?}");
    let r = since("The Rafah crossing is open again after the Jan. 25 uprising.", "2011-08-30");
    assert!(r.iter().all(|(_, _, s)| s.is_none()), "{r:?}");
}

#[test]
fn until_further_notice_lasts_until_a_reopening_has_happened() {
    let r = ex(
        "The Upper Lars checkpoint is now open. Traffic was stopped at the Upper Lars checkpoint from 17:15 on \
         June 26 until further notice.",
        "2022-06-27",
    );
    assert!(r.contains(&("upper-lars".into(), "closed".into(), Some("2022-06-26".into()))), "{r:?}");
    assert!(r.contains(&("upper-lars".into(), "open".into(), None)), "{r:?}");
    // A reopening only planned leaves it open-ended.
    let r = ex(
        "Traffic was stopped at the Upper Lars checkpoint from 17:15 on June 26 until further notice. Officials \
         said the Upper Lars checkpoint will reopen on July 3.",
        "2022-06-27",
    );
    assert!(r.contains(&("upper-lars".into(), "closed".into(), None)), "{r:?}");
}

#[test]
fn a_time_of_a_day_the_next_week_and_the_end_of_a_year_end_periods() {
    let r = ex("The Petrapole crossing will be sealed from 6:00 pm today till 6:00 pm of May 4.", "2023-05-02");
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2023-05-04T18:00".into()))]);
    let r = ex("The Petrapole crossing will be closed from Monday for the next week.", "2017-08-10");
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2017-08-20".into()))]);
    let r = ex("The Petrapole crossing will be closed from February 1 until the end of 2025.", "2024-01-25");
    assert_eq!(r, [("petrapole".into(), "closed".into(), Some("2025-12-31".into()))]);
}

#[test]
fn a_hope_or_a_request_is_not_a_statement() {
    assert_eq!(ex("Officials hope the Rumichaca bridge will open in early 2021.", "2020-10-20"), []);
    assert_eq!(ex("The committee asked the ministry to keep the Rumichaca bridge closed.", "2020-10-20"), []);
}

#[test]
fn the_date_of_what_a_closure_responds_to_is_not_its_start() {
    let r = since("Spain closed the Petrapole crossing in response to a security failure on Monday.", "2017-08-10");
    assert_eq!(r, [("petrapole".into(), "closed".into(), None)]);
}

#[test]
fn a_continent_is_not_a_crossing_name() {
    assert_eq!(ex("The busiest border crossing in North America was closed.", "2022-02-08"), []);
}

#[test]
fn borders_named_by_their_two_countries_or_as_a_countrys_borders_with_another() {
    let r = ex("Georgia-Armenia borders will be temporarily closed for 10 days from March 14.", "2020-03-13");
    assert_eq!(r, [("am-ge-border".into(), "closed".into(), Some("2020-03-23".into()))]);
    let r = ex("The president directed the reopening of Nigeria's land and air borders with Niger.", "2024-03-13");
    assert_eq!(r, [("ne-ng-border".into(), "open".into(), None)]);
}

#[test]
fn works_scheduled_to_last_a_span_end_the_closure_they_cause() {
    let r = ex(
        "The Mont Blanc tunnel is due to close on September 4th for maintenance works scheduled to last 15 weeks.",
        "2023-08-31",
    );
    assert_eq!(r, [("mont-blanc".into(), "closed".into(), Some("2023-12-17".into()))]);
}

#[test]
fn cross_border_trains_are_not_a_crossing() {
    let r = ex(
        "The Mont Blanc tunnel was closed on Monday. Cross-border trains on the Turin line were halted until Thursday.",
        "2023-08-31",
    );
    assert_eq!(r, [("mont-blanc".into(), "closed".into(), None)]);
}

#[test]
fn a_dateline_place_is_where_the_report_was_filed_and_all_borders_with_a_country_are_its_border() {
    let r = ex(
        "DAJABON, Dominican Republic (AP) — The Dominican Republic has shut all land, air and sea borders with Haiti.",
        "2023-09-15",
    );
    assert_eq!(r, [("do-ht-border".into(), "closed".into(), None)]);
}

#[test]
fn a_countrys_land_air_and_sea_borders_and_a_week_from_a_time_of_day() {
    let r = ex("Oman will close its land, air and sea borders on 22 December at 1am for one week.", "2020-12-21");
    assert_eq!(r, [("om-borders".into(), "closed".into(), Some("2020-12-29T01:00".into()))]);
}

#[test]
fn lane_restrictions_restrict() {
    let r = ex(
        "The Thousand Islands Bridge project will mean lane restrictions from Tuesday, September 5 until Tuesday, \
         November 7.",
        "2023-09-01",
    );
    assert_eq!(r, [("alexandria-bay".into(), "restricted".into(), Some("2023-11-07".into()))]);
}

#[test]
fn a_date_of_what_happens_meanwhile_is_not_the_crossings() {
    let r = since(
        "The Karamah crossing will be opened for the public on September 3, while staff will be deployed from August 30.",
        "2017-08-30",
    );
    assert!(r.contains(&("karamah".into(), "open".into(), Some("2017-09-03".into()))), "{r:?}");
}

#[test]
fn a_reopening_that_happened_cuts_a_stated_end_short() {
    let r = ex(
        "Trade through the Petrapole land port resumed this morning, a day after it was declared suspended till \
         October 24. The authority today withdrew its suspension order.",
        "2024-10-22",
    );
    assert!(r.contains(&("petrapole".into(), "closed".into(), Some("2024-10-21".into()))), "{r:?}");
    assert!(r.iter().all(|(_, _, u)| u.as_deref() != Some("2024-10-24")), "{r:?}");
    // A reopening only planned leaves the stated end.
    let r = ex("The Petrapole land port is suspended till October 24. It will resume on October 22.", "2024-10-20");
    assert!(r.contains(&("petrapole".into(), "closed".into(), Some("2024-10-24".into()))), "{r:?}");
}

#[test]
fn a_possible_reopening_is_not_a_statement() {
    assert_eq!(ex("Pilgrims are waiting for a possible reopening of the Mehran border crossing.", "2016-11-17"), []);
}

#[test]
fn a_sentence_ending_in_a_colon_speaks_of_the_crossings_listed_below_it() {
    let r = since(
        "The following BCPs officially resumed operations on March 1:\n\n- BCP “Jarteppa” between Panjakent and \
         Samarqand;\n\n- BCP “Bekabad” between Tajikistan and Uzbekistan.\n\nTrade at the Torkham crossing was normal.",
        "2018-03-01",
    );
    assert_eq!(
        r,
        [
            ("jartepa".into(), "open".into(), Some("2018-03-01".into())),
            ("bekabad".into(), "open".into(), Some("2018-03-01".into()))
        ]
    );
}

#[test]
fn a_month_with_its_year_after_a_comma_or_early_or_late_is_that_month() {
    for text in [
        "The Torkham crossing has been closed since early April, 2021.",
        "The Torkham crossing has been closed since April, 2021.",
        "The Torkham crossing has been closed since late-April 2021.",
    ] {
        let r = since(text, "2022-01-05");
        assert_eq!(r, [("torkham".into(), "closed".into(), Some("2021-04".into()))], "{text}");
    }
}

#[test]
fn the_borders_between_two_countries_are_their_border() {
    let r = ex("Borders Between Mauritania and Senegal are Officially Closed", "2020-03-22");
    assert_eq!(r, [("mr-sn-border".into(), "closed".into(), None)]);
}

#[test]
fn a_dash_between_two_timed_weekdays_is_a_period() {
    let r =
        since("No vehicles will be allowed at the Kapikule crossing, 11 pm Tuesday - 6 am Wednesday.", "2012-11-19");
    assert_eq!(r, [("kapikule".into(), "closed".into(), Some("2012-11-20T23:00".into()))]);
    let r = ex("No vehicles will be allowed at the Kapikule crossing, 11 pm Tuesday - 6 am Wednesday.", "2012-11-19");
    assert_eq!(r, [("kapikule".into(), "closed".into(), Some("2012-11-21T06:00".into()))]);
}

#[test]
fn a_closed_entrance_or_half_the_booths_restrict_the_crossing() {
    for text in [
        "One of the US-bound entrances to the Ambassador Bridge is closed for resurfacing.",
        "At the Ambassador Bridge, roughly half of the inspection booths will be closed.",
    ] {
        let r = ex(text, "2019-10-20");
        assert_eq!(r, [("detroit".into(), "restricted".into(), None)], "{text}");
    }
}

#[test]
fn a_start_told_without_a_past_tense_lies_ahead() {
    let r = since("Opening Rafah Crossing for Three Days Starting Saturday", "2016-12-09");
    assert!(r.iter().any(|(c, _, s)| c == "rafah" && s.as_deref() == Some("2016-12-10")), "{r:?}");
    let r = since("The Rafah crossing has been closed since Saturday.", "2016-12-09");
    assert_eq!(r, [("rafah".into(), "closed".into(), Some("2016-12-03".into()))]);
    let r = since("As of 8 pm Thursday, July 9, 2020, the Pharr bridge resumed operations.", "2020-07-10");
    assert!(r.iter().any(|(c, _, s)| c == "pharr" && s.as_deref() == Some("2020-07-09T20:00")), "{r:?}");
}

#[test]
fn a_number_of_things_is_not_a_year() {
    let r = ex("Close to 2000 trucks crossed the Malaba border, which was reopened.", "2023-05-17");
    assert!(r.iter().all(|(_, _, u)| u.is_none()), "{r:?}");
}

#[test]
fn hours_written_with_an_h_and_an_expected_resumption_are_read() {
    let r = since("The Lebombo border post will temporarily close from 13h00 today.", "2020-07-15");
    assert_eq!(r, [("lebombo".into(), "closed".into(), Some("2020-07-15T13:00".into()))]);
    let r = since("At the Lebombo border post, SARS is expecting operations to resume by Thursday.", "2020-07-15");
    assert_eq!(r, [("lebombo".into(), "open".into(), Some("2020-07-16".into()))]);
}

#[test]
fn the_end_of_a_named_month_is_its_last_day() {
    let r = ex("Lane closures at the Peace Arch crossing are expected until the end of March.", "2019-03-18");
    assert_eq!(r, [("blaine".into(), "restricted".into(), Some("2019-03-31".into()))]);
    let r = ex("The Peace Arch crossing will stay closed until the end of February 2024.", "2023-12-01");
    assert_eq!(r, [("blaine".into(), "closed".into(), Some("2024-02-29".into()))]);
}

#[test]
fn a_closure_or_ban_that_will_be_lifted_on_a_day_opens_then() {
    for text in [
        "The Torkham closure will be lifted on November 27.",
        "Torkham border restriction might be lifted on November 27",
        "Restrictions at Torkham will be lifted on November 27.",
    ] {
        let r = since(text, "2021-11-19");
        assert_eq!(r, [("torkham".into(), "open".into(), Some("2021-11-27".into()))], "{text}");
    }
}

#[test]
fn a_closure_taken_up_again_after_another_thing_owns_the_date_after() {
    let r = ex(
        "The Belahiya point is to remain closed from 6:00 pm today. The transit points will be sealed \
         before 48 hours of the elections and it will continue till 6:00 pm of May 4.",
        "2023-05-02",
    );
    assert_eq!(r, [("sunauli".into(), "closed".into(), Some("2023-05-04T18:00".into()))]);
    let r = ex("The Belahiya point will be sealed until the elections on May 4.", "2023-05-02");
    assert_eq!(r, [("sunauli".into(), "closed".into(), None)]);
}

#[test]
fn the_early_hours_of_a_weekday_date_the_event() {
    let r = since("The Tarajal crossing reopened in the early hours of Tuesday morning.", "2022-05-18");
    assert_eq!(r, [("tarajal".into(), "open".into(), Some("2022-05-17".into()))]);
}

#[test]
fn a_checkpoint_that_will_not_work_is_closed() {
    let r = since("Automobile checkpoints Nur Zholy and Bakhty will not work on May 1, 2021.", "2021-04-29");
    assert_eq!(
        r,
        [
            ("khorgos".into(), "closed".into(), Some("2021-05-01".into())),
            ("bakhty".into(), "closed".into(), Some("2021-05-01".into()))
        ]
    );
}

#[test]
fn a_twenty_four_hour_time_told_alone_joins_the_day_of_its_sentence() {
    let r =
        since("Yesterday, November 21, traffic blocking began at 13:30 at the Vyšné Nemecké checkpoint.", "2023-11-22");
    assert_eq!(r, [("vysne-nemecke".into(), "closed".into(), Some("2023-11-21T13:30".into()))]);
    let r = ex("The Vyšné Nemecké checkpoint will be closed on Monday until 22:00.", "2023-11-22");
    assert_eq!(r, [("vysne-nemecke".into(), "closed".into(), Some("2023-11-27T22:00".into()))]);
}

#[test]
fn the_bridges_of_one_city_are_separate_crossings() {
    let r = ex(
        "The Gateway International Bridge will be closed to motor and pedestrian traffic beginning Friday. \
         The Veterans International Bridge at Los Tomates will stay open.",
        "2024-09-22",
    );
    assert!(r.iter().any(|(c, s, _)| c == "brownsville" && s == "closed"), "{r:?}");
    assert!(r.iter().any(|(c, s, _)| c == "brownsville-veterans" && s == "open"), "{r:?}");
}

#[test]
fn during_the_closure_is_a_time_not_a_statement() {
    let r = ex(
        "To accommodate traffic during the closure, the Veterans International Bridge will be open 24 hours.",
        "2024-09-22",
    );
    assert_eq!(r, [("brownsville-veterans".into(), "open".into(), None)]);
}

#[test]
fn the_words_before_a_date_give_its_role() {
    use super::super::dates::{find, Found, Phrase, Role};
    let published = NaiveDate::from_ymd_opt(2025, 5, 1).unwrap();
    let role = |s: &str| match find(s, published).first() {
        Some(Found { phrase: Phrase::Date(role, _), .. }) => Some(*role),
        _ => None,
    };
    assert_eq!(role("The border stays closed until at least 5 May."), Some(Role::UntilAtLeast));
    assert_eq!(role("The border stays closed till about 5 May."), Some(Role::Until));
    assert_eq!(role("The border is closed starting from 5 May."), Some(Role::Since));
    assert_eq!(role("The border will reopen by 5 May."), Some(Role::By));
    assert_eq!(role("The border is closed, officials announced on 5 May."), Some(Role::Ignore));
    assert_eq!(role("The border closed on the morning of 5 May."), Some(Role::On));
    assert_eq!(role("The border reopened again 5 May."), Some(Role::On));
    assert_eq!(role("The border closed yesterday, i.e. 5 May."), Some(Role::On));
}
