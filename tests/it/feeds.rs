//! Government feeds, read from the real captures in `tests/fixtures/feeds/`.

use std::path::PathBuf;
use std::sync::Arc;

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::formats::{self, Format};
use borderwatch::gazetteer::Gazetteer;
use borderwatch::model::{AlertKind, Status};
use borderwatch::poll::{Outcome, Poller};
use borderwatch::store::Store;
use chrono::{DateTime, Utc};

use crate::helpers::{feed_fixture, tempdir};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2022-07-01T01:00:00Z").unwrap().with_timezone(&Utc)
}

fn records(name: &str) -> Vec<borderwatch::model::Record> {
    records_as(Format::CbpJson, &std::fs::read(feed_fixture(name)).unwrap())
}

/// A body read by an adapter and normalized, as a poll would.
fn records_as(format: Format, body: &[u8]) -> Vec<borderwatch::model::Record> {
    let g = Gazetteer::built_in();
    formats::parse(format, "feed", body, &g, now())
        .unwrap()
        .into_iter()
        .map(|r| borderwatch::normalize::normalize(r, "feed", &g, now()).unwrap())
        .collect()
}

#[test]
fn every_cbp_json_capture_parses_with_its_values() {
    let all = records("cbp_bwtnew_2022-06-29.json");
    assert_eq!(all.len(), 76);
    let blaine = all.iter().find(|r| r.crossing == "cbp-300401-pacific-highway").unwrap();
    assert_eq!(blaine.name, "Blaine – Pacific Highway");
    assert_eq!(blaine.status, Status::Restricted);
    assert_eq!(blaine.scope.as_deref(), Some("lanes closed: commercial FAST, passenger Ready"));
    assert_eq!(blaine.tz, "America/Los_Angeles");
    assert_eq!(blaine.countries, ["US", "CA"]);
    assert_eq!(borderwatch::model::format_instant(&blaine.observed_at), "2022-06-29T17:25:16Z", "10:25:16 PDT");
    let alex = all.iter().find(|r| r.crossing == "cbp-070801-thousand-islands-bridge").unwrap();
    assert_eq!((alex.status, alex.tz.as_str()), (Status::Open, "America/New_York"));
    assert_eq!(borderwatch::model::format_instant(&alex.observed_at), "2022-06-29T17:25:16Z", "13:25:16 EDT");
    assert_eq!(all.iter().filter(|r| r.countries == ["US", "MX"]).count(), 46, "46 ports on the Mexican border");

    let later = records("cbp_bwtpublicmod_2022-07-01.json");
    assert_eq!(later.len(), 76);
    let milltown = later.iter().find(|r| r.crossing == "cbp-011502-milltown").unwrap();
    assert_eq!(milltown.status, Status::Open, "Closed at 20:32 with hours 6 am-6 pm is the nightly closure");
    assert_eq!(milltown.scope.as_deref(), Some("hours 6 am-6 pm"));

    let one = records("cbp_bwtpublicmod_300401_2022-07-01.json");
    assert_eq!(one.len(), 1, "the single-port endpoint is one object");
    assert_eq!(one[0].crossing, "cbp-300401-pacific-highway");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_before_and_after_pair_gives_exactly_its_status_changes() {
    let dir = tempdir();
    let feed = dir.path().join("bwt.json");
    std::fs::copy(feed_fixture("cbp_bwtnew_2022-06-29.json"), &feed).unwrap();
    std::fs::write(
        dir.path().join("bw.toml"),
        "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"cbp\"\nformat = \"cbp-json\"\npath = \"bwt.json\"\nschedule = \"*/15 * * * *\"\n",
    )
    .unwrap();
    let config = Config::load(&dir.path().join("bw.toml")).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    let p = Poller::new(Arc::new(config), store, Arc::new(FixedClock::new(now())));
    let f = p.config.feeds[0].clone();
    let r = p.poll(&f).await;
    assert!(matches!(r.outcome, Ok(Outcome::Baseline(ref s)) if s.len() == 76), "{:?}", r.outcome);
    assert!(r.alerts.is_empty());
    std::fs::copy(feed_fixture("cbp_bwtpublicmod_2022-07-01.json"), &feed).unwrap();
    let r = p.poll(&f).await;
    let mut changes: Vec<(String, Status, Status)> = r
        .alerts
        .iter()
        .map(|a| {
            assert_eq!(a.alert, AlertKind::StatusChanged);
            (a.crossing.clone().unwrap(), a.previous.as_ref().unwrap().status, a.record.as_ref().unwrap().status)
        })
        .collect();
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    let expected = [
        ("cbp-070801-thousand-islands-bridge", Status::Open, Status::Restricted),
        ("cbp-230403-colombia-solidarity", Status::Restricted, Status::Open),
        ("cbp-240301", Status::Open, Status::Restricted),
        ("cbp-240601", Status::Open, Status::Restricted),
        ("cbp-250401", Status::Open, Status::Restricted),
        ("cbp-250407-pedwest", Status::Open, Status::Restricted),
        ("cbp-250501", Status::Open, Status::Restricted),
        ("cbp-260301", Status::Restricted, Status::Open),
        ("cbp-535502-veterans-international", Status::Open, Status::Restricted),
        ("cbp-535504-gateway", Status::Open, Status::Restricted),
    ];
    let expected: Vec<(String, Status, Status)> = expected.iter().map(|(c, a, b)| ((*c).to_string(), *a, *b)).collect();
    assert_eq!(
        changes, expected,
        "lane closures and reopenings only; wait times and the nightly Milltown closure are no change"
    );
}

#[test]
fn malformed_cbp_bodies_name_the_feed_and_the_place() {
    let g = Gazetteer::built_in();
    let full = std::fs::read(feed_fixture("cbp_bwtnew_2022-06-29.json")).unwrap();
    let truncated = &full[..full.len() / 2];
    let cases: Vec<(&[u8], &str)> = vec![
        (truncated, "at line"),
        (b"42", "at document: expected an array of ports"),
        (br#"[{"port_number":"070801","port_name":"Alexandria Bay"}]"#, "at [0].port_status: missing"),
        (br#"[{"port_name":"X","port_status":"Open"}]"#, "at [0].port_number: missing"),
        (b"\xff\xfe[]", "at byte 0: invalid UTF-8"),
    ];
    for (body, place) in cases {
        let e = formats::parse(Format::CbpJson, "us-cbp", body, &g, now()).unwrap_err().to_string();
        assert!(e.starts_with("feed us-cbp: cannot parse cbp-json"), "{e}");
        assert!(e.contains(place), "{place}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_ten_days_of_brownsville_rss_alerts_on_lane_closures_never_on_update_pending() {
    let dir = feed_fixture("series/cbp_bwtrss_brownsville");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 424);
    let (alerts, n) = borderwatch::commands::replay::replay(None, Format::CbpRss, files, None).await.unwrap();
    assert_eq!(n, 424);
    for a in &alerts {
        println!("{}  {}", a.at, a.message);
    }
    assert!(alerts.iter().all(|a| a.alert == AlertKind::StatusChanged), "no feed or expiry alerts in this series");
    for a in &alerts {
        let (before, after) = (a.previous.as_ref().unwrap(), a.record.as_ref().unwrap());
        let lanes = |r: &borderwatch::model::Record| r.scope.as_deref().is_some_and(|s| s.contains("lanes closed"));
        assert!(lanes(before) != lanes(after), "every alert is a lane type closing or reopening: {a:?}");
        assert!(
            !after.evidence.as_deref().unwrap_or("").contains("Update Pending"),
            "never from an Update Pending snapshot: {a:?}"
        );
    }
    assert_eq!(alerts.len(), 110, "lane closures and reopenings of the four bridges over ten days");
    let first: Vec<(&str, &str)> = alerts.iter().take(3).map(|a| (a.at.as_str(), a.message.as_str())).collect();
    assert_eq!(
        first,
        [
            (
                "2026-08-12T06:55:39Z",
                "Brownsville - Veterans International: open: hours 6 am-Midnight (was restricted: lanes closed: \
                 passenger vehicles Ready) · via replay"
            ),
            (
                "2026-08-12T11:34:27Z",
                "Brownsville - B&M: open (was restricted: lanes closed: pedestrian General) · via replay"
            ),
            (
                "2026-08-12T11:34:27Z",
                "Brownsville - Los Indios: restricted: lanes closed: commercial vehicles General, commercial \
                 vehicles Fast, passenger vehicles Ready; hours 6 am-10 pm (was open) · via replay"
            ),
        ]
    );
}

#[test]
fn a_dated_closure_in_a_construction_notice_becomes_the_ports_record_when_it_begins() {
    let port = r#"[{"port_number":"070801","border":"Canadian Border","port_name":"Alexandria Bay",
        "crossing_name":"Thousand Islands Bridge","hours":"24 hrs/day","date":"7/1/2022","time":"10:00:00",
        "port_status":"Open","passenger_vehicle_lanes":{"standard_lanes":{"update_time":"At 10:00 am EDT",
        "operational_status":"no delay","delay_minutes":"0","lanes_open":"3"}},
        "construction_notice":"The bridge will be closed to all traffic from July 4 until July 6 for deck repairs. A Ready Lane is available from 2-6pm."}]"#;
    let g = Gazetteer::built_in();
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    let raw = formats::parse(Format::CbpJson, "cbp", port.as_bytes(), &g, at("2022-07-01T14:00:00Z")).unwrap();
    assert_eq!(raw.len(), 2, "the port and its dated closure; lane hours are not a status: {raw:#?}");
    let (before, _) =
        borderwatch::normalize::snapshot(raw.clone(), "cbp", "cbp-json", &g, at("2022-07-01T14:00:00Z")).unwrap();
    assert_eq!(before["cbp-070801-thousand-islands-bridge"].status, Status::Open);
    let (during, _) = borderwatch::normalize::snapshot(raw, "cbp", "cbp-json", &g, at("2022-07-04T14:00:00Z")).unwrap();
    let r = &during["cbp-070801-thousand-islands-bridge"];
    assert_eq!((r.status, r.until.as_deref()), (Status::Closed, Some("2022-07-06")));
    assert_eq!(
        borderwatch::model::format_instant(&r.expires_at.unwrap()),
        "2022-07-07T04:00:00Z",
        "end of 6 July, Eastern"
    );
}

#[test]
fn the_cbp_xml_capture_reads_like_the_json_one() {
    let g = Gazetteer::built_in();
    let recs = records_as(Format::CbpXml, &std::fs::read(feed_fixture("cbp_bwt_xml_legacy_2014-04-28.xml")).unwrap());
    assert_eq!(recs.len(), 71, "<number_of_ports>71</number_of_ports>");
    let alex = recs.iter().find(|r| r.crossing == "cbp-070801-thousand-islands-bridge").unwrap();
    assert_eq!(alex.status, Status::Restricted, "its NEXUS/SENTRI lanes were closed");
    assert_eq!(alex.scope.as_deref(), Some("lanes closed: passenger NEXUS/SENTRI"));
    assert_eq!(
        borderwatch::model::format_instant(&alex.observed_at),
        "2014-04-29T01:41:01Z",
        "21:41:1 Eastern, unpadded"
    );
    let milltown = recs.iter().find(|r| r.crossing == "cbp-011502-milltown").unwrap();
    assert_eq!(milltown.status, Status::Open, "closed at 21:41 outside hours 6 am-6 pm: the nightly closure");
    assert_eq!(recs.iter().filter(|r| r.status == Status::Closed).count(), 11);
    let bm = recs.iter().find(|r| r.crossing == "cbp-535501-b-m").expect("B&amp;M read as B&M");
    assert_eq!(bm.name, "Brownsville – B&M");

    // Construction notices come as CDATA; a dated closure in one is read as in cbp-json.
    let xml = "<border_wait_time><last_updated_date>2022-7-1</last_updated_date><last_updated_time>10:0:0</last_updated_time>\
        <port><port_number>070801</port_number><border>Canadian Border</border><port_name>Alexandria Bay</port_name>\
        <crossing_name>Thousand Islands Bridge</crossing_name><hours>24 hrs/day</hours><port_status>Open</port_status>\
        <construction_notice><![CDATA[The bridge will be closed to all traffic from July 4 until July 6 for deck repairs.]]>\
        </construction_notice></port></border_wait_time>";
    let raw = formats::parse(Format::CbpXml, "cbp", xml.as_bytes(), &g, now()).unwrap();
    assert_eq!(raw.len(), 2, "the port and the closure in its CDATA notice: {raw:#?}");
    assert_eq!(raw[1].until.as_deref(), Some("2022-07-06"));

    for (bad, place) in [
        (&b"<border_wait_time><port><port_number>1</port_number>"[..], "ends inside an element"),
        (
            &b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol \"lol\">]><border_wait_time/>"[..],
            "DOCTYPE is not allowed",
        ),
        (&b"<html><body>Service unavailable</body></html>"[..], "no <border_wait_time>"),
    ] {
        let e = formats::parse(Format::CbpXml, "cbp", bad, &g, now()).unwrap_err().to_string();
        assert!(e.starts_with("feed cbp: cannot parse cbp-xml at document") && e.contains(place), "{e}");
    }
}

#[test]
fn the_cbsa_csv_capture_parses_and_its_malformed_variants_name_the_line() {
    let body = std::fs::read(feed_fixture("cbsa_bwt-eng_csv_2012-09-27_partial.csv")).unwrap();
    let g = Gazetteer::built_in();
    let parse = |b: &[u8]| formats::parse(Format::CbsaCsv, "cbsa", b, &g, now());
    let recs: Vec<_> = parse(&body)
        .unwrap()
        .into_iter()
        .map(|r| borderwatch::normalize::normalize(r, "cbsa", &g, now()).unwrap())
        .collect();
    assert_eq!(recs.len(), 8);
    assert_eq!(recs[0].crossing, "cbsa-st-stephen");
    assert_eq!(recs[0].tz, "America/Halifax");
    assert_eq!(borderwatch::model::format_instant(&recs[0].observed_at), "2012-09-27T18:52:00Z", "15:52 ADT");
    assert_eq!(borderwatch::model::format_instant(&recs[4].observed_at), "2012-09-27T18:05:00Z", "Stanstead 14:05 EDT");
    assert!(recs.iter().all(|r| r.status == Status::Open));

    let with_bom = [b"\xef\xbb\xbf".as_slice(), &body].concat();
    assert_eq!(parse(&with_bom).unwrap().len(), 8, "a BOM is skipped");
    let text = String::from_utf8(body.clone()).unwrap();
    let short = text.replacen("No delay;; --;; No delay;; --;;", "No delay;;", 1);
    let e = parse(short.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("cannot parse cbsa-csv at line 3: 4 fields where the header has 7"), "{e}");
    let e = parse(b"<html>error</html>").unwrap_err().to_string();
    assert!(e.contains("at line 1: expected a `Customs Office"), "{e}");
    let e = parse(b"\xff\xfe").unwrap_err().to_string();
    assert!(e.contains("at document: not UTF-8"), "{e}");
}

#[test]
fn each_belarus_queue_snapshot_is_one_open_checkpoint_without_plates() {
    let text = std::fs::read_to_string(feed_fixture("by_belarusborder_monitoring_brest_2024-09-30.jsonl")).unwrap();
    let g = Gazetteer::built_in();
    let mut seen = Vec::new();
    for line in text.lines() {
        let raw = formats::parse(Format::ByEqueue, "by", line.as_bytes(), &g, now()).unwrap();
        let r = borderwatch::normalize::normalize(raw.into_iter().next().unwrap(), "by", &g, now()).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("AM20354") && !json.contains("0111II1"), "no plate leaves the adapter: {json}");
        seen.push((r.crossing, r.status, borderwatch::model::format_instant(&r.observed_at), r.evidence.unwrap()));
    }
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].0, "by-brest-bts");
    assert_eq!(seen[0].1, Status::Open);
    assert_eq!(seen[0].3, "electronic queue: trucks 0, buses 4, cars 6, motorcycles 0");
    assert!(seen[0].2.starts_with("2024-09-30T"), "latest change in the queues, Minsk time to UTC: {}", seen[0].2);
    let e = formats::parse(Format::ByEqueue, "by", br#"{"carLiveQueue": []}"#, &g, now()).unwrap_err().to_string();
    assert!(e.contains("cannot parse by-equeue at info: missing"), "{e}");
}

