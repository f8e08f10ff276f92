//! Any answer the service (or anything in front of it) could send: status, body, headers. The
//! body goes through serde as arbitrary JSON, as the host's parse would hand it over.
#![no_main]

use apiframe_reve::core::job::{image_urls, Job, JobAccepted};
use apiframe_reve::core::response::{self, Answer, Body};
use apiframe_reve::core::retry_after;
use apiframe_reve::core::wait::Wait;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let text = String::from_utf8_lossy(&data[2..]);
    let (header, body) = text.split_once('\n').unwrap_or(("", &text));
    let json = serde_json::from_str::<serde_json::Value>(body).ok();
    let answer = Answer {
        status,
        body: match &json {
            Some(v) => Body::Json(v),
            None if body.trim().is_empty() => Body::Empty,
            None => Body::Text,
        },
        content_type: Some(header),
        request_id: Some(header),
        retry_after: Some(header),
        now_ms: 1.7e12,
    };
    let _ = response::check_success(&answer);
    let e = response::error_for(&answer);
    assert!(!e.message.is_empty());
    let _ = response::malformed(&answer);
    let _ = retry_after::parse_ms(header, 1.7e12);
    if let Some(value) = json {
        if let Ok(job) = serde_json::from_value::<Job>(value.clone()) {
            assert!(job.progress().is_none_or(|p| p <= 100));
            let _ = job.duration_ms();
            let _ = Wait::took_ms(&job, 1.0);
        }
        if let Ok(accepted) = serde_json::from_value::<JobAccepted>(value.clone()) {
            let _ = Wait::after_submission(&accepted, 1000.0);
        }
        for url in image_urls(&value) {
            assert!(url.starts_with("http") || url.starts_with("HTTP") || url.to_ascii_lowercase().starts_with("blob:") || url.to_ascii_lowercase().starts_with("http"));
        }
    }
});
