//! Each date form, status phrase and trap the extractor handles, on passages written for
//! these tests (the labelled news passages are scored by `score-extract`, not here).

use chrono::NaiveDate;

use super::extract;
use crate::gazetteer::Gazetteer;

fn ex(text: &str, published: &str) -> Vec<(String, String, Option<String>)> {
    let published = NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
    extract(text, published, &Gazetteer::built_in(), "test")
        .into_iter()
        .map(|r| (r.crossing, r.status.to_string(), r.until))
        .collect()
}

fn one(crossing: &str, status: &str, until: Option<&str>) -> Vec<(String, String, Option<String>)> {
    vec![(crossing.into(), status.into(), until.map(Into::into))]
}

#[test]
fn month_day_and_day_month_with_the_nearest_year() {
    assert_eq!(
        ex("The Torkham crossing was reopened until April 15.", "2025-03-24"),
        one("torkham", "open", Some("2025-04-15"))
    );
    assert_eq!(
        ex("Officials said the Chaman crossing will stay closed until 15th January.", "2024-12-20"),
        one("chaman", "closed", Some("2025-01-15"))
    );
    assert_eq!(
        ex("Wagah will remain shut till Jan. 3, 2026.", "2025-12-30"),
        one("wagah", "closed", Some("2026-01-03"))
    );
}

#[test]
fn numeric_dates_take_the_reading_nearest_the_publication() {
    let r = extract(
        "From tomorrow, i.e. 12/03 from 06:00, traffic at the Terespol crossing will be suspended.",
        NaiveDate::from_ymd_opt(2024, 3, 11).unwrap(),
        &Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].since.as_deref(), Some("2024-03-12T06:00"));
    assert_eq!(r[0].status.as_str(), "closed");
}

#[test]
fn weekdays_resolve_by_tense() {
    let r = extract(
        "The Khunjerab Pass reopened on Monday after heavy snow.",
        NaiveDate::from_ymd_opt(2024, 5, 9).unwrap(),
        &Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r[0].since.as_deref(), Some("2024-05-06"), "past: the Monday before");
    let r = extract(
        "Officials will open the Allenby Bridge on Monday for passengers and goods.",
        NaiveDate::from_ymd_opt(2024, 5, 9).unwrap(),
        &Gazetteer::built_in(),
        "t",
    );
    assert_eq!(r[0].since.as_deref(), Some("2024-05-13"), "future: the Monday after");
    assert_eq!(r[0].status.as_str(), "open");
}

#[test]
fn durations_from_a_start_day() {
    assert_eq!(
        ex("Egypt will open the Rafah crossing for three days starting Saturday.", "2024-02-01"),
        one("rafah", "open", Some("2024-02-05"))
    );
    assert_eq!(
        ex("Authorities announced a three-day closure of the Erez crossing from tomorrow.", "2024-02-01"),
        one("erez", "closed", Some("2024-02-04"))
    );
    assert_eq!(
        ex("The Narva crossing was shut for two weeks due to repairs.", "2024-02-01"),
        one("narva", "closed", None),
        "a past closure with no start has no known end"
    );
}

#[test]
fn until_at_least_and_until_further_notice() {
    assert_eq!(
        ex("Finland will keep the Vaalimaa crossing closed until at least March 3.", "2024-02-01"),
        one("vaalimaa", "closed", Some("2024-03-03"))
    );
    assert_eq!(
        ex(
            "The Nuijamaa crossing was closed until March 5. Officials later said the crossing would remain closed until further notice.",
            "2024-03-01"
        ),
        one("nuijamaa", "closed", None),
        "until further notice replaces the earlier date"
    );
    assert_eq!(ex("The Imatra checkpoint has been closed indefinitely.", "2024-03-01"), one("imatra", "closed", None));
}

#[test]
fn a_reopening_date_ends_the_closure_the_day_before() {
    let r = ex("The Salla crossing, closed since November, will reopen on 15 January.", "2024-01-10");
    assert_eq!(r[0], ("salla".into(), "closed".into(), Some("2024-01-14".into())));
    assert_eq!(r[1], ("salla".into(), "open".into(), None));
}

