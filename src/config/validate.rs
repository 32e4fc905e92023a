//! Turns a parsed TOML document into a typed [`Config`], collecting every problem.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::Duration;
use toml::de::DeTable;

use super::read::{Ctx, Table};
use super::{AlertsConfig, Config, ConfigError, DaemonConfig, FeedConfig, FeedSource, Problem, RouteConfig};
use crate::gazetteer::{parse_tz, Gazetteer};
use crate::model::{Confidence, Crossing};
use crate::policy;
use crate::schedule::Schedule;
use crate::spec::{Format, Lanes, Mapping, FIELDS, VALUE_FIELDS};
use crate::timeutil::{parse_duration, parse_size};

pub(super) fn validate(src: &str, path: &Path) -> Result<Config, ConfigError> {
    let doc = match DeTable::parse(src) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map_or(1, |s| src[..s.start.min(src.len())].lines().count().max(1));
            return Err(ConfigError::Invalid(vec![Problem {
                file: path.to_path_buf(),
                line,
                key: "(syntax)".into(),
                message: e.message().trim().to_string(),
            }]));
        }
    };
    let mut ctx = Ctx::new(path, src);
    let mut root = Table::new(doc.get_ref(), doc.span(), "");
    let base = path.parent().unwrap_or_else(|| Path::new(".")).to_path_buf();

    let daemon = daemon(&mut ctx, &mut root, &base);
    let mut alerts = alerts(&mut ctx, &mut root);
    let gazetteer = crossings(&mut ctx, &mut root);
    let mut feeds = feeds(&mut ctx, &mut root, &base);
    super::hosts::apply(&mut ctx, &mut root, &mut feeds);
    let routes = routes(&mut ctx, &mut root, &gazetteer);
    let (sinks, filters) = super::sinks::sinks(&mut ctx, &mut root, &base, &gazetteer, &routes);
    alerts.watches = super::watch::watches(&mut ctx, &mut root, &gazetteer, &feeds, &routes);
    root.finish(&mut ctx);

    if ctx.problems.is_empty() {
        Ok(Config { path: path.to_path_buf(), daemon, alerts, gazetteer, feeds, sinks, routes, filters })
    } else {
        let mut p = ctx.problems;
        p.sort_by_key(|p| p.line);
        Err(ConfigError::Invalid(p))
    }
}

fn daemon(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>, base: &Path) -> DaemonConfig {
    let mut out = DaemonConfig { state: base.join("borderwatch.db"), timezone: chrono_tz::UTC, listen: None };
    let Some(mut t) = root.table(ctx, "daemon") else { return out };
    if let Some((s, _)) = t.str(ctx, "state") {
        let p = PathBuf::from(s);
        out.state = match std::env::var_os("STATE_DIRECTORY") {
            _ if p.is_absolute() => p,
            Some(dir) => PathBuf::from(dir).join(p),
            None => base.join(p),
        };
    }
    if let Some((z, span)) = t.str(ctx, "timezone") {
        match parse_tz(&z) {
            Ok(z) => out.timezone = z,
            Err(e) => ctx.problem(&span, &t.key("timezone"), e),
        }
    }
    if let Some((a, span)) = t.str(ctx, "listen") {
        match listen_address(&a) {
            Ok(addr) => out.listen = Some(addr),
            Err(e) => ctx.problem(&span, &t.key("listen"), e),
        }
    }
    t.finish(ctx);
    out
}

/// The health and metrics listener's address: loopback only, since it answers without
/// authentication. A scraper on another host goes through a proxy or an SSH tunnel.
fn listen_address(s: &str) -> Result<std::net::SocketAddr, String> {
    let addr: std::net::SocketAddr =
        s.parse().map_err(|_| format!("{s:?} is not an address with a port, such as \"127.0.0.1:9188\""))?;
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(format!("{s:?} is not a loopback address; the listener has no authentication, so it binds to 127.0.0.0/8 or [::1] only"))
    }
}

