//! The settings and options objects of the JS API, as serde types: what they accept, closed
//! (a misspelt name is refused), and (tsify) their TypeScript types. Fields of JS types
//! (functions, signals) cross as they are (`serde_wasm_bindgen::preserve`) and are checked by
//! shape in `args`.

use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

/// An options object of the JS API: read by serde (and closed by `args`), its default when
/// left out, typed by tsify, its names camelCase; its fields as `optional_fields!` writes them.
macro_rules! options {
    ($(#$attr:tt)* pub struct $name:ident { $($fields:tt)* }) => {
        optional_fields! {
            $(#$attr)*
            #[derive(Deserialize, Default, Tsify)]
            #[serde(rename_all = "camelCase")]
            pub struct $name { $($fields)* }
        }
    };
}

options! {
    /// Settings of a `ReveClient`.
    pub struct ReveClientOptions {
        /// Your Apiframe key (`afk_...`). Keep it on servers and edge functions.
        api_key: Option<String>,
        /// The service, or your proxy; default https://api.apiframe.ai.
        base_url: Option<String>,
        /// Retries of a failed request (0 to 10, default 2).
        max_retries: Option<f64>,
        /// Time limit of one request attempt in ms (default 60000).
        timeout_ms: Option<f64>,
        /// Typical job duration in ms, to pace polling until the client has learned it (default 15000).
        expected_duration_ms: Option<f64>,
        /// Shortest wait between two looks at a job, in ms (default 250).
        min_poll_interval_ms: Option<f64>,
        /// Longest wait between two looks at a job, in ms (default 15000).
        max_poll_interval_ms: Option<f64>,
        /// A fetch to use instead of the global one; called unbound.
        fetch: js "(input: string, init: RequestInit) => Promise<Response>",
        /// Allow `apiKey` in a browser (a page, or a Web Worker of one), where every visitor can read it.
        dangerously_allow_browser: Option<bool>,
        /// Headers added to every API request (never to an output host's); `undefined` values are
        /// left out. The library's own (`accept`, `x-api-key`, ...) win over these.
        headers: js "Record<string, string | undefined>",
    }
}

options! {
    /// Settings of `createApiframe` (`apiframe-reve/ai`), named as the AI SDK's providers name
    /// theirs. `apiframe`, the default provider, reads `APIFRAME_API_KEY` and `APIFRAME_BASE_URL`
    /// from `process.env` where the runtime has one.
    #[cfg(feature = "server")]
    pub struct ApiframeProviderSettings {
        /// Your Apiframe key (`afk_...`); default `process.env.APIFRAME_API_KEY`.
        api_key: Option<String>,
        /// The service, or your proxy (in a browser page); default `process.env.APIFRAME_BASE_URL`,
        /// else https://api.apiframe.ai.
        #[serde(rename = "baseURL")]
        base_url: Option<String>,
        /// Headers added to every API request (never to the output host's).
        headers: js "Record<string, string | undefined>",
        /// A fetch to use instead of the global one (API requests and downloads); called unbound.
        fetch: js "(input: string, init: RequestInit) => Promise<Response>",
    }
}

options! {
    /// Options of `getJob` and `listJobs`.
    pub struct RequestOptions {
        /// Aborting rejects the call at once with code "aborted".
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `generate`.
    pub struct GenerateOptions {
        /// Makes retries of this submission safe; one is made per call when left out.
        idempotency_key: Option<String>,
        /// Aborting rejects the call at once with code "aborted".
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `waitForJob`.
    pub struct WaitOptions {
        /// Give up waiting after this many ms (default 600000); the job goes on.
        timeout_ms: Option<f64>,
        /// Called with the job whenever its status or progress changes.
        on_progress: js "(job: Job) => void",
        /// Aborting rejects the call at once with code "aborted".
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `run`: a submission's and a wait's.
    pub struct RunOptions {
        /// Headers added to this call's API requests (the submission and the polls), over the
        /// client's `headers`; `undefined` values are left out.
        headers: js "Record<string, string | undefined>",
        /// Makes retries of this submission safe; one is made per call when left out.
        idempotency_key: Option<String>,
        /// Give up waiting after this many ms (default 600000); the job goes on.
        timeout_ms: Option<f64>,
        /// Called with the job whenever its status or progress changes.
        on_progress: js "(job: Job) => void",
        /// Aborting rejects the call at once with code "aborted".
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `runMany`.
    pub struct RunManyOptions {
        /// Most jobs in flight at once, from submission to the end of their wait (1 to 32, default 4).
        concurrency: Option<f64>,
        /// Give up waiting for each job after this many ms (default 600000); the jobs go on.
        timeout_ms: Option<f64>,
        /// Called with a job and its request's index whenever the job's status or progress changes.
        on_progress: js "(job: Job, index: number) => void",
        /// The `Idempotency-Key` of each request, by index (as long as `requests`; `undefined`
        /// where one is to be made). A key the service saw in the last 24 hours gets its job back
        /// instead of a new one: save the keys before the call to resume a batch cut off.
        idempotency_keys: js "(string | undefined)[]",
        /// Aborting settles every pending entry at once with code "aborted", starts nothing new and
        /// stops every poll.
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `watchJob`.
    pub struct WatchOptions {
        /// Stop watching after this many ms (default 600000): the loop throws `timeout`.
        timeout_ms: Option<f64>,
        /// Aborting makes the loop throw `aborted` at once and stops polling.
        signal: js "AbortSignal",
    }
}

options! {
    /// Options of `downloadImages`.
    pub struct DownloadOptions {
        /// Largest image in bytes (default 52428800, 50 MiB): a body past it is refused as soon as
        /// it passes, and its stream is cancelled.
        max_bytes: Option<f64>,
        /// Aborting rejects the call at once with code "aborted" and stops every download.
        signal: js "AbortSignal",
    }
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

options! {
    /// Settings of `createProxyHandler`.
    #[cfg(feature = "server")]
    pub struct ProxyOptions {
        /// Your Apiframe key: added to every forwarded request, never sent to browsers.
        pub api_key: String,
        /// The service; default https://api.apiframe.ai.
        upstream: Option<String>,
        /// Where the proxy is mounted, e.g. "/api/reve"; default the root.
        prefix: Option<String>,
        /// Decides who may call: resolve to the caller's identity (a non-empty string) to let it
        /// through and show it only its own jobs; `true` to let it through sharing every job of the
        /// key (a single-user app); `false` to refuse (401).
        authorize: js "(request: Request) => boolean | string | Promise<boolean | string>",
        /// Let every request through. Without it or `authorize`, every request is refused 401.
        allow_anonymous: Option<bool>,
        /// Models that may be submitted; default ["reve-create"].
        allow_models: Option<Vec<String>>,
        /// A stricter prompt limit than the service's 2000.
        max_prompt_length: Option<f64>,
        /// Largest submission body in bytes; default 16384.
        max_body_bytes: Option<f64>,
        /// Origins allowed to call from browsers ("*" for any); default none (same origin only).
        cors: js "{ origins: string[] } | string[]",
        /// A fetch for the upstream instead of the global one.
        fetch: js "(input: string, init: RequestInit) => Promise<Response>",
        /// Where the proxy records who submitted each job, when `authorize` resolves to the
        /// caller's identity. Default: this instance's memory, which holds for one process only;
        /// on Workers, where one user's requests land on many isolates, pass a shared store (Workers
        /// KV, a Durable Object, a database).
        job_store: js "JobStore",
        /// The public URL at which the service reaches this proxy (https://my.site/api/reve/webhook):
        /// every submission is sent with it, `POST` at its path receives the signed events, and
        /// `GET /v2/jobs/{id}` is answered from what they said, looking upstream only when they stop;
        /// `GET /v2/jobs/{id}/events` streams each change (Server-Sent Events), named by the
        /// `Apiframe-Events` header of the proxy's answers.
        webhook_url: Option<String>,
        /// Where the proxy keeps each job's record with `webhookUrl`. Default: this process's
        /// memory, which holds while one process serves everyone; pass a shared one (Redis, a
        /// Durable Object) when the webhook and a caller's stream may land on different processes.
        job_records: js "JobRecords",
    }
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
