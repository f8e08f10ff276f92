//! The router and the layers every answer passes through: request ids, CORS, and the front
//! door (counters, the rate limit, faults).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

use crate::api;
use crate::errors::error;
use crate::faults::{FaultKind, Route};
use crate::Emulator;
use crate::{control, fault_answer, file_requests, rate_limit};

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
        .route(
            "/__emulator/rate-limit",
            post(control::set_rate_limit).get(control::rate_limit),
        )
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
    app.layer(middleware::from_fn_with_state(emu.clone(), front_door))
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
        (&Method::GET, p) if p.starts_with("/files/") => Some(Route::File),
        (m, p) if p.starts_with("/v2/") && m != Method::OPTIONS => Some(Route::Any),
        _ => None,
    }
}

/// In front of the service and the file host: counts each request, applies the rate limit
/// (`/v2/...` only), then the next matching fault.
async fn front_door(State(emu): State<Arc<Emulator>>, req: Request, next: Next) -> Response {
    let Some(route) = route_of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let now = Instant::now();
    let fault = {
        let mut st = emu.lock();
        match route {
            Route::Generate => st.stats.generate_requests += 1,
            Route::Job => st.stats.job_requests += 1,
            Route::List => st.stats.list_requests += 1,
            Route::Any => st.stats.other_requests += 1,
            Route::File => file_requests::record(&mut st.stats, req.headers()),
        }
        let key = (route != Route::File).then(|| rate_limit::key_of(req.headers()));
        if let Some(key) = &key {
            if let Some(refused) = rate_limit::admit(&mut st, key, now) {
                return refused;
            }
        }
        let fault = st.faults.take_for_request(route);
        if let (Some(f), Some(key)) = (&fault, &key) {
            if f.kind == FaultKind::RateLimited {
                st.limiter.announce(key, now, f.retry_after_secs());
            }
        }
        fault
    };
    match fault {
        Some(fault) => fault_answer::answer(fault, route, req, next).await,
        None => next.run(req).await,
    }
}
