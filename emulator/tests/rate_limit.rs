//! The rate limit: a token bucket per API key on `/v2/...`, 429 + Retry-After over it, and the
//! stats that tell a test client whether it honoured the Retry-After it was sent.

mod common;

use std::time::{Duration, Instant};

use common::{json_of, Emulator, KEY};
use serde_json::{json, Value};

const OTHER: &str = "afk_other";

async fn stat(emu: &Emulator, name: &str) -> u64 {
    emu.stats().await["stats"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("no stats.{name}"))
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_burst_over_the_limit_gets_429_with_retry_after_and_creates_no_job() {
    let emu = Emulator::start(&["--rate-limit", "2"]);
    let t = Instant::now();
    let (mut accepted, mut refused, mut after_first_refusal) = (0u64, 0u64, 0u64);
    for _ in 0..8 {
        if refused > 0 {
            after_first_refusal += 1;
        }
        let res = emu
            .submit(json!({"prompt": "burst", "model": "reve-create"}))
            .await;
        match res.status().as_u16() {
            202 => accepted += 1,
            429 => {
                refused += 1;
                assert!(retry_after(&res) >= 1);
                let body = json_of(res, "ErrorResponse").await;
                assert_eq!(body, json!({"error": "Rate limit exceeded"}));
            }
            s => panic!("status {s}"),
        }
    }
    let elapsed = t.elapsed().as_secs_f64();
    assert!(elapsed < 3.0, "the burst took {elapsed} s");
    // Two tokens at the start, then two a second.
    assert!(
        accepted >= 2 && accepted <= 2 + (elapsed * 2.0) as u64,
        "{accepted}"
    );
    assert_eq!(accepted + refused, 8);
    let stats = emu.stats().await;
    assert_eq!(stats["stats"]["generateRequests"], 8);
    assert_eq!(
        stats["stats"]["jobsCreated"], accepted,
        "refused submissions create nothing"
    );
    assert_eq!(stats["stats"]["rateLimited"], refused);
    assert_eq!(stats["accounts"][KEY]["credits"], 1_000_000 - 4 * accepted);
    assert_eq!(stats["rateLimitPerSecond"], 2);
    // Each request after the first refusal came inside a window announced to the key.
    let violations = stats["stats"]["rateLimitViolations"].as_u64().unwrap();
    if elapsed < 1.0 {
        assert_eq!(violations, after_first_refusal);
    } else {
        assert!(violations >= refused - 1 && violations <= after_first_refusal);
    }
}

#[tokio::test]
async fn buckets_and_windows_are_per_key_and_sending_early_is_counted() {
    let emu = Emulator::start(&["--rate-limit", "1", "--api-key", KEY, "--api-key", OTHER]);
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 200);
    let res = emu.get("/v2/jobs", KEY).await;
    assert_eq!(res.status(), 429);
    assert_eq!(retry_after(&res), 1);
    assert_eq!(stat(&emu, "rateLimitViolations").await, 0);

    assert_eq!(
        emu.get("/v2/jobs", OTHER).await.status(),
        200,
        "another key, another bucket"
    );
    assert_eq!(stat(&emu, "rateLimitViolations").await, 0);

    // Not waiting for the Retry-After is counted, whatever the answer.
    let res = emu.get("/v2/jobs", KEY).await;
    assert_eq!(stat(&emu, "rateLimitViolations").await, 1);
    let third_refused = res.status() == 429;
    let wait = if third_refused { retry_after(&res) } else { 1 };
    tokio::time::sleep(Duration::from_millis(wait * 1000 + 100)).await;
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 200);
    assert_eq!(stat(&emu, "rateLimitViolations").await, 1);

    // Requests without a key share one bucket: the second is refused before authentication.
    let anonymous = || emu.http.get(emu.at("/v2/jobs")).send();
    assert_eq!(anonymous().await.unwrap().status(), 401);
    assert_eq!(anonymous().await.unwrap().status(), 429);
    assert_eq!(
        stat(&emu, "rateLimited").await,
        2 + u64::from(third_refused)
    );
}

#[tokio::test]
async fn a_fault_429_opens_a_window_too() {
    let emu = Emulator::start(&[]);
    emu.control(
        "/__emulator/faults",
        json!({"kind": "429", "route": "list", "retryAfter": 5}),
    )
    .await;
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 429);
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 200);
    assert_eq!(stat(&emu, "rateLimitViolations").await, 1);
    assert_eq!(
        stat(&emu, "rateLimited").await,
        0,
        "only the limit's own refusals"
    );
}

async fn set_rate(emu: &Emulator, body: Value) -> Value {
    emu.control("/__emulator/rate-limit", body).await
}

#[tokio::test]
async fn the_limit_is_set_at_run_time_kept_by_reset_and_spares_files_and_control() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let url = emu.file_url().await;
    assert_eq!(emu.stats().await["rateLimitPerSecond"], Value::Null);
    assert_eq!(
        set_rate(&emu, json!({"perSecond": 1})).await,
        json!({"perSecond": 1})
    );
    let now: Value = emu.control_get("/__emulator/rate-limit").await;
    assert_eq!(now, json!({"perSecond": 1}));

    for _ in 0..5 {
        assert_eq!(emu.http.get(&url).send().await.unwrap().status(), 200);
        emu.stats().await;
    }
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 200);
    assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 429);
    assert_eq!(stat(&emu, "rateLimited").await, 1);

    emu.control("/__emulator/reset", json!({})).await;
    assert_eq!(stat(&emu, "rateLimited").await, 0);
    assert_eq!(
        emu.get("/v2/jobs", KEY).await.status(),
        200,
        "buckets refilled"
    );
    assert_eq!(
        emu.get("/v2/jobs", KEY).await.status(),
        429,
        "the rate kept"
    );
    assert_eq!(stat(&emu, "rateLimitViolations").await, 0);

    assert_eq!(
        set_rate(&emu, json!({"perSecond": 0})).await,
        json!({"perSecond": null})
    );
    set_rate(&emu, json!({"perSecond": 3})).await;
    assert_eq!(
        set_rate(&emu, json!({"perSecond": null})).await,
        json!({"perSecond": null})
    );
    for _ in 0..5 {
        assert_eq!(emu.get("/v2/jobs", KEY).await.status(), 200);
    }
    let res = emu
        .http
        .post(emu.at("/__emulator/rate-limit"))
        .json(&json!({"perSecond": -1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
