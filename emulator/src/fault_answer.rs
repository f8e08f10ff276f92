//! The answer a request that meets an injected fault gets: an error status, a broken body, a
//! dropped connection, or the real answer late.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::error;
use crate::faults::{Fault, FaultKind, Route};

/// The largest real answer `malformed` reads in order to cut it.
const CUT_LIMIT: usize = 64 * 1024 * 1024;

/// Answers `req` as `fault` says; `next` runs it when the fault lets it through.
pub async fn answer(fault: Fault, route: Route, req: Request, next: Next) -> Response {
    match fault.kind {
        FaultKind::RateLimited => {
            let mut res = error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(fault.retry_after_secs()),
            );
            res
        }
        FaultKind::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        FaultKind::Unavailable => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable",
        ),
        FaultKind::Html => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>502 Bad Gateway</h1><hr><p>upstream connect error</p></body></html>",
        )
            .into_response(),
        // A file keeps its status and type but loses the second half of its bytes.
        FaultKind::Malformed if route == Route::File => cut_in_half(next.run(req).await).await,
        FaultKind::Malformed => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"jobId\": \"b2c3d4e5-f6a7, \"sta",
        )
            .into_response(),
        FaultKind::Reset => dropped_connection(),
        FaultKind::LostResponse => {
            let _ = next.run(req).await;
            dropped_connection()
        }
        FaultKind::Slow => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or(5000))).await;
            next.run(req).await
        }
        // Faults of jobs (their outcome, their webhooks) are never taken by a request.
        FaultKind::JobFailed
        | FaultKind::JobCancelled
        | FaultKind::WebhookDelay
        | FaultKind::WebhookDuplicate
        | FaultKind::WebhookOutOfOrder
        | FaultKind::WebhookLost
        | FaultKind::WebhookBadSignature => next.run(req).await,
    }
}

/// The same answer with only the first half of its body (and a length to match).
async fn cut_in_half(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, CUT_LIMIT).await else {
        return dropped_connection();
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}

/// A body that fails at once: the server drops the connection instead of answering.
fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "emulated reset",
        ))
    });
    let mut res = Response::new(Body::from_stream(stream));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}
