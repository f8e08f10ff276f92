//! Where a proxy with `webhookUrl` keeps each job it submitted, as the service's events and its
//! own looks upstream tell it (`core::pushed`). The methods are async, as a shared store's are:
//! `open` a job just submitted, `get` it, `merge` what was learned (applied where the record
//! lives, atomically), and `subscribe` to its changes (what a job's event stream waits on).
//! By default this process's memory, which holds while one process serves everyone (a single
//! Node server), as the in-memory record of owners does; with `jobRecords`, the app's shared
//! store (`shared_records`), whose changes reach every process's streams.

use std::cell::RefCell;
use std::collections::HashMap;

use futures_channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use wasm_bindgen::JsValue;

use super::shared_records::{SharedHold, SharedRecords};
use crate::core::error::ApiError;
use crate::core::job::Job;
use crate::core::job_owners::StoreFailed;
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
    /// The app's `jobRecords`, shared by its processes.
    Shared(SharedRecords),
}

/// A stream's hold on one job's changes: told each time the record moves; dropped, it is
/// forgotten (in memory at the next subscription; in the app's store, unsubscribed).
pub(super) struct Subscription {
    changes: UnboundedReceiver<()>,
    /// The app's store's subscription, ended when dropped.
    _shared: Option<SharedHold>,
    /// When the app's store could not subscribe: kept so that `changed` waits (the stream
    /// then moves on the fallback's looks alone).
    _unheard: Option<UnboundedSender<()>>,
}

impl Subscription {
    /// Resolves at the job's next change (at once when one came since the last call); `false`
    /// when no change can come any more (the records were dropped).
    pub(super) async fn changed(&mut self) -> bool {
        self.changes.next().await.is_some()
    }
}

impl JobRecordStore {
    /// The `jobRecords` option: this instance's memory when absent.
    pub(super) fn from_option(option: &JsValue) -> Result<JobRecordStore, ApiError> {
        Ok(match SharedRecords::from_option(option)? {
            Some(shared) => JobRecordStore::Shared(shared),
            None => JobRecordStore::Memory { records: RefCell::new(MemoryRecords::new(RECORDS_CAP)), watchers: RefCell::default() },
        })
    }

    /// Starts the record of a job the service just accepted (kept as it is when it exists);
    /// `false` when the app's store failed (the job is then read from the service).
    pub(super) async fn open(&self, record: JobRecord) -> bool {
        match self {
            JobRecordStore::Memory { records, .. } => {
                records.borrow_mut().open(record);
                true
            }
            JobRecordStore::Shared(s) => s.open(&record).await.is_ok(),
        }
    }

    /// The record of `job_id`, when this proxy submitted it (a store that fails holds none:
    /// reads go to the service).
    pub(super) async fn get(&self, job_id: &str) -> Option<JobRecord> {
        match self {
            JobRecordStore::Memory { records, .. } => records.borrow().get(job_id).cloned(),
            JobRecordStore::Shared(s) => s.get(job_id).await.ok().flatten(),
        }
    }

    /// Merges what was learned of `job_id` at `now_ms`; [`Merge::Unknown`] records nothing. A
    /// change is told to the job's subscribers.
    pub(super) async fn merge(&self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Result<Merge, StoreFailed> {
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
                Ok(merge)
            }
            JobRecordStore::Shared(s) => s.merge(job_id, update, source, now_ms).await,
        }
    }

    /// Subscribes to `job_id`'s changes.
    pub(super) async fn subscribe(&self, job_id: &str) -> Subscription {
        let (tx, changes) = unbounded();
        match self {
            JobRecordStore::Memory { watchers, .. } => {
                let mut w = watchers.borrow_mut();
                // Streams that ended since are forgotten here, whichever job they watched.
                w.retain(|_, list| {
                    list.retain(|tx| !tx.is_closed());
                    !list.is_empty()
                });
                w.entry(job_id.to_string()).or_default().push(tx);
                Subscription { changes, _shared: None, _unheard: None }
            }
            JobRecordStore::Shared(s) => {
                let told = tx.clone();
                match s.subscribe(job_id, move || drop(told.unbounded_send(()))).await {
                    Ok(hold) => Subscription { changes, _shared: Some(hold), _unheard: Some(tx) },
                    Err(StoreFailed) => Subscription { changes, _shared: None, _unheard: Some(tx) },
                }
            }
        }
    }
}
