//! The settings of a client and of a proxy, checked: ranges, the key's form, the poll
//! bounds. The wasm layer reads the caller's objects (serde) and hands the plain values here.

use serde_json::json;

use super::error::ApiError;
use super::poll_schedule::{Bounds, DurationEstimate};
use super::retry::{RetryPolicy, MAX_RETRIES_LIMIT};
use super::routes::{normalize_base_url, DEFAULT_BASE_URL};

pub const DEFAULT_TIMEOUT_MS: f64 = 60_000.0;
pub const DEFAULT_WAIT_MS: f64 = 600_000.0;

/// `value` within `[min, max]` (whole when `whole`), or an error naming `field` and the range
/// (the numbers as given).
pub fn number_in(field: &str, value: Option<f64>, min: f64, max: f64, whole: bool) -> Result<Option<f64>, ApiError> {
    match value {
        None => Ok(None),
        Some(n) if n >= min && n <= max && (!whole || n.fract() == 0.0) => Ok(Some(n)),
        Some(n) => Err(out_of_range(field, n, min, max, whole)),
    }
}

#[cold]
#[inline(never)]
fn out_of_range(field: &str, n: f64, min: f64, max: f64, whole: bool) -> ApiError {
    let kind = if whole { "whole number" } else { "number" };
    ApiError::invalid(
        field,
        format!("{field} must be a {kind} from {min} to {max}, got {n}"),
        Some(json!({"minimum": min, "maximum": max})),
    )
}

/// An API key as a header can carry it: surrounding white space trimmed, then 1 or more
/// visible ASCII characters. The message never shows the key.
pub fn api_key(field: &str, key: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    if let Some(at) = key.chars().position(|c| !c.is_ascii_graphic()) {
        return Err(ApiError::invalid(
            field,
            format!(
                "{field} must be visible ASCII characters only; character {} of the key is not (a paste accident?). \
                 The key is not shown here",
                at + 1
            ),
            None,
        ));
    }
    Ok(Some(key.to_string()))
}

/// A client's checked settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: String,
    pub timeout_ms: f64,
    pub retry: RetryPolicy,
    pub estimate: DurationEstimate,
    pub bounds: Bounds,
}

/// What `new ReveClient(options)` was given, as plain values.
#[derive(Debug, Clone, Default)]
pub struct ClientInput<'a> {
    pub api_key: Option<&'a str>,
    pub base_url: Option<&'a str>,
    pub max_retries: Option<f64>,
    pub timeout_ms: Option<f64>,
    pub expected_duration_ms: Option<f64>,
    pub min_poll_interval_ms: Option<f64>,
    pub max_poll_interval_ms: Option<f64>,
    pub dangerously_allow_browser: bool,
    /// The code runs in a browser (`in_browser`): a key there is every visitor's.
    pub in_browser: bool,
}

/// What the global scope shows of the runtime, read by the wasm layer for `in_browser`.
#[derive(Debug, Clone, Default)]
pub struct GlobalSigns {
    /// A global `document`: a page (or a DOM emulation such as jsdom, which stands for one).
    pub document: bool,
    /// The global object is a `WorkerGlobalScope` (dedicated, shared or service worker).
    pub worker_scope: bool,
    /// `navigator.userAgent`, where there is one.
    pub user_agent: Option<String>,
}

/// Whether the code runs in a browser: a page, or a Web Worker of one (dedicated, shared,
/// service). Never from `window`, which no worker has. A worker counts when its global is a
/// `WorkerGlobalScope` and its user agent a browser's ("Mozilla/5.0 ...", as every browser's
/// is): Deno's workers have the scope too but say "Deno/...", workerd says "Cloudflare-Workers",
/// and Node, Bun and Vercel's edge-runtime have no such scope.
pub fn in_browser(signs: &GlobalSigns) -> bool {
    let browser_agent = signs.user_agent.as_deref().is_some_and(|ua| ua.starts_with("Mozilla/"));
    signs.document || (signs.worker_scope && browser_agent)
}

