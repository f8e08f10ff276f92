//! The record of who submitted which job: this instance's memory, or the app's `jobStore`
//! (`get`, `put`, `list`, shared as the app shares it). Whatever the store throws, rejects or
//! answers wrongly becomes a failure the core answers 503; its text never reaches the caller.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::error::ApiError;
use crate::core::job_owners::{MemoryOwners, Page, StoreFailed, StoreLookup, MEMORY_CAP};
use crate::wasm::args;
use crate::wasm::host::settled;

/// Where the proxy remembers who submitted which job.
pub(super) enum JobOwners {
    /// This instance's memory: one process only.
    Memory(RefCell<MemoryOwners>),
    /// The app's `jobStore`.
    Store(JsValue),
}

/// A `jobStore.list` answer.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct StorePage {
    /// The page's job ids, newest first.
    #[serde(default)]
    job_ids: Vec<String>,
    /// The next page's cursor.
    #[serde(default)]
    cursor: Option<String>,
}

/// `store[method](...call_args)`, awaited.
async fn call(store: &JsValue, method: &str, call_args: &[JsValue]) -> Result<JsValue, StoreFailed> {
    let f: Function = args::get(store, method).dyn_into().map_err(|_| StoreFailed)?;
    let pending = f.apply(store, &call_args.iter().collect::<Array>()).map_err(|_| StoreFailed)?;
    settled(&pending).await.map_err(|_| StoreFailed)
}

impl JobOwners {
    /// The `jobStore` option: none (memory), or an object with the three methods.
    pub(super) fn from_option(job_store: &JsValue) -> Result<JobOwners, ApiError> {
        if job_store.is_undefined() || job_store.is_null() {
            Ok(JobOwners::Memory(RefCell::new(MemoryOwners::new(MEMORY_CAP))))
        } else if ["get", "put", "list"].iter().all(|m| args::get(job_store, m).is_function()) {
            Ok(JobOwners::Store(job_store.clone()))
        } else {
            Err(ApiError::wrong_type("jobStore", "an object with get(jobId), put(jobId, owner) and list(owner, { limit, cursor })"))
        }
    }

    /// Who submitted `job_id`: a string is the owner, `null` or `undefined` no one, anything
    /// else (or a throw) a failure.
    pub(super) async fn get(&self, job_id: &str) -> StoreLookup {
        let store = match self {
            JobOwners::Memory(m) => {
                return m.borrow().get(job_id).map_or(StoreLookup::Unknown, |o| StoreLookup::Owner(o.to_string()))
            }
            JobOwners::Store(s) => s,
        };
        match call(store, "get", &[job_id.into()]).await {
            Ok(v) if v.is_undefined() || v.is_null() => StoreLookup::Unknown,
            Ok(v) => v.as_string().map_or(StoreLookup::Failed, StoreLookup::Owner),
            Err(StoreFailed) => StoreLookup::Failed,
        }
    }

    /// Records that `owner` submitted `job_id`.
    pub(super) async fn put(&self, job_id: &str, owner: &str) -> Result<(), StoreFailed> {
        match self {
            JobOwners::Memory(m) => {
                m.borrow_mut().put(job_id, owner);
                Ok(())
            }
            JobOwners::Store(s) => call(s, "put", &[job_id.into(), owner.into()]).await.map(drop),
        }
    }

    /// One page of `owner`'s jobs, newest first.
    pub(super) async fn list(&self, owner: &str, limit: usize, cursor: Option<&str>) -> Result<Page, StoreFailed> {
        let store = match self {
            JobOwners::Memory(m) => return Ok(m.borrow().list(owner, limit, cursor)),
            JobOwners::Store(s) => s,
        };
        let options = Object::new();
        Reflect::set(&options, &"limit".into(), &(limit as f64).into()).map_err(|_| StoreFailed)?;
        if let Some(c) = cursor {
            Reflect::set(&options, &"cursor".into(), &c.into()).map_err(|_| StoreFailed)?;
        }
        let answer = call(store, "list", &[owner.into(), options.into()]).await?;
        let page: StorePage = serde_wasm_bindgen::from_value(answer).map_err(|_| StoreFailed)?;
        Ok(Page::from_store(page.job_ids, page.cursor))
    }
}
