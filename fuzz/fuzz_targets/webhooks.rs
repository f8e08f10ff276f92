//! Any webhook delivery: the signature header and the body (JSON through serde).
#![no_main]

use apiframe_reve::core::webhook::{check_event, parse_signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (signature, body) = text.split_once('\n').unwrap_or((&text, ""));
    let _ = parse_signature(signature);
    let _ = check_event(serde_json::from_str(body).ok());
});
