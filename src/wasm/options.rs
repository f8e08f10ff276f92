//! The settings and options objects of the JS API, as serde types: what they accept, closed
//! (a misspelt name is refused), and (tsify) their TypeScript types. Fields of JS types
//! (functions, signals) cross as they are (`serde_wasm_bindgen::preserve`) and are checked by
//! shape in `args`.

use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// Settings of a `ReveClient`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ReveClientOptions {
    /// Your Apiframe key (`afk_...`). Keep it on servers and edge functions.
    #[serde(default)]
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// The service, or your proxy; default https://api.apiframe.ai.
    #[serde(default)]
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Retries of a failed request (0 to 10, default 2).
    #[serde(default)]
    #[tsify(optional)]
    pub max_retries: Option<f64>,
    /// Time limit of one request attempt in ms (default 60000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Typical job duration in ms, to pace polling until the client has learned it (default 15000).
    #[serde(default)]
    #[tsify(optional)]
    pub expected_duration_ms: Option<f64>,
    /// Shortest wait between two looks at a job, in ms (default 250).
    #[serde(default)]
    #[tsify(optional)]
    pub min_poll_interval_ms: Option<f64>,
    /// Longest wait between two looks at a job, in ms (default 10000).
    #[serde(default)]
    #[tsify(optional)]
    pub max_poll_interval_ms: Option<f64>,
    /// A fetch to use instead of the global one; called unbound.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(input: string, init: RequestInit) => Promise<Response>")]
    pub fetch: JsValue,
    /// Allow `apiKey` in a browser page, where every visitor can read it.
    #[serde(default)]
    #[tsify(optional)]
    pub dangerously_allow_browser: Option<bool>,
    /// Headers added to every API request (never to an output host's); `undefined` values are
    /// left out. The library's own (`accept`, `x-api-key`, ...) win over these.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Record<string, string | undefined>")]
    pub headers: JsValue,
}

/// Settings of `createApiframe` (`apiframe-reve/ai`), named as the AI SDK's providers name
/// theirs. `apiframe`, the default provider, reads `APIFRAME_API_KEY` and `APIFRAME_BASE_URL`
/// from `process.env` where the runtime has one.
#[cfg(feature = "server")]
#[derive(Deserialize, Default, Tsify)]
pub struct ApiframeProviderSettings {
    /// Your Apiframe key (`afk_...`); default `process.env.APIFRAME_API_KEY`.
    #[serde(default, rename = "apiKey")]
    #[tsify(optional)]
    pub api_key: Option<String>,
    /// The service, or your proxy (in a browser page); default `process.env.APIFRAME_BASE_URL`,
    /// else https://api.apiframe.ai.
    #[serde(default, rename = "baseURL")]
    #[tsify(optional)]
    pub base_url: Option<String>,
    /// Headers added to every API request (never to the output host's).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Record<string, string | undefined>")]
    pub headers: JsValue,
    /// A fetch to use instead of the global one (API requests and downloads); called unbound.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(input: string, init: RequestInit) => Promise<Response>")]
    pub fetch: JsValue,
}

