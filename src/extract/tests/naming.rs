//! Crossings named in ways the gazetteer alone does not catch, and sentences that say
//! which crossings the one before spoke of: each rule on sentences written for it.

use super::binding::since;
use super::{ex, one};

#[test]
fn a_land_port_is_a_crossing_and_its_name_is_read_by_pattern() {
    let r = ex("Zorinpur land port will remain shut from April 19 to April 27.", "2023-04-18");
    assert_eq!(r, [("zorinpur".to_string(), "closed".to_string(), Some("2023-04-27".to_string()))]);
}

#[test]
fn this_includes_names_the_crossings_of_the_sentence_before() {
    let r = ex(
        "The president spoke on Monday. He said the land ports will now be closed until 15 February. \
         This includes Beitbridge and Maseru Bridge.",
        "2021-01-07",
    );
    for id in ["beitbridge", "maseru-bridge"] {
        assert!(r.contains(&(id.into(), "closed".into(), Some("2021-02-15".into()))), "{id}: {r:?}");
    }
}

#[test]
fn a_closure_with_an_exception_for_some_traffic_restricts() {
    let r =
        ex("On Saturday, the president closed the Namanga border, with an exception for cargo trucks.", "2020-05-17");
    assert_eq!(r, [("namanga".to_string(), "restricted".to_string(), None)]);
    let r = ex("The Namanga border was closed to all except returning citizens.", "2020-05-17");
    assert_eq!(r, [("namanga".to_string(), "restricted".to_string(), None)]);
    let r = ex("The Namanga border has been closed to most traffic since Monday.", "2020-05-17");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "restricted"), "{r:?}");
    let r = ex("The Namanga border was closed except for individuals holding transit visas.", "2020-05-17");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "restricted"), "{r:?}");
    // "Almost" is no "most", and a time is no exception: the crossing is closed.
    let r = ex("The Namanga border, closed for almost two years, stays shut.", "2020-05-17");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "closed"), "{r:?}");
    let r = ex("The Namanga border will be closed every day except on Sundays.", "2020-05-17");
    assert!(!r.is_empty() && r.iter().all(|(_, s, _)| s == "closed"), "{r:?}");
}

#[test]
fn quoted_names_beside_a_crossing_noun_share_the_status_of_their_list() {
    let r = ex("BCPs “Zarechye” and “Ozernoye” reopened on March 1.", "2018-03-02");
    for id in ["zarechye", "ozernoye"] {
        assert!(r.iter().any(|(c, s, _)| c == id && s == "open"), "{id}: {r:?}");
    }
}

#[test]
fn the_closure_comprised_names_the_crossings_that_take_its_dates() {
    let r = ex(
        "The Bab al-Hawa crossing on the Syria–Turkey border was closed on Saturday and the closure will last till Monday. \
         The closure comprised the crossings of Jarablus and Kobani, the source said.",
        "2023-05-27",
    );
    for id in ["bab-al-hawa", "jarabulus", "kobani"] {
        assert!(
            r.iter().any(|(c, s, u)| c == id && s == "closed" && u.as_deref() == Some("2023-05-29")),
            "{id}: {r:?}"
        );
    }
}

#[test]
fn a_reopening_that_has_since_happened_at_a_time_happened_that_day() {
    let r = since("Traffic has since resumed at the Torkham crossing starting at 2:35 p.m.", "2019-02-25");
    assert_eq!(r, [("torkham".to_string(), "open".to_string(), Some("2019-02-25T14:35".to_string()))]);
}

#[test]
fn a_name_two_crossings_share_is_the_one_whose_countries_the_text_names() {
    let r = ex("Traffic at the Horgos crossing between Serbia and Hungary was halted.", "2023-05-27");
    assert_eq!(r, [("roszke".to_string(), "closed".to_string(), None)]);
    let r = ex("The Horgos port on the China–Kazakhstan border reopened.", "2023-05-27");
    assert_eq!(r, [("khorgos".to_string(), "open".to_string(), None)]);
}

#[test]
fn a_start_after_a_simple_past_of_a_change_looks_back() {
    let r = since("The region saw clearance resumed at Torugart starting Monday.", "2023-02-21");
    assert_eq!(r, [("torugart".to_string(), "open".to_string(), Some("2023-02-20".to_string()))]);
    let r = since("Torugart will be open for three days starting Monday.", "2023-02-21");
    assert_eq!(r, [("torugart".to_string(), "open".to_string(), Some("2023-02-27".to_string()))]);
}

#[test]
fn a_country_s_borders_with_a_list_of_neighbours_are_a_border_with_each() {
    let got = ex(
        "Niger reopens borders with five countries. The land borders with Algeria, Burkina Faso, Mali and Chad are \
         re-opened from today, August 1, 2023, officials in France said.",
        "2023-08-02",
    );
    let names: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["dz-ne-border", "bf-ne-border", "ml-ne-border", "ne-td-border"], "{got:?}");
    assert_eq!(
        ex("Kenya closed its border with Somalia on Saturday.", "2020-05-17"),
        one("ke-so-border", "closed", None),
        "one neighbour is one border"
    );
}

#[test]
fn a_country_s_land_borders_closed_are_its_borders() {
    for text in [
        "Azerbaijan has left closed land borders until January 1, 2025.",
        "Azerbaijan's land borders remain closed until January 1, 2025.",
        "Azerbaijan will extend the borders closure to January 1, 2025.",
    ] {
        assert_eq!(ex(text, "2024-09-25"), one("az-borders", "closed", Some("2025-01-01")), "{text}");
    }
    assert!(ex("Azerbaijan's border guards closed the road until January 1.", "2024-09-25").is_empty());
}

#[test]
fn a_bracketed_list_in_a_list_item_names_the_crossings_of_the_sentence_before() {
    let text = "Kazakhstan reopened the Tselinny checkpoint on the border with Uzbekistan.\n\n\
                From July 12, 2022, the following checkpoints of Kazakhstan will resume operation:\n\n\
                - across the border with the Russian Federation (Kondybay, Akbalshyk and Orda);\n\
                - across the border with Uzbekistan (Syrdarya and Tselinny).";
    let got = ex(text, "2022-07-12");
    for id in ["kondybay", "orda", "syrdarya-malik"] {
        assert!(got.contains(&(id.into(), "open".into(), None)), "{id}: {got:?}");
    }
    assert!(
        got.iter().all(|r| !r.0.ends_with("-border")),
        "the sentence before the list speaks of the list, not of a border: {got:?}"
    );
}
