//! Any request a caller (or a browser through the proxy) could make.
#![no_main]

use apiframe_reve::core::json;
use apiframe_reve::core::proxy::{self, ProxyConfig};
use apiframe_reve::core::request::{check_idempotency_key, prepare_generate};
use apiframe_reve::core::routes::{self, ListParams};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(value) = json::parse(&text) {
        if let Ok(body) = prepare_generate(&value) {
            // What passes is sendable and passes again unchanged.
            assert_eq!(prepare_generate(&body).ok(), Some(body));
        }
    }
    let cfg = ProxyConfig { prefix: "/api/reve".into(), cors_origins: vec!["https://a.example".into()], ..ProxyConfig::default() };
    let _ = proxy::check_generate(&cfg, &text);
    let (method, path) = text.split_once(' ').unwrap_or(("GET", &text));
    let _ = proxy::route(&cfg, method, path);
    let _ = proxy::cors_headers(&cfg, Some(&text));
    let _ = check_idempotency_key(&text);
    let _ = routes::job_path(&text);
    let _ = routes::normalize_base_url(&text);
    let limit = data.first().map(|b| f64::from(*b) - 10.0);
    let _ = routes::list_path(&ListParams {
        status: Some(text.to_string()),
        model: Some(text.to_string()),
        limit,
        cursor: Some(text.to_string()),
        scope: None,
    });
});