fn alerts(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>) -> AlertsConfig {
    let mut out = AlertsConfig::default();
    let Some(mut t) = root.table(ctx, "alerts") else { return out };
    if let Some(list) = t.str_list(ctx, "lead_times") {
        let key = t.key("lead_times");
        let mut leads = Vec::new();
        for (s, span) in list {
            match parse_duration(&s) {
                Ok(d) if d <= Duration::zero() => ctx.problem(&span, &key, format!("`{s}` must be longer than zero")),
                Ok(d) => {
                    if leads.last().is_some_and(|prev: &Duration| *prev <= d) {
                        ctx.problem(
                            &span,
                            &key,
                            format!("`{s}` is out of order: list lead times longest first, each once"),
                        );
                    }
                    leads.push(d);
                }
                Err(e) => ctx.problem(&span, &key, e),
            }
        }
        out.lead_times = leads;
    }
    count(&mut t, ctx, "failures_before_alert", 1..=u32::MAX, &mut out.failures_before_alert);
    count(&mut t, ctx, "removal_after", 1..=u32::MAX, &mut out.removal_after);
    if let Some((r, span)) = t.str(ctx, "repeat_closed") {
        match parse_duration(&r) {
            Ok(d) if d >= Duration::hours(1) => out.repeat_closed = Some(d),
            Ok(_) => ctx.problem(&span, &t.key("repeat_closed"), "must be at least 1h"),
            Err(e) => ctx.problem(&span, &t.key("repeat_closed"), e),
        }
    }
    if let Some((level, span)) = t.str(ctx, "arm_expiry") {
        match level.as_str() {
            "high" => out.arm_expiry = Confidence::High,
            "low" => out.arm_expiry = Confidence::Low,
            _ => ctx.problem(&span, &t.key("arm_expiry"), format!("unknown level `{level}` (known: high, low)")),
        }
    }
    if let Some((x, span)) = t.float(ctx, "suspect_drop") {
        if (0.0..=1.0).contains(&x) && x > 0.0 {
            out.suspect_drop = x;
        } else {
            ctx.problem(&span, &t.key("suspect_drop"), "must be a share between 0 (exclusive) and 1");
        }
    }
    t.finish(ctx);
    out
}

fn crossings(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>) -> Gazetteer {
    let mut g = Gazetteer::built_in();
    let mut seen = HashSet::new();
    for mut t in root.tables(ctx, "crossing") {
        let id = t.req_str(ctx, "id");
        let name = t.str(ctx, "name");
        let tz = t.str(ctx, "tz");
        let countries = t.str_list(ctx, "countries");
        let aliases = t.str_list(ctx, "aliases");
        t.finish(ctx);
        let Some((id, id_span)) = id else { continue };
        if !seen.insert(id.clone()) {
            ctx.problem(&id_span, &t.key("id"), format!("duplicate crossing id `{id}`"));
            continue;
        }
        let known = g.get(&id).cloned();
        let tz = match (tz, &known) {
            (Some((z, span)), _) => match parse_tz(&z) {
                Ok(z) => Some(z),
                Err(e) => {
                    ctx.problem(&span, &t.key("tz"), e);
                    None
                }
            },
            (None, Some(k)) => Some(k.tz),
            (None, None) => {
                ctx.problem(&t.span(), &t.key("tz"), "is required for a crossing not in the built-in gazetteer");
                None
            }
        };
        let countries: Vec<String> = countries.map_or_else(
            || known.as_ref().map(|k| k.countries.clone()).unwrap_or_default(),
            |c| c.into_iter().map(|(s, _)| s.to_ascii_uppercase()).collect(),
        );
        for c in &countries {
            if c.len() != 2 || !c.chars().all(|x| x.is_ascii_alphabetic()) {
                ctx.problem(&t.span(), &t.key("countries"), format!("`{c}` is not an ISO 3166-1 alpha-2 code"));
            }
        }
        let Some(tz) = tz else { continue };
        let name = name.map(|n| n.0).or_else(|| known.as_ref().map(|k| k.name.clone())).unwrap_or_else(|| id.clone());
        let mut all_aliases = known.map(|k| k.aliases).unwrap_or_default();
        all_aliases.extend(aliases.unwrap_or_default().into_iter().map(|a| a.0));
        g.upsert(Crossing { id, name, countries, tz, aliases: all_aliases });
    }
    g
}

