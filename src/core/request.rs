//! The submit request: its wire shape as serde types (which also give its TypeScript type),
//! checked before anything is sent and normalised to the wire's spelling. The provider's
//! schema forbids unknown properties, so a name the types do not declare is refused, with the
//! likely intended name (`aspectRatio` → `aspect_ratio`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tsify::Tsify;

use super::decode::{self, allowed, quoted, Expectation};
use super::error::ApiError;
use super::option_names::{check_known, Noun};
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

/// Reve's own parameters, sent as `reveParams`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Tsify)]
pub struct ReveParams {
    /// Output shape; the service's default when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub aspect_ratio: Option<AspectRatio>,
    /// Reuse a seed to reproduce a result; a safe integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub seed: Option<i64>,
    /// Model version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub version: Option<String>,
}

/// The body of `POST /v2/images/generate`, as the service documents it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GenerateRequest {
    /// What to draw: 1 to 2000 characters.
    pub prompt: String,
    /// Always "reve-create" (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub model: Option<Model>,
    /// Reve's parameters: aspect ratio, seed, version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub reve_params: Option<ReveParams>,
    /// Absolute http(s) URL the service POSTs job events to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub webhook_url: Option<String>,
    /// The product page's spelling of `webhookUrl`; sent as `webhookUrl`.
    #[serde(default, rename = "webhook_url", skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub webhook_url_alias: Option<String>,
    /// Which events to send (a non-empty subset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub webhook_events: Option<Vec<WebhookEvent>>,
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

/// Refuses names the request types do not declare: `top` are the request's own keys,
/// `reve_params` those of its `reveParams` object, when it is one.
pub fn check_names<S: AsRef<str>>(
    top: impl IntoIterator<Item = S>,
    reve_params: impl IntoIterator<Item = S>,
) -> Result<(), ApiError> {
    for name in top {
        check_known(Noun::Field, "request", "", name.as_ref(), names::<GenerateRequest>())?;
    }
    for name in reve_params {
        check_known(Noun::Field, "reveParams", "reveParams.", name.as_ref(), names::<ReveParams>())?;
    }
    Ok(())
}

/// A string that is not well-formed UTF-16 cannot be sent as the caller wrote it.
#[cold]
pub fn lone_surrogate(field: &str) -> ApiError {
    let field = if field.is_empty() { "request" } else { field };
    ApiError::invalid(
        field,
        format!("{field} holds a lone UTF-16 surrogate (half of an emoji, or a string cut in the middle of one): it cannot be sent as it is"),
        None,
    )
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

/// Reads a request (a JS value through serde-wasm-bindgen, or JSON natively), refusing
/// unknown names first, and returns the body to send.
pub fn read<'de, D>(de: D) -> Result<GenerateRequest, ApiError>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    decode::decode::<GenerateRequest, D>(de, "request", expectation)?.prepare()
}