impl ClientSettings {
    pub fn check(i: &ClientInput) -> Result<ClientSettings, ApiError> {
        let api_key = api_key("apiKey", i.api_key)?;
        let base_url = match i.base_url {
            Some(u) => normalize_base_url("baseUrl", u)?,
            None => DEFAULT_BASE_URL.to_string(),
        };
        if api_key.is_none() && base_url == DEFAULT_BASE_URL {
            return Err(ApiError::invalid(
                "apiKey",
                "apiKey is required to call https://api.apiframe.ai; in a browser, set baseUrl to your proxy instead",
                None,
            ));
        }
        if api_key.is_some() && i.in_browser && !i.dangerously_allow_browser {
            return Err(ApiError::invalid(
                "apiKey",
                "an apiKey in a browser (a page or its Web Worker) is visible to every visitor: set baseUrl to a proxy \
                 that adds the key (see createProxyHandler), or pass dangerouslyAllowBrowser: true if you accept the risk",
                None,
            ));
        }
        let max_retries = number_in("maxRetries", i.max_retries, 0.0, f64::from(MAX_RETRIES_LIMIT), true)?;
        let timeout_ms = number_in("timeoutMs", i.timeout_ms, 1.0, 3_600_000.0, false)?;
        let expected = number_in("expectedDurationMs", i.expected_duration_ms, 1.0, 86_400_000.0, false)?;
        let defaults = Bounds::default();
        let floor_ms = number_in("minPollIntervalMs", i.min_poll_interval_ms, 1.0, 3_600_000.0, false)?
            .unwrap_or(defaults.floor_ms);
        let ceiling_ms = number_in("maxPollIntervalMs", i.max_poll_interval_ms, 1.0, 3_600_000.0, false)?
            .unwrap_or(defaults.ceiling_ms);
        if ceiling_ms < floor_ms {
            return Err(ApiError::invalid(
                "maxPollIntervalMs",
                "maxPollIntervalMs must not be smaller than minPollIntervalMs",
                None,
            ));
        }
        Ok(ClientSettings {
            api_key,
            base_url,
            timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            retry: RetryPolicy {
                max_retries: max_retries.map_or(RetryPolicy::default().max_retries, |n| n as u32),
                ..RetryPolicy::default()
            },
            estimate: expected.map_or(DurationEstimate::REVE, |mean_ms| DurationEstimate { mean_ms, samples: 0 }),
            bounds: Bounds { floor_ms, ceiling_ms },
        })
    }
}

/// A wait's time limit (`timeoutMs` of `waitForJob` and `run`), 10 minutes unless given.
pub fn wait_timeout_ms(value: Option<f64>) -> Result<f64, ApiError> {
    Ok(number_in("timeoutMs", value, 0.0, f64::MAX, false)?.unwrap_or(DEFAULT_WAIT_MS))
}

/// `runMany`'s default and largest `concurrency`.
pub const DEFAULT_CONCURRENCY: f64 = 4.0;
pub const MAX_CONCURRENCY: f64 = 32.0;

