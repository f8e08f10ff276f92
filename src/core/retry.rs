//! When to try a request again, and how long to wait first.
//!
//! Retried: 408, 429, 5xx except 501, timeouts and network failures. A GET is always safe to
//! repeat; a POST only with an `Idempotency-Key`, so a lost answer never creates a second
//! job. Waits are full-jitter exponential backoff, or what `Retry-After` asks (capped).

use super::error::{ApiError, ErrorCode};

/// Whether a failure may go away if the same call is made again: decided here only (as
/// openai-node's `shouldRetry` is). Rate limits, server errors (but 501, Not Implemented),
/// network failures and timeouts are; everything else (bad input, auth, a job that ended, an
/// abort, a trap) is final.
pub fn is_retryable(code: ErrorCode, status: Option<u16>) -> bool {
    matches!(code, ErrorCode::RateLimited | ErrorCode::Server | ErrorCode::Network | ErrorCode::Timeout) && status != Some(501)
}

/// A failure of a call that made a job (`run`, each of `runMany`'s, the AI SDK provider's), once
/// the job exists: calling that method again would make and bill a second job, so it is never
/// `retryable`. Where the failure itself could pass (a wait's timeout, a network failure), the
/// message says what is safe instead: to keep waiting for this job.
pub fn after_job_exists(mut error: ApiError, job_id: &str) -> ApiError {
    error = error.with_job_id(job_id);
    if error.retryable {
        let job_id = error.job_id.as_deref().unwrap_or(job_id);
        let instead = if job_id.is_empty() {
            "a job was made (its id did not come back usable): calling again would make and bill a second job".to_string()
        } else {
            format!(
                "job {job_id} exists and may still complete: call waitForJob(\"{job_id}\") instead of \
                 calling again, which would make and bill a second job"
            )
        };
        error.retryable = false;
        error.message = format!("{}; {instead}", error.message);
    }
    error
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff ceiling; doubles each retry.
    pub base_ms: u64,
    /// Largest backoff ceiling.
    pub cap_ms: u64,
    /// Largest `Retry-After` honoured; a longer one is waited this long.
    pub retry_after_cap_ms: u64,
}

