//! A client's shared hold on its requests after the service answers 429: when any call of a
//! client is rate limited, every request of that client (submissions and polls of its other
//! calls alike) waits until the window has passed, so nothing reaches the service inside it.
//! The transport consults the gate before each attempt and reports each failure to it.

use super::error::{ApiError, ErrorCode};
use super::retry::RetryPolicy;

/// When the client may send again; open by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateGate {
    /// Monotonic milliseconds (`performance.now()`) at which the hold ends.
    open_at_ms: f64,
}

impl RateGate {
    /// How long a request must wait at `now_ms` before it may go; 0 when the gate is open.
    pub fn wait_ms(&self, now_ms: f64) -> f64 {
        (self.open_at_ms - now_ms).max(0.0)
    }

    /// After a failed attempt at `now_ms`: a 429 holds the gate for its `Retry-After` (capped
    /// as the policy caps it), else for the backoff the call chose (`delay_ms`), else the
    /// policy's first backoff. A longer hold already in force is kept. Other failures leave it.
    pub fn after_failure(&mut self, error: &ApiError, delay_ms: Option<u64>, policy: &RetryPolicy, now_ms: f64) {
        if error.code != ErrorCode::RateLimited {
            return;
        }
        let hold = match error.retry_after_ms {
            Some(asked) => asked.min(policy.retry_after_cap_ms),
            None => delay_ms.unwrap_or(policy.base_ms),
        };
        self.open_at_ms = self.open_at_ms.max(now_ms + hold as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(retry_after_ms: Option<u64>) -> ApiError {
        let mut e = ApiError::new(ErrorCode::RateLimited, "slow down");
        e.retry_after_ms = retry_after_ms;
        e
    }

    #[test]
    fn open_until_a_429_then_held_for_its_retry_after() {
        let p = RetryPolicy::default();
        let mut g = RateGate::default();
        assert_eq!(g.wait_ms(0.0), 0.0);
        g.after_failure(&limited(Some(2000)), Some(2000), &p, 100.0);
        assert_eq!(g.wait_ms(100.0), 2000.0);
        assert_eq!(g.wait_ms(1100.0), 1000.0);
        assert_eq!(g.wait_ms(2100.0), 0.0, "open again at the end of the window");
        assert_eq!(g.wait_ms(5000.0), 0.0);
    }

    #[test]
    fn without_retry_after_the_backoff_holds_it_and_long_asks_are_capped() {
        let p = RetryPolicy::default();
        let mut g = RateGate::default();
        g.after_failure(&limited(None), Some(300), &p, 0.0);
        assert_eq!(g.wait_ms(0.0), 300.0);
        let mut g = RateGate::default();
        g.after_failure(&limited(None), None, &p, 0.0);
        assert_eq!(g.wait_ms(0.0), p.base_ms as f64, "a call out of retries still holds the others");
        let mut g = RateGate::default();
        g.after_failure(&limited(Some(3_600_000)), None, &p, 0.0);
        assert_eq!(g.wait_ms(0.0), p.retry_after_cap_ms as f64);
    }

    #[test]
    fn a_shorter_hold_never_shortens_a_longer_one_and_other_failures_leave_it() {
        let p = RetryPolicy::default();
        let mut g = RateGate::default();
        g.after_failure(&limited(Some(5000)), None, &p, 0.0);
        g.after_failure(&limited(Some(1000)), None, &p, 1000.0);
        assert_eq!(g.wait_ms(1000.0), 4000.0);
        g.after_failure(&ApiError::new(ErrorCode::Server, "x"), Some(10), &p, 1000.0);
        assert_eq!(g.wait_ms(1000.0), 4000.0);
    }
}
