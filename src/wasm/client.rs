//! `ReveClient`: submit, get, list, wait and run, with retries and adaptive polling. Every
//! decision is the core's; this file moves bytes and calls timers.

use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::Cell;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::js_args;
use super::js_error::Failure;
use super::operation::{self, Goal, Request, Settings};
use super::transport::{ApiKey, Transport};
use crate::core::error::ApiError;
use crate::core::json;
use crate::core::poll_schedule::{Bounds, DurationEstimate};
use crate::core::request::{check_idempotency_key, prepare_generate};
use crate::core::retry::{RetryPolicy, MAX_RETRIES_LIMIT};
use crate::core::routes::{self, ListParams, DEFAULT_BASE_URL, GENERATE};
use crate::core::wait::Wait;

const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
const DEFAULT_WAIT_MS: f64 = 600_000.0;

/// What `new ReveClient(options)` reads.
const CLIENT_OPTIONS: &[&str] = &[
    "apiKey",
    "baseUrl",
    "maxRetries",
    "timeoutMs",
    "expectedDurationMs",
    "minPollIntervalMs",
    "maxPollIntervalMs",
    "fetch",
    "dangerouslyAllowBrowser",
];

/// A client for Reve image generation through Apiframe. Holds the key and the settings; its
/// methods return promises and reject with `ApiframeError`.
#[wasm_bindgen]
pub struct ReveClient {
    settings: Rc<Settings>,
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

/// The promise of an operation, or a rejected one when the call's arguments are wrong.
fn promise(started: Result<Promise, ApiError>) -> Promise {
    started.unwrap_or_else(|e| Promise::reject(&Failure::from(e).into_js()))
}

/// An optional options object as the value the option readers take.
fn or_undefined(o: Option<js_sys::Object>) -> JsValue {
    o.map(JsValue::from).unwrap_or(JsValue::UNDEFINED)
}

/// A job id argument and its path, checked.
fn job_arg(job_id: &JsValue) -> Result<(String, String), ApiError> {
    let id = job_id
        .as_string()
        .ok_or_else(|| js_args::wrong_type("jobId", "a string"))?;
    let path = routes::job_path(&id)?;
    Ok((id, path))
}

#[wasm_bindgen]
impl ReveClient {
    /// Creates a client. `apiKey` is required for the real service; in a browser page, point
    /// `baseUrl` at your proxy instead (passing `apiKey` there throws unless
    /// `dangerouslyAllowBrowser: true`). An option name it does not know throws, naming it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ReveClientOptions")] options: Option<js_sys::Object>,
    ) -> Result<ReveClient, JsValue> {
        Self::build(or_undefined(options)).map_err(|e| Failure::from(e).into_js())
    }

    fn build(o: JsValue) -> Result<ReveClient, ApiError> {
        js_args::check_object(&o, "options")?;
        js_args::check_names(&o, "options", "", CLIENT_OPTIONS)?;
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
            settings: Rc::new(Settings {
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
        let o = or_undefined(options);
        promise(self.submission(&request, &o).map(|(req, signal)| {
            operation::start(self.settings.clone(), req, signal, Goal::Answer)
        }))
    }

    /// Reads a job: `GET /v2/jobs/{id}`.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let o = or_undefined(options);
        promise((|| {
            let (_, path) = job_arg(&job_id)?;
            js_args::check_object(&o, "options")?;
            Ok(self.get(path, js_args::signal(&o)?))
        })())
    }

    /// Lists your jobs, newest first: `GET /v2/jobs`. Pass `nextCursor` back as `cursor`
    /// for the next page.
    #[wasm_bindgen(js_name = listJobs, unchecked_return_type = "Promise<JobList>")]
    pub fn list_jobs(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListJobsParams")] params: Option<js_sys::Object>,
        #[wasm_bindgen(unchecked_param_type = "RequestOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let p = or_undefined(params);
        let o = or_undefined(options);
        promise((|| {
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
            Ok(self.get(path, js_args::signal(&o)?))
        })())
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
        let o = or_undefined(options);
        promise((|| {
            let (id, path) = job_arg(&job_id)?;
            js_args::check_object(&o, "options")?;
            let (timeout_ms, on_progress) = wait_options(&o)?;
            let goal = Goal::Wait {
                wait: Wait::new(&id, timeout_ms, None),
                on_progress,
                started: js_sys::Date::now(),
            };
            Ok(operation::start(
                self.settings.clone(),
                Request::get(path),
                js_args::signal(&o)?,
                goal,
            ))
        })())
    }

    /// Submits a job and waits for it: `generate` then `waitForJob`. Every error raised after
    /// the job exists carries its `jobId`, so a billed job is never lost.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GenerateRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RunOptions")] options: Option<js_sys::Object>,
    ) -> Promise {
        let o = or_undefined(options);
        promise(self.submission(&request, &o).and_then(|(req, signal)| {
            let (timeout_ms, on_progress) = wait_options(&o)?;
            let goal = Goal::SubmitThenWait {
                timeout_ms,
                on_progress,
            };
            Ok(operation::start(self.settings.clone(), req, signal, goal))
        }))
    }
}

/// The options a wait reads: `timeoutMs` (10 minutes unless given) and `onProgress`.
fn wait_options(o: &JsValue) -> Result<(f64, Option<Function>), ApiError> {
    let timeout_ms =
        js_args::number(o, "timeoutMs", 0.0, f64::MAX, false)?.unwrap_or(DEFAULT_WAIT_MS);
    Ok((timeout_ms, js_args::function(o, "onProgress")?))
}

impl ReveClient {
    /// A GET that resolves with the parsed answer.
    fn get(&self, path: String, signal: Option<web_sys::AbortSignal>) -> Promise {
        operation::start(
            self.settings.clone(),
            Request::get(path),
            signal,
            Goal::Answer,
        )
    }

    /// The checked request of `generate` and `run`, and the caller's signal.
    fn submission(
        &self,
        request: &JsValue,
        o: &JsValue,
    ) -> Result<(Request, Option<web_sys::AbortSignal>), ApiError> {
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
        let request = Request {
            method: "POST",
            path: GENERATE.to_string(),
            body: Some(body),
            idempotency_key: Some(key),
        };
        Ok((request, signal))
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
