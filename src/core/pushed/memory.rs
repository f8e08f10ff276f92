//! The job records of one process (a single Node server): a map, bounded like the record of
//! owners (past the cap the oldest jobs are forgotten, and read through to the service again).

use std::collections::{HashMap, VecDeque};

use super::record::{JobRecord, Merge, Source};
use super::JobRecords;
use crate::core::job::Job;

/// How many job records the memory keeps: each holds its request (a prompt up to 2000
/// characters), so fewer than the owners' record; a job past it is read from the service again.
pub const RECORDS_CAP: usize = 10_000;

/// Job records in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryRecords {
    cap: usize,
    records: HashMap<String, JobRecord>,
    order: VecDeque<String>,
}

impl MemoryRecords {
    /// An empty record of at most `cap` jobs.
    pub fn new(cap: usize) -> MemoryRecords {
        MemoryRecords { cap: cap.max(1), ..Default::default() }
    }
}

impl JobRecords for MemoryRecords {
    fn open(&mut self, record: JobRecord) {
        let Some(id) = record.job.id.0.clone() else { return };
        if self.records.contains_key(&id) {
            return;
        }
        if self.order.len() >= self.cap {
            if let Some(oldest) = self.order.pop_front() {
                self.records.remove(&oldest);
            }
        }
        self.order.push_back(id.clone());
        self.records.insert(id, record);
    }

    fn get(&self, job_id: &str) -> Option<&JobRecord> {
        self.records.get(job_id)
    }

    fn merge(&mut self, job_id: &str, update: Job, source: Source, now_ms: f64) -> Merge {
        match self.records.get_mut(job_id) {
            Some(r) => r.merge(update, source, now_ms),
            None => Merge::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::Lenient;

    #[test]
    fn records_are_opened_once_merged_by_id_and_bounded() {
        let mut m = MemoryRecords::new(2);
        let open = |id: &str, owner: &str| JobRecord::open(id, "QUEUED", "reve-create", None, Some(owner.into()), 0.0);
        m.open(open("a", "alice"));
        m.open(open("a", "bob"));
        assert_eq!(m.get("a").unwrap().owner.as_deref(), Some("alice"), "a replay keeps the record");
        let running = Job { status: Lenient(Some("PROCESSING".into())), progress: Lenient(Some(10.0)), ..Job::default() };
        assert_eq!(m.merge("a", running.clone(), Source::Event, 5.0), Merge::Advanced(2));
        assert_eq!(m.merge("nobody", running, Source::Event, 5.0), Merge::Unknown);
        assert!(m.get("nobody").is_none(), "an unknown job is recorded nowhere");
        m.open(open("b", "bob"));
        m.open(open("c", "bob"));
        assert!(m.get("a").is_none() && m.get("b").is_some() && m.get("c").is_some());
    }
}
