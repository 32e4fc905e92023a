//! The one-shot commands behind the CLI: `check`, `status` and `history`. They use the
//! same pipeline as the daemon, so what `check` shows is what the daemon would do.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::alert::deliver_pending;
use crate::alert::dispatch::blocking;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::live::sinks;
use crate::model::{Alert, Record};
use crate::poll::{queue_due, Outcome, Poller, Report};
use crate::store::{HistoryRow, Store, StoreError};

/// What one `check` did.
#[derive(Debug)]
pub struct CheckResult {
    /// One report per polled feed.
    pub reports: Vec<Report>,
    /// Every current record after the polls.
    pub records: Vec<Record>,
    /// The alerts this run raised (new keys only): polls first, then the ladder.
    pub alerts: Vec<Alert>,
}

impl CheckResult {
    /// True when a polled feed failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.reports.iter().any(|r| r.outcome.is_err())
    }

    /// True when records changed or alerts fired.
    #[must_use]
    pub fn changed(&self) -> bool {
        !self.alerts.is_empty()
            || self.reports.iter().any(|r| match &r.outcome {
                Ok(Outcome::Baseline(s)) => !s.is_empty(),
                Ok(Outcome::Applied(_, c) | Outcome::Suspect(_, c)) => !c.is_empty(),
                _ => false,
            })
    }
}

/// Why a command could not run.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `--feed` named a feed the config does not have.
    #[error("no feed `{0}` in the config (known: {1})")]
    UnknownFeed(String, String),
    /// The state could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A replayed file has no time in its name and no `--interval` was given.
    #[error("{0}: no YYYYMMDDTHHMMSSZ time in the file name; give --interval")]
    NoTime(String),
}

/// Polls the feeds once (all, or those named), runs the expiry ladder at the clock's
/// time, delivers the alerts to the sinks unless `dry_run`, and reports.
/// A dry run works on an in-memory copy of the state: nothing reaches the file.
///
/// # Errors
/// A [`CommandError`] for an unknown feed or an unusable state file.
pub async fn check(
    config: Config,
    clock: SharedClock,
    only: &[String],
    dry_run: bool,
) -> Result<CheckResult, CommandError> {
    for id in only {
        if !config.feeds.iter().any(|f| &f.id == id) {
            let known = config.feeds.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(CommandError::UnknownFeed(id.clone(), known));
        }
    }
    let path = config.daemon.state.clone();
    let store = blocking(move || if dry_run { Store::open_copy(&path) } else { Store::open(&path) }).await?;
    let poller = Poller::new(Arc::new(config), store, clock);
    let mut reports = Vec::new();
    let mut alerts = Vec::new();
    for feed in poller.config.feeds.iter().filter(|f| only.is_empty() || only.contains(&f.id)) {
        let mut r = poller.poll(feed).await;
        alerts.append(&mut r.alerts);
        reports.push(r);
    }
    let (store, config, now) = (Arc::clone(&poller.store), Arc::clone(&poller.config), poller.clock.now());
    let (mut ladder, records) = blocking(move || {
        let mut s = store.lock().expect("store lock");
        let (due, _) = queue_due(&mut s, &config.alerts, &config.routes, now)?;
        Ok::<_, StoreError>((due, s.all_records()?))
    })
    .await?;
    alerts.append(&mut ladder);
    if !dry_run {
        deliver_pending(&poller.store, &sinks(&poller.config), &poller.clock, None).await?;
    }
    Ok(CheckResult { reports, records: records.into_iter().map(|(r, _)| r).collect(), alerts })
}

