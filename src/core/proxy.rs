//! The key-keeping proxy's decisions: which requests may pass, what they must look like, which
//! headers go each way, which CORS headers answer them, and what each refusal says. The wasm
//! layer forwards what this allows and nothing else.

use serde_json::{json, Value};

use super::error::{ApiError, ErrorCode};
use super::request::{check_idempotency_key, GenerateRequest, Model, PROMPT_MAX_UTF16};
use super::routes::{is_uuid, GENERATE, JOBS};

/// What the proxy accepts and from where.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyConfig {
    /// Path prefix the proxy is mounted under, e.g. `/api/reve` (no trailing slash).
    pub prefix: String,
    pub allow_models: Vec<String>,
    pub max_prompt_length: usize,
    pub max_body_bytes: usize,
    /// Origins allowed by CORS: exact origins, or `*`. Empty: no CORS headers at all.
    pub cors_origins: Vec<String>,
}

pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024;

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            prefix: String::new(),
            allow_models: vec![model_name(Model::ReveCreate)],
            max_prompt_length: PROMPT_MAX_UTF16,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            cors_origins: Vec::new(),
        }
    }
}

fn model_name(m: Model) -> String {
    super::serde_names::variant_name::<Model>(m as usize).to_string()
}

/// The upstream's answer headers the proxy passes on to its caller.
pub const FORWARDED_HEADERS: [&str; 3] = ["content-type", "retry-after", "x-request-id"];

/// The three upstream routes the proxy forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Generate,
    GetJob(String),
    ListJobs,
}

impl Route {
    pub fn method(&self) -> &'static str {
        match self {
            Route::Generate => "POST",
            _ => "GET",
        }
    }

    /// The upstream path; `search` is the caller's query string (`?limit=5`), kept for lists.
    pub fn upstream_path(&self, search: &str) -> String {
        match self {
            Route::Generate => GENERATE.to_string(),
            Route::GetJob(id) => format!("{JOBS}/{id}"),
            Route::ListJobs => format!("{JOBS}{search}"),
        }
    }
}

/// A refusal, answered without touching the upstream.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
    /// For 405: the method the path allows.
    pub allow: Option<&'static str>,
}

impl Refusal {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal {
            status,
            body: json!({ "error": message.into() }),
            allow: None,
        }
    }

    /// 400 with the service's validation shape: `{error, details: {field: [message]}}`.
    fn invalid(field: &str, message: &str) -> Self {
        Refusal {
            status: 400,
            body: json!({"error": "Validation failed", "details": { field: [message] }}),
            allow: None,
        }
    }

    pub fn bad_url() -> Self {
        Refusal::new(400, "Bad request URL")
    }

    pub fn origin_refused() -> Self {
        Refusal::new(403, "This origin is not allowed by the proxy's cors setting")
    }

    /// Without `authorize` or `allowAnonymous`, every request.
    pub fn no_policy() -> Self {
        Refusal::new(
            401,
            "This proxy refuses every request until it is told who may call it: pass \
             authorize(request) to createProxyHandler, or allowAnonymous: true",
        )
    }

    pub fn not_authorized() -> Self {
        Refusal::new(401, "Not authorised")
    }

    pub fn authorize_failed() -> Self {
        Refusal::new(500, "The proxy's authorize() failed")
    }

    pub fn too_large(cfg: &ProxyConfig) -> Self {
        Refusal::new(413, format!("Request body is larger than {} bytes", cfg.max_body_bytes))
    }

    pub fn not_json() -> Self {
        Refusal::invalid("", "Body is not valid JSON")
    }

    /// The upstream failed to answer: 504 when it ran out of time, else 502.
    pub fn upstream_failed(code: ErrorCode) -> Self {
        if code == ErrorCode::Timeout {
            Refusal::new(504, "The upstream service did not answer in time")
        } else {
            Refusal::new(502, "The upstream service could not be reached")
        }
    }
}

/// Normalises a prefix: leading slash, no trailing slash, "" for the root.
pub fn normalize_prefix(p: &str) -> String {
    let t = p.trim().trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("/{t}")
    }
}

/// Which upstream route a request is, or why it is refused. `OPTIONS` is matched by path.
pub fn route(cfg: &ProxyConfig, method: &str, path: &str) -> Result<Route, Refusal> {
    let not_found = || {
        Refusal::new(404, "Not found: this proxy forwards only POST /v2/images/generate, GET /v2/jobs and GET /v2/jobs/{id}")
    };
    let Some(rest) = path.strip_prefix(cfg.prefix.as_str()) else {
        return Err(not_found());
    };
    let (route, allowed) = match rest {
        GENERATE => (Route::Generate, "POST"),
        JOBS => (Route::ListJobs, "GET"),
        r => match r.strip_prefix("/v2/jobs/") {
            Some(id) if is_uuid(id) => (Route::GetJob(id.to_ascii_lowercase()), "GET"),
            _ => return Err(not_found()),
        },
    };
    if method == allowed || method == "OPTIONS" {
        Ok(route)
    } else {
        let mut r = Refusal::new(405, format!("Method {method} not allowed here; use {allowed}"));
        r.allow = Some(allowed);
        Err(r)
    }
}

