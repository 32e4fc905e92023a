//! Fetch: a feed's bytes from a local file or over http(s).
//!
//! Input: a [`FetchSpec`] (built by `FeedConfig::fetch_spec`) and the validators (`ETag`, `Last-Modified`) the server sent
//! last time. Output: a body with its new validators, or "not modified". Failure policy:
//! every error names the feed and what was attempted, carries a short `reason` for
//! metrics, and changes no stored state: the caller keeps the last good snapshot.

mod file;
mod http;
pub use crate::policy;

use std::time::Duration as StdDuration;

pub use http::HttpFetcher;

use crate::spec::FeedSource;
pub use crate::spec::FetchSpec;

/// Validators from the server's last good response, sent back verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header, as sent.
    pub etag: Option<String>,
    /// The `Last-Modified` header, as sent.
    pub last_modified: Option<String>,
}

/// What a fetch brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The server said 304: nothing changed since the validators.
    NotModified,
    /// A body (decoded) with the validators that came with it.
    Body {
        /// The bytes.
        bytes: Vec<u8>,
        /// The validators to send next time.
        validators: Validators,
    },
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The file could not be read.
    #[error("feed {feed}: cannot read {path}: {source}")]
    File {
        /// Feed id.
        feed: String,
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The server answered with an error status.
    #[error("feed {feed}: GET {url} answered {status}")]
    Status {
        /// Feed id.
        feed: String,
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// Connecting, sending or receiving failed.
    #[error("feed {feed}: GET {url} failed: {message}")]
    Network {
        /// Feed id.
        feed: String,
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The fetch took longer than the feed's timeout.
    #[error("feed {feed}: fetching {target} timed out after {after:?}")]
    Timeout {
        /// Feed id.
        feed: String,
        /// URL or path.
        target: String,
        /// The limit.
        after: StdDuration,
    },
    /// The body grew past the feed's `max_bytes`.
    #[error("feed {feed}: body of {target} exceeds max_bytes = {limit} (aborted while reading)")]
    TooLarge {
        /// Feed id.
        feed: String,
        /// URL or path.
        target: String,
        /// The limit.
        limit: u64,
    },
    /// The target or a redirect broke the address policy.
    #[error("feed {feed}: refused {url}: {reason}")]
    Refused {
        /// Feed id.
        feed: String,
        /// The refused URL.
        url: String,
        /// The rule it broke.
        reason: String,
    },
}

impl FetchError {
    /// A short, fixed label for metrics and logs.
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            FetchError::File { .. } => "io",
            FetchError::Status { .. } => "status",
            FetchError::Network { .. } => "network",
            FetchError::Timeout { .. } => "timeout",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::Refused { .. } => "refused",
        }
    }

    /// Whether trying again soon may succeed: a network error or a timeout, or a status
    /// that says the server is briefly unable (408, 500, 502, 503, 504). Not 429: the
    /// server asked us to slow down, so the next scheduled poll is soon enough.
    #[must_use]
    pub fn transient(&self) -> bool {
        match self {
            FetchError::Network { .. } | FetchError::Timeout { .. } => true,
            FetchError::Status { status, .. } => matches!(status, 408 | 500 | 502 | 503 | 504),
            FetchError::File { .. } | FetchError::TooLarge { .. } | FetchError::Refused { .. } => false,
        }
    }
}

/// `url` for messages and logs, with a password in it shown as `***`.
#[must_use]
pub fn redacted(url: &reqwest::Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    let _ = shown.set_password(Some("***"));
    shown.to_string()
}

/// Fetches one feed. A transient failure is retried up to `retries` times, after
/// `retry_backoff` doubling with jitter, but only while the feed's `timeout` (the budget
/// of the whole fetch, retries included) leaves room: a poll never outlasts its timeout,
/// and a failure that outlives the retries counts once. The budget starts when the first
/// attempt gets its turn at the host, so a feed queued behind others on one server (a
/// `check` of many) is not timed out by the wait.
///
/// # Errors
/// The last attempt's [`FetchError`], naming the feed.
pub async fn fetch(http: &HttpFetcher, feed: &FetchSpec<'_>, validators: &Validators) -> Result<Fetched, FetchError> {
    let budget = feed.timeout.to_std().unwrap_or(StdDuration::from_secs(30));
    let mut started = None;
    let mut attempt = 0;
    loop {
        let result = match feed.source {
            FeedSource::Path(path) => {
                started.get_or_insert_with(tokio::time::Instant::now);
                file::read(feed, path).await
            }
            FeedSource::Url(url) => {
                let _turn = http.turn(url, feed.max_in_flight).await;
                let deadline = *started.get_or_insert_with(tokio::time::Instant::now) + budget;
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                tokio::time::timeout(left, http.get(feed, url, validators)).await.unwrap_or_else(|_| {
                    Err(FetchError::Timeout { feed: feed.id.to_string(), target: redacted(url), after: budget })
                })
            }
        };
        let deadline = started.map_or_else(tokio::time::Instant::now, |t| t + budget);
        let err = match result {
            Err(e) if attempt < feed.retries && e.transient() => e,
            done => return done,
        };
        attempt += 1;
        let base = feed.retry_backoff.to_std().unwrap_or(StdDuration::from_secs(1));
        let wait = retry_wait(base, attempt, crate::clock::jitter());
        if tokio::time::Instant::now() + wait >= deadline {
            return Err(err);
        }
        crate::events::FetchRetrying { feed: feed.id, attempt, wait, error: &err }.emit();
        tokio::time::sleep(wait).await;
    }
}

/// The wait before retry `attempt` (1-based): `base` doubling, times a factor in
/// [0.5, 1) from `jitter` in [0, 1).
fn retry_wait(base: StdDuration, attempt: u32, jitter: f64) -> StdDuration {
    let doubled = base.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    doubled.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_waits_double_and_jitter_stays_within_half_to_whole() {
        let base = StdDuration::from_millis(100);
        assert_eq!(retry_wait(base, 1, 0.0), StdDuration::from_millis(50));
        assert_eq!(retry_wait(base, 1, 1.0), StdDuration::from_millis(100));
        assert_eq!(retry_wait(base, 3, 0.0), StdDuration::from_millis(200));
        assert_eq!(retry_wait(base, 40, 0.0), StdDuration::from_millis(51_200), "capped at 2^10");
    }

    #[test]
    fn only_network_timeouts_and_brief_server_errors_are_retried() {
        let status = |status| FetchError::Status { feed: "f".into(), url: "u".into(), status };
        assert!(status(503).transient() && status(500).transient() && status(408).transient());
        assert!(!status(404).transient() && !status(429).transient() && !status(501).transient());
        let refused = FetchError::Refused { feed: "f".into(), url: "u".into(), reason: "r".into() };
        assert!(!refused.transient());
    }
}