#[test]
fn a_reopening_at_a_time_of_day_ends_the_closure_at_that_time() {
    let r = ex("The Salla crossing, closed since November, will reopen on 15 January at 9:30 a.m.", "2024-01-10");
    assert_eq!(r[0], ("salla".into(), "closed".into(), Some("2024-01-15T09:30".into())));
}

#[test]
fn a_planned_reopening_tells_of_the_closure_it_ends() {
    let r = ex("Officials agreed to reopen the Salla crossing on Sunday.", "2024-01-10");
    assert_eq!(r[0], ("salla".into(), "closed".into(), Some("2024-01-13".into())));
    assert_eq!(r[1], ("salla".into(), "open".into(), None));
}

#[test]
fn a_past_reopening_without_a_closure_is_only_an_opening() {
    assert_eq!(ex("The Salla crossing reopened on Sunday.", "2024-01-10"), one("salla", "open", None));
}

#[test]
fn the_date_a_notice_was_issued_is_not_the_crossing_s() {
    let r = ex("Under a notice issued yesterday, the Salla crossing is set to reopen.", "2024-01-10");
    assert_eq!(r, one("salla", "open", None));
}

#[test]
fn a_dateline_dates_the_report_not_the_reopening() {
    let since = |text: &str| {
        let published = NaiveDate::from_ymd_opt(2023, 12, 12).unwrap();
        extract(text, published, &Gazetteer::built_in(), "test").into_iter().map(|r| r.since).collect::<Vec<_>>()
    };
    assert_eq!(since("Helsinki, December 12, 2023: Finland will reopen the Salla crossing."), [None]);
    assert_eq!(since("December 10, 2023 – The Salla crossing reopened on Monday."), [Some("2023-12-11".into())]);
    assert_eq!(since("Helsinki, December 12, 2023, The Europe Today: the Salla crossing will reopen."), [None]);
    assert_eq!(since("Helsinki [Finland], December 12 (ANI): Finland will reopen the Salla crossing."), [None]);
    assert_eq!(since("Yesterday, the Salla crossing reopened."), [Some("2023-12-11".into())]);
    assert_eq!(since("Yesterday, from 11:30, the Salla crossing reopened."), [Some("2023-12-11T11:30".into())]);
}

#[test]
fn the_border_after_a_country_wide_statement_is_that_border() {
    let r = ex(
        "Finland will reopen two crossings on its border with Russia on Thursday. The Salla and Vartius crossings \
         will reopen. The border will be open until January 14.",
        "2023-12-12",
    );
    assert_eq!(
        r,
        vec![
            ("salla".into(), "open".into(), Some("2024-01-14".into())),
            ("vartius".into(), "open".into(), Some("2024-01-14".into())),
        ]
    );
}

#[test]
fn a_possible_closure_is_not_a_closure() {
    for text in [
        "The Salla crossing could be closed again if necessary.",
        "If the flow continues, we will close the Salla crossing.",
        "Finland threatened to shut the Salla crossing.",
    ] {
        assert_eq!(ex(text, "2023-12-12"), vec![], "{text}");
    }
}

#[test]
fn a_past_restriction_does_not_merge_into_a_planned_reopening() {
    let r = ex(
        "The Salla crossing was closed on 1 March. It will reopen on 20 March. Traffic through the Salla crossing was \
         restricted.",
        "2024-03-10",
    );
    assert_eq!(
        r,
        vec![("salla".into(), "restricted".into(), Some("2024-03-19".into())), ("salla".into(), "open".into(), None),]
    );
}

#[test]
fn a_headline_in_the_present_tense_tells_the_planned_change_below_it() {
    let r =
        ex("Finland closes Salla crossing\n\nFinland will close the Salla crossing to cars on Sunday.", "2024-03-14");
    assert_eq!(r, one("salla", "restricted", None));
}

