//! http(s) fetching: validators sent back verbatim, redirects and addresses checked
//! against the feed's policy, the body capped while it streams in.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{DATE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{redirect, StatusCode, Url};

use super::policy::{self, PolicyError};
use super::{redacted, FetchError, Fetched, Validators};
use crate::spec::FetchSpec;

const USER_AGENT: &str = concat!("borderwatch/", env!("CARGO_PKG_VERSION"), " (border crossing monitor)");
const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Builds and keeps one client per address policy, and bounds requests per host. A client
/// pools its connections per host, so feeds on one server with the same policy share them;
/// feeds with different policies never share a connection, and every new connection and
/// every redirect is checked against the policy of the client that makes it.
#[derive(Debug, Default, Clone)]
pub struct HttpFetcher {
    clients: Arc<Mutex<HashMap<(bool, policy::Local), reqwest::Client>>>,
    hosts: Arc<Mutex<Gates>>,
}

/// Per host: the limit its gate was made with, and the gate.
type Gates = HashMap<String, (usize, Arc<tokio::sync::Semaphore>)>;

/// Resolves names and drops addresses the feed may not reach, so a refused address is
/// never connected to.
#[derive(Debug)]
struct PolicyResolver {
    allow_local: policy::Local,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_local = self.allow_local.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                addrs.iter().copied().filter(|a| policy::check_ip(a.ip(), &allow_local).is_ok()).collect();
            if allowed.is_empty() {
                let refused = addrs.first().map_or_else(|| "no address".to_string(), |a| a.ip().to_string());
                let e: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves to {refused}, which is loopback, private, link-local or metadata").into();
                return Err(e);
            }
            let it: Addrs = Box::new(allowed.into_iter());
            Ok(it)
        })
    }
}

