//! The `borderwatch` command: parses arguments, sets up logging, calls the library and
//! maps outcomes to exit codes (0 nothing changed, 1 changes or alerts, 2 a feed failed,
//! 64 bad usage, 78 invalid config).

use std::process::ExitCode;

use borderwatch::commands::args::{Cli, Command, ConfigCommand};
use borderwatch::commands::{ack, check, crossings, daemon, manual, notify, read, replay, state, Outcome, Reply};
use borderwatch::logging::{self, Target};
use clap::Parser;

fn main() -> ExitCode {
    // Output piped into `head` should end the program quietly, as for any Unix tool.
    // SAFETY: setting a signal disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit_code(Outcome::BadUsage) } else { ExitCode::SUCCESS };
        }
    };
    let target = if matches!(cli.command, Command::Run(_)) { Target::Stdout } else { Target::Stderr };
    logging::init(cli.log_format, target);
    let reply = match cli.command {
        Command::Run(a) => daemon::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Status(a) => state::run_status(&a),
        Command::History(a) => state::run_history(&a),
        Command::Crossings(a) => crossings::run(&a),
        Command::Extract(a) => read::run_extract(&a),
        Command::Parse(a) => read::run_parse(&a),
        Command::Replay(a) => replay::run(&a),
        Command::Ack(a) => ack::run_ack(&a),
        Command::Unack(a) => ack::run_unack(&a),
        Command::NotifyTest(a) => notify::run(&a),
        Command::Calendar(a) => state::run_calendar(&a),
        Command::Board(a) => state::run_board(&a),
        Command::Completions { shell } => Ok(manual::completions(shell)),
        Command::Man { dir } => manual::man(dir.as_deref()),
        Command::Config { command: ConfigCommand::Check(a) } => daemon::check(&a),
    };
    let reply = reply.unwrap_or_else(Reply::from);
    print!("{}", reply.stdout);
    match reply.end {
        Ok(outcome) => exit_code(outcome),
        Err(e) => {
            let outcome = e.outcome();
            // The alternate form lists the error's causes after it.
            eprintln!("borderwatch: {:#}", anyhow::Error::new(e));
            exit_code(outcome)
        }
    }
}

/// The documented exit code of each outcome class.
fn exit_code(outcome: Outcome) -> ExitCode {
    ExitCode::from(match outcome {
        Outcome::Done => 0,
        Outcome::Changed | Outcome::NothingFound | Outcome::SinkRefused | Outcome::Failed => 1,
        Outcome::FeedFailed => 2,
        Outcome::BadUsage => 64,
        Outcome::BadConfig => 78,
    })
}
