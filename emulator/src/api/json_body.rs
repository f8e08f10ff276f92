//! A submission's body: at most `BODY_LIMIT` bytes (413 past it), parsed as JSON (400 with the
//! parser's message under the root path `""` when it is not).

use axum::body::Body;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use serde_json::Value;

use crate::errors::Refusal;

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How much of a body past `BODY_LIMIT` is still read (and thrown away) before the 413.
pub const DRAIN_LIMIT: usize = 4 * 1024 * 1024;

pub async fn read(body: Body) -> Result<Value, Refusal> {
    let Some(bytes) = collect(body).await else {
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

/// The whole body, or `None` past `BODY_LIMIT` (or when it cannot be read). A body too large
/// is still read to its end, up to `DRAIN_LIMIT`: hyper closes a connection whose body is left
/// unread, and a client still sending it then loses the 413 to a reset.
async fn collect(mut body: Body) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut seen = 0;
    while seen <= DRAIN_LIMIT {
        let Some(frame) = body.frame().await else {
            break;
        };
        let Ok(data) = frame.ok()?.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= BODY_LIMIT {
            bytes.extend_from_slice(&data);
        }
    }
    (seen <= BODY_LIMIT).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use futures_util::StreamExt;

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

    /// A body of `chunks` chunks of 16 KiB, and how many of them were taken.
    fn counted(chunks: usize) -> (Body, Arc<AtomicUsize>) {
        let taken = Arc::new(AtomicUsize::new(0));
        let counter = taken.clone();
        let stream = futures_util::stream::iter(0..chunks).map(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b' '; 16 * 1024]))
        });
        (Body::from_stream(stream), taken)
    }

    #[tokio::test]
    async fn a_body_too_large_is_drained_up_to_the_drain_limit() {
        let (body, taken) = counted(20);
        let big = read(body).await.unwrap_err();
        assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(taken.load(Ordering::SeqCst), 20, "read to its end");

        let chunks = DRAIN_LIMIT / (16 * 1024) * 2;
        let (body, taken) = counted(chunks);
        let big = read(body).await.unwrap_err();
        assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(taken.load(Ordering::SeqCst), DRAIN_LIMIT / (16 * 1024) + 1);
    }
}
