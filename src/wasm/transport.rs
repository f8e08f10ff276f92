//! Requests through `fetch`: the global one (never `window.fetch`: Workers and Node have no
//! `window`) or the caller's, called unbound. One attempt races `fetch` and its body read
//! against the attempt's deadline and the caller's signal, with an `AbortController` per
//! attempt (as reqwest's wasm client does); `send` retries as the core decides.

use std::future::Future;
use std::pin::pin;

use futures_util::future::{pending, select, Either};
use gloo_timers::future::TimeoutFuture;
use std::cell::{Cell, OnceCell};

use js_sys::{Function, Object, Promise, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use super::abort::{AbortGuard, Aborted};
use super::args::get;
use super::js_error::Failure;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::extra_headers::Header;
use crate::core::response::{self, Answer, Body};
use crate::core::rate_gate::RateGate;
use crate::core::retry::{Attempts, RetryPolicy};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Result<JsValue, JsValue>;

    /// `JSON.parse`, on a JS string as it came (the module carries no JSON parser).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;

    /// `JSON.stringify`: JSON's own rules (undefined left out, `toJSON` honoured).
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    pub fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    /// A monotonic clock in ms, for durations (the wall clock can jump).
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn now() -> f64;
}

/// A `setTimeout` delay: Node and browsers cap them at 2^31 - 1 ms.
fn timer_ms(ms: f64) -> u32 {
    if ms >= 0.0 { ms.min(2_147_483_647.0) as u32 } else { 0 }
}

/// How a raced piece of work ended.
pub enum Won<T> {
    Done(T),
    Deadline,
    Aborted,
}

/// Runs `work` until it ends, `limit_ms` passes (never, for `None`) or `signal` aborts. The
/// losers are dropped: the timer is cleared, the abort listener removed.
pub async fn race<T>(work: impl Future<Output = T>, limit_ms: Option<f64>, signal: Option<&AbortSignal>) -> Won<T> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Won::Aborted;
    }
    let deadline = async move {
        match limit_ms {
            Some(ms) => TimeoutFuture::new(timer_ms(ms)).await,
            None => pending::<()>().await,
        }
    };
    let deadline = pin!(deadline);
    let stop = select(deadline, Aborted::new(signal));
    // The deadline and the signal are polled first: when both are ready in one turn, the work
    // loses (a poll due at the deadline does not start).
    match select(stop, pin!(work)).await {
        Either::Right((v, _)) => Won::Done(v),
        Either::Left((Either::Left(_), _)) => Won::Deadline,
        Either::Left((Either::Right(_), _)) => Won::Aborted,
    }
}

/// A promise's outcome, awaited. `Promise.resolve` first: a caller's function may hand back
/// any value, and a thenable that throws becomes a rejection instead of an exception.
pub async fn settled(p: &JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(p)).await
}

/// Sleeps `ms`, or ends early with `aborted` when the signal fires.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>, what: &str) -> Result<(), Failure> {
    match race(pending::<()>(), Some(ms), signal).await {
        Won::Aborted => Err(aborted(signal, what)),
        _ => Ok(()),
    }
}

/// The text of a thrown JS value, for messages. Never used on header operations, whose
/// errors can quote the header's value.
pub fn describe(e: &JsValue) -> String {
    let msg = get(e, "message").as_string().or_else(|| e.as_string()).unwrap_or_default();
    match get(&get(e, "cause"), "code").as_string() {
        Some(c) if !msg.contains(&c) => format!("{msg} ({c})"),
        _ => msg,
    }
}

#[cold]
pub fn network(message: String, cause: JsValue) -> Failure {
    Failure { error: ApiError::new(ErrorCode::Network, message), job: None, cause: Some(cause) }
}

/// `what` ended because the caller's signal aborted; the signal's reason is the cause.
#[cold]
pub fn aborted(signal: Option<&AbortSignal>, what: &str) -> Failure {
    let reason = signal.map(|s| get(s, "reason")).filter(|r| !r.is_undefined());
    Failure {
        error: ApiError::new(ErrorCode::Aborted, format!("{what} was aborted")),
        job: None,
        cause: reason,
    }
}

/// The request an attempt makes (again, when it retries or polls).
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<String>,
    pub idempotency_key: Option<String>,
    /// The call's own headers (`run`'s `headers`), over the client's.
    pub headers: Vec<Header>,
}

impl Request {
    pub fn get(path: String) -> Request {
        Request { method: "GET", path, body: None, idempotency_key: None, headers: Vec::new() }
    }

