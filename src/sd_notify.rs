//! sd_notify: tells systemd the daemon's state over `$NOTIFY_SOCKET` (READY, STATUS,
//! WATCHDOG, STOPPING). Without the variable every call does nothing, so the same binary
//! runs under systemd and in a terminal.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// A connection to systemd's notification socket, if there is one.
#[derive(Debug)]
pub struct SdNotify {
    socket: Option<(UnixDatagram, String)>,
}

impl SdNotify {
    /// Reads `$NOTIFY_SOCKET` (a path, or `@name` for an abstract socket).
    #[must_use]
    pub fn from_env() -> Self {
        let socket = std::env::var("NOTIFY_SOCKET").ok().filter(|p| !p.is_empty()).and_then(|p| {
            let sock = UnixDatagram::unbound().ok()?;
            Some((sock, p))
        });
        SdNotify { socket }
    }

    /// Sends one state message, e.g. `READY=1`. Failures are logged, never fatal.
    pub fn send(&self, msg: &str) {
        let Some((sock, path)) = &self.socket else { return };
        let sent = if let Some(name) = path.strip_prefix('@') {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
                .and_then(|addr| sock.send_to_addr(msg.as_bytes(), &addr))
        } else {
            sock.send_to(msg.as_bytes(), path)
        };
        if let Err(e) = sent {
            crate::events::SystemdNotifyFailed { error: &e, socket: path }.emit();
        }
    }

    /// Half of `$WATCHDOG_USEC`: how often to send `WATCHDOG=1`, when systemd asks for it.
    #[must_use]
    pub fn watchdog_interval() -> Option<Duration> {
        let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
        (usec > 0).then(|| Duration::from_micros(usec / 2))
    }
}

/// `CLOCK_MONOTONIC` in microseconds, for `MONOTONIC_USEC=` with `RELOADING=1`.
#[must_use]
pub fn monotonic_usec() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists on Linux.
    unsafe {
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts);
    }
    u64::try_from(ts.tv_sec).unwrap_or(0) * 1_000_000 + u64::try_from(ts.tv_nsec).unwrap_or(0) / 1000
}
