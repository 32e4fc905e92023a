//! `/metrics` in the Prometheus text format (version 0.0.4). Label values come only from
//! config ids (feeds, sinks) and fixed vocabularies (alert kinds, error reasons), never
//! from feed contents, so a hostile feed cannot grow the series count.

use std::fmt::Write;

use crate::config::Config;
use crate::health::Counters;
use crate::store::Figures;

/// The content type Prometheus expects for this text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Renders every metric for the feeds and sinks in `config`.
#[must_use]
pub fn render(config: &Config, sinks: &[&str], counters: &Counters, figures: &Figures) -> String {
    let mut out = String::new();
    let feeds = || config.feeds.iter().map(|f| f.id.as_str());

    family(&mut out, "borderwatch_feed_up", "gauge", "Whether the feed's last poll succeeded (1) or failed (0).");
    for id in feeds() {
        if let Some(ok) = counters.feeds.get(id).and_then(|p| p.ok) {
            sample(&mut out, "borderwatch_feed_up", &[("feed", id)], u64::from(ok));
        }
    }
    family(
        &mut out,
        "borderwatch_feed_last_success_timestamp_seconds",
        "gauge",
        "Unix time of the last poll that changed the feed's stored records.",
    );
    for id in feeds() {
        if let Some(t) = figures.last_success.get(id) {
            sample(&mut out, "borderwatch_feed_last_success_timestamp_seconds", &[("feed", id)], t.timestamp());
        }
    }
    family(&mut out, "borderwatch_feed_records", "gauge", "Current records of the feed.");
    for id in feeds() {
        sample(&mut out, "borderwatch_feed_records", &[("feed", id)], figures.records.get(id).copied().unwrap_or(0));
    }
    family(&mut out, "borderwatch_fetch_errors_total", "counter", "Failed polls since start, by reason.");
    for ((feed, reason), n) in &counters.errors {
        if feeds().any(|id| id == feed) {
            sample(&mut out, "borderwatch_fetch_errors_total", &[("feed", feed), ("reason", reason)], *n);
        }
    }
    family(&mut out, "borderwatch_alerts_delivered_total", "counter", "Alerts delivered, by sink and kind.");
    for ((sink, kind), n) in &figures.delivered {
        if sinks.contains(&sink.as_str()) {
            sample(&mut out, "borderwatch_alerts_delivered_total", &[("sink", sink), ("kind", kind)], *n);
        }
    }
    family(
        &mut out,
        "borderwatch_alert_delivery_failures_total",
        "counter",
        "Alert deliveries a sink refused since start, by sink.",
    );
    for (sink, n) in &counters.delivery_failures {
        if sinks.contains(&sink.as_str()) {
            sample(&mut out, "borderwatch_alert_delivery_failures_total", &[("sink", sink)], *n);
        }
    }
    family(&mut out, "borderwatch_alerts_pending", "gauge", "Alerts in the outbox not yet delivered, by sink.");
    for (sink, n) in &figures.pending {
        sample(&mut out, "borderwatch_alerts_pending", &[("sink", sink)], *n);
    }
    family(&mut out, "borderwatch_config_reloads_total", "counter", "Config reloads (SIGHUP), by outcome.");
    sample(&mut out, "borderwatch_config_reloads_total", &[("outcome", "success")], counters.reloads_ok);
    sample(&mut out, "borderwatch_config_reloads_total", &[("outcome", "failure")], counters.reloads_failed);
    family(
        &mut out,
        "borderwatch_config_last_reload_successful",
        "gauge",
        "Whether the last reload took effect (1), or was refused and the old config kept (0).",
    );
    sample(&mut out, "borderwatch_config_last_reload_successful", &[], u64::from(counters.last_reload_ok));
    out
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{k}=\"{}\"", escape(v));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// Escapes a label value: backslash, double quote and newline.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(escape("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
        let mut out = String::new();
        sample(&mut out, "m", &[("feed", "x\"y")], 3);
        assert_eq!(out, "m{feed=\"x\\\"y\"} 3\n");
    }
}
