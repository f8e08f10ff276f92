//! Jobs as the service returns them: serde types for the wire (and the TypeScript types), read
//! leniently: an odd field reads as absent rather than failing the job, because the caller
//! gets the service's whole object anyway and this view only drives decisions.

use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

/// Where a job stands. COMPLETED, FAILED and CANCELLED are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "UPPERCASE")]
pub enum JobStatus {
    Queued,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

/// A status as the client reads it: one it knows, or another (treated as still running).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Known(JobStatus),
    Other(String),
}

impl Status {
    pub fn parse(s: &str) -> Status {
        match JobStatus::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s)) {
            Ok(known) => Status::Known(known),
            Err(_) => Status::Other(s.to_string()),
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Known(JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
        )
    }

    /// Out of the queue: the poll schedule counts the job's run from the first such status.
    /// An unknown status counts: it is neither queued nor ended, so the job is running.
    pub fn is_past_queue(&self) -> bool {
        *self != Status::Known(JobStatus::Queued)
    }
}

/// A field read leniently: `None` when it is absent, null, or not of the expected type
/// (serde reads a missing field through `deserialize_option`, so no `default` is needed and
/// the TypeScript type stays exact). A mismatch is dropped where it occurs, which suits
/// deserializers of parsed values (serde-wasm-bindgen, `serde_json::Value`), not streams.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Lenient(Option::<T>::deserialize(d).ok().flatten()))
    }
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct JobAccepted {
    #[tsify(type = "string")]
    pub job_id: Lenient<String>,
    #[tsify(type = "JobStatus")]
    pub status: Lenient<String>,
}

/// A job as `GET /v2/jobs/{id}` returns it; fields the service adds later are kept too.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    #[tsify(type = "string")]
    pub id: Lenient<String>,
    #[tsify(type = "JobStatus")]
    pub status: Lenient<String>,
    #[tsify(type = "string")]
    pub model: Lenient<String>,
    /// 0 to 100, or null when the service does not report it.
    #[tsify(type = "number | null")]
    pub progress: Lenient<f64>,
    /// Why the job failed, when it did.
    #[tsify(type = "string | null")]
    pub error: Lenient<String>,
    /// Credits charged (jobs that fail are not charged).
    #[tsify(type = "number | null")]
    pub credit_cost: Lenient<f64>,
    #[tsify(type = "\"pending\" | \"delivered\" | \"failed\" | null")]
    pub webhook_status: Lenient<String>,
    /// When the job was submitted (RFC 3339).
    #[tsify(type = "string")]
    pub created_at: Lenient<String>,
    /// When the job ended (RFC 3339), or null.
    #[tsify(type = "string | null")]
    pub completed_at: Lenient<String>,
    /// The outputs; read them with `imageUrls(job)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "unknown")]
    pub result: Option<Value>,
    /// The request as the service recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Record<string, unknown> | null")]
    pub input: Option<Value>,
    /// True once the output files were purged (after 24 h by default).
    #[serde(default, skip_serializing_if = "is_unset")]
    #[tsify(optional, type = "boolean")]
    pub expired: Lenient<bool>,
}

fn is_unset<T>(v: &Lenient<T>) -> bool {
    v.0.is_none()
}

/// One page of `GET /v2/jobs`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct JobList {
    pub jobs: Vec<Job>,
    /// Pass it back as `cursor` for the next page; null on the last one.
    pub next_cursor: Option<String>,
    pub has_more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub models: Option<Vec<String>>,
}

impl Job {
    pub fn status(&self) -> Status {
        Status::parse(self.status.0.as_deref().unwrap_or(""))
    }

    /// Progress 0..=100, when the service reports it.
    pub fn progress(&self) -> Option<u8> {
        self.progress
            .0
            .filter(|p| p.is_finite())
            .map(|p| p.clamp(0.0, 100.0) as u8)
    }

    /// How long the job ran by the service's own clock (`completedAt - createdAt`), when both
    /// timestamps read as RFC 3339.
    pub fn duration_ms(&self) -> Option<f64> {
        let at = |s: &Lenient<String>| humantime::parse_rfc3339_weak(s.0.as_deref()?).ok();
        let took = at(&self.completed_at)?.duration_since(at(&self.created_at)?).ok()?;
        Some(took.as_secs_f64() * 1000.0).filter(|ms| *ms > 0.0)
    }
}

