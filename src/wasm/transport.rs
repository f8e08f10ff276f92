//! One HTTP attempt through `fetch`: the global one (never `window.fetch`: Workers and Node
//! have no `window`) or the caller's, called unbound, with a controller that ends it. What
//! an answer holds, and the failures of an attempt as errors.

use alloc::string::String;
use core::cell::OnceCell;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit};

use super::js_error::Failure;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::response::Answer;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Result<Promise, JsValue>;

    /// `JSON.parse` on a JS string as it came, without a copy through Rust.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// The API key; never printed.
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> Self {
        ApiKey(key)
    }
}

impl core::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

pub struct Transport {
    pub base_url: String,
    pub api_key: Option<ApiKey>,
    pub fetch: Option<Function>,
    pub timeout_ms: f64,
    /// The headers of every GET (`accept`, the key), built at the first request (not in the
    /// constructor: in Node, touching `Headers` loads undici, about 20 ms). Only with the
    /// global `fetch`, which copies them; a caller's `fetch` gets its own object each time.
    get_headers: OnceCell<Option<Headers>>,
}

/// An answer read whole. The body stays a JS string: a successful answer goes to
/// `JSON.parse` as it is, and only the parts the core reads are copied into Rust.
pub struct Received {
    pub status: u16,
    pub body: JsValue,
    pub headers: Headers,
}

/// A header's value, if it is there.
pub fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// The headers the core reads, copied out of an answer only when it needs them (errors).
pub struct Meta {
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
}

impl Received {
    pub fn is_success(&self) -> bool {
        crate::core::response::is_success(self.status)
    }

    /// The body as Rust text, for the core.
    pub fn text(&self) -> String {
        self.body.as_string().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        header(&self.headers, name)
    }

    pub fn meta(&self) -> Meta {
        Meta {
            content_type: self.header("content-type"),
            request_id: self.header("x-request-id"),
            retry_after: self.header("retry-after"),
        }
    }
}

impl Meta {
    /// The answer as the core reads it, with `body` (from `text()`, or "" when unneeded).
    pub fn answer<'a>(&'a self, status: u16, body: &'a str) -> Answer<'a> {
        Answer {
            status,
            body,
            content_type: self.content_type.as_deref(),
            request_id: self.request_id.as_deref(),
            retry_after: self.retry_after.as_deref(),
            now_ms: js_sys::Date::now(),
        }
    }
}

pub fn network(message: String, cause: JsValue) -> Failure {
    Failure {
        error: ApiError::new(ErrorCode::Network, message),
        job: None,
        cause: Some(cause),
    }
}

/// The text of a thrown JS value, for messages (never carries the key: the key is only
/// ever in a request header).
pub fn describe(e: &JsValue) -> String {
    let msg = super::js_args::get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_default();
    let cause = super::js_args::get(&super::js_args::get(e, "cause"), "code").as_string();
    match cause {
        Some(c) if !crate::core::text::contains(&msg, &c) => cat!(msg, " (", c, ")"),
        _ => msg,
    }
}

/// The signal's `reason`, for the error's `cause`.
fn reason(signal: Option<&AbortSignal>) -> Option<JsValue> {
    let r = super::js_args::get(signal?, "reason");
    (!r.is_undefined()).then_some(r)
}

/// `what` ended because the caller's signal aborted; the signal's reason is the cause.
pub fn aborted(signal: Option<&AbortSignal>, what: &str) -> Failure {
    Failure {
        error: ApiError::new(ErrorCode::Aborted, cat!(what, " was aborted")),
        job: None,
        cause: reason(signal),
    }
}

/// `what` ran past its time limit.
pub fn timed_out(what: &str, timeout_ms: f64) -> Failure {
    ApiError::new(
        ErrorCode::Timeout,
        cat!(
            what,
            " took longer than ",
            crate::core::text::show_number(timeout_ms),
            " ms"
        ),
    )
    .into()
}

/// `accept` and the key.
fn base_headers(api_key: Option<&ApiKey>) -> Result<Headers, JsValue> {
    let headers = Headers::new()?;
    headers.set("accept", "application/json")?;
    if let Some(key) = api_key {
        headers.set("x-api-key", &key.0)?;
    }
    Ok(headers)
}

impl Transport {
    pub fn new(
        base_url: String,
        api_key: Option<ApiKey>,
        fetch: Option<Function>,
        timeout_ms: f64,
    ) -> Transport {
        Transport {
            base_url,
            api_key,
            fetch,
            timeout_ms,
            get_headers: OnceCell::new(),
        }
    }

    /// The shared GET headers, built on first use (`None` with a caller's `fetch`).
    fn get_headers(&self) -> Option<&Headers> {
        self.get_headers
            .get_or_init(|| match self.fetch {
                None => base_headers(self.api_key.as_ref()).ok(),
                Some(_) => None,
            })
            .as_ref()
    }

    /// Starts one attempt: `fetch` with `accept`, the key, and a fresh controller's signal.
    /// Resolves as `fetch` does; the controller aborts it.
    pub fn start(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<(JsValue, AbortController), Failure> {
        let js_err = |e: JsValue| network(cat!("could not prepare the request: ", describe(&e)), e);
        let controller = AbortController::new().map_err(js_err)?;
        let shared = match (body, idempotency_key) {
            (None, None) => self.get_headers(),
            _ => None,
        };
        let headers = match shared {
            Some(h) => h.clone(),
            _ => {
                let headers = base_headers(self.api_key.as_ref()).map_err(js_err)?;
                if let Some(k) = idempotency_key {
                    headers.set("idempotency-key", k).map_err(js_err)?;
                }
                if body.is_some() {
                    headers
                        .set("content-type", "application/json")
                        .map_err(js_err)?;
                }
                headers
            }
        };
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(b) = body {
            init.set_body(&JsValue::from_str(b));
        }
        init.set_headers(&headers);
        init.set_signal(Some(&controller.signal()));

        let url = cat!(self.base_url, path);
        let started = match &self.fetch {
            Some(f) => f
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(&url), &init)
                .map(|p| Promise::resolve(&p).into()),
            None => global_fetch(&url, &init).map(JsValue::from),
        };
        let promise = started.map_err(|e| {
            network(
                cat!(
                    method,
                    ' ',
                    path,
                    ": fetch could not start (",
                    describe(&e),
                    "); pass options.fetch if this runtime has none"
                ),
                e,
            )
        })?;
        Ok((promise, controller))
    }
}
