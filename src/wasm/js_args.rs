//! Reading the caller's option objects: each wrong type is an `invalid_request` naming the
//! option and what it takes.

use alloc::string::String;

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::core::error::ApiError;
use crate::core::json::Value;
use crate::core::text::show_number;

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

/// Options must be an object, or left out.
pub fn check_object(obj: &JsValue, what: &str) -> Result<(), ApiError> {
    if absent(obj) || (obj.is_object() && !js_sys::Array::is_array(obj)) {
        Ok(())
    } else {
        Err(wrong_type(what, "an object"))
    }
}

/// The object's own keys must be among `allowed` (keys set to `undefined` are left out, as
/// when a settings object is spread): see `core::option_names`.
pub fn check_names(
    obj: &JsValue,
    what: &str,
    prefix: &str,
    allowed: &[&str],
) -> Result<(), ApiError> {
    if !obj.is_object() {
        return Ok(());
    }
    for name in js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>()).iter() {
        if let Some(name) = name.as_string() {
            if !get(obj, &name).is_undefined() {
                crate::core::option_names::check_known(what, prefix, &name, allowed)?;
            }
        }
    }
    Ok(())
}

pub fn string(obj: &JsValue, key: &str) -> Result<Option<String>, ApiError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| wrong_type(key, "a string"))
}

/// A number in `[min, max]`; whole when `whole`.
pub fn number(
    obj: &JsValue,
    key: &str,
    min: f64,
    max: f64,
    whole: bool,
) -> Result<Option<f64>, ApiError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= min && n <= max && (!whole || libm::trunc(n) == n) => Ok(Some(n)),
        _ => Err(out_of_range(key, min, max, whole)),
    }
}

/// The errors, out of line: a first call compiles only the code it runs around (V8 compiles
/// wasm lazily, a function at a time).
#[cold]
#[inline(never)]
fn out_of_range(key: &str, min: f64, max: f64, whole: bool) -> ApiError {
    ApiError::invalid(
        key,
        cat!(
            key,
            " must be a ",
            if whole { "whole number" } else { "number" },
            " from ",
            show_number(min),
            " to ",
            show_number(max)
        ),
        Some(Value::object([
            ("minimum", Value::from(min)),
            ("maximum", Value::from(max)),
        ])),
    )
}

/// `key must be <what>`, naming `key` as the field.
#[cold]
#[inline(never)]
pub fn wrong_type(key: &str, what: &str) -> ApiError {
    ApiError::invalid(key, cat!(key, " must be ", what), None)
}

pub fn boolean(obj: &JsValue, key: &str) -> Result<bool, ApiError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(false);
    }
    v.as_bool().ok_or_else(|| wrong_type(key, "true or false"))
}

pub fn function(obj: &JsValue, key: &str) -> Result<Option<Function>, ApiError> {
    let v = get(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| wrong_type(key, "a function"))
}

/// An `AbortSignal` (from any realm: checked by shape, not by class).
pub fn signal(obj: &JsValue) -> Result<Option<AbortSignal>, ApiError> {
    let v = get(obj, "signal");
    if absent(&v) {
        return Ok(None);
    }
    let looks_right = v.is_object()
        && get(&v, "aborted").as_bool().is_some()
        && get(&v, "addEventListener").is_function()
        && get(&v, "removeEventListener").is_function();
    if !looks_right {
        return Err(wrong_type("signal", "an AbortSignal"));
    }
    Ok(Some(v.unchecked_into()))
}
