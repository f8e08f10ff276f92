//! `POST /v2/images/generate`, in the order the service checks a submission: the key, the body,
//! the schema, the `Idempotency-Key`; then, under one lock, a replay of the key's job or the
//! charge and a new job; last, the job's driver (progress, webhooks, settling) is started.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use uuid::Uuid;

use super::auth::authenticate;
use super::new_job::{self, Submission};
use super::{credits, idempotency, json_body};
use crate::clock::now_ms;
use crate::errors::Refusal;
use crate::{driver, job, validate, Emulator};

pub async fn generate(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match submit(&emu, &headers, body).await {
        Ok((id, status)) => accepted(id, status),
        Err(refused) => refused.into_response(),
    }
}

/// The job the submission names (new, or replayed) and its status.
async fn submit(
    emu: &Arc<Emulator>,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Uuid, &'static str), Refusal> {
    let owner = authenticate(&emu.lock(), headers)?;
    let input = json_body::read(body).await?;
    validate::generate_request(&input).map_err(Refusal::validation)?;
    let key = idempotency::key_of(headers)?;
    let now = now_ms();
    let id = {
        let mut st = emu.lock();
        if let Some(key) = &key {
            if let Some(replayed) = idempotency::replay(&mut st, &owner, key, &input, now)? {
                return Ok(replayed);
            }
        }
        credits::charge(&mut st, &owner)?;
        let submission = Submission {
            owner,
            input,
            idempotency: key,
            origin: new_job::origin(headers, emu.addr),
        };
        let job = new_job::make(&mut st, submission, now, emu.config.job_ms);
        let id = job.id;
        st.insert(job, emu.config.max_jobs);
        id
    };
    driver::start(emu.clone(), id);
    Ok((id, job::QUEUED))
}

/// 202 `JobAccepted`.
fn accepted(id: Uuid, status: &str) -> Response {
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({ "jobId": id.to_string(), "status": status })),
    )
        .into_response()
}