#[test]
fn the_cbsa_page_gives_its_25_offices_with_colonless_offsets_read_right() {
    let g = Gazetteer::built_in();
    let recs = records_as(Format::CbsaHtml, &std::fs::read(feed_fixture("cbsa_bwt_menu-eng_2022-07-07.html")).unwrap());
    assert_eq!(recs.len(), 25);
    assert_eq!(recs[0].crossing, "cbsa-st-stephen");
    assert_eq!(borderwatch::model::format_instant(&recs[0].observed_at), "2022-07-07T12:52:00Z", "09:52-0300");
    assert_eq!(recs[0].tz, "America/Halifax");
    assert!(recs.iter().any(|r| r.tz == "America/Vancouver"));
    let csv_names: Vec<_> = records_of(Format::CbsaCsv, "cbsa_bwt-eng_csv_2012-09-27_partial.csv");
    assert!(csv_names.iter().all(|id| recs.iter().any(|r| &r.crossing == id)), "same ids as the CSV: {csv_names:?}");
    let e = formats::parse(Format::CbsaHtml, "cbsa", b"<html><body>Maintenance</body></html>", &g, now()).unwrap_err();
    assert!(e.to_string().contains("cannot parse cbsa-html at document: no table #bwttaf"), "{e}");
}

fn records_of(format: Format, name: &str) -> Vec<String> {
    let g = Gazetteer::built_in();
    formats::parse(format, "x", &std::fs::read(feed_fixture(name)).unwrap(), &g, now())
        .unwrap()
        .into_iter()
        .filter_map(|r| r.crossing)
        .collect()
}

