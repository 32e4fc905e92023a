//! Thresholds and lane noise: `[[watch]]` over a CBP feed served on loopback, driven by
//! the test clock through polls, the expiry clock and a restart; and the real Brownsville
//! series replayed with `lanes = "alert" | "port" | "ignore"`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use borderwatch::clock::FixedClock;
use borderwatch::config::Config;
use borderwatch::formats::Format;
use borderwatch::model::{Alert, AlertKind, Status};
use borderwatch::poll::{queue_due, Poller};
use borderwatch::store::Store;
use chrono::{DateTime, Duration, Utc};

use crate::helpers::{feed_fixture, loopback_source, tempdir, Reply, Server};

/// One CBP port (Otay Mesa commercial) whose standard commercial lanes wait `minutes`.
fn cbp_body(minutes: i64) -> String {
    serde_json::json!([{
        "port_number": "250601", "border": "Mexican Border", "port_name": "Otay Mesa",
        "crossing_name": "Commercial", "hours": "24 hrs/day", "date": "7/1/2025", "time": "10:00:00",
        "port_status": "Open",
        "commercial_vehicle_lanes": {"standard_lanes": {"update_time": "At 10:00 am PDT",
            "operational_status": "delay", "delay_minutes": minutes.to_string(), "lanes_open": "4"}},
        "passenger_vehicle_lanes": {"standard_lanes": {"update_time": "At 10:00 am PDT",
            "operational_status": "no delay", "delay_minutes": "10", "lanes_open": "6"}}
    }])
    .to_string()
}

/// A config with the loopback CBP feed and one `[[watch]]` of `watch` lines.
fn config(dir: &Path, url: &str, watch: &str) -> PathBuf {
    let text = format!(
        "[daemon]\nstate = \"state.db\"\n\n[[feed]]\nid = \"cbp\"\nformat = \"cbp-json\"\n{}\n\
         schedule = \"*/10 * * * *\"\n\n[[watch]]\ncrossings = [\"cbp-250601-commercial\"]\n\
         field = \"wait.commercial\"\n{watch}\n",
        loopback_source(url)
    );
    let path = dir.join("borderwatch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The daemon's parts over the state file: a poller on the test clock.
fn poller(cfg: &Path, clock: &FixedClock) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, Utc::now()).unwrap();
    Poller::new(Arc::new(config), store, Arc::new(clock.clone()))
}

/// Runs `(minute, wait in minutes)` steps: at each, what the expiry clock makes due, then
/// one poll of the feed serving that wait. At `restart` minutes the poller and its store
/// are dropped and opened again from the file, as a restarted daemon would. Returns each
/// alert with the minute of the step that queued it.
async fn run(watch: &str, steps: &[(i64, i64)], restart: Option<i64>) -> Vec<(i64, Alert)> {
    let wait = Arc::new(Mutex::new(0));
    let served = Arc::clone(&wait);
    let server = Server::start(move |_| Reply::ok(cbp_body(*served.lock().unwrap()))).await;
    let dir = tempdir();
    let cfg = config(dir.path(), &server.url("/api/bwtnew"), watch);
    let t0 = DateTime::parse_from_rfc3339("2025-07-01T17:00:00Z").unwrap().with_timezone(&Utc);
    let clock = FixedClock::new(t0);
    let mut p = poller(&cfg, &clock);
    let mut out = Vec::new();
    let mut restarted = false;
    for (minute, minutes) in steps {
        if restart.is_some_and(|r| r <= *minute) && !restarted {
            restarted = true;
            drop(p);
            p = poller(&cfg, &clock);
        }
        let now = t0 + Duration::minutes(*minute);
        clock.set(now);
        *wait.lock().unwrap() = *minutes;
        let (due, _) = queue_due(&mut p.store.lock().unwrap(), &p.config.alerts, &p.config.routes, now).unwrap();
        let feed = p.config.feeds[0].clone();
        let report = p.poll(&feed).await;
        assert!(report.outcome.is_ok(), "minute {minute}: {:?}", report.outcome);
        out.extend(due.into_iter().chain(report.alerts).map(|a| (*minute, a)));
    }
    let store = p.store.lock().unwrap();
    let stored = &store.records("cbp").unwrap()["cbp-250601-commercial"].record;
    assert_eq!(stored.values["wait.commercial"], steps.last().unwrap().1, "the stored record shows the latest wait");
    let history = store.history(None).unwrap();
    assert_eq!(history.len(), 1, "a wait alone is no change: only the baseline is in the history: {history:?}");
    out
}

