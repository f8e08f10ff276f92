//! Pushed jobs: what a proxy given `webhookUrl` keeps of each job it submitted, so that the
//! service's webhooks, not the callers' polls, move the job forward.
//!
//! - `event`: a verified webhook body read as the job `getJob` returns (only the fields the
//!   event tells).
//! - `record`: the job as the proxy holds it, merged monotonically (a final status is final,
//!   progress only rises), each change numbered.
//! - `fallback`: when the proxy must look upstream itself because events stopped coming.
//! - `stream`: a job's Server-Sent Events stream (`{prefix}/v2/jobs/{id}/events`): where it is,
//!   what a resuming caller is owed, each event's bytes.
//! - `memory`: the record of one process, behind [`JobRecords`], the few methods a shared
//!   store (a Durable Object, Redis) would implement.

mod event;
mod fallback;
mod memory;
mod record;
mod stream;

pub use event::{update_of, WebhookBody};
pub use fallback::{look, look_due_in_ms, FirstEvent, Look, PUSHED_SILENCE_MS};
pub use memory::{MemoryRecords, RECORDS_CAP};
pub use record::{JobRecord, Merge, Seen, Source};
pub use stream::{event, events_path, opening, step, Opening, Step, EVENTS_HEADER, KEEP_ALIVE, KEEP_ALIVE_MS};

use crate::core::job::Job;

/// The few methods a proxy needs of its job records, whatever holds them. Each call is atomic
/// for its job: a store shared by many processes applies [`JobRecord::merge`] where the record
/// lives (in a Durable Object's single thread, or a Redis transaction), never on a copy read
/// earlier.
pub trait JobRecords {
    /// Starts the record of a job just submitted. A record that exists already (a replayed
    /// submission) is kept as it is.
    fn open(&mut self, record: JobRecord);
    /// The record of `job_id`, if this proxy submitted it.
    fn get(&self, job_id: &str) -> Option<&JobRecord>;
    /// Merges what was learned of `job_id` at `now_ms` (an event, or an upstream look).
    fn merge(&mut self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Merge;
}
