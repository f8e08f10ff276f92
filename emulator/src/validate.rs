//! Validation of `POST /v2/images/generate` bodies exactly as the OpenAPI schema for
//! `reve-create` says, reported the way the service does: messages keyed by JSON path.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::aspect_ratio;

pub type Details = BTreeMap<String, Vec<String>>;

pub const PROMPT_MAX: usize = 2000;
pub const WEBHOOK_EVENTS: [&str; 3] = ["progress", "completed", "failed"];
const ROOT_KEYS: [&str; 5] = [
    "prompt",
    "model",
    "reveParams",
    "webhookUrl",
    "webhookEvents",
];
const REVE_PARAM_KEYS: [&str; 3] = ["aspect_ratio", "seed", "version"];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(" | ")
}

struct Report(Details);

impl Report {
    fn add(&mut self, path: &str, msg: String) {
        self.0.entry(path.to_string()).or_default().push(msg);
    }

    fn expected(&mut self, path: &str, expected: &str, got: &Value) {
        self.add(path, format!("Expected {expected}, received {}", kind(got)));
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, allowed: &[&str], prefix: &str) {
        for key in obj.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.add(
                &format!("{prefix}{key}"),
                format!(
                    "Unrecognized key '{key}': allowed keys are {}",
                    quoted_list(allowed)
                ),
            );
        }
    }
}

/// Whole-number JSON values, as JSON Schema's `integer` type counts them (`3.0` is one).
pub fn as_integer(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// An absolute URI: a scheme, a colon, and something after it, with no white space.
pub fn is_absolute_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !s.chars().any(char::is_whitespace)
}

/// Checks a parsed request body; `Ok` when it satisfies the schema.
pub fn generate_request(body: &Value) -> Result<(), Details> {
    let mut r = Report(Details::new());
    let Some(obj) = body.as_object() else {
        r.expected("", "object", body);
        return Err(r.0);
    };
    r.unknown_keys(obj, &ROOT_KEYS, "");

    match obj.get("prompt") {
        None => r.add("prompt", "Required".into()),
        Some(Value::String(s)) => {
            let n = s.encode_utf16().count();
            if n < 1 {
                r.add(
                    "prompt",
                    "String must contain at least 1 character(s)".into(),
                );
            } else if n > PROMPT_MAX {
                r.add(
                    "prompt",
                    format!("String must contain at most {PROMPT_MAX} character(s), received {n}"),
                );
            }
        }
        Some(v) => r.expected("prompt", "string", v),
    }

    match obj.get("model") {
        None => r.add("model", "Required".into()),
        Some(Value::String(s)) if s == "reve-create" => {}
        Some(Value::String(s)) => r.add(
            "model",
            format!("Invalid enum value. Expected 'reve-create', received '{s}'"),
        ),
        Some(v) => r.expected("model", "string", v),
    }

    match obj.get("reveParams") {
        None => {}
        Some(Value::Object(p)) => {
            r.unknown_keys(p, &REVE_PARAM_KEYS, "reveParams.");
            match p.get("aspect_ratio") {
                None => {}
                Some(Value::String(s)) if aspect_ratio::ALL.contains(&s.as_str()) => {}
                Some(Value::String(s)) => r.add(
                    "reveParams.aspect_ratio",
                    format!(
                        "Invalid enum value. Expected {}, received '{s}'",
                        quoted_list(&aspect_ratio::ALL)
                    ),
                ),
                Some(v) => r.expected("reveParams.aspect_ratio", "string", v),
            }
            match p.get("seed") {
                None => {}
                Some(v @ Value::Number(_)) if as_integer(v).is_none() => {
                    r.add("reveParams.seed", "Expected integer, received float".into())
                }
                Some(Value::Number(_)) => {}
                Some(v) => r.expected("reveParams.seed", "integer", v),
            }
            match p.get("version") {
                None | Some(Value::String(_)) => {}
                Some(v) => r.expected("reveParams.version", "string", v),
            }
        }
        Some(v) => r.expected("reveParams", "object", v),
    }

    match obj.get("webhookUrl") {
        None => {}
        Some(Value::String(s)) if is_absolute_uri(s) => {}
        Some(Value::String(_)) => {
            r.add("webhookUrl", "Invalid url: expected an absolute URI".into())
        }
        Some(v) => r.expected("webhookUrl", "string", v),
    }

    match obj.get("webhookEvents") {
        None => {}
        Some(Value::Array(items)) => {
            if items.is_empty() {
                r.add(
                    "webhookEvents",
                    "Array must contain at least 1 element(s)".into(),
                );
            }
            for (i, item) in items.iter().enumerate() {
                let path = format!("webhookEvents.{i}");
                match item {
                    Value::String(s) if WEBHOOK_EVENTS.contains(&s.as_str()) => {}
                    Value::String(s) => r.add(
                        &path,
                        format!(
                            "Invalid enum value. Expected {}, received '{s}'",
                            quoted_list(&WEBHOOK_EVENTS)
                        ),
                    ),
                    v => r.expected(&path, "string", v),
                }
            }
        }
        Some(v) => r.expected("webhookEvents", "array", v),
    }

    if r.0.is_empty() {
        Ok(())
    } else {
        Err(r.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errs(v: Value) -> Details {
        generate_request(&v).unwrap_err()
    }

    #[test]
    fn accepts_the_providers_example_and_every_field() {
        generate_request(
            &json!({"prompt": "car", "model": "reve-create", "reveParams": {"seed": 1}}),
        )
        .unwrap();
        generate_request(&json!({
            "prompt": "x", "model": "reve-create",
            "reveParams": {"aspect_ratio": "9:16", "seed": -3, "version": "latest"},
            "webhookUrl": "https://example.com/hook", "webhookEvents": ["completed", "failed"]
        }))
        .unwrap();
        generate_request(
            &json!({"prompt": "x", "model": "reve-create", "reveParams": {"seed": 2.0}}),
        )
        .unwrap();
    }

    #[test]
    fn names_every_bad_field_by_path() {
        let d = errs(json!({
            "prompt": "", "model": "flux", "extra": 1,
            "reveParams": {"aspect_ratio": "5:4", "seed": 1.5, "version": 3, "steps": 9},
            "webhookUrl": "not a url", "webhookEvents": ["done"]
        }));
        let keys: Vec<&str> = d.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "extra",
                "model",
                "prompt",
                "reveParams.aspect_ratio",
                "reveParams.seed",
                "reveParams.steps",
                "reveParams.version",
                "webhookEvents.0",
                "webhookUrl"
            ]
        );
        assert!(d["reveParams.aspect_ratio"][0].contains("'16:9' | '9:16'"));
    }

    #[test]
    fn counts_prompt_length_in_utf16_units() {
        let ok = "あ".repeat(2000);
        generate_request(&json!({"prompt": ok, "model": "reve-create"})).unwrap();
        let long = "😀".repeat(1001); // 2002 UTF-16 units
        assert!(errs(json!({"prompt": long, "model": "reve-create"})).contains_key("prompt"));
    }

    #[test]
    fn requires_prompt_and_model_and_an_object() {
        let d = errs(json!({}));
        assert_eq!(d["prompt"], ["Required"]);
        assert_eq!(d["model"], ["Required"]);
        assert!(errs(json!([1])).contains_key(""));
        assert!(
            errs(json!({"prompt": "x", "model": "reve-create", "webhookEvents": []}))
                .contains_key("webhookEvents")
        );
    }
}
