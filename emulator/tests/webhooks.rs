//! Webhook deliveries: the events asked for, signed as the contract says, retried on failure.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Emulator;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Clone)]
struct Received {
    event: String,
    signature: String,
    body: Vec<u8>,
}

/// A minimal HTTP receiver answering `status` to every POST and keeping what it got.
async fn receiver(status: u16) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let header = |name: &str| {
                        head.lines()
                            .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
                            .unwrap_or_default()
                    };
                    let len: usize = header("content-length").parse().unwrap_or(0);
                    if buf.len() < end + 4 + len {
                        continue;
                    }
                    let body = buf[end + 4..end + 4 + len].to_vec();
                    store.lock().unwrap().push(Received {
                        event: header("x-webhook-event"),
                        signature: header("x-webhook-signature"),
                        body,
                    });
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    );
                    let _ = sock.write_all(reply.as_bytes()).await;
                    return;
                }
            });
        }
    });
    (url, got)
}

fn expected_signature(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&Sha256::digest(key.as_bytes())).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn progress_and_completed_events_arrive_signed() {
    let emu = Emulator::start(&["--job-ms", "800"]);
    let (url, got) = receiver(200).await;
    let id = emu
        .submit_ok(json!({"prompt": "comic", "model": "reve-create", "webhookUrl": url}))
        .await;
    assert_eq!(emu.job(&id).await["webhookStatus"], "pending");
    emu.until_final(&id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    let events: Vec<&str> = got.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["progress", "progress", "progress", "completed"]);
    for r in &got {
        assert_eq!(r.signature, expected_signature(common::KEY, &r.body));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["jobId"], id.as_str());
        assert_eq!(v["event"], r.event.as_str());
    }
    let done: Value = serde_json::from_slice(&got[3].body).unwrap();
    assert_eq!(done["status"], "COMPLETED");
    assert!(done["result"]["images"][0]
        .as_str()
        .unwrap()
        .ends_with(".png"));
    let progress: Vec<i64> = got[..3]
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["progress"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    assert_eq!(emu.job(&id).await["webhookStatus"], "delivered");
}

