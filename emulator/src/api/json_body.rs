//! A submission's body: at most `BODY_LIMIT` bytes (413 past it), parsed as JSON (400 with the
//! parser's message under the root path `""` when it is not).

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;

use crate::errors::Refusal;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

pub async fn read(body: Body) -> Result<Value, Refusal> {
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("Request body is larger than {BODY_LIMIT} bytes"),
        ));
    };
    serde_json::from_slice(&bytes).map_err(|e| {
        Refusal::invalid(
            "Invalid JSON body",
            "",
            &format!("Body is not valid JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn json_is_parsed_and_the_rest_refused() {
        assert_eq!(
            read(Body::from(r#"{"a":1}"#)).await,
            Ok(serde_json::json!({"a": 1}))
        );
        let bad = read(Body::from("{not json")).await.unwrap_err();
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.body["error"], "Invalid JSON body");
        assert!(bad.body["details"][""][0]
            .as_str()
            .is_some_and(|m| m.starts_with("Body is not valid JSON: ")));
        let big = read(Body::from(vec![b' '; BODY_LIMIT + 1]))
            .await
            .unwrap_err();
        assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}