fn feeds(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>, base: &Path) -> Vec<FeedConfig> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut schedules = std::collections::HashMap::new();
    for mut t in root.tables(ctx, "feed") {
        let id = t.req_str(ctx, "id");
        let format = t.req_str(ctx, "format");
        let url = t.str(ctx, "url");
        let path = t.str(ctx, "path");
        let schedule = t.req_str(ctx, "schedule");
        let zone = t.str(ctx, "timezone");
        let timeout = t.str(ctx, "timeout");
        let max_bytes = t.str(ctx, "max_bytes");
        let allow_http = t.bool(ctx, "allow_http").unwrap_or(false);
        let allow_local = allow_local(ctx, &mut t);
        let stale_after = t.str(ctx, "stale_after");
        let mut retries = 2;
        count(&mut t, ctx, "retries", 0..=10, &mut retries);
        let retry_backoff = t.str(ctx, "retry_backoff");
        let mut accept_after = super::DEFAULT_ACCEPT_AFTER;
        count(&mut t, ctx, "accept_after", 2..=u32::MAX, &mut accept_after);
        let mapping = mapping(ctx, &mut t, format.as_ref().map(|f| f.0.as_str()));
        let lanes = lanes(ctx, &mut t, format.as_ref().map(|f| f.0.as_str()));
        t.finish(ctx);

        let stale_after = match stale_after {
            None => Some(None),
            Some((s, span)) => positive_duration(ctx, &t, "stale_after", &s, &span).map(Some),
        };
        let id = id.and_then(|(id, span)| {
            let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                ctx.problem(&span, &t.key("id"), "use letters, digits, `-` and `_` only");
                None
            } else if !seen.insert(id.clone()) {
                ctx.problem(&span, &t.key("id"), format!("duplicate feed id `{id}`"));
                None
            } else {
                Some(id)
            }
        });
        let format =
            format.and_then(|(f, span)| Format::parse(&f).map_err(|e| ctx.problem(&span, &t.key("format"), e)).ok());
        let source = match (url, path) {
            (Some(_), Some((_, span))) => {
                ctx.problem(&span, &t.key("path"), "give `url` or `path`, not both");
                None
            }
            (None, None) => {
                ctx.problem(&t.span(), &t.key("url"), "a feed needs `url` or `path`");
                None
            }
            (None, Some((p, _))) => Some(FeedSource::Path(base.join(p))),
            (Some((u, span)), None) => {
                allowed_url(ctx, &t, "url", &u, &span, allow_http, &allow_local).map(FeedSource::Url)
            }
        };
        let tz = match zone {
            Some((z, span)) => parse_tz(&z).map_err(|e| ctx.problem(&span, &t.key("timezone"), e)).ok(),
            None => Some(chrono_tz::UTC),
        };
        let schedule = match (schedule, tz) {
            // Many feeds share a pattern: it is parsed once.
            (Some((s, span)), Some(tz)) => match schedules.get(&(s.clone(), tz)) {
                Some(known) => Some(Schedule::clone(known)),
                None => Schedule::new(&s, tz)
                    .map(|parsed| schedules.entry((s, tz)).or_insert(parsed).clone())
                    .map_err(|e| ctx.problem(&span, &t.key("schedule"), e))
                    .ok(),
            },
            _ => None,
        };
        let timeout = match timeout {
            Some((s, span)) => positive_duration(ctx, &t, "timeout", &s, &span),
            None => Some(Duration::seconds(30)),
        };
        let retry_backoff = match retry_backoff {
            Some((s, span)) => positive_duration(ctx, &t, "retry_backoff", &s, &span),
            None => Some(Duration::seconds(1)),
        };
        let max_bytes = match max_bytes {
            Some((s, span)) => parse_size(&s).map_err(|e| ctx.problem(&span, &t.key("max_bytes"), e)).ok(),
            None => Some(10 << 20),
        };
        if let (
            Some(id),
            Some(format),
            Some(source),
            Some(schedule),
            Some(timeout),
            Some(max_bytes),
            Some(stale_after),
            Some(mapping),
            Some(retry_backoff),
            Some(lanes),
        ) = (id, format, source, schedule, timeout, max_bytes, stale_after, mapping, retry_backoff, lanes)
        {
            out.push(FeedConfig {
                id,
                format,
                source,
                schedule,
                timeout,
                max_bytes,
                allow_http,
                allow_local,
                stale_after,
                mapping,
                retries,
                retry_backoff,
                accept_after,
                max_in_flight: super::DEFAULT_MAX_IN_FLIGHT,
                lanes,
            });
        }
    }
    out
}

