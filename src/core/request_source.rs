//! Reading a submit request: the one entry point the client (a caller's object), the proxy (a
//! body's text) and the fuzz target all call, so the fuzzed checks are the shipped ones. Each
//! side hands over the request as it holds it (JS data in the wasm layer, a `serde_json::Value`
//! natively) through [`RequestSource`]; [`read_request`] decides, in one order: unknown names
//! first (a hostile body may hold tens of thousands), then ill-formed text, then the types.

use std::borrow::Cow;

use serde_json::Value;

use super::decode::{self, Fields};
use super::error::ApiError;
use super::option_names::{check_known, Noun};
use super::request::{expectation, GenerateRequest, ReveParams};
use super::serde_names::names;

/// A parsed request as one side holds it; serde reads it as [`Fields`].
pub trait RequestSource: Fields {
    /// The names the request sets (none when it is not an object).
    fn names(&self) -> impl Iterator<Item = Cow<'_, str>>;

    /// The names its `reveParams` sets, when that is an object.
    fn reve_params_names(&self) -> impl Iterator<Item = Cow<'_, str>>;

    /// The field (`"prompt"`, `""` for the request itself) of the first string that is not
    /// well-formed UTF-16, if any. Natively there is none: a Rust string is always well-formed.
    fn lone_surrogate_at(&self) -> Option<String>;
}

/// Reads a request, refusing unknown names first (with the likely intended one), then a lone
/// UTF-16 surrogate, then whatever the types refuse; returns the body to send (`model`
/// defaulted, `webhook_url` sent as `webhookUrl`).
pub fn read_request<S: RequestSource>(source: &S) -> Result<GenerateRequest, ApiError> {
    for name in source.names() {
        check_known(Noun::Field, "request", "", &name, names::<GenerateRequest>())?;
    }
    for name in source.reve_params_names() {
        check_known(Noun::Field, "reveParams", "reveParams.", &name, names::<ReveParams>())?;
    }
    if let Some(field) = source.lone_surrogate_at() {
        return Err(lone_surrogate(&field));
    }
    decode::decode::<GenerateRequest, _>(source, "request", expectation)?.prepare()
}

/// A string that is not well-formed UTF-16 cannot be sent as the caller wrote it.
#[cold]
fn lone_surrogate(field: &str) -> ApiError {
    let field = if field.is_empty() { "request" } else { field };
    ApiError::invalid(
        field,
        format!("{field} holds a lone UTF-16 surrogate (half of an emoji, or a string cut in the middle of one): it cannot be sent as it is"),
        None,
    )
}

/// A body that is not JSON at all (the proxy's): named as the whole body.
#[cold]
pub fn not_json() -> ApiError {
    ApiError::invalid("", "Body is not valid JSON", None)
}

/// The keys of a JSON object; none for anything else.
fn json_names(v: Option<&Value>) -> impl Iterator<Item = Cow<'_, str>> {
    v.and_then(Value::as_object).into_iter().flat_map(|o| o.keys().map(|k| Cow::Borrowed(k.as_str())))
}

/// A request as JSON, natively (the tests and the fuzz targets).
impl RequestSource for Value {
    fn names(&self) -> impl Iterator<Item = Cow<'_, str>> {
        json_names(Some(self))
    }

    fn reve_params_names(&self) -> impl Iterator<Item = Cow<'_, str>> {
        json_names(self.get("reveParams"))
    }

    fn lone_surrogate_at(&self) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A source whose text holds a lone surrogate, as a JS string can.
    struct Cut(Value);

    impl Fields for Cut {
        fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
            self.0.read()
        }
        fn fields_at(&self, path: &[String]) -> Option<Vec<String>> {
            self.0.fields_at(path)
        }
        fn only(&self, path: &[String], emptied: bool) -> Self {
            Cut(self.0.only(path, emptied))
        }
        fn without(&self, path: &[String]) -> Self {
            Cut(self.0.without(path))
        }
        fn shown_at(&self, path: &[String]) -> Option<String> {
            self.0.shown_at(path)
        }
    }

    impl RequestSource for Cut {
        fn names(&self) -> impl Iterator<Item = Cow<'_, str>> {
            json_names(Some(&self.0))
        }
        fn reve_params_names(&self) -> impl Iterator<Item = Cow<'_, str>> {
            json_names(self.0.get("reveParams"))
        }
        fn lone_surrogate_at(&self) -> Option<String> {
            Some("prompt".into())
        }
    }

    #[test]
    fn names_are_checked_before_text_and_text_before_types() {
        let typo = Cut(json!({"prompt": 5, "reveParams": {"aspectRatio": "16:9"}}));
        assert_eq!(read_request(&typo).unwrap_err().field(), Some("reveParams.aspectRatio"));
        let cut = Cut(json!({"prompt": 5}));
        let e = read_request(&cut).unwrap_err();
        assert_eq!(e.field(), Some("prompt"));
        assert!(e.message.contains("lone UTF-16 surrogate"), "{}", e.message);
        assert_eq!(read_request(&json!({"prompt": 5})).unwrap_err().field(), Some("prompt"));
    }

    #[test]
    fn a_lone_surrogate_in_the_request_itself_names_the_request() {
        assert_eq!(lone_surrogate("").field(), Some("request"));
        assert_eq!(not_json().field(), Some(""));
    }
}
