//! Submissions the schema refuses: 400 with details keyed by JSON path, and no job made; and
//! the schema check the tests rely on refuses what the spec forbids.

mod common;

use common::{assert_schema, json_of, Emulator, KEY};
use serde_json::json;

#[tokio::test]
async fn bad_bodies_get_400_with_details_keyed_by_json_path() {
    let emu = Emulator::start(&[]);
    let cases = [
        (json!({"model": "reve-create"}), vec!["prompt"]),
        (
            json!({"prompt": "", "model": "reve-create"}),
            vec!["prompt"],
        ),
        (
            json!({"prompt": "x".repeat(2001), "model": "reve-create"}),
            vec!["prompt"],
        ),
        (json!({"prompt": "x", "model": "flux-pro"}), vec!["model"]),
        (
            json!({"prompt": "x", "model": "reve-create", "reveParams": {"aspect_ratio": "21:9"}}),
            vec!["reveParams.aspect_ratio"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "reveParams": {"seed": "1"}}),
            vec!["reveParams.seed"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "reveParams": {"seed": 1.5}}),
            vec!["reveParams.seed"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "reveParams": {"cfg": 7}}),
            vec!["reveParams.cfg"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "webhook_url": "https://a.b"}),
            vec!["webhook_url"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "webhookUrl": "/relative"}),
            vec!["webhookUrl"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "webhookEvents": []}),
            vec!["webhookEvents"],
        ),
        (
            json!({"prompt": "x", "model": "reve-create", "webhookEvents": ["done"]}),
            vec!["webhookEvents.0"],
        ),
        (json!("just a string"), vec![""]),
    ];
    for (body, keys) in cases {
        let res = emu.submit(body.clone()).await;
        assert_eq!(res.status(), 400, "{body}");
        let v = json_of(res, "ValidationError").await;
        let got: Vec<&String> = v["details"].as_object().unwrap().keys().collect();
        assert_eq!(got, keys, "{body}");
    }
    let res = emu
        .http
        .post(emu.at("/v2/images/generate"))
        .header("x-api-key", KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    json_of(res, "ValidationError").await;
    assert_eq!(emu.stats().await["stats"]["jobsCreated"], 0);
}

#[test]
fn the_schema_check_rejects_what_the_spec_forbids() {
    let bad = [
        ("Job", json!({"id": "x", "status": "DONE"})),
        (
            "JobAccepted",
            json!({"jobId": "not-a-uuid", "status": "QUEUED"}),
        ),
        (
            "JobAccepted",
            json!({"jobId": "1edc7774-0b17-4480-adb7-6ce0e8889738", "status": "CANCELLED"}),
        ),
        (
            "InsufficientCredits",
            json!({"error": "Insufficient credits", "creditsRequired": -1, "creditsAvailable": 0}),
        ),
    ];
    for (schema, value) in bad {
        let caught = std::panic::catch_unwind(|| assert_schema(schema, &value));
        assert!(caught.is_err(), "{schema} accepted {value}");
    }
}
