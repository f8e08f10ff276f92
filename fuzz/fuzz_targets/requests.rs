//! Any request a caller (or a browser through the proxy) could make, as JSON through serde.
#![no_main]

use apiframe_reve::core::ai_sdk::{self, ImageCall};
use apiframe_reve::core::download;
use apiframe_reve::core::extra_headers;
use apiframe_reve::core::job::Job;
use apiframe_reve::core::list_params;
use apiframe_reve::core::proxy::{self, Body, ProxyConfig};
use apiframe_reve::core::request::check_idempotency_key;
use apiframe_reve::core::request_source::{not_json, read_request};
use apiframe_reve::core::routes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cfg = ProxyConfig { prefix: "/api/reve".into(), cors_origins: vec!["https://a.example".into()], ..ProxyConfig::default() };
    // The proxy's whole check of a submission's bytes (any bytes: not UTF-8 too), with the
    // host's parse played by serde_json and the library's one reading of requests.
    let _ = proxy::check_submission(&cfg, Body::Whole(data.to_vec()), |t| {
        serde_json::from_str::<serde_json::Value>(t).map_err(|_| not_json()).and_then(|v| read_request(&v))
    });
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        if let Ok(body) = &read_request(&value) {
            // What passes is sendable and passes again unchanged.
            let again = serde_json::to_value(body).unwrap();
            assert_eq!(read_request(&again).ok().as_ref(), Some(body));
        }
        if let Ok(params) = list_params::read(&value) {
            let _ = params.path();
        }
        if let Ok(job) = serde_json::from_value::<Job>(value.clone()) {
            let _ = download::urls(&job);
        }
    }
    // The AI SDK's settings (prompt|size|aspectRatio|seed), and what passes is a request that
    // reads back as itself.
    let mut parts = text.split('|');
    let mut next = || parts.next().map(str::to_string);
    let call = ImageCall {
        prompt: next(),
        size: next(),
        aspect_ratio: next(),
        seed: next().and_then(|s| s.parse().ok()),
        n: Some(1.0),
        ..ImageCall::default()
    };
    if let Ok(plan) = ai_sdk::plan(call) {
        let again = serde_json::to_value(&plan.request).unwrap();
        assert_eq!(read_request(&again).ok().as_ref(), Some(&plan.request));
    }
    let _ = ai_sdk::check_model(&text);
    let _ = download::media_type(data, Some(&text));
    let _ = download::declared_too_large(Some(&text), 1e6);
    let _ = extra_headers::check("headers", vec![(text.to_string(), Some(text.to_string()))]);
    let (method, path) = text.split_once(' ').unwrap_or(("GET", &text));
    let _ = proxy::route(&cfg, method, path);
    let _ = proxy::cors_headers(&cfg, Some(&text));
    let _ = proxy::check_declared_length(&cfg, Some(&text));
    let _ = check_idempotency_key(&text);
    let _ = routes::job_path(&text);
    let _ = routes::normalize_base_url("baseUrl", &text);
});
