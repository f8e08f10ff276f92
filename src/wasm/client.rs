//! `ReveClient`: submit, get, list, wait and run, with retries and adaptive polling. Every
//! decision is the core's; this file moves bytes and calls timers.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::abort::sleep;
use super::js_args;
use super::js_error::Failure;
use super::transport::{interrupted, json_parse, ApiKey, Transport};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::job::{Snapshot, Status};
use crate::core::json;
use crate::core::poll_schedule::{self, Bounds, DurationEstimate, Observation};
use crate::core::request::{check_idempotency_key, prepare_generate};
use crate::core::response;
use crate::core::retry::{RetryPolicy, MAX_RETRIES_LIMIT};
use crate::core::routes::{self, ListParams, DEFAULT_BASE_URL, GENERATE};
use crate::core::text::show_number;

const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
const DEFAULT_WAIT_MS: f64 = 600_000.0;
const HISTORY: usize = 32;

struct Inner {
    transport: Transport,
    retry: RetryPolicy,
    estimate: Cell<DurationEstimate>,
    bounds: Bounds,
}

/// A client for Reve image generation through Apiframe. Holds the key and the settings; its
/// methods return promises and reject with `ApiframeError`.
#[wasm_bindgen]
pub struct ReveClient {
    inner: Rc<Inner>,
}

fn is_browser_page() -> bool {
    Reflect::has(&js_sys::global(), &JsValue::from_str("document")).unwrap_or(false)
}

