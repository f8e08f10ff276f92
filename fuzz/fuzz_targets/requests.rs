//! Any request a caller (or a browser through the proxy) could make, as JSON through serde.
#![no_main]

use apiframe_reve::core::list_params;
use apiframe_reve::core::proxy::{self, ProxyConfig};
use apiframe_reve::core::request::{check_idempotency_key, read_json};
use apiframe_reve::core::routes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cfg = ProxyConfig { prefix: "/api/reve".into(), cors_origins: vec!["https://a.example".into()], ..ProxyConfig::default() };
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        let read = read_json(&value);
        if let Ok(body) = &read {
            // What passes is sendable and passes again unchanged.
            let again = serde_json::to_value(body).unwrap();
            assert_eq!(read_json(&again).ok().as_ref(), Some(body));
        }
        let _ = proxy::check_generate(&cfg, text.len(), read);
        if let Ok(params) = list_params::read(&value) {
            let _ = params.path();
        }
    }
    let (method, path) = text.split_once(' ').unwrap_or(("GET", &text));
    let _ = proxy::route(&cfg, method, path);
    let _ = proxy::cors_headers(&cfg, Some(&text));
    let _ = proxy::check_declared_length(&cfg, Some(&text));
    let _ = check_idempotency_key(&text);
    let _ = routes::job_path(&text);
    let _ = routes::normalize_base_url("baseUrl", &text);
});
