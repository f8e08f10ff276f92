//! The key-keeping proxy's decisions: which requests may pass, what they must look like, and
//! which CORS headers answer them. The wasm layer forwards what this allows and nothing else.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::json::{self, Map, Value};

use super::request::prepare_generate;
use super::routes::{is_uuid, GENERATE};

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

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            prefix: String::new(),
            allow_models: vec![super::request::MODEL.to_string()],
            max_prompt_length: super::request::PROMPT_MAX_UTF16,
            max_body_bytes: 16 * 1024,
            cors_origins: Vec::new(),
        }
    }
}

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
            body: Value::object([("error", Value::from(message.into()))]),
            allow: None,
        }
    }
}

/// Normalises a prefix: leading slash, no trailing slash, "" for the root.
pub fn normalize_prefix(p: &str) -> String {
    let t = p.trim().trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        cat!('/', t)
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
        "/v2/jobs" => (Route::ListJobs, "GET"),
        r => match r.strip_prefix("/v2/jobs/") {
            Some(id) if is_uuid(id) => (Route::GetJob(id.to_ascii_lowercase()), "GET"),
            _ => return Err(not_found()),
        },
    };
    if method == allowed || method == "OPTIONS" {
        Ok(route)
    } else {
        let mut r = Refusal::new(
            405,
            cat!("Method ", method, " not allowed here; use ", allowed),
        );
        r.allow = Some(allowed);
        Err(r)
    }
}

/// Checks a submission before it can cost a credit: size, JSON, the library's own
/// validation, the model allow-list and the proxy's prompt limit. Returns the body to send.
pub fn check_generate(cfg: &ProxyConfig, body: &str) -> Result<String, Refusal> {
    if body.len() > cfg.max_body_bytes {
        return Err(Refusal::new(
            413,
            cat!("Request body is larger than ", cfg.max_body_bytes, " bytes"),
        ));
    }
    let invalid = |field: &str, message: String| {
        let mut details = Map::new();
        details.insert(field, Value::Array(vec![Value::from(message)]));
        Refusal {
            status: 400,
            body: Value::object([
                ("error", Value::from("Validation failed")),
                ("details", Value::Object(details)),
            ]),
            allow: None,
        }
    };
    let value = json::parse_exact(body).map_err(|e| {
        invalid(
            "",
            cat!("Body is not valid JSON: ", e.what, " at byte ", e.offset),
        )
    })?;
    let model = value
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or(super::request::MODEL)
        .to_string();
    if !cfg.allow_models.contains(&model) {
        return Err(invalid(
            "model",
            cat!(
                "model \"",
                model,
                "\" is not allowed by this proxy; allowed: ",
                super::text::join(&cfg.allow_models, ", ")
            ),
        ));
    }
    let prepared = prepare_generate(&value)
        .map_err(|e| invalid(e.field().unwrap_or(""), e.message.clone()))?;
    let n = prepared
        .get("prompt")
        .and_then(Value::as_str)
        .map_or(0, |p| p.encode_utf16().count());
    if n > cfg.max_prompt_length {
        return Err(invalid(
            "prompt",
            cat!(
                "prompt is ",
                n,
                " characters; this proxy allows at most ",
                cfg.max_prompt_length
            ),
        ));
    }
    Ok(prepared.to_json())
}

/// CORS headers for a request from `origin`, if that origin is allowed.
pub fn cors_headers(cfg: &ProxyConfig, origin: Option<&str>) -> Vec<(&'static str, String)> {
    let Some(origin) = origin else {
        return Vec::new();
    };
    let allowed = cfg.cors_origins.iter().any(|o| o == "*" || o == origin);
    if !allowed {
        return Vec::new();
    }
    let value = if cfg.cors_origins.iter().any(|o| o == "*") {
        "*".to_string()
    } else {
        origin.to_string()
    };
    vec![
        ("access-control-allow-origin", value),
        ("access-control-allow-methods", "GET, POST, OPTIONS".into()),
        (
            "access-control-allow-headers",
            "content-type, idempotency-key".into(),
        ),
        (
            "access-control-expose-headers",
            "retry-after, x-request-id".into(),
        ),
        ("access-control-max-age", "600".into()),
        ("vary", "origin".into()),
    ]
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

    fn cfg() -> ProxyConfig {
        ProxyConfig {
            prefix: "/api/reve".into(),
            cors_origins: vec!["https://app.example".into()],
            ..Default::default()
        }
    }

    #[test]
    fn forwards_only_the_three_routes() {
        let c = cfg();
        assert_eq!(
            route(&c, "POST", "/api/reve/v2/images/generate"),
            Ok(Route::Generate)
        );
        assert_eq!(route(&c, "GET", "/api/reve/v2/jobs"), Ok(Route::ListJobs));
        let id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
        assert_eq!(
            route(&c, "GET", &format!("/api/reve/v2/jobs/{id}")),
            Ok(Route::GetJob(id.into()))
        );
        assert_eq!(
            route(&c, "OPTIONS", "/api/reve/v2/jobs"),
            Ok(Route::ListJobs)
        );
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
    }

    #[test]
    fn submissions_are_checked_before_they_cost_a_credit() {
        let c = ProxyConfig {
            max_prompt_length: 10,
            ..cfg()
        };
        assert!(check_generate(&c, r#"{"prompt":"short"}"#)
            .unwrap()
            .contains("reve-create"));
        let r = check_generate(&c, r#"{"prompt":"far too long a prompt"}"#).unwrap_err();
        assert_eq!(
            (r.status, r.body["details"]["prompt"].is_array()),
            (400, true)
        );
        assert_eq!(
            check_generate(&c, r#"{"prompt":"x","model":"gpt-image"}"#)
                .unwrap_err()
                .body["details"]["model"][0]
                .as_str()
                .map(|s| s.contains("not allowed")),
            Some(true)
        );
        assert_eq!(
            check_generate(&c, r#"{"prompt":"x","reveParams":{"aspect_ratio":"5:4"}}"#)
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(check_generate(&c, "not json").unwrap_err().status, 400);
        assert_eq!(
            check_generate(&c, &"x".repeat(20_000)).unwrap_err().status,
            413
        );
    }

    #[test]
    fn cors_is_explicit() {
        let c = cfg();
        assert!(cors_headers(&c, Some("https://evil.example")).is_empty());
        assert!(cors_headers(&c, None).is_empty());
        let h = cors_headers(&c, Some("https://app.example"));
        assert!(h.contains(&(
            "access-control-allow-origin",
            "https://app.example".to_string()
        )));
        assert!(origin_allowed(&c, None, "https://proxy.example"));
        assert!(origin_allowed(
            &c,
            Some("https://proxy.example"),
            "https://proxy.example"
        ));
        assert!(!origin_allowed(
            &c,
            Some("https://evil.example"),
            "https://proxy.example"
        ));
        assert_eq!(normalize_prefix("api/reve/"), "/api/reve");
        assert_eq!(normalize_prefix("/"), "");
    }
}
