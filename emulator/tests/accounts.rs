//! Accounts: keys checked (401, 403), credits charged on success only (refunds for failed and
//! cancelled jobs), and 402 when an account runs out.

mod common;

use common::{json_of, req, Emulator, KEY};
use serde_json::{json, Value};

#[tokio::test]
async fn keys_are_checked_401_and_403() {
    let emu = Emulator::start(&["--api-key", "afk_a", "--api-key", KEY]);
    let body = req("x", "1:1", 1);
    let res = emu
        .http
        .post(emu.at("/v2/images/generate"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    json_of(res, "ErrorResponse").await;
    let res = emu.submit_as("afk_nope", body.clone()).await;
    assert_eq!(res.status(), 401);
    json_of(res, "ErrorResponse").await;
    emu.control("/__emulator/keys", json!({"key": "afk_a", "active": false}))
        .await;
    let res = emu.submit_as("afk_a", body.clone()).await;
    assert_eq!(res.status(), 403);
    json_of(res, "ErrorResponse").await;
    let res = emu.get("/v2/jobs", "afk_a").await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn credits_are_charged_on_success_only_and_402_when_empty() {
    let emu = Emulator::start(&["--job-ms", "100", "--credits", "8"]);
    emu.control("/__emulator/faults", json!({"kind": "job_failed"}))
        .await;
    let failed = emu.submit_ok(req("x", "1:1", 1)).await;
    let job = emu.until_final(&failed).await.pop().unwrap();
    assert_eq!(job["status"], "FAILED");
    assert!(job["error"].as_str().unwrap().len() > 5);
    assert_eq!(job["creditCost"], 0);
    assert_eq!(
        emu.stats().await["accounts"][KEY]["credits"],
        8,
        "a failed job is refunded"
    );

    let a = emu.submit_ok(req("x", "1:1", 1)).await;
    let b = emu.submit_ok(req("x", "1:1", 2)).await;
    let res = emu.submit(req("x", "1:1", 3)).await;
    assert_eq!(res.status(), 402);
    let v = json_of(res, "InsufficientCredits").await;
    assert_eq!(
        (
            v["creditsRequired"].as_i64(),
            v["creditsAvailable"].as_i64()
        ),
        (Some(4), Some(0))
    );
    for id in [a, b] {
        assert_eq!(
            emu.until_final(&id).await.pop().unwrap()["status"],
            "COMPLETED"
        );
    }
    assert_eq!(emu.stats().await["accounts"][KEY]["credits"], 0);
}

#[tokio::test]
async fn cancelled_jobs_end_cancelled_and_are_refunded() {
    let emu = Emulator::start(&["--job-ms", "100", "--fault", "job_cancelled"]);
    let id = emu.submit_ok(req("x", "1:1", 1)).await;
    let job = emu.until_final(&id).await.pop().unwrap();
    assert_eq!(job["status"], "CANCELLED");
    assert_eq!(job["result"], Value::Null);
    assert_eq!(emu.stats().await["accounts"][KEY]["credits"], 1_000_000);
}
