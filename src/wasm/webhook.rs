//! `verifyWebhook` and `parseWebhook`: HMAC-SHA256 over the raw body, keyed with the SHA-256
//! of the API key, checked by Web Crypto (`crypto.subtle.verify`, constant time).

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::args::{self, option_expectation};
use super::js_error::Failure;
use super::options::WebhookInput;
use super::host::{json_parse, settled};
use super::trap;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::webhook::{check_event, parse_signature, EventHead};

fn subtle() -> Result<JsValue, ApiError> {
    let s = args::get(&args::get(&js_sys::global(), "crypto"), "subtle");
    if s.is_object() {
        Ok(s)
    } else {
        Err(ApiError::new(ErrorCode::InvalidRequest, "Web Crypto (crypto.subtle) is not available in this runtime"))
    }
}

async fn call(target: &JsValue, method: &str, call_args: &[JsValue]) -> Result<JsValue, ApiError> {
    // Thrown at once or rejected later: the same failure.
    let failed = || ApiError::new(ErrorCode::InvalidRequest, format!("crypto.subtle.{method} failed"));
    let f: Function = args::get(target, method).dyn_into().map_err(|_| failed())?;
    let p = f.apply(target, &call_args.iter().collect::<Array>()).map_err(|_| failed())?;
    settled(&p).await.map_err(|_| failed())
}

/// The body's bytes: a string as UTF-8, or the bytes of an ArrayBuffer or typed array.
fn body_bytes(body: &JsValue) -> Result<(Uint8Array, Option<String>), ApiError> {
    if let Some(s) = body.as_string() {
        return Ok((Uint8Array::from(s.as_bytes()), Some(s)));
    }
    if body.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok((Uint8Array::new(body), None));
    }
    if js_sys::ArrayBuffer::is_view(body) {
        let offset = args::get(body, "byteOffset").as_f64().unwrap_or(0.0) as u32;
        let len = args::get(body, "byteLength").as_f64().unwrap_or(0.0) as u32;
        let bytes = Uint8Array::new_with_byte_offset_and_length(&args::get(body, "buffer"), offset, len);
        return Ok((bytes, None));
    }
    Err(ApiError::invalid("body", "body must be the raw request body: a string, ArrayBuffer or Uint8Array", None))
}

async fn verify(input: &JsValue) -> Result<(bool, Uint8Array, Option<String>), ApiError> {
    let input: WebhookInput = args::options(input, "input", option_expectation)?;
    let key = crate::core::settings::api_key("apiKey", Some(&input.api_key))?
        .ok_or_else(|| ApiError::invalid("apiKey", "apiKey is required to check a webhook signature", None))?;
    let (bytes, text) = body_bytes(&input.body)?;
    let ok = signature_matches(&key, &bytes, input.signature.as_deref()).await?;
    Ok((ok, bytes, text))
}

/// Whether `signature` (`sha256=<hex>` or bare hex; `None` when missing) is the HMAC-SHA256 of
/// `bytes` keyed with the SHA-256 of `key`, checked by Web Crypto in constant time.
pub(crate) async fn signature_matches(key: &str, bytes: &Uint8Array, signature: Option<&str>) -> Result<bool, ApiError> {
    let Some(sig) = signature.and_then(parse_signature) else {
        return Ok(false);
    };
    let subtle = subtle()?;
    let digest = call(&subtle, "digest", &["SHA-256".into(), Uint8Array::from(key.as_bytes()).into()]).await?;
    let algorithm = Object::new();
    let _ = Reflect::set(&algorithm, &"name".into(), &"HMAC".into());
    let _ = Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into());
    let usages: Array = std::iter::once(JsValue::from_str("verify")).collect();
    let crypto_key = call(&subtle, "importKey", &["raw".into(), digest, algorithm.into(), false.into(), usages.into()]).await?;
    let ok = call(&subtle, "verify", &["HMAC".into(), crypto_key, Uint8Array::from(&sig[..]).into(), bytes.clone().into()]).await?;
    Ok(ok.as_bool().unwrap_or(false))
}

/// Whether `signature` (`sha256=<hex>` or bare hex) signs `body` for `apiKey`. Pass the raw
/// body exactly as received, never a re-serialised object.
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "Promise<boolean>")]
pub fn verify_webhook(#[wasm_bindgen(unchecked_param_type = "WebhookInput")] input: JsValue) -> Promise {
    trap::promise(async move {
        verify(&input).await.map(|(ok, _, _)| JsValue::from_bool(ok)).map_err(Failure::from)
    })
}

/// Verifies the signature, then returns the event. Rejects `ApiframeError` with code
/// `authentication` for a bad signature and `invalid_request` for a body that is no event.
#[wasm_bindgen(js_name = parseWebhook, unchecked_return_type = "Promise<WebhookPayload>")]
pub fn parse_webhook(#[wasm_bindgen(unchecked_param_type = "WebhookInput")] input: JsValue) -> Promise {
    trap::promise(async move {
        let (ok, bytes, text) = verify(&input).await?;
        if !ok {
            return Err(ApiError::new(ErrorCode::Authentication, "webhook signature does not match this API key and body").into());
        }
        let text = match text {
            Some(t) => t,
            None => String::from_utf8(bytes.to_vec())
                .map_err(|_| ApiError::new(ErrorCode::InvalidRequest, "webhook body is not UTF-8 text"))?,
        };
        let event = json_parse(&JsValue::from_str(&text)).unwrap_or(JsValue::UNDEFINED);
        let head: Option<EventHead> = (event.is_object() && !js_sys::Array::is_array(&event))
            .then(|| serde_wasm_bindgen::from_value(event.clone()).ok())
            .flatten();
        check_event(head)?;
        Ok(event)
    })
}