/// The schemes an output URL may have to reach a page's `href` or `src`.
pub const SAFE_URL_SCHEMES: [&str; 3] = ["https:", "http:", "blob:"];

/// Whether `url` starts with one of [`SAFE_URL_SCHEMES`] (case ignored, as browsers do).
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim_start();
    SAFE_URL_SCHEMES.iter().any(|s| {
        url.len() > s.len() && url.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())
    })
}

/// The output image URLs of a job's `result`, whichever shape it has: a URL string, an array
/// of URLs, `{images: [...]}`, `{image_urls: [...]}` or `{url}`. Only `http:`, `https:` and
/// `blob:` URLs are returned: anything else (`javascript:`, `data:`) could run or mislead
/// where a page puts it in `href` or `src`.
pub fn image_urls(result: &Value) -> Vec<String> {
    fn collect(v: &Value, out: &mut Vec<String>, depth: u8) {
        if depth > 3 {
            return;
        }
        match v {
            Value::String(s) if is_safe_url(s) => out.push(s.trim_start().to_string()),
            Value::Array(items) => items.iter().for_each(|i| collect(i, out, depth + 1)),
            Value::Object(o) => {
                const KEYS: [&str; 8] = [
                    "images", "image_urls", "imageUrls", "urls", "url", "image_url", "imageUrl",
                    "output",
                ];
                if let Some(inner) = KEYS.iter().find_map(|k| o.get(*k)) {
                    collect(inner, out, depth + 1);
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
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A job from its JSON (also `download`'s tests).
    pub(crate) fn job(v: Value) -> Job {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn reads_the_documented_job() {
        let j = job(json!({"id":"a","status":"PROCESSING","progress":42,"error":null,"model":"reve-create","new":1}));
        assert_eq!((j.status(), j.progress(), j.id.0.as_deref()),
            (Status::Known(JobStatus::Processing), Some(42), Some("a")));
        let a: JobAccepted = serde_json::from_value(json!({"jobId":"b","status":"QUEUED"})).unwrap();
        assert_eq!(a.job_id.0.as_deref(), Some("b"));
    }

    #[test]
    fn tolerates_odd_fields_and_unknown_statuses() {
        let j = job(json!({"status":"WARMING_UP","progress":"7","error":{"code":1},"expired":"yes"}));
        assert_eq!(j.status(), Status::Other("WARMING_UP".into()));
        assert!(!j.status().is_final());
        assert_eq!((j.progress(), j.error.0, j.expired.0), (None, None, None));
        assert_eq!(job(json!({"progress":250})).progress(), Some(100));
        assert_eq!(job(json!({})).status(), Status::Other(String::new()));
    }

    #[test]
    fn durations_come_from_the_service_timestamps() {
        let j = job(json!({"createdAt":"2026-11-24T19:59:00.123Z","completedAt":"2026-11-24T19:59:15.623Z"}));
        assert_eq!(j.duration_ms(), Some(15_500.0));
        assert_eq!(job(json!({"createdAt":"2026-11-24T19:59:00Z"})).duration_ms(), None);
        assert_eq!(job(json!({"createdAt":"yesterday","completedAt":"today"})).duration_ms(), None);
        let backwards = job(json!({"createdAt":"2026-11-24T19:59:15Z","completedAt":"2026-11-24T19:59:00Z"}));
        assert_eq!(backwards.duration_ms(), None);
    }

    #[test]
    fn finds_image_urls_in_every_documented_shape() {
        assert_eq!(image_urls(&json!({"images": ["https://a/1", "https://a/2"]})), ["https://a/1", "https://a/2"]);
        assert_eq!(image_urls(&json!("http://a")), ["http://a"]);
        assert_eq!(image_urls(&json!(["blob:https://x/1"])), ["blob:https://x/1"]);
        assert_eq!(image_urls(&json!({"image_urls": ["https://x"]})), ["https://x"]);
        assert_eq!(image_urls(&json!({"url": "HTTPS://u"})), ["HTTPS://u"]);
        assert!(image_urls(&json!(null)).is_empty());
        assert!(image_urls(&json!({"images": []})).is_empty());
    }

    #[test]
    fn only_safe_schemes_reach_a_page() {
        for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x", "vbscript:x", "", "https:", "//evil.example/x", "relative/path"] {
            assert!(image_urls(&json!({"images": [bad]})).is_empty(), "{bad}");
        }
        assert_eq!(image_urls(&json!(["javascript:x", "https://ok"])), ["https://ok"]);
    }
}
