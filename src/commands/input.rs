//! What the commands share in reading their input: the config, the clock (`--now`),
//! option values, files or standard input, JSON lines out, and an async runtime. Each
//! turns a failure into the [`CommandError`] that names the option or file.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::args::ConfigArg;
use super::CommandError;
use crate::clock::{FixedClock, SharedClock, SystemClock};
use crate::config::Config;
use crate::gazetteer::Gazetteer;
use crate::spec::Format;
use crate::timeutil::parse_instant;

/// The config from `--config` or the usual places, saying in the log which file it is.
pub(crate) fn load(arg: &ConfigArg) -> Result<Config, CommandError> {
    Config::locate(arg.config.as_deref())
        .and_then(|p| {
            crate::events::ConfigFileChosen { path: &p }.emit();
            Config::load(&p)
        })
        .map_err(CommandError::Config)
}

/// The config only when `--config` names one: commands that can do without it do not
/// look in the usual places.
pub(crate) fn given(arg: &ConfigArg) -> Result<Option<Config>, CommandError> {
    arg.config.as_ref().map(|_| load(arg)).transpose()
}

/// The config's gazetteer when `--config` names one, else the built-in one.
pub(crate) fn gazetteer(arg: &ConfigArg) -> Result<Gazetteer, CommandError> {
    Ok(given(arg)?.map_or_else(Gazetteer::built_in, |c| c.gazetteer))
}

/// The system clock, or one standing at `--now`.
pub(crate) fn clock(now: Option<&str>) -> Result<SharedClock, CommandError> {
    match now {
        None => Ok(Arc::new(SystemClock)),
        Some(s) => Ok(Arc::new(FixedClock::new(value("--now", parse_instant(s))?))),
    }
}

/// An option's parsed value, or the usage error that names the option.
pub(crate) fn value<T>(flag: &'static str, parsed: Result<T, String>) -> Result<T, CommandError> {
    parsed.map_err(|reason| CommandError::BadValue { flag, reason })
}

/// `--format`'s value.
pub(crate) fn format(name: &str) -> Result<Format, CommandError> {
    value("--format", Format::parse(name))
}

/// The text of `file`, or of standard input for `-`, with the name to cite it by.
pub(crate) fn text(file: &Path) -> Result<(String, String), CommandError> {
    read(file, |r| {
        let mut s = String::new();
        r.read_to_string(&mut s).map(|_| s)
    })
}

/// The bytes of `file`, or of standard input for `-`.
pub(crate) fn bytes(file: &Path) -> Result<Vec<u8>, CommandError> {
    let (body, _) = read(file, |r| {
        let mut b = Vec::new();
        r.read_to_end(&mut b).map(|_| b)
    })?;
    Ok(body)
}

fn read<T>(file: &Path, read: impl FnOnce(&mut dyn Read) -> std::io::Result<T>) -> Result<(T, String), CommandError> {
    if file.as_os_str() == "-" {
        let body = read(&mut std::io::stdin())
            .map_err(|source| CommandError::Io { what: "cannot read standard input".into(), source })?;
        return Ok((body, "stdin".into()));
    }
    let body = std::fs::File::open(file)
        .and_then(|mut f| read(&mut f))
        .map_err(|source| CommandError::Io { what: format!("cannot read {}", file.display()), source })?;
    Ok((body, file.display().to_string()))
}

/// One compact JSON object per line.
pub(crate) fn json_lines<T: serde::Serialize>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|i| serde_json::to_string(&i).expect("values serialize") + "\n").collect()
}

/// A runtime for the commands that poll or deliver.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| CommandError::Io { what: "cannot start the async runtime".into(), source })
}

/// A runtime on the calling thread, for a command whose async work is only waiting on
/// sockets (its parsing and SQLite run on blocking threads): no hand-off between worker
/// threads on every response.
pub(crate) fn io_runtime() -> Result<tokio::runtime::Runtime, CommandError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| CommandError::Io { what: "cannot start the async runtime".into(), source })
}
