//! Which targets a feed may fetch from, as pure functions over URLs and addresses.
//! A leaf (it imports only [`crate::spec`]), so config validation and fetching both use
//! it without importing each other; also reachable as `crate::fetch::policy`.
//!
//! https by default; plain http only with `allow_http`; loopback, private, link-local,
//! unique-local, unspecified and cloud-metadata addresses only with `allow_local`
//! (`true` for any, or a list of the addresses the feed may reach). The
//! same rules apply to the feed URL, to every redirect target and to every address a
//! host name resolves to, so no connection to a refused address is ever attempted.

use std::net::IpAddr;

use reqwest::Url;

/// Why a target is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Neither http nor https.
    #[error("scheme `{0}` is not allowed (only https, or http with allow_http = true)")]
    Scheme(String),
    /// Plain http without `allow_http`.
    #[error("plain http is not allowed for this feed (set allow_http = true)")]
    PlainHttp,
    /// A local or private address without `allow_local`.
    #[error(
        "address {0} is loopback, private, link-local or metadata and not allowed for this feed \
         (allow_local = true, or a list that names it)"
    )]
    LocalAddress(IpAddr),
    /// The URL names no host.
    #[error("the URL has no host")]
    NoHost,
}

pub use crate::spec::Local;

/// True for addresses that must not be reached without `allow_local`.
#[must_use]
pub fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_local(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local
                || (seg[0] & 0xffc0) == 0xfe80 // link local
        }
    }
}

/// Checks one resolved address.
///
/// # Errors
/// [`PolicyError::LocalAddress`] when it is local and the feed does not allow that.
pub fn check_ip(ip: IpAddr, allow_local: &Local) -> Result<(), PolicyError> {
    if is_local(ip) && !allow_local.allows(ip) {
        return Err(PolicyError::LocalAddress(ip));
    }
    Ok(())
}

/// Checks a feed URL or redirect target before any connection is made.
///
/// # Errors
/// The first rule the URL breaks.
pub fn check_url(url: &Url, allow_http: bool, allow_local: &Local) -> Result<(), PolicyError> {
    match url.scheme() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err(PolicyError::PlainHttp),
        other => return Err(PolicyError::Scheme(other.to_string())),
    }
    check_host(&url.host().ok_or(PolicyError::NoHost)?, allow_local)
}

/// Checks a host before any connection is made: an address literal against
/// [`check_ip`], and `localhost` names as loopback. Shared by URLs and SMTP servers.
///
/// # Errors
/// [`PolicyError::LocalAddress`] when the host is local and that is not allowed.
pub fn check_host(host: &url::Host<&str>, allow_local: &Local) -> Result<(), PolicyError> {
    match host {
        url::Host::Ipv4(ip) => check_ip(IpAddr::V4(*ip), allow_local),
        url::Host::Ipv6(ip) => check_ip(IpAddr::V6(*ip), allow_local),
        url::Host::Domain(d) => {
            if *allow_local == Local::Denied && is_localhost(d) {
                Err(PolicyError::LocalAddress(IpAddr::from([127, 0, 0, 1])))
            } else {
                Ok(())
            }
        }
    }
}

/// True for `localhost` and names under it.
#[must_use]
pub fn is_localhost(name: &str) -> bool {
    let d = name.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost")
}

/// Checks a redirect: the target must pass [`check_url`] and keep the scheme, except
/// that http may be upgraded to https.
///
/// # Errors
/// The rule the redirect breaks.
pub fn check_redirect(from: &Url, to: &Url, allow_http: bool, allow_local: &Local) -> Result<(), PolicyError> {
    check_url(to, allow_http, allow_local)?;
    if from.scheme() == "https" && to.scheme() != "https" {
        return Err(PolicyError::Scheme(to.scheme().to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn https_by_default_http_by_permission() {
        assert!(check_url(&url("https://example.org/f.json"), false, &Local::Denied).is_ok());
        assert_eq!(check_url(&url("http://example.org/f.json"), false, &Local::Denied), Err(PolicyError::PlainHttp));
        assert!(check_url(&url("http://example.org/f.json"), true, &Local::Denied).is_ok());
        assert!(
            matches!(check_url(&url("file:///etc/passwd"), true, &Local::Any), Err(PolicyError::Scheme(s)) if s == "file")
        );
        assert!(matches!(check_url(&url("ftp://example.org/x"), true, &Local::Any), Err(PolicyError::Scheme(_))));
    }

    #[test]
    fn local_private_and_metadata_addresses_need_permission() {
        for u in [
            "https://127.0.0.2/",
            "https://10.0.0.1/",
            "https://172.16.5.4/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://0.0.0.0/",
            "https://localhost/",
            "https://100.64.0.1/",
        ] {
            assert!(matches!(check_url(&url(u), false, &Local::Denied), Err(PolicyError::LocalAddress(_))), "{u}");
            assert!(check_url(&url(u), false, &Local::Any).is_ok(), "{u}");
        }
        assert!(check_url(&url("https://93.184.216.34/"), false, &Local::Denied).is_ok());
        assert!(check_ip("8.8.8.8".parse().unwrap(), &Local::Denied).is_ok());
    }

    #[test]
    fn redirects_may_not_downgrade_or_leave_http() {
        let from = url("https://example.org/a");
        assert!(check_redirect(&from, &url("https://example.com/b"), true, &Local::Denied).is_ok());
        assert!(check_redirect(&from, &url("http://example.com/b"), true, &Local::Denied).is_err());
        assert!(check_redirect(&from, &url("file:///etc/passwd"), true, &Local::Any).is_err());
        assert!(check_redirect(&url("http://example.org/"), &url("https://example.org/"), true, &Local::Denied).is_ok());
        assert!(check_redirect(&from, &url("https://169.254.169.254/"), false, &Local::Denied).is_err());
    }

    #[test]
    fn a_list_allows_exactly_the_addresses_it_names() {
        let only = Local::Only(vec!["127.0.0.1".parse().unwrap(), "10.1.2.3".parse().unwrap()]);
        assert!(check_url(&url("http://127.0.0.1:8080/f"), true, &only).is_ok());
        assert!(check_url(&url("https://10.1.2.3/f"), false, &only).is_ok());
        let from = url("http://127.0.0.1:8080/f");
        for to in ["http://127.0.0.2:8080/f", "https://169.254.169.254/", "https://10.1.2.4/", "http://[::1]/"] {
            let e = check_redirect(&from, &url(to), true, &only).unwrap_err();
            assert!(matches!(e, PolicyError::LocalAddress(_)), "{to}: {e}");
        }
        assert!(check_redirect(&from, &url("https://example.org/"), true, &only).is_ok(), "public stays allowed");
        assert!(check_url(&url("http://localhost/"), true, &only).is_ok(), "the name is left to the DNS filter");
        assert!(check_ip("127.0.0.1".parse().unwrap(), &only).is_ok());
        assert!(check_ip("127.0.0.2".parse().unwrap(), &only).is_err());
    }
}
