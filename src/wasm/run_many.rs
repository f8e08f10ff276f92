//! `runMany`: many requests, at most `concurrency` jobs in flight at once (from submission to
//! the end of their wait), settled in order as `Promise.allSettled` shapes them. Every request
//! is checked before anything is sent; each submission keeps its own `Idempotency-Key` across
//! retries (the caller's `idempotencyKeys[i]`, else one made for it); the client's rate-limit
//! gate holds them all after any 429.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{FuturesUnordered, StreamExt};
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::args::{self, option_expectation};
use super::client::{call, run_one, submission, ReveClient};
use super::js_error::Failure;
use super::options::RunManyOptions;
use super::transport::Request;
use super::wait::notify;
use crate::core::error::ApiError;
use crate::core::settings;

type Item = Pin<Box<dyn Future<Output = (usize, Result<JsValue, Failure>)>>>;

/// `{ status: "fulfilled", value }` or `{ status: "rejected", reason }`.
fn settled(outcome: Result<JsValue, Failure>) -> JsValue {
    let entry = Object::new();
    let (status, key, value) = match outcome {
        Ok(job) => ("fulfilled", "value", job),
        Err(f) => ("rejected", "reason", f.into_js()),
    };
    let _ = Reflect::set(&entry, &"status".into(), &status.into());
    let _ = Reflect::set(&entry, &key.into(), &value);
    entry.into()
}

/// Request `index`, checked, with its `Idempotency-Key` (`key`, or one made for it); a bad
/// request or key names its index.
fn checked(request: &JsValue, index: u32, key: Result<Option<String>, ApiError>) -> Result<Request, ApiError> {
    let with_index = |mut e: ApiError| {
        e.message = format!("requests[{index}]: {}", e.message);
        e
    };
    let key = key.map_err(with_index)?;
    submission(request, key, Vec::new()).map_err(|e| {
        if e.field() == Some("idempotencyKey") {
            // The check speaks of `generate`'s option; here the key came from `idempotencyKeys`.
            let message = e.message.replacen("idempotencyKey", &format!("idempotencyKeys[{index}]"), 1);
            return with_index(ApiError::invalid(KEYS, message, None));
        }
        with_index(e)
    })
}

const KEYS: &str = "idempotencyKeys";

/// `idempotencyKeys`, one per request: `None` where it is left out (`undefined` or `null`). A
/// key that is not a string, or repeats an earlier one (the service would answer with the
/// earlier request's job, or 409), fails its entry alone; a list that is not an array, or not as
/// long as `requests`, fails the call.
fn keys(value: &JsValue, count: usize) -> Result<Vec<Result<Option<String>, ApiError>>, ApiError> {
    if value.is_undefined() || value.is_null() {
        return Ok((0..count).map(|_| Ok(None)).collect());
    }
    if !Array::is_array(value) {
        return Err(ApiError::wrong_type(KEYS, "an array with one key (a string, or undefined) per request"));
    }
    let keys = Array::from(value);
    if keys.length() as usize != count {
        let message = format!(
            "{KEYS} must have one entry per request ({count}), got {}: undefined where a key is to be made",
            keys.length()
        );
        return Err(ApiError::invalid(KEYS, message, None));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    Ok(keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            if k.is_undefined() || k.is_null() {
                return Ok(None);
            }
            let Some(k) = k.as_string() else {
                return Err(ApiError::invalid(KEYS, format!("{KEYS}[{i}] must be a string or undefined"), None));
            };
            if let Some(first) = seen.get(&k) {
                let message = format!(
                    "{KEYS}[{i}] repeats {KEYS}[{first}]: the service would answer with requests[{first}]'s job (or 409) instead of making one"
                );
                return Err(ApiError::invalid(KEYS, message, None));
            }
            seen.insert(k.clone(), i);
            Ok(Some(k))
        })
        .collect())
}

#[wasm_bindgen]
impl ReveClient {
    /// Runs many requests, at most `concurrency` (default 4) jobs at once, and resolves, never
    /// rejecting for an item, with one `{status, value | reason}` per request, in order. A bad
    /// request rejects alone (`invalid_request`) and is never sent; a reason raised after its
    /// job exists carries the `jobId`. `idempotencyKeys[i]` is request i's `Idempotency-Key`:
    /// save them before the call, and the same call made again (after a crash) gets the same
    /// jobs back instead of new ones, for 24 hours.
    #[wasm_bindgen(js_name = runMany, unchecked_return_type = "Promise<PromiseSettledResult<Job>[]>")]
    pub fn run_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GenerateRequest[]")] requests: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunManyOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            if !Array::is_array(&requests) {
                return Err(ApiError::wrong_type("requests", "an array of requests"));
            }
            let o: RunManyOptions = args::options(&options, "options", option_expectation)?;
            let concurrency = settings::concurrency(o.concurrency)?;
            let timeout_ms = settings::wait_timeout_ms(o.timeout_ms)?;
            let on_progress = args::function("onProgress", &o.on_progress)?;
            let signal = args::signal(&o.signal)?;
            let requests = Array::from(&requests);
            let keys = keys(&o.idempotency_keys, requests.length() as usize)?;
            let checked: Vec<Result<Request, ApiError>> =
                requests.iter().zip(keys).zip(0u32..).map(|((r, k), i)| checked(&r, i, k)).collect();
            Ok(async move {
                let signal = signal.as_ref();
                let mut results: Vec<JsValue> = vec![JsValue::UNDEFINED; checked.len()];
                let mut queue = checked.into_iter().enumerate();
                let mut running: FuturesUnordered<Item> = FuturesUnordered::new();
                loop {
                    while running.len() < concurrency {
                        let Some((i, item)) = queue.next() else { break };
                        let submission = match item {
                            Err(e) => {
                                results[i] = settled(Err(e.into()));
                                continue;
                            }
                            // Aborted: nothing new starts; its entry settles as aborted.
                            Ok(_) if signal.is_some_and(web_sys::AbortSignal::aborted) => {
                                results[i] = settled(Err(super::js_error::aborted(signal, &format!("requests[{i}]"))));
                                continue;
                            }
                            Ok(s) => s,
                        };
                        let (shared, signal, on_progress) = (shared.clone(), signal.cloned(), on_progress.clone());
                        running.push(Box::pin(async move {
                            let progress = |job: &JsValue| notify(on_progress.as_ref(), job, Some(i as u32));
                            (i, run_one(&shared, &submission, Vec::new(), timeout_ms, signal.as_ref(), progress).await)
                        }));
                    }
                    match running.next().await {
                        Some((i, outcome)) => results[i] = settled(outcome),
                        None => break,
                    }
                }
                Ok(results.into_iter().collect::<Array>().into())
            })
        })())
    }
}