#[tokio::test]
async fn only_the_chosen_events_and_failed_jobs_send_failed() {
    let emu = Emulator::start(&["--job-ms", "200", "--fault", "job_failed"]);
    let (url, got) = receiver(204).await;
    let id = emu
        .submit_ok(json!({"prompt": "x", "model": "reve-create", "webhookUrl": url, "webhookEvents": ["failed"]}))
        .await;
    emu.until_final(&id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let v: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(
        (v["event"].as_str(), v["status"].as_str()),
        (Some("failed"), Some("FAILED"))
    );
    assert!(v["error"].is_string());
}

#[tokio::test]
async fn a_failing_receiver_is_retried_then_marked_failed() {
    let emu = Emulator::start(&["--job-ms", "100"]);
    let (url, got) = receiver(500).await;
    let id = emu
        .submit_ok(json!({"prompt": "x", "model": "reve-create", "webhookUrl": url, "webhookEvents": ["completed"]}))
        .await;
    emu.until_final(&id).await;
    let mut status = Value::Null;
    for _ in 0..100 {
        status = emu.job(&id).await["webhookStatus"].clone();
        if status != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, "failed");
    assert_eq!(got.lock().unwrap().len(), 5, "one attempt and four retries");
    let log: Value = emu.control_get("/__emulator/webhooks").await;
    assert_eq!(log["deliveries"].as_array().unwrap().len(), 5);
}

/// Waits until every delivery of the job is over (its `webhookStatus` leaves `pending`).
async fn deliveries_over(emu: &Emulator, id: &str) -> Value {
    for _ in 0..300 {
        let status = emu.job(id).await["webhookStatus"].clone();
        if status != "pending" {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the deliveries of {id} never ended");
}

/// Submits a job with webhooks to a 200 receiver under the fault `fault` (taken by this job),
/// and returns what the receiver got once the deliveries are over, and the job's webhookStatus.
async fn under_fault(fault: Value) -> (Vec<Received>, Value, Emulator) {
    let emu = Emulator::start(&["--job-ms", "300"]);
    emu.control("/__emulator/faults", fault).await;
    let (url, got) = receiver(200).await;
    let id = emu
        .submit_ok(json!({"prompt": "x", "model": "reve-create", "webhookUrl": url}))
        .await;
    let status = deliveries_over(&emu, &id).await;
    assert!(
        emu.control_get("/__emulator/faults").await["pending"].as_array().unwrap().is_empty(),
        "the job took the fault"
    );
    let got = got.lock().unwrap().clone();
    (got, status, emu)
}

fn progress_of(r: &Received) -> i64 {
    serde_json::from_slice::<Value>(&r.body).unwrap()["progress"].as_i64().unwrap()
}

fn events_of(got: &[Received]) -> Vec<&str> {
    got.iter().map(|r| r.event.as_str()).collect()
}

#[tokio::test]
async fn a_duplicate_fault_delivers_each_event_twice() {
    let (got, status, _emu) = under_fault(json!({"kind": "webhook_duplicate"})).await;
    assert_eq!(
        events_of(&got),
        ["progress", "progress", "progress", "progress", "progress", "progress", "completed", "completed"]
    );
    for pair in got.chunks(2) {
        assert_eq!(pair[0].body, pair[1].body);
    }
    assert_eq!(status, "delivered");
}

#[tokio::test]
async fn an_out_of_order_fault_delivers_newest_first_at_the_end() {
    let (got, _, _emu) = under_fault(json!({"kind": "webhook_out_of_order"})).await;
    assert_eq!(events_of(&got), ["completed", "progress", "progress", "progress"]);
    let progress: Vec<i64> = got[1..].iter().map(progress_of).collect();
    assert!(progress.windows(2).all(|w| w[0] > w[1]), "{progress:?}");
}

#[tokio::test]
async fn a_lost_fault_sends_nothing_of_the_events_it_names_and_logs_them() {
    let (got, status, emu) = under_fault(json!({"kind": "webhook_lost", "event": "completed"})).await;
    assert_eq!(events_of(&got), ["progress", "progress", "progress"]);
    assert_eq!(status, "failed");
    let log: Value = emu.control_get("/__emulator/webhooks").await;
    let lost: Vec<&Value> = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"].is_null())
        .collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0]["event"], "completed");
    assert!(lost[0]["error"].as_str().unwrap().contains("lost"));

    let (got, _, _emu) = under_fault(json!({"kind": "webhook_lost"})).await;
    assert!(got.is_empty(), "every event lost");
}

#[tokio::test]
async fn a_bad_signature_fault_signs_with_another_key() {
    let (got, _, _emu) = under_fault(json!({"kind": "webhook_bad_signature", "event": "progress"})).await;
    assert_eq!(got.len(), 4);
    for r in &got {
        let right = r.signature == expected_signature(common::KEY, &r.body);
        assert_eq!(right, r.event == "completed", "{}", r.event);
        assert!(r.signature.starts_with("sha256="));
    }
}

#[tokio::test]
async fn a_delay_fault_lets_later_events_overtake() {
    let (got, status, _emu) =
        under_fault(json!({"kind": "webhook_delay", "event": "progress", "delayMs": 1500})).await;
    assert_eq!(events_of(&got), ["completed", "progress", "progress", "progress"]);
    assert_eq!(status, "delivered");
}

#[tokio::test]
async fn webhook_faults_are_queued_from_the_command_line_too() {
    let emu = Emulator::start(&["--job-ms", "200", "--fault", "webhook_lost:2"]);
    let (url, got) = receiver(200).await;
    for _ in 0..3 {
        let id = emu
            .submit_ok(json!({"prompt": "x", "model": "reve-create", "webhookUrl": url, "webhookEvents": ["completed"]}))
            .await;
        deliveries_over(&emu, &id).await;
    }
    assert_eq!(got.lock().unwrap().len(), 1, "two jobs lost their events, the third did not");
}
