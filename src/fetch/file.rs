//! Local feed files, read with the same size cap and timeout as http.

use std::path::Path;

use tokio::io::AsyncReadExt;

use super::{FetchError, Fetched, Validators};
use crate::spec::FetchSpec;

pub(super) async fn read(feed: &FetchSpec<'_>, path: &Path) -> Result<Fetched, FetchError> {
    let target = path.display().to_string();
    let io = |source| FetchError::File { feed: feed.id.to_string(), path: target.clone(), source };
    let limit = feed.max_bytes;
    let timeout = feed.timeout.to_std().unwrap_or_default();
    let read = async {
        let f = tokio::fs::File::open(path).await.map_err(io)?;
        let mut bytes = Vec::new();
        f.take(limit + 1).read_to_end(&mut bytes).await.map_err(io)?;
        if bytes.len() as u64 > limit {
            return Err(FetchError::TooLarge { feed: feed.id.to_string(), target: target.clone(), limit });
        }
        Ok(Fetched::Body { bytes, validators: Validators::default() })
    };
    tokio::time::timeout(timeout, read).await.unwrap_or_else(|_| {
        Err(FetchError::Timeout { feed: feed.id.to_string(), target: target.clone(), after: timeout })
    })
}
