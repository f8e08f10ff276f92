//! Reading a caller's value into a serde type, with errors a person can act on: a mismatch
//! becomes an `invalid_request` that names the field (its path, `reveParams.seed`), says what
//! the field takes and what was given. The same code serves JavaScript values (through
//! serde-wasm-bindgen) and, in the native tests, serde_json values.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;
pub use super::field_search::Fields;
use super::field_search::locate;

/// The fields whose values a message never shows.
const SECRET_FIELDS: [&str; 2] = ["apiKey", "headers"];

/// What a field takes, for messages: `(what, allowed)`, e.g. `("one of \"16:9\", ...",
/// Some(["16:9", ...]))`.
pub type Expectation = (String, Option<Value>);

/// Deserializes `T`, naming the whole value `root` (`"request"`, `"options"`) in errors.
/// `expect(field)` says what a field takes; fields it does not know get serde's wording.
pub fn decode<T: DeserializeOwned, S: Fields>(
    source: &S,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> Result<T, ApiError> {
    let fails_as = |copy: &S| copy.read::<T>().err();
    source.read::<T>().map_err(|message| failure(source, &message, root, expect, &fails_as))
}

/// The error of a value that does not read; `fails_as` reads a copy as the type does. Not
/// generic in the type: one copy serves every type read.
#[cold]
#[inline(never)]
fn failure<S: Fields>(
    source: &S,
    message: &str,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
    fails_as: &dyn Fn(&S) -> Option<String>,
) -> ApiError {
    let path = locate(source, message, fails_as);
    if path.is_empty() && source.fields_at(&[]).is_some() && !message.contains("missing field `") {
        // An object, but no field of its own fails alone (one it inherits, say): what serde
        // expected, not what it was given.
        let expected = message.find(", expected ").map_or("", |at| &message[at + 2..]);
        return ApiError::invalid(root, format!("{root} has a field of the wrong type ({expected})"), None);
    }
    // What was given is shown only for a field found, and never for one that may hold a
    // secret (the API key, a header): a message may be logged, or answered to a caller.
    let secret = path.is_empty() || path.iter().any(|key| SECRET_FIELDS.contains(&key.as_str()));
    mismatch(path.join("."), message, root, expect, secret, &|| source.shown_at(&path))
}

/// The error for serde's `message` at `path`; `shown` renders the value there.
#[cold]
#[inline(never)]
fn mismatch(
    mut path: String,
    message: &str,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
    secret: bool,
    shown: &dyn Fn() -> Option<String>,
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
    let given = match between("invalid type: ", ", expected").or_else(|| between("invalid value: ", ", expected")) {
        // A field that may hold a secret: only what kind of value it was.
        Some(text) if secret => {
            let text = if left_blank(&text) { shown() } else { Some(as_written(text)) };
            Some(kind_of(&text.unwrap_or_default()).to_string())
        }
        Some(text) if left_blank(&text) => shown().map(shortened),
        Some(text) => Some(as_written(text)),
        None => between("unknown variant `", "`").map(|v| format!("\"{v}\"")),
    };
    match (expect(&field), given) {
        (Some((what, allowed)), Some(given)) => {
            ApiError::invalid(&field, format!("{field} must be {what}, got {given}"), allowed)
        }
        (Some((what, allowed)), None) => {
            ApiError::invalid(&field, format!("{field} must be {what} ({message})"), allowed)
        }
        // serde's own words may quote the value: not for a secret.
        (None, given) if secret => {
            let given = given.unwrap_or_else(|| "a value".into());
            ApiError::invalid(&field, format!("{field} has the wrong type: got {given}"), None)
        }
        (None, _) => ApiError::invalid(&field, format!("{field}: {message}"), None),
    }
}

/// Whether serde's text of a value is blank: it shows strings, arrays and objects with `Debug`,
/// which the module leaves out (`-Zfmt-debug=none`), so the value is shown from the caller's own.
fn left_blank(text: &str) -> bool {
    let text = text.trim_end();
    text.is_empty() || text == "string"
}

/// What a value shown as `text` (serde's words, or JSON) is, without showing it.
fn kind_of(text: &str) -> &'static str {
    let starts = |p: &[&str]| p.iter().any(|p| text.starts_with(p));
    if starts(&["string", "\""]) {
        "a string"
    } else if starts(&["sequence", "["]) {
        "an array"
    } else if starts(&["map", "{"]) {
        "an object"
    } else if starts(&["unit", "null"]) {
        "null"
    } else if starts(&["boolean", "true", "false"]) {
        "a boolean"
    } else if starts(&["floating", "integer", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]) {
        "a number"
    } else {
        "a value"
    }
}

/// At most about 100 characters of a value shown in a message (a body may be megabytes).
fn shortened(mut shown: String) -> String {
    if shown.len() > 100 {
        let mut end = 100;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    shown
}

/// What serde says was given, as the caller wrote it in JavaScript: numbers as given (serde
/// writes `5` as "floating point `5.0`"), `null` (serde's "unit value"), booleans bare, and
/// arrays or objects as serde-wasm-bindgen shows them (inside its `JsValue(...)`). Strings keep
/// serde's "string \"...\"", which says what was wrong. tests/messages.test.mjs pins
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
#[path = "decode_tests.rs"]
mod tests;
