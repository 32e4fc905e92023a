//! `replay`: saved snapshots fed through the whole pipeline against a throw-away state,
//! to see the alerts a user would have had.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::args::ReplayArgs;
use super::input::{format, given, json_lines, runtime, value};
use super::table::printable;
use super::{CommandError, Outcome, Reply};
use crate::config::Config;
use crate::model::Alert;
use crate::poll::{queue_due, Poller};
use crate::store::Store;
use crate::timeutil::parse_duration;

/// Feeds saved snapshots, in file-name order, through the whole pipeline (parse, diff,
/// rules, expiry ladder) against a throw-away in-memory state, with the clock set to each
/// snapshot's time: from a `YYYYMMDDTHHMMSSZ` in its file name, else `interval` apart.
/// Returns the alerts a user would have received, in order, and how many snapshots ran.
///
/// # Errors
/// A [`CommandError`] when a file has no time and no interval was given, or the
/// in-memory state fails.
pub async fn replay(
    base: Option<Config>,
    format: crate::formats::Format,
    mut files: Vec<PathBuf>,
    interval: Option<chrono::Duration>,
) -> Result<(Vec<Alert>, usize), CommandError> {
    files.sort();
    // The config's feed of this format, if it has one, lends the replay its id (which a
    // `[[watch]]` may select), its field mapping and its `lanes`.
    let base_feed = base.as_ref().and_then(|c| c.feeds.iter().find(|f| f.format == format).cloned());
    let base_mapping = base_feed.as_ref().and_then(|f| f.mapping.clone());
    let start = DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z").expect("fixed instant").with_timezone(&Utc);
    let mut times = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let stamp = f.file_stem().and_then(|s| s.to_str()).and_then(|s| {
            chrono::NaiveDateTime::parse_from_str(s.get(s.len().saturating_sub(16)..)?, "%Y%m%dT%H%M%SZ").ok()
        });
        let t = match (stamp, interval) {
            (Some(t), _) => t.and_utc(),
            (None, Some(d)) => start + d * i32::try_from(i).unwrap_or(i32::MAX),
            (None, None) => return Err(CommandError::NoTime(f.display().to_string())),
        };
        times.push(t);
    }
    let feed = |path: &Path| crate::config::FeedConfig {
        id: base_feed.as_ref().map_or_else(|| "replay".into(), |f| f.id.clone()),
        format,
        source: crate::config::FeedSource::Path(path.to_path_buf()),
        schedule: crate::schedule::Schedule::new("* * * * *", chrono_tz::UTC).expect("valid pattern"),
        timeout: chrono::Duration::seconds(30),
        max_bytes: 64 << 20,
        allow_http: false,
        allow_local: crate::spec::Local::Denied,
        stale_after: None,
        mapping: base_mapping.clone(),
        retries: 0,
        retry_backoff: chrono::Duration::seconds(1),
        accept_after: crate::config::DEFAULT_ACCEPT_AFTER,
        max_in_flight: crate::config::DEFAULT_MAX_IN_FLIGHT,
        lanes: base_feed.as_ref().map_or_else(Default::default, |f| f.lanes),
    };
    let config = match base {
        Some(c) => Config { feeds: Vec::new(), sinks: Vec::new(), ..c },
        None => Config {
            path: "replay".into(),
            daemon: crate::config::DaemonConfig { state: "replay.db".into(), timezone: chrono_tz::UTC, listen: None },
            alerts: crate::config::AlertsConfig::default(),
            gazetteer: crate::gazetteer::Gazetteer::built_in(),
            feeds: Vec::new(),
            sinks: Vec::new(),
            routes: Vec::new(),
            filters: std::collections::BTreeMap::new(),
        },
    };
    let store = Store::open_copy(Path::new("/nonexistent/borderwatch-replay"))?;
    let clock = crate::clock::FixedClock::new(start);
    let poller = Poller::new(Arc::new(config), store, Arc::new(clock.clone()));
    let mut alerts = Vec::new();
    for (f, t) in files.iter().zip(times) {
        clock.set(t);
        let due =
            queue_due(&mut poller.store.lock().expect("store lock"), &poller.config.alerts, &poller.config.routes, t);
        alerts.extend(due?.0);
        let report = poller.poll(&feed(f)).await;
        if let Err(e) = &report.outcome {
            crate::events::ReplaySnapshotFailed { file: f, error: e }.emit();
        }
        alerts.extend(report.alerts);
    }
    Ok((alerts, files.len()))
}

/// `borderwatch replay`: the alerts, as JSON lines or a line each with a count at the
/// end. A folder stands for the files directly in it.
///
/// # Errors
/// A [`CommandError`] for a bad config, `--format` or `--interval`, an unreadable
/// folder, or a file with no time when there is no `--interval`.
pub fn run(args: &ReplayArgs) -> Result<Reply, CommandError> {
    let base = given(&args.config)?;
    let format = format(&args.format)?;
    let interval = args.interval.as_deref().map(|s| value("--interval", parse_duration(s))).transpose()?;
    let mut files = Vec::new();
    for p in &args.paths {
        if p.is_dir() {
            files.extend(files_in(p)?);
        } else {
            files.push(p.clone());
        }
    }
    let (alerts, n) = runtime()?.block_on(replay(base, format, files, interval))?;
    let stdout = if args.json {
        json_lines(&alerts)
    } else {
        let lines: String = alerts.iter().map(|a| format!("{}  {}\n", a.at, printable(&a.message))).collect();
        lines + &format!("{n} snapshots, {} alerts\n", alerts.len())
    };
    Ok(Reply::new(stdout, Outcome::Done))
}

/// The files directly in `dir`.
fn files_in(dir: &Path) -> Result<Vec<PathBuf>, CommandError> {
    let unreadable = |source| CommandError::Io { what: format!("cannot read {}", dir.display()), source };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}
