//! The submit request: validated before anything is sent, normalised to the wire's spelling.
//! The request mirrors the wire (`prompt`, `model`, `reveParams`, `webhookUrl`,
//! `webhookEvents`); keys the client does not know pass through untouched.

use alloc::string::String;
use alloc::vec::Vec;

use super::json::{Map, Value};

use super::error::ApiError;

pub const MODEL: &str = "reve-create";
pub const PROMPT_MAX_UTF16: usize = 2000;
pub const ASPECT_RATIOS: [&str; 7] = ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"];
pub const WEBHOOK_EVENTS: [&str; 3] = ["progress", "completed", "failed"];
/// 2^53 - 1: larger integers do not survive JSON in JavaScript.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;
pub const IDEMPOTENCY_KEY_MAX: usize = 255;
/// The `reveParams` keys the service documents; `null` in one of them means "not set".
const REVE_PARAMS: [&str; 3] = ["aspect_ratio", "seed", "version"];

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 40 => {
            cat!("a string of ", s.chars().count(), " characters")
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
        other => other.to_json(),
    }
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| cat!('"', s, '"')).collect();
    super::text::join(&quoted, ", ")
}

/// An absolute `http:` or `https:` URL with a host.
pub fn is_http_url(s: &str) -> bool {
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        r
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Checks a caller's request and returns the body to send: `model` defaulted to
/// `reve-create`, the product page's `webhook_url` renamed to `webhookUrl`.
pub fn prepare_generate(request: &Value) -> Result<Value, ApiError> {
    let Some(obj) = request.as_object() else {
        return Err(ApiError::invalid(
            "request",
            cat!(
                "the request must be an object like { prompt: \"...\" }, got ",
                describe(request)
            ),
            None,
        ));
    };
    let mut out = obj.clone();

    match obj.get("prompt") {
        Some(Value::String(p)) => {
            let n = p.encode_utf16().count();
            if n == 0 || n > PROMPT_MAX_UTF16 {
                return Err(ApiError::invalid(
                    "prompt",
                    cat!(
                        "prompt must be 1 to ",
                        PROMPT_MAX_UTF16,
                        " characters long, got ",
                        n
                    ),
                    Some(Value::object([
                        ("minLength", Value::from(1u64)),
                        ("maxLength", Value::from(PROMPT_MAX_UTF16 as u64)),
                    ])),
                ));
            }
        }
        None | Some(Value::Null) => {
            return Err(ApiError::invalid(
                "prompt",
                "prompt is required: a text of 1 to 2000 characters",
                None,
            ))
        }
        Some(v) => {
            return Err(ApiError::invalid(
                "prompt",
                cat!("prompt must be a string, got ", describe(v)),
                None,
            ))
        }
    }

    match obj.get("model") {
        None | Some(Value::Null) => {
            out.insert("model", Value::from(MODEL));
        }
        Some(Value::String(m)) if m == MODEL => {}
        Some(v) => {
            return Err(ApiError::invalid(
                "model",
                cat!(
                    "model must be \"",
                    MODEL,
                    "\" (or left out), got ",
                    describe(v)
                ),
                Some(Value::strings(&[MODEL])),
            ))
        }
    }

    match obj.get("reveParams") {
        None | Some(Value::Null) => {
            out.remove("reveParams");
        }
        Some(Value::Object(p)) => {
            check_reve_params(p)?;
            let mut set = p.clone();
            set.retain(|k, v| !(v.is_null() && REVE_PARAMS.contains(&k)));
            out.insert("reveParams", Value::Object(set));
        }
        Some(v) => {
            return Err(ApiError::invalid(
                "reveParams",
                cat!(
                    "reveParams must be an object like { aspect_ratio: \"16:9\", seed: 1 }, got ",
                    describe(v)
                ),
                None,
            ))
        }
    }

    let camel = obj.get("webhookUrl").filter(|v| !v.is_null());
    let snake = obj.get("webhook_url").filter(|v| !v.is_null());
    out.remove("webhook_url");
    let url = match (camel, snake) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::invalid(
                "webhookUrl",
                "webhookUrl and webhook_url name the same field and differ: give one",
                None,
            ))
        }
        (Some(u), _) | (None, Some(u)) => Some(u),
        (None, None) => None,
    };
    match url {
        None => {
            out.remove("webhookUrl");
        }
        Some(Value::String(u)) if is_http_url(u) => {
            out.insert("webhookUrl", Value::from(u.as_str()));
        }
        Some(v) => {
            return Err(ApiError::invalid(
                "webhookUrl",
                cat!(
                    "webhookUrl must be an absolute http(s) URL, got ",
                    describe(v)
                ),
                None,
            ))
        }
    }

    match obj.get("webhookEvents") {
        None | Some(Value::Null) => {
            out.remove("webhookEvents");
        }
        Some(Value::Array(events)) if !events.is_empty() => {
            for e in events {
                if !e.as_str().is_some_and(|s| WEBHOOK_EVENTS.contains(&s)) {
                    return Err(ApiError::invalid(
                        "webhookEvents",
                        cat!(
                            "webhookEvents may hold only ",
                            list(&WEBHOOK_EVENTS),
                            ", got ",
                            describe(e)
                        ),
                        Some(Value::strings(&WEBHOOK_EVENTS)),
                    ));
                }
            }
        }
        Some(v) => {
            return Err(ApiError::invalid(
                "webhookEvents",
                cat!(
                    "webhookEvents must be a non-empty array of ",
                    list(&WEBHOOK_EVENTS),
                    ", got ",
                    describe(v)
                ),
                Some(Value::strings(&WEBHOOK_EVENTS)),
            ))
        }
    }
    Ok(Value::Object(out))
}

