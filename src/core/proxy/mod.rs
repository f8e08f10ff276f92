//! The key-keeping proxy's decisions: which requests may pass (`route`), who is calling
//! (`caller`), what each call does for that caller (`plan`), what a submission must look like
//! (`submission`), which CORS headers answer it (`cors`), what each refusal says
//! (`refusal`), and where the service sends this proxy's webhooks (`webhook_route`). Here: the proxy's settings and the headers that pass between caller and
//! service. The wasm layer forwards what this allows and nothing else.

mod caller;
mod cors;
mod plan;
mod refusal;
mod route;
mod submission;
mod webhook_route;

pub use caller::{caller, Caller, Verdict};
pub use cors::{cors_headers, origin_allowed};
pub use plan::{plan, Plan};
pub use refusal::Refusal;
pub use route::{route, Route, Routed};
pub use submission::{check_declared_length, check_submission, Body};
pub use webhook_route::{push_to, webhook_route, WebhookRoute, PUSHED_EVENTS};

use super::error::ApiError;
use super::request::{check_idempotency_key, Model, PROMPT_MAX_UTF16};

/// What the proxy accepts and from where.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyConfig {
    /// Path prefix the proxy is mounted under, e.g. `/api/reve` (no trailing slash).
    pub prefix: String,
    /// The models a submission may name (`model` left out is `reve-create`).
    pub allow_models: Vec<String>,
    /// The longest prompt, in UTF-16 units.
    pub max_prompt_length: usize,
    /// The largest submission body, in bytes.
    pub max_body_bytes: usize,
    /// Origins allowed by CORS: exact origins, or `*`. Empty: no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// `webhookUrl`: where the service sends this proxy's events; `None` without one.
    pub webhook: Option<WebhookRoute>,
}

/// `maxBodyBytes` by default: 16 KiB, far more than the largest valid request.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024;

/// How long the proxy waits for the upstream before answering 504.
pub const UPSTREAM_TIMEOUT_MS: f64 = 60_000.0;

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            prefix: String::new(),
            allow_models: vec![model_name(Model::ReveCreate)],
            max_prompt_length: PROMPT_MAX_UTF16,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            cors_origins: Vec::new(),
            webhook: None,
        }
    }
}

/// A model's wire name (`reve-create`).
fn model_name(m: Model) -> String {
    super::serde_names::variant_name(&m).to_string()
}

/// The upstream's answer headers the proxy passes on to its caller.
pub const FORWARDED_HEADERS: [&str; 3] = ["content-type", "retry-after", "x-request-id"];

/// Normalises a prefix: leading slash, no trailing slash, "" for the root.
pub fn normalize_prefix(p: &str) -> String {
    let t = p.trim().trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("/{t}")
    }
}

/// A caller's `Idempotency-Key`, passed on when the service would accept it.
pub fn check_idempotency_header(key: Option<&str>) -> Result<(), Refusal> {
    match key {
        Some(k) if check_idempotency_key(k).is_err() => Err(Refusal::bad_idempotency_key()),
        _ => Ok(()),
    }
}

/// An error reading the `cors: { origins }` object, named as the caller wrote it: a wrong
/// shape is `cors`'s, and a name inside it is reported under `cors.` (`cors.origin`).
pub fn cors_option_error(mut e: ApiError) -> ApiError {
    let Some(field) = e.field().map(str::to_string) else {
        return e;
    };
    if field == "cors" || field == "origins" {
        return ApiError::wrong_type("cors", "an array of origins, or { origins: [...] }");
    }
    let prefixed = format!("cors.{field}");
    e.message = e.message.replace(&format!("\"{field}\""), &format!("\"{prefixed}\""));
    if let Some(d) = e.details.as_mut() {
        d["field"] = prefixed.into();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_headers_and_prefixes() {
        assert!(check_idempotency_header(Some("has space")).is_err());
        assert!(check_idempotency_header(Some("ok-1")).is_ok() && check_idempotency_header(None).is_ok());
        assert_eq!(normalize_prefix("api/reve/"), "/api/reve");
        assert_eq!(normalize_prefix("/"), "");
    }

    #[test]
    fn cors_option_errors_name_the_option_as_written() {
        let typo = ApiError::invalid("origin", "unknown option \"origin\" (did you mean \"origins\"?)", None);
        let e = cors_option_error(typo);
        assert_eq!(e.field(), Some("cors.origin"));
        assert!(e.message.starts_with("unknown option \"cors.origin\""), "{}", e.message);
        assert_eq!(cors_option_error(ApiError::wrong_type("origins", "x")).field(), Some("cors"));
        assert_eq!(cors_option_error(ApiError::wrong_type("cors", "x")).message, "cors must be an array of origins, or { origins: [...] }");
    }
}
