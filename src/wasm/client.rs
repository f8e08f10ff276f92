//! `ReveClient`: submit, get, list, wait and run, with retries and adaptive polling. Every
//! decision is the core's; this file awaits `fetch`, timers and signals.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::args::{self, option_expectation};
use super::js_error::Failure;
use super::download;
use super::host;
use super::options::{DownloadOptions, GenerateOptions, RequestOptions, ReveClientOptions, RunOptions, WaitOptions};
use super::request_json;
use super::transport::{Request, Transport};
use super::wait::{notify, wait_for, Poller};
use super::trap;
use crate::core::download::{self as downloads};
use crate::core::error::ApiError;
use crate::core::job::{self, Job, JobAccepted};
use crate::core::list_params::{self, ListJobsParams};
use crate::core::poll_schedule::{Bounds, DurationEstimate};
use crate::core::request::check_idempotency_key;
use crate::core::retry::{self, RetryPolicy};
use crate::core::routes::{self, GENERATE};
use crate::core::settings::{self, ClientInput, ClientSettings};
use crate::core::extra_headers::Header;
use crate::core::wait::Wait;

/// A client's settings, shared by its calls.
pub(super) struct Shared {
    pub transport: Transport,
    pub retry: RetryPolicy,
    /// This model's durations, learned from each completed wait.
    pub estimate: Cell<DurationEstimate>,
    pub bounds: Bounds,
}

/// A client for Reve image generation through Apiframe. Holds the key and the settings; its
/// methods return promises and reject with `ApiframeError`.
#[wasm_bindgen]
pub struct ReveClient {
    pub(super) shared: Rc<Shared>,
}