/// A feed body that is not a real capture, for the formats that have none: news items
/// (rss, atom) and any status table (json, csv, read through `[feed.fields]`).
fn news_rss() -> Vec<u8> {
    let mut items = String::new();
    for (i, text) in NEWS.iter().enumerate() {
        items.push_str(&format!(
            "<item><title>Border news {i}</title><link>https://news.example/{i}</link>\
             <pubDate>Mon, 2{i} Jun 2022 08:00:00 GMT</pubDate><description>{text}</description></item>\n"
        ));
    }
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>news</title>\n{items}</channel></rss>\n")
        .into_bytes()
}

fn news_atom() -> Vec<u8> {
    let mut entries = String::new();
    for (i, text) in NEWS.iter().enumerate() {
        entries.push_str(&format!(
            "<entry><title>Border news {i}</title><id>urn:news:{i}</id><link href=\"https://news.example/{i}\"/>\
             <updated>2022-06-2{i}T08:00:00Z</updated><summary>{text}</summary></entry>\n"
        ));
    }
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>news</title><id>urn:news</id><updated>2022-06-29T08:00:00Z</updated>\n{entries}</feed>\n")
        .into_bytes()
}

const NEWS: [&str; 3] = [
    "The Torkham border crossing was closed on Monday after clashes between border guards.",
    "The Chaman border crossing was temporarily reopened until July 15 for pedestrians and trucks.",
    "Wagah remained closed to trade while officials met in Lahore to discuss the crossing.",
];

