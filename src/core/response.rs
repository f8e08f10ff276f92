//! Turning an HTTP answer into a result or a typed error: the status decides the code, the
//! body (parsed by the host) adds the service's message and details, the headers the request
//! id and the retry hint.

use serde_json::{Map, Value};

use super::error::{ApiError, ErrorCode};
use super::retry_after;

/// An answer's body as the client saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Body<'a> {
    /// JSON, parsed by the host.
    Json(&'a Value),
    /// Text that is not JSON (an HTML error page, truncated JSON).
    Text,
    /// Nothing, or white space.
    Empty,
}

/// The parts of an answer the client reads.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    pub body: Body<'a>,
    pub content_type: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub retry_after: Option<&'a str>,
    /// Wall-clock milliseconds since the epoch, to read an HTTP-date `Retry-After`.
    pub now_ms: f64,
}

pub fn code_for(status: u16) -> ErrorCode {
    match status {
        401 => ErrorCode::Authentication,
        403 => ErrorCode::Permission,
        402 => ErrorCode::InsufficientCredits,
        404 | 410 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        408 => ErrorCode::Timeout,
        429 => ErrorCode::RateLimited,
        s if s >= 500 => ErrorCode::Server,
        s if (400..500).contains(&s) => ErrorCode::InvalidRequest,
        _ => ErrorCode::Server,
    }
}


fn summary(status: u16) -> &'static str {
    match status {
        400 => "the service refused the request as invalid",
        401 => "the API key is missing or invalid",
        402 => "not enough credits for this job",
        403 => "the API key is inactive or lacks permission",
        404 => "not found",
        409 => "this Idempotency-Key was already used with a different request",
        408 => "the service timed out waiting for the request",
        429 => "rate limit exceeded",
        503 => "the service is temporarily unavailable",
        s if s >= 500 => "the service failed",
        _ => "unexpected answer",
    }
}

/// Whether an answer's status means success (2xx): its body is the result.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// The shape of an answer's body, as far as success depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON object: what every route of the API answers.
    Object,
    /// JSON of another kind (an array, a string, a number, null).
    OtherJson,
    /// Not JSON, or nothing.
    NotJson,
}

impl Body<'_> {
    pub fn shape(&self) -> Shape {
        match self {
            Body::Json(Value::Object(_)) => Shape::Object,
            Body::Json(_) => Shape::OtherJson,
            Body::Text | Body::Empty => Shape::NotJson,
        }
    }
}

/// Whether an answer is a success the caller gets: a 2xx whose body is a JSON object. The one
/// place this is decided: the transport asks it with the host's parse of the body.
pub fn succeeded(status: u16, shape: Shape) -> bool {
    is_success(status) && shape == Shape::Object
}

/// A 2xx answer's body checked: a JSON object, or the typed error.
pub fn check_success(a: &Answer) -> Result<(), ApiError> {
    if succeeded(a.status, a.body.shape()) {
        Ok(())
    } else {
        Err(malformed(a))
    }
}

/// The typed error for a non-2xx answer.
#[cold]
pub fn error_for(a: &Answer) -> ApiError {
    let mut e = ApiError::new(code_for(a.status), "").with_status(a.status);
    e.request_id = a.request_id.map(str::to_string);
    if a.status == 429 || a.status == 503 {
        e.retry_after_ms = a.retry_after.and_then(|h| retry_after::parse_ms(h, a.now_ms));
    }
    let summary = summary(a.status);
    let status = a.status;
    let json = match a.body {
        Body::Json(v) => Some(v),
        _ => None,
    };
    e.message = match json.and_then(|b| b.get("error")).and_then(Value::as_str) {
        Some(m) if !m.is_empty() => format!("{summary} (HTTP {status}): {m}"),
        _ if a.body == Body::Text => {
            let kind = a.content_type.and_then(|c| c.split(';').next()).unwrap_or("non-JSON");
            format!("{summary} (HTTP {status}, {kind} body)")
        }
        _ => format!("{summary} (HTTP {status})"),
    };
    if let Some(Value::Object(b)) = json {
        // The body's other fields, or its `details` alone when that is all it has. (Copied
        // over, not removed: a map's removal would link the B-tree's rebalancing, about 6 KB.)
        let mut rest = Map::new();
        for (k, v) in b.iter().filter(|(k, _)| *k != "error") {
            rest.insert(k.clone(), v.clone());
        }
        e.details = match (rest.len(), rest.get("details")) {
            (0, _) => None,
            (1, Some(d)) => Some(d.clone()),
            _ => Some(Value::Object(rest)),
        };
    }
    if let Some(ms) = e.retry_after_ms {
        e.message.push_str(&format!("; retry after {} s", ms.div_ceil(1000)));
    }
    e
}

