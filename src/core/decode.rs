//! Reading a caller's value into a serde type, with errors a person can act on: a mismatch
//! becomes an `invalid_request` that names the field (its path, `reveParams.seed`), says what
//! the field takes and what was given. The same code serves JavaScript values (through
//! serde-wasm-bindgen) and, in the native tests, serde_json values.

use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

use super::error::ApiError;

/// What a field takes, for messages: `(what, allowed)`, e.g. `("one of \"16:9\", ...",
/// Some(["16:9", ...]))`.
pub type Expectation = (String, Option<Value>);

/// Deserializes `T`, naming the whole value `root` (`"request"`, `"options"`) in errors.
/// `expect(field)` says what a field takes; fields it does not know get serde's wording.
pub fn decode<'de, T, D>(
    de: D,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> Result<T, ApiError>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = field_path(e.path());
        mismatch(path, &e.inner().to_string(), root, expect)
    })
}

/// `reveParams.seed`; array indices are left out (`webhookEvents[2]` is `webhookEvents`).
fn field_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        if let serde_path_to_error::Segment::Map { key } = segment {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(key);
        }
    }
    out
}

/// The error for serde's `message` at `path`.
#[cold]
#[inline(never)]
fn mismatch(
    mut path: String,
    message: &str,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> ApiError {
    // serde-wasm-bindgen's errors are JS Errors, shown as "Error: <message>".
    let message = message.strip_prefix("Error: ").unwrap_or(message);
    let between = |from: &str, to: &str| {
        let rest = &message[message.find(from)? + from.len()..];
        Some(rest[..rest.find(to)?].to_string())
    };
    // serde reports a missing field at its parent's path.
    if let Some(missing) = between("missing field `", "`") {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&missing);
        let what = expect(&path).map_or_else(String::new, |(what, _)| format!(": {what}"));
        return ApiError::invalid(&path, format!("{path} is required{what}"), None);
    }
    let field = if path.is_empty() { root.to_string() } else { path };
    let given = between("invalid type: ", ", expected")
        .or_else(|| between("invalid value: ", ", expected"))
        .map(as_written)
        .or_else(|| between("unknown variant `", "`").map(|v| format!("\"{v}\"")));
    match (expect(&field), given) {
        (Some((what, allowed)), Some(given)) => {
            ApiError::invalid(&field, format!("{field} must be {what}, got {given}"), allowed)
        }
        (Some((what, allowed)), None) => {
            ApiError::invalid(&field, format!("{field} must be {what} ({message})"), allowed)
        }
        (None, _) => ApiError::invalid(&field, format!("{field}: {message}"), None),
    }
}

/// What serde says was given, as the caller wrote it in JavaScript: numbers as given (serde
/// writes `5` as "floating point `5.0`"), `null` (serde's "unit value"), booleans bare, and
/// arrays or objects as serde-wasm-bindgen shows them (inside its `JsValue(...)`). Strings keep
/// serde's "string \"...\"", which says what was wrong. tests/node.test.mjs pins
/// serde-wasm-bindgen's wording through the package; the native tests pin serde_json's.
fn as_written(serde_text: String) -> String {
    if serde_text == "unit value" {
        return "null".into();
    }
    for kind in ["floating point `", "integer `", "boolean `"] {
        if let Some(value) = serde_text.strip_prefix(kind).and_then(|r| r.strip_suffix('`')) {
            return value.strip_suffix(".0").unwrap_or(value).to_string();
        }
    }
    match serde_text.strip_prefix("JsValue(").and_then(|r| r.strip_suffix(')')) {
        Some(shown) => shown.to_string(),
        None => serde_text,
    }
}

/// `"a", "b", "c"`: a list of allowed values for a message.
pub fn quoted(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    quoted.join(", ")
}

/// The allowed values as JSON, for `details.allowed`.
pub fn allowed(items: &[&str]) -> Value {
    Value::from(items.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        seed: Option<i64>,
        tags: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Outer {
        prompt: String,
        inner: Option<Inner>,
    }

    fn expect(field: &str) -> Option<Expectation> {
        match field {
            "prompt" => Some(("a string".into(), None)),
            "inner.seed" => Some(("a whole number".into(), None)),
            "inner.tags" => Some(("a list of tags".into(), Some(allowed(&["a", "b"])))),
            _ => None,
        }
    }

    fn err(v: Value) -> ApiError {
        decode::<Outer, _>(v, "request", expect).unwrap_err()
    }

    #[test]
    fn names_the_field_what_it_takes_and_what_was_given() {
        let e = err(json!({"prompt": "x", "inner": {"seed": "7"}}));
        assert_eq!(e.field(), Some("inner.seed"));
        assert_eq!(e.message, "inner.seed must be a whole number, got string \"7\"");
        let e = err(json!({"prompt": 42}));
        assert_eq!(e.message, "prompt must be a string, got 42");
        let e = err(json!({"prompt": "x", "inner": {"tags": ["a", 3]}}));
        assert_eq!(e.field(), Some("inner.tags"));
        assert_eq!(e.details.unwrap()["allowed"], json!(["a", "b"]));
    }

    #[test]
    fn a_missing_field_is_required_and_the_root_has_a_name() {
        let e = err(json!({}));
        assert_eq!((e.field(), e.message.as_str()), (Some("prompt"), "prompt is required: a string"));
        let e = err(json!("a prompt"));
        assert_eq!(e.field(), Some("request"));
    }

    #[test]
    fn serde_wasm_bindgen_texts_read_as_javascript_writes_them() {
        // serde-wasm-bindgen's own wording (pinned through the package in tests/node.test.mjs).
        for (serde, js) in [
            ("floating point `5.0`", "5"),
            ("floating point `1.5`", "1.5"),
            ("integer `42`", "42"),
            ("boolean `true`", "true"),
            ("unit value", "null"),
            ("JsValue([\"a\"])", "[\"a\"]"),
            ("string \"1\"", "string \"1\""),
        ] {
            assert_eq!(as_written(serde.to_string()), js, "{serde}");
        }
    }

    #[test]
    fn numbers_in_messages_are_the_numbers_given() {
        let e = err(json!({"prompt": "x", "inner": {"seed": 1e20}}));
        assert!(e.message.ends_with("got 1e+20"), "{}", e.message);
        let e = err(json!({"prompt": "x", "inner": {"seed": 1.5}}));
        assert!(e.message.ends_with("got 1.5"), "{}", e.message);
    }
}
