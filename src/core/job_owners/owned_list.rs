//! `GET /v2/jobs` for an identified caller: its own jobs from the record, newest first, each
//! read back from the service (at most [`READS_AT_ONCE`] at a time), then narrowed by the
//! caller's filters.

use serde::Deserialize;

use crate::core::job::{Job, JobStatus};
use crate::core::proxy::Refusal;
use crate::core::response::is_success;
use crate::core::routes;

/// The caller's listing query.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct OwnedListQuery {
    /// Jobs per page, 1 to 100.
    pub limit: usize,
    /// The previous page's cursor.
    pub cursor: Option<String>,
    /// Only jobs of this status.
    pub status: Option<JobStatus>,
    /// Only jobs of this model.
    pub model: Option<String>,
}

/// Jobs per page when the caller asks for no `limit`.
pub const DEFAULT_LIMIT: usize = 20;

/// At most this many jobs of one listing are read back from the service at once: a page of
/// 100 is never 100 requests in flight (the service's rate limit, the runtime's sockets).
pub const READS_AT_ONCE: usize = 8;

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
            job.status.0.as_deref() == Some(crate::core::serde_names::variant_name(&s))
        });
        let model_ok = self.model.as_deref().map_or(true, |m| job.model.0.as_deref() == Some(m));
        status_ok && model_ok
    }
}

/// One page of a caller's job ids, newest first; `cursor` continues it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The job ids, newest first.
    pub job_ids: Vec<String>,
    /// The next page's cursor; `None` on the last page.
    pub cursor: Option<String>,
}

impl Page {
    /// A page as a `jobStore.list` gave it: an empty cursor ends the listing.
    pub fn from_store(job_ids: Vec<String>, cursor: Option<String>) -> Page {
        Page { job_ids, cursor: cursor.filter(|c| !c.is_empty()) }
    }

    /// The paths to read the page's jobs at, in order. Ids from a caller's store are checked
    /// like any job id before they reach a path: one that is not a job id is left out.
    pub fn job_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.job_ids.iter().filter_map(|id| routes::job_path(id).ok())
    }
}

/// What one job read back from the service does to the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadBack {
    /// It is shown (when the caller's filters keep it).
    Show,
    /// The service purged or evicted it: nothing to show.
    Gone,
    /// The service refused the read: the listing answers as the service did.
    PassOn,
}

/// What an answer of this status does to the listing.
pub fn read_back(status: u16) -> ReadBack {
    match status {
        404 => ReadBack::Gone,
        s if is_success(s) => ReadBack::Show,
        _ => ReadBack::PassOn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::Lenient;

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
    fn a_store_page_reads_back_only_job_ids() {
        let id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
        let page = Page::from_store(vec!["../../v2/account".into(), id.into(), "not-a-uuid".into()], Some(String::new()));
        assert_eq!(page.cursor, None, "an empty cursor is the last page");
        assert_eq!(page.job_paths().collect::<Vec<_>>(), [format!("/v2/jobs/{id}")]);
        assert_eq!(Page::from_store(vec![], Some("2".into())).cursor.as_deref(), Some("2"));
    }

    #[test]
    fn answers_read_back() {
        assert_eq!(read_back(200), ReadBack::Show);
        assert_eq!(read_back(404), ReadBack::Gone);
        for s in [401, 429, 500, 503] {
            assert_eq!(read_back(s), ReadBack::PassOn, "{s}");
        }
    }
}
