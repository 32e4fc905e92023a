//! `check`: one poll of every feed (or those named), the expiry ladder, delivery, and a
//! report. It uses the same pipeline as the daemon, so what `check` shows is what the
//! daemon would do.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::args::CheckArgs;
use super::input::{clock, io_runtime, json_lines, load};
use super::state::status_table;
use super::table::printable;
use super::{CommandError, Outcome, Reply};
use crate::alert::deliver_pending;
use crate::alert::dispatch::blocking;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::live::sinks;
use crate::model::{Alert, Record};
use crate::poll::{self, queue_due_for, Poller, Report};
use crate::store::{Store, StoreError};

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
                Ok(poll::Outcome::Baseline(s)) => !s.is_empty(),
                Ok(poll::Outcome::Applied(_, c) | poll::Outcome::Suspect(_, c)) => !c.is_empty(),
                _ => false,
            })
    }
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
    let (path, now) = (config.daemon.state.clone(), clock.now());
    let store = blocking(move || if dry_run { Store::open_copy(&path) } else { Store::open(&path, now) }).await?;
    let poller = Poller::new(Arc::new(config), store, clock);
    let mut reports = Vec::new();
    let mut alerts = Vec::new();
    let feeds = poller.config.feeds.iter().filter(|f| only.is_empty() || only.contains(&f.id));
    for mut r in poller.poll_all(feeds).await {
        alerts.append(&mut r.alerts);
        reports.push(r);
    }
    let (store, config, now) = (Arc::clone(&poller.store), Arc::clone(&poller.config), poller.clock.now());
    let (mut ladder, records) = blocking(move || {
        let mut s = store.lock().expect("store lock");
        let records = s.all_records(now)?;
        let (due, _) = queue_due_for(&mut s, &records, &config.alerts, &config.routes, now)?;
        Ok::<_, StoreError>((due, records))
    })
    .await?;
    alerts.append(&mut ladder);
    if !dry_run {
        deliver_pending(&poller.store, &sinks(&poller.config), &poller.clock, &poller.health).await?;
    }
    Ok(CheckResult { reports, records: records.into_iter().map(|(r, _)| r).collect(), alerts })
}

/// `borderwatch check`: polls, then prints the records and new alerts (as JSON lines, or
/// as a report per feed, a table and a list). A failed feed outranks a change.
///
/// # Errors
/// A [`CommandError`] for a bad config, `--now` or `--feed`, or an unusable state.
pub fn run(args: &CheckArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let clock = clock(args.now.as_deref())?;
    let now = clock.now();
    let result = io_runtime()?.block_on(check(config, clock, &args.feeds, args.dry_run))?;
    let stdout = if args.json { json_lines(&result.records) + &json_lines(&result.alerts) } else { text(&result, now) };
    let outcome = if result.failed() {
        Outcome::FeedFailed
    } else if result.changed() {
        Outcome::Changed
    } else {
        Outcome::Done
    };
    Ok(Reply::new(stdout, outcome))
}

/// A line per feed, the records as a table, then the new alerts.
fn text(result: &CheckResult, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    for r in &result.reports {
        let what = match &r.outcome {
            Ok(poll::Outcome::Unchanged) => "unchanged".to_string(),
            Ok(poll::Outcome::Baseline(s)) => format!("baseline stored, {} records", s.len()),
            Ok(poll::Outcome::Applied(s, c)) => format!("{} records, {} changes", s.len(), c.len()),
            Ok(poll::Outcome::Suspect(why, c)) => format!("suspect, removals held: {why}; {} changes", c.len()),
            Ok(poll::Outcome::Empty(why)) => format!("held as suspect: {why}"),
            Err(e) => format!("FAILED: {e}"),
        };
        out += &format!("feed {}: {}\n", r.feed, printable(&what));
    }
    out += "\n";
    if result.records.is_empty() {
        out += "No records.\n";
    } else {
        out += &status_table(&result.records, now);
    }
    out += "\n";
    if result.alerts.is_empty() {
        out += "No new alerts.\n";
    } else {
        out += "New alerts:\n";
        for a in &result.alerts {
            let late = if a.late { " (late)" } else { "" };
            let severity = serde_json::to_value(a.severity).expect("severity");
            out += &format!("  [{}] {}{late}\n", severity.as_str().unwrap_or(""), a.message);
        }
    }
    out
}
