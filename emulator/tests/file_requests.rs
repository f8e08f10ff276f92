//! What the output host was sent: counted in the stats, credentials noticed, header names kept.

mod common;

use common::{Emulator, KEY};
use serde_json::{json, Value};

async fn file_stats(emu: &Emulator) -> (u64, u64, Vec<String>) {
    let s = &emu.stats().await["stats"];
    let names = s["lastFileRequestHeaders"]
        .as_array()
        .unwrap_or_else(|| panic!("no lastFileRequestHeaders in {s}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    (
        s["fileRequests"].as_u64().unwrap(),
        s["fileRequestsWithCredentials"].as_u64().unwrap(),
        names,
    )
}

#[tokio::test]
async fn file_requests_are_counted_with_those_that_carried_credentials() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let url = emu.file_url().await;
    assert_eq!(
        file_stats(&emu).await,
        (0, 0, vec![]),
        "API calls are not file requests"
    );

    assert_eq!(emu.http.get(&url).send().await.unwrap().status(), 200);
    let (n, with, names) = file_stats(&emu).await;
    assert_eq!((n, with), (1, 0));
    assert!(names.contains(&"host".to_string()), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let sent = [
        ("X-API-Key", KEY),
        ("Authorization", "Bearer afk_secret"),
        ("Cookie", "session=afk_secret"),
    ];
    for (i, (name, value)) in sent.into_iter().enumerate() {
        let res = emu.http.get(&url).header(name, value).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let (n, with, names) = file_stats(&emu).await;
        assert_eq!((n, with), (i as u64 + 2, i as u64 + 1));
        assert!(names.contains(&name.to_ascii_lowercase()), "{names:?}");
        assert!(
            !names.iter().any(|h| h.contains("afk_")),
            "names only: {names:?}"
        );
    }

    // A file that does not exist is still a request to the output host.
    let missing = emu.at("/files/00000000-0000-0000-0000-000000000000.png");
    assert_eq!(emu.http.get(missing).send().await.unwrap().status(), 404);
    let (n, with, names) = file_stats(&emu).await;
    assert_eq!((n, with), (5, 3));
    assert!(
        !names.contains(&"cookie".to_string()),
        "the last request's names: {names:?}"
    );
}

#[tokio::test]
async fn reset_clears_the_file_counters() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let url = emu.file_url().await;
    emu.http
        .get(&url)
        .header("x-api-key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(file_stats(&emu).await.0, 1);
    emu.control("/__emulator/reset", json!({})).await;
    assert_eq!(file_stats(&emu).await, (0, 0, vec![]));
    let stats: Value = emu.stats().await;
    assert_eq!(stats["stats"]["jobsCreated"], 0);
}
