//! Logging: one JSON object per line with ECS-style keys (`@timestamp`, `log.level`,
//! `message`, `event.action`, `borderwatch.*`), or human text on a terminal.
//!
//! Every value goes through a JSON encoder, so a feed value with newlines or escape
//! codes stays inside one valid line; a line longer than 16 KiB has its longest field
//! cut.

use std::io::{IsTerminal, Write};

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The longest line the JSON log writes.
pub const MAX_LINE: usize = 16 * 1024;

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// JSON unless the output is a terminal.
    Auto,
    /// One JSON object per line.
    Json,
    /// Human-readable text.
    Text,
}

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Standard output (the daemon: journald and container runtimes read it).
    Stdout,
    /// Standard error (one-shot commands, whose stdout carries their results).
    Stderr,
}

/// Installs the global subscriber. The level comes from `RUST_LOG`, default `info`.
pub fn init(format: LogFormat, target: Target) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let terminal = match target {
        Target::Stdout => std::io::stdout().is_terminal(),
        Target::Stderr => std::io::stderr().is_terminal(),
    };
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => !terminal,
    };
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        let _ = registry.with(JsonLayer { target }).try_init();
    } else {
        let fmt = tracing_subscriber::fmt::layer().with_target(false).with_ansi(terminal);
        let _ = match target {
            Target::Stdout => registry.with(fmt.with_writer(std::io::stdout).boxed()).try_init(),
            Target::Stderr => registry.with(fmt.with_writer(std::io::stderr).boxed()).try_init(),
        };
    }
}

struct JsonLayer {
    target: Target,
}

struct Fields(Map<String, Value>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_string(), Value::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), Value::from(format!("{value:?}")));
    }
}

/// Builds one ECS-style log line (without the newline).
#[must_use]
pub fn ecs_line(level: &tracing::Level, fields: Map<String, Value>, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut obj = Map::new();
    obj.insert("@timestamp".into(), Value::from(now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()));
    obj.insert("log.level".into(), Value::from(level.as_str().to_ascii_lowercase()));
    let mut fields = fields;
    obj.insert("message".into(), fields.remove("message").unwrap_or(Value::from("")));
    obj.extend(fields);
    let mut line = Value::Object(obj.clone()).to_string();
    while line.len() > MAX_LINE {
        let Some((k, len)) =
            obj.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.len()))).max_by_key(|x| x.1)
        else {
            break;
        };
        let v = obj[&k].as_str().unwrap_or_default();
        let keep = len.saturating_sub(line.len() - MAX_LINE + 64);
        let cut: String = v.char_indices().take_while(|(i, _)| *i < keep).map(|(_, c)| c).collect();
        obj.insert(k, Value::from(format!("{cut}…")));
        line = Value::Object(obj.clone()).to_string();
    }
    line
}

impl<S: Subscriber> Layer<S> for JsonLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut f = Fields(Map::new());
        event.record(&mut f);
        let mut line = ecs_line(event.metadata().level(), f.0, chrono::Utc::now());
        line.push('\n');
        let _ = match self.target {
            Target::Stdout => std::io::stdout().lock().write_all(line.as_bytes()),
            Target::Stderr => std::io::stderr().lock().write_all(line.as_bytes()),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_stay_on_one_valid_line() {
        let mut m = Map::new();
        m.insert("message".into(), Value::from("Torkham\nclosed \u{1b}[31m<b>&"));
        m.insert("event.action".into(), Value::from("alert"));
        let line = ecs_line(&tracing::Level::WARN, m, chrono::Utc::now());
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["message"], "Torkham\nclosed \u{1b}[31m<b>&");
        assert_eq!(v["log.level"], "warn");
        assert_eq!(v["event.action"], "alert");
    }

    #[test]
    fn long_lines_are_cut_to_the_limit() {
        let mut m = Map::new();
        m.insert("message".into(), Value::from("x".repeat(100_000)));
        let line = ecs_line(&tracing::Level::INFO, m, chrono::Utc::now());
        assert!(line.len() <= MAX_LINE, "{}", line.len());
        assert!(serde_json::from_str::<Value>(&line).is_ok());
    }
}
