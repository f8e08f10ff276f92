//! A job's life as a client sees it over HTTP: QUEUED to COMPLETED with rising progress, a true
//! PNG at the exact ratio (the same seed, the same bytes), expiry, and privacy.

mod common;

use common::{json_of, png_size, req, Emulator, KEY};

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
