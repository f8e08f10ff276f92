//! The router and the layers every answer passes through: request ids, CORS, faults.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

use crate::api::{self, error};
use crate::control;
use crate::faults::{FaultKind, Route};
use crate::Emulator;

pub fn router(emu: Arc<Emulator>) -> Router {
    let mut app = Router::new()
        .route("/v2/images/generate", post(api::generate))
        .route("/v2/jobs", get(api::list_jobs))
        .route("/v2/jobs/{id}", get(api::get_job))
        .route("/files/{name}", get(api::file))
        .route(
            "/__emulator/faults",
            post(control::add_faults)
                .get(control::list_faults)
                .delete(control::clear_faults),
        )
        .route("/__emulator/stats", get(control::stats))
        .route("/__emulator/keys", post(control::put_key))
        .route("/__emulator/webhooks", get(control::webhooks))
        .route("/__emulator/reset", post(control::reset))
        .route("/__emulator/health", get(|| async { "ok" }))
        // A webhook receiver that accepts every delivery (the demo's default webhook URL).
        .route(
            "/__emulator/sink",
            post(|| async { axum::http::StatusCode::NO_CONTENT }),
        );
    for (prefix, dir) in &emu.config.mounts {
        app = app.nest_service(prefix, ServeDir::new(dir));
    }
    app = match &emu.config.www {
        Some(dir) => app.fallback_service(ServeDir::new(dir)),
        None => app.fallback(|| async { error(StatusCode::NOT_FOUND, "Not found") }),
    };
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("idempotency-key"),
            header::CONTENT_TYPE,
        ])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600));
    app.layer(middleware::from_fn_with_state(emu.clone(), faults))
        .layer(cors)
        .layer(middleware::from_fn(request_id))
        .with_state(emu)
}

async fn request_id(req: Request, next: Next) -> Response {
    let id = format!("req_{}", uuid::Uuid::new_v4().simple());
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

fn route_of(method: &Method, path: &str) -> Option<Route> {
    match (method, path) {
        (&Method::POST, "/v2/images/generate") => Some(Route::Generate),
        (&Method::GET, "/v2/jobs") => Some(Route::List),
        (&Method::GET, p) if p.starts_with("/v2/jobs/") => Some(Route::Job),
        (m, p) if p.starts_with("/v2/") && m != Method::OPTIONS => Some(Route::Any),
        _ => None,
    }
}

/// A body that fails at once: the server drops the connection instead of answering.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "emulated reset",
        ))
    });
    let mut res = Response::new(Body::from_stream(stream));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

async fn faults(State(emu): State<Arc<Emulator>>, req: Request, next: Next) -> Response {
    let Some(route) = route_of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let fault = {
        let mut st = emu.lock();
        match route {
            Route::Generate => st.stats.generate_requests += 1,
            Route::Job => st.stats.job_requests += 1,
            Route::List => st.stats.list_requests += 1,
            Route::Any => st.stats.other_requests += 1,
        }
        st.faults.take_for_request(route)
    };
    let Some(fault) = fault else {
        return next.run(req).await;
    };
    match fault.kind {
        FaultKind::RateLimited => {
            let secs = fault.retry_after.unwrap_or(1);
            let mut res = error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
        FaultKind::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        FaultKind::Unavailable => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable",
        ),
        FaultKind::Html => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>502 Bad Gateway</h1><hr><p>upstream connect error</p></body></html>",
        )
            .into_response(),
        FaultKind::Malformed => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"jobId\": \"b2c3d4e5-f6a7, \"sta",
        )
            .into_response(),
        FaultKind::Reset => dropped_connection(),
        FaultKind::LostResponse => {
            let _ = next.run(req).await;
            dropped_connection()
        }
        FaultKind::Slow => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(5000))).await;
            next.run(req).await
        }
        FaultKind::JobFailed | FaultKind::JobCancelled => next.run(req).await,
    }
}
