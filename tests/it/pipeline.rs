//! One poll at a time through the real pipeline, with a test clock: failures change
//! nothing, the expiry ladder fires at its instants, once each.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use borderwatch::clock::{Clock, FixedClock};
use borderwatch::config::Config;
use borderwatch::model::{format_instant, AlertKind, Record, Status};
use borderwatch::poll::{queue_due, Outcome, Poller};
use borderwatch::store::Store;
use chrono::{DateTime, TimeZone, Utc};

use crate::helpers::{loopback_source, native, tempdir, write_config, Reply, Server};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn poller(cfg: &Path, clock: &FixedClock) -> Poller {
    let config = Config::load(cfg).unwrap();
    let store = Store::open(&config.daemon.state, chrono::Utc::now()).unwrap();
    Poller::new(Arc::new(config), store, Arc::new(clock.clone()))
}

/// The alerts time makes due at `at` (ladder, routes, reminders), queued as the expiry
/// clock would.
fn due(p: &Poller, at: DateTime<Utc>) -> Vec<borderwatch::model::Alert> {
    queue_due(&mut p.store.lock().unwrap(), &p.config.alerts, &p.config.routes, at).unwrap().0
}

fn records(p: &Poller) -> Vec<Record> {
    p.store.lock().unwrap().all_records(p.clock.now()).unwrap().into_iter().map(|(r, _)| r).collect()
}