const TABLE: [(&str, &str, &str); 5] = [
    ("Torkham", "SHUT", "2030-01-01"),
    ("Chaman", "GO", "2030-02-01"),
    ("Wagah", "GO", ""),
    ("Taftan", "SHUT", ""),
    ("Ghulam Khan", "SHUT", ""),
];

fn status_json() -> Vec<u8> {
    let rows: Vec<_> =
        TABLE.iter().map(|(w, s, u)| serde_json::json!({"where": w, "state": s, "valid_to": u})).collect();
    serde_json::to_vec_pretty(&serde_json::json!({ "crossings": rows })).unwrap()
}

fn status_csv() -> Vec<u8> {
    let mut text = String::from("where,state,valid_to\n");
    for (w, s, u) in TABLE {
        text.push_str(&format!("{w},{s},{u}\n"));
    }
    text.into_bytes()
}

const MAPPING: &str = "[feed.fields]\nname = \"where\"\nstatus = \"state\"\nuntil = \"valid_to\"\n[feed.status_map]\nGO = \"open\"\nSHUT = \"closed\"\n";

/// One format's good body and the errors its broken variants must give.
struct Malformed<'a> {
    format: &'a str,
    good: Vec<u8>,
    /// Lines added to the `[[feed]]` section.
    config: String,
    /// Where the error must point when the body is cut in half.
    truncated: &'a str,
    /// Where it must point with two bytes that are not UTF-8 at byte 200 (or halfway).
    encoding: &'a str,
    /// The format's own broken bodies: (what, body, where).
    specific: Vec<(&'a str, Vec<u8>, &'a str)>,
}

