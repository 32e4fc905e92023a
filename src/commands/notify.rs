//! `notify-test`: one test alert through every configured sink, to see which accept it.

use std::sync::Arc;

use super::args::ConfigArg;
use super::input::{load, runtime};
use super::{CommandError, Outcome, Reply};
use crate::alert::NotifyError;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::live::sinks;
use crate::model::{format_instant, Alert, AlertKind, Severity};

/// Sends one test alert through every configured sink (the log sink included) and says
/// which accepted it. Nothing is stored.
pub async fn notify_test(config: &Config, clock: &SharedClock) -> Vec<(String, Result<(), NotifyError>)> {
    let now = clock.now();
    let alert = Alert {
        alert: AlertKind::StatusChanged,
        severity: Severity::Info,
        crossing: None,
        feed: None,
        name: Some("borderwatch test".into()),
        lead: None,
        expires_at: None,
        source: None,
        route: None,
        incident: None,
        key: format!("test:{}", format_instant(&now)),
        at: format_instant(&now),
        late: false,
        resolved: false,
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

/// `borderwatch notify-test`: a line per sink, `ok` or why it failed; any failure is
/// its own outcome.
///
/// # Errors
/// A [`CommandError`] for a bad config.
pub fn run(arg: &ConfigArg) -> Result<Reply, CommandError> {
    let config = load(arg)?;
    let clock: SharedClock = Arc::new(SystemClock);
    let results = runtime()?.block_on(notify_test(&config, &clock));
    let mut stdout = String::new();
    for (name, r) in &results {
        match r {
            Ok(()) => stdout += &format!("{name}: ok\n"),
            Err(e) => stdout += &format!("{name}: FAILED: {}\n", e.message),
        }
    }
    let outcome = if results.iter().all(|(_, r)| r.is_ok()) { Outcome::Done } else { Outcome::SinkRefused };
    Ok(Reply::new(stdout, outcome))
}