/// `runMany`'s `concurrency`: a whole number from 1 to 32 (default 4).
pub fn concurrency(value: Option<f64>) -> Result<usize, ApiError> {
    Ok(number_in("concurrency", value, 1.0, MAX_CONCURRENCY, true)?.unwrap_or(DEFAULT_CONCURRENCY) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_is_1_to_32_and_4_by_default() {
        assert_eq!(concurrency(None).unwrap(), 4);
        assert_eq!(concurrency(Some(32.0)).unwrap(), 32);
        for bad in [0.0, 33.0, 2.5, f64::NAN] {
            assert_eq!(concurrency(Some(bad)).unwrap_err().field(), Some("concurrency"), "{bad}");
        }
    }

    fn check(i: ClientInput) -> Result<ClientSettings, ApiError> {
        ClientSettings::check(&i)
    }

    #[test]
    fn bad_settings_name_the_setting() {
        let key = Some("afk_x");
        for (i, field) in [
            (ClientInput::default(), "apiKey"),
            (ClientInput { api_key: key, base_url: Some("api.apiframe.ai"), ..Default::default() }, "baseUrl"),
            (ClientInput { api_key: key, max_retries: Some(11.0), ..Default::default() }, "maxRetries"),
            (ClientInput { api_key: key, max_retries: Some(1.5), ..Default::default() }, "maxRetries"),
            (ClientInput { api_key: key, timeout_ms: Some(-1.0), ..Default::default() }, "timeoutMs"),
            (ClientInput { api_key: key, min_poll_interval_ms: Some(500.0), max_poll_interval_ms: Some(100.0), ..Default::default() }, "maxPollIntervalMs"),
            (ClientInput { api_key: key, in_browser: true, ..Default::default() }, "apiKey"),
        ] {
            assert_eq!(check(i).unwrap_err().field(), Some(field));
        }
        let e = number_in("limit", Some(1e20), 1.0, 100.0, true).unwrap_err();
        assert_eq!(e.message, "limit must be a whole number from 1 to 100, got 100000000000000000000");
    }

    #[test]
    fn pages_and_their_workers_are_browsers_servers_are_not() {
        let agent = |ua: &str| Some(ua.to_string());
        let chromium = agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36");
        let firefox = agent("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0");
        for (signs, browser, what) in [
            (GlobalSigns { document: true, worker_scope: false, user_agent: chromium.clone() }, true, "a page"),
            (GlobalSigns { document: true, worker_scope: false, user_agent: None }, true, "jsdom"),
            (GlobalSigns { document: false, worker_scope: true, user_agent: chromium }, true, "a Chromium worker"),
            (GlobalSigns { document: false, worker_scope: true, user_agent: firefox }, true, "a Firefox worker"),
            (GlobalSigns { document: false, worker_scope: true, user_agent: agent("Cloudflare-Workers") }, false, "workerd"),
            (GlobalSigns { document: false, worker_scope: true, user_agent: None }, false, "workerd without navigator"),
            (GlobalSigns { document: false, worker_scope: true, user_agent: agent("Deno/2.9.6") }, false, "a Deno worker"),
            (GlobalSigns { document: false, worker_scope: false, user_agent: agent("Deno/2.9.6") }, false, "Deno"),
            (GlobalSigns { document: false, worker_scope: false, user_agent: agent("Node.js/22") }, false, "Node"),
            (GlobalSigns { document: false, worker_scope: false, user_agent: agent("Bun/1.2.0") }, false, "Bun"),
            (GlobalSigns { document: false, worker_scope: false, user_agent: None }, false, "edge-runtime, Node 20"),
        ] {
            assert_eq!(in_browser(&signs), browser, "{what}");
        }
        let e = check(ClientInput { api_key: Some("k"), in_browser: true, ..Default::default() }).unwrap_err();
        assert!(e.message.contains("Web Worker") && e.message.contains("dangerouslyAllowBrowser"), "{}", e.message);
        let allowed = ClientInput { api_key: Some("k"), in_browser: true, dangerously_allow_browser: true, ..Default::default() };
        assert!(check(allowed).is_ok());
    }

    #[test]
    fn keys_are_trimmed_checked_and_never_echoed() {
        assert_eq!(api_key("apiKey", Some("  afk_abc\n")).unwrap().as_deref(), Some("afk_abc"));
        assert_eq!(api_key("apiKey", Some("   ")).unwrap(), None);
        for bad in ["afk_secret\nx", "afk_secret\0x", "afk secret", "afk_sécret"] {
            let e = api_key("apiKey", Some(bad)).unwrap_err();
            assert!(!e.message.contains("secret"), "{}", e.message);
            assert_eq!(e.field(), Some("apiKey"));
        }
    }

    #[test]
    fn defaults() {
        let s = check(ClientInput { api_key: Some("k"), ..Default::default() }).unwrap();
        assert_eq!((s.base_url.as_str(), s.timeout_ms, s.retry.max_retries), (DEFAULT_BASE_URL, 60_000.0, 2));
        assert_eq!(wait_timeout_ms(None).unwrap(), 600_000.0);
    }
}
