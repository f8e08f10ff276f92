//! `downloadImages`: a job's outputs fetched from the output host. No key, no credentials go
//! there; retries as the API's GETs; the body is read as the host's chunks (JS `Uint8Array`s,
//! never copied through the module's memory) and counted against the cap as it streams. The
//! time limit is one on silence: the headers, then each next chunk, within `timeoutMs`; a body
//! that keeps arriving is never cut. Every decision is the core's (`core::download`).

use std::cell::{Cell, OnceCell};

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, RequestCredentials, RequestInit, Response};

use super::abort::AbortGuard;
use super::args::get;
use super::js_error::{aborted, network, to_js, Failure};
use super::options::DownloadedImage;
use super::host::{describe, settled};
use super::race::{race_silence, Silence, Won};
use super::retrying::Retrying;
use super::transport::{header, unpreparable, Transport};
use crate::core::download::{self, SNIFF_BYTES};
use crate::core::response;
use crate::core::retry::{Attempts, RetryPolicy};

thread_local! {
    /// Whether this runtime's `Request` has `credentials`: workerd throws on the field (it has
    /// no cookies to send anyway).
    static HAS_CREDENTIALS: OnceCell<bool> = const { OnceCell::new() };
}

fn has_credentials() -> bool {
    HAS_CREDENTIALS.with(|c| {
        *c.get_or_init(|| {
            let request = get(&js_sys::global(), "Request");
            let prototype = get(&request, "prototype");
            prototype.is_object() && Reflect::has(&prototype, &JsValue::from_str("credentials")).unwrap_or(false)
        })
    })
}

/// Every URL of a job (Reve makes one an image), downloaded one after the other, in order; the
/// first failure ends the call.
pub async fn all(
    transport: &Transport,
    retry: RetryPolicy,
    urls: Vec<String>,
    max_bytes: f64,
    signal: Option<&AbortSignal>,
) -> Result<JsValue, Failure> {
    let images = Array::new();
    for url in &urls {
        images.push(&one(transport, retry, url, max_bytes, signal).await?);
    }
    Ok(images.into())
}

/// One URL, retried as a GET to the API is.
async fn one(
    transport: &Transport,
    retry: RetryPolicy,
    url: &str,
    max_bytes: f64,
    signal: Option<&AbortSignal>,
) -> Result<JsValue, Failure> {
    let attempts = Attempts::new(retry, "GET", false);
    let what = || format!("downloading {url}");
    // The output host is not the API: its answers do not hold the client's rate-limit gate.
    let mut retrying = Retrying::new(attempts, None, signal, &what);
    loop {
        retrying.ready().await?;
        match attempt(transport, url, max_bytes, signal).await {
            Ok(v) => return Ok(v),
            Err(f) => retrying.failed(f)?,
        }
    }
}

async fn attempt(transport: &Transport, url: &str, max_bytes: f64, signal: Option<&AbortSignal>) -> Result<JsValue, Failure> {
    let what = || format!("downloading {url}");
    let guard = AbortGuard::new().map_err(|_| unpreparable(&what()))?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&guard.signal()));
    if has_credentials() {
        init.set_credentials(RequestCredentials::Omit);
    }
    let silence = Silence::new(transport.timeout_ms);
    let answered = Cell::new(false);
    let promise = transport
        .start(url, &init)
        .map_err(|e| network(format!("{}: fetch could not start ({})", what(), describe(&e)), e))?;
    let exchange = async {
        let response: Response = settled(&promise)
            .await
            .map_err(|e| network(format!("{} failed: {}", what(), describe(&e)), e))?
            .unchecked_into();
        silence.heard();
        answered.set(true);
        let headers = response.headers();
        let status = response.status();
        if !response::is_success(status) {
            let retry_after = header(&headers, "retry-after");
            return Err(download::failure(url, status, retry_after.as_deref(), js_sys::Date::now()).into());
        }
        if download::declared_too_large(header(&headers, "content-length").as_deref(), max_bytes) {
            return Err(download::too_large(url, max_bytes, true).into());
        }
        let (bytes, head) = read_capped(&response, url, max_bytes, &silence).await?;
        let media_type = download::media_type(&head, header(&headers, "content-type").as_deref());
        Ok(to_js(&DownloadedImage { url: url.to_string(), bytes: bytes.into(), media_type }))
    };
    let outcome = match race_silence(exchange, &silence, signal).await {
        Won::Done(outcome) => outcome,
        Won::Deadline => Err(download::stalled(url, transport.timeout_ms, answered.get()).into()),
        Won::Aborted => Err(aborted(signal, &what())),
    };
    // A failure leaves the guard armed: dropping it aborts the fetch, so a refused or capped
    // body stops streaming and its connection is released.
    if outcome.is_ok() {
        guard.disarm();
    }
    outcome
}

/// The body as the host's chunks, counted against `max_bytes` as they arrive (each one heard by
/// `silence`), joined once at the end; and its first bytes, for the media type.
async fn read_capped(
    response: &Response,
    url: &str,
    max_bytes: f64,
    silence: &Silence,
) -> Result<(Uint8Array, Vec<u8>), Failure> {
    let Some(body) = response.body() else {
        return Ok((Uint8Array::new_with_length(0), Vec::new()));
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let broken = |e: JsValue| network(format!("downloading {url} broke off: {}", describe(&e)), e);
    let chunks = Array::new();
    let mut total = 0.0;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    loop {
        let step = settled(&reader.read()).await.map_err(broken)?;
        silence.heard();
        if get(&step, "done").as_bool() == Some(true) {
            break;
        }
        let chunk: Uint8Array = get(&step, "value").unchecked_into();
        let length = chunk.length();
        total += f64::from(length);
        if total > max_bytes {
            return Err(download::too_large(url, max_bytes, false).into());
        }
        if head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - head.len()).min(length as usize) as u32;
            head.extend(chunk.subarray(0, take).to_vec());
        }
        chunks.push(&chunk);
    }
    Ok((join(&chunks, total as u32), head))
}

/// One `Uint8Array` of every chunk (the chunk itself when there is one).
fn join(chunks: &Array, total: u32) -> Uint8Array {
    if chunks.length() == 1 {
        return chunks.get(0).unchecked_into();
    }
    let out = Uint8Array::new_with_length(total);
    let mut at = 0;
    for chunk in chunks.iter() {
        let chunk: Uint8Array = chunk.unchecked_into();
        out.set(&chunk, at);
        at += chunk.length();
    }
    out
}