fn random_uuid() -> String {
    let crypto = js_args::get(&js_sys::global(), "crypto");
    let f = js_args::get(&crypto, "randomUUID");
    if let Some(f) = f.dyn_ref::<Function>() {
        if let Some(s) = f.call0(&crypto).ok().and_then(|v| v.as_string()) {
            return s;
        }
    }
    let mut bytes = [0u8; 16];
    for b in bytes.iter_mut() {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    routes::uuid_v4(bytes)
}

/// A JS promise of a future. Every export goes through this one driver: the futures are boxed so
/// that `future_to_promise` is instantiated once, not once per export (a few KB each).
pub(crate) fn promise(fut: impl Future<Output = Result<JsValue, Failure>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>> = Box::pin(fut);
    future_to_promise(async move { boxed.await.map_err(Failure::into_js) })
}

/// An optional options object as the value the option readers take.
fn or_undefined(o: Option<js_sys::Object>) -> JsValue {
    o.map(JsValue::from).unwrap_or(JsValue::UNDEFINED)
}

/// A job id argument and its path, checked.
fn job_arg(job_id: &JsValue) -> Result<(String, String), ApiError> {
    let id = job_id
        .as_string()
        .ok_or_else(|| ApiError::invalid("jobId", "jobId must be a string", None))?;
    let path = routes::job_path(&id)?;
    Ok((id, path))
}

#[wasm_bindgen]
impl ReveClient {
    /// Creates a client. `apiKey` is required for the real service; in a browser page, point
    /// `baseUrl` at your proxy instead (passing `apiKey` there throws unless
    /// `dangerouslyAllowBrowser: true`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ReveClientOptions")] options: Option<js_sys::Object>,
    ) -> Result<ReveClient, JsValue> {
        Self::build(or_undefined(options)).map_err(|e| Failure::from(e).into_js())
    }

    fn build(o: JsValue) -> Result<ReveClient, ApiError> {
        js_args::check_object(&o, "options")?;
        let api_key = js_args::string(&o, "apiKey")?.filter(|k| !k.is_empty());
        let base_url = match js_args::string(&o, "baseUrl")? {
            Some(u) => routes::normalize_base_url(&u)?,
            None => DEFAULT_BASE_URL.to_string(),
        };
        if api_key.is_none() && base_url == DEFAULT_BASE_URL {
            return Err(ApiError::invalid(
                "apiKey",
                "apiKey is required to call https://api.apiframe.ai; in a browser, set baseUrl to your proxy instead",
                None,
            ));
        }
        if api_key.is_some()
            && is_browser_page()
            && !js_args::boolean(&o, "dangerouslyAllowBrowser")?
        {
            return Err(ApiError::invalid(
                "apiKey",
                "an apiKey in a browser page is visible to every visitor: set baseUrl to a proxy that adds the key \
                 (see createProxyHandler), or pass dangerouslyAllowBrowser: true if you accept the risk",
                None,
            ));
        }
        let max_retries =
            js_args::number(&o, "maxRetries", 0.0, f64::from(MAX_RETRIES_LIMIT), true)?;
        let timeout_ms = js_args::number(&o, "timeoutMs", 1.0, 3_600_000.0, false)?;
        let expected = js_args::number(&o, "expectedDurationMs", 1.0, 86_400_000.0, false)?;
        let defaults = Bounds::default();
        let floor_ms = js_args::number(&o, "minPollIntervalMs", 1.0, 3_600_000.0, false)?
            .unwrap_or(defaults.floor_ms);
        let ceiling_ms = js_args::number(&o, "maxPollIntervalMs", 1.0, 3_600_000.0, false)?
            .unwrap_or(defaults.ceiling_ms);
        if ceiling_ms < floor_ms {
            return Err(ApiError::invalid(
                "maxPollIntervalMs",
                "maxPollIntervalMs must not be smaller than minPollIntervalMs",
                None,
            ));
        }
        let transport = Transport::new(
            base_url,
            api_key.map(ApiKey::new),
            js_args::function(&o, "fetch")?,
            timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        );
        let retry = RetryPolicy {
            max_retries: max_retries.map_or(RetryPolicy::default().max_retries, |n| n as u32),
            ..RetryPolicy::default()
        };
        Ok(ReveClient {
            inner: Rc::new(Inner {
                transport,
                retry,
                estimate: Cell::new(expected.map_or(DurationEstimate::REVE, |mean_ms| {
                    DurationEstimate {
                        mean_ms,
                        samples: 0,
                    }
                })),
                bounds: Bounds {
                    floor_ms,
                    ceiling_ms,
                },
            }),
        })
    }

    /// Submits a job: `POST /v2/images/generate`. Resolves with `{jobId, status}`. Retries
    /// reuse one `Idempotency-Key` (yours, or one made per call), so a lost answer never
    /// creates a second job.
    #[wasm_bindgen(unchecked_return_type = "Promise<JobAccepted>")]
    pub fn generate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GenerateRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GenerateOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let o = or_undefined(options);
        promise(async move { inner.generate(&request, &o).await.map(|(_, js)| js) })
    }

    /// Reads a job: `GET /v2/jobs/{id}`.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let o = or_undefined(options);
        promise(async move {
            let (_, path) = job_arg(&job_id)?;
            js_args::check_object(&o, "options")?;
            let signal = js_args::signal(&o)?;
            inner.get(&path, signal.as_ref()).await
        })
    }

    /// Lists your jobs, newest first: `GET /v2/jobs`. Pass `nextCursor` back as `cursor`
    /// for the next page.
    #[wasm_bindgen(js_name = listJobs, unchecked_return_type = "Promise<JobList>")]
    pub fn list_jobs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListJobsParams")] params: Option<js_sys::Object>,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let p = or_undefined(params);
        let o = or_undefined(options);
        promise(async move {
            js_args::check_object(&p, "params")?;
            js_args::check_object(&o, "options")?;
            let params = ListParams {
                status: js_args::string(&p, "status")?,
                model: js_args::string(&p, "model")?,
                limit: js_args::number(&p, "limit", f64::MIN, f64::MAX, false)?,
                cursor: js_args::string(&p, "cursor")?,
                scope: js_args::string(&p, "scope")?,
            };
            let path = routes::list_path(&params)?;
            let signal = js_args::signal(&o)?;
            inner.get(&path, signal.as_ref()).await
        })
    }

    /// Polls a job until it completes, with a schedule that adapts to its progress. Resolves
    /// with the COMPLETED job; rejects `job_failed` / `job_cancelled` (with the job),
    /// `timeout` (with the jobId) or `aborted`.
    #[wasm_bindgen(js_name = waitForJob, unchecked_return_type = "Promise<Job>")]
    pub fn wait_for_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WaitOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let o = or_undefined(options);
        promise(async move {
            let (id, path) = job_arg(&job_id)?;
            js_args::check_object(&o, "options")?;
            inner.wait(&id, &path, &o, Vec::new()).await
        })
    }

    /// Submits a job and waits for it: `generate` then `waitForJob`. Every error raised after
    /// the job exists carries its `jobId`, so a billed job is never lost.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GenerateRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RunOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let inner = self.inner.clone();
        let o = or_undefined(options);
        promise(async move {
            let (accepted, _) = inner.generate(&request, &o).await?;
            let id = accepted.id.clone().unwrap_or_default();
            let path = routes::job_path(&id).map_err(|_| {
                ApiError::new(
                    ErrorCode::Server,
                    cat!(
                        "the service accepted the job but sent an invalid jobId \"",
                        id,
                        '"'
                    ),
                )
            })?;
            let seen = vec![Observation {
                at_ms: 0.0,
                processing: accepted.status == Status::Processing,
                progress: None,
            }];
            inner
                .wait(&id, &path, &o, seen)
                .await
                .map_err(|f| f.with_job_id(&id))
        })
    }
}

