//! What each `generateImage` setting becomes (core::ai_sdk), natively.

use super::*;
use crate::core::error::ErrorCode;
use serde_json::{json, Value};

fn call(prompt: &str) -> ImageCall {
    ImageCall { prompt: Some(prompt.into()), n: Some(1.0), ..ImageCall::default() }
}

fn body(plan: &ImagePlan) -> Value {
    serde_json::to_value(&plan.request).unwrap()
}

#[test]
fn a_plain_call_is_a_plain_request() {
    let p = plan(call("a fox")).unwrap();
    assert_eq!(body(&p), json!({"prompt": "a fox", "model": "reve-create"}));
    assert_eq!((p.n, p.timeout_ms, p.warnings.len()), (1, None, 0));
}

#[test]
fn aspect_ratio_and_seed_go_to_reve_params() {
    let p = plan(ImageCall { aspect_ratio: Some("16:9".into()), seed: Some(7.0), ..call("x") }).unwrap();
    assert_eq!(body(&p)["reveParams"], json!({"aspect_ratio": "16:9", "seed": 7}));
    let p = plan(ImageCall { aspect_ratio: Some("32:18".into()), ..call("x") }).unwrap();
    assert_eq!(body(&p)["reveParams"]["aspect_ratio"], "16:9", "reduced");
}

#[test]
fn a_ratio_reve_lacks_is_refused_naming_the_seven() {
    for bad in ["21:9", "5:4", "wide", "0:1", "16:0"] {
        let e = plan(ImageCall { aspect_ratio: Some(bad.into()), ..call("x") }).unwrap_err();
        assert_eq!((e.code, e.field()), (ErrorCode::InvalidRequest, Some("aspectRatio")), "{bad}");
        for r in ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"] {
            assert!(e.message.contains(r), "{}", e.message);
        }
        assert_eq!(e.details.as_ref().unwrap()["allowed"].as_array().unwrap().len(), 7);
    }
}

#[test]
fn a_size_becomes_its_ratio_or_the_nearest_with_a_warning() {
    for (size, ratio, exact) in [
        ("1024x1024", "1:1", true),
        ("1920x1080", "16:9", true),
        ("1024x1536", "2:3", true),
        ("1000x1100", "1:1", false),
        ("2560x1080", "16:9", false),
        ("1080x2400", "9:16", false),
        ("1200x1000", "4:3", false),
    ] {
        let p = plan(ImageCall { size: Some(size.into()), ..call("x") }).unwrap();
        assert_eq!(body(&p)["reveParams"]["aspect_ratio"], ratio, "{size}");
        let [Warning::Unsupported { feature, details }] = p.warnings.as_slice() else { panic!("{size}: one warning") };
        assert_eq!(feature, "size");
        assert!(details.contains("aspect ratios, not sizes") && details.contains(ratio), "{details}");
        assert_eq!(details.contains("nearest"), !exact, "{details}");
    }
    for bad in ["big", "1024", "0x10", "10x", "-5x5", "1.5x2"] {
        let e = plan(ImageCall { size: Some(bad.into()), ..call("x") }).unwrap_err();
        assert_eq!(e.field(), Some("size"), "{bad}");
    }
}

#[test]
fn aspect_ratio_wins_over_size_and_says_so() {
    let p = plan(ImageCall { size: Some("1024x1024".into()), aspect_ratio: Some("3:4".into()), ..call("x") }).unwrap();
    assert_eq!(body(&p)["reveParams"]["aspect_ratio"], "3:4");
    assert!(matches!(&p.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "size"));
    assert_eq!(
        serde_json::to_value(&p.warnings[0]).unwrap()["type"],
        "unsupported",
        "the AI SDK's SharedV3Warning shape"
    );
}

#[test]
fn provider_options_reach_the_request() {
    let options = ApiframeImageOptions {
        version: Some("v1".into()),
        webhook_url: Some("https://my.site/hook".into()),
        webhook_events: Some(vec![WebhookEvent::Completed]),
        timeout_ms: Some(5000.0),
    };
    let p = plan(ImageCall { options, ..call("x") }).unwrap();
    let b = body(&p);
    assert_eq!(b["reveParams"], json!({"version": "v1"}));
    assert_eq!((b["webhookUrl"].as_str(), b["webhookEvents"].clone()), (Some("https://my.site/hook"), json!(["completed"])));
    assert_eq!(p.timeout_ms, Some(5000.0));
    let bad = ApiframeImageOptions { webhook_url: Some("ftp://x".into()), ..Default::default() };
    assert_eq!(plan(ImageCall { options: bad, ..call("x") }).unwrap_err().field(), Some("webhookUrl"));
    let bad = ApiframeImageOptions { timeout_ms: Some(-1.0), ..Default::default() };
    assert_eq!(plan(ImageCall { options: bad, ..call("x") }).unwrap_err().field(), Some("providerOptions.apiframe.timeoutMs"));
}

#[test]
fn image_editing_is_refused_before_sending() {
    let e = plan(ImageCall { has_files: true, ..call("x") }).unwrap_err();
    assert_eq!(e.field(), Some("files"));
    assert!(e.message.contains("from a text prompt"), "{}", e.message);
    assert_eq!(plan(ImageCall { has_mask: true, ..call("x") }).unwrap_err().field(), Some("mask"));
}

#[test]
fn prompt_seed_and_n_are_checked() {
    assert_eq!(plan(ImageCall { prompt: None, ..call("x") }).unwrap_err().field(), Some("prompt"));
    assert_eq!(plan(call("")).unwrap_err().field(), Some("prompt"));
    for bad in [1.5, 1e300, f64::NAN] {
        assert_eq!(plan(ImageCall { seed: Some(bad), ..call("x") }).unwrap_err().field(), Some("seed"), "{bad}");
    }
    for bad in [0.0, 11.0, 2.5] {
        assert_eq!(plan(ImageCall { n: Some(bad), ..call("x") }).unwrap_err().field(), Some("n"), "{bad}");
    }
    assert_eq!(plan(ImageCall { n: Some(3.0), ..call("x") }).unwrap().n, 3);
}

#[test]
fn only_reve_create_is_served() {
    assert!(check_model("reve-create").is_ok());
    let e = check_model("dall-e-3").unwrap_err();
    assert_eq!(e.field(), Some("modelId"));
    assert!(e.message.contains("\"reve-create\"") && e.message.contains("dall-e-3"), "{}", e.message);
}
