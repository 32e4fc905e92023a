//! Time: daily schedules through two years of DST changes in six zones, and expiry
//! instants in far zones, whatever the host's `TZ`.

use std::collections::BTreeMap;

use borderwatch::schedule::Schedule;
use chrono::{NaiveDate, TimeZone, Utc};

use crate::helpers::tempdir;

#[test]
fn a_daily_job_runs_exactly_once_a_day_through_two_years_of_dst_in_six_zones() {
    // Each pattern sits in or next to its zone's DST gap: 02:30 is skipped in spring in
    // Berlin and New York; Lord Howe moves by 30 minutes at 02:00; São Paulo's 2018 change
    // came at midnight, so 00:30 did not exist on 4 November 2018.
    let cases = [
        ("Europe/Berlin", "30 2 * * *", 2025),
        ("America/New_York", "30 2 * * *", 2025),
        ("Australia/Lord_Howe", "15 2 * * *", 2025),
        ("America/Sao_Paulo", "30 0 * * *", 2018),
        ("Asia/Kolkata", "30 2 * * *", 2025),
        ("UTC", "30 2 * * *", 2025),
    ];
    for (zone, pattern, year) in cases {
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let schedule = Schedule::new(pattern, tz).unwrap();
        let from = tz.with_ymd_and_hms(year, 1, 1, 0, 0, 0).unwrap().with_timezone(&Utc);
        let to = tz.with_ymd_and_hms(year + 2, 1, 1, 0, 0, 0).unwrap().with_timezone(&Utc);
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut t = from;
        while let Some(next) = schedule.next_after(t) {
            if next >= to {
                break;
            }
            assert!(next > t, "{zone}: time runs forward");
            *per_day.entry(next.with_timezone(&tz).date_naive()).or_default() += 1;
            t = next;
        }
        let days = (to.with_timezone(&tz).date_naive() - from.with_timezone(&tz).date_naive()).num_days();
        assert_eq!(per_day.len() as i64, days, "{zone}: a run on every one of {days} days");
        let twice: Vec<_> = per_day.iter().filter(|(_, n)| **n != 1).collect();
        assert!(twice.is_empty(), "{zone}: days without exactly one run: {twice:?}");
    }
}

#[test]
fn expiry_instants_in_far_zones_do_not_depend_on_the_host_zone() {
    let dir = tempdir();
    let body = serde_json::json!({"records": [
        {"crossing": "kabul-gate", "status": "open", "until": "2025-04-15", "tz": "Asia/Kabul"},
        {"crossing": "kiritimati-port", "status": "closed", "until": "2025-04-15", "tz": "Pacific/Kiritimati"},
        {"crossing": "tijuana-spring", "status": "open", "until": "2025-04-15", "tz": "America/Tijuana"},
        {"crossing": "tijuana-fall", "status": "open", "until": "2025-11-02", "tz": "America/Tijuana"},
        {"crossing": "tijuana-hour", "status": "open", "until": "2025-11-02T01:30", "tz": "America/Tijuana"}
    ]});
    std::fs::write(dir.path().join("feed.json"), body.to_string()).unwrap();
    // The end of the named day (or the named minute itself) on the crossing's wall clock.
    let expected = [
        ("kabul-gate", "2025-04-15T19:30:00Z"),      // +04:30
        ("kiritimati-port", "2025-04-15T10:00:00Z"), // +14:00
        ("tijuana-spring", "2025-04-16T07:00:00Z"),  // PDT, -07:00
        ("tijuana-fall", "2025-11-03T08:00:00Z"),    // PST after the change that day, -08:00
        ("tijuana-hour", "2025-11-02T08:30:00Z"),    // 01:30 happens twice; the first (PDT) counts
    ];
    let mut outputs = Vec::new();
    for host_tz in ["UTC", "Pacific/Kiritimati", "America/Tijuana", "Asia/Kabul"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_borderwatch"))
            .args(["parse", "--format", "borderwatch-json", "feed.json"])
            .current_dir(dir.path())
            .env("TZ", host_tz)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let crossings: Vec<_> =
            text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["crossing"].clone()).collect();
        assert_eq!(crossings, expected.map(|(c, _)| c), "host TZ={host_tz}: one record per feed record");
        for line in text.lines() {
            let r: serde_json::Value = serde_json::from_str(line).unwrap();
            let want = expected.iter().find(|(c, _)| r["crossing"] == *c).expect("an expected crossing").1;
            assert_eq!(r["expires_at"], want, "host TZ={host_tz}: {}", r["crossing"]);
        }
        outputs.push(text.lines().map(|l| l.split("\"observed_at\"").next().unwrap().to_string()).collect::<Vec<_>>());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]), "the same records under every host zone");
}
