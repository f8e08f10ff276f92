//! The request's validation (core::request), read through the one entry point, natively.

use super::*;
use crate::core::request_source::read_request;
use serde_json::{json, Value};
use proptest::prelude::*;

fn field_of(v: Value) -> String {
    read_request(&v).unwrap_err().field().unwrap().to_string()
}

fn body(v: Value) -> Value {
    serde_json::to_value(read_request(&v).unwrap()).unwrap()
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
    let e = read_request(&json!({"prompt": "x", "reveParams": {"aspectRatio": "16:9"}})).unwrap_err();
    assert_eq!(e.field(), Some("reveParams.aspectRatio"));
    assert!(e.message.contains("did you mean \"aspect_ratio\""), "{}", e.message);
    assert!(e.message.contains("reveParams takes aspect_ratio, seed, version"), "{}", e.message);
    assert_eq!(field_of(json!({"prompt": "x", "negativePrompt": "blur"})), "negativePrompt");
    let e = read_request(&json!({"prompt": "x", "webhookURL": "https://a/b"})).unwrap_err();
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
    let e = read_request(&json!({"prompt": "x", "reveParams": {"aspect_ratio": "21:9"}})).unwrap_err();
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
        read_request(&json!({"prompt": "x", "reveParams": {"seed": seed}})).unwrap();
    }
    assert_eq!(field_of(json!({"prompt": "x", "reveParams": {"seed": -9007199254740992i64}})), "reveParams.seed");
}

#[test]
fn prompt_length_counts_utf16_units_like_javascript() {
    read_request(&json!({"prompt": "字".repeat(2000)})).unwrap();
    assert_eq!(field_of(json!({"prompt": "😀".repeat(1001)})), "prompt");
    read_request(&json!({"prompt": "😀".repeat(1000)})).unwrap();
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
            let _ = read_request(&v);
        }
        let _ = read_request(&json!({"prompt": s, "reveParams": {"aspect_ratio": s, "seed": s}}));
    }
}