#[test]
fn status_words() {
    for (text, status) in [
        ("The Wagah border was sealed on Thursday.", "closed"),
        ("Traffic at Hairatan was halted on Thursday.", "closed"),
        ("Trade resumed at the Torghundi crossing on Thursday.", "open"),
        ("The Bab al-Hawa crossing reopened for humanitarian aid only on Thursday.", "restricted"),
        ("The Medyka crossing reopened on Thursday for pedestrians only.", "restricted"),
        ("Kapıköy reopened on Thursday in one direction only.", "restricted"),
        ("The Taftan crossing reopened for cargo trucks on Thursday.", "restricted"),
        ("The Taftan crossing reopened for trucks and passengers on Thursday.", "open"),
        ("The Nasib crossing is not closed, officials insisted, and reopened on Thursday.", "open"),
    ] {
        let r = ex(text, "2024-06-14");
        assert_eq!(r.len(), 1, "{text}: {r:?}");
        assert_eq!(r[0].1, status, "{text}");
    }
}

#[test]
fn a_ceasefire_or_a_deadline_is_not_the_crossings_expiry() {
    assert_eq!(
        ex("The Torkham crossing remained closed despite a ceasefire that runs until March 30.", "2025-03-01"),
        one("torkham", "closed", None)
    );
    assert_eq!(
        ex(
            "Pakistan set March 31 as the deadline for refugees. The Torkham crossing was closed on Monday.",
            "2025-03-05"
        ),
        one("torkham", "closed", None)
    );
}

#[test]
fn a_postponed_opening_is_no_opening() {
    assert!(ex("The reopening of the Rafah crossing, planned for Sunday, has been postponed.", "2024-05-01").is_empty());
}

#[test]
fn crossings_not_in_the_gazetteer_are_found_by_pattern() {
    let r = ex("The Nowhere Creek border crossing was closed on Monday.", "2024-05-01");
    assert_eq!(r, one("nowhere-creek", "closed", None));
    let r = ex("Officials closed the Sasabe Port of Entry on Monday.", "2024-05-01");
    assert_eq!(r, one("sasabe", "closed", None));
}

#[test]
fn text_without_a_crossing_or_a_status_yields_nothing() {
    assert!(ex("The envoy visited Kabul from March 21 to March 23.", "2025-03-24").is_empty());
    assert!(ex("Talks on trade routes will continue until April 2.", "2025-03-24").is_empty());
    assert!(ex("", "2025-03-24").is_empty());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    const WORDS: &[&str] = &[
        "Torkham",
        "Chaman",
        "border",
        "crossing",
        "closed",
        "reopened",
        "until",
        "for",
        "days",
        "on",
        "Monday",
        "April",
        "15",
        "09/11",
        "since",
        "from",
        "tomorrow",
        "indefinitely",
        "cargo",
        "only",
        "the",
        "was",
        "will",
        "be",
        ".",
        ",",
        "ceasefire",
        "Kuźnica",
        "Šalčininkai",
        "Port",
        "of",
        "Entry",
        "i.e.",
        "after",
        "a",
        "27-day",
        "closure",
        "at",
        "least",
    ];

    fn has_date_phrase(s: &str) -> bool {
        let s = s.to_lowercase();
        s.chars().any(|c| c.is_ascii_digit())
            || [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "day", "tomorrow",
                "week", "month", "year",
            ]
            .iter()
            .any(|w| s.contains(w))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            let _ = ex(&text, "2025-03-24");
        }

        #[test]
        fn an_until_always_has_a_date_phrase_in_its_evidence(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..60)
        ) {
            let text = words.join(" ");
            let published = NaiveDate::from_ymd_opt(2025, 3, 24).unwrap();
            for r in extract(&text, published, &Gazetteer::built_in(), "t") {
                if r.until.is_some() {
                    let evidence = r.evidence.unwrap_or_default();
                    prop_assert!(has_date_phrase(&evidence), "until {:?} from {:?}", r.until, evidence);
                }
            }
        }
    }
}

