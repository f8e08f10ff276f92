//! Injected faults, for tests and for people trying error handling: the next N matching
//! requests answer with an error, a broken body, a dropped connection or a slow answer,
//! the next N jobs end FAILED or CANCELLED, and the webhooks of the next N jobs that ask for
//! them are late, doubled, out of order, lost or wrongly signed (`webhook_plan` says how).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum FaultKind {
    /// 429 with `Retry-After` (`retryAfter` seconds, default 1).
    #[serde(rename = "429")]
    RateLimited,
    /// 500 `{error}`.
    #[serde(rename = "500")]
    Internal,
    /// 503 `{error}`.
    #[serde(rename = "503")]
    Unavailable,
    /// 502 with an HTML page, as a load balancer in front of the service would answer.
    #[serde(rename = "html")]
    Html,
    /// 200 with a truncated JSON body.
    #[serde(rename = "malformed")]
    Malformed,
    /// The connection drops before an answer; the request has no effect.
    #[serde(rename = "reset")]
    Reset,
    /// The request takes effect (a job is created), then the connection drops: the answer is lost.
    #[serde(rename = "lost_response")]
    LostResponse,
    /// The answer comes after `delayMs` (default 5000) milliseconds.
    #[serde(rename = "slow")]
    Slow,
    /// The next job created ends FAILED (credits refunded).
    #[serde(rename = "job_failed")]
    JobFailed,
    /// The next job created ends CANCELLED (credits refunded).
    #[serde(rename = "job_cancelled")]
    JobCancelled,
    /// The next job's events (those named by `event`, else all) go out `delayMs` (default
    /// 5000) late, each on its own, so later events can overtake them.
    #[serde(rename = "webhook_delay")]
    WebhookDelay,
    /// The next job's events are each delivered twice.
    #[serde(rename = "webhook_duplicate")]
    WebhookDuplicate,
    /// The next job's events are held until its last one is due, then delivered newest first.
    #[serde(rename = "webhook_out_of_order")]
    WebhookOutOfOrder,
    /// The next job's events are never delivered (logged as lost).
    #[serde(rename = "webhook_lost")]
    WebhookLost,
    /// The next job's events are signed with another key.
    #[serde(rename = "webhook_bad_signature")]
    WebhookBadSignature,
}

impl FaultKind {
    pub fn is_job_outcome(self) -> bool {
        matches!(self, FaultKind::JobFailed | FaultKind::JobCancelled)
    }

    /// A fault of a job's webhook deliveries, taken when a job with a `webhookUrl` is created.
    pub fn is_webhook(self) -> bool {
        matches!(
            self,
            FaultKind::WebhookDelay
                | FaultKind::WebhookDuplicate
                | FaultKind::WebhookOutOfOrder
                | FaultKind::WebhookLost
                | FaultKind::WebhookBadSignature
        )
    }

    /// Taken by a job (its outcome or its webhooks), not by a request.
    fn is_for_jobs(self) -> bool {
        self.is_job_outcome() || self.is_webhook()
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// Any `/v2/...` request (never a file: file faults are asked for with `file`).
    #[default]
    Any,
    /// `POST /v2/images/generate`.
    Generate,
    /// `GET /v2/jobs/{id}`.
    Job,
    /// `GET /v2/jobs`.
    List,
    /// `GET /files/...`: the output images.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default)]
    pub route: Route,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// For webhook faults: the one event they touch (`progress`, `completed` or `failed`);
    /// every event when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// `KIND[:COUNT][@ROUTE]`, as the `--fault` flag takes it: `503:3@generate`, `slow@job`.
    pub fn parse_flag(s: &str) -> Result<Fault, String> {
        let (rest, route) = match s.split_once('@') {
            Some((r, route)) => (
                r,
                serde_json::from_value(serde_json::Value::String(route.into())).map_err(|_| {
                    format!("unknown fault route '{route}': use any, generate, job, list or file")
                })?,
            ),
            None => (s, Route::Any),
        };
        let (kind, count) = match rest.split_once(':') {
            Some((k, c)) => (
                k,
                c.parse::<u32>()
                    .map_err(|_| format!("bad fault count '{c}'"))?,
            ),
            None => (rest, 1),
        };
        let kind: FaultKind = serde_json::from_value(serde_json::Value::String(kind.into())).map_err(|_| {
            format!(
                "unknown fault '{kind}': use 429, 500, 503, html, malformed, reset, lost_response, slow, job_failed, job_cancelled, webhook_delay, webhook_duplicate, webhook_out_of_order, webhook_lost or webhook_bad_signature"
            )
        })?;
        Ok(Fault {
            kind,
            count,
            route,
            retry_after: None,
            delay_ms: None,
            event: None,
        })
    }

    /// `Retry-After` seconds of a 429 fault.
    pub fn retry_after_secs(&self) -> u64 {
        self.retry_after.unwrap_or(1)
    }

    fn applies_to(&self, route: Route) -> bool {
        !self.kind.is_for_jobs()
            && (self.route == route || (self.route == Route::Any && route != Route::File))
    }
}

/// The queue of pending faults.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Vec<Fault>,
}

