//! Who submitted which job, for a proxy shared by many users: the decisions (a caller reads
//! and lists only its own jobs; a replayed submission never changes a job's owner), the
//! listing query, and the in-memory record a proxy keeps when it is given no store of its
//! own (one process only: a Worker's isolates each have their own, so Workers pass a store).

use std::collections::{HashMap, VecDeque};

use serde::Deserialize;

use super::error::ApiError;
use super::job::{Job, JobStatus};
use super::proxy::Refusal;

/// What `authorize(request)` said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// Refused: 401.
    Refused,
    /// Let through, with no identity: every caller shares the key's jobs (a single-user app).
    Shared,
    /// Let through as this identity: it sees only the jobs it submitted.
    Owner(String),
}

/// `authorize`'s answer as the shell saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    Bool(bool),
    Nullish,
    Text(&'a str),
    /// Anything else, named by its JS type.
    Other(&'a str),
}

/// Reads `authorize`'s answer: `true` shares, `false` (or nothing) refuses, a non-empty
/// string is the caller's identity. Anything else is the app's bug, refused with a typed error.
pub fn caller(verdict: Verdict) -> Result<Caller, ApiError> {
    match verdict {
        Verdict::Bool(true) => Ok(Caller::Shared),
        Verdict::Bool(false) | Verdict::Nullish => Ok(Caller::Refused),
        Verdict::Text(id) if !id.is_empty() => Ok(Caller::Owner(id.to_string())),
        Verdict::Text(_) => Err(bad_identity("an empty string")),
        Verdict::Other(kind) => Err(bad_identity(&format!("a {kind}"))),
    }
}

#[cold]
fn bad_identity(got: &str) -> ApiError {
    ApiError::invalid(
        "authorize",
        format!(
            "authorize(request) must resolve to true (let through), false (refuse) or the caller's identity \
             (a non-empty string), got {got}"
        ),
        None,
    )
}

/// The answer to a job the caller may not see: the same as for an unknown one, with nothing
/// of the job in it.
pub fn not_found() -> Refusal {
    Refusal::new(404, "Job not found")
}

/// A caller may read a job only if it submitted it.
pub fn check_owner(owner: Option<&str>, caller: &str) -> Result<(), Refusal> {
    if owner == Some(caller) {
        Ok(())
    } else {
        Err(not_found())
    }
}

/// After the service accepted a submission: record it, or (an idempotent replay of another
/// caller's key) refuse without touching the job or its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    Record,
    AlreadyMine,
    Foreign,
}

pub fn after_submission(owner: Option<&str>, caller: &str) -> Accepted {
    match owner {
        None => Accepted::Record,
        Some(o) if o == caller => Accepted::AlreadyMine,
        Some(_) => Accepted::Foreign,
    }
}

/// The refusal of a replay that names another caller's job: 409, as a reused key is.
pub fn foreign_replay() -> Refusal {
    Refusal::new(409, "This Idempotency-Key was already used for another request")
}

/// The store could not record a new job: 503, so the client retries (with the same
/// Idempotency-Key: the same job, recorded then).
pub fn store_failed() -> Refusal {
    Refusal::new(503, "The proxy could not record this job; retry with the same Idempotency-Key")
}

/// `GET /v2/jobs` for one caller: its own jobs, newest first.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct OwnedListQuery {
    pub limit: usize,
    pub cursor: Option<String>,
    pub status: Option<JobStatus>,
    pub model: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 20;

impl OwnedListQuery {
    /// From the query string's pairs. `scope` and unknown names are ignored: a caller's
    /// listing never reaches past its own jobs.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<OwnedListQuery, Refusal> {
        let mut q = OwnedListQuery { limit: DEFAULT_LIMIT, ..Default::default() };
        for (name, value) in pairs {
            match name {
                "limit" => {
                    q.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|l| (1..=100).contains(l))
                        .ok_or_else(|| Refusal::new(400, "limit must be a whole number from 1 to 100"))?
                }
                "cursor" if !value.is_empty() => q.cursor = Some(value.to_string()),
                "status" => {
                    let s = JobStatus::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value))
                        .map_err(|_| Refusal::new(400, "status must be one of QUEUED, PROCESSING, COMPLETED, FAILED, CANCELLED"))?;
                    q.status = Some(s);
                }
                "model" => q.model = Some(value.to_string()),
                _ => {}
            }
        }
        Ok(q)
    }

    /// Whether a job read back from the service passes the caller's filters.
    pub fn keeps(&self, job: &Job) -> bool {
        let status_ok = self.status.map_or(true, |s| {
            job.status.0.as_deref() == Some(super::serde_names::variant_name(&s))
        });
        let model_ok = self.model.as_deref().map_or(true, |m| job.model.0.as_deref() == Some(m));
        status_ok && model_ok
    }
}

/// One page of a caller's job ids, newest first; `cursor` continues it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub job_ids: Vec<String>,
    pub cursor: Option<String>,
}

/// The in-memory record: who submitted which job, newest last per owner. Bounded: past `cap`
/// jobs the oldest are forgotten (their owners can no longer read them through the proxy).
#[derive(Debug, Default)]
pub struct MemoryOwners {
    cap: usize,
    next_seq: u64,
    by_job: HashMap<String, String>,
    /// Per owner, (sequence, job id) in submission order.
    by_owner: HashMap<String, Vec<(u64, String)>>,
    order: VecDeque<String>,
}

pub const MEMORY_CAP: usize = 100_000;

