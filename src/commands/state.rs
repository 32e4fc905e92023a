//! `status`, `history`, `calendar` and `board`: views of the state file, which they only
//! read.

use chrono::{DateTime, Utc};

use super::args::{BoardArgs, ConfigArg, HistoryArgs, StatusArgs};
use super::input::{clock, json_lines, load};
use super::table::table;
use super::{CommandError, Outcome, Reply};
use crate::config::Config;
use crate::model::Record;
use crate::store::{HistoryRow, Store, StoreError};

/// The current records in the state file, as of `now`.
///
/// # Errors
/// A [`StoreError`] when the state cannot be read.
pub fn status(config: &Config, now: DateTime<Utc>) -> Result<Vec<Record>, StoreError> {
    Ok(Store::open(&config.daemon.state, now)?.all_records(now)?.into_iter().map(|(r, _)| r).collect())
}

/// The change log, optionally for one crossing (id or any known name); `now` names a
/// corrupt state file moved aside.
///
/// # Errors
/// A [`StoreError`] when the state cannot be read.
pub fn history(config: &Config, crossing: Option<&str>, now: DateTime<Utc>) -> Result<Vec<HistoryRow>, StoreError> {
    let id = crossing.map(|c| config.gazetteer.lookup(c).map_or_else(|| crate::gazetteer::slug(c), |k| k.id.clone()));
    Store::open(&config.daemon.state, now)?.history(id.as_deref())
}

/// `borderwatch status`: the records as JSON lines or a table with the time left, and
/// the acknowledgements in force (an `ack` field on each record one covers, or a list
/// under the table) with the alerts each has held.
///
/// # Errors
/// A [`CommandError`] for a bad config or `--now`, or an unreadable state.
pub fn run_status(args: &StatusArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let now = clock(args.now.as_deref())?.now();
    let store = Store::open(&config.daemon.state, now)?;
    let all = store.all_records(now)?;
    let acks = super::ack::in_force(&store, &all, now)?;
    let records: Vec<Record> = all.into_iter().map(|(r, _)| r).collect();
    let stdout = if args.json {
        json_lines(records.iter().map(|r| {
            let mut v = serde_json::to_value(r).expect("records serialize");
            if let Some((k, held)) = acks.iter().find(|(k, _)| k.statuses.contains_key(&r.crossing)) {
                v["ack"] = super::ack::ack_json(k, held);
            }
            v
        }))
    } else if records.is_empty() {
        "No records yet: run `borderwatch check` or start the daemon.\n".into()
    } else {
        status_table(&records, now)
    };
    let shown = if acks.is_empty() || args.json { stdout } else { stdout + &super::ack::ack_text(&acks) };
    Ok(Reply::new(shown, Outcome::Done))
}

/// `borderwatch history`: the change log as JSON lines or a table.
///
/// # Errors
/// A [`CommandError`] for a bad config or an unreadable state.
pub fn run_history(args: &HistoryArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let rows = history(&config, args.crossing.as_deref(), clock(None)?.now())?;
    let stdout = if args.json { json_lines(&rows) } else { history_table(&rows) };
    Ok(Reply::new(stdout, Outcome::Done))
}

/// `borderwatch calendar`: an iCalendar file of every expiry and ladder step.
///
/// # Errors
/// A [`CommandError`] for a bad config or an unreadable state.
pub fn run_calendar(arg: &ConfigArg) -> Result<Reply, CommandError> {
    let config = load(arg)?;
    let now = clock(None)?.now();
    let records = status(&config, now)?;
    Ok(Reply::new(
        crate::calendar::ics(&records, &config.alerts.lead_times, config.alerts.arm_expiry, now),
        Outcome::Done,
    ))
}

/// `borderwatch board`: the board as one HTML file, as of `--now`, with its stylesheet
/// inline and no script; what the daemon saw after its last write is not in the state,
/// so a feed's last success may be older here than on the served board.
///
/// # Errors
/// A [`CommandError`] for a bad config or `--now`, or an unreadable state.
pub fn run_board(args: &BoardArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let now = clock(args.now.as_deref())?.now();
    let board = crate::board::Board::read(&Store::open(&config.daemon.state, now)?, &config, Default::default(), now)?;
    Ok(Reply::new(crate::board::page::board(&board, crate::board::Mode::Static), Outcome::Done))
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

/// One line per change: when, crossing, change, the status before and after, feed.
fn history_table(rows: &[HistoryRow]) -> String {
    let show = |r: &Option<Record>| {
        r.as_ref().map_or("-".to_string(), |r| {
            format!("{}{}", r.status, r.until.as_ref().map(|u| format!(" until {u}")).unwrap_or_default())
        })
    };
    let mut t = vec![["AT", "CROSSING", "CHANGE", "FROM", "TO", "FEED"].map(String::from).to_vec()];
    for r in rows {
        t.push(vec![
            r.at.clone(),
            r.crossing.clone(),
            r.change.clone(),
            show(&r.previous),
            show(&r.current),
            r.feed.clone(),
        ]);
    }
    table(&t)
}
