//! Reading the caller's arguments into the core's serde types: closed objects (a name the
//! type does not declare is refused, with the likely intended one: serde-wasm-bindgen reads
//! only the declared names), then serde-wasm-bindgen, with errors that name the field.

use js_sys::{Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::decode::{decode, Expectation};
use crate::core::error::ApiError;
use crate::core::option_names::{check_known, Noun};
use crate::core::serde_names::names;

/// `obj[key]`, or `undefined` when `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// The own keys of a plain object that are set (not `undefined`, as in a spread settings
/// object); none for anything else. Lazy: a check that stops at the first bad name reads no
/// further (a hostile body may hold tens of thousands).
pub fn keys(obj: JsValue) -> impl Iterator<Item = String> {
    let names = if obj.is_object() && !Array::is_array(&obj) {
        Object::keys(obj.unchecked_ref::<Object>())
    } else {
        Array::new()
    };
    names
        .into_iter()
        .filter_map(|k| k.as_string())
        .filter(move |k| !get(&obj, k).is_undefined())
}

/// An options object (or nothing) read as `T`: names checked, then deserialized. The checks
/// are one function for every type (`given_object`); what is `T`'s own is the read.
#[inline(never)]
pub fn options<T: DeserializeOwned + Default>(
    value: &JsValue,
    what: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> Result<T, ApiError> {
    if given_object(value, what, names::<T>())? {
        decode(value, what, expect)
    } else {
        Ok(T::default())
    }
}

/// Whether an options object was given (`false` for nothing), every name it sets one of
/// `names`. Out of line and not generic: one copy serves every options type.
#[inline(never)]
fn given_object(value: &JsValue, what: &str, names: &'static [&'static str]) -> Result<bool, ApiError> {
    if absent(value) {
        return Ok(false);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(ApiError::wrong_type(what, "an object"));
    }
    for name in keys(value.clone()) {
        check_known(Noun::Option, what, "", &name, names)?;
    }
    Ok(true)
}

/// Settings' fields of JS types, checked by shape (values from any realm pass).
pub fn function(field: &str, v: &JsValue) -> Result<Option<js_sys::Function>, ApiError> {
    if absent(v) {
        return Ok(None);
    }
    v.clone()
        .dyn_into::<js_sys::Function>()
        .map(Some)
        .map_err(|_| ApiError::wrong_type(field, "a function"))
}

/// An `AbortSignal` (from any realm: checked by shape, not by class).
pub fn signal(v: &JsValue) -> Result<Option<web_sys::AbortSignal>, ApiError> {
    if absent(v) {
        return Ok(None);
    }
    let looks_right = v.is_object()
        && get(v, "aborted").as_bool().is_some()
        && get(v, "addEventListener").is_function()
        && get(v, "removeEventListener").is_function();
    if !looks_right {
        return Err(ApiError::wrong_type("signal", "an AbortSignal"));
    }
    Ok(Some(v.clone().unchecked_into()))
}

/// A `headers` option (`Record<string, string | undefined>`), checked by the core.
pub fn headers(field: &str, v: &JsValue) -> Result<Vec<crate::core::extra_headers::Header>, ApiError> {
    if absent(v) {
        return Ok(Vec::new());
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(ApiError::wrong_type(field, "an object of header names and string values"));
    }
    let mut pairs = Vec::new();
    for name in keys(v.clone()) {
        let value = get(v, &name);
        let Some(text) = value.as_string() else {
            return Err(ApiError::wrong_type(&format!("{field}.{name}"), "a string"));
        };
        pairs.push((name, Some(text)));
    }
    crate::core::extra_headers::check(field, pairs)
}

/// What the option fields common to every call take, for messages.
pub fn option_expectation(field: &str) -> Option<Expectation> {
    let what = match field {
        "apiKey" | "baseUrl" | "baseURL" | "upstream" | "prefix" | "idempotencyKey" => "a string",
        "maxRetries" | "timeoutMs" | "expectedDurationMs" | "minPollIntervalMs"
        | "maxPollIntervalMs" | "maxPromptLength" | "maxBodyBytes" | "maxBytes" | "concurrency" => "a number",
        "dangerouslyAllowBrowser" | "allowAnonymous" => "true or false",
        "allowModels" => "an array of strings",
        "cors" => "an array of origins, or { origins: [...] }",
        "options" | "settings" => "an object",
        "headers" => "an object of header names and string values",
        _ => return None,
    };
    Some((what.to_string(), None))
}
