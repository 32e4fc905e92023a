//! Each counted event writes its log line and bumps its counter in one `emit`: the line
//! is captured as the JSON log would write it, the counter read as `/metrics` reads it.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

use super::{ConfigReloadFailed, ConfigReloaded, DeliveryFailed, PollFailed, PollUnchanged};
use crate::health::Health;

/// Every event emitted while it is the thread's subscriber, as (target, JSON line).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(String, Value)>>>);

struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), Value::from(format!("{value:?}")));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut f = Fields(Map::new());
        event.record(&mut f);
        let line = crate::logging::ecs_line(event.metadata().level(), f.0, chrono::DateTime::UNIX_EPOCH);
        let json = serde_json::from_str(&line).expect("one JSON object");
        self.0.lock().unwrap().push((event.metadata().target().to_string(), json));
    }
}

fn captured(emit: impl FnOnce()) -> Vec<(String, Value)> {
    let capture = Capture::default();
    tracing::subscriber::with_default(tracing_subscriber::registry().with(capture.clone()), emit);
    let lines = capture.0.lock().unwrap().clone();
    lines
}

#[test]
fn a_failed_poll_logs_its_line_and_counts_it_by_feed_and_reason() {
    let health = Health::new();
    let lines = captured(|| PollFailed { feed: "cbp", reason: "status", error: &"HTTP 500" }.emit(&health));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let (target, line) = &lines[0];
    assert_eq!(target, "borderwatch::poll", "RUST_LOG filters by the emitting module");
    assert_eq!(line["log.level"], "warn");
    assert_eq!(line["event.action"], "poll");
    assert_eq!(line["event.outcome"], "failure");
    assert_eq!(line["borderwatch.feed.id"], "cbp");
    assert_eq!(line["reason"], "status");
    assert_eq!(line["error"], "HTTP 500");
    assert_eq!(line["message"], "Poll failed; keeping the last good data.");
    let errors = health.counters().errors;
    assert_eq!(errors.get(&("cbp".to_string(), "status")), Some(&1));
    assert_eq!(errors.len(), 1);
}

#[test]
fn a_refused_delivery_logs_its_line_and_counts_it_by_sink() {
    let health = Health::new();
    let lines = captured(|| DeliveryFailed { sink: "ops", key: "k1", error: &"HTTP 503" }.emit(&health));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0].1;
    assert_eq!(
        (line["event.action"].as_str(), line["borderwatch.sink"].as_str()),
        (Some("alert_delivery_failed"), Some("ops"))
    );
    assert_eq!(line["borderwatch.alert.key"], "k1");
    assert_eq!(health.counters().delivery_failures.get("ops"), Some(&1));
}

#[test]
fn reloads_log_their_outcome_and_count_it() {
    let health = Health::new();
    let lines = captured(|| {
        ConfigReloaded { feeds: 2, started: 1, stopped: 0 }.emit(&health);
        ConfigReloadFailed { error: "line 3: unknown key bogus" }.emit(&health);
    });
    let outcomes: Vec<_> = lines.iter().map(|(_, l)| (l["event.outcome"].clone(), l["log.level"].clone())).collect();
    assert_eq!(
        outcomes,
        [(Value::from("success"), Value::from("info")), (Value::from("failure"), Value::from("error"))]
    );
    assert_eq!(lines[0].1["feeds"], 2);
    let c = health.counters();
    assert_eq!((c.reloads_ok, c.reloads_failed, c.last_reload_ok), (1, 1, false));
}

#[test]
fn an_unchanged_poll_logs_at_debug_under_the_poll_target() {
    let lines = captured(|| PollUnchanged { feed: "cbp" }.emit());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, "borderwatch::poll");
    assert_eq!(lines[0].1["log.level"], "debug");
    assert_eq!(lines[0].1["message"], "Poll completed; nothing changed.");
}