fn check_reve_params(p: &Map) -> Result<(), ApiError> {
    if let Some(v) = p.get("aspect_ratio").filter(|v| !v.is_null()) {
        if !v.as_str().is_some_and(|s| ASPECT_RATIOS.contains(&s)) {
            return Err(ApiError::invalid(
                "reveParams.aspect_ratio",
                cat!(
                    "reveParams.aspect_ratio must be one of ",
                    list(&ASPECT_RATIOS),
                    ", got ",
                    describe(v)
                ),
                Some(Value::strings(&ASPECT_RATIOS)),
            ));
        }
    }
    if let Some(v) = p.get("seed").filter(|v| !v.is_null()) {
        let ok = v
            .as_number()
            .and_then(|n| n.as_i64())
            .is_some_and(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER);
        if !ok {
            return Err(ApiError::invalid(
                "reveParams.seed",
                cat!(
                    "reveParams.seed must be a whole number from -(2^53-1) to 2^53-1, got ",
                    describe(v)
                ),
                Some(Value::object([
                    ("type", Value::from("integer")),
                    ("minimum", Value::from(-(MAX_SAFE_INTEGER as i64))),
                    ("maximum", Value::from(MAX_SAFE_INTEGER)),
                ])),
            ));
        }
    }
    if let Some(v) = p.get("version").filter(|v| !v.is_null()) {
        if !v.is_string() {
            return Err(ApiError::invalid(
                "reveParams.version",
                cat!("reveParams.version must be a string, got ", describe(v)),
                None,
            ));
        }
    }
    Ok(())
}

