//! The record around the upstream call: before a read, the job must be the caller's; after a
//! submission the service accepted, the job is recorded as the caller's (or the replay of
//! another caller's key refused). The core decides each outcome.

use super::job_store::JobOwners;
use crate::core::job::JobAccepted;
use crate::core::job_owners::{self, Accepted, StoreFailed};
use crate::core::proxy::Refusal;
use crate::wasm::host::json_parse;
use crate::wasm::transport::Received;

/// Before `GET /v2/jobs/{id}`: `owner` may read only a job it submitted.
pub(super) async fn check_read(owners: &JobOwners, job_id: &str, owner: &str) -> Result<(), Refusal> {
    job_owners::check_owner(&owners.get(job_id).await, owner)
}

/// After the service answered `owner`'s submission: record whose job it made.
pub(super) async fn record(owners: &JobOwners, received: &Received, owner: &str) -> Result<(), Refusal> {
    let accepted: JobAccepted = json_parse(&received.text)
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
        .unwrap_or_default();
    let Some(job_id) = job_owners::job_to_record(received.status, accepted) else {
        return Ok(());
    };
    match job_owners::after_submission(&owners.get(&job_id).await, owner)? {
        Accepted::Record => owners.put(&job_id, owner).await.map_err(|StoreFailed| job_owners::store_failed()),
        Accepted::AlreadyMine => Ok(()),
    }
}
