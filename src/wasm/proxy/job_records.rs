//! Where a proxy with `webhookUrl` keeps each job it submitted, as the service's events and its
//! own looks upstream tell it (`core::pushed`). The methods are async, as a shared store's are:
//! `open` a job just submitted, `get` it, `merge` what was learned (applied where the record
//! lives, atomically). Today: this process's memory, which holds while one process serves
//! everyone (a single Node server), as the in-memory record of owners does.

use std::cell::RefCell;

use crate::core::job::Job;
use crate::core::pushed::{JobRecord, JobRecords, Merge, MemoryRecords, Source, RECORDS_CAP};

/// The proxy's job records.
pub(super) enum JobRecordStore {
    /// This instance's memory: one process only.
    Memory(RefCell<MemoryRecords>),
}

impl JobRecordStore {
    /// Records of this instance's memory.
    pub(super) fn in_memory() -> JobRecordStore {
        JobRecordStore::Memory(RefCell::new(MemoryRecords::new(RECORDS_CAP)))
    }

    /// Starts the record of a job the service just accepted (kept as it is when it exists).
    pub(super) async fn open(&self, record: JobRecord) {
        match self {
            JobRecordStore::Memory(m) => m.borrow_mut().open(record),
        }
    }

    /// The record of `job_id`, when this proxy submitted it.
    pub(super) async fn get(&self, job_id: &str) -> Option<JobRecord> {
        match self {
            JobRecordStore::Memory(m) => m.borrow().get(job_id).cloned(),
        }
    }

    /// Merges what was learned of `job_id` at `now_ms`; [`Merge::Unknown`] records nothing.
    pub(super) async fn merge(&self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Merge {
        match self {
            JobRecordStore::Memory(m) => m.borrow_mut().merge(job_id, update, source, now_ms),
        }
    }
}
