//! Crossings named in ways the gazetteer alone does not catch, and sentences that say
//! which crossings the one before spoke of: each rule on sentences written for it.

use super::ex;

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
    // A time is no exception: the crossing is closed.
    let r = ex("The Namanga border will be closed every day except on Sundays.", "2020-05-17");
    assert!(r.iter().all(|(_, s, _)| s == "closed"), "{r:?}");
}

#[test]
fn quoted_names_beside_a_crossing_noun_share_the_status_of_their_list() {
    let r = ex("BCPs “Zarechye” and “Ozernoye” reopened on March 1.", "2018-03-02");
    for id in ["zarechye", "ozernoye"] {
        assert!(r.iter().any(|(c, s, _)| c == id && s == "open"), "{id}: {r:?}");
    }
}