pub const DEFAULT_MAX_RETRIES: u32 = 2;
pub const MAX_RETRIES_LIMIT: u32 = 10;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            base_ms: 500,
            cap_ms: 8_000,
            retry_after_cap_ms: 60_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retries_done + 1`, or `None` to give up.
    /// `replay_safe`: the request may be repeated without a second effect.
    /// `random`: uniform in [0, 1), for the jitter.
    pub fn delay_ms(
        &self,
        retries_done: u32,
        error: &ApiError,
        replay_safe: bool,
        random: f64,
    ) -> Option<u64> {
        if !error.retryable || !replay_safe || retries_done >= self.max_retries {
            return None;
        }
        if let Some(asked) = error.retry_after_ms {
            return Some(asked.min(self.retry_after_cap_ms));
        }
        let ceiling = self
            .base_ms
            .saturating_mul(1u64 << retries_done.min(20))
            .min(self.cap_ms);
        let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
        Some((random * ceiling as f64) as u64)
    }
}

/// Whether a request may be sent again without a second effect: a GET always; a POST only
/// with an `Idempotency-Key`, so a lost answer never creates (and bills) a second job.
pub fn replay_safe(method: &str, has_idempotency_key: bool) -> bool {
    method == "GET" || has_idempotency_key
}

/// The retries of one request: counts them and asks the policy after each failure.
#[derive(Debug, Clone, Copy)]
pub struct Attempts {
    policy: RetryPolicy,
    replay_safe: bool,
    retries: u32,
}

impl Attempts {
    pub fn new(policy: RetryPolicy, method: &str, has_idempotency_key: bool) -> Attempts {
        Attempts {
            policy,
            replay_safe: replay_safe(method, has_idempotency_key),
            retries: 0,
        }
    }

    /// The policy these attempts follow.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// After a failed attempt: how long to wait before the next one, or `None` to give up
    /// with `error`. `random` is uniform in [0, 1), for the jitter.
    pub fn after_failure(&mut self, error: &ApiError, random: f64) -> Option<u64> {
        let delay = self.policy.delay_ms(self.retries, error, self.replay_safe, random)?;
        self.retries += 1;
        Some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use proptest::prelude::*;

    fn err(code: ErrorCode) -> ApiError {
        ApiError::new(code, "x")
    }

    #[test]
    fn a_failure_once_a_job_exists_never_invites_a_second_bill() {
        let timeout = after_job_exists(ApiError::new(ErrorCode::Timeout, "job j1 did not finish within 5 ms"), "j1");
        assert!(!timeout.retryable);
        assert_eq!(timeout.job_id.as_deref(), Some("j1"));
        assert!(timeout.message.starts_with("job j1 did not finish within 5 ms; "), "{}", timeout.message);
        assert!(timeout.message.contains("call waitForJob(\"j1\") instead"), "{}", timeout.message);
        for code in [ErrorCode::Network, ErrorCode::Server, ErrorCode::RateLimited] {
            assert!(!after_job_exists(err(code), "j1").retryable, "{code:?}");
        }
        // A final failure keeps its message: there is nothing to wait for.
        let failed = after_job_exists(err(ErrorCode::JobFailed), "j1");
        assert_eq!((failed.retryable, failed.message.as_str()), (false, "x"));
        // The job's own id stays when the error named one already.
        assert_eq!(after_job_exists(err(ErrorCode::Server).with_job_id("j0"), "j1").job_id.as_deref(), Some("j0"));
    }

    #[test]
    fn only_transient_failures_of_replay_safe_requests_are_retried() {
        let p = RetryPolicy::default();
        assert!(p.delay_ms(0, &err(ErrorCode::Server), true, 0.5).is_some());
        assert!(p.delay_ms(0, &err(ErrorCode::Network), true, 0.5).is_some());
        assert!(
            p.delay_ms(0, &err(ErrorCode::Server), false, 0.5).is_none(),
            "POST without a key"
        );
        for code in [
            ErrorCode::InvalidRequest,
            ErrorCode::Authentication,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::Aborted,
        ] {
            assert!(p.delay_ms(0, &err(code), true, 0.5).is_none(), "{code:?}");
        }
        assert!(
            p.delay_ms(2, &err(ErrorCode::Server), true, 0.5).is_none(),
            "out of retries"
        );
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::default();
        let mut e = err(ErrorCode::RateLimited);
        e.retry_after_ms = Some(3000);
        assert_eq!(p.delay_ms(0, &e, true, 0.0), Some(3000));
        e.retry_after_ms = Some(3_600_000);
        assert_eq!(p.delay_ms(0, &e, true, 0.0), Some(60_000));
    }

    #[test]
    fn attempts_count_retries_and_only_replay_safe_requests_retry() {
        let mut get = Attempts::new(RetryPolicy::default(), "GET", false);
        let e = err(ErrorCode::Server);
        assert!(get.after_failure(&e, 0.5).is_some());
        assert!(get.after_failure(&e, 0.5).is_some());
        assert!(get.after_failure(&e, 0.5).is_none(), "two retries by default");
        let mut post = Attempts::new(RetryPolicy::default(), "POST", false);
        assert!(post.after_failure(&e, 0.5).is_none());
        let mut keyed = Attempts::new(RetryPolicy::default(), "POST", true);
        assert!(keyed.after_failure(&e, 0.5).is_some());
        assert_eq!(keyed.after_failure(&e, f64::NAN), Some(0));
    }

    proptest! {
        #[test]
        fn backoff_stays_within_the_growing_ceiling(retry in 0u32..10, r in 0.0f64..1.0) {
            let p = RetryPolicy { max_retries: 10, ..RetryPolicy::default() };
            let d = p.delay_ms(retry, &err(ErrorCode::Server), true, r).unwrap();
            let ceiling = (500u64 << retry).min(8000);
            prop_assert!(d <= ceiling);
        }
    }
}