#[test]
fn a_closure_for_part_of_the_day_restricts_the_crossing() {
    assert_eq!(
        ex("The Chaman crossing will be closed at night from Monday.", "2025-03-05"),
        one("chaman", "restricted", None)
    );
    assert_eq!(
        ex("Officials said Torkham will close between 10 pm and 6 am daily because of the curfew.", "2025-03-05"),
        one("torkham", "restricted", None)
    );
    assert_eq!(ex("The Chaman crossing was closed on Monday.", "2025-03-05")[0].1, "closed");
}

#[test]
fn a_closure_of_one_span_or_lane_restricts_the_crossing() {
    assert_eq!(ex("The northbound span of the Ambassador Bridge closed on Friday.", "2025-03-05")[0].1, "restricted");
    assert_eq!(ex("The Ambassador Bridge closed on Friday.", "2025-03-05")[0].1, "closed");
}

#[test]
fn a_day_of_last_this_or_next_month_is_read_against_the_publication() {
    assert_eq!(
        ex("The Khunjerab Pass was opened from 30th of last month to 10th of this month.", "2023-02-05"),
        one("khunjerab", "open", Some("2023-02-10"))
    );
    assert_eq!(
        ex("The Torkham crossing will stay closed until the 3rd of next month.", "2024-12-20"),
        one("torkham", "closed", Some("2025-01-03"))
    );
}

#[test]
fn an_opening_with_no_start_is_not_ended_by_a_closure_told_beside_it() {
    let r = ex(
        "Officials announced the opening of the Torkham crossing after it was closed on March 27 over the outbreak.",
        "2020-07-14",
    );
    assert!(r.iter().all(|(_, status, until)| status != "open" || until.is_none()), "{r:?}");
}

#[test]
fn unblocking_clearing_and_lifting_a_closure_open_a_crossing() {
    assert_eq!(ex("Police said the Torkham crossing was cleared for traffic on Monday.", "2025-03-05")[0].1, "open");
    assert_eq!(ex("Truck traffic at the Chaman crossing was unblocked on Monday.", "2025-03-05")[0].1, "open");
    assert_eq!(ex("Islamabad lifted the closure of the Torkham crossing on Monday.", "2025-03-05")[0].1, "open");
    assert_eq!(ex("The Wagah crossing was shuttered on Monday.", "2025-03-05")[0].1, "closed");
}

#[test]
fn an_opening_dated_by_its_year_alone_is_history_and_gets_no_end() {
    let r =
        ex("The Ambassador Bridge closed on July 5 for repairs. The Ambassador Bridge opened in 1929.", "2023-07-06");
    assert!(r.iter().all(|(_, status, until)| status != "open" || until.is_none()), "{r:?}");
}

#[test]
fn a_plural_pronoun_takes_every_crossing_the_sentence_before_named() {
    let r = ex(
        "The Torkham and Chaman crossings have been closed for two weeks. Their operations will resume on Thursday.",
        "2025-11-19",
    );
    for id in ["torkham", "chaman"] {
        assert!(r.contains(&(id.to_string(), "open".to_string(), None)), "{id}: {r:?}");
        assert!(r.contains(&(id.to_string(), "closed".to_string(), Some("2025-11-19".to_string()))), "{id}: {r:?}");
    }
}

#[test]
fn next_weekdays_times_before_weekdays_and_the_end_of_the_month() {
    assert_eq!(
        ex("The Torkham border closure will remain in place through next Monday.", "2025-01-10"),
        one("torkham", "closed", Some("2025-01-13"))
    );
    assert_eq!(
        ex("The Torkham crossing will be closed from 6 p.m. Friday until 6 a.m. Monday.", "2025-01-08"),
        one("torkham", "closed", Some("2025-01-13T06:00"))
    );
    assert_eq!(
        ex("The Torkham crossing will remain closed until the end of the month.", "2025-02-10"),
        one("torkham", "closed", Some("2025-02-28"))
    );
}

