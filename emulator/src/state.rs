//! Everything the emulator remembers, behind one lock: accounts and credits, jobs,
//! idempotency records, pending faults, rate-limit buckets, counters and the webhook log. Every collection is
//! bounded: jobs and records expire, and the oldest are evicted past `max_jobs`.

use std::collections::{BTreeSet, HashMap, VecDeque};

use uuid::Uuid;

use crate::config::Config;
use crate::faults::Faults;
use crate::job::{Job, Outcome};
use crate::rate_limit::RateLimiter;
use crate::rng::SplitMix64;
use crate::webhook::Attempt;

/// Credits one reve-create image costs, in the API's smallest unit.
pub const REVE_COST: u64 = 4;
/// How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_TTL_MS: u64 = 24 * 3600 * 1000;
const DELIVERY_LOG: usize = 1000;
const IMAGE_CACHE: usize = 16;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    pub credits: u64,
    pub active: bool,
    pub admin: bool,
}

#[derive(Debug, Clone)]
pub struct IdempotencyRecord {
    pub fingerprint: String,
    pub job_id: Uuid,
    pub created_ms: u64,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub generate_requests: u64,
    pub job_requests: u64,
    pub list_requests: u64,
    /// Any other `/v2/...` request (unknown routes and methods).
    pub other_requests: u64,
    pub jobs_created: u64,
    pub idempotent_replays: u64,
    /// `GET /files/...` requests.
    pub file_requests: u64,
    /// File requests with an `x-api-key`, `authorization` or `cookie` header.
    pub file_requests_with_credentials: u64,
    /// The header names (no values) of the last file request, lowercase and sorted.
    pub last_file_request_headers: Vec<String>,
    /// Requests the rate limit refused (429).
    pub rate_limited: u64,
    /// Requests that arrived inside a Retry-After window announced to their key.
    pub rate_limit_violations: u64,
}

pub struct State {
    pub accounts: HashMap<String, Account>,
    pub jobs: HashMap<Uuid, Job>,
    /// `(created_ms, id)`, for listing newest first and evicting oldest first.
    pub order: BTreeSet<(u64, Uuid)>,
    pub idempotency: HashMap<(String, String), IdempotencyRecord>,
    pub faults: Faults,
    pub limiter: RateLimiter,
    pub rng: SplitMix64,
    pub stats: Stats,
    pub deliveries: VecDeque<Attempt>,
    images: VecDeque<(Uuid, bytes::Bytes)>,
    last_created_ms: u64,
}

impl State {
    pub fn new(config: &Config) -> Self {
        let mut faults = Faults::default();
        for f in &config.faults {
            faults.push(f.clone());
        }
        State {
            accounts: config
                .api_keys
                .iter()
                .map(|k| {
                    (
                        k.clone(),
                        Account {
                            credits: config.credits,
                            active: true,
                            admin: true,
                        },
                    )
                })
                .collect(),
            jobs: HashMap::new(),
            order: BTreeSet::new(),
            idempotency: HashMap::new(),
            faults,
            limiter: RateLimiter::new(config.rate_limit),
            rng: SplitMix64::new(config.seed),
            stats: Stats::default(),
            deliveries: VecDeque::new(),
            images: VecDeque::new(),
            last_created_ms: 0,
        }
    }

    /// A creation time after every earlier one, so `createdAt` orders jobs as they were made
    /// (listing is newest first, ties broken by id, as the service documents).
    pub fn creation_time(&mut self, now: u64) -> u64 {
        self.last_created_ms = now.max(self.last_created_ms + 1);
        self.last_created_ms
    }

    /// Commits or refunds a finished job's credits, once.
    pub fn settle(&mut self, id: Uuid, now: u64) {
        let Some(job) = self.jobs.get_mut(&id) else {
            return;
        };
        if job.settled || !job.is_done(now) {
            return;
        }
        job.settled = true;
        if job.outcome != Outcome::Completed {
            if let Some(acct) = self.accounts.get_mut(&job.owner) {
                acct.credits += job.cost;
            }
        }
    }

    /// The job if it exists and belongs to `owner`, settled as of `now`.
    pub fn job_for(&mut self, id: Uuid, owner: &str, now: u64) -> Option<&Job> {
        self.settle(id, now);
        self.jobs.get(&id).filter(|j| j.owner == owner)
    }

    pub fn insert(&mut self, job: Job, max_jobs: usize) {
        while self.jobs.len() >= max_jobs.max(1) {
            let Some(&oldest) = self.order.iter().next() else {
                break;
            };
            self.remove(oldest.1);
        }
        if let Some(key) = &job.idempotency {
            self.idempotency.insert(
                (job.owner.clone(), key.clone()),
                IdempotencyRecord {
                    fingerprint: fingerprint(&job.input),
                    job_id: job.id,
                    created_ms: job.created_ms,
                },
            );
        }
        self.order.insert((job.created_ms, job.id));
        self.stats.jobs_created += 1;
        self.jobs.insert(job.id, job);
    }

    fn remove(&mut self, id: Uuid) {
        if let Some(job) = self.jobs.remove(&id) {
            self.order.remove(&(job.created_ms, id));
            if let Some(key) = job.idempotency {
                self.idempotency.remove(&(job.owner, key));
            }
            self.images.retain(|(i, _)| *i != id);
        }
    }

    /// Drops idempotency records past their TTL and jobs past twice the file retention
    /// (settling them first, so no credit is lost).
    pub fn sweep(&mut self, now: u64, retention_ms: u64) {
        self.idempotency
            .retain(|_, r| now.saturating_sub(r.created_ms) < IDEMPOTENCY_TTL_MS);
        let keep_ms = retention_ms.saturating_mul(2);
        let old: Vec<Uuid> = self
            .jobs
            .values()
            .filter(|j| j.is_done(now) && now.saturating_sub(j.ends_at()) >= keep_ms)
            .map(|j| j.id)
            .collect();
        for id in old {
            self.settle(id, now);
            self.remove(id);
        }
    }

    pub fn log_delivery(&mut self, a: Attempt) {
        if self.deliveries.len() >= DELIVERY_LOG {
            self.deliveries.pop_front();
        }
        self.deliveries.push_back(a);
    }

    pub fn cached_image(&self, id: Uuid) -> Option<bytes::Bytes> {
        self.images
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, b)| b.clone())
    }

    pub fn cache_image(&mut self, id: Uuid, png: bytes::Bytes) {
        if self.images.len() >= IMAGE_CACHE {
            self.images.pop_front();
        }
        self.images.push_back((id, png));
    }
}

/// Canonical form of a request body: serde_json's maps are sorted, so equal bodies print equal.
pub fn fingerprint(body: &serde_json::Value) -> String {
    body.to_string()
}