/// An `Idempotency-Key` the service accepts: 1 to 255 visible ASCII characters.
pub fn check_idempotency_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty()
        || key.len() > IDEMPOTENCY_KEY_MAX
        || !key.bytes().all(|b| (0x21..=0x7e).contains(&b))
    {
        return Err(ApiError::invalid(
            "idempotencyKey",
            cat!(
                "idempotencyKey must be 1 to ",
                IDEMPOTENCY_KEY_MAX,
                " visible ASCII characters"
            ),
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::tests::j;
    use proptest::prelude::*;
    use serde_json::json;

    fn field_of(v: serde_json::Value) -> String {
        prepare_generate(&j(v))
            .unwrap_err()
            .field()
            .unwrap()
            .to_string()
    }

    #[test]
    fn defaults_the_model_and_keeps_unknown_keys() {
        let out = prepare_generate(&j(
            json!({"prompt": "car", "reveParams": {"seed": 1, "future": true}, "extra": 2}),
        ))
        .unwrap();
        assert_eq!(
            out,
            j(
                json!({"prompt": "car", "model": "reve-create", "reveParams": {"seed": 1, "future": true}, "extra": 2})
            )
        );
    }

    #[test]
    fn renames_webhook_url() {
        let out = prepare_generate(&j(
            json!({"prompt": "x", "webhook_url": "https://a.example/h"}),
        ))
        .unwrap();
        assert_eq!(out["webhookUrl"].as_str(), Some("https://a.example/h"));
        assert!(out.get("webhook_url").is_none());
        assert_eq!(
            field_of(
                json!({"prompt": "x", "webhook_url": "https://a/1", "webhookUrl": "https://a/2"})
            ),
            "webhookUrl"
        );
    }

    #[test]
    fn names_the_bad_field_and_what_is_allowed() {
        let e = prepare_generate(&j(
            json!({"prompt": "x", "reveParams": {"aspect_ratio": "21:9"}}),
        ))
        .unwrap_err();
        assert_eq!(e.field(), Some("reveParams.aspect_ratio"));
        assert!(
            e.message
                .contains("\"16:9\", \"9:16\", \"3:2\", \"2:3\", \"4:3\", \"3:4\", \"1:1\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("21:9"));
        assert_eq!(e.details.unwrap()["allowed"], j(json!(ASPECT_RATIOS)));
        for (v, f) in [
            (json!({}), "prompt"),
            (json!({"prompt": ""}), "prompt"),
            (json!({"prompt": 5}), "prompt"),
            (json!({"prompt": "x".repeat(2001)}), "prompt"),
            (json!({"prompt": "x", "model": "flux"}), "model"),
            (json!({"prompt": "x", "reveParams": 3}), "reveParams"),
            (
                json!({"prompt": "x", "reveParams": {"seed": 1.5}}),
                "reveParams.seed",
            ),
            (
                json!({"prompt": "x", "reveParams": {"seed": "1"}}),
                "reveParams.seed",
            ),
            (
                json!({"prompt": "x", "reveParams": {"seed": 9007199254740992u64}}),
                "reveParams.seed",
            ),
            (
                json!({"prompt": "x", "reveParams": {"version": 2}}),
                "reveParams.version",
            ),
            (
                json!({"prompt": "x", "webhookUrl": "ftp://a/b"}),
                "webhookUrl",
            ),
            (
                json!({"prompt": "x", "webhookUrl": "/relative"}),
                "webhookUrl",
            ),
            (json!({"prompt": "x", "webhookEvents": []}), "webhookEvents"),
            (
                json!({"prompt": "x", "webhookEvents": ["done"]}),
                "webhookEvents",
            ),
            (
                json!({"prompt": "x", "webhookEvents": "completed"}),
                "webhookEvents",
            ),
            (json!([1, 2]), "request"),
        ] {
            assert_eq!(field_of(v.clone()), f, "{v}");
        }
    }

    #[test]
    fn null_means_not_set_for_known_optional_fields() {
        let out = prepare_generate(&j(json!({
            "prompt": "x", "model": null, "webhookUrl": null, "webhookEvents": null,
            "reveParams": {"seed": null, "aspect_ratio": "1:1", "version": null, "future": null}
        })))
        .unwrap();
        assert_eq!(
            out,
            j(
                json!({"prompt": "x", "model": "reve-create", "reveParams": {"aspect_ratio": "1:1", "future": null}})
            )
        );
    }

    #[test]
    fn seeds_at_the_safe_integer_edges() {
        for seed in [
            json!(0),
            json!(-1),
            json!(9007199254740991u64),
            json!(-9007199254740991i64),
            json!(3.0),
        ] {
            prepare_generate(&j(json!({"prompt": "x", "reveParams": {"seed": seed}}))).unwrap();
        }
    }

    #[test]
    fn prompt_length_counts_utf16_units_like_javascript() {
        prepare_generate(&j(json!({"prompt": "字".repeat(2000)}))).unwrap();
        assert_eq!(field_of(json!({"prompt": "😀".repeat(1001)})), "prompt");
        prepare_generate(&j(json!({"prompt": "😀".repeat(1000)}))).unwrap();
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
            ratio in proptest::sample::select(ASPECT_RATIOS.to_vec()),
            seed in -9_007_199_254_740_991i64..=9_007_199_254_740_991i64,
        ) {
            let out = prepare_generate(&j(json!({"prompt": prompt, "reveParams": {"aspect_ratio": ratio, "seed": seed}}))).unwrap();
            prop_assert_eq!(&out["prompt"], &j(json!(prompt)));
            prop_assert_eq!(&out["reveParams"]["seed"], &j(json!(seed)));
            prop_assert_eq!(&out["model"], &j(json!(MODEL)));
        }

        #[test]
        fn any_json_never_panics(s in ".{0,64}") {
            if let Ok(v) = crate::core::json::parse(&s) {
                let _ = prepare_generate(&v);
            }
            let _ = prepare_generate(&j(json!({"prompt": s, "reveParams": {"aspect_ratio": s, "seed": s}})));
        }
    }
}
