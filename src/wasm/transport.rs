//! The transport: requests through `fetch`, the global one (never `window.fetch`: Workers and
//! Node have no `window`) or the caller's, called unbound. One attempt races `fetch` and its
//! body read against the attempt's deadline and the caller's signal, with an `AbortController`
//! per attempt that aborts when the attempt is dropped (as reqwest's wasm client does); `send`
//! retries as the core decides, held by the client's rate-limit gate (`retrying.rs`).

use std::cell::{Cell, OnceCell};

use js_sys::{Function, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use super::abort::AbortGuard;
use super::host::{describe, json_parse, settled};
use super::js_error::{aborted, network, Failure};
use super::race::bounded;
use super::retrying::Retrying;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::extra_headers::Header;
use crate::core::pushed::EVENTS_HEADER;
use crate::core::response::{self, Answer, Body, Shape};
use crate::core::rate_gate::RateGate;
use crate::core::retry::{Attempts, RetryPolicy};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Result<JsValue, JsValue>;
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
        let shape = match &parsed {
            Some(v) if v.is_object() && !js_sys::Array::is_array(v) => Shape::Object,
            Some(_) => Shape::OtherJson,
            None => Shape::NotJson,
        };
        match parsed {
            Some(body) if response::succeeded(self.status, shape) => Ok(body),
            parsed => Err(self.failure(parsed).into()),
        }
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
pub fn unpreparable(what: &str) -> Failure {
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
        let outcome = bounded(exchange, self.timeout_ms, signal, &|| r.what()).await;
        if outcome.is_ok() {
            guard.disarm();
        }
        outcome
    }

    /// The request until it succeeds or the core says to stop: retries wait the policy's
    /// backoff (or `Retry-After`), and only replay-safe requests are retried.
    pub async fn send(&self, retry: RetryPolicy, r: &Request, signal: Option<&AbortSignal>) -> Result<JsValue, Failure> {
        self.exchange(retry, r, signal, false).await.map(|(body, _)| body)
    }

    /// `send`, and the `Apiframe-Events` header of its answer: the job stream a proxy offers
    /// (`job_stream.rs`), for the requests a wait makes.
    pub async fn send_noting_stream(
        &self,
        retry: RetryPolicy,
        r: &Request,
        signal: Option<&AbortSignal>,
    ) -> Result<(JsValue, Option<String>), Failure> {
        self.exchange(retry, r, signal, true).await
    }

    async fn exchange(
        &self,
        retry: RetryPolicy,
        r: &Request,
        signal: Option<&AbortSignal>,
        note_stream: bool,
    ) -> Result<(JsValue, Option<String>), Failure> {
        let attempts = Attempts::new(retry, r.method, r.idempotency_key.is_some());
        let what = || r.what();
        let mut retrying = Retrying::new(attempts, Some(&self.gate), signal, &what);
        loop {
            retrying.ready().await?;
            let answer = self.attempt(r, signal).await.and_then(|received| {
                let stream = if note_stream { header(&received.headers, EVENTS_HEADER) } else { None };
                received.into_result().map(|body| (body, stream))
            });
            match answer {
                Ok(v) => return Ok(v),
                Err(f) => retrying.failed(f)?,
            }
        }
    }

    /// A job stream's request (`job_stream.rs`): the client's headers, the call's and the key,
    /// as every API request has, asking for `text/event-stream`, from `last_event_id` when it
    /// resumes.
    pub fn stream_init(&self, extra: &[Header], last_event_id: Option<&str>, signal: &AbortSignal) -> Result<RequestInit, JsValue> {
        let init = RequestInit::new();
        init.set_method("GET");
        init.set_signal(Some(signal));
        let headers = self.base_headers(extra)?;
        set(&headers, "accept", "text/event-stream")?;
        if let Some(id) = last_event_id {
            set(&headers, "last-event-id", id)?;
        }
        init.set_headers(&headers);
        Ok(init)
    }
}
