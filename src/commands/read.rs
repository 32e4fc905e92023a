//! `parse` and `extract`: read one feed body or news text, from a file or standard
//! input, into records printed as JSON lines. Nothing is stored.

use super::args::{ExtractArgs, ParseArgs};
use super::input::{bytes, clock, format, gazetteer, json_lines, text, value};
use super::{CommandError, Outcome, Reply};
use crate::gazetteer::Gazetteer;
use crate::timeutil::parse_instant;

/// `borderwatch parse`: the body's records, normalized as a poll would. A body that cannot
/// be parsed ends the command; a record that cannot be normalized ends it after the
/// records before it.
///
/// # Errors
/// A [`CommandError`] for an unknown `--format` or an unreadable file.
pub fn run_parse(args: &ParseArgs) -> Result<Reply, CommandError> {
    let format = format(&args.format)?;
    let body = bytes(&args.file)?;
    let gazetteer = Gazetteer::built_in();
    let now = clock(None)?.now();
    let raw = crate::formats::parse(format, "parse", &body, &gazetteer, now)
        .map_err(|e| CommandError::Unreadable(e.to_string()))?;
    let mut records = Vec::new();
    for r in raw {
        match crate::normalize::normalize(r, "parse", &gazetteer, now) {
            Ok(record) => records.push(record),
            Err(e) => return Ok(Reply { stdout: json_lines(&records), end: Err(CommandError::Unreadable(e)) }),
        }
    }
    Ok(Reply::new(json_lines(&records), Outcome::Done))
}

/// `borderwatch extract`: the closures and expiry dates the extractor reads in a text
/// published on `--published` (default: the clock's date).
///
/// # Errors
/// A [`CommandError`] for a bad config, `--now` or `--published`, or an unreadable file.
pub fn run_extract(args: &ExtractArgs) -> Result<Reply, CommandError> {
    let gazetteer = gazetteer(&args.config)?;
    let now = clock(args.now.as_deref())?.now();
    let published = match args.published.as_deref() {
        None => now.date_naive(),
        Some(s) => value("--published", parse_instant(s))?.date_naive(),
    };
    let (text, source) = text(&args.file)?;
    if args.times {
        let lines: String =
            crate::extract::time::json_lines(&text, published).iter().map(|l| format!("{l}\n")).collect();
        return Ok(Reply::new(lines, Outcome::Done));
    }
    if args.explain {
        return Ok(Reply::new(crate::extract::explain(&text, published, &gazetteer, &source), Outcome::Done));
    }
    let records = crate::extract::extract(&text, published, &gazetteer, &source);
    Ok(Reply::new(json_lines(&records), Outcome::Done))
}
