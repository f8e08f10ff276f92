//! Faults on the output host (`route: file`): opt-in, and never taken by `any`.

mod common;

use std::time::{Duration, Instant};

use common::{json_of, Emulator, KEY};
use serde_json::json;

#[tokio::test]
async fn status_faults_answer_on_the_output_files_then_clear() {
    let emu = Emulator::start(&["--job-ms", "100", "--fault", "429@file"]);
    // Polling the job until it completes takes no file fault.
    let url = emu.file_url().await;
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "1");
    json_of(res, "ErrorResponse").await;
    emu.control(
        "/__emulator/faults",
        json!([
            {"kind": "503", "route": "file"},
            {"kind": "500", "route": "file"},
            {"kind": "html", "route": "file"},
        ]),
    )
    .await;
    for status in [503, 500] {
        let res = emu.http.get(&url).send().await.unwrap();
        assert_eq!(res.status(), status);
        json_of(res, "ErrorResponse").await;
    }
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 502);
    assert!(res.text().await.unwrap().contains("<html>"));
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn faults_on_any_route_leave_the_files_alone() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let url = emu.file_url().await;
    emu.control("/__emulator/faults", json!({"kind": "500"}))
        .await;
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let pending = emu.control_get("/__emulator/faults").await;
    assert_eq!(pending["pending"][0]["count"], 1, "{pending}");
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 500);
}

#[tokio::test]
async fn malformed_reset_and_slow_files() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let url = emu.file_url().await;
    let whole = emu
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    emu.control(
        "/__emulator/faults",
        json!({"kind": "malformed", "route": "file"}),
    )
    .await;
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let cut = res.bytes().await.unwrap();
    assert_eq!(cut.len(), whole.len() / 2);
    assert_eq!(cut[..], whole[..cut.len()], "a truncated copy of the image");

    emu.control(
        "/__emulator/faults",
        json!({"kind": "reset", "route": "file"}),
    )
    .await;
    let broken = match emu.http.get(&url).send().await {
        Ok(res) => res.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(broken, "a reset must not deliver the file");

    emu.control(
        "/__emulator/faults",
        json!({"kind": "slow", "route": "file", "delayMs": 500}),
    )
    .await;
    let t = Instant::now();
    let res = emu.http.get(&url).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap(), whole);
    assert!(t.elapsed() >= Duration::from_millis(450));
}

#[tokio::test]
async fn an_unknown_route_names_file_among_the_choices() {
    let emu = Emulator::start(&[]);
    let res = emu
        .http
        .post(emu.at("/__emulator/faults"))
        .json(&json!({"kind": "500", "route": "files"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body = res.text().await.unwrap();
    assert!(body.contains("`file`"), "{body}");
}
