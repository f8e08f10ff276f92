//! Submit requests as JavaScript holds them, read by the core's one entry point
//! (`core::request_source::read_request`): a caller's object (the client's `generate`, `run`,
//! `runMany`) or a body's text (the proxy's submissions), both as plain JSON data parsed by the
//! host. And the body a checked request is sent as.

use std::borrow::Cow;

use js_sys::JsString;
use wasm_bindgen::{JsCast, JsValue};

use super::args::{self, get};
use super::js_error::to_js;
use super::host::{describe, json_parse, json_stringify};
use crate::core::error::ApiError;
use crate::core::request::GenerateRequest;
#[cfg(feature = "server")]
use crate::core::request_source::not_json;
use crate::core::request_source::{read_request, RequestSource};

/// How deep the well-formedness check looks (a request is two levels deep).
const MAX_DEPTH: u8 = 4;

/// The set own keys of a plain object, as the core's names (`args::keys`: lazy, so a check
/// that stops at the first bad name reads no further).
fn names_of<'a>(obj: JsValue) -> impl Iterator<Item = Cow<'a, str>> {
    args::keys(obj).map(Cow::Owned)
}

/// The field of the first string in `value` that is not well-formed UTF-16 (a lone surrogate:
/// serde-wasm-bindgen would read it as U+FFFD and change what was asked).
fn lone_surrogate_in(value: &JsValue, field: &str, depth: u8) -> Option<String> {
    if let Some(s) = value.dyn_ref::<JsString>() {
        return (!s.is_valid_utf16()).then(|| field.to_string());
    }
    if depth >= MAX_DEPTH || !value.is_object() {
        return None;
    }
    names_of(value.clone()).find_map(|key| {
        let path = if field.is_empty() { key.to_string() } else { format!("{field}.{key}") };
        lone_surrogate_in(&get(value, &key), &path, depth + 1)
    })
}

/// A request as the host parsed it (plain JSON data from `JSON.parse`: `read_object` and
/// `read_text` parse it first), read by the core; serde reads it as `Fields` (js_fields.rs).
impl RequestSource for JsValue {
    fn names(&self) -> impl Iterator<Item = Cow<'_, str>> {
        names_of(self.clone())
    }

    fn reve_params_names(&self) -> impl Iterator<Item = Cow<'_, str>> {
        names_of(get(self, "reveParams"))
    }

    fn lone_surrogate_at(&self) -> Option<String> {
        lone_surrogate_in(self, "", 0)
    }
}

/// A caller's request object as JSON's rules send it (`JSON.stringify`: undefined left out,
/// `toJSON` honoured, BigInt and cycles refused), parsed back by the host and read by the core.
pub fn read_object(request: &JsValue) -> Result<GenerateRequest, ApiError> {
    let cannot = |e: JsValue| {
        let why = describe(&e);
        ApiError::invalid("request", format!("the request cannot be sent as JSON: {why}"), None)
    };
    let text = json_stringify(request).map_err(cannot)?;
    let plain = if text.is_undefined() { JsValue::UNDEFINED } else { json_parse(&text).map_err(cannot)? };
    read_request(&plain)
}

/// A body's text, parsed by the host and read by the core; text that is not JSON is refused
/// as such. (The proxy's: servers only.)
#[cfg(feature = "server")]
pub fn read_text(text: &str) -> Result<GenerateRequest, ApiError> {
    let plain = json_parse(&JsValue::from_str(text)).map_err(|_| not_json())?;
    read_request(&plain)
}

/// The body of a checked request.
pub fn body(request: &GenerateRequest) -> Result<String, ApiError> {
    json_stringify(&to_js(request))
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| ApiError::invalid("request", "the request cannot be sent as JSON", None))
}