#[test]
fn a_shared_border_or_a_named_pair_border_is_a_country_wide_statement() {
    assert_eq!(
        ex("Brazil said Venezuela ordered the countries' shared border closed until Monday.", "2025-01-10"),
        one("br-ve-border", "closed", Some("2025-01-13"))
    );
    assert_eq!(
        ex("The Kenya-Ethiopia border was closed on Friday.", "2025-01-10"),
        one("et-ke-border", "closed", None)
    );
}

#[test]
fn a_habit_is_not_a_status() {
    assert_eq!(ex("Due to heavy snow the Khunjerab Pass remains closed in winter mostly.", "2023-02-05"), vec![]);
    assert_eq!(ex("The Khunjerab Pass remains closed because of heavy snow.", "2023-02-05")[0].1, "closed");
}

#[test]
fn one_kind_of_traffic_restricts_and_people_with_goods_does_not() {
    assert_eq!(
        ex("The Torkham crossing reopened for passenger cars and buses on Monday.", "2025-03-05")[0].1,
        "restricted"
    );
    assert_eq!(ex("The Torkham crossing reopened for people and trade on Monday.", "2025-03-05")[0].1, "open");
}

#[test]
fn a_closure_to_one_kind_of_traffic_restricts_the_crossing() {
    assert_eq!(ex("The Torkham crossing was closed to freight traffic on Monday.", "2025-03-05")[0].1, "restricted");
    assert_eq!(ex("The Torkham crossing was closed to all traffic on Monday.", "2025-03-05")[0].1, "closed");
    assert_eq!(ex("The Torkham crossing was closed for security reasons on Monday.", "2025-03-05")[0].1, "closed");
}

#[test]
fn operating_as_usual_is_open_and_a_closure_for_passengers_is_a_restriction() {
    assert_eq!(ex("The Torkham crossing will operate as usual.", "2025-03-05"), one("torkham", "open", None));
    assert_eq!(
        ex("Pakistan will close the Torkham border crossing for passengers as of Sunday.", "2025-03-05")[0].1,
        "restricted"
    );
}

#[test]
fn dotted_dates_are_day_month_year() {
    assert_eq!(
        ex("The Torkham crossing will remain closed until 03.01.2025.", "2024-12-20"),
        one("torkham", "closed", Some("2025-01-03"))
    );
}

#[test]
fn a_time_alone_as_an_end_is_on_the_day_the_sentence_names() {
    assert_eq!(
        ex("On February 14, the Torkham crossing will be open for cargo until 10.00 pm.", "2018-02-10"),
        one("torkham", "restricted", Some("2018-02-14T22:00"))
    );
    assert_eq!(
        ex("The Torkham crossing was closed today until 1.45pm.", "2024-12-15"),
        one("torkham", "closed", Some("2024-12-15T13:45"))
    );
}

#[test]
fn traffic_allowed_or_vehicles_allowed_to_pass_open_a_crossing() {
    assert_eq!(
        ex("All types of transport were allowed to pass through the Torkham checkpoint on Sunday.", "2024-12-15")[0].1,
        "open"
    );
    assert_eq!(
        ex("At the Torkham crossing the traffic was allowed for passenger cars and buses.", "2024-12-15")[0].1,
        "restricted"
    );
}

#[test]
fn a_crossing_that_is_operating_is_open() {
    assert_eq!(ex("The Torkham checkpoint is currently operating.", "2025-03-05"), one("torkham", "open", None));
}

#[test]
fn it_at_the_start_of_a_sentence_is_the_crossing_named_last() {
    let r = ex("The Chaman crossing was closed on Tuesday. It will reopen on 15 May.", "2025-05-02");
    assert!(r.contains(&("chaman".into(), "open".into(), None)), "{r:?}");
    assert!(r.contains(&("chaman".into(), "closed".into(), Some("2025-05-14".into()))), "{r:?}");
}