impl HttpFetcher {
    fn client(&self, allow_http: bool, allow_local: &policy::Local) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().expect("client cache lock");
        let key = (allow_http, allow_local.clone());
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let local = allow_local.clone();
        let redirects = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            let from = attempt.previous().last().cloned();
            let verdict = match &from {
                Some(from) => policy::check_redirect(from, attempt.url(), allow_http, &local),
                None => policy::check_url(attempt.url(), allow_http, &local),
            };
            match verdict {
                Ok(()) => attempt.follow(),
                Err(e) => {
                    let msg = format!("redirect to {} refused: {e}", attempt.url());
                    attempt.error(msg)
                }
            }
        });
        let c = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(redirects)
            .dns_resolver(Arc::new(PolicyResolver { allow_local: allow_local.clone() }))
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        clients.insert(key, c.clone());
        Ok(c)
    }

    /// Waits for a turn at `url`'s host: at most `limit` requests are in flight to it. A
    /// reload that changes the limit gets a new gate; requests holding the old one finish.
    pub(super) async fn turn(&self, url: &Url, limit: usize) -> tokio::sync::OwnedSemaphorePermit {
        self.gate(url, limit).acquire_owned().await.expect("host gates are never closed")
    }

    fn gate(&self, url: &Url, limit: usize) -> Arc<tokio::sync::Semaphore> {
        let mut hosts = self.hosts.lock().expect("host gate lock");
        let host = url.host_str().unwrap_or_default();
        match hosts.get(host) {
            Some((n, gate)) if *n == limit => Arc::clone(gate),
            _ => {
                let gate = Arc::new(tokio::sync::Semaphore::new(limit.max(1)));
                hosts.insert(host.to_string(), (limit, Arc::clone(&gate)));
                gate
            }
        }
    }

    /// GETs `url` for `feed`, sending the stored validators verbatim. The caller holds a
    /// [`turn`](Self::turn) at the host.
    ///
    /// # Errors
    /// A [`FetchError`] naming the feed and the URL.
    pub async fn get(&self, feed: &FetchSpec<'_>, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let refused = |e: PolicyError| FetchError::Refused {
            feed: feed.id.to_string(),
            url: redacted(url),
            reason: e.to_string(),
        };
        policy::check_url(url, feed.allow_http, feed.allow_local).map_err(refused)?;
        let timeout = feed.timeout.to_std().unwrap_or(StdDuration::from_secs(30));
        let work = self.get_capped(feed, url, validators, timeout);
        tokio::time::timeout(timeout, work).await.unwrap_or_else(|_| {
            Err(FetchError::Timeout { feed: feed.id.to_string(), target: redacted(url), after: timeout })
        })
    }

    async fn get_capped(
        &self,
        feed: &FetchSpec<'_>,
        url: &Url,
        validators: &Validators,
        timeout: StdDuration,
    ) -> Result<Fetched, FetchError> {
        let network = |e: &dyn std::fmt::Display| FetchError::Network {
            feed: feed.id.to_string(),
            url: redacted(url),
            message: e.to_string(),
        };
        let failed = |e: reqwest::Error| {
            // The URL is in our own message already, with any password hidden.
            let e = e.without_url();
            if e.is_timeout() {
                FetchError::Timeout { feed: feed.id.to_string(), target: redacted(url), after: timeout }
            } else if e.is_redirect() {
                // The redirect policy refused a hop (or there were too many) before connecting.
                FetchError::Refused { feed: feed.id.to_string(), url: redacted(url), reason: error_chain(&e) }
            } else {
                network(&error_chain(&e))
            }
        };
        let client = self.client(feed.allow_http, feed.allow_local).map_err(|e| network(&e))?;
        let mut req = client.get(url.clone()).timeout(timeout);
        if let Some(etag) = &validators.etag {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(failed)?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if status.is_redirection() {
            // reqwest hands back a redirect it would not follow (to a non-http scheme):
            // say why it was refused rather than just its status.
            let target = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("");
            let reason = match resp.url().join(target) {
                Ok(to) => policy::check_redirect(resp.url(), &to, feed.allow_http, feed.allow_local).err().map_or_else(
                    || format!("redirect to {to} not followed"),
                    |e| format!("redirect to {to} refused: {e}"),
                ),
                Err(e) => format!("redirect to `{target}` is not a URL: {e}"),
            };
            return Err(FetchError::Refused { feed: feed.id.to_string(), url: redacted(url), reason });
        }
        if !status.is_success() {
            return Err(FetchError::Status { feed: feed.id.to_string(), url: redacted(url), status: status.as_u16() });
        }
        let header = |name| {
            resp.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_string)
        };
        let last_modified = header(LAST_MODIFIED).filter(|lm| last_modified_is_strong(lm, header(DATE).as_deref()));
        let new_validators = Validators { etag: header(ETAG), last_modified };
        let limit = feed.max_bytes;
        if resp.content_length().is_some_and(|n| n > limit)
            && resp.headers().get(reqwest::header::CONTENT_ENCODING).is_none()
        {
            return Err(FetchError::TooLarge { feed: feed.id.to_string(), target: redacted(url), limit });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(failed)? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(FetchError::TooLarge { feed: feed.id.to_string(), target: redacted(url), limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body { bytes, validators: new_validators })
    }
}

/// A `Last-Modified` date has one-second resolution: a body changed twice within the
/// second it names carries the same date both times, and a conditional request with it
/// would be answered 304 for the second version (the update urlwatch loses). Per RFC 9110
/// §8.8.2.2 the date is only a strong validator when the response's `Date` is at least one
/// second later; otherwise it is not sent back, and the next poll fetches in full.
#[must_use]
pub(super) fn last_modified_is_strong(last_modified: &str, date: Option<&str>) -> bool {
    let parse = |s: &str| chrono::DateTime::parse_from_rfc2822(s).ok();
    match (parse(last_modified), date.and_then(parse)) {
        (Some(lm), Some(date)) => (date - lm).num_seconds() >= 1,
        _ => false,
    }
}

/// The error and its causes in one line: reqwest hides the useful part in `source()`.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::last_modified_is_strong;

    #[test]
    fn a_last_modified_in_the_same_second_as_the_response_is_weak() {
        let lm = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert!(last_modified_is_strong(lm, Some("Wed, 21 Oct 2015 07:28:01 GMT")));
        assert!(!last_modified_is_strong(lm, Some("Wed, 21 Oct 2015 07:28:00 GMT")));
        assert!(!last_modified_is_strong(lm, None), "without Date the date cannot be trusted");
        assert!(!last_modified_is_strong("yesterday", Some("Wed, 21 Oct 2015 07:28:01 GMT")));
    }
}
