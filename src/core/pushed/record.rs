//! The job as the proxy holds it: opened at submission, then merged with what events and
//! upstream looks tell, never going back. A final status is final (the first one seen stays);
//! before it, a job moves from queued to running, and its progress only rises (a job that
//! failed keeps the furthest progress any event showed, however late it came).
//! Each change takes the next sequence number, which a stream of the job's changes names them by.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, UNIX_EPOCH};

use crate::core::job::{Job, JobStatus, Lenient, Status};
use crate::core::poll_schedule::Observation;

/// Where an update came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// A verified webhook event.
    Event,
    /// The proxy's own look upstream (`GET /v2/jobs/{id}`).
    Look,
}

/// What merging an update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// The job moved forward, still running (or a failed job's progress rose); this is its new
    /// sequence number.
    Advanced(u64),
    /// The job moved forward to its final status; this is its new sequence number.
    Ended(u64),
    /// Nothing new (a duplicate, a late event, anything behind the record): nothing changed
    /// but, for a look, the time it was made.
    Stale,
    /// No record of that job: this proxy did not submit it. Nothing is recorded.
    Unknown,
}

/// One thing the proxy learned of a job, as the poll schedule reads it: milliseconds after the
/// submission, whether the job was past the queue, its progress.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Seen {
    pub at_ms: f64,
    pub processing: bool,
    pub progress: Option<u8>,
    /// Whether an event told it (not a look).
    #[serde(default)]
    pub by_event: bool,
}

impl From<Seen> for Observation {
    fn from(s: Seen) -> Observation {
        Observation { at_ms: s.at_ms, processing: s.processing, progress: s.progress }
    }
}

/// The most a record keeps of what it saw (the schedule needs the first and the latest).
const SEEN_CAP: usize = 32;

/// One job, as the proxy holds it. Serde types, so a shared store can keep it as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRecord {
    /// The job as `getJob` returns it.
    pub job: Job,
    /// Who submitted it (`authorize`'s identity), or `None` for a shared caller.
    pub owner: Option<String>,
    /// Its sequence number: 1 when opened, one more at each change.
    pub seq: u64,
    /// When the proxy submitted it (ms since the epoch).
    pub submitted_ms: f64,
    /// When the proxy last learned something of it: its submission, an event that moved it,
    /// or a look upstream.
    pub heard_ms: f64,
    /// What it learned, oldest first, for the poll schedule.
    pub seen: Vec<Seen>,
    /// Whether an event has moved it: the service reaches this proxy, so a silence is more
    /// likely a pause than a loss (the fallback waits longer before looking).
    #[serde(default)]
    pub pushed: bool,
    /// The longest wait between two events that moved it (the first counted from the
    /// submission): the service's own cadence, which the fallback's patience follows.
    #[serde(default)]
    pub event_gap_ms: f64,
}

/// `ms` since the epoch as RFC 3339, as the service writes `createdAt`.
fn rfc3339(ms: f64) -> Option<String> {
    let at = UNIX_EPOCH.checked_add(Duration::from_millis(ms.max(0.0) as u64))?;
    Some(humantime::format_rfc3339_millis(at).to_string())
}

/// How far a job has come: queued, running at some progress, or ended.
fn standing(job: &Job) -> (u8, u8) {
    let status = job.status();
    let stage = match status {
        s if s.is_final() => 2,
        s if s.is_past_queue() => 1,
        _ => 0,
    };
    (stage, job.progress().unwrap_or(0))
}

fn overlay<T>(into: &mut Lenient<T>, from: Lenient<T>) {
    if from.0.is_some() {
        *into = from;
    }
}

impl JobRecord {
    /// The record of a job the service just accepted: `status` as it answered (QUEUED, or a
    /// replay's later one), `input` the request as sent.
    pub fn open(job_id: &str, status: &str, model: &str, input: Option<Value>, owner: Option<String>, now_ms: f64) -> JobRecord {
        let job = Job {
            id: Lenient(Some(job_id.to_string())),
            status: Lenient(Some(status.to_string())),
            model: Lenient(Some(model.to_string())),
            progress: Lenient(Some(0.0)),
            webhook_status: Lenient(Some("pending".into())),
            created_at: Lenient(rfc3339(now_ms)),
            input,
            ..Job::default()
        };
        let seen = vec![Seen { at_ms: 0.0, processing: job.status().is_past_queue(), progress: None, by_event: false }];
        JobRecord { job, owner, seq: 1, submitted_ms: now_ms, heard_ms: now_ms, seen, pushed: false, event_gap_ms: 0.0 }
    }

