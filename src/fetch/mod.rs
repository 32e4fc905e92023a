//! Fetch: a feed's bytes from a local file or over http(s).
//!
//! Input: a [`FeedConfig`] and the validators (`ETag`, `Last-Modified`) the server sent
//! last time. Output: a body with its new validators, or "not modified". Failure policy:
//! every error names the feed and what was attempted, carries a short `reason` for
//! metrics, and changes no stored state: the caller keeps the last good snapshot.

mod file;
mod http;
pub mod policy;

use std::time::Duration as StdDuration;

pub use http::HttpFetcher;

use crate::config::{FeedConfig, FeedSource};

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
}

/// Fetches one feed.
///
/// # Errors
/// A [`FetchError`] naming the feed.
pub async fn fetch(http: &HttpFetcher, feed: &FeedConfig, validators: &Validators) -> Result<Fetched, FetchError> {
    match &feed.source {
        FeedSource::Path(path) => file::read(feed, path).await,
        FeedSource::Url(url) => http.get(feed, url, validators).await,
    }
}
