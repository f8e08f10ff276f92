//! The in-memory record of who submitted which job, kept by a proxy given no `jobStore`: one
//! process only (a Worker's isolates each have their own, so Workers pass a store).

use std::collections::{HashMap, VecDeque};

use super::Page;

/// Who submitted which job, newest last per owner. Bounded: past `cap` jobs the oldest are
/// forgotten (their owners can no longer read them through the proxy).
#[derive(Debug, Default)]
pub struct MemoryOwners {
    cap: usize,
    next_seq: u64,
    by_job: HashMap<String, String>,
    /// Per owner, (sequence, job id) in submission order.
    by_owner: HashMap<String, Vec<(u64, String)>>,
    order: VecDeque<String>,
}

/// How many jobs the in-memory record keeps.
pub const MEMORY_CAP: usize = 100_000;

impl MemoryOwners {
    /// An empty record of at most `cap` jobs.
    pub fn new(cap: usize) -> MemoryOwners {
        MemoryOwners { cap: cap.max(1), ..Default::default() }
    }

    /// The owner of `job_id`, if recorded.
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
