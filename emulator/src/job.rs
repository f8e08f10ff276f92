//! A simulated job and how it looks on the wire at a given moment.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::aspect_ratio::AspectRatio;
use crate::clock::rfc3339;
use crate::timeline::{Phase, Timeline};

pub const MODEL: &str = "reve-create";

/// How the job ends once its timeline has run out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Failed(String),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Webhook {
    pub url: String,
    pub events: Vec<String>,
    /// The webhook faults this job took when it was created.
    pub faults: Vec<crate::faults::Fault>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub owner: String,
    pub input: Value,
    pub prompt: String,
    pub ratio: AspectRatio,
    pub seed: i64,
    pub created_ms: u64,
    pub timeline: Timeline,
    pub outcome: Outcome,
    pub cost: u64,
    /// Where the image is served from: the origin the job was submitted to.
    pub origin: String,
    pub webhook: Option<Webhook>,
    pub webhook_status: Option<&'static str>,
    /// Credits were committed (completed) or refunded (failed, cancelled).
    pub settled: bool,
    pub idempotency: Option<String>,
}

/// Wire status names.
pub const QUEUED: &str = "QUEUED";
pub const PROCESSING: &str = "PROCESSING";
pub const COMPLETED: &str = "COMPLETED";
pub const FAILED: &str = "FAILED";
pub const CANCELLED: &str = "CANCELLED";

impl Job {
    pub fn ends_at(&self) -> u64 {
        self.created_ms + self.timeline.total_ms()
    }

    pub fn is_done(&self, now: u64) -> bool {
        now >= self.ends_at()
    }

    pub fn image_url(&self) -> String {
        format!("{}/files/{}.png", self.origin, self.id)
    }

    /// `(status, progress)` at `now`. A job that failed keeps the progress it had reached.
    pub fn status_at(&self, now: u64) -> (&'static str, u8) {
        match self.timeline.phase(now.saturating_sub(self.created_ms)) {
            Phase::Queued => (QUEUED, 0),
            Phase::Processing { progress } => (PROCESSING, progress),
            Phase::Done => match self.outcome {
                Outcome::Completed => (COMPLETED, 100),
                Outcome::Failed(_) => (FAILED, self.final_progress()),
                Outcome::Cancelled => (CANCELLED, self.final_progress()),
            },
        }
    }

    fn final_progress(&self) -> u8 {
        match self
            .timeline
            .phase(self.ends_at().saturating_sub(self.created_ms + 1))
        {
            Phase::Processing { progress } => progress,
            _ => 0,
        }
    }

    /// Completed jobs whose files are past retention.
    pub fn is_expired(&self, now: u64, retention_ms: u64) -> bool {
        self.outcome == Outcome::Completed && now >= self.ends_at().saturating_add(retention_ms)
    }

    /// The `Job` schema's every field, as `GET /v2/jobs/{id}` answers.
    pub fn to_wire(&self, now: u64, retention_ms: u64) -> Value {
        let (status, progress) = self.status_at(now);
        let done = self.is_done(now);
        let (error, result, credit_cost) = match (&self.outcome, done) {
            (Outcome::Completed, true) => (
                Value::Null,
                json!({ "images": [self.image_url()] }),
                json!(self.cost),
            ),
            (Outcome::Failed(msg), true) => (json!(msg), Value::Null, json!(0)),
            (Outcome::Cancelled, true) => (json!("Job was cancelled"), Value::Null, json!(0)),
            (_, false) => (Value::Null, Value::Null, json!(self.cost)),
        };
        json!({
            "id": self.id.to_string(),
            "status": status,
            "model": MODEL,
            "progress": progress,
            "error": error,
            "creditCost": credit_cost,
            "webhookStatus": self.webhook_status,
            "createdAt": rfc3339(self.created_ms),
            "completedAt": if done { json!(rfc3339(self.ends_at())) } else { Value::Null },
            "result": result,
            "input": self.input,
            "expired": self.is_expired(now, retention_ms),
        })
    }
}
