//! One HTTP attempt through `fetch`: the global one (never `window.fetch`: Workers and Node
//! have no `window`) or the caller's, called unbound. The attempt ends at its deadline or at
//! the caller's abort, and the request is aborted with it.

use alloc::string::String;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, Response};

use super::abort::{reason, Guard, Interrupt};
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
}

/// An answer read whole. The body stays a JS string: a successful answer goes to
/// `JSON.parse` as it is, and only the parts the core reads are copied into Rust.
pub struct Received {
    pub status: u16,
    pub body: JsValue,
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

    /// The answer as the core reads it, with `body` (from `text()`, or "" when unneeded).
    pub fn answer<'a>(&'a self, body: &'a str) -> Answer<'a> {
        Answer {
            status: self.status,
            body,
            content_type: self.content_type.as_deref(),
            request_id: self.request_id.as_deref(),
            retry_after: self.retry_after.as_deref(),
            now_ms: js_sys::Date::now(),
        }
    }
}

fn network(message: String, cause: JsValue) -> Failure {
    Failure {
        error: ApiError::new(ErrorCode::Network, message),
        job: None,
        cause: Some(cause),
    }
}

/// The text of a thrown JS value, for messages (never carries the key: the key is only
/// ever in a request header).
fn describe(e: &JsValue) -> String {
    let msg = super::js_args::get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_default();
    let cause = super::js_args::get(&super::js_args::get(e, "cause"), "code").as_string();
    match cause {
        Some(c) if !msg.contains(&c) => cat!(msg, " (", c, ")"),
        _ => msg,
    }
}

pub fn interrupted(
    i: Interrupt,
    signal: Option<&AbortSignal>,
    what: &str,
    timeout_ms: f64,
) -> Failure {
    match i {
        Interrupt::Aborted => Failure {
            error: ApiError::new(ErrorCode::Aborted, cat!(what, " was aborted")),
            job: None,
            cause: reason(signal),
        },
        Interrupt::TimedOut => ApiError::new(
            ErrorCode::Timeout,
            cat!(
                what,
                " took longer than ",
                crate::core::text::show_number(timeout_ms),
                " ms"
            ),
        )
        .into(),
    }
}

impl Transport {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<Received, Failure> {
        let url = cat!(self.base_url, path);
        // Built only when an error needs it.
        let what = || cat!(method, ' ', path);
        let mut guard = Guard::new(signal, Some(self.timeout_ms));
        if signal.is_some_and(|s| s.aborted()) {
            return Err(interrupted(
                Interrupt::Aborted,
                signal,
                &what(),
                self.timeout_ms,
            ));
        }
        let js_err = |e: JsValue| network(cat!("could not prepare the request: ", describe(&e)), e);

        let controller = AbortController::new().map_err(js_err)?;
        let headers = Headers::new().map_err(js_err)?;
        headers.set("accept", "application/json").map_err(js_err)?;
        if let Some(key) = &self.api_key {
            headers.set("x-api-key", &key.0).map_err(js_err)?;
        }
        if let Some(k) = idempotency_key {
            headers.set("idempotency-key", k).map_err(js_err)?;
        }
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(b) = body {
            headers
                .set("content-type", "application/json")
                .map_err(js_err)?;
            init.set_body(&JsValue::from_str(b));
        }
        init.set_headers(&headers);
        init.set_signal(Some(&controller.signal()));

        let started = match &self.fetch {
            Some(f) => f
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(&url), &init)
                .map(|p| Promise::resolve(&p)),
            None => global_fetch(&url, &init),
        };
        let promise = started.map_err(|e| {
            network(
                cat!(
                    what(),
                    ": fetch could not start (",
                    describe(&e),
                    "); pass options.fetch if this runtime has none"
                ),
                e,
            )
        })?;

        let on_interrupt = |i: Interrupt| {
            controller.abort();
            interrupted(i, signal, &what(), self.timeout_ms)
        };
        let response: Response = match guard.run(JsFuture::from(promise)).await {
            Err(i) => return Err(on_interrupt(i)),
            Ok(Err(e)) => return Err(network(cat!(what(), " failed: ", describe(&e)), e)),
            Ok(Ok(r)) => r.unchecked_into(),
        };
        let status = response.status();
        let h = response.headers();
        let header = |name: &str| h.get(name).ok().flatten();
        let (content_type, request_id, retry_after) = (
            header("content-type"),
            header("x-request-id"),
            header("retry-after"),
        );
        let text = match response.text() {
            Ok(p) => p,
            Err(e) => {
                return Err(network(
                    cat!(what(), ": the answer could not be read: ", describe(&e)),
                    e,
                ))
            }
        };
        let body = match guard.run(JsFuture::from(text)).await {
            Err(i) => return Err(on_interrupt(i)),
            Ok(Err(e)) => {
                let mut f = network(
                    cat!(
                        what(),
                        ": the connection broke while reading the answer: ",
                        describe(&e)
                    ),
                    e,
                );
                f.error.status = Some(status);
                f.error.request_id = request_id;
                return Err(f);
            }
            Ok(Ok(t)) => t,
        };
        Ok(Received {
            status,
            body,
            content_type,
            request_id,
            retry_after,
        })
    }
}