/// A real capture (or, for the formats without one, a body written here), then each
/// malformed variant of it, as consecutive polls of one feed: every variant is a parse
/// error naming the feed, the format and the place, and the stored records stay exactly
/// as the good body left them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_malformed_variant_of_every_format_names_its_place_and_keeps_the_state() {
    let html = std::fs::read_to_string(feed_fixture("cbsa_bwt_menu-eng_2022-07-07.html")).unwrap();
    let equeue = std::fs::read_to_string(feed_fixture("by_belarusborder_monitoring_brest_2024-09-30.jsonl")).unwrap();
    let equeue = equeue.lines().next().unwrap().to_string();
    let csv = std::fs::read_to_string(feed_fixture("cbsa_bwt-eng_csv_2012-09-27_partial.csv")).unwrap();
    let csv_header = csv.lines().next().unwrap();
    let json_mapping = format!("records = \"/crossings\"\n{MAPPING}").replace(
        "[feed.fields]\nname = \"where\"\nstatus = \"state\"\nuntil = \"valid_to\"\n",
        "[feed.fields]\nname = \"/where\"\nstatus = \"/state\"\nuntil = \"/valid_to\"\n",
    );
    let cases = vec![
        Malformed {
            format: "cbp-json",
            good: std::fs::read(feed_fixture("cbp_bwtnew_2022-06-29.json")).unwrap(),
            config: String::new(),
            truncated: "at line 3073 column 9: EOF while parsing a value",
            encoding: "at byte 200: invalid UTF-8",
            specific: vec![
                ("wrong root", b"<html>down</html>".to_vec(), "at line 1 column 1"),
                (
                    "missing field",
                    br#"[{"port_name":"X","port_status":"Open"}]"#.to_vec(),
                    "at [0].port_number: missing",
                ),
            ],
        },
        Malformed {
            format: "cbp-rss",
            good: std::fs::read(feed_fixture("cbp_bwtrss_brownsville_20260813T060823Z.xml")).unwrap(),
            config: String::new(),
            truncated: "at byte 1476: truncated: the document ends before </rss>",
            encoding: "at byte 200: invalid UTF-8",
            specific: vec![
                ("wrong root", br#"{"ports": []}"#.to_vec(), "at document: not an RSS document"),
                (
                    "missing field",
                    b"<rss><channel><item><title>Brownsville - B&amp;M</title></item></channel></rss>".to_vec(),
                    "at item[0].description: missing",
                ),
            ],
        },
        Malformed {
            format: "cbp-xml",
            good: std::fs::read(feed_fixture("cbp_bwt_xml_legacy_2014-04-28.xml")).unwrap(),
            config: String::new(),
            truncated: "at document: the document ends inside an element",
            // The legacy XML declares no encoding; the bad bytes land in a tag name.
            encoding: "at byte 235: ill-formed document",
            specific: vec![
                ("wrong root", b"<html><body>down</body></html>".to_vec(), "at document: no <border_wait_time>"),
                (
                    "missing field",
                    b"<border_wait_time><port><port_name>X</port_name></port></border_wait_time>".to_vec(),
                    "port_number",
                ),
            ],
        },
        Malformed {
            format: "cbsa-csv",
            good: std::fs::read(feed_fixture("cbsa_bwt-eng_csv_2012-09-27_partial.csv")).unwrap(),
            config: String::new(),
            truncated: "at line 5: 2 fields where the header has 7",
            encoding: "at document: not UTF-8",
            specific: vec![
                ("wrong root", br#"{"offices": []}"#.to_vec(), "at line 1: expected a `Customs Office;;"),
                (
                    "missing field",
                    format!("{csv_header}\nX;;Y\n").into_bytes(),
                    "at line 2: 2 fields where the header has",
                ),
            ],
        },
        Malformed {
            format: "cbsa-html",
            good: html.clone().into_bytes(),
            config: String::new(),
            truncated: "at byte 17111: truncated: table #bwttaf is not closed",
            encoding: "at byte 200: invalid UTF-8",
            specific: vec![
                ("wrong root", b"<html><body>Maintenance</body></html>".to_vec(), "at document: no table #bwttaf"),
                ("missing field", html.replace("<time", "<span").into_bytes(), "at row 1: no <time datetime>"),
            ],
        },
        Malformed {
            format: "by-equeue",
            good: equeue.clone().into_bytes(),
            config: String::new(),
            truncated: "at line 1 column 1042: EOF while parsing",
            encoding: "at byte 200: invalid UTF-8",
            specific: vec![
                ("wrong root", b"[1, 2, 3]".to_vec(), "at document"),
                ("missing field", br#"{"carLiveQueue": []}"#.to_vec(), "at info: missing"),
            ],
        },
        Malformed {
            format: "borderwatch-json",
            good: crate::helpers::native(&[("torkham", "open", None)]).into_bytes(),
            config: String::new(),
            truncated: "at line 1 column 32: EOF while parsing a string",
            encoding: "at byte 64: invalid UTF-8",
            specific: vec![
                ("wrong root", b"[]".to_vec(), "at line 1 column 2"),
                ("missing field", br#"{"records":[{"until":"2030-01-01"}]}"#.to_vec(), "missing field `status`"),
            ],
        },
        Malformed {
            format: "rss",
            good: news_rss(),
            config: String::new(),
            truncated: "at document: unable to parse XML: Parser error: syntax error: tag not closed",
            encoding: "at document: unable to parse XML: Parser error: cannot decode input using UTF-8",
            specific: vec![
                ("wrong root", br#"{"items": []}"#.to_vec(), "at document"),
                ("doctype", b"<!DOCTYPE rss [<!ENTITY x \"y\">]><rss></rss>".to_vec(), "at byte"),
            ],
        },
        Malformed {
            format: "atom",
            good: news_atom(),
            config: String::new(),
            truncated: "at document: unable to parse XML: Parser error: syntax error: tag not closed",
            encoding: "at document: unable to parse XML: Parser error: cannot decode input using UTF-8",
            specific: vec![
                ("wrong root", b"<html><body>down</body></html>".to_vec(), "at document"),
                (
                    "unknown encoding",
                    b"<?xml version=\"1.0\" encoding=\"UTF-16\"?><feed/>".to_vec(),
                    "at byte 0: encoding `utf-16` is not read",
                ),
            ],
        },
        Malformed {
            format: "json",
            good: status_json(),
            config: json_mapping,
            truncated: "at line 14 column 19: EOF while parsing an object",
            encoding: "at byte 200: invalid UTF-8",
            specific: vec![
                (
                    "wrong root",
                    br#"[{"where": "Torkham", "state": "SHUT"}]"#.to_vec(),
                    "at records `/crossings`: not an array",
                ),
                ("missing field", br#"{"crossings": [{"where": "Torkham"}]}"#.to_vec(), "at [0].status: missing"),
                (
                    "unknown status",
                    br#"{"crossings": [{"where": "Torkham", "state": "MAYBE"}]}"#.to_vec(),
                    "at [0].status: `MAYBE` is not a known status",
                ),
            ],
        },
        Malformed {
            format: "csv",
            good: status_csv(),
            config: MAPPING.to_string(),
            truncated: "at line 3: CSV error: record 2 (line: 3, byte: 45): found record with 2 fields",
            encoding: "at line 6: CSV parse error: record 5 (line 6, field: 2, byte: 89): invalid utf-8",
            specific: vec![
                ("wrong root", br#"{"crossings": []}"#.to_vec(), "at line 1: no column `"),
                ("missing field", b"where,state,valid_to\nTorkham,,\n".to_vec(), "at line 2 status: missing"),
                (
                    "unknown status",
                    b"where,state,valid_to\nTorkham,MAYBE,\n".to_vec(),
                    "at line 2 status: `MAYBE` is not a known status",
                ),
            ],
        },
    ];
    for case in cases {
        let Malformed { format, good, config, truncated, encoding, specific } = case;
        let dir = tempdir();
        let body = dir.path().join("body");
        std::fs::write(&body, &good).unwrap();
        std::fs::write(
            dir.path().join("bw.toml"),
            format!(
                "[daemon]\nstate = \"s.db\"\n[[feed]]\nid = \"m\"\nformat = \"{format}\"\npath = \"body\"\nschedule = \"* * * * *\"\n{config}"
            ),
        )
        .unwrap();
        let config = Config::load(&dir.path().join("bw.toml")).unwrap();
        let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
        let p = Poller::new(Arc::new(config), store, Arc::new(FixedClock::new(now())));
        let feed = p.config.feeds[0].clone();
        let r = p.poll(&feed).await;
        assert!(matches!(r.outcome, Ok(Outcome::Baseline(_))), "{format}: the good body itself: {:?}", r.outcome);
        let before = p.store.lock().unwrap().all_records(p.clock.now()).unwrap();
        assert!(!before.is_empty(), "{format}");

        let cut = good.len().min(200) / 2 * 2;
        let mut bad_utf8 = good[..cut].to_vec();
        bad_utf8.extend_from_slice(b"\xff\xfe");
        bad_utf8.extend_from_slice(&good[cut..]);
        let mut variants =
            vec![("truncated", good[..good.len() / 2].to_vec(), truncated), ("wrong encoding", bad_utf8, encoding)];
        variants.extend(specific);
        for (what, bytes, place) in variants {
            assert!(!place.is_empty(), "{format} {what}: a place to look for");
            std::fs::write(&body, &bytes).unwrap();
            let r = p.poll(&feed).await;
            let e = r.outcome.expect_err(&format!("{format} {what}")).to_string();
            println!("{format:>16} {what:<16} {e}");
            let prefix = format!("feed m: cannot parse {format} at ");
            assert!(e.starts_with(&prefix), "{format} {what}: {e}");
            assert!(e.contains(place), "{format} {what}: expected `{place}` in {e}");
            assert_eq!(
                p.store.lock().unwrap().all_records(p.clock.now()).unwrap(),
                before,
                "{format} {what}: state kept"
            );
        }
    }
}