/// A caller's `Idempotency-Key`, passed on when the service would accept it.
pub fn check_idempotency_header(key: Option<&str>) -> Result<(), Refusal> {
    match key {
        Some(k) if check_idempotency_key(k).is_err() => Err(Refusal::new(
            400,
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        )),
        _ => Ok(()),
    }
}

/// A declared `Content-Length` over the cap is refused before the body is read.
pub fn check_declared_length(cfg: &ProxyConfig, content_length: Option<&str>) -> Result<(), Refusal> {
    match content_length.and_then(|l| l.trim().parse::<u64>().ok()) {
        Some(n) if n > cfg.max_body_bytes as u64 => Err(Refusal::too_large(cfg)),
        _ => Ok(()),
    }
}

/// Checks a submission before it can cost a credit: its size in bytes, then what reading it
/// gave (the library's own validation), the model allow-list and the proxy's prompt limit.
/// Returns the request to forward.
pub fn check_generate(
    cfg: &ProxyConfig,
    body_bytes: usize,
    read: Result<GenerateRequest, ApiError>,
) -> Result<GenerateRequest, Refusal> {
    if body_bytes > cfg.max_body_bytes {
        return Err(Refusal::too_large(cfg));
    }
    let request = read.map_err(|e| Refusal::invalid(e.field().unwrap_or(""), &e.message))?;
    let model = model_name(request.model.unwrap_or_default());
    if !cfg.allow_models.contains(&model) {
        return Err(Refusal::invalid(
            "model",
            &format!(
                "model \"{model}\" is not allowed by this proxy; allowed: {}",
                cfg.allow_models.join(", ")
            ),
        ));
    }
    let n = request.prompt.encode_utf16().count();
    if n > cfg.max_prompt_length {
        return Err(Refusal::invalid(
            "prompt",
            &format!(
                "prompt is {n} characters; this proxy allows at most {}",
                cfg.max_prompt_length
            ),
        ));
    }
    Ok(request)
}

/// CORS headers for an answer to a request from `origin`. With CORS configured, every
/// answer says `Vary: Origin` (caches must not hand one origin's answer to another).
pub fn cors_headers(cfg: &ProxyConfig, origin: Option<&str>) -> Vec<(&'static str, String)> {
    if cfg.cors_origins.is_empty() {
        return Vec::new();
    }
    let mut out = vec![("vary", "origin".to_string())];
    let Some(origin) = origin else {
        return out;
    };
    let any = cfg.cors_origins.iter().any(|o| o == "*");
    if !any && !cfg.cors_origins.iter().any(|o| o == origin) {
        return out;
    }
    out.extend([
        ("access-control-allow-origin", if any { "*".to_string() } else { origin.to_string() }),
        ("access-control-allow-methods", "GET, POST, OPTIONS".into()),
        ("access-control-allow-headers", "content-type, idempotency-key".into()),
        ("access-control-expose-headers", "retry-after, x-request-id".into()),
        ("access-control-max-age", "600".into()),
    ]);
    out
}

