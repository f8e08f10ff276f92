//! Downloading a job's outputs, as decisions: which URLs a job has to download (or why it has
//! none), what an output host's answer means, the size cap, and what the bytes are. The output
//! host is not the API: no key goes there, and its 404 means the files expired.

use serde_json::{Map, Value};

use super::error::{ApiError, ErrorCode};
use super::job::{self, Job, JobStatus, Status};
use super::response;
use super::retry_after;
use super::settings;

/// The default cap of one image's bytes: 50 MiB.
pub const DEFAULT_MAX_BYTES: f64 = 50.0 * 1024.0 * 1024.0;

/// How long the service keeps outputs, for messages.
const KEPT: &str = "outputs are kept 24 hours";

/// The largest cap: a `Uint8Array` of up to 4 GiB - 1 bytes is made in every runtime.
pub const MAX_MAX_BYTES: f64 = 4_294_967_295.0;

/// `maxBytes`, checked: a whole number of bytes from 1 to 4 GiB - 1 (default 50 MiB).
pub fn max_bytes(value: Option<f64>) -> Result<f64, ApiError> {
    Ok(settings::number_in("maxBytes", value, 1.0, MAX_MAX_BYTES, true)?.unwrap_or(DEFAULT_MAX_BYTES))
}

/// The URLs to download for `job`, in order, or why there are none to download.
pub fn urls(job: &Job) -> Result<Vec<String>, ApiError> {
    let id = job.id.0.as_deref().unwrap_or("");
    if job.expired.0 == Some(true) {
        let e = ApiError::new(
            ErrorCode::NotFound,
            format!("the outputs of job {id} expired and were deleted ({KEPT}); run the request again"),
        );
        return Err(with_id(e, id));
    }
    let urls = job.result.as_ref().map(job::image_urls).unwrap_or_default();
    if !urls.is_empty() {
        return Ok(urls);
    }
    let status = job.status.0.as_deref().unwrap_or("unknown");
    let why = match job.status() {
        Status::Known(JobStatus::Completed) => "it is COMPLETED but its result holds no image URL".to_string(),
        Status::Known(JobStatus::Failed | JobStatus::Cancelled) => format!("it ended {status}"),
        _ => format!("it is {status}; wait for it first (waitForJob, or run)"),
    };
    let e = ApiError::invalid("job", format!("job {id} has no outputs to download: {why}"), None);
    Err(with_id(e, id))
}

fn with_id(e: ApiError, id: &str) -> ApiError {
    if id.is_empty() { e } else { e.with_job_id(id) }
}

/// What an output host's non-2xx answer means. 404 and 410: the files are gone (expired),
/// never retried; 408, 429 (with `Retry-After`) and 5xx but 501: retried, as the API's are.
#[cold]
pub fn failure(url: &str, status: u16, retry_after: Option<&str>, now_ms: f64) -> ApiError {
    let mut e = ApiError::new(response::code_for(status), "").with_status(status);
    e.details = Some(object([("url", url.into()), ("status", status.into())]));
    if status == 429 || status == 503 {
        e.retry_after_ms = retry_after.and_then(|h| retry_after::parse_ms(h, now_ms));
    }
    e.message = match status {
        404 | 410 => format!("the output file answered HTTP {status}: it expired ({KEPT}) or never existed: {url}"),
        _ => format!("downloading an output failed: the host answered HTTP {status}: {url}"),
    };
    e
}

/// A JSON object of `pairs` (built directly: `json!` with values goes through a fallible
/// serializer whose error text the module would then carry; and inserted one by one, as a
/// map's `collect` sorts, which links a sort for these pairs alone, about 5 KB).
fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.to_string(), v);
    }
    Value::Object(map)
}

/// A body that passed the cap (declared, or counted as it streamed).
#[cold]
pub fn too_large(url: &str, max_bytes: f64, declared: bool) -> ApiError {
    let how = if declared { "declares" } else { "streamed" };
    let mut e = ApiError::invalid(
        "maxBytes",
        format!("the output {how} more than maxBytes ({max_bytes} bytes); the download was stopped: {url}"),
        None,
    );
    e.details = Some(object([("field", "maxBytes".into()), ("maximum", max_bytes.into()), ("url", url.into())]));
    e
}

/// A download that went silent: no headers, or no next byte of the body, for `timeout_ms`.
/// A body that keeps arriving is never cut, however long it takes.
#[cold]
pub fn stalled(url: &str, timeout_ms: f64, body_started: bool) -> ApiError {
    let what = if body_started { "the next bytes of the body" } else { "the host's answer" };
    let mut e = ApiError::new(
        ErrorCode::Timeout,
        format!("downloading an output stalled: {what} did not come within timeoutMs ({timeout_ms} ms): {url}"),
    );
    e.details = Some(object([("url", url.into()), ("timeoutMs", timeout_ms.into())]));
    e
}

/// Whether a declared `Content-Length` already passes the cap. Read as whole digits: a float
/// parser would add about 20 KB to the module.
pub fn declared_too_large(content_length: Option<&str>, max_bytes: f64) -> bool {
    content_length
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n as f64 > max_bytes)
}

/// How many leading bytes `media_type` reads.
pub const SNIFF_BYTES: usize = 16;