/// The keys of a JSON request and of its `reveParams`, for [`check_names`] natively (the
/// wasm layer reads them off the JS object).
pub fn json_keys(v: &Value) -> (Vec<&str>, Vec<&str>) {
    fn keys(v: Option<&Value>) -> Vec<&str> {
        v.and_then(Value::as_object)
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
    (keys(Some(v)), keys(v.get("reveParams")))
}

/// Checks names, then reads: the whole of a JSON request's checks, natively.
pub fn read_json(v: &Value) -> Result<GenerateRequest, ApiError> {
    let (top, params) = json_keys(v);
    check_names(top, params)?;
    read(v)
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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field_of(v: Value) -> String {
        read_json(&v).unwrap_err().field().unwrap().to_string()
    }

    fn body(v: Value) -> Value {
        serde_json::to_value(read_json(&v).unwrap()).unwrap()
    }

    #[test]
    fn defaults_the_model() {
        assert_eq!(
            body(json!({"prompt": "car", "reveParams": {"seed": 1}})),
            json!({"prompt": "car", "model": "reve-create", "reveParams": {"seed": 1}})
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_likely_intended_one() {
        let e = read_json(&json!({"prompt": "x", "reveParams": {"aspectRatio": "16:9"}})).unwrap_err();
        assert_eq!(e.field(), Some("reveParams.aspectRatio"));
        assert!(e.message.contains("did you mean \"aspect_ratio\""), "{}", e.message);
        assert!(e.message.contains("reveParams takes aspect_ratio, seed, version"), "{}", e.message);
        assert_eq!(field_of(json!({"prompt": "x", "negativePrompt": "blur"})), "negativePrompt");
        let e = read_json(&json!({"prompt": "x", "webhookURL": "https://a/b"})).unwrap_err();
        assert!(e.message.contains("did you mean \"webhookUrl\""), "{}", e.message);
    }

    #[test]
    fn renames_webhook_url() {
        let out = body(json!({"prompt": "x", "webhook_url": "https://a.example/h"}));
        assert_eq!(out["webhookUrl"], "https://a.example/h");
        assert!(out.get("webhook_url").is_none());
        assert_eq!(
            field_of(json!({"prompt": "x", "webhook_url": "https://a/1", "webhookUrl": "https://a/2"})),
            "webhookUrl"
        );
    }

    #[test]
    fn names_the_bad_field_and_what_is_allowed() {
        let e = read_json(&json!({"prompt": "x", "reveParams": {"aspect_ratio": "21:9"}})).unwrap_err();
        assert_eq!(e.field(), Some("reveParams.aspect_ratio"));
        assert_eq!(
            e.message,
            "reveParams.aspect_ratio must be one of \"16:9\", \"9:16\", \"3:2\", \"2:3\", \"4:3\", \"3:4\", \"1:1\", got \"21:9\""
        );
        assert_eq!(
            e.details.unwrap()["allowed"],
            json!(["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"])
        );
        for (v, f) in [
            (json!({}), "prompt"),
            (json!({"prompt": ""}), "prompt"),
            (json!({"prompt": 5}), "prompt"),
            (json!({"prompt": null}), "prompt"),
            (json!({"prompt": "x".repeat(2001)}), "prompt"),
            (json!({"prompt": "x", "model": "flux"}), "model"),
            (json!({"prompt": "x", "reveParams": 3}), "reveParams"),
            (json!({"prompt": "x", "reveParams": {"seed": 1.5}}), "reveParams.seed"),
            (json!({"prompt": "x", "reveParams": {"seed": "1"}}), "reveParams.seed"),
            (json!({"prompt": "x", "reveParams": {"seed": 9007199254740992u64}}), "reveParams.seed"),
            (json!({"prompt": "x", "reveParams": {"version": 2}}), "reveParams.version"),
            (json!({"prompt": "x", "webhookUrl": "ftp://a/b"}), "webhookUrl"),
            (json!({"prompt": "x", "webhookUrl": "/relative"}), "webhookUrl"),
            (json!({"prompt": "x", "webhookEvents": []}), "webhookEvents"),
            (json!({"prompt": "x", "webhookEvents": ["done"]}), "webhookEvents"),
            (json!({"prompt": "x", "webhookEvents": "completed"}), "webhookEvents"),
            (json!("a prompt"), "request"),
        ] {
            assert_eq!(field_of(v.clone()), f, "{v}");
        }
    }

    #[test]
    fn null_means_not_set_for_optional_fields() {
        assert_eq!(
            body(json!({
                "prompt": "x", "model": null, "webhookUrl": null, "webhookEvents": null,
                "reveParams": {"seed": null, "aspect_ratio": "1:1", "version": null}
            })),
            json!({"prompt": "x", "model": "reve-create", "reveParams": {"aspect_ratio": "1:1"}})
        );
    }

    #[test]
    fn seeds_at_the_safe_integer_edges() {
        for seed in [json!(0), json!(-1), json!(9007199254740991u64), json!(-9007199254740991i64)] {
            read_json(&json!({"prompt": "x", "reveParams": {"seed": seed}})).unwrap();
        }
        assert_eq!(field_of(json!({"prompt": "x", "reveParams": {"seed": -9007199254740992i64}})), "reveParams.seed");
    }

    #[test]
    fn prompt_length_counts_utf16_units_like_javascript() {
        read_json(&json!({"prompt": "字".repeat(2000)})).unwrap();
        assert_eq!(field_of(json!({"prompt": "😀".repeat(1001)})), "prompt");
        read_json(&json!({"prompt": "😀".repeat(1000)})).unwrap();
    }

    #[test]
    fn idempotency_keys() {
        check_idempotency_key("abc-123").unwrap();
        check_idempotency_key(&"k".repeat(255)).unwrap();
        for bad in ["", "has space", "é", &"k".repeat(256)] {
            assert!(check_idempotency_key(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_valid_request_passes_and_keeps_its_fields(
            prompt in "[^\u{0}]{1,200}",
            ratio in proptest::sample::select(names::<AspectRatio>().to_vec()),
            seed in -9_007_199_254_740_991i64..=9_007_199_254_740_991i64,
        ) {
            let out = body(json!({"prompt": prompt, "reveParams": {"aspect_ratio": ratio, "seed": seed}}));
            prop_assert_eq!(&out["prompt"], &json!(prompt));
            prop_assert_eq!(&out["reveParams"]["seed"], &json!(seed));
            prop_assert_eq!(&out["model"], &json!("reve-create"));
        }

        #[test]
        fn any_json_never_panics(s in ".{0,64}") {
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = read_json(&v);
            }
            let _ = read_json(&json!({"prompt": s, "reveParams": {"aspect_ratio": s, "seed": s}}));
        }
    }
}
