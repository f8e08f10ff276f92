//! Any answer the service (or anything in front of it) could send: status, body, headers.
#![no_main]

use apiframe_reve::core::job::{image_urls, Snapshot};
use apiframe_reve::core::json;
use apiframe_reve::core::response::{self, Answer};
use apiframe_reve::core::retry_after;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let text = String::from_utf8_lossy(&data[2..]);
    let (header, body) = text.split_once('\n').unwrap_or(("", &text));
    let answer = Answer {
        status,
        body,
        content_type: Some(header),
        request_id: Some(header),
        retry_after: Some(header),
        now_ms: 1.7e12,
    };
    let _ = response::check(&answer);
    let e = response::error_for(&answer);
    assert!(!e.message.is_empty());
    let _ = response::malformed(&answer);
    let _ = retry_after::parse_ms(header, 1.7e12);
    if let Ok(snapshot) = Snapshot::parse(body) {
        assert!(snapshot.progress.map_or(true, |p| p <= 100));
    }
    if let Ok(value) = json::parse(body) {
        let _ = image_urls(&value);
    }
});