/// Options of `getJob` and `listJobs`.
#[derive(Deserialize, Default, Tsify)]
pub struct RequestOptions {
    /// Aborting rejects the call at once with code "aborted".
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `generate`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GenerateOptions {
    /// Makes retries of this submission safe; one is made per call when left out.
    #[serde(default)]
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
    /// Aborting rejects the call at once with code "aborted".
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `waitForJob`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WaitOptions {
    /// Give up waiting after this many ms (default 600000); the job goes on.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Called with the job whenever its status or progress changes.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(job: Job) => void")]
    pub on_progress: JsValue,
    /// Aborting rejects the call at once with code "aborted".
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `run`: a submission's and a wait's.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RunOptions {
    /// Headers added to this call's API requests (the submission and the polls), over the
    /// client's `headers`; `undefined` values are left out.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "Record<string, string | undefined>")]
    pub headers: JsValue,
    /// Makes retries of this submission safe; one is made per call when left out.
    #[serde(default)]
    #[tsify(optional)]
    pub idempotency_key: Option<String>,
    /// Give up waiting after this many ms (default 600000); the job goes on.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Called with the job whenever its status or progress changes.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(job: Job) => void")]
    pub on_progress: JsValue,
    /// Aborting rejects the call at once with code "aborted".
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `runMany`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RunManyOptions {
    /// Most jobs in flight at once, from submission to the end of their wait (1 to 32, default 4).
    #[serde(default)]
    #[tsify(optional)]
    pub concurrency: Option<f64>,
    /// Give up waiting for each job after this many ms (default 600000); the jobs go on.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Called with a job and its request's index whenever the job's status or progress changes.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(job: Job, index: number) => void")]
    pub on_progress: JsValue,
    /// Aborting settles every pending entry at once with code "aborted", starts nothing new and
    /// stops every poll.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `watchJob`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WatchOptions {
    /// Stop watching after this many ms (default 600000): the loop throws `timeout`.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// Aborting makes the loop throw `aborted` at once and stops polling.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// Options of `downloadImages`.
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DownloadOptions {
    /// Largest image in bytes (default 52428800, 50 MiB): a body past it is refused as soon as
    /// it passes, and its stream is cancelled.
    #[serde(default)]
    #[tsify(optional)]
    pub max_bytes: Option<f64>,
    /// Aborting rejects the call at once with code "aborted" and stops every download.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal")]
    pub signal: JsValue,
}

/// One downloaded output of a job.
#[derive(serde::Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DownloadedImage {
    /// Where it was downloaded from (one of `imageUrls(job)`).
    pub url: String,
    /// The image's bytes, as the host sent them.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "Uint8Array")]
    pub bytes: JsValue,
    /// From the bytes' signature (PNG, JPEG, WebP, GIF, AVIF), else the host's Content-Type.
    pub media_type: String,
}

/// Settings of `createProxyHandler`.
#[cfg(feature = "server")]
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ProxyOptions {
    /// Your Apiframe key: added to every forwarded request, never sent to browsers.
    pub api_key: String,
    /// The service; default https://api.apiframe.ai.
    #[serde(default)]
    #[tsify(optional)]
    pub upstream: Option<String>,
    /// Where the proxy is mounted, e.g. "/api/reve"; default the root.
    #[serde(default)]
    #[tsify(optional)]
    pub prefix: Option<String>,
    /// Decides who may call: resolve to the caller's identity (a non-empty string) to let it
    /// through and show it only its own jobs; `true` to let it through sharing every job of the
    /// key (a single-user app); `false` to refuse (401).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(request: Request) => boolean | string | Promise<boolean | string>")]
    pub authorize: JsValue,
    /// Let every request through. Without it or `authorize`, every request is refused 401.
    #[serde(default)]
    #[tsify(optional)]
    pub allow_anonymous: Option<bool>,
    /// Models that may be submitted; default ["reve-create"].
    #[serde(default)]
    #[tsify(optional)]
    pub allow_models: Option<Vec<String>>,
    /// A stricter prompt limit than the service's 2000.
    #[serde(default)]
    #[tsify(optional)]
    pub max_prompt_length: Option<f64>,
    /// Largest submission body in bytes; default 16384.
    #[serde(default)]
    #[tsify(optional)]
    pub max_body_bytes: Option<f64>,
    /// Origins allowed to call from browsers ("*" for any); default none (same origin only).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "{ origins: string[] } | string[]")]
    pub cors: JsValue,
    /// A fetch for the upstream instead of the global one.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "(input: string, init: RequestInit) => Promise<Response>")]
    pub fetch: JsValue,
    /// Where the proxy records who submitted each job, when `authorize` resolves to the
    /// caller's identity. Default: this instance's memory, which holds for one process only;
    /// on Workers, where one user's requests land on many isolates, pass a shared store (Workers
    /// KV, a Durable Object, a database).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "JobStore")]
    pub job_store: JsValue,
}

/// The `{ origins }` form of `cors`.
#[cfg(feature = "server")]
#[derive(Deserialize, Default)]
pub struct CorsOptions {
    #[serde(default)]
    pub origins: Vec<String>,
}

/// What `verifyWebhook` and `parseWebhook` check.
#[cfg(feature = "server")]
#[derive(Deserialize, Default, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct WebhookInput {
    /// The API key the job was submitted with.
    pub api_key: String,
    /// The raw request body, exactly as received: `await request.text()` or its bytes.
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    #[tsify(type = "string | ArrayBuffer | Uint8Array")]
    pub body: JsValue,
    /// The `X-Webhook-Signature` header: `sha256=<hex>` or bare hex.
    #[serde(default)]
    #[tsify(type = "string | null | undefined")]
    pub signature: Option<String>,
}
