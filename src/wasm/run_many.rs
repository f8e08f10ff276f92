//! `runMany`: many requests, at most `concurrency` jobs in flight at once (from submission to
//! the end of their wait), settled in order as `Promise.allSettled` shapes them. Every request
//! is checked before anything is sent; each submission keeps its own `Idempotency-Key` across
//! retries; the client's rate-limit gate holds them all after any 429.

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

/// Request `index`, checked, with its own `Idempotency-Key`; a bad one names its index.
fn checked(request: &JsValue, index: u32) -> Result<Request, ApiError> {
    submission(request, None, Vec::new()).map_err(|mut e| {
        e.message = format!("requests[{index}]: {}", e.message);
        e
    })
}

#[wasm_bindgen]
impl ReveClient {
    /// Runs many requests, at most `concurrency` (default 4) jobs at once, and resolves, never
    /// rejecting for an item, with one `{status, value | reason}` per request, in order. A bad
    /// request rejects alone (`invalid_request`) and is never sent; a reason raised after its
    /// job exists carries the `jobId`.
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
            let checked: Vec<Result<Request, ApiError>> =
                Array::from(&requests).iter().zip(0u32..).map(|(r, i)| checked(&r, i)).collect();
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
