//! The Vercel AI SDK's image model interface (`ImageModelV3`) mapped onto a Reve request:
//! what each `generateImage` setting becomes, decided here and tested natively. The wasm
//! layer reads the call's options off the JS object and hands the plain values here.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::decode::{quoted, Expectation};
use super::error::ApiError;
use super::request::{AspectRatio, GenerateRequest, Model, ReveParams, WebhookEvent, MAX_SAFE_INTEGER};
use super::serde_names::names;
use super::settings;

/// The provider's name in the AI SDK (`providerOptions.apiframe`, `providerMetadata.apiframe`).
pub const PROVIDER: &str = "apiframe";
/// Most jobs one `doGenerate` call runs (`generateImage` asks for one at a time).
pub const MAX_N: f64 = 10.0;

optional_fields! {
    /// `providerOptions.apiframe` of a `generateImage` call: Reve's settings that the AI SDK does
    /// not name.
    #[derive(Debug, Clone, Default, PartialEq, Deserialize, Tsify)]
    #[serde(rename_all = "camelCase")]
    pub struct ApiframeImageOptions {
        /// Reve's model version (`reveParams.version`).
        version: Option<String>,
        /// Absolute http(s) URL the service POSTs the job's events to.
        webhook_url: Option<String>,
        /// Which events to send there (a non-empty subset).
        webhook_events: Option<Vec<WebhookEvent>>,
        /// Give up waiting for the job after this many ms (default 600000); the job goes on.
        timeout_ms: Option<f64>,
    }
}

/// What the fields of `providerOptions.apiframe` take, for messages.
pub fn expectation(field: &str) -> Option<Expectation> {
    let what = match field {
        "version" | "webhookUrl" => "a string".to_string(),
        "webhookEvents" => format!("a non-empty array of {}", quoted(names::<WebhookEvent>())),
        "timeoutMs" => "a number".to_string(),
        "providerOptions.apiframe" => "an object".to_string(),
        _ => return None,
    };
    Some((what, None))
}

/// The settings of one `doGenerate` call that this model reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageCall {
    pub prompt: Option<String>,
    pub n: Option<f64>,
    pub size: Option<String>,
    pub aspect_ratio: Option<String>,
    pub seed: Option<f64>,
    /// `files` holds prompt images (image editing).
    pub has_files: bool,
    /// `mask` is set (inpainting).
    pub has_mask: bool,
    pub options: ApiframeImageOptions,
}

/// A warning for the AI SDK (`SharedV3Warning`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Warning {
    /// A setting this model does not take as given.
    Unsupported { feature: String, details: String },
}

/// What one `doGenerate` call does: `n` jobs of `request`, each waited for at most
/// `timeout_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePlan {
    pub request: GenerateRequest,
    pub n: u32,
    pub timeout_ms: Option<f64>,
    pub warnings: Vec<Warning>,
}

/// The model ids this provider serves: the request's own `model` values.
pub fn check_model(model_id: &str) -> Result<(), ApiError> {
    let served = names::<Model>();
    if served.contains(&model_id) {
        return Ok(());
    }
    Err(ApiError::invalid(
        "modelId",
        format!("apiframe-reve serves the image model {}, not \"{model_id}\"", quoted(served)),
        Some(served.to_vec().into()),
    ))
}