    /// Whether a submission answered with `status` opens a record: not when the job has ended
    /// already (an idempotent replay of an old job), whose record would lack its result: reads
    /// of it go to the service.
    pub fn opens_for(status: &str) -> bool {
        !Status::parse(status).is_final()
    }

    /// Whether the job has ended.
    pub fn is_final(&self) -> bool {
        self.job.status().is_final()
    }

    /// The poll schedule's view of what the proxy saw.
    pub fn observations(&self) -> Vec<Observation> {
        self.seen.iter().copied().map(Observation::from).collect()
    }

    /// Merges `update` (the fields an event or a look told), learned at `now_ms`. Only an
    /// update ahead of the record changes it; a look that is not ahead still counts as heard.
    pub fn merge(&mut self, update: Job, source: Source, now_ms: f64) -> Merge {
        let ((stage, p), (new_stage, new_p)) = (standing(&self.job), standing(&update));
        if stage == 2 {
            return self.late_progress(new_stage, new_p, p);
        }
        let ahead = new_stage > stage || (new_stage == stage && stage == 1 && new_p > p);
        if !ahead {
            if source == Source::Look && !self.is_final() {
                self.hear(&update, source, now_ms);
            }
            return Merge::Stale;
        }
        if source == Source::Event {
            let since = self.seen.iter().rev().find(|s| s.by_event).map_or(0.0, |s| s.at_ms);
            self.event_gap_ms = self.event_gap_ms.max(now_ms - self.submitted_ms - since);
        }
        self.hear(&update, source, now_ms);
        self.pushed |= source == Source::Event;
        let j = &mut self.job;
        overlay(&mut j.status, update.status);
        overlay(&mut j.model, update.model);
        overlay(&mut j.progress, update.progress);
        overlay(&mut j.error, update.error);
        overlay(&mut j.credit_cost, update.credit_cost);
        overlay(&mut j.webhook_status, update.webhook_status);
        overlay(&mut j.created_at, update.created_at);
        overlay(&mut j.completed_at, update.completed_at);
        overlay(&mut j.expired, update.expired);
        if update.result.is_some() {
            j.result = update.result;
        }
        if update.input.is_some() {
            j.input = update.input;
        }
        self.seq += 1;
        if !self.is_final() {
            return Merge::Advanced(self.seq);
        }
        // A final record is never looked up again: what the schedule needed is dropped.
        self.seen = Vec::new();
        if source == Source::Event {
            self.job.webhook_status = Lenient(Some("delivered".into()));
        }
        Merge::Ended(self.seq)
    }

    /// A job that failed or was cancelled keeps the furthest progress it reached, whatever
    /// order the events came in (a failed event carries none): a late progress event past it
    /// raises it, and nothing else changes. A completed job is at 100 already.
    fn late_progress(&mut self, new_stage: u8, new_p: u8, p: u8) -> Merge {
        if new_stage != 1 || new_p <= p || self.job.status() == Status::Known(JobStatus::Completed) {
            return Merge::Stale;
        }
        self.job.progress = Lenient(Some(f64::from(new_p)));
        self.seq += 1;
        Merge::Advanced(self.seq)
    }

    /// Notes that `job` was seen at `now_ms`, told by `source`.
    fn hear(&mut self, job: &Job, source: Source, now_ms: f64) {
        self.heard_ms = self.heard_ms.max(now_ms);
        let status = job.status();
        let seen = Seen {
            at_ms: (now_ms - self.submitted_ms).max(0.0),
            processing: status.is_past_queue() && !matches!(status, Status::Other(ref s) if s.is_empty()),
            progress: job.progress(),
            by_event: source == Source::Event,
        };
        if self.seen.len() >= SEEN_CAP {
            self.seen.remove(1);
        }
        self.seen.push(seen);
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
