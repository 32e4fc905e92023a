//! `completions` and `man`: shell completion scripts and manual pages, made from the
//! command-line definition in [`super::args`] so they cannot disagree with it.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::args::Cli;
use super::{CommandError, Outcome, Reply};

/// `borderwatch completions SHELL`: the completion script.
#[must_use]
pub fn completions(shell: clap_complete::Shell) -> Reply {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "borderwatch", &mut script);
    Reply::new(String::from_utf8_lossy(&script).into_owned(), Outcome::Done)
}

/// `borderwatch man`: the main manual page; with `dir`, that page as `borderwatch.1` and
/// a `borderwatch-COMMAND.1` per command, written into `dir`.
///
/// # Errors
/// A [`CommandError`] when a page cannot be written.
pub fn man(dir: Option<&Path>) -> Result<Reply, CommandError> {
    let Some(dir) = dir else {
        let mut page = Vec::new();
        manual(&mut page).map_err(|source| CommandError::Io { what: "cannot write the manual".into(), source })?;
        return Ok(Reply::new(String::from_utf8_lossy(&page).into_owned(), Outcome::Done));
    };
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    for sub in cmd.get_subcommands() {
        clap_mangen::Man::new(sub.clone())
            .generate_to(dir)
            .map_err(|source| CommandError::Io { what: format!("cannot write into {}", dir.display()), source })?;
    }
    let path = dir.join("borderwatch.1");
    let cannot = |source| CommandError::Io { what: format!("cannot create {}", path.display()), source };
    manual(&mut std::fs::File::create(&path).map_err(cannot)?)
        .map_err(|source| CommandError::Io { what: "cannot write the manual".into(), source })?;
    Ok(Reply::new(String::new(), Outcome::Done))
}

/// The main manual page: clap's sections, then exit status, signals, environment and
/// files, which the command-line definition does not hold.
fn manual(w: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    man.render_subcommands_section(w)?;
    w.write_all(MANUAL_EXTRA.as_bytes())?;
    man.render_version_section(w)
}

const MANUAL_EXTRA: &str = r#".SH "EXIT STATUS"
.TP
0
Nothing changed (check), or the command succeeded.
.TP
1
check: a record changed or an alert was queued; notify-test: a sink refused the test alert; any command: an error it could not go on from (the message says which).
.TP
2
check: a feed failed (even if others changed); parse: the body could not be read.
.TP
64
Bad usage: an unknown option, feed or format, or a malformed --now.
.TP
78
The config is missing or invalid; every problem is printed with its file and line.
.SH SIGNALS
.TP
SIGHUP
run: reload the config. A config that does not load is refused and the old one stays in force.
.TP
SIGTERM, SIGINT
run: finish in-flight work, deliver queued alerts and exit 0.
.SH ENVIRONMENT
.TP
BORDERWATCH_CONFIG
The config file, when --config is not given.
.TP
STATE_DIRECTORY, CREDENTIALS_DIRECTORY
Set by systemd: where a relative state path and webhook secrets are found.
.TP
NOTIFY_SOCKET, WATCHDOG_USEC
Set by systemd for Type=notify and WatchdogSec=.
.TP
RUST_LOG
Log level (default info).
.SH FILES
.TP
/etc/borderwatch/borderwatch.toml
The system config; also ./config/borderwatch.toml and $XDG_CONFIG_HOME/borderwatch/borderwatch.toml.
"#;
