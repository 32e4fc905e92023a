//! The optional loopback listener: `/healthz` for probes, `/metrics` for Prometheus and
//! `/api/status` for scripts. Bound before systemd hears `READY=1`, so a ready daemon
//! always answers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::alert::dispatch::blocking;
use crate::health::Health;
use crate::live::Live;

#[derive(Clone)]
struct Shared {
    live: watch::Receiver<Live>,
    health: Arc<Health>,
}

/// Serves the listener on `listener` until `shutdown` is cancelled.
pub async fn serve(
    listener: tokio::net::TcpListener,
    live: watch::Receiver<Live>,
    health: Arc<Health>,
    shutdown: CancellationToken,
) {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/api/status", get(api_status))
        .with_state(Shared { live, health });
    if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await {
        crate::events::ListenerStopped { error: &e }.emit();
    }
}

/// 200 when the scheduler keeps its schedule and the state can be written; 503 with the
/// reason otherwise.
async fn healthz(State(s): State<Shared>) -> Response {
    let live = s.live.borrow().clone();
    if let Some(why) = s.health.stalled(live.poller.clock.now()) {
        return (StatusCode::SERVICE_UNAVAILABLE, format!("stalled: {why}\n")).into_response();
    }
    let store = Arc::clone(&live.poller.store);
    match blocking(move || store.lock().expect("store lock").writable()).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")).into_response(),
    }
}

async fn metrics(State(s): State<Shared>) -> Response {
    let live = s.live.borrow().clone();
    let names: Vec<String> = live.sinks.iter().map(|k| k.name().to_string()).collect();
    let store = Arc::clone(&live.poller.store);
    let (figures, names) = blocking(move || {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let figures = store.lock().expect("store lock").figures(&refs);
        (figures, names)
    })
    .await;
    match figures {
        Ok(f) => {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let body = crate::metrics::render(&live.poller.config, &refs, &s.health.counters(), &f);
            ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// Every current record, as a JSON array.
async fn api_status(State(s): State<Shared>) -> Response {
    let (store, now) = {
        let live = s.live.borrow();
        (Arc::clone(&live.poller.store), live.poller.clock.now())
    };
    match blocking(move || store.lock().expect("store lock").all_records(now)).await {
        Ok(rows) => {
            let records: Vec<_> = rows.into_iter().map(|(r, _)| r).collect();
            let body = serde_json::to_string(&records).expect("records serialize");
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