fn random_uuid() -> String {
    let crypto = args::get(&js_sys::global(), "crypto");
    if let Some(f) = args::get(&crypto, "randomUUID").dyn_ref::<Function>() {
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

/// The promise of a call, or a rejected one when its arguments are wrong.
pub(super) fn call<F>(prepared: Result<F, ApiError>) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Failure>> + 'static,
{
    match prepared {
        Ok(fut) => trap::promise(fut),
        Err(e) => Promise::reject(&Failure::from(e).into_js()),
    }
}

/// A job id argument and its path, checked.
pub(super) fn job_path(job_id: &JsValue) -> Result<(String, String), ApiError> {
    let id = job_id.as_string().ok_or_else(|| ApiError::wrong_type("jobId", "a string"))?;
    let path = routes::job_path(&id)?;
    Ok((id, path))
}

#[wasm_bindgen]
impl ReveClient {
    /// Creates a client. `apiKey` is required for the real service; in a browser (a page or
    /// its Web Worker), point `baseUrl` at your proxy instead (passing `apiKey` there throws
    /// unless `dangerouslyAllowBrowser: true`). An option name it does not know throws, naming it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ReveClientOptions")] options: JsValue,
    ) -> Result<ReveClient, JsValue> {
        Self::build(&options).map_err(|e| Failure::from(e).into_js())
    }

    fn build(options: &JsValue) -> Result<ReveClient, ApiError> {
        trap::check()?;
        ReveClient::from_options(args::options(options, "options", option_expectation)?)
    }

    /// A client of checked settings.
    pub(super) fn from_options(o: ReveClientOptions) -> Result<ReveClient, ApiError> {
        let s = ClientSettings::check(&ClientInput {
            api_key: o.api_key.as_deref(),
            base_url: o.base_url.as_deref(),
            max_retries: o.max_retries,
            timeout_ms: o.timeout_ms,
            expected_duration_ms: o.expected_duration_ms,
            min_poll_interval_ms: o.min_poll_interval_ms,
            max_poll_interval_ms: o.max_poll_interval_ms,
            dangerously_allow_browser: o.dangerously_allow_browser.unwrap_or(false),
            in_browser: settings::in_browser(&host::global_signs()),
        })?;
        let mut transport = Transport::new(s.base_url, s.api_key, args::function("fetch", &o.fetch)?, s.timeout_ms);
        transport.headers = args::headers("headers", &o.headers)?;
        Ok(ReveClient {
            shared: Rc::new(Shared {
                transport,
                retry: s.retry,
                estimate: Cell::new(s.estimate),
                bounds: s.bounds,
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
        #[wasm_bindgen(unchecked_optional_param_type = "GenerateOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            let o: GenerateOptions = args::options(&options, "options", option_expectation)?;
            let submission = submission(&request, o.idempotency_key, Vec::new())?;
            let signal = args::signal(&o.signal)?;
            Ok(async move { shared.transport.send(shared.retry, &submission, signal.as_ref()).await })
        })())
    }

    /// Reads a job: `GET /v2/jobs/{id}`.
    #[wasm_bindgen(js_name = getJob, unchecked_return_type = "Promise<Job>")]
    pub fn get_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call(job_path(&job_id).and_then(|(_, path)| get(shared, path, &options)))
    }

    /// Lists your jobs, newest first: `GET /v2/jobs`. Pass `nextCursor` back as `cursor`
    /// for the next page.
    #[wasm_bindgen(js_name = listJobs, unchecked_return_type = "Promise<JobList>")]
    pub fn list_jobs(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListJobsParams")] params: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            let p: ListJobsParams = args::options(&params, "params", list_params::expectation)?;
            get(shared, p.path()?, &options)
        })())
    }

    /// Polls a job until it completes, with a schedule that adapts to its progress. Resolves
    /// with the COMPLETED job; rejects `job_failed` / `job_cancelled` (with the job),
    /// `timeout` (with the jobId) or `aborted`.
    #[wasm_bindgen(js_name = waitForJob, unchecked_return_type = "Promise<Job>")]
    pub fn wait_for_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            let (id, path) = job_path(&job_id)?;
            let o: WaitOptions = args::options(&options, "options", option_expectation)?;
            let timeout_ms = settings::wait_timeout_ms(o.timeout_ms)?;
            let on_progress = args::function("onProgress", &o.on_progress)?;
            let signal = args::signal(&o.signal)?;
            Ok(async move {
                let poller = Poller::new(&shared, Wait::new(&id, timeout_ms, None), Request::get(path));
                wait_for(&shared, poller, signal.as_ref(), &|job| notify(on_progress.as_ref(), job, None)).await
            })
        })())
    }

    /// Submits a job and waits for it: `generate` then `waitForJob`. Every error raised after
    /// the job exists carries its `jobId`, so a billed job is never lost.
    #[wasm_bindgen(unchecked_return_type = "Promise<Job>")]
    pub fn run(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GenerateRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RunOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            let o: RunOptions = args::options(&options, "options", option_expectation)?;
            let headers = args::headers("headers", &o.headers)?;
            let submission = submission(&request, o.idempotency_key, headers.clone())?;
            let timeout_ms = settings::wait_timeout_ms(o.timeout_ms)?;
            let on_progress = args::function("onProgress", &o.on_progress)?;
            let signal = args::signal(&o.signal)?;
            Ok(async move {
                let progress = |job: &JsValue| notify(on_progress.as_ref(), job, None);
                run_one_with(&shared, &submission, headers, timeout_ms, signal.as_ref(), &progress).await
            })
        })())
    }

    /// Downloads a completed job's images, in the order of `imageUrls(job)`: one `{ url,
    /// bytes, mediaType }` each. No key, header or cookie goes to the output host. Retries as
    /// a GET to the API does; a 404 (outputs are kept 24 hours) rejects `not_found`; a body
    /// past `maxBytes` (default 50 MiB) rejects as soon as it passes.
    #[wasm_bindgen(js_name = downloadImages, unchecked_return_type = "Promise<DownloadedImage[]>")]
    pub fn download_images(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Job")] job: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DownloadOptions")] options: JsValue,
    ) -> Promise {
        let shared = self.shared.clone();
        call((|| {
            if !job.is_object() {
                return Err(ApiError::wrong_type("job", "a job (from run, waitForJob or getJob)"));
            }
            let o: DownloadOptions = args::options(&options, "options", option_expectation)?;
            let max_bytes = downloads::max_bytes(o.max_bytes)?;
            let signal = args::signal(&o.signal)?;
            let parsed: Job = serde_wasm_bindgen::from_value(job.clone()).unwrap_or_default();
            let urls = downloads::urls(&parsed)?;
            let id = parsed.id.0.unwrap_or_default();
            Ok(async move {
                let got = download::all(&shared.transport, shared.retry, urls, max_bytes, signal.as_ref()).await;
                got.map_err(|f| if id.is_empty() { f } else { f.with_job_id(&id) })
            })
        })())
    }
}

