//! The submit request: its wire shape as serde types (which also give its TypeScript type),
//! checked before anything is sent and normalised to the wire's spelling. The provider's
//! schema forbids unknown properties, so a name the types do not declare is refused, with the
//! likely intended name (`aspectRatio` → `aspect_ratio`).

use serde::{Deserialize, Serialize};
use serde_json::json;
use tsify::Tsify;

use super::decode::{allowed, quoted, Expectation};
use super::error::ApiError;
use super::serde_names::names;

pub const PROMPT_MAX_UTF16: usize = 2000;
/// 2^53 - 1: larger integers do not survive JSON in JavaScript.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// One of the 7 aspect ratios Reve renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub enum AspectRatio {
    #[serde(rename = "16:9")]
    Landscape16x9,
    #[serde(rename = "9:16")]
    Portrait9x16,
    #[serde(rename = "3:2")]
    Landscape3x2,
    #[serde(rename = "2:3")]
    Portrait2x3,
    #[serde(rename = "4:3")]
    Landscape4x3,
    #[serde(rename = "3:4")]
    Portrait3x4,
    #[serde(rename = "1:1")]
    Square,
}

/// The model: always `"reve-create"` (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Tsify)]
pub enum Model {
    #[default]
    #[serde(rename = "reve-create")]
    ReveCreate,
}

/// Job events a webhook can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum WebhookEvent {
    Progress,
    Completed,
    Failed,
}

optional_fields! {
    /// Reve's own parameters, sent as `reveParams`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Tsify)]
    pub struct ReveParams {
        /// Output shape; the service's default when left out.
        aspect_ratio: Option<AspectRatio>,
        /// Reuse a seed to reproduce a result; a safe integer.
        seed: Option<i64>,
        /// Model version.
        version: Option<String>,
    }
}

optional_fields! {
    /// The body of `POST /v2/images/generate`, as the service documents it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
    #[serde(rename_all = "camelCase")]
    pub struct GenerateRequest {
        /// What to draw: 1 to 2000 characters.
        pub prompt: String,
        /// Always "reve-create" (the default).
        model: Option<Model>,
        /// Reve's parameters: aspect ratio, seed, version.
        reve_params: Option<ReveParams>,
        /// Absolute http(s) URL the service POSTs job events to.
        webhook_url: Option<String>,
        /// The product page's spelling of `webhookUrl`; sent as `webhookUrl`.
        #[serde(rename = "webhook_url")]
        webhook_url_alias: Option<String>,
        /// Which events to send (a non-empty subset).
        webhook_events: Option<Vec<WebhookEvent>>,
    }
}

/// What each field of a request takes, for messages.
pub fn expectation(field: &str) -> Option<Expectation> {
    Some(match field {
        "request" => ("an object like { prompt: \"...\" }".into(), None),
        "prompt" => (format!("a string of 1 to {PROMPT_MAX_UTF16} characters"), None),
        "model" => (
            "\"reve-create\" (or left out)".into(),
            Some(allowed(names::<Model>())),
        ),
        "reveParams" => (
            "an object like { aspect_ratio: \"16:9\", seed: 1 }".into(),
            None,
        ),
        "reveParams.aspect_ratio" => (
            format!("one of {}", quoted(names::<AspectRatio>())),
            Some(allowed(names::<AspectRatio>())),
        ),
        "reveParams.seed" => (
            "a whole number from -(2^53-1) to 2^53-1".into(),
            Some(json!({"type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER})),
        ),
        "reveParams.version" => ("a string".into(), None),
        "webhookUrl" | "webhook_url" => ("an absolute http(s) URL".into(), None),
        "webhookEvents" => (
            format!("a non-empty array of {}", quoted(names::<WebhookEvent>())),
            Some(allowed(names::<WebhookEvent>())),
        ),
        _ => return None,
    })
}

/// An absolute `http:` or `https:` URL with a host.
pub fn is_http_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl GenerateRequest {
    /// Checks what serde's types cannot say and returns the body to send: `model` defaulted
    /// to `reve-create`, the product page's `webhook_url` sent as `webhookUrl`.
    pub fn prepare(mut self) -> Result<GenerateRequest, ApiError> {
        let n = self.prompt.encode_utf16().count();
        if n == 0 || n > PROMPT_MAX_UTF16 {
            return Err(ApiError::invalid(
                "prompt",
                format!("prompt must be 1 to {PROMPT_MAX_UTF16} characters long, got {n}"),
                Some(json!({"minLength": 1, "maxLength": PROMPT_MAX_UTF16})),
            ));
        }
        self.model.get_or_insert(Model::ReveCreate);
        if let Some(seed) = self.reve_params.as_ref().and_then(|p| p.seed) {
            if seed.unsigned_abs() > MAX_SAFE_INTEGER as u64 {
                let (what, allowed) = expectation("reveParams.seed").unwrap_or_default();
                return Err(ApiError::invalid(
                    "reveParams.seed",
                    format!("reveParams.seed must be {what}, got {seed}"),
                    allowed,
                ));
            }
        }
        let alias = self.webhook_url_alias.take();
        self.webhook_url = match (self.webhook_url.take(), alias) {
            (Some(a), Some(b)) if a != b => {
                return Err(ApiError::invalid(
                    "webhookUrl",
                    "webhookUrl and webhook_url name the same field and differ: give one",
                    None,
                ))
            }
            (Some(u), _) | (None, Some(u)) if is_http_url(&u) => Some(u),
            (Some(u), _) | (None, Some(u)) => {
                return Err(ApiError::invalid(
                    "webhookUrl",
                    format!("webhookUrl must be an absolute http(s) URL, got \"{u}\""),
                    None,
                ))
            }
            (None, None) => None,
        };
        if self.webhook_events.as_ref().is_some_and(Vec::is_empty) {
            let (what, allowed) = expectation("webhookEvents").unwrap_or_default();
            return Err(ApiError::invalid(
                "webhookEvents",
                format!("webhookEvents must be {what}, got an empty array"),
                allowed,
            ));
        }
        Ok(self)
    }
}

/// An `Idempotency-Key` the service accepts: 1 to 255 visible ASCII characters.
pub fn check_idempotency_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| (0x21..=0x7e).contains(&b))
    {
        return Err(ApiError::invalid(
            "idempotencyKey",
            format!("idempotencyKey must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"),
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