impl Inner {
    async fn generate(
        &self,
        request: &JsValue,
        o: &JsValue,
    ) -> Result<(Snapshot, JsValue), Failure> {
        js_args::check_object(o, "options")?;
        // JSON's own rules, as `fetch` + `JSON.stringify` would apply them: undefined fields
        // are left out, toJSON is honoured, BigInt and cycles are refused.
        let text = js_sys::JSON::stringify(request).map_err(|e| {
            let why = js_args::get(&e, "message").as_string().unwrap_or_default();
            ApiError::invalid(
                "request",
                cat!("the request cannot be sent as JSON: ", why),
                None,
            )
        })?;
        // JSON.stringify's output is JSON (or undefined, for a function or undefined); it can
        // still hold what the service must not get: lone surrogates, or absurd nesting.
        let plain = match text.as_string() {
            Some(t) => json::parse_exact(&t).map_err(|e| {
                ApiError::invalid(
                    "request",
                    cat!("the request cannot be sent as JSON: ", e.what),
                    None,
                )
            })?,
            None => json::Value::Null,
        };
        let body = prepare_generate(&plain)?.to_json();
        let key = match js_args::string(o, "idempotencyKey")? {
            Some(k) => {
                check_idempotency_key(&k)?;
                k
            }
            None => random_uuid(),
        };
        let signal = js_args::signal(o)?;
        let (text, js) = self
            .call("POST", GENERATE, Some(&body), Some(&key), signal.as_ref())
            .await?;
        let accepted = Snapshot::parse(&text.as_string().unwrap_or_default())?;
        Ok((accepted, js))
    }

    /// A GET with retries, resolving with the parsed object.
    async fn get(&self, path: &str, signal: Option<&AbortSignal>) -> Result<JsValue, Failure> {
        self.call("GET", path, None, None, signal)
            .await
            .map(|(_, js)| js)
    }

    /// One request with retries. Resolves with the body (a JS string) and its parsed object.
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<(JsValue, JsValue), Failure> {
        let replay_safe = method == "GET" || idempotency_key.is_some();
        let mut retries = 0;
        loop {
            let failure = match self
                .transport
                .send(method, path, body, idempotency_key, signal)
                .await
            {
                Ok(received) if received.is_success() => match json_parse(&received.body) {
                    Ok(v) if v.is_object() => return Ok((received.body, v)),
                    _ => response::malformed(&received.meta().answer(received.status, "")).into(),
                },
                Ok(received) => {
                    let (text, meta) = (received.text(), received.meta());
                    Failure::from(response::error_for(&meta.answer(received.status, &text)))
                }
                Err(f) if f.code() == ErrorCode::Aborted => return Err(f),
                Err(f) => f,
            };
            match self
                .retry
                .delay_ms(retries, &failure.error, replay_safe, js_sys::Math::random())
            {
                Some(ms) => {
                    sleep(ms as f64, signal)
                        .await
                        .map_err(|i| interrupted(i, signal, &cat!(method, ' ', path), 0.0))?;
                    retries += 1;
                }
                None => return Err(failure),
            }
        }
    }

