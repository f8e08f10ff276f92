//! A submission's body: read as it streams and abandoned past the cap (a body without a
//! `Content-Length` is held to the cap too), then checked by the core before it can cost a
//! credit, and sent on as the library's own serialisation of the checked request.

use js_sys::{Function, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::Request as JsRequest;

use crate::core::proxy::{self, Body, ProxyConfig, Refusal};
use crate::wasm::args;
use crate::wasm::request_json;
use crate::wasm::host::settled;
use crate::wasm::transport::header;

/// The body to forward for the submission `req`, or the core's refusal of it.
pub(super) async fn checked_body(cfg: &ProxyConfig, req: &JsRequest) -> Result<String, Refusal> {
    proxy::check_declared_length(cfg, header(&req.headers(), "content-length").as_deref())?;
    let body = read_body(req, cfg.max_body_bytes).await;
    let checked = proxy::check_submission(cfg, body, request_json::read_text)?;
    request_json::body(&checked).map_err(|e| Refusal::invalid_request(&e))
}

/// The request's body, read chunk by chunk; reading stops (and the stream is cancelled) as
/// soon as it passes `cap` bytes.
pub(super) async fn read_body(req: &JsRequest, cap: usize) -> Body {
    let Some(stream) = req.body() else {
        return Body::Whole(Vec::new());
    };
    let reader = stream.get_reader();
    let Ok(read) = args::get(&reader, "read").dyn_into::<Function>() else {
        return Body::Unreadable;
    };
    let mut bytes = Vec::new();
    loop {
        let Ok(pending) = read.call0(&reader) else {
            return Body::Unreadable;
        };
        let Ok(chunk) = settled(&pending).await else {
            return Body::Unreadable;
        };
        if args::get(&chunk, "done").is_truthy() {
            return Body::Whole(bytes);
        }
        let Ok(value) = args::get(&chunk, "value").dyn_into::<Uint8Array>() else {
            return Body::Unreadable;
        };
        if bytes.len() + value.length() as usize > cap {
            if let Ok(cancel) = args::get(&reader, "cancel").dyn_into::<Function>() {
                let _ = cancel.call0(&reader);
            }
            return Body::TooLarge;
        }
        bytes.extend_from_slice(&value.to_vec());
    }
}
