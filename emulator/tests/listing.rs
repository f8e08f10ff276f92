//! `GET /v2/jobs`: cursor pages through every job once, newest first; status filters; bad
//! parameters are refused 400.

mod common;

use common::{assert_schema, json_of, req, Emulator, KEY};
use serde_json::{json, Value};

/// How many jobs one page of `GET /v2/jobs?{query}` holds (checked against the JobList schema).
async fn listed_count(emu: &Emulator, query: &str) -> usize {
    let res = emu.get(&format!("/v2/jobs?{query}"), KEY).await;
    json_of(res, "JobList").await["jobs"].as_array().unwrap().len()
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
    assert_eq!(listed_count(&emu, "status=QUEUED").await, 0);
    assert_eq!(listed_count(&emu, "status=COMPLETED&limit=100").await, 7);
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