/// A GET of `path` with a call's `RequestOptions` (`getJob`, `listJobs`).
fn get(
    shared: Rc<Shared>,
    path: String,
    options: &JsValue,
) -> Result<impl std::future::Future<Output = Result<JsValue, Failure>>, ApiError> {
    let o: RequestOptions = args::options(options, "options", option_expectation)?;
    let signal = args::signal(&o.signal)?;
    Ok(async move { shared.transport.send(shared.retry, &Request::get(path), signal.as_ref()).await })
}

/// A submission, then the wait for its job (`run`, and each of `runMany`'s): every error after
/// the job exists carries its `jobId`. (`run_one_with`, with the callback as a `&dyn`.)
pub(super) async fn run_one(
    shared: &Shared,
    submission: &Request,
    headers: Vec<Header>,
    timeout_ms: f64,
    signal: Option<&AbortSignal>,
    on_progress: impl Fn(&JsValue),
) -> Result<JsValue, Failure> {
    run_one_with(shared, submission, headers, timeout_ms, signal, &on_progress).await
}

/// `run_one`, one state machine for every caller: the callback is a `&dyn`, not a generic.
pub(super) async fn run_one_with(
    shared: &Shared,
    submission: &Request,
    headers: Vec<Header>,
    timeout_ms: f64,
    signal: Option<&AbortSignal>,
    on_progress: &dyn Fn(&JsValue),
) -> Result<JsValue, Failure> {
    let (accepted, stream) = shared.transport.send_noting_stream(shared.retry, submission, signal).await?;
    let accepted: JobAccepted = serde_wasm_bindgen::from_value(accepted).unwrap_or_default();
    let id = accepted.job_id.0.clone().unwrap_or_default();
    let waited = async {
        let (wait, path) = Wait::after_submission(&accepted, timeout_ms)?;
        let mut poller = Poller::new(shared, wait, Request { headers, ..Request::get(path) });
        poller.follow(shared, stream);
        wait_for(shared, poller, signal, on_progress).await
    };
    // From here the job exists: no failure may invite a second submission.
    waited.await.map_err(|f| Failure { error: retry::after_job_exists(f.error, &id), ..f })
}

/// The checked request of `generate` and `run`, with its `Idempotency-Key`.
pub(super) fn submission(request: &JsValue, key: Option<String>, headers: Vec<Header>) -> Result<Request, ApiError> {
    let checked = request_json::read_object(request)?;
    let key = match key {
        Some(k) => {
            check_idempotency_key(&k)?;
            k
        }
        None => random_uuid(),
    };
    Ok(Request {
        method: "POST",
        path: GENERATE.to_string(),
        body: Some(request_json::body(&checked)?),
        idempotency_key: Some(key),
        headers,
    })
}

/// The output image URLs of a job, whatever shape its `result` has (`{images: [...]}`, a URL,
/// an array of URLs). Empty until the job has completed. Only `http:`, `https:` and `blob:`
/// URLs are returned, so each is safe in an `href` or `src`.
#[wasm_bindgen(js_name = imageUrls)]
pub fn image_urls(#[wasm_bindgen(unchecked_param_type = "Job | null | undefined")] job: JsValue) -> Vec<String> {
    let result = args::get(&job, "result");
    serde_wasm_bindgen::from_value(result)
        .map(|v| job::image_urls(&v))
        .unwrap_or_default()
}