    pub fn what(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// An answer read whole; the body stays a JS string until the host parses it.
pub struct Received {
    pub status: u16,
    pub text: JsValue,
    pub headers: Headers,
}

pub fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

impl Received {
    /// A successful answer's parsed body (a JSON object), or the typed error the core makes
    /// of the answer.
    pub fn into_result(self) -> Result<JsValue, Failure> {
        let parsed = json_parse(&self.text).ok();
        let is_object = parsed.as_ref().is_some_and(|v| v.is_object() && !js_sys::Array::is_array(v));
        if response::is_success(self.status) && is_object {
            return Ok(parsed.unwrap_or_default());
        }
        Err(self.failure(parsed).into())
    }

    #[cold]
    fn failure(&self, parsed: Option<JsValue>) -> ApiError {
        let json: Option<Value> = parsed.and_then(|p| serde_wasm_bindgen::from_value(p).ok());
        let blank = self.text.as_string().map_or(true, |t| t.trim().is_empty());
        let body = match (&json, blank) {
            (Some(v), _) => Body::Json(v),
            (None, true) => Body::Empty,
            (None, false) => Body::Text,
        };
        let (content_type, request_id, retry_after) = (
            header(&self.headers, "content-type"),
            header(&self.headers, "x-request-id"),
            header(&self.headers, "retry-after"),
        );
        let answer = Answer {
            status: self.status,
            body,
            content_type: content_type.as_deref(),
            request_id: request_id.as_deref(),
            retry_after: retry_after.as_deref(),
            now_ms: js_sys::Date::now(),
        };
        if response::is_success(self.status) {
            response::malformed(&answer)
        } else {
            response::error_for(&answer)
        }
    }
}

pub struct Transport {
    pub base_url: String,
    pub api_key: Option<String>,
    pub fetch: Option<Function>,
    pub timeout_ms: f64,
    /// The client's own headers (`headers`), sent with every API request.
    pub headers: Vec<Header>,
    /// Held after any 429 of this client: every request of it waits until the window passed.
    gate: Cell<RateGate>,
    /// The headers of every GET through the global fetch, a plain object made at the first GET
    /// and then shared: fetch copies what it is given (a caller's fetch gets its own object,
    /// which it may change). In Node, `new Headers()` per call is a measurable cost.
    get_headers: OnceCell<Object>,
}

/// Building the request failed in the runtime; the runtime's text is left out, as it can
/// quote a header's value (the key).
#[cold]
fn unpreparable(what: &str) -> Failure {
    ApiError::new(ErrorCode::Network, format!("{what}: the runtime refused to build the request")).into()
}

fn set(headers: &Object, name: &str, value: &str) -> Result<(), JsValue> {
    Reflect::set(headers, &JsValue::from_str(name), &JsValue::from_str(value)).map(drop)
}

impl Transport {
    pub fn new(base_url: String, api_key: Option<String>, fetch: Option<Function>, timeout_ms: f64) -> Transport {
        Transport { base_url, api_key, fetch, timeout_ms, headers: Vec::new(), gate: Cell::default(), get_headers: OnceCell::new() }
    }

    /// Starts `fetch(url, init)`: the caller's fetch, called unbound, or the global one.
    pub fn start(&self, url: &str, init: &RequestInit) -> Result<JsValue, JsValue> {
        match &self.fetch {
            Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), init),
            None => global_fetch(url, init),
        }
    }

    /// The client's headers, then the call's, then `accept` and the key (which win).
    fn base_headers(&self, extra: &[Header]) -> Result<Object, JsValue> {
        let headers = Object::new();
        for (name, value) in self.headers.iter().chain(extra) {
            set(&headers, name, value)?;
        }
        set(&headers, "accept", "application/json")?;
        if let Some(key) = &self.api_key {
            set(&headers, "x-api-key", key)?;
        }
        Ok(headers)
    }

    fn init(&self, r: &Request, signal: &AbortSignal) -> Result<RequestInit, JsValue> {
        let init = RequestInit::new();
        init.set_method(r.method);
        init.set_signal(Some(signal));
        if r.body.is_none() && r.idempotency_key.is_none() && r.headers.is_empty() && self.fetch.is_none() {
            let shared = match self.get_headers.get() {
                Some(h) => h,
                None => {
                    let h = self.base_headers(&[])?;
                    self.get_headers.get_or_init(|| h)
                }
            };
            init.set_headers(shared);
            return Ok(init);
        }
        let headers = self.base_headers(&r.headers)?;
        if let Some(k) = &r.idempotency_key {
            set(&headers, "idempotency-key", k)?;
        }
        if let Some(b) = &r.body {
            set(&headers, "content-type", "application/json")?;
            init.set_body(&JsValue::from_str(b));
        }
        init.set_headers(&headers);
        Ok(init)
    }