/// The media type of an image, from its first bytes (PNG, JPEG, GIF, WebP, AVIF), else the
/// host's `Content-Type` (without parameters), else `application/octet-stream`.
pub fn media_type(head: &[u8], content_type: Option<&str>) -> String {
    let sniffed = match head {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [_, _, _, _, b'f', b't', b'y', b'p', b'a', b'v', b'i', b'f' | b's', ..] => Some("image/avif"),
        _ => None,
    };
    if let Some(t) = sniffed {
        return t.to_string();
    }
    content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::tests::job;
    use serde_json::json;

    #[test]
    fn a_completed_job_gives_its_urls_in_order() {
        let j = job(json!({"id": "j1", "status": "COMPLETED", "result": {"images": ["https://a/1.png", "https://a/2.png"]}}));
        assert_eq!(urls(&j).unwrap(), ["https://a/1.png", "https://a/2.png"]);
    }

    #[test]
    fn a_job_without_outputs_is_refused_saying_why() {
        let e = urls(&job(json!({"id": "j1", "status": "PROCESSING"}))).unwrap_err();
        assert_eq!((e.code, e.job_id.as_deref()), (ErrorCode::InvalidRequest, Some("j1")));
        assert!(e.message.contains("PROCESSING") && e.message.contains("waitForJob"), "{}", e.message);
        let e = urls(&job(json!({"id": "j1", "status": "FAILED"}))).unwrap_err();
        assert!(e.message.contains("ended FAILED"), "{}", e.message);
        let e = urls(&job(json!({"id": "j1", "status": "COMPLETED", "result": {}}))).unwrap_err();
        assert!(e.message.contains("no image URL"), "{}", e.message);
        assert_eq!(urls(&job(json!({}))).unwrap_err().code, ErrorCode::InvalidRequest);
    }

    #[test]
    fn an_expired_job_is_not_found_before_any_request() {
        let j = job(json!({"id": "j1", "status": "COMPLETED", "expired": true, "result": {"images": ["https://a/1.png"]}}));
        let e = urls(&j).unwrap_err();
        assert_eq!((e.code, e.retryable), (ErrorCode::NotFound, false));
        assert!(e.message.contains("expired") && e.message.contains("24 hours"), "{}", e.message);
    }

    #[test]
    fn host_answers_map_like_the_apis_but_404_says_expired() {
        for (status, code, retryable) in [
            (404, ErrorCode::NotFound, false),
            (410, ErrorCode::NotFound, false),
            (403, ErrorCode::Permission, false),
            (429, ErrorCode::RateLimited, true),
            (500, ErrorCode::Server, true),
            (501, ErrorCode::Server, false),
            (503, ErrorCode::Server, true),
        ] {
            let e = failure("https://cdn/x.png", status, Some("2"), 0.0);
            assert_eq!((e.code, e.retryable, e.status), (code, retryable, Some(status)), "{status}");
            assert_eq!(e.details.as_ref().unwrap()["url"], "https://cdn/x.png");
        }
        let gone = failure("https://cdn/x.png", 404, None, 0.0);
        assert!(gone.message.contains("expired") && gone.message.contains("24 hours"), "{}", gone.message);
        assert_eq!(failure("u", 429, Some("2"), 0.0).retry_after_ms, Some(2000));
    }

    #[test]
    fn the_cap_is_checked_and_declared_lengths_compared() {
        assert_eq!(max_bytes(None).unwrap(), DEFAULT_MAX_BYTES);
        assert_eq!(max_bytes(Some(10.0)).unwrap(), 10.0);
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(max_bytes(Some(bad)).unwrap_err().field(), Some("maxBytes"), "{bad}");
        }
        assert!(declared_too_large(Some("11"), 10.0));
        assert!(!declared_too_large(Some("10"), 10.0));
        assert!(!declared_too_large(Some("junk"), 10.0));
        assert!(!declared_too_large(None, 10.0));
        let e = too_large("https://cdn/x", 10.0, false);
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert!(e.message.contains("maxBytes") && e.message.contains("10 bytes"), "{}", e.message);
    }

    #[test]
    fn a_stall_is_a_retryable_timeout_naming_the_limit_and_the_url() {
        let e = stalled("https://cdn/x.png", 3000.0, true);
        assert_eq!((e.code, e.retryable), (ErrorCode::Timeout, true));
        assert!(e.message.contains("next bytes") && e.message.contains("timeoutMs (3000 ms)"), "{}", e.message);
        assert_eq!(e.details.as_ref().unwrap()["url"], "https://cdn/x.png");
        assert!(stalled("u", 5.0, false).message.contains("the host's answer"));
    }

    #[test]
    fn media_types_come_from_the_bytes_then_the_header() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        assert_eq!(media_type(&png, Some("application/octet-stream")), "image/png");
        assert_eq!(media_type(&[0xFF, 0xD8, 0xFF, 0xE0], None), "image/jpeg");
        assert_eq!(media_type(b"GIF89a...", None), "image/gif");
        assert_eq!(media_type(b"GIF87a...", None), "image/gif");
        assert_eq!(media_type(b"RIFF\x10\0\0\0WEBPVP8 ", None), "image/webp");
        assert_eq!(media_type(b"\0\0\0\x1cftypavif\0\0", None), "image/avif");
        assert_eq!(media_type(b"\0\0\0\x1cftypavis\0\0", None), "image/avif");
        assert_eq!(media_type(b"hello", Some("Image/SVG+XML; charset=utf-8")), "image/svg+xml");
        assert_eq!(media_type(b"hello", None), "application/octet-stream");
        assert_eq!(media_type(b"", Some(" ")), "application/octet-stream");
        assert_eq!(media_type(&png[..4], Some("image/png")), "image/png", "a short head falls back");
    }
}
