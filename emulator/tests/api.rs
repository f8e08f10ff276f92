//! The emulated service as a client sees it over HTTP: every JSON answer is checked against
//! the provider's OpenAPI schemas.

mod common;

use common::{assert_schema, json_of, Emulator, KEY};
use serde_json::{json, Value};

fn req(prompt: &str, ratio: &str, seed: i64) -> Value {
    json!({"prompt": prompt, "model": "reve-create", "reveParams": {"aspect_ratio": ratio, "seed": seed}})
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    )
}

#[tokio::test]
async fn a_job_runs_from_queued_to_completed_with_rising_progress_and_a_true_png() {
    let emu = Emulator::start(&["--job-ms", "600"]);
    let id = emu
        .submit_ok(req("a sleek silver sports car", "9:16", 1))
        .await;
    let seen = emu.until_final(&id).await;
    let statuses: Vec<&str> = seen.iter().map(|j| j["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.last(), Some(&"COMPLETED"));
    assert!(statuses.contains(&"PROCESSING"), "{statuses:?}");
    let progress: Vec<i64> = seen
        .iter()
        .map(|j| j["progress"].as_i64().unwrap())
        .collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert!(progress.iter().any(|p| *p > 0 && *p < 100), "{progress:?}");
    let done = seen.last().unwrap();
    assert_eq!(done["progress"], 100);
    assert_eq!(done["input"]["prompt"], "a sleek silver sports car");
    assert!(done["completedAt"].is_string());
    let url = done["result"]["images"][0].as_str().unwrap();
    let res = emu.http.get(url).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
    let png = res.bytes().await.unwrap();
    let (w, h) = png_size(&png);
    assert_eq!((w * 16, h), (h * 9, 1024));
}

#[tokio::test]
async fn the_same_seed_gives_byte_identical_images_for_every_ratio() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    for ratio in ["16:9", "9:16", "3:2", "2:3", "4:3", "3:4", "1:1"] {
        let a = emu.submit_ok(req("tea box JASMINE GOLD", ratio, 42)).await;
        let b = emu.submit_ok(req("tea box JASMINE GOLD", ratio, 42)).await;
        let c = emu.submit_ok(req("tea box JASMINE GOLD", ratio, 43)).await;
        let mut files = Vec::new();
        for id in [&a, &b, &c] {
            let job = emu.until_final(id).await.pop().unwrap();
            let url = job["result"]["images"][0].as_str().unwrap().to_string();
            files.push(
                emu.http
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap(),
            );
        }
        assert_eq!(files[0], files[1], "{ratio}");
        assert_ne!(files[0], files[2], "{ratio}");
        let (w, h) = png_size(&files[0]);
        let (rw, rh) = ratio
            .split_once(':')
            .map(|(a, b)| (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()))
            .unwrap();
        assert_eq!(w * rh, h * rw, "{ratio}: {w}x{h}");
        assert!(w.max(h) >= 1000 && w.max(h) <= 1024);
    }
}

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
    let res = emu
        .http
        .post(emu.at("/v2/images/generate"))
        .header("x-api-key", "afk_nope")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    json_of(res, "ErrorResponse").await;
    emu.control("/__emulator/keys", json!({"key": "afk_a", "active": false}))
        .await;
    let res = emu
        .http
        .post(emu.at("/v2/images/generate"))
        .header("x-api-key", "afk_a")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    json_of(res, "ErrorResponse").await;
    let res = emu.get("/v2/jobs", "afk_a").await;
    assert_eq!(res.status(), 403);
}

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

#[tokio::test]
async fn jobs_are_private_and_ids_are_checked() {
    let emu = Emulator::start(&["--api-key", KEY, "--api-key", "afk_other"]);
    let id = emu.submit_ok(req("x", "1:1", 1)).await;
    let res = emu.get(&format!("/v2/jobs/{id}"), "afk_other").await;
    assert_eq!(res.status(), 404);
    json_of(res, "ErrorResponse").await;
    let res = emu.get("/v2/jobs/not-a-uuid", KEY).await;
    assert_eq!(res.status(), 400);
    json_of(res, "ErrorResponse").await;
    let res = emu
        .get("/v2/jobs/00000000-0000-4000-8000-000000000000", KEY)
        .await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn listing_pages_through_every_job_once_newest_first() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(emu.submit_ok(req(&format!("job {i}"), "1:1", i)).await);
    }
    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = emu.at("/v2/jobs?limit=3&include_models=true");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let res = emu
            .http
            .get(url)
            .header("x-api-key", KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = json_of(res, "JobList").await;
        assert_eq!(page["models"], json!(["reve-create"]));
        for j in page["jobs"].as_array().unwrap() {
            assert_schema("Job", j);
            listed.push(j["id"].as_str().unwrap().to_string());
        }
        if !page["hasMore"].as_bool().unwrap() {
            assert_eq!(page["nextCursor"], Value::Null);
            break;
        }
        cursor = Some(page["nextCursor"].as_str().unwrap().to_string());
    }
    ids.reverse();
    assert_eq!(listed, ids);

    for id in &ids {
        emu.until_final(id).await;
    }
    let res = emu.get("/v2/jobs?status=QUEUED", KEY).await;
    assert_eq!(
        json_of(res, "JobList").await["jobs"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let res = emu.get("/v2/jobs?status=COMPLETED&limit=100", KEY).await;
    assert_eq!(
        json_of(res, "JobList").await["jobs"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "status=DONE",
        "cursor=zzz",
        "scope=org",
        "search=nope",
    ] {
        let res = emu.get(&format!("/v2/jobs?{bad}"), KEY).await;
        assert_eq!(res.status(), 400, "{bad}");
        json_of(res, "ValidationError").await;
    }
}

#[tokio::test]
async fn outputs_expire_after_retention() {
    let emu = Emulator::start(&["--job-ms", "50", "--retention-ms", "400"]);
    let id = emu.submit_ok(req("x", "1:1", 1)).await;
    let job = emu.until_final(&id).await.pop().unwrap();
    assert_eq!(job["expired"], false);
    let url = job["result"]["images"][0].as_str().unwrap().to_string();
    assert_eq!(emu.http.get(&url).send().await.unwrap().status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(emu.job(&id).await["expired"], true);
    assert_eq!(emu.http.get(&url).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn cors_and_request_ids_on_every_answer() {
    let emu = Emulator::start(&[]);
    let res = emu
        .http
        .request(reqwest::Method::OPTIONS, emu.at("/v2/images/generate"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "x-api-key,idempotency-key,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let allow = res.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for h in ["x-api-key", "idempotency-key", "content-type"] {
        assert!(allow.contains(h), "{allow}");
    }
    assert!(res.headers().contains_key("x-request-id"));
    let res = emu
        .http
        .get(emu.at("/v2/jobs"))
        .header("origin", "http://x.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let expose = res.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(expose.contains("retry-after") && expose.contains("x-request-id"));
    assert!(res.headers().contains_key("x-request-id"));
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
