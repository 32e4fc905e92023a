//! The command line: every command, option and help text, parsed by clap. The manual
//! page and the shell completions are made from these definitions too.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::logging::LogFormat;

/// Watches border crossings and alerts on status changes and approaching expiry dates.
#[derive(Debug, Parser)]
#[command(name = "borderwatch", version, about)]
pub struct Cli {
    /// Log format: json, text, or auto (text on a terminal, json otherwise).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub log_format: LogFormat,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the config comes from.
#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// Config file (default: $BORDERWATCH_CONFIG, ./config/borderwatch.toml,
    /// $XDG_CONFIG_HOME/borderwatch/borderwatch.toml, /etc/borderwatch/borderwatch.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon in the foreground until SIGTERM or Ctrl-C.
    Run(ConfigArg),
    /// Poll the feeds once: fetch, diff, store, alert; print records and new alerts.
    Check(CheckArgs),
    /// Show the current records with the time left.
    Status(StatusArgs),
    /// Show the change log, for all crossings or one.
    History(HistoryArgs),
    /// List and search the known crossings (built-in and configured).
    Crossings(CrossingsArgs),
    /// Read closures and expiry dates out of a news text; one JSON record per line.
    Extract(ExtractArgs),
    /// Read a feed body in one format and print its records, one JSON object per line.
    Parse(ParseArgs),
    /// Replay saved snapshots through the rules; print the alerts a user would have had.
    Replay(ReplayArgs),
    /// Acknowledge a crossing or route: hold its reminders and expiry steps (recorded, not
    /// sent) for --for, or until its status changes; a status change always alerts.
    Ack(AckArgs),
    /// Take an acknowledgement back: reminders and expiry steps are sent again.
    Unack(UnackArgs),
    /// Send a test alert through every configured sink; exit 0 only if all accepted it.
    NotifyTest(ConfigArg),
    /// Print an iCalendar file of every known expiry and expiry-ladder step.
    Calendar(ConfigArg),
    /// Print the board (the crossings by route, their time left, feed health, the latest
    /// alerts) as one self-contained HTML file that fetches nothing.
    Board(BoardArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write a page per command into --dir.
    Man {
        /// Write borderwatch.1 and a borderwatch-COMMAND.1 per command into this folder.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Configuration tools.
    Config {
        /// The configuration tool.
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

/// The configuration tools.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the config and print every problem.
    Check(ConfigArg),
}

/// `board`'s arguments.
#[derive(Debug, clap::Args)]
pub struct BoardArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Show the board as of this instant (RFC 3339, or a date).
    #[arg(long)]
    pub now: Option<String>,
}

/// `check`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Only this feed (repeatable).
    #[arg(long = "feed")]
    pub feeds: Vec<String>,
    /// Pretend it is this instant (RFC 3339, or a date).
    #[arg(long)]
    pub now: Option<String>,
    /// Work on a copy of the state and deliver nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One JSON object per line: records, then alerts.
    #[arg(long)]
    pub json: bool,
}

/// `status`'s arguments.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Compute time left as of this instant.
    #[arg(long)]
    pub now: Option<String>,
    /// One JSON record per line.
    #[arg(long)]
    pub json: bool,
}

/// `history`'s arguments.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Crossing id or name.
    pub crossing: Option<String>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// `crossings`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CrossingsArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Only crossings on this country's borders (ISO 3166 code, e.g. PK).
    #[arg(long)]
    pub country: Option<String>,
    /// Only crossings whose id, name or an alias contains this (case and diacritics ignored).
    pub name: Option<String>,
}

/// `extract`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// The text's publication date (default: today, or the date of --now).
    #[arg(long)]
    pub published: Option<String>,
    /// Pretend it is this instant.
    #[arg(long)]
    pub now: Option<String>,
    /// Print the temporal expressions (TimeML values), one JSON object per line.
    #[arg(long)]
    pub times: bool,
    /// Per record, print its sentences, the date phrases in them and the rule that
    /// bound its until and since, instead of JSON.
    #[arg(long, conflicts_with = "times")]
    pub explain: bool,
    /// The text file, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
}

/// `parse`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// The format (borderwatch-json, rss, atom, cbp-json).
    #[arg(long)]
    pub format: String,
    /// The file, or - for standard input.
    #[arg(default_value = "-")]
    pub file: PathBuf,
}

/// `replay`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// The snapshots' format.
    #[arg(long)]
    pub format: String,
    /// Time between snapshots whose names carry no YYYYMMDDTHHMMSSZ (e.g. 10m).
    #[arg(long)]
    pub interval: Option<String>,
    /// One JSON alert per line.
    #[arg(long)]
    pub json: bool,
    /// Snapshot files, or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// `ack`'s arguments.
#[derive(Debug, clap::Args)]
pub struct AckArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Crossing (id or name) or route (id).
    pub target: String,
    /// How long the acknowledgement lasts (e.g. 24h); without it, until the status of
    /// the crossing (or of a crossing of the route) changes.
    #[arg(long = "for", value_name = "DURATION")]
    pub duration: Option<String>,
    /// Why, shown by `status` and in the log.
    #[arg(long)]
    pub reason: Option<String>,
    /// Acknowledge as of this instant (RFC 3339, or a date).
    #[arg(long)]
    pub now: Option<String>,
}

/// `unack`'s arguments.
#[derive(Debug, clap::Args)]
pub struct UnackArgs {
    /// Where the config comes from.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Crossing (id or name) or route (id).
    pub target: String,
}
