//! Who submitted which job, for a proxy shared by many users: a caller reads only the jobs it
//! submitted, a replayed submission never changes a job's owner, and a record that cannot be
//! read or written is a 503 whatever the route (never a 404 that would say "no such job"), its
//! own error never shown. Also the caller's listing (`owned_list`) and the in-memory record
//! (`memory`).

mod memory;
mod owned_list;

pub use memory::{MemoryOwners, MEMORY_CAP};
pub use owned_list::{read_back, OwnedListQuery, Page, ReadBack, DEFAULT_LIMIT, READS_AT_ONCE};

use super::job::JobAccepted;
use super::proxy::Refusal;
use super::response::is_success;

/// What the record said of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLookup {
    /// This identity submitted it.
    Owner(String),
    /// No one, as far as the record knows.
    Unknown,
    /// The record could not be read (the store threw, rejected, or answered something other
    /// than a string or nothing).
    Failed,
}

/// The record could not be written or listed. What the store said is never shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFailed;

/// The answer to a job the caller may not see: the same as for an unknown one, with nothing
/// of the job in it.
pub fn not_found() -> Refusal {
    Refusal::new(404, "Job not found")
}

/// A read or a listing the record could not serve: 503, so the client retries.
pub fn store_unavailable() -> Refusal {
    Refusal::new(503, "The proxy could not read its record of who submitted which job; retry later")
}

/// The record could not take a new job: 503, so the client retries (with the same
/// Idempotency-Key: the same job, recorded then).
pub fn store_failed() -> Refusal {
    Refusal::new(503, "The proxy could not record this job; retry with the same Idempotency-Key")
}

/// The refusal of a replay that names another caller's job: 409, as a reused key is.
pub fn foreign_replay() -> Refusal {
    Refusal::new(409, "This Idempotency-Key was already used for another request")
}

/// A caller may read a job only if it submitted it.
pub fn check_owner(lookup: &StoreLookup, caller: &str) -> Result<(), Refusal> {
    match lookup {
        StoreLookup::Owner(o) if o == caller => Ok(()),
        StoreLookup::Owner(_) | StoreLookup::Unknown => Err(not_found()),
        StoreLookup::Failed => Err(store_unavailable()),
    }
}

/// The job a successful submission answer names, to record for its caller; `None` when
/// there is nothing to record (a refusal, or an answer without a job id).
pub fn job_to_record(status: u16, accepted: JobAccepted) -> Option<String> {
    accepted.job_id.0.filter(|_| is_success(status))
}

/// What to do once the service accepted a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// A new job: record it for the caller.
    Record,
    /// A replay of the caller's own submission: already recorded.
    AlreadyMine,
}

/// After the service accepted a submission: record it, or refuse (an idempotent replay of
/// another caller's key, without touching the job or its owner; or a record that cannot be
/// read).
pub fn after_submission(lookup: &StoreLookup, caller: &str) -> Result<Accepted, Refusal> {
    match lookup {
        StoreLookup::Unknown => Ok(Accepted::Record),
        StoreLookup::Owner(o) if o == caller => Ok(Accepted::AlreadyMine),
        StoreLookup::Owner(_) => Err(foreign_replay()),
        StoreLookup::Failed => Err(store_failed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::Lenient;

    #[test]
    fn a_caller_reads_only_its_own_jobs_and_replays_never_change_owners() {
        let alice = StoreLookup::Owner("alice".into());
        assert!(check_owner(&alice, "alice").is_ok());
        let foreign = check_owner(&alice, "bob").unwrap_err();
        let unknown = check_owner(&StoreLookup::Unknown, "bob").unwrap_err();
        assert_eq!(foreign, unknown, "another's job answers exactly as an unknown one");
        assert_eq!(foreign.status, 404);
        assert_eq!(after_submission(&StoreLookup::Unknown, "bob"), Ok(Accepted::Record));
        assert_eq!(after_submission(&StoreLookup::Owner("bob".into()), "bob"), Ok(Accepted::AlreadyMine));
        assert_eq!(after_submission(&alice, "bob"), Err(foreign_replay()));
    }

    #[test]
    fn a_record_that_cannot_be_read_is_a_503_on_every_route_never_a_404() {
        assert_eq!(check_owner(&StoreLookup::Failed, "bob"), Err(store_unavailable()));
        assert_eq!(after_submission(&StoreLookup::Failed, "bob"), Err(store_failed()));
        for r in [store_unavailable(), store_failed()] {
            assert_eq!(r.status, 503);
        }
    }

    #[test]
    fn only_an_accepted_job_is_recorded() {
        let accepted = || JobAccepted { job_id: Lenient(Some("j".into())), ..JobAccepted::default() };
        assert_eq!(job_to_record(202, accepted()).as_deref(), Some("j"));
        assert_eq!(job_to_record(409, accepted()), None);
        assert_eq!(job_to_record(202, JobAccepted::default()), None);
    }
}
