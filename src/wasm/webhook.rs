//! `verifyWebhook` and `parseWebhook`: HMAC-SHA256 over the raw body, keyed with the SHA-256
//! of the API key, checked by Web Crypto (`crypto.subtle.verify`, constant time).

use alloc::string::String;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js_args;
use super::js_error::Failure;
use super::promises::{promise, settled};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::webhook::{check_event, parse_signature};

fn subtle() -> Result<JsValue, ApiError> {
    let s = js_args::get(&js_args::get(&js_sys::global(), "crypto"), "subtle");
    if s.is_object() {
        Ok(s)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "Web Crypto (crypto.subtle) is not available in this runtime",
        ))
    }
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, ApiError> {
    let f: Function = js_args::get(target, method).dyn_into().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            cat!("crypto.subtle.", method, " is missing"),
        )
    })?;
    // Thrown at once or rejected later: the same failure.
    let failed = |_| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            cat!("crypto.subtle.", method, " failed"),
        )
    };
    let p = f
        .apply(target, &args.iter().collect::<Array>())
        .map_err(failed)?;
    settled(&Promise::resolve(&p)).await.map_err(failed)
}

/// The body's bytes: a string as UTF-8, or the bytes of an ArrayBuffer or typed array.
fn body_bytes(body: &JsValue) -> Result<(Uint8Array, Option<String>), ApiError> {
    if let Some(s) = body.as_string() {
        let bytes = Uint8Array::from(s.as_bytes());
        return Ok((bytes, Some(s)));
    }
    if body.is_instance_of::<js_sys::ArrayBuffer>() || js_sys::ArrayBuffer::is_view(body) {
        let bytes = if body.is_instance_of::<js_sys::ArrayBuffer>() {
            Uint8Array::new(body)
        } else {
            let view: Object = body.clone().unchecked_into();
            let buffer = js_args::get(&view, "buffer");
            let offset = js_args::get(&view, "byteOffset").as_f64().unwrap_or(0.0) as u32;
            let len = js_args::get(&view, "byteLength").as_f64().unwrap_or(0.0) as u32;
            Uint8Array::new_with_byte_offset_and_length(&buffer, offset, len)
        };
        return Ok((bytes, None));
    }
    Err(ApiError::invalid(
        "body",
        "body must be the raw request body: a string, ArrayBuffer or Uint8Array",
        None,
    ))
}

async fn verify(input: &JsValue) -> Result<(bool, Uint8Array, Option<String>), ApiError> {
    js_args::check_object(input, "input")?;
    let key = js_args::string(input, "apiKey")?
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                "apiKey",
                "apiKey is required to check a webhook signature",
                None,
            )
        })?;
    let (bytes, text) = body_bytes(&js_args::get(input, "body"))?;
    let Some(sig) = js_args::string(input, "signature")?
        .as_deref()
        .and_then(parse_signature)
    else {
        return Ok((false, bytes, text));
    };
    let subtle = subtle()?;
    let digest = call(
        &subtle,
        "digest",
        &["SHA-256".into(), Uint8Array::from(key.as_bytes()).into()],
    )
    .await?;
    let algorithm = Object::new();
    let _ = Reflect::set(&algorithm, &"name".into(), &"HMAC".into());
    let _ = Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into());
    let usages: Array = core::iter::once(JsValue::from_str("verify")).collect();
    let crypto_key = call(
        &subtle,
        "importKey",
        &[
            "raw".into(),
            digest,
            algorithm.into(),
            false.into(),
            usages.into(),
        ],
    )
    .await?;
    let ok = call(
        &subtle,
        "verify",
        &[
            "HMAC".into(),
            crypto_key,
            Uint8Array::from(&sig[..]).into(),
            bytes.clone().into(),
        ],
    )
    .await?;
    Ok((ok.as_bool().unwrap_or(false), bytes, text))
}

/// Whether `signature` (`sha256=<hex>` or bare hex) signs `body` for `apiKey`. Pass the raw
/// body exactly as received, never a re-serialised object.
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "Promise<boolean>")]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookInput")] input: JsValue,
) -> Promise {
    promise(async move {
        verify(&input)
            .await
            .map(|(ok, _, _)| JsValue::from_bool(ok))
            .map_err(Failure::from)
    })
}

/// Verifies the signature, then returns the event. Rejects `ApiframeError` with code
/// `authentication` for a bad signature and `invalid_request` for a body that is no event.
#[wasm_bindgen(js_name = parseWebhook, unchecked_return_type = "Promise<WebhookPayload>")]
pub fn parse_webhook(
    #[wasm_bindgen(unchecked_param_type = "WebhookInput")] input: JsValue,
) -> Promise {
    promise(async move {
        let result: Result<JsValue, ApiError> = async {
            let (ok, bytes, text) = verify(&input).await?;
            if !ok {
                return Err(ApiError::new(
                    ErrorCode::Authentication,
                    "webhook signature does not match this API key and body",
                ));
            }
            let text = match text {
                Some(t) => t,
                None => String::from_utf8(bytes.to_vec()).map_err(|_| {
                    ApiError::new(ErrorCode::InvalidRequest, "webhook body is not UTF-8 text")
                })?,
            };
            check_event(&text)?;
            js_sys::JSON::parse(&text)
                .map_err(|_| ApiError::new(ErrorCode::InvalidRequest, "webhook body is not JSON"))
        }
        .await;
        result.map_err(Failure::from)
    })
}
