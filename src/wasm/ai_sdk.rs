//! The AI SDK provider's calls into the module (`dist/ai.js` builds the `ImageModelV3` around
//! them): its client, and the mapping of a call, which is the core's (`core::ai_sdk`). Server
//! and edge builds only: the browser's module leaves it out.

use js_sys::{Array, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::args::{self, get};
use super::client::ReveClient;
use super::js_error::{to_js, Failure};
use super::options::{ApiframeProviderSettings, ReveClientOptions};
use crate::core::ai_sdk::{self, ImageCall, Warning};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::request::GenerateRequest;
use crate::core::retry;

/// What one `doGenerate` does, for `dist/ai.js`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Plan<'a> {
    request: &'a GenerateRequest,
    n: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<f64>,
    warnings: &'a [Warning],
}

fn string(options: &JsValue, field: &str) -> Result<Option<String>, ApiError> {
    let v = get(options, field);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| ApiError::wrong_type(field, "a string"))
}

fn number(options: &JsValue, field: &str) -> Result<Option<f64>, ApiError> {
    let v = get(options, field);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| ApiError::wrong_type(field, "a number"))
}

fn read_call(options: &JsValue) -> Result<ImageCall, ApiError> {
    let files = get(options, "files");
    let apiframe = get(&get(options, "providerOptions"), ai_sdk::PROVIDER);
    Ok(ImageCall {
        prompt: string(options, "prompt")?,
        n: number(options, "n")?,
        size: string(options, "size")?,
        aspect_ratio: string(options, "aspectRatio")?,
        seed: number(options, "seed")?,
        has_files: Array::is_array(&files) && Array::from(&files).length() > 0,
        has_mask: !(get(options, "mask").is_undefined() || get(options, "mask").is_null()),
        options: args::options(&apiframe, "providerOptions.apiframe", ai_sdk::expectation)?,
    })
}

#[wasm_bindgen]
impl ReveClient {
    /// For `apiframe-reve/ai` only: the client of `createApiframe(settings)`, `defaults` (from
    /// `process.env`) filling what the settings leave out.
    #[wasm_bindgen(js_name = __aiClient, skip_typescript)]
    pub fn ai_client(settings: JsValue, defaults: JsValue) -> Result<ReveClient, JsValue> {
        let client = (|| {
            let s: ApiframeProviderSettings = args::options(&settings, "settings", args::option_expectation)?;
            let d: ApiframeProviderSettings = args::options(&defaults, "defaults", args::option_expectation)?;
            ReveClient::from_options(ReveClientOptions {
                api_key: s.api_key.or(d.api_key),
                base_url: s.base_url.or(d.base_url),
                headers: s.headers,
                fetch: s.fetch,
                ..ReveClientOptions::default()
            })
        })();
        client.map_err(|e| Failure::from(e).into_js())
    }

    /// For `apiframe-reve/ai` only: a download's `ApiframeError` once its job exists, as the
    /// core says such a failure reads (`retry::after_job_exists`): calling `generateImage`
    /// again would bill a second job, so it is not `retryable`, and its message says what is.
    #[wasm_bindgen(js_name = __aiAfterJob, skip_typescript)]
    pub fn ai_after_job(error: JsValue) -> JsValue {
        let (Some(id), Some(true), Some(message)) =
            (get(&error, "jobId").as_string(), get(&error, "retryable").as_bool(), get(&error, "message").as_string())
        else {
            return error;
        };
        let mut e = ApiError::new(ErrorCode::Server, message);
        e.retryable = true;
        let e = retry::after_job_exists(e, &id);
        let _ = Reflect::set(&error, &"retryable".into(), &e.retryable.into());
        let _ = Reflect::set(&error, &"message".into(), &e.message.into());
        error
    }

    /// For `apiframe-reve/ai` only: checks `modelId`, and maps a `doGenerate` call's options
    /// (when given) to `{ request, n, timeoutMs, warnings }`, or throws `ApiframeError`.
    #[wasm_bindgen(js_name = __aiImageCall, skip_typescript)]
    pub fn ai_image_call(model_id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let plan = (|| {
            let id = model_id.as_string().ok_or_else(|| ApiError::wrong_type("modelId", "a string"))?;
            ai_sdk::check_model(&id)?;
            if options.is_undefined() {
                return Ok(JsValue::UNDEFINED);
            }
            let plan = ai_sdk::plan(read_call(&options)?)?;
            let out = Plan { request: &plan.request, n: plan.n, timeout_ms: plan.timeout_ms, warnings: &plan.warnings };
            Ok(to_js(&out))
        })();
        plan.map_err(|e: ApiError| Failure::from(e).into_js())
    }
}