/// Whether the origin may call at all: same-origin and non-browser calls carry no `Origin`
/// (or the proxy's own); a foreign origin must be listed.
pub fn origin_allowed(cfg: &ProxyConfig, origin: Option<&str>, own_origin: &str) -> bool {
    match origin {
        None => true,
        Some(o) if o == own_origin => true,
        Some(o) => cfg.cors_origins.iter().any(|a| a == "*" || a == o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request_source::read_request;

    fn cfg() -> ProxyConfig {
        ProxyConfig {
            prefix: "/api/reve".into(),
            cors_origins: vec!["https://app.example".into()],
            ..Default::default()
        }
    }

    fn check(c: &ProxyConfig, body: &str) -> Result<GenerateRequest, Refusal> {
        let read = serde_json::from_str::<Value>(body)
            .map_err(|_| ApiError::invalid("", "not JSON", None))
            .and_then(|v| read_request(&v));
        check_generate(c, body.len(), read)
    }

    #[test]
    fn forwards_only_the_three_routes() {
        let c = cfg();
        assert_eq!(route(&c, "POST", "/api/reve/v2/images/generate"), Ok(Route::Generate));
        assert_eq!(route(&c, "GET", "/api/reve/v2/jobs"), Ok(Route::ListJobs));
        let id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
        assert_eq!(route(&c, "GET", &format!("/api/reve/v2/jobs/{id}")), Ok(Route::GetJob(id.into())));
        assert_eq!(route(&c, "OPTIONS", "/api/reve/v2/jobs"), Ok(Route::ListJobs));
        for (m, p, status) in [
            ("GET", "/api/reve/v2/images/generate", 405),
            ("POST", "/api/reve/v2/jobs", 405),
            ("DELETE", &format!("/api/reve/v2/jobs/{id}") as &str, 405),
            ("GET", "/api/reve/v2/jobs/../../admin", 404),
            ("GET", "/api/reve/v2/account", 404),
            ("GET", "/v2/jobs", 404),
            ("POST", "/api/reve/v1/images/generate", 404),
            ("GET", "/api/reve/v2/jobs/x", 404),
        ] {
            assert_eq!(route(&c, m, p).unwrap_err().status, status, "{m} {p}");
        }
        assert_eq!(Route::ListJobs.upstream_path("?limit=5"), "/v2/jobs?limit=5");
        assert_eq!(Route::GetJob(id.into()).upstream_path("?x"), format!("/v2/jobs/{id}"));
    }

    #[test]
    fn submissions_are_checked_before_they_cost_a_credit() {
        let c = ProxyConfig { max_prompt_length: 10, ..cfg() };
        assert_eq!(check(&c, r#"{"prompt":"short"}"#).unwrap().model, Some(Model::ReveCreate));
        let r = check(&c, r#"{"prompt":"far too long a prompt"}"#).unwrap_err();
        assert_eq!((r.status, r.body["details"]["prompt"].is_array()), (400, true));
        assert_eq!(check(&c, r#"{"prompt":"x","model":"gpt-image"}"#).unwrap_err().body["details"]["model"][0]
            .as_str().map(|s| s.contains("reve-create")), Some(true));
        let none = ProxyConfig { allow_models: vec![], ..cfg() };
        assert!(check(&none, r#"{"prompt":"x"}"#).unwrap_err().body["details"]["model"][0]
            .as_str().unwrap().contains("not allowed by this proxy"));
        assert_eq!(check(&c, r#"{"prompt":"x","reveParams":{"aspect_ratio":"5:4"}}"#).unwrap_err().status, 400);
        let r = check(&c, r#"{"prompt":"x","reveParams":{"aspectRatio":"16:9"}}"#).unwrap_err();
        assert!(r.body["details"]["reveParams.aspectRatio"][0].as_str().unwrap().contains("did you mean \"aspect_ratio\""));
        assert_eq!(check(&c, "not json").unwrap_err().status, 400);
        assert_eq!(check(&c, &"x".repeat(20_000)).unwrap_err().status, 413);
        assert_eq!(check_declared_length(&c, Some("20000")).unwrap_err().status, 413);
        assert!(check_declared_length(&c, Some("200")).is_ok() && check_declared_length(&c, None).is_ok());
    }

    #[test]
    fn sixty_thousand_keys_are_refused_at_the_first_unknown_one() {
        let mut body = String::from("{\"prompt\":\"x\"");
        for i in 0..60_000 {
            body.push_str(&format!(",\"k{i}\":{i}"));
        }
        body.push('}');
        let c = ProxyConfig { max_body_bytes: 1 << 20, ..cfg() };
        let t = std::time::Instant::now();
        let r = check(&c, &body).unwrap_err();
        assert_eq!(r.status, 400);
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }

    #[test]
    fn upstream_failures_and_idempotency_headers() {
        assert_eq!(Refusal::upstream_failed(ErrorCode::Timeout).status, 504);
        assert_eq!(Refusal::upstream_failed(ErrorCode::Network).status, 502);
        assert!(check_idempotency_header(Some("has space")).is_err());
        assert!(check_idempotency_header(Some("ok-1")).is_ok() && check_idempotency_header(None).is_ok());
    }

    #[test]
    fn cors_is_explicit_and_varies_by_origin() {
        let c = cfg();
        assert_eq!(cors_headers(&c, Some("https://evil.example")), vec![("vary", "origin".to_string())]);
        assert_eq!(cors_headers(&c, None), vec![("vary", "origin".to_string())]);
        assert!(cors_headers(&ProxyConfig::default(), Some("https://app.example")).is_empty());
        let h = cors_headers(&c, Some("https://app.example"));
        assert!(h.contains(&("access-control-allow-origin", "https://app.example".to_string())));
        assert!(origin_allowed(&c, None, "https://proxy.example"));
        assert!(origin_allowed(&c, Some("https://proxy.example"), "https://proxy.example"));
        assert!(!origin_allowed(&c, Some("https://evil.example"), "https://proxy.example"));
        assert_eq!(normalize_prefix("api/reve/"), "/api/reve");
        assert_eq!(normalize_prefix("/"), "");
    }
}
