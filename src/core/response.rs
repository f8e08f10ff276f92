//! Turning an HTTP answer into a result or a typed error: the status decides the code, the
//! body adds the service's message and details, the headers the request id and retry hint.

use alloc::string::ToString;

use super::json::{self, Value};

use super::error::{ApiError, ErrorCode};
use super::retry_after;

/// The parts of an answer the client reads.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub status: u16,
    pub body: &'a str,
    pub content_type: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub retry_after: Option<&'a str>,
    /// Wall-clock milliseconds since the epoch, to read an HTTP-date `Retry-After`.
    pub now_ms: f64,
}

fn code_for(status: u16) -> ErrorCode {
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

fn is_retryable(status: u16) -> bool {
    status == 408 || status == 429 || (status >= 500 && status != 501)
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

/// `Ok(())` for a 2xx answer (the caller parses the body); otherwise the typed error.
pub fn check(answer: &Answer) -> Result<(), ApiError> {
    if is_success(answer.status) {
        return Ok(());
    }
    Err(error_for(answer))
}

/// The typed error for a non-2xx answer.
pub fn error_for(a: &Answer) -> ApiError {
    let mut e = ApiError::new(code_for(a.status), "");
    e.status = Some(a.status);
    e.retryable = is_retryable(a.status);
    e.request_id = a.request_id.map(str::to_string);
    if a.status == 429 || a.status == 503 {
        e.retry_after_ms = a
            .retry_after
            .and_then(|h| retry_after::parse_ms(h, a.now_ms));
    }
    let body: Option<Value> = json::parse(a.body).ok();
    let service_message = body
        .as_ref()
        .and_then(|b| b.get("error"))
        .and_then(Value::as_str);
    e.message = match service_message {
        Some(m) if !m.is_empty() => cat!(summary(a.status), " (HTTP ", a.status, "): ", m),
        _ if body.is_none() && !a.body.trim().is_empty() => cat!(
            summary(a.status),
            " (HTTP ",
            a.status,
            ", ",
            a.content_type
                .and_then(|c| c.split(';').next())
                .unwrap_or("non-JSON"),
            " body)"
        ),
        _ => cat!(summary(a.status), " (HTTP ", a.status, ")"),
    };
    if let Some(Value::Object(mut b)) = body {
        b.remove("error");
        if !b.is_empty() {
            e.details = Some(match b.remove("details") {
                Some(d) if b.is_empty() => d,
                Some(d) => {
                    b.insert("details", d);
                    Value::Object(b)
                }
                None => Value::Object(b),
            });
        }
    }
    if let Some(ms) = e.retry_after_ms {
        e.message
            .push_str(&cat!("; retry after ", ms.div_ceil(1000), " s"));
    }
    e
}

/// A 2xx answer whose body is not the JSON the API documents.
pub fn malformed(a: &Answer) -> ApiError {
    let mut e = ApiError::new(
        ErrorCode::Server,
        cat!(
            "the service answered HTTP ",
            a.status,
            " with a body that is not valid JSON (",
            a.content_type.unwrap_or("no content type"),
            ")"
        ),
    );
    e.status = Some(a.status);
    e.request_id = a.request_id.map(str::to_string);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::tests::j;
    use serde_json::json;

    fn answer(status: u16, body: &str) -> Answer<'_> {
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
            let e = check(&answer(status, r#"{"error":"boom"}"#)).unwrap_err();
            assert_eq!(
                (e.code, e.retryable, e.status),
                (code, retryable, Some(status)),
                "{status}"
            );
            assert!(e.message.contains("boom"));
            assert_eq!(e.request_id.as_deref(), Some("req_1"));
        }
        assert!(check(&answer(202, "{}")).is_ok());
    }

    #[test]
    fn keeps_validation_details_and_credit_counts() {
        let e = error_for(&answer(
            400,
            r#"{"error":"Validation failed","details":{"prompt":["Required"]}}"#,
        ));
        assert_eq!(e.details, Some(j(json!({"prompt": ["Required"]}))));
        let e = error_for(&answer(
            402,
            r#"{"error":"Insufficient credits","creditsRequired":4,"creditsAvailable":1}"#,
        ));
        assert_eq!(
            e.details,
            Some(j(json!({"creditsRequired": 4, "creditsAvailable": 1})))
        );
    }

    #[test]
    fn reads_retry_after() {
        let mut a = answer(429, r#"{"error":"slow down"}"#);
        a.retry_after = Some("3");
        let e = error_for(&a);
        assert_eq!(e.retry_after_ms, Some(3000));
        assert!(e.message.contains("retry after 3 s"));
    }

    #[test]
    fn html_pages_and_empty_bodies_still_make_typed_errors() {
        let mut a = answer(502, "<html><body>Bad Gateway</body></html>");
        a.content_type = Some("text/html; charset=utf-8");
        let e = error_for(&a);
        assert_eq!(e.code, ErrorCode::Server);
        assert!(e.message.contains("text/html"), "{}", e.message);
        assert!(!e.message.contains("<html>"));
        let e = error_for(&answer(503, ""));
        assert!(e.retryable && e.details.is_none());
        let m = malformed(&answer(200, "{\"jobId"));
        assert_eq!((m.code, m.status), (ErrorCode::Server, Some(200)));
    }
}
