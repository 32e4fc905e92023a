//! Events of the state ([`crate::store`]).

use std::fmt::Display;
use std::path::Path;

const STORE: &str = "borderwatch::store";

/// The state database was corrupt: moved aside, and a fresh one started.
pub struct StateRebuilt<'a> {
    /// The database file.
    pub state: &'a str,
    /// Where the corrupt file went.
    pub moved_to: &'a Path,
    /// What showed it corrupt.
    pub error: &'a dyn Display,
}

impl StateRebuilt<'_> {
    /// Logs it (error: the operator may want to look at the file moved aside).
    pub fn emit(&self) {
        tracing::error!(
            target: STORE,
            {
                state = %self.state,
                moved_to = %self.moved_to.display(),
                error = %self.error
            },
            "State database is corrupt; moved aside, starting fresh."
        );
    }
}
