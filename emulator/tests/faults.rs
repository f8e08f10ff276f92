//! Fault injection: each kind does what the README says, then the emulator answers normally.

mod common;

use std::time::{Duration, Instant};

use common::{json_of, Emulator, KEY};
use serde_json::json;

fn body() -> serde_json::Value {
    json!({"prompt": "flyer", "model": "reve-create"})
}

#[tokio::test]
async fn status_faults_answer_then_clear() {
    let emu = Emulator::start(&["--fault", "503:2@generate"]);
    emu.control(
        "/__emulator/faults",
        json!({"kind": "429", "retryAfter": 7, "route": "list"}),
    )
    .await;
    for _ in 0..2 {
        let res = emu.submit(body()).await;
        assert_eq!(res.status(), 503);
        json_of(res, "ErrorResponse").await;
    }
    assert_eq!(emu.submit(body()).await.status(), 202);
    let res = emu.get("/v2/jobs", KEY).await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "7");
    json_of(res, "ErrorResponse").await;
    let res = emu.get("/v2/jobs", KEY).await;
    assert_eq!(res.status(), 200);
    emu.control("/__emulator/faults", json!([{"kind": "500", "count": 3}]))
        .await;
    assert_eq!(
        emu.control_get("/__emulator/faults").await["pending"][0]["count"],
        3
    );
    emu.http
        .delete(emu.at("/__emulator/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(emu.submit(body()).await.status(), 202);
}

#[tokio::test]
async fn html_and_malformed_bodies() {
    let emu = Emulator::start(&["--fault", "html@generate", "--fault", "malformed@generate"]);
    let res = emu.submit(body()).await;
    assert_eq!(res.status(), 502);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(res.text().await.unwrap().contains("<html>"));
    let res = emu.submit(body()).await;
    assert_eq!(res.status(), 200);
    assert!(serde_json::from_str::<serde_json::Value>(&res.text().await.unwrap()).is_err());
    assert_eq!(emu.stats().await["stats"]["jobsCreated"], 0);
}

#[tokio::test]
async fn reset_drops_the_connection_and_lost_response_creates_the_job() {
    let emu = Emulator::start(&["--fault", "reset@generate"]);
    let broken = match emu.submit_raw().await {
        Ok(res) => res.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(broken, "a reset must not deliver a whole answer");
    assert_eq!(emu.stats().await["stats"]["jobsCreated"], 0);

    emu.control(
        "/__emulator/faults",
        json!({"kind": "lost_response", "route": "generate"}),
    )
    .await;
    let send = || {
        emu.http
            .post(emu.at("/v2/images/generate"))
            .header("x-api-key", KEY)
            .header("idempotency-key", "lost-1")
            .json(&body())
            .send()
    };
    let lost = match send().await {
        Ok(res) => res.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(lost);
    assert_eq!(
        emu.stats().await["stats"]["jobsCreated"],
        1,
        "the job exists though its answer was lost"
    );
    let res = send().await.unwrap();
    assert_eq!(res.status(), 202);
    json_of(res, "JobAccepted").await;
    assert_eq!(
        emu.stats().await["stats"]["jobsCreated"],
        1,
        "the retry with the same key created nothing"
    );
}

#[tokio::test]
async fn slow_answers_wait() {
    let emu = Emulator::start(&[]);
    emu.control(
        "/__emulator/faults",
        json!({"kind": "slow", "delayMs": 600, "route": "list"}),
    )
    .await;
    let t = Instant::now();
    let res = emu.get("/v2/jobs", KEY).await;
    assert_eq!(res.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(550));
}

#[tokio::test]
async fn hostile_input_never_takes_the_server_down() {
    let emu = Emulator::start(&[]);
    let deep = "[".repeat(100_000);
    let huge = format!(
        "{{\"prompt\": \"{}\", \"model\": \"reve-create\"}}",
        "x".repeat(200_000)
    );
    for raw in [
        deep.as_str(),
        huge.as_str(),
        "\u{0}\u{1}\u{2}",
        "",
        "null",
        "{\"prompt\": 1e999}",
    ] {
        let res = emu
            .http
            .post(emu.at("/v2/images/generate"))
            .header("x-api-key", KEY)
            .body(raw.to_string())
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 400 | 413),
            "{}",
            res.status()
        );
    }
    let res = emu.get("/v2/jobs/%00%ff", KEY).await;
    assert_eq!(res.status(), 400);
    assert_eq!(emu.submit(body()).await.status(), 202);
}

impl Emulator {
    async fn submit_raw(&self) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(self.at("/v2/images/generate"))
            .header("x-api-key", KEY)
            .json(&body())
            .send()
            .await
    }
}
