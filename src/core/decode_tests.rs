//! decode's tests: field paths, what serde says, and what is shown of the value given.

use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Inner {
    seed: Option<i64>,
    tags: Option<Vec<String>>,
    deep: Option<Deep>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Deep {
    id: String,
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
    decode::<Outer, _>(&v, "request", expect).unwrap_err()
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
    // serde-wasm-bindgen's own wording (pinned through the package in tests/messages.test.mjs).
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
fn the_field_found_is_the_one_serde_stopped_at() {
    // Two bad fields: serde stops at the first it reads (here, in the map's order), and so
    // the field named is that one.
    let e = err(json!({"prompt": "x", "inner": {"tags": "t", "seed": "7"}}));
    assert_eq!(e.field(), Some("inner.seed"), "{}", e.message);
    // A bad field beside a missing required one: the bad one is named.
    let e = err(json!({"inner": {"seed": true}}));
    assert_eq!(e.field(), Some("inner.seed"), "{}", e.message);
    // A required field missing two levels down is named under its parent.
    let e = err(json!({"prompt": "x", "inner": {"seed": 1, "deep": {}}}));
    assert_eq!((e.field(), e.message.as_str()), (Some("inner.deep.id"), "inner.deep.id is required"));
    let e = err(json!({"prompt": "x", "inner": {"deep": {"id": 5}}}));
    assert_eq!(e.field(), Some("inner.deep.id"));
    // Not an object where one is expected: that field itself.
    let e = err(json!({"prompt": "x", "inner": "seed"}));
    assert_eq!(e.field(), Some("inner"));
}

#[test]
fn what_serde_leaves_blank_is_shown_from_the_value_itself() {
    // The module's serde texts, with `Debug` left out (-Zfmt-debug=none).
    let v = &json!({"prompt": ["a"], "inner": {"seed": "7"}});
    let shown = |path: &[&str]| {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        move || v.shown_at(&path)
    };
    let e = mismatch("prompt".into(), "invalid type: , expected a string", "request", expect, &shown(&["prompt"]));
    assert_eq!(e.message, "prompt must be a string, got [\"a\"]");
    let e = mismatch("inner.seed".into(), "invalid type: string , expected i64", "request", expect, &shown(&["inner", "seed"]));
    assert_eq!(e.message, "inner.seed must be a whole number, got string \"7\"");
    let long = json!({"prompt": vec!["x"; 100]});
    let e = mismatch("prompt".into(), "invalid type: , expected a string", "request", expect, &|| long.shown_at(&["prompt".into()]));
    assert!(e.message.ends_with("…") && e.message.len() < 160, "{}", e.message);
}

#[test]
fn numbers_in_messages_are_the_numbers_given() {
    let e = err(json!({"prompt": "x", "inner": {"seed": 1e20}}));
    assert!(e.message.ends_with("got 1e+20"), "{}", e.message);
    let e = err(json!({"prompt": "x", "inner": {"seed": 1.5}}));
    assert!(e.message.ends_with("got 1.5"), "{}", e.message);
}
