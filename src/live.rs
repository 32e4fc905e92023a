//! What the daemon's tasks work with now: the [`Live`] set (poller and sinks) that a
//! reload replaces whole, and the sink builder. A leaf for [`crate::daemon`] and
//! [`crate::listen`] alike, so that neither imports the other.

use std::sync::Arc;

use crate::alert::desktop::DesktopSink;
use crate::alert::email::EmailSink;
use crate::alert::ntfy::NtfySink;
use crate::alert::sink::Filtered;
use crate::alert::telegram::TelegramSink;
use crate::alert::webhook::WebhookSink;
use crate::alert::{LogSink, Sink};
use crate::config::{Config, SinkConfig};
use crate::poll::Poller;

/// What every task works with now; a reload replaces it whole.
#[derive(Clone)]
pub struct Live {
    /// The poller, holding the config in force.
    pub poller: Poller,
    /// The sinks that config asks for.
    pub sinks: Arc<Vec<Box<dyn Sink>>>,
}

/// The sinks a config asks for, each behind its filters if it has any; the log sink is
/// always first.
#[must_use]
pub fn sinks(config: &Config) -> Vec<Box<dyn Sink>> {
    let mut out: Vec<Box<dyn Sink>> = vec![Box::new(LogSink)];
    for s in &config.sinks {
        match s {
            SinkConfig::Log => {}
            SinkConfig::Desktop(d) => out.push(Box::new(DesktopSink::new(*d))),
            SinkConfig::Webhook(w) => built(&mut out, WebhookSink::new(w.clone())),
            SinkConfig::Ntfy(n) => built(&mut out, NtfySink::new(n.clone())),
            SinkConfig::Telegram(t) => built(&mut out, TelegramSink::new(t.clone())),
            SinkConfig::Email(e) => built(&mut out, EmailSink::new(e.clone())),
        }
    }
    out.into_iter()
        .map(|sink| match config.filters.get(sink.name()) {
            Some(f) => Box::new(Filtered { sink, filter: f.clone() }),
            None => sink,
        })
        .collect()
}

/// Adds a sink that could be built; says why one could not (its alerts stay queued).
fn built<S: Sink + 'static>(out: &mut Vec<Box<dyn Sink>>, sink: Result<S, crate::alert::NotifyError>) {
    match sink {
        Ok(sink) => out.push(Box::new(sink)),
        Err(e) => crate::events::SinkFailed { error: &e }.emit(),
    }
}
