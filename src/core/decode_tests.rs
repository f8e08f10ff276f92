//! decode's tests: field paths, what serde says, and what is shown of the value given.

use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Inner {
    count: Option<i64>,
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
    api_key: Option<String>,
}

fn expect(field: &str) -> Option<Expectation> {
    match field {
        "prompt" => Some(("a string".into(), None)),
        "inner.seed" | "inner.count" => Some(("a whole number".into(), None)),
        "apiKey" => Some(("a string".into(), None)),
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
    let e = mismatch("prompt".into(), "invalid type: , expected a string", "request", expect, false, &shown(&["prompt"]));
    assert_eq!(e.message, "prompt must be a string, got [\"a\"]");
    let e = mismatch("inner.seed".into(), "invalid type: string , expected i64", "request", expect, false, &shown(&["inner", "seed"]));
    assert_eq!(e.message, "inner.seed must be a whole number, got string \"7\"");
    let long = json!({"prompt": vec!["x"; 100]});
    let e = mismatch("prompt".into(), "invalid type: , expected a string", "request", expect, false, &|| long.shown_at(&["prompt".into()]));
    assert!(e.message.ends_with("…") && e.message.len() < 160, "{}", e.message);
}

#[test]
fn numbers_in_messages_are_the_numbers_given() {
    let e = err(json!({"prompt": "x", "inner": {"seed": 1e20}}));
    assert!(e.message.ends_with("got 1e+20"), "{}", e.message);
    let e = err(json!({"prompt": "x", "inner": {"seed": 1.5}}));
    assert!(e.message.ends_with("got 1.5"), "{}", e.message);
}

#[test]
fn two_fields_failing_alike_still_name_one() {
    // Leaving either out leaves the same message; reading either alone fails the same way.
    let e = err(json!({"prompt": "x", "inner": {"count": "a", "seed": "a"}}));
    assert_eq!(e.field(), Some("inner.count"), "{}", e.message);
    let e = err(json!({"prompt": 5, "inner": {"seed": 5.5}, "apiKey": 5}));
    assert!(matches!(e.field(), Some("prompt" | "apiKey" | "inner.seed")), "{}", e.message);
}

#[test]
fn a_secret_is_never_shown() {
    for v in [json!({"prompt": "x", "apiKey": ["afk_live_SECRET"]}), json!({"prompt": "x", "apiKey": {"k": "afk_live_SECRET"}})] {
        let e = err(v);
        assert_eq!(e.field(), Some("apiKey"));
        assert!(!e.message.contains("SECRET"), "{}", e.message);
        assert!(e.message.ends_with("got an array") || e.message.ends_with("got an object"), "{}", e.message);
    }
    // The whole value is never shown either: a string where the object belongs may be a key.
    let e = err(json!("afk_live_SECRET"));
    assert_eq!((e.field(), e.message.contains("SECRET")), (Some("request"), false), "{}", e.message);
}

#[test]
fn a_huge_value_costs_a_bounded_number_of_reads() {
    let many: serde_json::Map<String, Value> = (0..5000).map(|i| (format!("k{i}"), json!({"x": i}))).collect();
    let reads = std::cell::Cell::new(0);
    let fails_as = |copy: &Value| {
        reads.set(reads.get() + 1);
        copy.read::<Outer>().err()
    };
    // An object where a string belongs: it is the field, and nothing inside it is read.
    let v = json!({"prompt": Value::Object(many.clone()), "inner": {"seed": 1}});
    let message = v.read::<Outer>().unwrap_err();
    assert_eq!(super::locate(&v, &message, &fails_as), vec!["prompt".to_string()]);
    assert!(reads.get() <= 4, "{} reads", reads.get());
    // However the failure hides, the reads stop at the bound.
    reads.set(0);
    let mut hidden = many;
    hidden.insert("seed".into(), json!("bad"));
    let v = json!({"prompt": "x", "inner": Value::Object(hidden)});
    let message = v.read::<Outer>().unwrap_err();
    let _ = super::locate(&v, &message, &fails_as);
    assert!(reads.get() <= crate::core::field_search::MAX_PROBES + 1, "{} reads", reads.get());
}
