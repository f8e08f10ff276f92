//! What the client needs to know of a job: its status, progress and outputs. The caller gets
//! the service's whole JSON; this view only drives decisions.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::json::{self, Value};

use super::error::{ApiError, ErrorCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Queued,
    Processing,
    Completed,
    Failed,
    Cancelled,
    /// A status this client does not know yet: treated as still running.
    Other(String),
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match s {
            "QUEUED" => Status::Queued,
            "PROCESSING" => Status::Processing,
            "COMPLETED" => Status::Completed,
            "FAILED" => Status::Failed,
            "CANCELLED" => Status::Cancelled,
            other => Status::Other(other.to_string()),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(self, Status::Completed | Status::Failed | Status::Cancelled)
    }

    /// Out of the queue: the poll schedule counts the job's run from the first such status.
    /// An unknown status counts: it is neither queued nor ended, so the job is running.
    pub fn is_past_queue(&self) -> bool {
        *self != Status::Queued
    }
}

/// A job's state as one answer showed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub id: Option<String>,
    pub status: Status,
    /// 0..=100 when the service reports it.
    pub progress: Option<u8>,
    pub error: Option<String>,
    pub expired: bool,
}

impl Snapshot {
    /// Reads a job (or a `JobAccepted`) from an answer's text. Missing or odd fields are
    /// tolerated; only a body that is not a JSON object is an error.
    pub fn parse(text: &str) -> Result<Snapshot, ApiError> {
        let not_a_job = || {
            ApiError::new(
                ErrorCode::Server,
                "the service sent a job that is not a JSON object",
            )
        };
        let v = json::parse(text).map_err(|_| not_a_job())?;
        if v.as_object().is_none() {
            return Err(not_a_job());
        }
        let text_of = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let progress = v
            .get("progress")
            .and_then(Value::as_f64)
            .map(|p| super::float::clamp(p, 0.0, 100.0) as u8);
        Ok(Snapshot {
            id: text_of("id").or_else(|| text_of("jobId")),
            status: Status::parse(v.get("status").and_then(Value::as_str).unwrap_or("")),
            progress,
            error: match v.get("error") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Null) | None => None,
                Some(other) => Some(other.to_json()),
            },
            expired: matches!(v.get("expired"), Some(Value::Bool(true))),
        })
    }
}

/// The output image URLs of a job's `result`, whichever shape it has: a URL string, an array
/// of URLs, `{images: [...]}`, `{image_urls: [...]}` or `{url}`.
pub fn image_urls(result: &Value) -> Vec<String> {
    fn collect(v: &Value, out: &mut Vec<String>, depth: u8) {
        if depth > 3 {
            return;
        }
        match v {
            Value::String(s) if !s.is_empty() => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| collect(i, out, depth + 1)),
            Value::Object(o) => {
                for key in [
                    "images",
                    "image_urls",
                    "imageUrls",
                    "urls",
                    "url",
                    "image_url",
                    "imageUrl",
                    "output",
                ] {
                    if let Some(inner) = o.get(key) {
                        collect(inner, out, depth + 1);
                        return;
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    collect(result, &mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::tests::j;
    use serde_json::json;

    #[test]
    fn reads_the_documented_job() {
        let s = Snapshot::parse(r#"{"id":"a","status":"PROCESSING","progress":42,"error":null,"model":"reve-create","new":1}"#)
            .unwrap();
        assert_eq!(
            (s.status, s.progress, s.id.as_deref()),
            (Status::Processing, Some(42), Some("a"))
        );
        let s = Snapshot::parse(r#"{"jobId":"b","status":"QUEUED"}"#).unwrap();
        assert_eq!(s.id.as_deref(), Some("b"));
    }

    #[test]
    fn tolerates_odd_fields_and_unknown_statuses() {
        let s = Snapshot::parse(r#"{"status":"WARMING_UP","progress":"7","error":{"code":1}}"#)
            .unwrap();
        assert_eq!(s.status, Status::Other("WARMING_UP".into()));
        assert!(!s.status.is_final());
        assert_eq!(s.progress, None);
        assert_eq!(s.error.as_deref(), Some(r#"{"code":1}"#));
        assert_eq!(
            Snapshot::parse(r#"{"progress":250}"#).unwrap().progress,
            Some(100)
        );
        assert!(Snapshot::parse("[1]").is_err());
        assert!(Snapshot::parse("<html>").is_err());
    }

    #[test]
    fn finds_image_urls_in_every_documented_shape() {
        assert_eq!(image_urls(&j(json!({"images": ["a", "b"]}))), ["a", "b"]);
        assert_eq!(image_urls(&j(json!("a"))), ["a"]);
        assert_eq!(image_urls(&j(json!(["a"]))), ["a"]);
        assert_eq!(image_urls(&j(json!({"image_urls": ["x"]}))), ["x"]);
        assert_eq!(image_urls(&j(json!({"url": "u"}))), ["u"]);
        assert!(image_urls(&j(json!(null))).is_empty());
        assert!(image_urls(&j(json!({"images": []}))).is_empty());
    }
}
