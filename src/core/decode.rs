//! Reading a caller's value into a serde type, with errors a person can act on: a mismatch
//! becomes an `invalid_request` that names the field (its path, `reveParams.seed`), says what
//! the field takes and what was given. The same code serves JavaScript values (through
//! serde-wasm-bindgen) and, in the native tests, serde_json values.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// What a field takes, for messages: `(what, allowed)`, e.g. `("one of \"16:9\", ...",
/// Some(["16:9", ...]))`.
pub type Expectation = (String, Option<Value>);

/// How deep a failure's field is looked for (a request is two levels deep).
const MAX_DEPTH: usize = 4;

/// A caller's value as [`decode`] reads it: through serde and, only to find the field of a
/// failure, as fields that can be left out one at a time. JavaScript values in the wasm layer,
/// `serde_json::Value` natively.
pub trait Fields: Sized {
    /// The value read as `T`, or serde's message saying why not.
    fn read<T: DeserializeOwned>(&self) -> Result<T, String>;
    /// The set fields of the object at `path` (`[]`: the value itself); none when not an object.
    fn fields_at(&self, path: &[String]) -> Vec<String>;
    /// A copy of the value with the field at `path` left out.
    fn without(&self, path: &[String]) -> Self;
    /// The value at `path` as a message shows what was given: a string as `string "..."`,
    /// anything else as JSON writes it. For serde's texts that the module leaves blank (it is
    /// built with `-Zfmt-debug=none`, and serde shows strings and JS objects with `Debug`).
    fn shown_at(&self, path: &[String]) -> Option<String>;
}

/// Deserializes `T`, naming the whole value `root` (`"request"`, `"options"`) in errors.
/// `expect(field)` says what a field takes; fields it does not know get serde's wording.
pub fn decode<T: DeserializeOwned, S: Fields>(
    source: &S,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> Result<T, ApiError> {
    source.read::<T>().map_err(|message| failure::<T, S>(source, &message, root, expect))
}

#[cold]
#[inline(never)]
fn failure<T: DeserializeOwned, S: Fields>(
    source: &S,
    message: &str,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
) -> ApiError {
    let fails_as = |copy: &S| copy.read::<T>().err();
    let path = locate(source, message, Vec::new(), &fails_as);
    mismatch(path.join("."), message, root, expect, &|| source.shown_at(&path))
}

/// Where serde's `message` comes from, found by leaving fields out: serde stops at the first
/// field that fails, so leaving out any other field leaves the message as it was, and leaving
/// out that one changes it (the next failure, a missing field, or none). Then the same inside
/// it. A missing field's message ends at its parent, the object missing it. (serde's derive
/// does not say which field failed; this costs a few reads of an invalid value, and no code per
/// type: `fails_as` is the one read each type has anyway.) Array indices are left out
/// (`webhookEvents[2]` is `webhookEvents`).
fn locate<S: Fields>(
    source: &S,
    message: &str,
    path: Vec<String>,
    fails_as: &dyn Fn(&S) -> Option<String>,
) -> Vec<String> {
    if path.len() >= MAX_DEPTH {
        return path;
    }
    for key in source.fields_at(&path) {
        let mut inner = path.clone();
        inner.push(key);
        if fails_as(&source.without(&inner)).as_deref() != Some(message) {
            return locate(source, message, inner, fails_as);
        }
    }
    path
}

/// JSON values, natively: the tests, the fuzz targets and the proxy's policy tests.
impl Fields for Value {
    fn read<T: DeserializeOwned>(&self) -> Result<T, String> {
        T::deserialize(self).map_err(|e| e.to_string())
    }

    fn fields_at(&self, path: &[String]) -> Vec<String> {
        let at = path.iter().try_fold(self, |v, key| v.get(key));
        at.and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }

    fn without(&self, path: &[String]) -> Self {
        let mut copy = self.clone();
        if let Some((last, parents)) = path.split_last() {
            let parent = parents.iter().try_fold(&mut copy, |v, key| v.get_mut(key));
            if let Some(Value::Object(o)) = parent {
                o.remove(last);
            }
        }
        copy
    }

    fn shown_at(&self, path: &[String]) -> Option<String> {
        let at = path.iter().try_fold(self, |v, key| v.get(key))?;
        Some(match at {
            Value::String(s) => format!("string {}", Value::from(s.as_str())),
            other => other.to_string(),
        })
    }
}

/// The error for serde's `message` at `path`; `shown` renders the value there.
#[cold]
#[inline(never)]
fn mismatch(
    mut path: String,
    message: &str,
    root: &str,
    expect: fn(&str) -> Option<Expectation>,
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
        // What serde shows with `Debug` (strings, arrays, objects) is blank in the module: the
        // value is shown from the caller's own, at the field found.
        Some(text) if text.trim_end().is_empty() || text.trim_end() == "string" => shown().map(shortened),
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
        (None, _) => ApiError::invalid(&field, format!("{field}: {message}"), None),
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
