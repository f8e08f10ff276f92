//! The emulated service routes: submit, get, list, and the output files.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::aspect_ratio::{self, AspectRatio};
use crate::clock::now_ms;
use crate::faults::FaultKind;
use crate::job::{self, Job, Outcome, Webhook};
use crate::state::REVE_COST;
use crate::timeline::Timeline;
use crate::validate::{self, as_integer, WEBHOOK_EVENTS};
use crate::Emulator;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;
const IDEMPOTENCY_KEY_MAX: usize = 255;
/// Seeds the emulator draws when a request gives none stay within JavaScript's safe integers.
const SEED_RANGE: u64 = 1 << 31;

pub fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

fn validation(details: validate::Details) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": "Validation failed", "details": details })),
    )
        .into_response()
}

/// The calling account's key, or the 401/403 answer (a whole Response: the cold path).
#[allow(clippy::result_large_err)]
fn authenticate(emu: &Emulator, headers: &HeaderMap) -> Result<String, Response> {
    let Some(key) = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
    else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Missing API key: pass it in the X-API-Key header",
        ));
    };
    let st = emu.lock();
    match st.accounts.get(key) {
        None => Err(error(StatusCode::UNAUTHORIZED, "Invalid API key")),
        Some(a) if !a.active => Err(error(StatusCode::FORBIDDEN, "API key is inactive")),
        Some(_) => Ok(key.to_string()),
    }
}

fn origin(headers: &HeaderMap, emu: &Emulator) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    format!("http://{}", host.unwrap_or_else(|| emu.addr.to_string()))
}

pub async fn generate(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let key = match authenticate(&emu, &headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("Request body is larger than {BODY_LIMIT} bytes"),
            )
        }
    };
    let input: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let mut d = validate::Details::new();
            d.insert(String::new(), vec![format!("Body is not valid JSON: {e}")]);
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({ "error": "Invalid JSON body", "details": d })),
            )
                .into_response();
        }
    };
    if let Err(details) = validate::generate_request(&input) {
        return validation(details);
    }
    let idempotency = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= IDEMPOTENCY_KEY_MAX => Some(k.to_string()),
        Some(_) => {
            let mut d = validate::Details::new();
            d.insert(
                "Idempotency-Key".into(),
                vec![format!(
                    "Must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"
                )],
            );
            return validation(d);
        }
    };

    let now = now_ms();
    let mut st = emu.lock();
    if let Some(idem) = &idempotency {
        if let Some(rec) = st.idempotency.get(&(key.clone(), idem.clone())).cloned() {
            if rec.fingerprint != crate::state::fingerprint(&input) {
                return error(
                    StatusCode::CONFLICT,
                    "Idempotency-Key was already used with a different request body",
                );
            }
            st.stats.idempotent_replays += 1;
            let status = st
                .job_for(rec.job_id, &key, now)
                .map(|j| j.status_at(now).0)
                .unwrap_or(job::QUEUED);
            // The JobAccepted schema has no CANCELLED; a cancelled job reads as an unsuccessful one.
            let status = if status == job::CANCELLED {
                job::FAILED
            } else {
                status
            };
            return (
                StatusCode::ACCEPTED,
                axum::Json(json!({ "jobId": rec.job_id.to_string(), "status": status })),
            )
                .into_response();
        }
    }
    let available = st.accounts.get(&key).map(|a| a.credits).unwrap_or(0);
    if available < REVE_COST {
        return (
            StatusCode::PAYMENT_REQUIRED,
            axum::Json(json!({
                "error": "Insufficient credits", "creditsRequired": REVE_COST, "creditsAvailable": available
            })),
        )
            .into_response();
    }
    if let Some(a) = st.accounts.get_mut(&key) {
        a.credits -= REVE_COST;
    }
    let outcome = match st.faults.take_job_outcome() {
        Some(FaultKind::JobFailed) => {
            Outcome::Failed("Generation failed at the provider (emulated fault)".into())
        }
        Some(FaultKind::JobCancelled) => Outcome::Cancelled,
        _ => Outcome::Completed,
    };
    let params = input.get("reveParams");
    let ratio_name = params
        .and_then(|p| p.get("aspect_ratio"))
        .and_then(Value::as_str)
        .unwrap_or(aspect_ratio::DEFAULT);
    let seed = match params.and_then(|p| p.get("seed")).and_then(as_integer) {
        Some(s) => s,
        None => (st.rng.next_u64() % SEED_RANGE) as i64,
    };
    let webhook = input
        .get("webhookUrl")
        .and_then(Value::as_str)
        .map(|url| Webhook {
            url: url.to_string(),
            events: match input.get("webhookEvents").and_then(Value::as_array) {
                Some(list) => list
                    .iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect(),
                None => WEBHOOK_EVENTS.iter().map(|e| e.to_string()).collect(),
            },
        });
    let job = Job {
        id: Uuid::new_v4(),
        owner: key,
        prompt: input
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        ratio: AspectRatio::parse(ratio_name).unwrap_or(AspectRatio { w: 1, h: 1 }),
        seed,
        input,
        created_ms: st.creation_time(now),
        timeline: Timeline::draw(&mut st.rng, emu.config.job_ms),
        outcome,
        cost: REVE_COST,
        origin: origin(&headers, &emu),
        webhook_status: webhook.as_ref().map(|_| "pending"),
        webhook,
        settled: false,
        idempotency,
    };
    let id = job.id;
    st.insert(job, emu.config.max_jobs);
    drop(st);
    tokio::spawn(crate::driver::drive(emu.clone(), id));
    (
        StatusCode::ACCEPTED,
        axum::Json(json!({ "jobId": id.to_string(), "status": job::QUEUED })),
    )
        .into_response()
}

