//! `run` and `config check`: the daemon in the foreground until a signal, and the check
//! of the config it would run with.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::args::ConfigArg;
use super::input::{load, runtime};
use super::{CommandError, Outcome, Reply};
use crate::clock::SystemClock;

/// `borderwatch run`: the daemon until SIGTERM or Ctrl-C, after which it finishes its
/// work and returns.
///
/// # Errors
/// A [`CommandError`] for a bad config, or when the daemon cannot start.
pub fn run(arg: &ConfigArg) -> Result<Reply, CommandError> {
    let config = load(arg)?;
    runtime()?.block_on(async {
        let shutdown = CancellationToken::new();
        let s = shutdown.clone();
        // Registered before the daemon starts, so a SIGTERM at any moment is a clean
        // stop, never the default kill.
        let signalled = shutdown_signal();
        tokio::spawn(async move {
            signalled.await;
            crate::events::ShutdownRequested.emit();
            s.cancel();
        });
        crate::run(config, Arc::new(SystemClock), shutdown).await
    })?;
    Ok(Reply::new(String::new(), Outcome::Done))
}

/// `borderwatch config check`: a line saying what the valid config holds.
///
/// # Errors
/// A [`CommandError`] listing every problem of an invalid config.
pub fn check(arg: &ConfigArg) -> Result<Reply, CommandError> {
    let config = load(arg)?;
    let stdout = format!(
        "{}: ok ({} feeds, {} crossings known, state {})\n",
        config.path.display(),
        config.feeds.len(),
        config.gazetteer.iter().count(),
        config.daemon.state.display()
    );
    Ok(Reply::new(stdout, Outcome::Done))
}

/// SIGTERM or Ctrl-C, registered now; the returned future ends when one arrives.
fn shutdown_signal() -> impl Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    async move {
        match term {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}