/// Sends one test alert through every configured sink (the log sink included) and says
/// which accepted it. Nothing is stored.
pub async fn notify_test(config: &Config, clock: &SharedClock) -> Vec<(String, Result<(), crate::alert::NotifyError>)> {
    let now = clock.now();
    let alert = Alert {
        alert: crate::model::AlertKind::StatusChanged,
        severity: crate::model::Severity::Info,
        crossing: None,
        feed: None,
        name: Some("borderwatch test".into()),
        lead: None,
        expires_at: None,
        source: None,
        route: None,
        key: format!("test:{}", crate::model::format_instant(&now)),
        at: crate::model::format_instant(&now),
        late: false,
        message: "borderwatch test notification: this sink works.".into(),
        record: None,
        previous: None,
    };
    let mut out = Vec::new();
    for sink in sinks(config) {
        let r = sink.deliver(&alert).await;
        out.push((sink.name().to_string(), r));
    }
    out
}

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
    mut files: Vec<std::path::PathBuf>,
    interval: Option<chrono::Duration>,
) -> Result<(Vec<Alert>, usize), CommandError> {
    files.sort();
    let base_mapping =
        base.as_ref().and_then(|c| c.feeds.iter().find(|f| f.format == format).and_then(|f| f.mapping.clone()));
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
    let feed = |path: &std::path::Path| crate::config::FeedConfig {
        id: "replay".into(),
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
        },
    };
    let store = Store::open_copy(std::path::Path::new("/nonexistent/borderwatch-replay"))?;
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
            tracing::warn!(file = %f.display(), error = %e, "Snapshot failed in replay.");
        }
        alerts.extend(report.alerts);
    }
    Ok((alerts, files.len()))
}

/// The current records in the state file.
///
/// # Errors
/// A [`StoreError`] when the state cannot be read.
pub fn status(config: &Config) -> Result<Vec<Record>, StoreError> {
    Ok(Store::open(&config.daemon.state)?.all_records()?.into_iter().map(|(r, _)| r).collect())
}

/// The change log, optionally for one crossing (id or any known name).
///
/// # Errors
/// A [`StoreError`] when the state cannot be read.
pub fn history(config: &Config, crossing: Option<&str>) -> Result<Vec<HistoryRow>, StoreError> {
    let id = crossing.map(|c| config.gazetteer.lookup(c).map_or_else(|| crate::gazetteer::slug(c), |k| k.id.clone()));
    Store::open(&config.daemon.state)?.history(id.as_deref())
}

/// One line per record for a terminal: crossing, status, until (with a `?` when it was
/// read with low confidence), time left, source.
#[must_use]
pub fn status_table(records: &[Record], now: DateTime<Utc>) -> String {
    let mut rows =
        vec![["CROSSING", "STATUS", "SINCE", "UNTIL", "LEFT", "SOURCE", "OBSERVED"].map(String::from).to_vec()];
    for r in records {
        let left = match r.expires_at {
            Some(e) if e > now => crate::timeutil::humanize_left(now, e),
            Some(_) => "expired".into(),
            None => "-".into(),
        };
        rows.push(vec![
            r.name.clone(),
            r.status.to_string() + &r.scope.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(),
            r.since.clone().unwrap_or_else(|| "-".into()),
            match (&r.until, r.confidence) {
                (Some(u), crate::model::Confidence::Low) => format!("{u}?"),
                (Some(u), crate::model::Confidence::High) => u.clone(),
                (None, _) => "-".into(),
            },
            left,
            r.source.clone(),
            r.observed_at.format("%Y-%m-%d %H:%M").to_string(),
        ]);
    }
    table(&rows)
}

/// Feed text made safe for a terminal: control characters (newlines, escape codes) and
/// bidi overrides become spaces.
#[must_use]
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The crossings on `country`'s borders whose names contain `name` (folded), as table
/// rows under a header: id, name, countries, kind, zone.
#[must_use]
pub fn crossings(g: &crate::gazetteer::Gazetteer, country: Option<&str>, name: Option<&str>) -> Vec<Vec<String>> {
    use crate::gazetteer::fold;
    let want = name.map(fold);
    let mut rows = vec![vec!["ID".into(), "NAME".into(), "COUNTRIES".into(), "KIND".into(), "ZONE".into()]];
    let mut found: Vec<&crate::model::Crossing> = g
        .iter()
        .filter(|c| country.is_none_or(|cc| c.countries.iter().any(|k| k.eq_ignore_ascii_case(cc))))
        .filter(|c| {
            want.as_deref()
                .is_none_or(|w| std::iter::once(&c.id).chain([&c.name]).chain(&c.aliases).any(|n| fold(n).contains(w)))
        })
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    for c in found {
        let kind = g.row(&c.id).map_or_else(|| "configured".to_string(), |r| r.kind.join(","));
        rows.push(vec![c.id.clone(), c.name.clone(), c.countries.join(" "), kind, c.tz.name().to_string()]);
    }
    rows
}

/// Left-aligned columns separated by two spaces.
#[must_use]
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|s| printable(s)).collect()).collect();
    for r in &rows {
        let line: Vec<String> = r.iter().enumerate().map(|(i, s)| format!("{s:<w$}", w = widths[i])).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
