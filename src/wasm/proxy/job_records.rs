//! Where a proxy with `webhookUrl` keeps each job it submitted, as the service's events and its
//! own looks upstream tell it (`core::pushed`). The methods are async, as a shared store's are:
//! `open` a job just submitted, `get` it, `merge` what was learned (applied where the record
//! lives, atomically), and `subscribe` to its changes (what a job's event stream waits on).
//! Today: this process's memory, which holds while one process serves everyone (a single Node
//! server), as the in-memory record of owners does; a change there is told to this process's
//! streams of the job.

use std::cell::RefCell;
use std::collections::HashMap;

use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;

use crate::core::job::Job;
use crate::core::pushed::{JobRecord, JobRecords, Merge, MemoryRecords, Source, RECORDS_CAP};

/// The proxy's job records.
pub(super) enum JobRecordStore {
    /// This instance's memory: one process only.
    Memory {
        /// The records.
        records: RefCell<MemoryRecords>,
        /// The streams waiting on each job's next change.
        watchers: RefCell<HashMap<String, Vec<UnboundedSender<()>>>>,
    },
}

/// A stream's hold on one job's changes: told each time the record moves; dropped, it is
/// forgotten at the job's next change.
pub(super) struct Subscription {
    changes: UnboundedReceiver<()>,
}

impl Subscription {
    /// Resolves at the job's next change (at once when one came since the last call); `false`
    /// when no change can come any more (the records were dropped).
    pub(super) async fn changed(&mut self) -> bool {
        self.changes.next().await.is_some()
    }
}

impl JobRecordStore {
    /// Records of this instance's memory.
    pub(super) fn in_memory() -> JobRecordStore {
        JobRecordStore::Memory { records: RefCell::new(MemoryRecords::new(RECORDS_CAP)), watchers: RefCell::default() }
    }

    /// Starts the record of a job the service just accepted (kept as it is when it exists).
    pub(super) async fn open(&self, record: JobRecord) {
        match self {
            JobRecordStore::Memory { records, .. } => records.borrow_mut().open(record),
        }
    }

    /// The record of `job_id`, when this proxy submitted it.
    pub(super) async fn get(&self, job_id: &str) -> Option<JobRecord> {
        match self {
            JobRecordStore::Memory { records, .. } => records.borrow().get(job_id).cloned(),
        }
    }

    /// Merges what was learned of `job_id` at `now_ms`; [`Merge::Unknown`] records nothing. A
    /// change is told to the job's subscribers.
    pub(super) async fn merge(&self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Merge {
        match self {
            JobRecordStore::Memory { records, watchers } => {
                let merge = records.borrow_mut().merge(job_id, update, source, now_ms);
                if matches!(merge, Merge::Advanced(_) | Merge::Ended(_)) {
                    let mut w = watchers.borrow_mut();
                    if let Some(list) = w.get_mut(job_id) {
                        list.retain(|tx| tx.unbounded_send(()).is_ok());
                        if list.is_empty() {
                            w.remove(job_id);
                        }
                    }
                }
                merge
            }
        }
    }

    /// Subscribes to `job_id`'s changes.
    pub(super) async fn subscribe(&self, job_id: &str) -> Subscription {
        match self {
            JobRecordStore::Memory { watchers, .. } => {
                let (tx, changes) = unbounded();
                let mut w = watchers.borrow_mut();
                // Streams that ended since are forgotten here, whichever job they watched.
                w.retain(|_, list| {
                    list.retain(|tx| !tx.is_closed());
                    !list.is_empty()
                });
                w.entry(job_id.to_string()).or_default().push(tx);
                Subscription { changes }
            }
        }
    }
}