    /// One attempt: the answer read whole, or why there is none.
    pub async fn attempt(&self, r: &Request, signal: Option<&AbortSignal>) -> Result<Received, Failure> {
        // `r.what()` ("GET /v2/jobs/…") is built only on the error paths.
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(aborted(signal, &r.what()));
        }
        // Aborts the fetch when this attempt is dropped unfinished (a deadline or a race lost).
        let guard = AbortGuard::new().map_err(|_| unpreparable(&r.what()))?;
        let init = self.init(r, &guard.signal()).map_err(|_| unpreparable(&r.what()))?;
        let url = format!("{}{}", self.base_url, r.path);
        let promise = self.start(&url, &init).map_err(|e| {
            network(format!("{}: fetch could not start ({}); pass options.fetch if this runtime has none", r.what(), describe(&e)), e)
        })?;
        let exchange = async {
            let response = settled(&promise)
                .await
                .map_err(|e| network(format!("{} failed: {}", r.what(), describe(&e)), e))?;
            let response: Response = response.unchecked_into();
            let unreadable = |e: JsValue| network(format!("{}: the answer could not be read: {}", r.what(), describe(&e)), e);
            let text = response.text().map_err(unreadable)?;
            let text = settled(&text).await.map_err(unreadable)?;
            Ok(Received { status: response.status(), text, headers: response.headers() })
        };
        let outcome = bounded(exchange, self.timeout_ms, signal, || r.what()).await;
        if outcome.is_ok() {
            guard.disarm();
        }
        outcome
    }

    /// The request until it succeeds or the core says to stop: retries wait the policy's
    /// backoff (or `Retry-After`), and only replay-safe requests are retried.
    pub async fn send(&self, retry: RetryPolicy, r: &Request, signal: Option<&AbortSignal>) -> Result<JsValue, Failure> {
        let attempts = Attempts::new(retry, r.method, r.idempotency_key.is_some());
        let attempt = || async { self.attempt(r, signal).await.and_then(Received::into_result) };
        retrying(attempts, Some(&self.gate), signal, || r.what(), attempt).await
    }
}

/// One attempt's work, within its time limit and the caller's signal: `timeout` or `aborted`
/// (naming `what`) when it does not end first. The work is dropped then (its abort guard
/// fires).
pub async fn bounded<T>(
    work: impl Future<Output = Result<T, Failure>>,
    limit_ms: f64,
    signal: Option<&AbortSignal>,
    what: impl Fn() -> String,
) -> Result<T, Failure> {
    match race(work, Some(limit_ms), signal).await {
        Won::Done(outcome) => outcome,
        Won::Deadline => Err(ApiError::new(ErrorCode::Timeout, format!("{} took longer than {limit_ms} ms", what())).into()),
        Won::Aborted => Err(aborted(signal, &what())),
    }
}

/// Attempts until one succeeds or the core's `attempts` say to stop, sleeping the backoff (or
/// `Retry-After`) between them; an abort ends it at once. API requests and downloads alike;
/// the API's pass their client's `gate`, which each attempt waits for and each 429 holds.
pub async fn retrying<T, F, Fut>(
    mut attempts: Attempts,
    gate: Option<&Cell<RateGate>>,
    signal: Option<&AbortSignal>,
    what: impl Fn() -> String,
    mut attempt: F,
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    loop {
        if let Some(gate) = gate {
            // Re-read after each sleep: another call's 429 may have held the gate longer.
            loop {
                let wait = gate.get().wait_ms(now());
                if wait <= 0.0 {
                    break;
                }
                sleep(wait, signal, &what()).await?;
            }
        }
        let failure = match attempt().await {
            Ok(v) => return Ok(v),
            Err(f) if f.code() == ErrorCode::Aborted => return Err(f),
            Err(f) => f,
        };
        let delay = attempts.after_failure(&failure.error, js_sys::Math::random());
        if let Some(gate) = gate {
            let mut held = gate.get();
            held.after_failure(&failure.error, delay, attempts.policy(), now());
            gate.set(held);
        }
        match delay {
            Some(ms) => sleep(ms as f64, signal, &what()).await?,
            None => return Err(failure),
        }
    }
}