pub async fn get_job(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let key = match authenticate(&emu, &headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return error(StatusCode::BAD_REQUEST, "Invalid job id: expected a UUID");
    };
    let now = now_ms();
    let mut st = emu.lock();
    match st.job_for(id, &key, now) {
        Some(job) => axum::Json(job.to_wire(now, emu.config.retention_ms)).into_response(),
        None => error(StatusCode::NOT_FOUND, "Job not found"),
    }
}

fn bad_query(param: &str, msg: &str) -> Response {
    let mut d = validate::Details::new();
    d.insert(param.to_string(), vec![msg.to_string()]);
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": "Invalid query parameters", "details": d })),
    )
        .into_response()
}

const STATUSES: [&str; 5] = [
    job::QUEUED,
    job::PROCESSING,
    job::COMPLETED,
    job::FAILED,
    job::CANCELLED,
];

fn encode_cursor(created_ms: u64, id: Uuid) -> String {
    format!("{created_ms}_{}", id.simple())
}

fn decode_cursor(s: &str) -> Option<(u64, Uuid)> {
    let (ms, id) = s.split_once('_')?;
    Some((ms.parse().ok()?, Uuid::parse_str(id).ok()?))
}

pub async fn list_jobs(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let key = match authenticate(&emu, &headers) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let status = q.get("status").map(String::as_str);
    if let Some(s) = status.filter(|s| !STATUSES.contains(s)) {
        return bad_query(
            "status",
            &format!(
                "Invalid enum value. Expected one of {}, received '{s}'",
                STATUSES.join(", ")
            ),
        );
    }
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => return bad_query("limit", "Expected an integer from 1 to 100"),
    };
    let cursor = match q.get("cursor") {
        None => None,
        Some(c) => match decode_cursor(c) {
            Some(c) => Some(c),
            None => {
                return bad_query(
                    "cursor",
                    "Invalid cursor: pass nextCursor from the previous page",
                )
            }
        },
    };
    let team = match q.get("scope").map(String::as_str) {
        None | Some("user") => false,
        Some("team") => true,
        Some(s) => {
            return bad_query(
                "scope",
                &format!("Invalid enum value. Expected 'user' | 'team', received '{s}'"),
            )
        }
    };
    let search = match q.get("search").map(|s| Uuid::parse_str(s)) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return bad_query("search", "Expected a job id (UUID)"),
    };
    let include_models = match q.get("include_models").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return bad_query("include_models", "Expected 'true' or 'false'"),
    };
    let model = q.get("model");

    let now = now_ms();
    let mut st = emu.lock();
    if team && !st.accounts.get(&key).is_some_and(|a| a.admin) {
        return error(StatusCode::FORBIDDEN, "Only team admins may use scope=team");
    }
    let ids: Vec<(u64, Uuid)> = st
        .order
        .iter()
        .rev()
        .filter(|entry| cursor.is_none_or(|c| **entry < c))
        .copied()
        .collect();
    let mut page = Vec::new();
    let mut has_more = false;
    for (_, id) in ids {
        st.settle(id, now);
        let Some(job) = st.jobs.get(&id) else {
            continue;
        };
        if (!team && job.owner != key)
            || search.is_some_and(|s| s != id)
            || model.is_some_and(|m| m != job::MODEL)
            || status.is_some_and(|s| s != job.status_at(now).0)
        {
            continue;
        }
        if page.len() == limit {
            has_more = true;
            break;
        }
        page.push((
            job.created_ms,
            id,
            job.to_wire(now, emu.config.retention_ms),
        ));
    }
    let next_cursor = if has_more {
        page.last().map(|(ms, id, _)| encode_cursor(*ms, *id))
    } else {
        None
    };
    let mut body = json!({
        "jobs": page.into_iter().map(|(_, _, j)| j).collect::<Vec<_>>(),
        "nextCursor": next_cursor,
        "hasMore": has_more,
    });
    if include_models {
        body["models"] = json!([job::MODEL]);
    }
    axum::Json(body).into_response()
}

/// `GET /files/{id}.png`: the job's image, public as CDN URLs are, until it expires.
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

/// Sleeps until a wall-clock instant.
pub async fn sleep_until_ms(at: u64) {
    let now = now_ms();
    if at > now {
        tokio::time::sleep(Duration::from_millis(at - now)).await;
    }
}
