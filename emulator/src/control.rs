//! `/__emulator/...`: routes for tests and people to steer the emulator. No API key needed.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::errors::error;
use crate::faults::Fault;
use crate::state::{Account, State as EmuState};
use crate::Emulator;

/// `POST /__emulator/faults`: one fault object or an array of them.
pub async fn add_faults(State(emu): State<Arc<Emulator>>, body: axum::body::Bytes) -> Response {
    let parsed: Result<Vec<Fault>, _> = serde_json::from_slice::<Vec<Fault>>(&body)
        .or_else(|_| serde_json::from_slice::<Fault>(&body).map(|f| vec![f]));
    match parsed {
        Ok(faults) => {
            let mut st = emu.lock();
            for f in faults {
                st.faults.push(f);
            }
            Json(json!({ "pending": st.faults.pending() })).into_response()
        }
        Err(e) => error(StatusCode::BAD_REQUEST, &format!("Bad fault: {e}")),
    }
}

pub async fn list_faults(State(emu): State<Arc<Emulator>>) -> Response {
    Json(json!({ "pending": emu.lock().faults.pending() })).into_response()
}

pub async fn clear_faults(State(emu): State<Arc<Emulator>>) -> Response {
    emu.lock().faults.clear();
    Json(json!({ "pending": [] })).into_response()
}

/// `GET /__emulator/stats`: request counters, jobs created, and each account's credits.
pub async fn stats(State(emu): State<Arc<Emulator>>) -> Response {
    let st = emu.lock();
    Json(json!({
        "stats": st.stats,
        "jobs": st.jobs.len(),
        "idempotencyRecords": st.idempotency.len(),
        "accounts": st.accounts,
        "jobMs": emu.config.job_ms,
        "rateLimitPerSecond": st.limiter.per_second(),
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyUpdate {
    key: String,
    credits: Option<u64>,
    active: Option<bool>,
    admin: Option<bool>,
}

/// `POST /__emulator/keys`: create or change an account: `{key, credits?, active?, admin?}`.
pub async fn put_key(State(emu): State<Arc<Emulator>>, Json(u): Json<KeyUpdate>) -> Response {
    let mut st = emu.lock();
    let acct = st.accounts.entry(u.key).or_insert(Account {
        credits: emu.config.credits,
        active: true,
        admin: false,
    });
    if let Some(c) = u.credits {
        acct.credits = c;
    }
    if let Some(a) = u.active {
        acct.active = a;
    }
    if let Some(a) = u.admin {
        acct.admin = a;
    }
    Json(json!({ "account": acct.clone() })).into_response()
}

/// `GET /__emulator/webhooks`: the last delivery attempts, oldest first.
pub async fn webhooks(State(emu): State<Arc<Emulator>>) -> Response {
    let st = emu.lock();
    Json(json!({ "deliveries": st.deliveries })).into_response()
}

/// `POST /__emulator/reset`: forget every job, record, fault and counter; accounts as at start.
/// The rate limit stays as last set, its buckets full again.
pub async fn reset(State(emu): State<Arc<Emulator>>) -> Response {
    let mut st = emu.lock();
    let rate = st.limiter.per_second();
    *st = EmuState::new(&emu.config);
    st.limiter.set_rate(rate);
    Json(Value::Object(Default::default())).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RateLimitUpdate {
    per_second: Option<u32>,
}

/// `GET /__emulator/rate-limit`: `{perSecond}`, `null` when off.
pub async fn rate_limit(State(emu): State<Arc<Emulator>>) -> Response {
    Json(json!({ "perSecond": emu.lock().limiter.per_second() })).into_response()
}

/// `POST /__emulator/rate-limit` `{perSecond}`: requests a second per key (`null` or 0: off);
/// every bucket starts full.
pub async fn set_rate_limit(State(emu): State<Arc<Emulator>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<RateLimitUpdate>(&body) {
        Ok(u) => {
            let mut st = emu.lock();
            st.limiter.set_rate(u.per_second);
            Json(json!({ "perSecond": st.limiter.per_second() })).into_response()
        }
        Err(e) => error(StatusCode::BAD_REQUEST, &format!("Bad rate limit: {e}")),
    }
}