impl MemoryOwners {
    pub fn new(cap: usize) -> MemoryOwners {
        MemoryOwners { cap: cap.max(1), ..Default::default() }
    }

    pub fn get(&self, job_id: &str) -> Option<&str> {
        self.by_job.get(job_id).map(String::as_str)
    }

    /// Records `job_id` for `owner`, unless it already has an owner.
    pub fn put(&mut self, job_id: &str, owner: &str) {
        if self.by_job.contains_key(job_id) {
            return;
        }
        if self.order.len() >= self.cap {
            if let Some(oldest) = self.order.pop_front() {
                if let Some(o) = self.by_job.remove(&oldest) {
                    if let Some(list) = self.by_owner.get_mut(&o) {
                        list.retain(|(_, id)| *id != oldest);
                        if list.is_empty() {
                            self.by_owner.remove(&o);
                        }
                    }
                }
            }
        }
        self.next_seq += 1;
        self.by_job.insert(job_id.to_string(), owner.to_string());
        self.by_owner.entry(owner.to_string()).or_default().push((self.next_seq, job_id.to_string()));
        self.order.push_back(job_id.to_string());
    }

    /// `owner`'s jobs, newest first, `limit` at a time; `cursor` is the previous page's.
    pub fn list(&self, owner: &str, limit: usize, cursor: Option<&str>) -> Page {
        let Some(list) = self.by_owner.get(owner) else {
            return Page::default();
        };
        let before = cursor.and_then(|c| c.parse::<u64>().ok()).unwrap_or(u64::MAX);
        let end = list.partition_point(|(seq, _)| *seq < before);
        let start = end.saturating_sub(limit.max(1));
        let job_ids: Vec<String> = list[start..end].iter().rev().map(|(_, id)| id.clone()).collect();
        let cursor = (start > 0).then(|| list[start].0.to_string());
        Page { job_ids, cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::Lenient;

    #[test]
    fn authorize_verdicts() {
        assert_eq!(caller(Verdict::Bool(true)), Ok(Caller::Shared));
        assert_eq!(caller(Verdict::Bool(false)), Ok(Caller::Refused));
        assert_eq!(caller(Verdict::Nullish), Ok(Caller::Refused));
        assert_eq!(caller(Verdict::Text("alice")), Ok(Caller::Owner("alice".into())));
        for bad in [Verdict::Text(""), Verdict::Other("number"), Verdict::Other("object")] {
            let e = caller(bad).unwrap_err();
            assert_eq!(e.field(), Some("authorize"));
        }
    }

    #[test]
    fn a_caller_reads_only_its_own_jobs_and_replays_never_change_owners() {
        assert!(check_owner(Some("alice"), "alice").is_ok());
        let foreign = check_owner(Some("alice"), "bob").unwrap_err();
        let unknown = check_owner(None, "bob").unwrap_err();
        assert_eq!(foreign, unknown, "another's job answers exactly as an unknown one");
        assert_eq!(foreign.status, 404);
        assert_eq!(after_submission(None, "bob"), Accepted::Record);
        assert_eq!(after_submission(Some("bob"), "bob"), Accepted::AlreadyMine);
        assert_eq!(after_submission(Some("alice"), "bob"), Accepted::Foreign);
    }

    #[test]
    fn list_queries_ignore_scope_and_check_the_rest() {
        let q = OwnedListQuery::parse([("limit", "5"), ("scope", "team"), ("cursor", "9"), ("status", "COMPLETED")]).unwrap();
        assert_eq!((q.limit, q.cursor.as_deref(), q.status), (5, Some("9"), Some(JobStatus::Completed)));
        assert_eq!(OwnedListQuery::parse([]).unwrap().limit, DEFAULT_LIMIT);
        for bad in [("limit", "0"), ("limit", "101"), ("limit", "x"), ("status", "DONE")] {
            assert_eq!(OwnedListQuery::parse([bad]).unwrap_err().status, 400, "{bad:?}");
        }
        let job = |status: &str| Job { status: Lenient(Some(status.into())), model: Lenient(Some("reve-create".into())), ..Job::default() };
        assert!(q.keeps(&job("COMPLETED")) && !q.keeps(&job("FAILED")));
    }

    #[test]
    fn memory_owners_page_newest_first_and_stay_bounded() {
        let mut m = MemoryOwners::new(1000);
        for i in 0..5 {
            m.put(&format!("a{i}"), "alice");
            m.put(&format!("b{i}"), "bob");
        }
        m.put("a0", "bob");
        assert_eq!(m.get("a0"), Some("alice"), "an owner is never replaced");
        let p1 = m.list("alice", 2, None);
        assert_eq!(p1.job_ids, ["a4", "a3"]);
        let p2 = m.list("alice", 2, p1.cursor.as_deref());
        assert_eq!(p2.job_ids, ["a2", "a1"]);
        let p3 = m.list("alice", 2, p2.cursor.as_deref());
        assert_eq!((p3.job_ids.as_slice(), p3.cursor), (&["a0".to_string()][..], None));
        assert!(m.list("carol", 2, None).job_ids.is_empty());

        let mut small = MemoryOwners::new(3);
        for i in 0..10 {
            small.put(&format!("j{i}"), if i % 2 == 0 { "alice" } else { "bob" });
        }
        assert_eq!(small.by_job.len(), 3);
        assert_eq!(small.list("alice", 10, None).job_ids, ["j8"]);
        assert_eq!(small.list("bob", 10, None).job_ids, ["j9", "j7"]);
        assert_eq!(small.get("j0"), None);
    }
}
