//! A proxy with `webhookUrl` and its jobs: each accepted submission opens the job's record;
//! `GET /v2/jobs/{id}` of a job it holds is answered from the record, with no upstream request,
//! unless the record has aged past what the adaptive poll schedule allows (events lost, or a
//! service that cannot reach this proxy): then one look upstream, merged, and the record
//! answered (one look at a time per job). The durations of the jobs it saw end pace that schedule.

use std::cell::RefCell;
use std::collections::HashSet;

use wasm_bindgen::JsValue;

use super::answer::Answer;
use super::Proxy;
use crate::core::job::{Job, JobAccepted};
use crate::core::pushed::{events_path, look, JobRecord, Look, Merge, Source};
use crate::core::proxy::Refusal;
use crate::core::response::is_success;
use crate::wasm::host::json_parse;
use crate::wasm::transport::{Received, Request};

/// A look upstream in flight for a job, ended (even by the caller's abort) when dropped.
pub(super) struct Looking<'a> {
    set: &'a RefCell<HashSet<String>>,
    job_id: String,
}

impl<'a> Looking<'a> {
    /// Starts a look at `job_id`, or `None` when one is in flight already.
    pub(super) fn start(set: &'a RefCell<HashSet<String>>, job_id: &str) -> Option<Looking<'a>> {
        set.borrow_mut().insert(job_id.to_string()).then(|| Looking { set, job_id: job_id.to_string() })
    }
}

impl Drop for Looking<'_> {
    fn drop(&mut self) {
        self.set.borrow_mut().remove(&self.job_id);
    }
}

/// The JSON of `job` as `getJob` returns it (nulls kept, as the service writes them).
pub(super) fn to_json(job: &Job) -> Result<JsValue, Refusal> {
    let out = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(job, &out).map_err(|_| Refusal::upstream_malformed())
}

impl Proxy {
    /// After the service answered a submission whose body was `sent`: opens the job's record
    /// (owned by `owner`, or shared), when there is a job and a webhook to push it; the path of
    /// the job's event stream when the proxy holds its record.
    pub(super) async fn open_record(&self, received: &Received, sent: &str, owner: Option<&str>) -> Option<String> {
        if self.cfg.webhook.is_none() || !is_success(received.status) {
            return None;
        }
        let accepted: JobAccepted = json_parse(&received.text)
            .ok()
            .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
            .unwrap_or_default();
        let job_id = accepted.job_id.0.map(|id| id.to_ascii_lowercase())?;
        let input: Option<serde_json::Value> =
            json_parse(&JsValue::from_str(sent)).ok().and_then(|v| serde_wasm_bindgen::from_value(v).ok());
        let model = input.as_ref().and_then(|i| i.get("model")?.as_str().map(str::to_string)).unwrap_or_else(|| "reve-create".into());
        let status = accepted.status.0.unwrap_or_else(|| "QUEUED".into());
        if !JobRecord::opens_for(&status) {
            return None;
        }
        let record = JobRecord::open(&job_id, &status, &model, input, owner.map(str::to_string), js_sys::Date::now());
        self.records.open(record).await.then(|| events_path(&self.cfg.prefix, &job_id))
    }

    /// `GET /v2/jobs/{id}` from the record, or `None` when this proxy holds no record of it.
    /// While one read looks upstream, the others of the same job answer from the record.
    pub(super) async fn read_pushed(&self, job_id: &str, signal: Option<&web_sys::AbortSignal>) -> Option<Result<Answer, Refusal>> {
        let record = self.records.get(job_id).await?;
        let now = js_sys::Date::now();
        let due = look(&record, now, &self.expected.get(), &self.first_event.get()) == Look::Upstream;
        let events = events_path(&self.cfg.prefix, job_id);
        let Some(_looking) = due.then(|| Looking::start(&self.looking, job_id)).flatten() else {
            return Some(to_json(&record.job).map(|job| Answer::Job { job, events }));
        };
        Some(self.look_upstream(job_id, signal).await.map(|answer| match answer {
            Answer::Job { job, .. } => Answer::Job { job, events },
            other => other,
        }))
    }

    /// One look upstream for `job_id`, merged into its record; a refusal from the service is
    /// passed on as it came.
    pub(super) async fn look_upstream(&self, job_id: &str, signal: Option<&web_sys::AbortSignal>) -> Result<Answer, Refusal> {
        let request = Request::get(crate::core::proxy::Route::GetJob(job_id.to_string()).upstream_path(""));
        let received = self.upstream.attempt(&request, signal).await.map_err(|f| Refusal::upstream_failed(f.code()))?;
        if received.status != 200 {
            return Ok(Answer::Upstream(received));
        }
        let job: Job = json_parse(&received.text)
            .ok()
            .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
            .ok_or_else(Refusal::upstream_malformed)?;
        if let Ok(merged) = self.records.merge(job_id, job, Source::Look, js_sys::Date::now()).await {
            self.learn(job_id, merged, Source::Look).await;
        }
        let record = self.records.get(job_id).await.ok_or_else(Refusal::upstream_malformed)?;
        let events = events_path(&self.cfg.prefix, job_id);
        to_json(&record.job).map(|job| Answer::Job { job, events })
    }

    /// What a merge from `source` teaches, from one read of the record: how long after its
    /// submission a job's first event came (the record's first change, sequence 2, told by an
    /// event), and how long a job that just ended ran (by the service's clock when it said, else
    /// from the submission).
    pub(super) async fn learn(&self, job_id: &str, merged: Merge, source: Source) {
        let first_event = source == Source::Event && matches!(merged, Merge::Advanced(2) | Merge::Ended(2));
        let ended = matches!(merged, Merge::Ended(_));
        if !(first_event || ended) {
            return;
        }
        let Some(record) = self.records.get(job_id).await else { return };
        let since_submission = record.heard_ms - record.submitted_ms;
        if first_event {
            let mut first = self.first_event.get();
            first.learn(since_submission);
            self.first_event.set(first);
        }
        if ended {
            let mut expected = self.expected.get();
            expected.learn(record.job.duration_ms().unwrap_or(since_submission));
            self.expected.set(expected);
        }
    }
}