fn kinds(alerts: &[(i64, Alert)]) -> Vec<(i64, AlertKind)> {
    alerts.iter().map(|(m, a)| (*m, a.alert)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_held_above_the_level_fires_once_after_for_and_clears_once_at_the_clear_level() {
    // 1 h, then 3.5 h held for 40 minutes, then 2.5 h, then 1.5 h; a restart between.
    let steps = [(0, 60), (10, 210), (20, 210), (30, 210), (40, 210), (50, 210), (60, 150), (70, 150), (80, 90)];
    let alerts = run("above = \"3h\"\nclear = \"2h\"\nfor = \"30m\"", &steps, Some(25)).await;
    for (m, a) in &alerts {
        println!("minute {m}: {} {}  {}", a.alert.as_str(), a.at, a.message);
    }
    assert_eq!(
        kinds(&alerts),
        [(40, AlertKind::ThresholdCrossed), (80, AlertKind::ThresholdCleared)],
        "crossed once 30 minutes have passed (the hold began at minute 10 and outlived the restart), \
         nothing at 2.5 h, cleared at 1.5 h"
    );
    let (crossed, cleared) = (&alerts[0].1, &alerts[1].1);
    assert_eq!(crossed.at, "2025-07-01T17:40:00Z", "the instant the hold ended");
    assert_eq!(crossed.crossing.as_deref(), Some("cbp-250601-commercial"));
    assert!(crossed.record.is_none(), "fired by the clock, between polls");
    let record = cleared.record.as_ref().expect("fired by the poll that read 1.5 h");
    assert_eq!(record.values["wait.commercial"], 90);
    assert_eq!(crossed.message, "Otay Mesa – Commercial commercial wait 3h 30m (up from 1h), above 3h for 30m");
    assert_eq!(
        cleared.message,
        "Otay Mesa – Commercial commercial wait 1h 30m (down from 3h 30m), back at or below 2h after 1h 10m above 3h"
    );
    assert_ne!(crossed.key, cleared.key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_that_flaps_around_the_level_for_an_hour_fires_at_most_once() {
    let flaps: Vec<(i64, i64)> = (0..=12).map(|i| (i * 5, if i % 2 == 0 { 170 } else { 190 })).collect();
    let held = run("above = \"3h\"\nclear = \"2h\"\nfor = \"30m\"", &flaps, None).await;
    assert!(held.is_empty(), "never 30 minutes above 3 h: {:?}", kinds(&held));
    let at_once = run("above = \"3h\"\nclear = \"2h\"", &flaps, None).await;
    assert_eq!(kinds(&at_once), [(5, AlertKind::ThresholdCrossed)], "once, and never cleared above 2 h");
}

/// The Brownsville series replayed with `lanes` set to `mode`, and `extra` config.
async fn brownsville(mode: &str, extra: &str) -> Vec<Alert> {
    let dir = tempdir();
    let cfg = dir.path().join("borderwatch.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[feed]]\nid = \"brownsville\"\nformat = \"cbp-rss\"\nurl = \"https://bwt.cbp.gov/api/bwtRss/HTML/-1/55/-1\"\n\
             schedule = \"*/15 * * * *\"\nlanes = \"{mode}\"\n{extra}"
        ),
    )
    .unwrap();
    let config = Config::load(&cfg).unwrap();
    let series = feed_fixture("series/cbp_bwtrss_brownsville");
    let files: Vec<PathBuf> = std::fs::read_dir(&series).unwrap().map(|e| e.unwrap().path()).collect();
    let (alerts, n) = borderwatch::commands::replay::replay(Some(config), Format::CbpRss, files, None).await.unwrap();
    assert_eq!(n, 424);
    alerts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brownsville_lanes_rolled_up_into_the_port_give_far_fewer_alerts_than_lane_alerts() {
    let port = brownsville("port", "").await;
    for a in &port {
        println!("{}  {}", a.at, a.message);
    }
    assert!(port.iter().all(|a| a.alert == AlertKind::StatusChanged), "status changes only");
    let flips: Vec<(Status, Status)> =
        port.iter().map(|a| (a.previous.as_ref().unwrap().status, a.record.as_ref().unwrap().status)).collect();
    assert!(
        flips.iter().all(|f| matches!(f, (Status::Open, Status::Closed) | (Status::Closed, Status::Open))),
        "the port as a whole closing (every lane type closed) or opening, never a lane: {flips:?}"
    );
    assert_eq!(port.len(), 34, "17 times a port had every lane closed within its hours, and reopened");
    let first: Vec<&str> = port.iter().take(2).map(|a| a.message.as_str()).collect();
    assert_eq!(
        first,
        [
            "Brownsville - Los Indios: closed: lanes closed: commercial vehicles General, commercial vehicles Fast, \
             passenger vehicles General, passenger vehicles Ready; hours 6 am-10 pm (was open) · via brownsville",
            "Brownsville - Veterans International: closed: lanes closed: commercial vehicles General, commercial \
             vehicles Fast, passenger vehicles General, passenger vehicles Sentri, passenger vehicles Ready, \
             pedestrian General; hours 6 am-Midnight (was open) · via brownsville"
        ]
    );
    assert!(brownsville("ignore", "").await.is_empty(), "lanes never change the status: no alert in ten days");
    assert_eq!(brownsville("alert", "").await.len(), 110, "the default keeps today's lane alerts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_applies_watches_so_a_threshold_is_tuned_on_history() {
    let watch = "[[watch]]\nfeed = \"brownsville\"\nfield = \"wait.commercial\"\nabove = \"1h\"\nclear = \"30m\"\nfor = \"30m\"\n";
    let alerts = brownsville("ignore", watch).await;
    let got: Vec<(&str, AlertKind, &str)> =
        alerts.iter().map(|a| (a.at.as_str(), a.alert, a.crossing.as_deref().unwrap_or(""))).collect();
    for a in &alerts {
        println!("{}  {}", a.at, a.message);
    }
    let vet = "cbp-brownsville-veterans-international";
    assert_eq!(
        got,
        [
            ("2026-08-18T23:45:16Z", AlertKind::ThresholdCrossed, vet),
            ("2026-08-19T01:05:59Z", AlertKind::ThresholdCleared, vet),
            ("2026-08-19T19:19:55Z", AlertKind::ThresholdCrossed, vet),
            ("2026-08-19T19:41:59Z", AlertKind::ThresholdCleared, vet),
        ]
    );
    assert_eq!(
        alerts[0].message,
        "Brownsville - Veterans International commercial wait 1h 45m (up from 30m), above 1h for 30m"
    );
    let wider = watch.replace("above = \"1h\"", "above = \"2h\"");
    assert!(brownsville("ignore", &wider).await.is_empty(), "commercial waits never passed 2 h in these ten days");
}

#[test]
fn each_format_with_numbers_gives_them_as_record_values() {
    let g = borderwatch::gazetteer::Gazetteer::built_in();
    let now = Utc::now();
    let values = |format: Format, file: &str, line: Option<usize>| {
        let body = std::fs::read(feed_fixture(file)).unwrap();
        let body = match line {
            Some(i) => body.split(|b| *b == b'\n').nth(i).unwrap().to_vec(),
            None => body,
        };
        let raw = borderwatch::formats::parse(format, "f", &body, &g, now).unwrap();
        let (snap, _) = borderwatch::normalize::snapshot(raw, "f", format.name(), &g, now).unwrap();
        snap.into_iter().map(|(id, r)| (id, r.values.into_iter().collect::<Vec<_>>())).collect::<Vec<_>>()
    };
    let pair = |k: &str, v: i64| (k.to_string(), v);
    let json = values(Format::CbpJson, "cbp_bwtnew_2022-06-29.json", None);
    let alexandria = &json.iter().find(|(id, _)| id == "cbp-070801-thousand-islands-bridge").unwrap().1;
    assert_eq!(
        *alexandria,
        [pair("wait.commercial", 0), pair("wait.passenger", 5), pair("wait.passenger.sentri", 0)],
        "delay_minutes of each reported lane; N/A lanes have none"
    );
    let rss = values(Format::CbpRss, "series/cbp_bwtrss_brownsville/20260812T140129Z.xml", None);
    assert_eq!(
        rss[0],
        (
            "cbp-brownsville-b-m".to_string(),
            vec![pair("wait.passenger", 90), pair("wait.passenger.ready", 90), pair("wait.pedestrian", 5)]
        ),
        "`90 min delay` under its heading; `N/A` lanes have none"
    );
    let csv = values(Format::CbsaCsv, "cbsa_bwt-eng_csv_2012-09-27_partial.csv", None);
    let st_stephen = &csv.iter().find(|(id, _)| id == "cbsa-st-stephen").unwrap().1;
    assert_eq!(*st_stephen, [pair("wait.passenger", 10)], "the Canada-bound flows; `Not applicable` is none");
    let html = values(Format::CbsaHtml, "cbsa_bwt_menu-eng_2022-07-07.html", None);
    let peace = &html.iter().find(|(id, _)| id == "cbsa-peace-bridge").unwrap().1;
    assert!(peace.contains(&pair("wait.passenger", 14)), "{peace:?}");
    let brest = values(Format::ByEqueue, "by_belarusborder_monitoring_brest_2024-09-30.jsonl", Some(0));
    assert_eq!(
        brest[0].1,
        [pair("queue.buses", 4), pair("queue.cars", 6), pair("queue.motorcycles", 0), pair("queue.trucks", 0)]
    );
}

#[test]
fn lanes_port_and_ignore_leave_no_lane_restriction_in_the_cbp_xml_capture() {
    let g = borderwatch::gazetteer::Gazetteer::built_in();
    let body = std::fs::read(feed_fixture("cbp_bwt_xml_legacy_2014-04-28.xml")).unwrap();
    let count = |lanes| {
        let spec = borderwatch::formats::ParseSpec { feed: "cbp", format: Format::CbpXml, mapping: None, lanes };
        let raw = borderwatch::formats::parse_feed(&spec, &body, &g, Utc::now()).unwrap();
        let n = |s: Status| raw.iter().filter(|r| r.status == Some(s)).count();
        let scoped = raw.iter().filter(|r| r.scope.as_deref().is_some_and(|s| s.contains("lanes closed"))).count();
        (n(Status::Closed), n(Status::Restricted), scoped)
    };
    use borderwatch::formats::Lanes;
    assert_eq!(count(Lanes::Alert), (11, 34, 34), "a closed lane type restricts the port");
    assert_eq!(
        count(Lanes::Port),
        (11, 0, 34),
        "rolled up: each of the 34 still has an open lane type (every one closed is the Brownsville \
         mornings), and the closed lanes stay in the scope"
    );
    assert_eq!(count(Lanes::Ignore), (11, 0, 34), "lanes never change the status");
}
