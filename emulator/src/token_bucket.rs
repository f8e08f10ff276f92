//! A token bucket, sans IO: capacity N, refilling at N tokens a second. The caller passes the
//! (monotonic) time, so the arithmetic is tested without sleeping. Levels are kept in
//! billionths of a token, so refilling by the nanosecond is exact integer arithmetic.

use std::time::{Duration, Instant};

/// One token, in billionths of a token.
const TOKEN: u64 = 1_000_000_000;

#[derive(Debug, Clone)]
pub struct TokenBucket {
    per_second: u64,
    /// Billionths of a token held at `at`.
    level: u64,
    at: Instant,
}

impl TokenBucket {
    /// A full bucket of `per_second` tokens (at least 1).
    pub fn full(per_second: u32, now: Instant) -> Self {
        let per_second = u64::from(per_second.max(1));
        TokenBucket {
            per_second,
            level: per_second * TOKEN,
            at: now,
        }
    }

    fn capacity(&self) -> u64 {
        self.per_second * TOKEN
    }

    /// The level at `now`; an instant before the last one refills nothing.
    fn level_at(&self, now: Instant) -> u64 {
        // A full refill takes one second, so clamping keeps the product within u64.
        let elapsed = now
            .saturating_duration_since(self.at)
            .min(Duration::from_secs(1));
        let gained = elapsed.as_nanos() as u64 * self.per_second;
        (self.level + gained).min(self.capacity())
    }

    /// Takes one token, or says how long until one is available (nothing is taken then).
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        self.level = self.level_at(now);
        self.at = self.at.max(now);
        if self.level >= TOKEN {
            self.level -= TOKEN;
            Ok(())
        } else {
            Err(Duration::from_nanos(
                (TOKEN - self.level).div_ceil(self.per_second),
            ))
        }
    }

    /// Whether the bucket is back to full at `now` (then it is as good as a new one).
    pub fn is_full(&self, now: Instant) -> bool {
        self.level_at(now) == self.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_full_bucket_gives_its_capacity_then_the_wait_for_one_token() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(3, t0);
        for _ in 0..3 {
            assert_eq!(b.take(t0), Ok(()));
        }
        // One token in 1/3 s, rounded up to the nanosecond.
        let wait = Duration::from_nanos(333_333_334);
        assert_eq!(b.take(t0), Err(wait));
        assert_eq!(b.take(t0), Err(wait), "a refused take costs nothing");
        assert!(b.take(t0 + wait - Duration::from_nanos(1)).is_err());
        assert_eq!(b.take(t0 + wait), Ok(()));
        assert!(b.take(t0 + wait).is_err());
    }

    #[test]
    fn partial_refills_shorten_the_wait() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(4, t0);
        for _ in 0..4 {
            b.take(t0).unwrap();
        }
        // 100 ms at 4/s refills 0.4 of a token: 0.6 more takes 150 ms.
        assert_eq!(b.take(t0 + ms(100)), Err(ms(150)));
        assert_eq!(b.take(t0 + ms(250)), Ok(()));
        assert_eq!(b.take(t0 + ms(250)), Err(ms(250)));
    }

    #[test]
    fn refilling_stops_at_capacity() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(2, t0);
        b.take(t0).unwrap();
        assert!(!b.is_full(t0));
        assert!(b.is_full(t0 + ms(500)));
        let later = t0 + Duration::from_secs(3600);
        assert_eq!(b.take(later), Ok(()));
        assert_eq!(b.take(later), Ok(()));
        assert_eq!(b.take(later), Err(ms(500)));
    }

    #[test]
    fn an_earlier_instant_refills_nothing_and_a_zero_rate_means_one() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(0, t0 + ms(10));
        assert_eq!(b.take(t0 + ms(10)), Ok(()));
        assert_eq!(b.take(t0), Err(Duration::from_secs(1)));
        assert_eq!(b.take(t0 + ms(1010)), Ok(()));
    }

    #[test]
    fn large_rates_do_not_overflow() {
        let t0 = Instant::now();
        let mut b = TokenBucket::full(u32::MAX, t0);
        b.take(t0).unwrap();
        assert!(b.is_full(t0 + Duration::from_secs(1_000_000)));
        assert_eq!(b.take(t0 + Duration::from_secs(1_000_000)), Ok(()));
    }
}