/// `w:h` or `wxh` as two positive whole numbers.
fn dimensions(s: &str, sep: char) -> Option<(u64, u64)> {
    let (w, h) = s.split_once(sep)?;
    let (w, h) = (w.trim().parse::<u64>().ok()?, h.trim().parse::<u64>().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The name of the ratio Reve has that equals `w:h` once reduced (`32:18` is `16:9`).
fn exact_ratio(w: u64, h: u64) -> Option<&'static str> {
    let g = gcd(w, h);
    names::<AspectRatio>().iter().copied().find(|n| dimensions(n, ':') == Some((w / g, h / g)))
}

/// The name of the ratio Reve has nearest to `w:h` (by the logarithm of the ratio: 2:1 is as
/// far from 1:1 as 1:2).
fn nearest_ratio(w: u64, h: u64) -> Option<&'static str> {
    let target = (w as f64 / h as f64).ln();
    let distance = |name: &str| dimensions(name, ':').map(|(a, b)| ((a as f64 / b as f64).ln() - target).abs());
    names::<AspectRatio>()
        .iter()
        .filter_map(|n| Some((*n, distance(n)?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n)
}

/// The ratio of a name `names::<AspectRatio>()` gave.
fn ratio_named(name: &str) -> Option<AspectRatio> {
    AspectRatio::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).ok()
}

#[cold]
fn bad_ratio(given: &str) -> ApiError {
    let ratios = names::<AspectRatio>();
    ApiError::invalid(
        "aspectRatio",
        format!("aspectRatio must be one of Reve's {} ratios, {}; got \"{given}\"", ratios.len(), quoted(ratios)),
        Some(ratios.to_vec().into()),
    )
}

/// What `size` becomes: the ratio it reduces to, or the nearest, and a warning either way.
fn from_size(size: &str) -> Result<(AspectRatio, Warning), ApiError> {
    let bad = || ApiError::invalid("size", format!("size must be \"{{width}}x{{height}}\" in whole pixels, got \"{size}\""), None);
    let (w, h) = dimensions(size, 'x').ok_or_else(bad)?;
    let (name, how) = match exact_ratio(w, h) {
        Some(r) => (r, "the aspect ratio it reduces to"),
        None => (nearest_ratio(w, h).ok_or_else(bad)?, "the nearest aspect ratio Reve has"),
    };
    let ratio = ratio_named(name).ok_or_else(bad)?;
    let details = format!("Reve takes aspect ratios, not sizes: size {size} was sent as {how}, {name}; use aspectRatio to choose one");
    Ok((ratio, Warning::Unsupported { feature: "size".into(), details }))
}

/// The plan of one `doGenerate` call, or the first reason it cannot be sent (before anything
/// is sent).
pub fn plan(call: ImageCall) -> Result<ImagePlan, ApiError> {
    if call.has_files || call.has_mask {
        let field = if call.has_files { "files" } else { "mask" };
        return Err(ApiError::invalid(
            field,
            format!("reve-create makes images from a text prompt; prompt images and masks (image editing) are not supported, so {field} must be left out"),
            None,
        ));
    }
    let n = settings::number_in("n", call.n, 1.0, MAX_N, true)?.unwrap_or(1.0) as u32;
    let mut warnings = Vec::new();
    let aspect_ratio = match (call.aspect_ratio.as_deref(), call.size.as_deref()) {
        (Some(r), size) => {
            let ratio = dimensions(r, ':')
                .and_then(|(w, h)| exact_ratio(w, h))
                .and_then(ratio_named)
                .ok_or_else(|| bad_ratio(r))?;
            if let Some(size) = size {
                let details = format!("size {size} was left out: aspectRatio decides the shape, and Reve takes no sizes");
                warnings.push(Warning::Unsupported { feature: "size".into(), details });
            }
            Some(ratio)
        }
        (None, Some(size)) => {
            let (ratio, warning) = from_size(size)?;
            warnings.push(warning);
            Some(ratio)
        }
        (None, None) => None,
    };
    let max = MAX_SAFE_INTEGER as f64;
    let seed = settings::number_in("seed", call.seed, -max, max, true)?.map(|s| s as i64);
    let timeout_ms = call.options.timeout_ms;
    settings::number_in("providerOptions.apiframe.timeoutMs", timeout_ms, 0.0, f64::MAX, false)?;
    let version = call.options.version;
    let reve_params = (aspect_ratio.is_some() || seed.is_some() || version.is_some())
        .then_some(ReveParams { aspect_ratio, seed, version });
    let prompt = call.prompt.ok_or_else(|| ApiError::invalid("prompt", "prompt is required: reve-create makes images from text", None))?;
    let request = GenerateRequest {
        prompt,
        model: Some(Model::ReveCreate),
        reve_params,
        webhook_url: call.options.webhook_url,
        webhook_url_alias: None,
        webhook_events: call.options.webhook_events,
    }
    .prepare()?;
    Ok(ImagePlan { request, n, timeout_ms, warnings })
}

#[cfg(test)]
#[path = "ai_sdk_tests.rs"]
mod tests;
