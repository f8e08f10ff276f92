//! `createProxyHandler`: a fetch-style handler that forwards the three API routes to the
//! service with the secret key, after the core has allowed them. Everything else is answered
//! here, as the core decides, without touching the upstream. When `authorize` names the
//! caller, the proxy records who submitted each job (in `jobStore`, or in memory) and lets each
//! caller read and list only its own.
//!
//! One module per step: `options` (createProxyHandler's options), `pipeline` (one request,
//! step by step), `authorize` (who is calling), `submission` (a submission's body, streamed
//! under the cap and checked), `job_store` (the record of owners: memory or the caller's
//! store), `owner_record` (reading and writing that record around the upstream call),
//! `owned_list` (a caller's listing, read back a few jobs at a time), `answer` (Responses).
//! With `webhookUrl`: `webhook_receiver` (the service's signed events), `job_records` (each
//! job as they tell it), `pushed_job` (submissions opening a record, reads answered from it)
//! and `event_stream` (a job's changes as Server-Sent Events); `shared_records` (the app's
//! `jobRecords`, for many processes).

mod answer;
mod authorize;
mod event_stream;
mod job_records;
mod job_store;
mod options;
mod owned_list;
mod owner_record;
mod pipeline;
mod pushed_job;
mod shared_records;
mod submission;
mod webhook_receiver;

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::js_error::Failure;
use super::transport::Transport;
use super::trap;
use crate::core::poll_schedule::DurationEstimate;
use crate::core::pushed::FirstEvent;
use crate::core::proxy::ProxyConfig;
use job_records::JobRecordStore;
use job_store::JobOwners;

/// One proxy handler's settings, shared by its requests.
struct Proxy {
    /// What the core allows.
    cfg: ProxyConfig,
    /// The key in `X-API-Key`, a time limit per request, and no retries: the caller's client
    /// retries.
    upstream: Transport,
    /// The app's `authorize(request)`.
    authorize: Option<Function>,
    /// Whether everyone may call when there is no `authorize`.
    allow_anonymous: bool,
    /// Who submitted which job.
    owners: JobOwners,
    /// The key, to check the service's webhook signatures.
    api_key: String,
    /// Each job submitted, as its events tell it (used with `webhookUrl`).
    records: JobRecordStore,
    /// How long jobs take, learned from those whose end the proxy saw: paces its looks upstream.
    expected: Cell<DurationEstimate>,
    /// How long first events take to reach this proxy: paces its looks at jobs not heard from.
    first_event: Cell<FirstEvent>,
    /// The jobs being looked at upstream right now.
    looking: RefCell<HashSet<String>>,
}

/// Creates the proxy handler. `apiKey` is required; requests are refused (401) unless
/// `authorize(request)` approves them or `allowAnonymous` is true. When `authorize` resolves
/// to the caller's identity (a string), each caller reads and lists only its own jobs. With
/// `webhookUrl`, the proxy receives each job's signed events there, answers reads of its jobs
/// from them and streams each job's changes at `GET {prefix}/v2/jobs/{id}/events`. An option name it does not know throws, naming it.
#[wasm_bindgen(js_name = createProxyHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_proxy_handler(
    #[wasm_bindgen(unchecked_param_type = "ProxyOptions")] options: JsValue,
) -> Result<Function, JsValue> {
    let proxy = Rc::new(options::build(&options).map_err(|e| Failure::from(e).into_js())?);
    let handler = Closure::<dyn Fn(JsValue) -> Promise>::new(move |request: JsValue| {
        let p = proxy.clone();
        trap::promise(async move { p.handle(request.unchecked_into()).await.map(JsValue::from) })
    });
    Ok(handler.into_js_value().unchecked_into())
}
