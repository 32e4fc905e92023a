//! `[[host]]`: per-host settings, today the number of requests in flight at once to one
//! server. Each feed takes the limit of the host its URL names (a redirect elsewhere still
//! counts against that host), so the fetcher needs no host table of its own.

use std::collections::{HashMap, HashSet};

use super::read::{Ctx, Table};
use super::{FeedConfig, FeedSource};

/// The most requests in flight one `[[host]]` entry may allow: beyond it a single
/// borderwatch would be a load test, not a monitor.
const MAX_IN_FLIGHT_LIMIT: usize = 64;

/// Reads every `[[host]]` entry and gives each feed on a named host that host's
/// `max_in_flight`. A bad name, a duplicate or a value out of range is a problem on its
/// line; the feeds then keep the default.
pub(super) fn apply(ctx: &mut Ctx<'_>, root: &mut Table<'_, '_>, feeds: &mut [FeedConfig]) {
    let mut limits: HashMap<url::Host<String>, usize> = HashMap::new();
    let mut seen = HashSet::new();
    for mut t in root.tables(ctx, "host") {
        let name = t.req_str(ctx, "name");
        let in_flight = t.req_int(ctx, "max_in_flight");
        t.finish(ctx);
        let host = name.and_then(|(n, span)| match host(&n) {
            Ok(h) if !seen.insert(h.clone()) => {
                ctx.problem(&span, &t.key("name"), format!("duplicate host `{n}`"));
                None
            }
            Ok(h) => Some(h),
            Err(e) => {
                ctx.problem(&span, &t.key("name"), e);
                None
            }
        });
        let n = in_flight.and_then(|(n, span)| match usize::try_from(n) {
            Ok(v) if (1..=MAX_IN_FLIGHT_LIMIT).contains(&v) => Some(v),
            _ => {
                let msg = format!("must be a whole number from 1 to {MAX_IN_FLIGHT_LIMIT}");
                ctx.problem(&span, &t.key("max_in_flight"), msg);
                None
            }
        });
        if let (Some(h), Some(n)) = (host, n) {
            limits.insert(h, n);
        }
    }
    for f in feeds {
        if let FeedSource::Url(u) = &f.source {
            if let Some(n) = u.host().and_then(|h| limits.get(&h.to_owned())) {
                f.max_in_flight = *n;
            }
        }
    }
}

/// A host as a URL names it: a domain (any case), an IPv4 address, or an IPv6 address
/// with or without brackets. No scheme, port or path.
fn host(name: &str) -> Result<url::Host<String>, String> {
    let bad = |why: &str| format!("`{name}` is not a host name or address{why}");
    let v6 = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name).parse::<std::net::Ipv6Addr>();
    if let Ok(v6) = v6 {
        return Ok(url::Host::Ipv6(v6));
    }
    if name.contains(['/', ':', '@']) {
        return Err(bad(" (give the host only, without scheme, port or path: \"bwt.cbp.gov\")"));
    }
    let host = url::Host::parse(name).map_err(|e| bad(&format!(": {e}")))?;
    match &host {
        url::Host::Domain(d) if d.is_empty() => Err(bad("")),
        _ => Ok(host),
    }
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn hosts_are_compared_as_urls_name_them() {
        assert_eq!(host("BWT.cbp.gov").unwrap(), url::Host::parse("bwt.cbp.gov").unwrap());
        assert_eq!(host("::1").unwrap(), host("[::1]").unwrap());
        assert!(matches!(host("127.0.0.1").unwrap(), url::Host::Ipv4(_)));
        assert!(host("https://bwt.cbp.gov").is_err());
        assert!(host("bwt.cbp.gov:443").is_err());
        assert!(host("a b").is_err());
        assert!(host("").is_err());
    }
}
