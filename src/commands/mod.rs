//! The commands behind the CLI. Each takes its parsed arguments ([`args`]), does its
//! work through the same pipeline as the daemon, and returns a [`Reply`]: what to print
//! and an [`Outcome`] class, which the binary maps to an exit code. Nothing here prints
//! to the terminal or exits. Failure policy: a command stops at the first error and
//! returns it as a [`CommandError`], whose [`CommandError::outcome`] is its class.

pub mod ack;
pub mod args;
pub mod check;
pub mod crossings;
pub mod daemon;
mod input;
pub mod manual;
pub mod notify;
pub mod read;
pub mod replay;
pub mod state;
mod table;

use crate::config::ConfigError;
use crate::daemon::RunError;
use crate::store::StoreError;

/// How a command ended. The binary maps each class to its documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The command did what was asked; for `check`, nothing changed.
    Done,
    /// `check`: records changed or alerts fired.
    Changed,
    /// `crossings`: no crossing matched.
    NothingFound,
    /// `notify-test`: a sink did not accept the test alert.
    SinkRefused,
    /// `check`: a feed failed; `parse`: the body could not be read.
    FeedFailed,
    /// Bad usage: an unknown feed or format, a malformed option value.
    BadUsage,
    /// The config is missing or invalid.
    BadConfig,
    /// An error the command could not go on from.
    Failed,
}

/// What a command hands back: its standard output, and how it ended. A command that
/// stopped part-way (`parse` at a bad record) has both output and an error.
#[derive(Debug)]
pub struct Reply {
    /// Everything for standard output.
    pub stdout: String,
    /// The outcome, or the error that stopped the command (for standard error).
    pub end: Result<Outcome, CommandError>,
}

impl Reply {
    /// Output that ended with `outcome`.
    #[must_use]
    pub fn new(stdout: String, outcome: Outcome) -> Self {
        Self { stdout, end: Ok(outcome) }
    }
}

impl From<CommandError> for Reply {
    fn from(e: CommandError) -> Self {
        Self { stdout: String::new(), end: Err(e) }
    }
}

/// Why a command could not run. Variants whose message is complete in itself hold their
/// cause without exposing it as a `source`, so a report that lists the causes of an
/// error does not say the same thing twice.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The config could not be found, read or validated.
    #[error("{0}")]
    Config(ConfigError),
    /// An option's value is malformed.
    #[error("{flag}: {reason}")]
    BadValue {
        /// The option, e.g. `--now`.
        flag: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// `--feed` named a feed the config does not have.
    #[error("no feed `{0}` in the config (known: {1})")]
    UnknownFeed(String, String),
    /// `ack`/`unack` named neither a known crossing nor a route of the config.
    #[error("no crossing or route `{0}` (routes: {1}; `borderwatch crossings` lists the crossings)")]
    UnknownTarget(String, String),
    /// A replayed file has no time in its name and no `--interval` was given.
    #[error("{0}: no YYYYMMDDTHHMMSSZ time in the file name; give --interval")]
    NoTime(String),
    /// A feed body could not be read into records.
    #[error("{0}")]
    Unreadable(String),
    /// The state could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file, a folder or a stream could not be read or written.
    #[error("{what}")]
    Io {
        /// What was being attempted, e.g. `cannot read notes.txt`.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The daemon stopped with an error.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl CommandError {
    /// The outcome class of this error.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::Config(_) => Outcome::BadConfig,
            Self::BadValue { .. } | Self::UnknownFeed(..) | Self::UnknownTarget(..) | Self::NoTime(_) => {
                Outcome::BadUsage
            }
            Self::Unreadable(_) => Outcome::FeedFailed,
            Self::Store(_) | Self::Io { .. } | Self::Run(_) => Outcome::Failed,
        }
    }
}