#[test]
fn the_papers_own_weekday_is_its_day_and_next_or_last_moves_it_a_week() {
    let since = |text: &str| {
        let records = extract(text, NaiveDate::from_ymd_opt(2025, 4, 15).unwrap(), &Gazetteer::built_in(), "t");
        records.into_iter().find(|r| r.status.as_str() == "open").and_then(|r| r.since)
    };
    assert_eq!(since("The Torkham crossing will reopen on Tuesday.").as_deref(), Some("2025-04-15"));
    assert_eq!(since("The Torkham crossing will reopen next Tuesday.").as_deref(), Some("2025-04-22"));
    assert_eq!(since("The Torkham crossing reopened last Tuesday.").as_deref(), Some("2025-04-08"));
    assert_eq!(since("The Torkham crossing reopened on Tuesday.").as_deref(), Some("2025-04-15"));
}

#[test]
fn compound_numbers_and_the_end_of_next_year() {
    assert_eq!(
        ex("The Wagah crossing will be closed for twenty-one days from 1 May.", "2025-04-16"),
        one("wagah", "closed", Some("2025-05-21"))
    );
    assert_eq!(
        ex("The Wagah crossing will stay closed until the end of next year.", "2025-04-16"),
        one("wagah", "closed", Some("2026-12-31"))
    );
}

#[test]
fn a_time_before_its_day_dates_the_end() {
    assert_eq!(
        ex("The Torkham crossing will be closed from 6.00 am (April 15) to 6.00 pm (April 17).", "2025-04-10"),
        one("torkham", "closed", Some("2025-04-17T18:00"))
    );
    assert_eq!(
        ex("The Chaman crossing will stay shut until 09:10 local time on December 15, 2024.", "2024-12-10"),
        one("chaman", "closed", Some("2024-12-15T09:10"))
    );
}

#[test]
fn noon_before_a_weekday_is_its_time() {
    assert_eq!(
        ex("The Wagah crossing will stay closed until noon Thursday.", "2025-04-16"),
        one("wagah", "closed", Some("2025-04-17T12:00"))
    );
}

#[test]
fn a_weekday_before_a_date_and_midnight_after_one() {
    assert_eq!(
        ex("The Wagah crossing will stay closed until Friday at midnight.", "2025-04-16"),
        one("wagah", "closed", Some("2025-04-19T00:00"))
    );
    assert_eq!(
        ex("The Torkham crossing will be closed from Sunday, October 9 until Tuesday, October 11.", "2022-09-21"),
        one("torkham", "closed", Some("2022-10-11"))
    );
}

#[test]
fn an_initial_or_further_length_is_a_length() {
    assert_eq!(
        ex("The Wagah crossing will be closed from 1 May for an initial ten-day period.", "2025-04-16"),
        one("wagah", "closed", Some("2025-05-10"))
    );
}

#[test]
fn two_days_of_one_month_are_a_start_and_an_end() {
    for text in [
        "The Wagah crossing will be closed from 15 to 20 April.",
        "The Wagah crossing will be closed April 15-20.",
        "The Wagah crossing will be closed between 15 and 20 April.",
    ] {
        let r = extract(text, NaiveDate::from_ymd_opt(2025, 4, 10).unwrap(), &Gazetteer::built_in(), "t");
        assert_eq!(r.len(), 1, "{text}: {r:?}");
        assert_eq!((r[0].since.as_deref(), r[0].until.as_deref()), (Some("2025-04-15"), Some("2025-04-20")), "{text}");
    }
}

#[test]
fn twelve_a_m_is_midnight() {
    assert_eq!(
        ex("The Wagah crossing will stay closed until Sept. 24 at 12:01 a.m.", "2024-09-22"),
        one("wagah", "closed", Some("2024-09-24T00:01"))
    );
}

#[test]
fn the_next_weekday_follows_the_day_named_before_it() {
    let r = ex(
        "The Torkham crossing will be closed from Sunday, October 9 until Monday, and again from the next Sunday until Monday.",
        "2022-09-21",
    );
    assert_eq!(r, one("torkham", "closed", Some("2022-10-17")));
}

mod binding;
mod confidence;
mod mentions;
mod naming;
mod scope;
mod timeline;
