//! The optional loopback listener: `/healthz` for probes, `/metrics` for Prometheus,
//! `/api/status` for scripts, and for people the board (`/`, `/crossing/{id}`, with
//! `/board.css` and `/board.js`) and `/calendar.ics`. Bound before systemd hears
//! `READY=1`, so a ready daemon always answers. Read-only: every route is a GET that
//! changes nothing. Every answer carries a content security policy that lets a page load
//! only from this listener, so feed text that slipped past escaping could still not run.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::alert::dispatch::blocking;
use crate::board::{self, Board, CrossingView, Mode};
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
        .route("/", get(board_page))
        .route("/crossing/{id}", get(crossing_page))
        .route("/calendar.ics", get(calendar))
        .route("/board.css", get(|| async { asset("text/css; charset=utf-8", board::parts::CSS) }))
        .route("/board.js", get(|| async { asset("text/javascript; charset=utf-8", board::parts::JS) }))
        .layer(axum::middleware::map_response(secure))
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

/// Every current record, as a JSON array, with the records' version as its `ETag`; 304
/// when the request's `If-None-Match` names that version (the board's script polls so).
async fn api_status(State(s): State<Shared>, headers: axum::http::HeaderMap) -> Response {
    let (store, now) = {
        let live = s.live.borrow();
        (Arc::clone(&live.poller.store), live.poller.clock.now())
    };
    match blocking(move || store.lock().expect("store lock").all_records(now)).await {
        Ok(rows) => {
            let records: Vec<_> = rows.into_iter().map(|(r, _)| r).collect();
            let body = serde_json::to_string(&records).expect("records serialize");
            let etag = format!("\"{}\"", board::data::version_of(&body));
            if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
                return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
            }
            ([(header::CONTENT_TYPE, "application/json".to_string()), (header::ETAG, etag)], body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// The policy and headers every answer carries.
async fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body).into_response()
}

/// The board, read and rendered off the async threads.
async fn board_page(State(s): State<Shared>) -> Response {
    let live = s.live.borrow().clone();
    let now = live.poller.clock.now();
    let last_ok = live.poller.last_ok.lock().expect("last-ok lock").clone();
    let (store, config) = (Arc::clone(&live.poller.store), Arc::clone(&live.poller.config));
    let page = blocking(move || {
        let b = Board::read(&store.lock().expect("store lock"), &config, last_ok, now)?;
        Ok::<_, crate::store::StoreError>(board::page::board(&b, Mode::Served))
    });
    match page.await {
        Ok(body) => html(body),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// One crossing's page; 404 for a crossing neither the state nor the gazetteer knows.
async fn crossing_page(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let live = s.live.borrow().clone();
    let now = live.poller.clock.now();
    let (store, config) = (Arc::clone(&live.poller.store), Arc::clone(&live.poller.config));
    let page = blocking(move || {
        let view = CrossingView::read(&store.lock().expect("store lock"), &config, &id, now)?;
        Ok::<_, crate::store::StoreError>(view.map(|v| board::crossing::crossing(&v)))
    });
    match page.await {
        Ok(Some(body)) => html(body),
        Ok(None) => (StatusCode::NOT_FOUND, "no such crossing\n").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

/// What `borderwatch calendar` prints, for a calendar app to subscribe to.
async fn calendar(State(s): State<Shared>) -> Response {
    let live = s.live.borrow().clone();
    let now = live.poller.clock.now();
    let (store, config) = (Arc::clone(&live.poller.store), Arc::clone(&live.poller.config));
    let body = blocking(move || {
        let records: Vec<_> = store.lock().expect("store lock").all_records(now)?.into_iter().map(|(r, _)| r).collect();
        Ok::<_, crate::store::StoreError>(crate::calendar::ics(
            &records,
            &config.alerts.lead_times,
            config.alerts.arm_expiry,
            now,
        ))
    });
    match body.await {
        Ok(body) => ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}
