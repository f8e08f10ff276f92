//! Errors as data: every failure the client can report, with what a caller needs to act on it.

use alloc::string::{String, ToString};

use super::json::{Map, Value};

/// What kind of failure this is; the JS `ApiframeError.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request was refused before sending (bad input) or by the service (400, 413, 422, ...).
    InvalidRequest,
    /// 401: the API key is missing or wrong.
    Authentication,
    /// 403: the key is inactive or lacks permission.
    Permission,
    /// 402: not enough credits.
    InsufficientCredits,
    /// 404: no such job (or another user's), or its outputs expired.
    NotFound,
    /// 409: an `Idempotency-Key` reused with another body.
    Conflict,
    /// 429: too many requests.
    RateLimited,
    /// 5xx, or an answer that is not what the API documents.
    Server,
    /// The request did not get an answer (DNS, connection reset, CORS, offline).
    Network,
    /// A request or a wait took longer than allowed.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// The job ended `FAILED`.
    JobFailed,
    /// The job ended `CANCELLED`.
    JobCancelled,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::InvalidRequest,
        ErrorCode::Authentication,
        ErrorCode::Permission,
        ErrorCode::InsufficientCredits,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::RateLimited,
        ErrorCode::Server,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::Aborted,
        ErrorCode::JobFailed,
        ErrorCode::JobCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Authentication => "authentication",
            ErrorCode::Permission => "permission",
            ErrorCode::InsufficientCredits => "insufficient_credits",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Server => "server",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::JobFailed => "job_failed",
            ErrorCode::JobCancelled => "job_cancelled",
        }
    }
}

/// One failure. The API key never appears in any field.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// The service's `x-request-id`, for support.
    pub request_id: Option<String>,
    /// Whether the same call may succeed if made again.
    pub retryable: bool,
    /// What `Retry-After` asked for, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// Structured detail: validation messages by field, credit counts, the bad field.
    pub details: Option<Value>,
    /// The job this failure concerns, once one exists.
    pub job_id: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            status: None,
            request_id: None,
            retryable: matches!(
                code,
                ErrorCode::RateLimited
                    | ErrorCode::Server
                    | ErrorCode::Network
                    | ErrorCode::Timeout
            ),
            retry_after_ms: None,
            details: None,
            job_id: None,
        }
    }

    /// Bad input caught before sending: names the field and what it allows.
    pub fn invalid(field: &str, message: impl Into<String>, allowed: Option<Value>) -> Self {
        let mut details = Map::new();
        details.insert("field", Value::from(field));
        if let Some(a) = allowed {
            details.insert("allowed", a);
        }
        let mut e = ApiError::new(ErrorCode::InvalidRequest, message);
        e.details = Some(Value::Object(details));
        e
    }

    pub fn with_job_id(mut self, id: &str) -> Self {
        if self.job_id.is_none() {
            self.job_id = Some(id.to_string());
        }
        self
    }

    /// The field a validation error names, if any.
    pub fn field(&self) -> Option<&str> {
        self.details.as_ref()?.get("field")?.as_str()
    }
}

impl ::core::fmt::Display for ApiError {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn codes_have_distinct_wire_names() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn transient_codes_are_retryable_by_default() {
        for code in ErrorCode::ALL {
            let expect = matches!(
                code,
                ErrorCode::RateLimited
                    | ErrorCode::Server
                    | ErrorCode::Network
                    | ErrorCode::Timeout
            );
            assert_eq!(ApiError::new(code, "x").retryable, expect, "{code:?}");
        }
    }
}
