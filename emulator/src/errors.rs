//! The JSON error answers every route shares: `{error}`, and `{error, details}` keyed by JSON
//! path or parameter name.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::validate::Details;

/// An answer that ends a request early: a status and its JSON body. Steps return it as their
/// error, so a test can read what they refused without running a server.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: StatusCode,
    pub body: Value,
}

impl Refusal {
    /// `{error: message}`.
    pub fn new(status: StatusCode, message: &str) -> Refusal {
        Refusal {
            status,
            body: json!({ "error": message }),
        }
    }

    /// 400 `{error, details}`.
    pub fn bad_request(error: &str, details: Details) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            body: json!({ "error": error, "details": details }),
        }
    }

    /// 400 `{error: "Validation failed", details}`: the request body or a header broke the schema.
    pub fn validation(details: Details) -> Refusal {
        Refusal::bad_request("Validation failed", details)
    }

    /// 400 with one message for one name.
    pub fn invalid(error: &str, name: &str, message: &str) -> Refusal {
        let mut details = Details::new();
        details.insert(name.to_string(), vec![message.to_string()]);
        Refusal::bad_request(error, details)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// `{error: message}` with `status`, as a response.
pub fn error(status: StatusCode, message: &str) -> Response {
    Refusal::new(status, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_the_error_schemas_shapes() {
        let r = Refusal::new(StatusCode::NOT_FOUND, "Job not found");
        assert_eq!(r.body, json!({ "error": "Job not found" }));
        let r = Refusal::invalid("Invalid query parameters", "limit", "Expected 1 to 100");
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            r.body,
            json!({ "error": "Invalid query parameters", "details": { "limit": ["Expected 1 to 100"] } })
        );
        let res = error(StatusCode::CONFLICT, "x");
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(res.headers()["content-type"], "application/json");
    }
}