/// `lanes`: what lane-level changes do. Only the CBP formats report lanes.
fn lanes(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, format: Option<&str>) -> Option<Lanes> {
    let Some((s, span)) = t.str(ctx, "lanes") else { return Some(Lanes::default()) };
    let lanes = Lanes::parse(&s).map_err(|e| ctx.problem(&span, &t.key("lanes"), e)).ok()?;
    if format.is_some_and(|f| !f.starts_with("cbp-")) {
        ctx.problem(&span, &t.key("lanes"), "only the cbp-json, cbp-rss and cbp-xml formats report lanes");
        return None;
    }
    Some(lanes)
}

/// A whole number in `range` at `key`, written into `slot`; a problem on its line otherwise.
fn count(t: &mut Table<'_, '_>, ctx: &mut Ctx<'_>, key: &str, range: std::ops::RangeInclusive<u32>, slot: &mut u32) {
    if let Some((n, span)) = t.int(ctx, key) {
        match u32::try_from(n) {
            Ok(v) if range.contains(&v) => *slot = v,
            _ if *range.end() == u32::MAX => {
                ctx.problem(&span, &t.key(key), format!("must be a whole number of at least {}", range.start()));
            }
            _ => ctx.problem(
                &span,
                &t.key(key),
                format!("must be a whole number from {} to {}", range.start(), range.end()),
            ),
        }
    }
}

/// A duration longer than zero, or a problem on its line.
fn positive_duration(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    key: &str,
    value: &str,
    span: &std::ops::Range<usize>,
) -> Option<Duration> {
    match parse_duration(value) {
        Ok(d) if d > Duration::zero() => Some(d),
        Ok(_) => {
            ctx.problem(span, &t.key(key), "must be longer than zero");
            None
        }
        Err(e) => {
            ctx.problem(span, &t.key(key), e);
            None
        }
    }
}

