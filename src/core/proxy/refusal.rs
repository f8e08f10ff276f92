//! What the proxy answers itself, without (or instead of) the upstream's answer: a status and
//! a JSON body, each named for the reason it is given.

use serde_json::{json, Value};

use super::ProxyConfig;
use crate::core::error::{ApiError, ErrorCode};

/// A refusal, answered without touching the upstream.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body: `{error}`, or the service's validation shape.
    pub body: Value,
    /// For 405: the method the path allows.
    pub allow: Option<&'static str>,
}

impl Refusal {
    /// `status` with `{ "error": message }`.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal::new_as(status, message.into())
    }

    /// `new`'s body, one copy whatever the message's type.
    #[inline(never)]
    fn new_as(status: u16, message: String) -> Self {
        Refusal {
            status,
            body: json!({ "error": message }),
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

    /// A request the library's validation refused, under the field it names.
    pub fn invalid_request(e: &ApiError) -> Self {
        Refusal::invalid(e.field().unwrap_or(""), &e.message)
    }

    /// A job's event stream asked of a job whose events this proxy does not hold (submitted
    /// elsewhere, ended before it was submitted here, or forgotten): 404, saying to read it.
    pub fn no_events() -> Self {
        Refusal::new(404, "This proxy holds no events for this job: read it with GET /v2/jobs/{id}")
    }

    /// A webhook event the app's `jobRecords` could not take: 503, so the service delivers it
    /// again.
    pub fn records_unavailable() -> Self {
        Refusal::new(503, "The proxy could not record this event; deliver it again later")
    }

    /// The request's URL cannot be parsed.
    pub fn bad_url() -> Self {
        Refusal::new(400, "Bad request URL")
    }

    /// A foreign origin that `cors` does not list.
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

    /// `authorize` said no.
    pub fn not_authorized() -> Self {
        Refusal::new(401, "Not authorised")
    }

    /// `authorize` threw or rejected.
    pub fn authorize_failed() -> Self {
        Refusal::new(500, "The proxy's authorize() failed")
    }

    /// A body over `maxBodyBytes`, declared or as it streamed.
    pub fn too_large(cfg: &ProxyConfig) -> Self {
        Refusal::new(413, format!("Request body is larger than {} bytes", cfg.max_body_bytes))
    }

    /// A body whose bytes are not UTF-8 (JSON's only encoding).
    pub fn not_utf8() -> Self {
        Refusal::invalid("", "Body is not UTF-8 text: send the JSON encoded as UTF-8")
    }

    /// A body whose stream failed before its end.
    pub fn unreadable() -> Self {
        Refusal::invalid("", "Body could not be read to its end")
    }

    /// A caller's `Idempotency-Key` the service would refuse.
    pub fn bad_idempotency_key() -> Self {
        Refusal::new(400, "Idempotency-Key must be 1 to 255 visible ASCII characters")
    }

    /// The upstream request ended without an answer: 504 when it ran out of time, 499 when
    /// the caller aborted its request (no one reads that answer), else 502.
    pub fn upstream_failed(code: ErrorCode) -> Self {
        match code {
            ErrorCode::Timeout => Refusal::new(504, "The upstream service did not answer in time"),
            ErrorCode::Aborted => Refusal::new(499, "The caller aborted its request"),
            _ => Refusal::new(502, "The upstream service could not be reached"),
        }
    }

    /// A webhook whose `X-Webhook-Signature` is missing or does not sign its body with the key.
    pub fn bad_signature() -> Self {
        Refusal::new(401, "Webhook signature missing or wrong")
    }

    /// A signed webhook body that is no Apiframe event.
    pub fn not_an_event(message: &str) -> Self {
        Refusal::invalid("", message)
    }

    /// The upstream answered, but not with the JSON it documents.
    pub fn upstream_malformed() -> Self {
        Refusal::new(502, "The upstream service answered with something that is not JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_failures_by_cause() {
        assert_eq!(Refusal::upstream_failed(ErrorCode::Timeout).status, 504);
        assert_eq!(Refusal::upstream_failed(ErrorCode::Network).status, 502);
        assert_eq!(Refusal::upstream_failed(ErrorCode::Aborted).status, 499);
    }

    #[test]
    fn body_refusals_name_the_problem_in_the_validation_shape() {
        for (r, words) in [(Refusal::not_utf8(), "not UTF-8"), (Refusal::unreadable(), "could not be read")] {
            assert_eq!(r.status, 400);
            assert!(r.body["details"][""][0].as_str().unwrap().contains(words), "{}", r.body);
        }
        let e = ApiError::invalid("prompt", "prompt is bad", None);
        assert_eq!(Refusal::invalid_request(&e).body["details"]["prompt"][0], "prompt is bad");
    }
}