fn alert_kinds(p: &Poller) -> Vec<AlertKind> {
    p.store.lock().unwrap().alerts().unwrap().into_iter().map(|a| a.alert).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_a_timeout_and_garbage_change_nothing_and_alert_no_status() {
    let good = native(&[("torkham", "open", Some("2025-04-15")), ("chaman", "closed", None)]);
    let server = Server::sequence(vec![
        Reply::ok(good.clone()),
        Reply::status(500, "Internal Server Error"),
        Reply::ok(good.clone()).delayed(Duration::from_secs(4)),
        Reply::ok("<html>Service unavailable</html>"),
        Reply::ok(good.clone()),
    ])
    .await;
    let dir = tempdir();
    // One reply per poll: retries would spend the next poll's reply (they have their own test).
    let source = format!("{}\nretries = 0", loopback_source(&server.url("/status.json")));
    let cfg = write_config(dir.path(), &[("afpak", source)], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();

    let r = p.poll(&feed).await;
    assert!(matches!(r.outcome, Ok(Outcome::Baseline(ref s)) if s.len() == 2), "{:?}", r.outcome);
    assert!(r.alerts.is_empty(), "the baseline raises no status alert");
    let baseline = records(&p);

    let expected_errors = ["answered 500", "timed out after 2s", "cannot parse borderwatch-json at line 1 column 1"];
    for (i, expected) in expected_errors.iter().enumerate() {
        clock.advance(chrono::Duration::minutes(15));
        let r = p.poll(&feed).await;
        let err = r.outcome.as_ref().expect_err("a failed poll").to_string();
        assert!(err.contains(expected) && err.contains("feed afpak"), "poll {}: {err}", i + 2);
        assert_eq!(records(&p), baseline, "poll {}: the stored records are unchanged", i + 2);
        assert!(!alert_kinds(&p).contains(&AlertKind::StatusChanged), "poll {}: no status alert", i + 2);
        let failing = r.alerts.iter().filter(|a| a.alert == AlertKind::FeedFailing).count();
        assert_eq!(failing, usize::from(i == 2), "poll {}: feed_failing fires once, at the third failure", i + 2);
    }
    clock.advance(chrono::Duration::minutes(15));
    let r = p.poll(&feed).await;
    assert!(matches!(r.outcome, Ok(Outcome::Unchanged)), "same body as the last good one: {:?}", r.outcome);
    assert_eq!(r.alerts.iter().map(|a| a.alert).collect::<Vec<_>>(), [AlertKind::FeedRecovered]);
    assert_eq!(records(&p), baseline);
    assert_eq!(alert_kinds(&p), [AlertKind::FeedFailing, AlertKind::FeedRecovered]);
    assert_eq!(server.hits(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ladder_fires_each_step_once_at_its_instant_and_rearms_on_a_new_until() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    std::fs::write(&feed_file, native(&[("torkham", "open", Some("2025-04-15"))])).unwrap();
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    let (leads, arm) = (p.config.alerts.lead_times.clone(), p.config.alerts.arm_expiry);
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    let ladder = |at: DateTime<Utc>| due(&p, at);
    let next = |at: DateTime<Utc>| {
        let recs = p.store.lock().unwrap().all_records(p.clock.now()).unwrap();
        borderwatch::alert::rules::next_ladder_instant(&recs, &leads, arm, at)
    };

    assert!(ladder(t("2025-03-24T00:00:00Z")).is_empty());
    let steps = [
        ("2025-04-08T19:00:00Z", "expiry:torkham:2025-04-15:7d"),
        ("2025-04-12T19:00:00Z", "expiry:torkham:2025-04-15:3d"),
        ("2025-04-14T19:00:00Z", "expiry:torkham:2025-04-15:1d"),
        ("2025-04-15T19:00:00Z", "expired:torkham:2025-04-15"),
    ];
    let mut now = t("2025-03-24T00:00:00Z");
    for (at, key) in steps {
        let at = t(at);
        assert_eq!(next(now), Some(at), "the expiry clock sleeps until exactly {at}");
        assert!(ladder(at - chrono::Duration::seconds(1)).is_empty(), "nothing one second before {key}");
        let fired = ladder(at);
        assert_eq!(fired.len(), 1, "{key}");
        assert_eq!(fired[0].key, key);
        assert_eq!(fired[0].at, format_instant(&at));
        assert!(!fired[0].late);
        assert!(ladder(at + chrono::Duration::hours(1)).is_empty(), "{key} fires once");
        now = at;
    }
    assert_eq!(next(now), None);

    std::fs::write(&feed_file, native(&[("torkham", "open", Some("2025-04-30"))])).unwrap();
    clock.set(t("2025-04-16T06:00:00Z"));
    let r = p.poll(&feed).await;
    assert!(matches!(r.outcome, Ok(Outcome::Applied(_, ref c)) if c.len() == 1), "{:?}", r.outcome);
    assert!(r.alerts.is_empty(), "an extension alone is no status change");
    assert!(
        ladder(t("2025-04-16T06:00:00Z")).is_empty(),
        "the old date's keys stay fired, and the new ladder is ahead"
    );
    let fired = ladder(t("2025-04-23T19:00:00Z"));
    assert_eq!(fired.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(), ["expiry:torkham:2025-04-30:7d"]);

    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    clock.set(t("2025-04-24T00:00:00Z"));
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Applied(..))));
    assert_eq!(next(t("2025-04-24T00:00:00Z")), None, "until further notice: nothing pending");
    for day in 24..=30 {
        assert!(ladder(Utc.with_ymd_and_hms(2025, 4, day, 23, 0, 0).unwrap()).is_empty(), "nothing on 2025-04-{day}");
    }
    assert!(ladder(t("2025-05-01T00:00:00Z")).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_missed_while_down_fires_once_marked_late() {
    let dir = tempdir();
    std::fs::write(dir.path().join("news.json"), native(&[("torkham", "open", Some("2025-04-15"))])).unwrap();
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    assert!(matches!(p.poll(&p.config.feeds[0].clone()).await.outcome, Ok(Outcome::Baseline(_))));
    let down_until = t("2025-04-13T08:00:00Z");
    let fired = due(&p, down_until);
    assert_eq!(fired.len(), 1, "only where things stand now, not the 7d step too");
    assert_eq!(fired[0].key, "expiry:torkham:2025-04-15:3d");
    assert!(fired[0].late);
    drop(p);
    let p = poller(&cfg, &clock);
    assert!(due(&p, down_until).is_empty(), "never twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_failed_polls_give_one_feed_failing_then_one_feed_recovered() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    std::fs::write(&feed_file, "{\"records\": [").unwrap();
    for _ in 0..50 {
        clock.advance(chrono::Duration::minutes(15));
        assert!(p.poll(&feed).await.outcome.is_err());
    }
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    for _ in 0..3 {
        clock.advance(chrono::Duration::minutes(15));
        assert!(p.poll(&feed).await.outcome.is_ok());
    }
    assert_eq!(alert_kinds(&p), [AlertKind::FeedFailing, AlertKind::FeedRecovered]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_flapping_between_two_untils_fires_each_step_once_per_value() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "");
    let clock = FixedClock::new(t("2025-04-01T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    let mut keys = Vec::new();
    // Every hour for twenty days the source says 15 April, then 16 April, then 15 again.
    for hour in 0..(20 * 24) {
        let until = if hour % 2 == 0 { "2025-04-15" } else { "2025-04-16" };
        std::fs::write(&feed_file, native(&[("torkham", "open", Some(until))])).unwrap();
        clock.set(t("2025-04-01T00:00:00Z") + chrono::Duration::hours(hour));
        let r = p.poll(&feed).await;
        assert!(r.outcome.is_ok());
        assert!(r.alerts.is_empty(), "an until that moves is no status change");
        let fired = due(&p, clock.now());
        keys.extend(fired.into_iter().map(|a| a.key));
    }
    keys.sort();
    assert_eq!(
        keys,
        [
            "expired:torkham:2025-04-15",
            "expired:torkham:2025-04-16",
            "expiry:torkham:2025-04-15:1d",
            "expiry:torkham:2025-04-15:3d",
            "expiry:torkham:2025-04-15:7d",
            "expiry:torkham:2025-04-16:1d",
            "expiry:torkham:2025-04-16:3d",
            "expiry:torkham:2025-04-16:7d",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_snapshot_is_held_whole_and_alerted_once_per_body() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    let four = native(&[
        ("torkham", "open", None),
        ("chaman", "open", None),
        ("wagah", "open", None),
        ("taftan", "open", None),
    ]);
    std::fs::write(&feed_file, &four).unwrap();
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    assert!(matches!(p.poll(&feed).await.outcome, Ok(Outcome::Baseline(_))));
    let baseline = records(&p);
    for body in [native(&[]), native(&[]), "{\"records\": []}".to_string()] {
        std::fs::write(&feed_file, body).unwrap();
        clock.advance(chrono::Duration::minutes(15));
        match p.poll(&feed).await.outcome {
            Ok(Outcome::Empty(reason)) => assert_eq!(reason, "the snapshot has 0 records; the last good one had 4"),
            other => panic!("expected an empty snapshot held, got {other:?}"),
        }
        assert_eq!(records(&p), baseline, "held: nothing stored, nothing counted missing");
    }
    assert_eq!(alert_kinds(&p), [AlertKind::FeedSuspect, AlertKind::FeedSuspect], "once per distinct body");
    std::fs::write(
        &feed_file,
        native(&[("torkham", "closed", None), ("chaman", "open", None), ("wagah", "open", None)]),
    )
    .unwrap();
    clock.advance(chrono::Duration::minutes(15));
    let r = p.poll(&feed).await;
    assert!(matches!(r.outcome, Ok(Outcome::Applied(..))), "losing one of four is plausible: {:?}", r.outcome);
    assert_eq!(r.alerts.len(), 1, "the closure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_feeds_that_disagree_about_a_crossing_raise_one_sources_disagree() {
    let dir = tempdir();
    std::fs::write(dir.path().join("a.json"), native(&[("torkham", "open", None)])).unwrap();
    std::fs::write(dir.path().join("b.json"), native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(dir.path(), &[("a", "path = \"a.json\"".into()), ("b", "path = \"b.json\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let (a, b) = (p.config.feeds[0].clone(), p.config.feeds[1].clone());
    p.poll(&a).await;
    p.poll(&b).await;
    assert!(alert_kinds(&p).is_empty(), "they agree");
    std::fs::write(dir.path().join("b.json"), native(&[("torkham", "closed", None)])).unwrap();
    clock.advance(chrono::Duration::minutes(15));
    let r = p.poll(&b).await;
    let kinds: Vec<_> = r.alerts.iter().map(|x| x.alert).collect();
    assert_eq!(kinds, [AlertKind::StatusChanged, AlertKind::SourcesDisagree]);
    assert_eq!(r.alerts[1].message, "Torkham: sources disagree — a says open, b says closed");
    for _ in 0..3 {
        clock.advance(chrono::Duration::minutes(15));
        assert!(p.poll(&a).await.alerts.is_empty());
    }
    let both: Vec<_> = p
        .store
        .lock()
        .unwrap()
        .all_records(p.clock.now())
        .unwrap()
        .into_iter()
        .map(|(r, _)| (r.source, r.status))
        .collect();
    assert_eq!(both.len(), 2, "status keeps both, each with its source: {both:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_alerts_when_its_last_open_crossing_nears_expiry_and_when_all_are_closed() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    std::fs::write(&feed_file, native(&[("torkham", "closed", None), ("chaman", "open", Some("2025-04-15"))])).unwrap();
    let route =
        "[[route]]\nid = \"khi-kbl\"\nname = \"Karachi–Kabul\"\ncrossings = [\"Torkham\", \"Friendship Gate\"]\n";
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"".into())], route);
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    assert_eq!(p.config.routes[0].crossings, ["torkham", "chaman"]);
    let feed = p.config.feeds[0].clone();
    p.poll(&feed).await;
    let due = |at: DateTime<Utc>| due(&p, at);
    assert!(due(t("2025-03-24T00:00:00Z")).is_empty(), "Chaman is open and far from its end");
    let (a, own): (Vec<_>, Vec<_>) = due(t("2025-04-08T19:00:00Z")).into_iter().partition(|x| x.route.is_some());
    assert_eq!(
        own.iter().map(|x| x.key.as_str()).collect::<Vec<_>>(),
        ["expiry:chaman:2025-04-15:7d"],
        "Chaman's own ladder"
    );
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].alert, AlertKind::RouteBlocked);
    assert_eq!(a[0].key, "route:khi-kbl:last:expiry:chaman:2025-04-15:7d");
    assert_eq!(a[0].message, "Route Karachi–Kabul: Chaman–Spin Boldak is the last open crossing — Chaman–Spin Boldak: open until 15 Apr 2025 (Asia/Karachi) — 7 days left · via news");
    assert!(due(t("2025-04-09T00:00:00Z")).is_empty(), "once");

    std::fs::write(&feed_file, native(&[("torkham", "closed", None), ("chaman", "closed", None)])).unwrap();
    clock.set(t("2025-04-10T00:00:00Z"));
    p.poll(&feed).await;
    let a = due(t("2025-04-10T00:00:00Z"));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].severity, borderwatch::model::Severity::Critical);
    assert_eq!(
        a[0].message,
        "Route Karachi–Kabul: every crossing is closed (Torkham via news, Chaman–Spin Boldak via news)"
    );
    assert!(due(t("2025-04-10T06:00:00Z")).is_empty(), "one alert per blockage");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_repeats_its_closure_under_one_fingerprint_and_the_reopening_ends_it() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    let cfg =
        write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "[alerts]\nrepeat_closed = \"24h\"\n");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    p.poll(&feed).await;
    std::fs::write(&feed_file, native(&[("torkham", "closed", None)])).unwrap();
    clock.set(t("2025-03-24T01:00:00Z"));
    let closure = p.poll(&feed).await.alerts.remove(0);
    let reminder = due(&p, t("2025-03-25T01:00:00Z")).remove(0);
    assert!(reminder.key.starts_with("repeat:torkham:"), "{}", reminder.key);
    assert_eq!(reminder.incident.as_deref(), Some(closure.key.as_str()), "in the closure's incident");
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    clock.set(t("2025-03-25T02:00:00Z"));
    let reopening = p.poll(&feed).await.alerts.remove(0);
    assert!(reopening.resolved);
    let fingerprint = |a| borderwatch::alert::webhook::payload("ops", a)["alerts"][0]["fingerprint"].clone();
    assert_eq!(fingerprint(&reminder), fingerprint(&closure));
    assert_eq!(fingerprint(&reopening), fingerprint(&closure));
    assert!(due(&p, t("2025-03-26T02:00:00Z")).is_empty(), "no reminder of a closure that ended");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lasting_closure_is_recalled_every_interval_once_each() {
    let dir = tempdir();
    std::fs::write(dir.path().join("news.json"), native(&[("torkham", "closed", None), ("chaman", "open", None)]))
        .unwrap();
    let cfg =
        write_config(dir.path(), &[("news", "path = \"news.json\"".into())], "[alerts]\nrepeat_closed = \"24h\"\n");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    p.poll(&p.config.feeds[0].clone()).await;
    let every = p.config.alerts.repeat_closed;
    let due = |at: &str| due(&p, t(at));
    assert!(due("2025-03-24T23:59:59Z").is_empty());
    let a = due("2025-03-25T00:00:00Z");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].key, "repeat:torkham:news:2025-03-24T00:00:00Z:1");
    assert_eq!(a[0].message, "Torkham: still closed, for 1 day · via news");
    assert!(due("2025-03-25T06:00:00Z").is_empty(), "once a day");
    let a = due("2025-03-28T12:00:00Z");
    assert_eq!(
        a.iter().map(|x| x.key.as_str()).collect::<Vec<_>>(),
        ["repeat:torkham:news:2025-03-24T00:00:00Z:4"],
        "after downtime only the latest"
    );
    let recs = p.store.lock().unwrap().all_records(p.clock.now()).unwrap();
    let next = borderwatch::alert::rules::next_repeat_instant(&recs, every.unwrap(), t("2025-03-28T12:00:00Z"));
    assert_eq!(next, Some(t("2025-03-29T00:00:00Z")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_stale_past_its_limit_fails_before_the_failure_count_and_only_once() {
    let dir = tempdir();
    let feed_file = dir.path().join("news.json");
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    let cfg = write_config(dir.path(), &[("news", "path = \"news.json\"\nstale_after = \"1h\"".into())], "");
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&cfg, &clock);
    let feed = p.config.feeds[0].clone();
    p.poll(&feed).await;
    clock.set(t("2025-03-24T00:45:00Z"));
    assert!(p.poll(&feed).await.outcome.is_ok(), "unchanged is a good poll: the data is fresh");
    std::fs::write(&feed_file, "not json").unwrap();
    let mut fired = Vec::new();
    for at in ["2025-03-24T01:15:00Z", "2025-03-24T01:46:00Z", "2025-03-24T02:30:00Z", "2025-03-24T03:00:00Z"] {
        clock.set(t(at));
        let r = p.poll(&feed).await;
        assert!(r.outcome.is_err());
        fired.extend(r.alerts.into_iter().map(|a| (at, a.key)));
    }
    assert_eq!(
        fired,
        [("2025-03-24T01:46:00Z", "feed_failing:news:2025-03-24T00:45:00Z".to_string())],
        "stale an hour after the last good poll, at the second failure; once"
    );
    std::fs::write(&feed_file, native(&[("torkham", "open", None)])).unwrap();
    clock.set(t("2025-03-24T03:15:00Z"));
    let keys: Vec<_> = p.poll(&feed).await.alerts.into_iter().map(|a| a.key).collect();
    assert_eq!(keys, ["feed_recovered:news:2025-03-24T00:45:00Z"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_json_and_csv_feeds_read_through_their_mapping() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("ops.json"),
        r#"{"data":{"items":[{"where":"Torkham Gate","state":"GO","valid_to":"2025-04-15"},{"where":"Chaman","state":"SHUT","valid_to":null}]}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ops.csv"),
        "checkpoint;state;note\nWagah;closed;\"trade only; no buses\"\nTaftan;open;\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bw.toml"),
        r#"[daemon]
state = "state.db"

[[feed]]
id = "ops-json"
format = "json"
path = "ops.json"
schedule = "* * * * *"
records = "/data/items"
[feed.fields]
name = "/where"
status = "/state"
until = "/valid_to"
[feed.status_map]
GO = "open"
SHUT = "closed"

[[feed]]
id = "ops-csv"
format = "csv"
path = "ops.csv"
schedule = "* * * * *"
delimiter = ";"
[feed.fields]
name = "checkpoint"
status = "state"
scope = "note"
"#,
    )
    .unwrap();
    let clock = FixedClock::new(t("2025-03-24T00:00:00Z"));
    let p = poller(&dir.path().join("bw.toml"), &clock);
    let (json, csv) = (p.config.feeds[0].clone(), p.config.feeds[1].clone());
    assert!(matches!(p.poll(&json).await.outcome, Ok(Outcome::Baseline(ref s)) if s.len() == 2));
    assert!(matches!(p.poll(&csv).await.outcome, Ok(Outcome::Baseline(ref s)) if s.len() == 2));
    let recs = records(&p);
    let get = |id: &str| recs.iter().find(|r| r.crossing == id).unwrap();
    assert_eq!((get("torkham").status, get("torkham").until.as_deref()), (Status::Open, Some("2025-04-15")));
    assert_eq!(get("chaman").status, Status::Closed);
    assert_eq!((get("wagah").status, get("wagah").scope.as_deref()), (Status::Closed, Some("trade only; no buses")));

    std::fs::write(dir.path().join("ops.json"), r#"{"data":{"items":[{"where":"Torkham","state":"MAYBE"}]}}"#).unwrap();
    let e = p.poll(&json).await.outcome.unwrap_err().to_string();
    assert_eq!(
        e,
        "feed ops-json: cannot parse json at [0].status: `MAYBE` is not a known status (add it to [feed.status_map])"
    );
    std::fs::write(dir.path().join("ops.csv"), "checkpoint;state;note\nWagah;closed\n").unwrap();
    let e = p.poll(&csv).await.outcome.unwrap_err().to_string();
    assert!(e.starts_with("feed ops-csv: cannot parse csv at line 2"), "{e}");
    assert_eq!(records(&p), recs, "bad bodies change nothing");
}