/// `[feed.fields]`, `[feed.status_map]`, `records` and `delimiter` of a generic feed:
/// `Some(None)` for other formats, `None` after reporting a problem.
fn mapping(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>, format: Option<&str>) -> Option<Option<Mapping>> {
    let generic = matches!(format, Some("json" | "csv"));
    let records = t.str(ctx, "records");
    let delimiter = t.str(ctx, "delimiter");
    let fields = t.table(ctx, "fields");
    let status_map = t.table(ctx, "status_map");
    if !generic {
        for (key, present) in
            [("fields", fields.is_some()), ("status_map", status_map.is_some()), ("records", records.is_some())]
        {
            if present {
                ctx.problem(&t.span(), &t.key(key), "only the json and csv formats take a mapping");
            }
        }
        return Some(None);
    }
    let Some(mut fields) = fields else {
        ctx.problem(
            &t.span(),
            &t.key("fields"),
            "the json and csv formats need [feed.fields] (crossing or name, and status)",
        );
        return None;
    };
    let mut ok = true;
    let mut m = Mapping { records: records.map(|r| r.0), delimiter: b',', ..Mapping::default() };
    for (field, path, span) in fields.strings(ctx) {
        if !FIELDS.contains(&field.as_str()) && !VALUE_FIELDS.contains(&field.as_str()) {
            let known = FIELDS.iter().chain(VALUE_FIELDS).copied().collect::<Vec<_>>().join(", ");
            ctx.problem(&span, &fields.key(&field), format!("unknown field (known: {known})"));
            ok = false;
        } else if format == Some("json") && !path.is_empty() && !path.starts_with('/') {
            ctx.problem(&span, &fields.key(&field), format!("`{path}` is not a JSON pointer (like /name)"));
            ok = false;
        }
        m.fields.insert(field, path);
    }
    if !m.fields.contains_key("status") || !(m.fields.contains_key("crossing") || m.fields.contains_key("name")) {
        ctx.problem(&fields.span(), &fields.key("status"), "map `status` and one of `crossing` or `name`");
        ok = false;
    }
    if let Some(mut sm) = status_map {
        for (word, status, span) in sm.strings(ctx) {
            match crate::model::Status::parse(&status) {
                Some(s) => {
                    m.status_map.insert(word, s);
                }
                None => {
                    ctx.problem(
                        &span,
                        &sm.key(&word),
                        format!("`{status}` is not open, closed, restricted or unknown"),
                    );
                    ok = false;
                }
            }
        }
    }
    if let Some((d, span)) = delimiter {
        match d.as_bytes() {
            [b] if b.is_ascii() => m.delimiter = *b,
            _ => {
                ctx.problem(&span, &t.key("delimiter"), "must be one ASCII character");
                ok = false;
            }
        }
    }
    ok.then_some(Some(m))
}

fn routes(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>, gazetteer: &Gazetteer) -> Vec<RouteConfig> {
    let mut out: Vec<RouteConfig> = Vec::new();
    for mut t in root.tables(ctx, "route") {
        let id = t.req_str(ctx, "id");
        let name = t.str(ctx, "name");
        let crossings = t.str_list(ctx, "crossings");
        t.finish(ctx);
        let Some((id, id_span)) = id else { continue };
        if out.iter().any(|r| r.id == id) {
            ctx.problem(&id_span, &t.key("id"), format!("duplicate route id `{id}`"));
            continue;
        }
        let mut ids = Vec::new();
        for (c, span) in crossings.unwrap_or_default() {
            match gazetteer.lookup(&c) {
                Some(k) => ids.push(k.id.clone()),
                None => ctx.problem(
                    &span,
                    &t.key("crossings"),
                    format!("`{c}` is not a known crossing (add it as a [[crossing]])"),
                ),
            }
        }
        if ids.is_empty() {
            ctx.problem(&t.span(), &t.key("crossings"), "a route needs at least one crossing");
            continue;
        }
        out.push(RouteConfig { name: name.map_or_else(|| id.clone(), |n| n.0), id, crossings: ids });
    }
    out
}

/// `allow_local`: `true`, `false` (the default) or a list of IP addresses.
pub(super) fn allow_local(ctx: &mut Ctx<'_>, t: &mut Table<'_, '_>) -> policy::Local {
    match t.bool_or_list(ctx, "allow_local") {
        None | Some(Ok(false)) => policy::Local::Denied,
        Some(Ok(true)) => policy::Local::Any,
        Some(Err(list)) => policy::Local::Only(
            list.into_iter()
                .filter_map(|(a, span)| {
                    a.parse()
                        .map_err(|_| ctx.problem(&span, &t.key("allow_local"), format!("{a:?} is not an IP address")))
                        .ok()
                })
                .collect(),
        ),
    }
}

/// A URL value (under `key`) that parses and passes the address policy, or a problem on its line.
pub(super) fn allowed_url(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    key: &str,
    u: &str,
    span: &std::ops::Range<usize>,
    allow_http: bool,
    allow_local: &policy::Local,
) -> Option<reqwest::Url> {
    let checked = reqwest::Url::parse(u)
        .map_err(|e| format!("`{u}` is not a URL: {e}"))
        .and_then(|url| policy::check_url(&url, allow_http, allow_local).map(|()| url).map_err(|e| e.to_string()));
    checked.map_err(|e| ctx.problem(span, &t.key(key), e)).ok()
}
