//! `Idempotency-Key`: a repeated submission replays its job and is charged once; another body
//! with the same key is a 409; a bad key is a 400.

mod common;

use common::{json_of, req, Emulator, KEY};
use serde_json::Value;

#[tokio::test]
async fn an_idempotency_key_replays_the_job_and_charges_once() {
    let emu = Emulator::start(&["--job-ms", "200"]);
    let body = req("NIGHTFALL poster", "2:3", 5);
    let send = |key: &str, body: &Value| {
        emu.http
            .post(emu.at("/v2/images/generate"))
            .header("x-api-key", KEY)
            .header("idempotency-key", key)
            .json(body)
            .send()
    };
    let first = json_of(send("k-1", &body).await.unwrap(), "JobAccepted").await;
    let again = send("k-1", &body).await.unwrap();
    assert_eq!(again.status(), 202);
    let again = json_of(again, "JobAccepted").await;
    assert_eq!(first["jobId"], again["jobId"]);
    let stats = emu.stats().await;
    assert_eq!(stats["stats"]["jobsCreated"], 1);
    assert_eq!(stats["stats"]["idempotentReplays"], 1);
    assert_eq!(stats["accounts"][KEY]["credits"], 1_000_000 - 4);

    let other = send("k-1", &req("another prompt", "2:3", 5)).await.unwrap();
    assert_eq!(other.status(), 409);
    json_of(other, "ErrorResponse").await;

    let long = "k".repeat(256);
    let res = send(&long, &body).await.unwrap();
    assert_eq!(res.status(), 400);
    json_of(res, "ValidationError").await;

    // After the job ends, a replay reports its later status.
    emu.until_final(first["jobId"].as_str().unwrap()).await;
    let late = json_of(send("k-1", &body).await.unwrap(), "JobAccepted").await;
    assert_eq!(late["status"], "COMPLETED");
    assert_eq!(emu.stats().await["stats"]["jobsCreated"], 1);
}