/// A 2xx answer whose body is not the JSON object the API documents.
#[cold]
pub fn malformed(a: &Answer) -> ApiError {
    let what = match a.body {
        Body::Json(_) => "JSON that is not an object",
        _ => "a body that is not valid JSON",
    };
    let mut e = ApiError::new(
        ErrorCode::Server,
        format!(
            "the service answered HTTP {} with {what} ({})",
            a.status,
            a.content_type.unwrap_or("no content type")
        ),
    )
    .with_status(a.status);
    e.request_id = a.request_id.map(str::to_string);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(status: u16, body: Body<'_>) -> Answer<'_> {
        Answer {
            status,
            body,
            content_type: Some("application/json"),
            request_id: Some("req_1"),
            retry_after: None,
            now_ms: 0.0,
        }
    }

    #[test]
    fn maps_every_documented_status() {
        let boom = json!({"error": "boom"});
        for (status, code, retryable) in [
            (400, ErrorCode::InvalidRequest, false),
            (401, ErrorCode::Authentication, false),
            (402, ErrorCode::InsufficientCredits, false),
            (403, ErrorCode::Permission, false),
            (404, ErrorCode::NotFound, false),
            (408, ErrorCode::Timeout, true),
            (409, ErrorCode::Conflict, false),
            (413, ErrorCode::InvalidRequest, false),
            (429, ErrorCode::RateLimited, true),
            (500, ErrorCode::Server, true),
            (501, ErrorCode::Server, false),
            (502, ErrorCode::Server, true),
            (503, ErrorCode::Server, true),
        ] {
            let e = error_for(&answer(status, Body::Json(&boom)));
            assert_eq!((e.code, e.retryable, e.status), (code, retryable, Some(status)), "{status}");
            assert!(e.message.contains("boom"));
            assert_eq!(e.request_id.as_deref(), Some("req_1"));
        }
        let ok = json!({});
        assert!(check_success(&answer(202, Body::Json(&ok))).is_ok());
    }

    #[test]
    fn keeps_validation_details_and_credit_counts() {
        let b = json!({"error":"Validation failed","details":{"prompt":["Required"]}});
        let e = error_for(&answer(400, Body::Json(&b)));
        assert_eq!(e.details, Some(json!({"prompt": ["Required"]})));
        let b = json!({"error":"Insufficient credits","creditsRequired":4,"creditsAvailable":1});
        let e = error_for(&answer(402, Body::Json(&b)));
        assert_eq!(e.details, Some(json!({"creditsRequired": 4, "creditsAvailable": 1})));
    }

    #[test]
    fn reads_retry_after() {
        let b = json!({"error":"slow down"});
        let mut a = answer(429, Body::Json(&b));
        a.retry_after = Some("3");
        let e = error_for(&a);
        assert_eq!(e.retry_after_ms, Some(3000));
        assert!(e.message.contains("retry after 3 s"));
    }

    #[test]
    fn html_pages_and_empty_bodies_still_make_typed_errors() {
        let mut a = answer(502, Body::Text);
        a.content_type = Some("text/html; charset=utf-8");
        let e = error_for(&a);
        assert_eq!(e.code, ErrorCode::Server);
        assert!(e.message.contains("text/html"), "{}", e.message);
        let e = error_for(&answer(503, Body::Empty));
        assert!(e.retryable && e.details.is_none());
        let m = check_success(&answer(200, Body::Text)).unwrap_err();
        assert_eq!((m.code, m.status), (ErrorCode::Server, Some(200)));
        assert!(m.message.contains("not valid JSON"));
        let list = json!([1]);
        assert!(check_success(&answer(200, Body::Json(&list))).is_err());
    }
}
