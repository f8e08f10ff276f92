//! `GET /files/{id}.png`: a completed job's image, public as CDN URLs are, until it expires;
//! rendered once off the async threads, then served from a small cache.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::clock::now_ms;
use crate::errors::error;
use crate::job::Outcome;
use crate::Emulator;

pub async fn file(State(emu): State<Arc<Emulator>>, Path(name): Path<String>) -> Response {
    let not_found = || error(StatusCode::NOT_FOUND, "File not found");
    let Some(id) = name
        .strip_suffix(".png")
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        return not_found();
    };
    let now = now_ms();
    let (prompt, seed, ratio, cached) = {
        let st = emu.lock();
        let Some(job) = st.jobs.get(&id) else {
            return not_found();
        };
        if !job.is_done(now)
            || job.outcome != Outcome::Completed
            || job.is_expired(now, emu.config.retention_ms)
        {
            return not_found();
        }
        (job.prompt.clone(), job.seed, job.ratio, st.cached_image(id))
    };
    let png = match cached {
        Some(p) => p,
        None => {
            let rendered =
                tokio::task::spawn_blocking(move || crate::image::render_png(&prompt, seed, ratio))
                    .await;
            let Ok(bytes) = rendered else {
                return error(StatusCode::INTERNAL_SERVER_ERROR, "Render failed");
            };
            let bytes = Bytes::from(bytes);
            emu.lock().cache_image(id, bytes.clone());
            bytes
        }
    };
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400, immutable"),
        ],
        png,
    )
        .into_response()
}