    async fn wait(
        &self,
        id: &str,
        path: &str,
        o: &JsValue,
        mut seen: Vec<Observation>,
    ) -> Result<JsValue, Failure> {
        let signal = js_args::signal(o)?;
        let timeout_ms =
            js_args::number(o, "timeoutMs", 0.0, f64::MAX, false)?.unwrap_or(DEFAULT_WAIT_MS);
        let on_progress = js_args::function(o, "onProgress")?;
        let started = js_sys::Date::now();
        let mut last: Option<(Status, Option<u8>)> = None;
        let what = cat!("waiting for job ", id);
        let timed_out = || {
            let mut e = ApiError::new(
                ErrorCode::Timeout,
                cat!(
                    "job ",
                    id,
                    " did not finish within ",
                    show_number(timeout_ms),
                    " ms"
                ),
            );
            e.retryable = true;
            Failure::from(e.with_job_id(id))
        };

        if !seen.is_empty() {
            let delay = poll_schedule::next_delay_ms(&seen, 0.0, &self.estimate.get(), self.bounds);
            sleep(delay.min(timeout_ms), signal.as_ref())
                .await
                .map_err(|i| interrupted(i, signal.as_ref(), &what, 0.0))?;
        }
        loop {
            let (text, job) = self
                .call("GET", path, None, None, signal.as_ref())
                .await
                .map_err(|f| f.with_job_id(id))?;
            let snap = Snapshot::parse(&text.as_string().unwrap_or_default())
                .map_err(|e| Failure::from(e.with_job_id(id)))?;
            let now = js_sys::Date::now() - started;
            let state = (snap.status.clone(), snap.progress);
            if last.as_ref() != Some(&state) {
                if let Some(f) = &on_progress {
                    // A throwing callback must not stop the wait for a job that is billed.
                    let _ = f.call1(&JsValue::UNDEFINED, &job);
                }
                last = Some(state);
            }
            let fail = |code: ErrorCode, message: String| {
                let mut e = ApiError::new(code, message).with_job_id(id);
                e.retryable = false;
                Failure {
                    error: e,
                    job: Some(job.clone()),
                    cause: None,
                }
            };
            match snap.status {
                Status::Completed if snap.expired => {
                    return Err(fail(
                        ErrorCode::NotFound,
                        cat!("job ", id, " completed, but its outputs have expired"),
                    ))
                }
                Status::Completed => {
                    self.learn(&job, now);
                    return Ok(job);
                }
                Status::Failed => {
                    let why = snap.error.unwrap_or_else(|| "no reason given".into());
                    return Err(fail(
                        ErrorCode::JobFailed,
                        cat!("job ", id, " failed: ", why),
                    ));
                }
                Status::Cancelled => {
                    return Err(fail(
                        ErrorCode::JobCancelled,
                        cat!("job ", id, " was cancelled"),
                    ))
                }
                _ => {}
            }
            if seen.len() >= HISTORY {
                seen.remove(1.min(seen.len() - 1));
            }
            seen.push(Observation {
                at_ms: now,
                processing: snap.status != Status::Queued,
                progress: snap.progress,
            });
            let remaining = timeout_ms - now;
            if remaining <= 0.0 {
                return Err(timed_out());
            }
            let delay = poll_schedule::next_delay_ms(&seen, now, &self.estimate.get(), self.bounds);
            sleep(delay.min(remaining), signal.as_ref())
                .await
                .map_err(|i| interrupted(i, signal.as_ref(), &what, 0.0).with_job_id(id))?;
        }
    }

    /// Learns this model's duration from the service's own timestamps (same clock), else from
    /// how long the wait took.
    fn learn(&self, job: &JsValue, waited_ms: f64) {
        let ts = |k: &str| {
            js_args::get(job, k)
                .as_string()
                .map(|s| js_sys::Date::parse(&s))
                .filter(|t| t.is_finite())
        };
        let took = match (ts("createdAt"), ts("completedAt")) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => waited_ms,
        };
        let mut e = self.estimate.get();
        e.learn(took);
        self.estimate.set(e);
    }
}

/// The output image URLs of a job, whatever shape its `result` has (`{images: [...]}`, a URL,
/// an array of URLs). Empty until the job has completed.
#[wasm_bindgen(js_name = imageUrls)]
pub fn image_urls(
    #[wasm_bindgen(unchecked_param_type = "Job | null | undefined")] job: JsValue,
) -> Vec<String> {
    let result = js_args::get(&job, "result");
    js_sys::JSON::stringify(&result)
        .ok()
        .and_then(|t| t.as_string())
        .and_then(|t| json::parse(&t).ok())
        .map(|v| crate::core::job::image_urls(&v))
        .unwrap_or_default()
}
