//! Errors as data: every failure the client can report, with what a caller needs to act on it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tsify::Tsify;

/// What `ApiframeError.code` can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
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
    /// A bug in this library stopped its WebAssembly instance (a trap); see the message.
    Internal,
}

impl ErrorCode {
    /// The wire name, as serde spells it (`invalid_request`, ...).
    pub fn as_str(self) -> &'static str {
        super::serde_names::variant_name(&self)
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
        ApiError::new_as(code, message.into())
    }

    /// `new`'s body, one copy whatever the message's type.
    #[inline(never)]
    fn new_as(code: ErrorCode, message: String) -> Self {
        ApiError {
            code,
            message,
            status: None,
            request_id: None,
            retryable: super::retry::is_retryable(code, None),
            retry_after_ms: None,
            details: None,
            job_id: None,
        }
    }

    /// Bad input caught before sending: names the field and what it allows.
    #[cold]
    pub fn invalid(field: &str, message: impl Into<String>, allowed: Option<Value>) -> Self {
        ApiError::invalid_as(field, message.into(), allowed)
    }

    /// `invalid`'s body, one copy whatever the message's type.
    #[inline(never)]
    fn invalid_as(field: &str, message: String, allowed: Option<Value>) -> Self {
        let mut details = Map::new();
        details.insert("field".into(), Value::from(field));
        if let Some(a) = allowed {
            details.insert("allowed".into(), a);
        }
        let mut e = ApiError::new_as(ErrorCode::InvalidRequest, message);
        e.details = Some(Value::Object(details));
        e
    }

    /// `<field> must be <what>`, naming the field.
    #[cold]
    pub fn wrong_type(field: &str, what: &str) -> Self {
        ApiError::invalid(field, format!("{field} must be {what}"), None)
    }

    /// The HTTP status of the answer this error came from; it can make the error final (501).
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self.retryable = super::retry::is_retryable(self.code, self.status);
        self
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

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ErrorCode; 14] = [
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
        ErrorCode::Internal,
    ];

    #[test]
    fn codes_have_their_serde_names() {
        for code in ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                Value::from(code.as_str())
            );
        }
        assert_eq!(ErrorCode::InsufficientCredits.as_str(), "insufficient_credits");
    }

    #[test]
    fn transient_codes_are_retryable_by_default() {
        for code in ALL {
            let expect = matches!(
                code,
                ErrorCode::RateLimited | ErrorCode::Server | ErrorCode::Network | ErrorCode::Timeout
            );
            assert_eq!(ApiError::new(code, "x").retryable, expect, "{code:?}");
        }
    }
}
