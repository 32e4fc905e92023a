//! `ack` and `unack`: acknowledge a crossing or a route (its reminders and expiry steps
//! are held while the ack is in force, see [`crate::ack`]) and take the ack back; and
//! what `status` shows of the acks in force.

use chrono::{DateTime, Duration, Utc};

use super::args::{AckArgs, UnackArgs};
use super::input::{clock, load, value};
use super::{CommandError, Outcome, Reply};
use crate::ack::{self, Ack, Target};
use crate::config::Config;
use crate::model::{Alert, Record};
use crate::store::{Store, StoreError};

/// `borderwatch ack`: records the ack, for `--for` or (without it) until a status of
/// what it covers changes.
///
/// # Errors
/// A [`CommandError`] for a bad config, `--for` or `--now`, a crossing or route the
/// config does not know, or an unusable state.
pub fn run_ack(args: &AckArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let now = clock(args.now.as_deref())?.now();
    let lasting = args.duration.as_deref().map(|d| value("--for", window(d))).transpose()?;
    let store = Store::open(&config.daemon.state, now)?;
    let records = store.all_records(now)?;
    let (id, target, name, crossings) = resolve(&config, &records, &args.target)?;
    let current = ack::statuses(&records);
    let ack = Ack {
        id,
        target,
        statuses: crossings.into_iter().map(|c| (c.clone(), current.get(&c).cloned().unwrap_or_default())).collect(),
        by: who(),
        reason: args.reason.clone(),
        since: now,
        until: lasting.map(|d| now + d),
    };
    store.set_ack(&ack)?;
    crate::events::AckChanged { ack: &ack, given: true }.emit();
    let until = ack.until.map_or_else(|| "until its status changes".to_string(), |u| format!("until {}", shown(u)));
    Ok(Reply::new(
        format!(
            "Acknowledged {name} {until}: its reminders and expiry steps are held; a status change still alerts, \
             and ends the acknowledgement.\n"
        ),
        Outcome::Done,
    ))
}

/// `borderwatch unack`: removes the ack; reminders are sent again from the next one due.
///
/// # Errors
/// A [`CommandError`] for a bad config, a crossing or route the config does not know, or
/// an unusable state.
pub fn run_unack(args: &UnackArgs) -> Result<Reply, CommandError> {
    let config = load(&args.config)?;
    let now = clock(None)?.now();
    let store = Store::open(&config.daemon.state, now)?;
    let (id, _, name, _) = resolve(&config, &store.all_records(now)?, &args.target)?;
    let old = store.acks()?.into_iter().find(|k| k.id == id);
    let stdout = match old {
        Some(old) if store.remove_ack(&id)? => {
            crate::events::AckChanged { ack: &old, given: false }.emit();
            format!("Removed the acknowledgement of {name}: its reminders are sent again.\n")
        }
        _ => format!("{name} was not acknowledged.\n"),
    };
    Ok(Reply::new(stdout, Outcome::Done))
}

/// `--for`'s value: a duration longer than zero.
fn window(s: &str) -> Result<Duration, String> {
    match crate::timeutil::parse_duration(s)? {
        d if d > Duration::zero() => Ok(d),
        _ => Err(format!("`{s}` is no time: give a duration longer than 0s, e.g. 24h")),
    }
}

/// The route (by id) or the crossing (by id or any known name, or a crossing a feed
/// reports) `name` means: its id, kind, display name and the crossings it covers.
fn resolve(
    config: &Config,
    records: &[(Record, DateTime<Utc>)],
    name: &str,
) -> Result<(String, Target, String, Vec<String>), CommandError> {
    if let Some(r) = config.routes.iter().find(|r| r.id == name) {
        return Ok((r.id.clone(), Target::Route, format!("route {}", r.name), r.crossings.clone()));
    }
    let known = config.gazetteer.lookup(name).map(|k| (k.id.clone(), k.name.clone())).or_else(|| {
        let id = crate::gazetteer::slug(name);
        records.iter().find(|(r, _)| r.crossing == id).map(|(r, _)| (id.clone(), r.name.clone()))
    });
    match known {
        Some((id, shown)) => Ok((id.clone(), Target::Crossing, shown, vec![id])),
        None => {
            let routes = config.routes.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ");
            Err(CommandError::UnknownTarget(name.to_string(), if routes.is_empty() { "none".into() } else { routes }))
        }
    }
}

/// Who runs the command: `$USER`, `$LOGNAME`, else the user id.
fn who() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        // SAFETY: getuid(2) cannot fail and touches no memory.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }))
}

fn shown(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The acks in force at `now` over `records`, each with the alerts it has held.
///
/// # Errors
/// A [`StoreError`] when the acks or the held alerts cannot be read.
pub fn in_force(
    store: &Store,
    records: &[(Record, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<Vec<(Ack, Vec<Alert>)>, StoreError> {
    let current = ack::statuses(records);
    let mut out = Vec::new();
    for k in store.acks()?.into_iter().filter(|k| k.in_force(&current, now)) {
        let held = store.held_by(&k)?;
        out.push((k, held));
    }
    Ok(out)
}

/// The `ack` field `status --json` adds to a record an ack covers: the ack, and the keys
/// of the alerts it has held.
#[must_use]
pub fn ack_json(k: &Ack, held: &[Alert]) -> serde_json::Value {
    let mut v = serde_json::to_value(k).expect("acks serialize");
    v["held"] = held.iter().map(|a| serde_json::Value::from(a.key.clone())).collect();
    v
}

/// The text `status` shows under its table: each ack in force with who, until and why,
/// then the alerts it has held.
#[must_use]
pub fn ack_text(acks: &[(Ack, Vec<Alert>)]) -> String {
    let mut out = String::from("\nAcknowledged:\n");
    for (k, held) in acks {
        let until = k.until.map_or_else(|| "until its status changes".to_string(), |u| format!("until {}", shown(u)));
        let why = k.reason.as_ref().map(|r| format!(": {}", super::table::printable(r))).unwrap_or_default();
        out += &format!("  {} {} by {} {until}{why}\n", k.target.as_str(), k.id, super::table::printable(&k.by));
        for a in held {
            out += &format!("    held {}: {}\n", format_instant_short(&a.at), super::table::printable(&a.message));
        }
    }
    out
}

/// An alert's stored instant, shortened for a terminal.
fn format_instant_short(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map_or_else(|_| at.to_string(), |t| shown(t.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn for_takes_a_duration_longer_than_zero() {
        assert_eq!(window("24h"), Ok(chrono::Duration::hours(24)));
        assert!(window("0s").unwrap_err().contains("longer than 0s"));
        assert!(window("tomorrow").is_err());
    }

    #[test]
    fn the_stored_instant_format_is_the_one_shown_for_held_alerts() {
        let at = crate::model::format_instant(&chrono::DateTime::UNIX_EPOCH);
        assert_eq!(super::format_instant_short(&at), "1970-01-01 00:00 UTC");
    }
}
