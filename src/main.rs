//! The `borderwatch` command: parses arguments, sets up logging, calls the library and
//! maps outcomes to exit codes (0 nothing changed, 1 changes or alerts, 2 a feed failed,
//! 64 bad usage, 78 invalid config).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use borderwatch::clock::{FixedClock, SharedClock, SystemClock};
use borderwatch::commands::{self, CheckResult};
use borderwatch::config::{Config, ConfigError};
use borderwatch::logging::{self, LogFormat, Target};
use borderwatch::poll::Outcome;
use borderwatch::timeutil::parse_instant;
use clap::{CommandFactory, Parser, Subcommand};

const EXIT_CHANGED: u8 = 1;
const EXIT_FEED_FAILED: u8 = 2;
const EXIT_USAGE: u8 = 64;
const EXIT_CONFIG: u8 = 78;

/// Watches border crossings and alerts on status changes and approaching expiry dates.
#[derive(Debug, Parser)]
#[command(name = "borderwatch", version, about)]
struct Cli {
    /// Log format: json, text, or auto (text on a terminal, json otherwise).
    #[arg(long, global = true, value_enum, default_value = "auto")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct ConfigArg {
    /// Config file (default: $BORDERWATCH_CONFIG, ./config/borderwatch.toml,
    /// $XDG_CONFIG_HOME/borderwatch/borderwatch.toml, /etc/borderwatch/borderwatch.toml).
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon in the foreground until SIGTERM or Ctrl-C.
    Run {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Poll the feeds once: fetch, diff, store, alert; print records and new alerts.
    Check {
        #[command(flatten)]
        config: ConfigArg,
        /// Only this feed (repeatable).
        #[arg(long = "feed")]
        feeds: Vec<String>,
        /// Pretend it is this instant (RFC 3339, or a date).
        #[arg(long)]
        now: Option<String>,
        /// Work on a copy of the state and deliver nothing.
        #[arg(long)]
        dry_run: bool,
        /// One JSON object per line: records, then alerts.
        #[arg(long)]
        json: bool,
    },
    /// Show the current records with the time left.
    Status {
        #[command(flatten)]
        config: ConfigArg,
        /// Compute time left as of this instant.
        #[arg(long)]
        now: Option<String>,
        /// One JSON record per line.
        #[arg(long)]
        json: bool,
    },
    /// Show the change log, for all crossings or one.
    History {
        #[command(flatten)]
        config: ConfigArg,
        /// Crossing id or name.
        crossing: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// List and search the known crossings (built-in and configured).
    Crossings {
        #[command(flatten)]
        config: ConfigArg,
        /// Only crossings on this country's borders (ISO 3166 code, e.g. PK).
        #[arg(long)]
        country: Option<String>,
        /// Only crossings whose id, name or an alias contains this (case and diacritics ignored).
        name: Option<String>,
    },
    /// Read closures and expiry dates out of a news text; one JSON record per line.
    Extract {
        #[command(flatten)]
        config: ConfigArg,
        /// The text's publication date (default: today, or the date of --now).
        #[arg(long)]
        published: Option<String>,
        /// Pretend it is this instant.
        #[arg(long)]
        now: Option<String>,
        /// Per record, print its sentences, the date phrases in them and the rule that
        /// bound its until and since, instead of JSON.
        #[arg(long)]
        explain: bool,
        /// The text file, or - for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// Read a feed body in one format and print its records, one JSON object per line.
    Parse {
        /// The format (borderwatch-json, rss, atom, cbp-json).
        #[arg(long)]
        format: String,
        /// The file, or - for standard input.
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// Replay saved snapshots through the rules; print the alerts a user would have had.
    Replay {
        #[command(flatten)]
        config: ConfigArg,
        /// The snapshots' format.
        #[arg(long)]
        format: String,
        /// Time between snapshots whose names carry no YYYYMMDDTHHMMSSZ (e.g. 10m).
        #[arg(long)]
        interval: Option<String>,
        /// One JSON alert per line.
        #[arg(long)]
        json: bool,
        /// Snapshot files, or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Send a test alert through every configured sink; exit 0 only if all accepted it.
    NotifyTest {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Print an iCalendar file of every known expiry and expiry-ladder step.
    Calendar {
        #[command(flatten)]
        config: ConfigArg,
    },
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
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the config and print every problem.
    Check {
        #[command(flatten)]
        config: ConfigArg,
    },
}

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
            return if e.use_stderr() { ExitCode::from(EXIT_USAGE) } else { ExitCode::SUCCESS };
        }
    };
    let target = if matches!(cli.command, Command::Run { .. }) { Target::Stdout } else { Target::Stderr };
    logging::init(cli.log_format, target);
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("borderwatch: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(arg: &ConfigArg) -> Result<Config, ExitCode> {
    let loaded = Config::locate(arg.config.as_deref()).and_then(|p| {
        tracing::info!(config = %p.display(), "Using config file.");
        Config::load(&p)
    });
    loaded.map_err(|e| {
        eprintln!("borderwatch: {e}");
        match e {
            ConfigError::Invalid(_) | ConfigError::NotFound(_) | ConfigError::Read { .. } => {
                ExitCode::from(EXIT_CONFIG)
            }
        }
    })
}

fn clock(now: Option<&str>) -> Result<SharedClock, ExitCode> {
    match now {
        None => Ok(Arc::new(SystemClock)),
        Some(s) => parse_instant(s).map(|t| Arc::new(FixedClock::new(t)) as SharedClock).map_err(|e| {
            eprintln!("borderwatch: --now: {e}");
            ExitCode::from(EXIT_USAGE)
        }),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    macro_rules! tryx {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(code) => return Ok(code),
            }
        };
    }
    match command {
        Command::Run { config } => {
            let config = tryx!(load(&config));
            let rt = runtime()?;
            rt.block_on(async {
                let shutdown = tokio_util::sync::CancellationToken::new();
                let s = shutdown.clone();
                // Registered before the daemon starts, so a SIGTERM at any moment is a
                // clean stop, never the default kill.
                let signalled = shutdown_signal();
                tokio::spawn(async move {
                    signalled.await;
                    tracing::info!(event.action = "shutdown", "Shutdown requested.");
                    s.cancel();
                });
                borderwatch::run(config, Arc::new(SystemClock), shutdown).await
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config, feeds, now, dry_run, json } => {
            let config = tryx!(load(&config));
            let clock = tryx!(clock(now.as_deref()));
            let now = clock.now();
            let result = match runtime()?.block_on(commands::check(config, clock, &feeds, dry_run)) {
                Ok(r) => r,
                Err(e @ commands::CommandError::UnknownFeed(..)) => {
                    eprintln!("borderwatch: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
                Err(e) => return Err(e.into()),
            };
            print_check(&result, json, now);
            Ok(if result.failed() {
                ExitCode::from(EXIT_FEED_FAILED)
            } else if result.changed() {
                ExitCode::from(EXIT_CHANGED)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Status { config, now, json } => {
            let config = tryx!(load(&config));
            let now = tryx!(clock(now.as_deref())).now();
            let records = commands::status(&config)?;
            if json {
                for r in &records {
                    println!("{}", serde_json::to_string(r)?);
                }
            } else if records.is_empty() {
                println!("No records yet: run `borderwatch check` or start the daemon.");
            } else {
                print!("{}", commands::status_table(&records, now));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::History { config, crossing, json } => {
            let config = tryx!(load(&config));
            let rows = commands::history(&config, crossing.as_deref())?;
            if json {
                for r in &rows {
                    println!("{}", serde_json::to_string(r)?);
                }
            } else {
                let mut t = vec![["AT", "CROSSING", "CHANGE", "FROM", "TO", "FEED"].map(String::from).to_vec()];
                let show = |r: &Option<borderwatch::model::Record>| {
                    r.as_ref().map_or("-".to_string(), |r| {
                        format!("{}{}", r.status, r.until.as_ref().map(|u| format!(" until {u}")).unwrap_or_default())
                    })
                };
                for r in &rows {
                    t.push(vec![
                        r.at.clone(),
                        r.crossing.clone(),
                        r.change.clone(),
                        show(&r.previous),
                        show(&r.current),
                        r.feed.clone(),
                    ]);
                }
                print!("{}", commands::table(&t));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Crossings { config, country, name } => {
            let gazetteer = match config.config {
                Some(_) => tryx!(load(&config)).gazetteer,
                None => borderwatch::gazetteer::Gazetteer::built_in(),
            };
            let rows = commands::crossings(&gazetteer, country.as_deref(), name.as_deref());
            print!("{}", commands::table(&rows));
            Ok(if rows.len() > 1 { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Extract { config, published, now, explain, file } => {
            let gazetteer = match config.config {
                Some(_) => tryx!(load(&config)).gazetteer,
                None => borderwatch::gazetteer::Gazetteer::built_in(),
            };
            let now = tryx!(clock(now.as_deref())).now();
            let published = match published.as_deref().map(parse_instant) {
                None => now.date_naive(),
                Some(Ok(t)) => t.date_naive(),
                Some(Err(e)) => {
                    eprintln!("borderwatch: --published: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
            };
            let (text, source) = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("cannot read standard input")?;
                (s, "stdin".to_string())
            } else {
                let s = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
                (s, file.display().to_string())
            };
            if explain {
                print!("{}", borderwatch::extract::explain(&text, published, &gazetteer, &source));
                return Ok(ExitCode::SUCCESS);
            }
            for r in borderwatch::extract::extract(&text, published, &gazetteer, &source) {
                println!("{}", serde_json::to_string(&r)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Parse { format, file } => {
            let format = match borderwatch::formats::Format::parse(&format) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("borderwatch: --format: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
            };
            let body = if file.as_os_str() == "-" {
                let mut b = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).context("cannot read standard input")?;
                b
            } else {
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?
            };
            let gazetteer = borderwatch::gazetteer::Gazetteer::built_in();
            let now = tryx!(clock(None)).now();
            let raw = match borderwatch::formats::parse(format, "parse", &body, &gazetteer, now) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("borderwatch: {e}");
                    return Ok(ExitCode::from(EXIT_FEED_FAILED));
                }
            };
            for r in raw {
                match borderwatch::normalize::normalize(r, "parse", &gazetteer, now) {
                    Ok(rec) => println!("{}", serde_json::to_string(&rec)?),
                    Err(e) => {
                        eprintln!("borderwatch: {e}");
                        return Ok(ExitCode::from(EXIT_FEED_FAILED));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay { config, format, interval, json, paths } => {
            let base = if config.config.is_some() { Some(tryx!(load(&config))) } else { None };
            let format = match borderwatch::formats::Format::parse(&format) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("borderwatch: --format: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
            };
            let interval = match interval.as_deref().map(borderwatch::timeutil::parse_duration) {
                None => None,
                Some(Ok(d)) => Some(d),
                Some(Err(e)) => {
                    eprintln!("borderwatch: --interval: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
            };
            let mut files = Vec::new();
            for p in paths {
                if p.is_dir() {
                    for e in std::fs::read_dir(&p).with_context(|| format!("cannot read {}", p.display()))? {
                        let e = e?.path();
                        if e.is_file() {
                            files.push(e);
                        }
                    }
                } else {
                    files.push(p);
                }
            }
            let (alerts, n) = match runtime()?.block_on(commands::replay(base, format, files, interval)) {
                Ok(r) => r,
                Err(e @ commands::CommandError::NoTime(_)) => {
                    eprintln!("borderwatch: {e}");
                    return Ok(ExitCode::from(EXIT_USAGE));
                }
                Err(e) => return Err(e.into()),
            };
            for a in &alerts {
                if json {
                    println!("{}", serde_json::to_string(a)?);
                } else {
                    println!("{}  {}", a.at, commands::printable(&a.message));
                }
            }
            if !json {
                println!("{n} snapshots, {} alerts", alerts.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::NotifyTest { config } => {
            let config = tryx!(load(&config));
            let clock: SharedClock = Arc::new(SystemClock);
            let results = runtime()?.block_on(commands::notify_test(&config, &clock));
            let mut ok = true;
            for (name, r) in &results {
                match r {
                    Ok(()) => println!("{name}: ok"),
                    Err(e) => {
                        ok = false;
                        println!("{name}: FAILED: {}", e.message);
                    }
                }
            }
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(EXIT_CHANGED) })
        }
        Command::Calendar { config } => {
            let config = tryx!(load(&config));
            let now = tryx!(clock(None)).now();
            let records = commands::status(&config)?;
            print!(
                "{}",
                borderwatch::calendar::ics(&records, &config.alerts.lead_times, config.alerts.arm_expiry, now)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "borderwatch", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: None } => {
            manual(&mut std::io::stdout().lock()).context("cannot write the manual")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { dir: Some(dir) } => {
            let mut cmd = Cli::command().disable_help_subcommand(true);
            cmd.build();
            for sub in cmd.get_subcommands() {
                clap_mangen::Man::new(sub.clone())
                    .generate_to(&dir)
                    .with_context(|| format!("cannot write into {}", dir.display()))?;
            }
            let path = dir.join("borderwatch.1");
            manual(&mut std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Config { command: ConfigCommand::Check { config } } => {
            let config = tryx!(load(&config));
            println!(
                "{}: ok ({} feeds, {} crossings known, state {})",
                config.path.display(),
                config.feeds.len(),
                config.gazetteer.iter().count(),
                config.daemon.state.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The main manual page: clap's sections, then exit status, signals, environment and
/// files, which the command-line definition does not hold.
fn manual(w: &mut dyn std::io::Write) -> std::io::Result<()> {
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

fn print_check(result: &CheckResult, json: bool, now: chrono::DateTime<chrono::Utc>) {
    if json {
        for r in &result.records {
            println!("{}", serde_json::to_string(r).expect("records serialize"));
        }
        for a in &result.alerts {
            println!("{}", serde_json::to_string(a).expect("alerts serialize"));
        }
        return;
    }
    for r in &result.reports {
        let what = match &r.outcome {
            Ok(Outcome::Unchanged) => "unchanged".to_string(),
            Ok(Outcome::Baseline(s)) => format!("baseline stored, {} records", s.len()),
            Ok(Outcome::Applied(s, c)) => format!("{} records, {} changes", s.len(), c.len()),
            Ok(Outcome::Suspect(why, c)) => format!("suspect, removals held: {why}; {} changes", c.len()),
            Ok(Outcome::Empty(why)) => format!("held as suspect: {why}"),
            Err(e) => format!("FAILED: {e}"),
        };
        println!("feed {}: {}", r.feed, commands::printable(&what));
    }
    println!();
    if result.records.is_empty() {
        println!("No records.");
    } else {
        print!("{}", commands::status_table(&result.records, now));
    }
    println!();
    if result.alerts.is_empty() {
        println!("No new alerts.");
    } else {
        println!("New alerts:");
        for a in &result.alerts {
            let late = if a.late { " (late)" } else { "" };
            println!(
                "  [{}] {}{late}",
                serde_json::to_value(a.severity).expect("severity").as_str().unwrap_or(""),
                a.message
            );
        }
    }
}

/// SIGTERM or Ctrl-C, registered now; the returned future ends when one arrives.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    async move {
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}
