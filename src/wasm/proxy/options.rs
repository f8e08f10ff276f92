//! createProxyHandler's options, read into a proxy: closed (a misspelt limit would leave the
//! proxy more open than its author meant), each checked as the core says.

use std::cell::Cell;

use super::job_records::JobRecordStore;
use super::job_store::JobOwners;
use crate::core::poll_schedule::DurationEstimate;
use crate::core::pushed::FirstEvent;
use super::Proxy;
use crate::core::decode::decode;
use crate::core::error::ApiError;
use crate::core::proxy::{self, ProxyConfig, UPSTREAM_TIMEOUT_MS};
use crate::core::routes::{normalize_base_url, DEFAULT_BASE_URL};
use crate::core::settings::{self, number_in};
use crate::wasm::args::{self, option_expectation};
use crate::wasm::options::{CorsOptions, ProxyOptions};
use crate::wasm::transport::Transport;
use crate::wasm::trap;

/// The proxy the options describe, or the typed error naming the first bad one.
pub(super) fn build(o: &wasm_bindgen::JsValue) -> Result<Proxy, ApiError> {
    trap::check()?;
    let o: ProxyOptions = args::options(o, "options", option_expectation)?;
    let api_key = settings::api_key("apiKey", Some(&o.api_key))?.ok_or_else(|| {
        ApiError::invalid("apiKey", "apiKey is required: the proxy adds it to every forwarded request", None)
    })?;
    let upstream = normalize_base_url("upstream", o.upstream.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
    let mut cfg = ProxyConfig {
        prefix: proxy::normalize_prefix(o.prefix.as_deref().unwrap_or("")),
        cors_origins: cors_origins(&o.cors)?,
        ..ProxyConfig::default()
    };
    if let Some(models) = o.allow_models {
        cfg.allow_models = models;
    }
    if let Some(n) = number_in("maxPromptLength", o.max_prompt_length, 1.0, 2000.0, true)? {
        cfg.max_prompt_length = n as usize;
    }
    if let Some(n) = number_in("maxBodyBytes", o.max_body_bytes, 256.0, 1_048_576.0, true)? {
        cfg.max_body_bytes = n as usize;
    }
    if let Some(url) = o.webhook_url.as_deref() {
        let pathname = web_sys::Url::new(url).map(|u| u.pathname()).unwrap_or_default();
        cfg.webhook = Some(proxy::webhook_route(&cfg, url, &pathname)?);
    }
    Ok(Proxy {
        cfg,
        api_key: api_key.clone(),
        records: JobRecordStore::from_option(&o.job_records)?,
        expected: Cell::new(DurationEstimate::REVE),
        first_event: Cell::new(FirstEvent::default()),
        looking: Default::default(),
        upstream: Transport::new(upstream, Some(api_key), args::function("fetch", &o.fetch)?, UPSTREAM_TIMEOUT_MS),
        authorize: args::function("authorize", &o.authorize)?,
        allow_anonymous: o.allow_anonymous.unwrap_or(false),
        owners: JobOwners::from_option(&o.job_store)?,
    })
}

/// `cors`: nothing, an array of origins, or `{ origins: [...] }`.
fn cors_origins(cors: &wasm_bindgen::JsValue) -> Result<Vec<String>, ApiError> {
    if cors.is_undefined() || cors.is_null() {
        Ok(Vec::new())
    } else if js_sys::Array::is_array(cors) {
        decode(cors, "cors", option_expectation)
    } else {
        let c: CorsOptions = args::options(cors, "cors", |_| Some(("an array of origins".to_string(), None)))
            .map_err(proxy::cors_option_error)?;
        Ok(c.origins)
    }
}
