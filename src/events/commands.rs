//! Events of the one-shot commands ([`crate::commands`]); they only log, on stderr.

use std::fmt::Display;
use std::path::Path;

const INPUT: &str = "borderwatch::commands::input";
const REPLAY: &str = "borderwatch::commands::replay";

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
