//! A verified webhook body, read as the job it describes: the fields the event tells, laid
//! out as `getJob` returns them (the rest left unset, for the record to keep).
//!
//! Bodies, as the contract documents them: `progress` carries `status: "PROCESSING"` and
//! `progress`; `completed` carries `status`, `progress`, `result`, `creditCost`,
//! `completedAt`; `failed` carries `status` (`FAILED` or `CANCELLED`) and `error`.

use serde::Deserialize;
use serde_json::Value;

use crate::core::job::{Job, JobStatus, Lenient};
use crate::core::request::WebhookEvent;
use crate::core::serde_names::variant_name;

/// A webhook body, read leniently (an odd field reads as absent).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookBody {
    pub event: Lenient<WebhookEvent>,
    pub job_id: Lenient<String>,
    pub status: Lenient<String>,
    pub progress: Lenient<f64>,
    pub model: Lenient<String>,
    pub result: Option<Value>,
    pub error: Lenient<String>,
    pub credit_cost: Lenient<f64>,
    pub completed_at: Lenient<String>,
}

fn status_name(s: JobStatus) -> String {
    variant_name(&s).to_string()
}

/// The job id an event names and what it tells of the job; `None` for a body that names no
/// job or no known event.
pub fn update_of(body: WebhookBody) -> Option<(String, Job)> {
    let event = body.event.0?;
    let job_id = body.job_id.0.filter(|id| !id.is_empty())?.to_ascii_lowercase();
    let implied = match event {
        WebhookEvent::Progress => JobStatus::Processing,
        WebhookEvent::Completed => JobStatus::Completed,
        WebhookEvent::Failed => JobStatus::Failed,
    };
    let progress = match (event, body.progress.0) {
        (_, Some(p)) => Some(p),
        (WebhookEvent::Completed, None) => Some(100.0),
        _ => None,
    };
    let job = Job {
        id: Lenient(Some(job_id.clone())),
        status: Lenient(Some(body.status.0.unwrap_or_else(|| status_name(implied)))),
        model: body.model,
        progress: Lenient(progress),
        error: body.error,
        credit_cost: body.credit_cost,
        completed_at: body.completed_at,
        result: body.result.filter(|r| !r.is_null()),
        ..Job::default()
    };
    Some((job_id, job))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(v: Value) -> Option<(String, Job)> {
        update_of(serde_json::from_value(v).unwrap())
    }

    #[test]
    fn each_event_tells_its_fields() {
        let id = "1EDC7774-0B17-4480-ADB7-6CE0E8889738";
        let (job_id, done) = read(json!({"event": "completed", "jobId": id, "status": "COMPLETED", "progress": 100,
            "result": {"images": ["https://x/a.png"]}, "model": "reve-create", "creditCost": 4, "completedAt": "2026-01-01T00:00:00Z"})).unwrap();
        assert_eq!(job_id, id.to_ascii_lowercase());
        assert_eq!(done.status.0.as_deref(), Some("COMPLETED"));
        assert_eq!(done.result, Some(json!({"images": ["https://x/a.png"]})));
        assert_eq!((done.credit_cost.0, done.progress()), (Some(4.0), Some(100)));
        assert!(done.created_at.0.is_none() && done.input.is_none(), "left for the record to keep");

        let (_, p) = read(json!({"event": "progress", "jobId": id, "status": "PROCESSING", "progress": 50})).unwrap();
        assert_eq!((p.status.0.as_deref(), p.progress()), (Some("PROCESSING"), Some(50)));
        let (_, f) = read(json!({"event": "failed", "jobId": id, "status": "CANCELLED", "error": "Job was cancelled"})).unwrap();
        assert_eq!((f.status.0.as_deref(), f.error.0.as_deref()), (Some("CANCELLED"), Some("Job was cancelled")));
        let (_, bare) = read(json!({"event": "completed", "jobId": id})).unwrap();
        assert_eq!((bare.status.0.as_deref(), bare.progress()), (Some("COMPLETED"), Some(100)));
        for bad in [json!({"event": "boom", "jobId": id}), json!({"event": "failed"}), json!({"event": "failed", "jobId": ""})] {
            assert!(read(bad.clone()).is_none(), "{bad}");
        }
    }
}
