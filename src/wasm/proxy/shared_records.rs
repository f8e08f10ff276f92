//! The app's `jobRecords`: the job records of a proxy with `webhookUrl` kept where every
//! process of the app sees them (Redis for a Node cluster, a Durable Object on Workers), so the
//! webhook received by one process moves the stream served by another. Four methods, each record
//! an opaque JSON text: `get(jobId)`, `open(jobId, record)` (unless one exists), `update(jobId,
//! merge)` (atomically: read, `merge(current)`, write what it returns and tell the job's
//! subscribers; `merge` may run again when another process wrote in between) and
//! `subscribe(jobId, onChange)` (resolving to the function that ends it). The merge itself is
//! the core's ([`JobRecord::merge`]): the store only makes it atomic. What the store throws,
//! rejects or answers wrongly is a [`StoreFailed`]; its text never reaches a caller.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::error::ApiError;
use crate::core::job::Job;
use crate::core::job_owners::StoreFailed;
use crate::core::pushed::{JobRecord, Merge, Source};
use crate::wasm::args;
use crate::wasm::host::{json_parse, json_stringify, settled};

/// The methods `jobRecords` must have.
const METHODS: [&str; 4] = ["get", "open", "update", "subscribe"];

/// The app's `jobRecords` object.
pub(super) struct SharedRecords {
    store: JsValue,
}

/// A subscription to one job's changes in the app's store: ended when dropped.
pub(super) struct SharedHold {
    /// Called by the store at each change of the job.
    _listener: Closure<dyn FnMut()>,
    /// What `subscribe` resolved to: the function that ends the subscription.
    unsubscribe: Option<Function>,
}

impl Drop for SharedHold {
    fn drop(&mut self) {
        if let Some(f) = &self.unsubscribe {
            // A promise it returns is the store's to settle; a throw changes nothing here.
            let _ = f.call0(&JsValue::UNDEFINED);
        }
    }
}

/// A record as the store keeps it: JSON text.
fn to_text(record: &JobRecord) -> Option<String> {
    let value = serde::Serialize::serialize(record, &serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    json_stringify(&value).ok()?.as_string()
}

/// A record from the store's text; `None` for anything else.
fn from_text(text: &JsValue) -> Option<JobRecord> {
    text.as_string()?;
    serde_wasm_bindgen::from_value(json_parse(text).ok()?).ok()
}

impl SharedRecords {
    /// The `jobRecords` option: none (`None`: this process's memory), or an object with the
    /// four methods.
    pub(super) fn from_option(option: &JsValue) -> Result<Option<SharedRecords>, ApiError> {
        if option.is_undefined() || option.is_null() {
            Ok(None)
        } else if METHODS.iter().all(|m| args::get(option, m).is_function()) {
            Ok(Some(SharedRecords { store: option.clone() }))
        } else {
            Err(ApiError::wrong_type(
                "jobRecords",
                "an object with get(jobId), open(jobId, record), update(jobId, merge) and subscribe(jobId, onChange)",
            ))
        }
    }

    /// `store[method](...call_args)`, awaited.
    async fn call(&self, method: &str, call_args: &[&JsValue]) -> Result<JsValue, StoreFailed> {
        let f: Function = args::get(&self.store, method).dyn_into().map_err(|_| StoreFailed)?;
        let pending = f.apply(&self.store, &call_args.iter().copied().collect::<Array>()).map_err(|_| StoreFailed)?;
        settled(&pending).await.map_err(|_| StoreFailed)
    }

    /// Stores `record` unless the job has one.
    pub(super) async fn open(&self, record: &JobRecord) -> Result<(), StoreFailed> {
        let id = record.job.id.0.as_deref().ok_or(StoreFailed)?;
        let text = to_text(record).ok_or(StoreFailed)?;
        self.call("open", &[&id.into(), &text.into()]).await.map(drop)
    }

    /// The record of `job_id`; `Ok(None)` when the store has none.
    pub(super) async fn get(&self, job_id: &str) -> Result<Option<JobRecord>, StoreFailed> {
        let v = self.call("get", &[&job_id.into()]).await?;
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        from_text(&v).map(Some).ok_or(StoreFailed)
    }

    /// Merges `update` into `job_id`'s record where it lives, atomically: the store calls the
    /// core's merge on the record as it holds it, and writes what changed.
    pub(super) async fn merge(&self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Result<Merge, StoreFailed> {
        let outcome = Rc::new(Cell::new(Merge::Unknown));
        let told = outcome.clone();
        let merge = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |current: JsValue| {
            let Some(mut record) = from_text(&current) else {
                told.set(Merge::Unknown);
                return JsValue::NULL;
            };
            let before = record.clone();
            told.set(record.merge(update.clone(), source, now_ms));
            match (record == before, to_text(&record)) {
                (false, Some(text)) => text.into(),
                _ => JsValue::NULL,
            }
        });
        self.call("update", &[&job_id.into(), merge.as_ref()]).await?;
        Ok(outcome.get())
    }

    /// Subscribes to `job_id`'s changes: `on_change` is called at each.
    pub(super) async fn subscribe(&self, job_id: &str, on_change: impl FnMut() + 'static) -> Result<SharedHold, StoreFailed> {
        let listener = Closure::<dyn FnMut()>::new(on_change);
        let answer = self.call("subscribe", &[&job_id.into(), listener.as_ref()]).await?;
        Ok(SharedHold { _listener: listener, unsubscribe: answer.dyn_into().ok() })
    }
}