impl Faults {
    pub fn push(&mut self, f: Fault) {
        if f.count > 0 {
            self.pending.push(f);
        }
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    pub fn pending(&self) -> &[Fault] {
        &self.pending
    }

    fn take_where(&mut self, pred: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let i = self.pending.iter().position(pred)?;
        let f = &mut self.pending[i];
        f.count -= 1;
        let taken = f.clone();
        if f.count == 0 {
            self.pending.remove(i);
        }
        Some(taken)
    }

    /// The fault the next request on `route` meets, if any.
    pub fn take_for_request(&mut self, route: Route) -> Option<Fault> {
        self.take_where(|f| f.applies_to(route))
    }

    /// The outcome fault the next created job meets, if any.
    pub fn take_job_outcome(&mut self) -> Option<FaultKind> {
        self.take_where(|f| f.kind.is_job_outcome()).map(|f| f.kind)
    }

    /// The webhook faults the next created job with a `webhookUrl` meets: one of each queued.
    pub fn take_webhook_faults(&mut self) -> Vec<Fault> {
        let mut taken = Vec::new();
        for f in self.pending.iter_mut().filter(|f| f.kind.is_webhook()) {
            f.count -= 1;
            taken.push(f.clone());
        }
        self.pending.retain(|f| f.count > 0);
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let f = Fault::parse_flag("503:3@generate").unwrap();
        assert_eq!(
            (f.kind, f.count, f.route),
            (FaultKind::Unavailable, 3, Route::Generate)
        );
        assert_eq!(Fault::parse_flag("slow").unwrap().route, Route::Any);
        assert!(Fault::parse_flag("boom").is_err());
        assert!(Fault::parse_flag("429:x").is_err());
    }

    #[test]
    fn counts_down_and_matches_routes() {
        let mut q = Faults::default();
        q.push(Fault::parse_flag("500:2@job").unwrap());
        q.push(Fault::parse_flag("job_failed").unwrap());
        assert!(q.take_for_request(Route::Generate).is_none());
        assert!(q.take_for_request(Route::Job).is_some());
        assert!(q.take_for_request(Route::Job).is_some());
        assert!(q.take_for_request(Route::Job).is_none());
        assert_eq!(q.take_job_outcome(), Some(FaultKind::JobFailed));
        assert_eq!(q.take_job_outcome(), None);
    }

    #[test]
    fn webhook_faults_are_taken_by_jobs_one_of_each_kind() {
        let mut q = Faults::default();
        q.push(Fault::parse_flag("webhook_lost:2").unwrap());
        q.push(Fault::parse_flag("webhook_duplicate").unwrap());
        assert!(q.take_for_request(Route::Job).is_none(), "requests never take them");
        assert_eq!(q.take_job_outcome(), None);
        let kinds = |fs: Vec<Fault>| fs.into_iter().map(|f| f.kind).collect::<Vec<_>>();
        assert_eq!(kinds(q.take_webhook_faults()), [FaultKind::WebhookLost, FaultKind::WebhookDuplicate]);
        assert_eq!(kinds(q.take_webhook_faults()), [FaultKind::WebhookLost]);
        assert!(q.take_webhook_faults().is_empty() && q.pending().is_empty());
    }

    #[test]
    fn file_faults_are_opt_in() {
        assert_eq!(Fault::parse_flag("503@file").unwrap().route, Route::File);
        let err = Fault::parse_flag("503@files").unwrap_err();
        assert!(err.contains("list or file"), "{err}");
        let mut q = Faults::default();
        q.push(Fault::parse_flag("500").unwrap());
        q.push(Fault::parse_flag("html@file").unwrap());
        assert_eq!(
            q.take_for_request(Route::File).map(|f| f.kind),
            Some(FaultKind::Html)
        );
        assert!(
            q.take_for_request(Route::File).is_none(),
            "`any` skips files"
        );
        assert!(q.take_for_request(Route::Job).is_some());
        assert_eq!(q.take_job_outcome(), None);
    }
}
