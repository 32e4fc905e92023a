//! Events of the one-shot commands ([`crate::commands`]); they only log, on stderr.

use std::fmt::Display;
use std::path::Path;

const INPUT: &str = "borderwatch::commands::input";
const REPLAY: &str = "borderwatch::commands::replay";
const ACK: &str = "borderwatch::commands::ack";

/// Which config file a command reads (found in the usual places, or named).
pub struct ConfigFileChosen<'a> {
    /// The file.
    pub path: &'a Path,
}

impl ConfigFileChosen<'_> {
    /// Logs it (info).
    pub fn emit(&self) {
        tracing::info!(target: INPUT, { config = %self.path.display() }, "Using config file.");
    }
}

/// A snapshot `replay` was given could not be polled; the replay goes on.
pub struct ReplaySnapshotFailed<'a> {
    /// The snapshot file.
    pub file: &'a Path,
    /// Why.
    pub error: &'a dyn Display,
}

impl ReplaySnapshotFailed<'_> {
    /// Logs it (warn).
    pub fn emit(&self) {
        tracing::warn!(
            target: REPLAY,
            {
                file = %self.file.display(),
                error = %self.error
            },
            "Snapshot failed in replay."
        );
    }
}

/// `borderwatch ack` recorded an acknowledgement, or `unack` removed one.
pub struct AckChanged<'a> {
    /// The ack (as given, or as removed).
    pub ack: &'a crate::ack::Ack,
    /// True for `ack`, false for `unack`.
    pub given: bool,
}

impl AckChanged<'_> {
    /// Logs it (info), with who, why and until.
    pub fn emit(&self) {
        let (action, message) = if self.given {
            ("ack", "Acknowledged: reminders are held until it ends or the status changes.")
        } else {
            ("unack", "Acknowledgement removed: reminders are sent again.")
        };
        tracing::info!(
            target: ACK,
            {
                event.action = action,
                borderwatch.ack.id = %self.ack.id,
                borderwatch.ack.target = self.ack.target.as_str(),
                borderwatch.ack.by = %self.ack.by,
                borderwatch.ack.reason = self.ack.reason.as_deref(),
                borderwatch.ack.until = self.ack.until.map(|u| crate::model::format_instant(&u)),
            },
            "{message}"
        );
    }
}
