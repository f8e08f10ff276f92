//! `GET /v2/jobs/{id}`: one of the caller's jobs as it stands now (404 for another's).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use super::auth::authenticate;
use crate::clock::now_ms;
use crate::errors::Refusal;
use crate::Emulator;

pub async fn get_job(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    match read(&emu, &headers, &id) {
        Ok(job) => axum::Json(job).into_response(),
        Err(refused) => refused.into_response(),
    }
}

fn read(emu: &Emulator, headers: &HeaderMap, id: &str) -> Result<Value, Refusal> {
    let mut st = emu.lock();
    let key = authenticate(&st, headers)?;
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "Invalid job id: expected a UUID",
        ));
    };
    let now = now_ms();
    match st.job_for(id, &key, now) {
        Some(job) => Ok(job.to_wire(now, emu.config.retention_ms)),
        None => Err(Refusal::new(StatusCode::NOT_FOUND, "Job not found")),
    }
}
