//! The service's rate limit on the `/v2/...` routes: a token bucket per `X-API-Key` value
//! (requests without a key share one), and the Retry-After windows announced to each key, so
//! the stats can count the requests a client sent inside one.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use crate::errors::error;
use crate::state::State;
use crate::token_bucket::TokenBucket;

/// Keys remembered at most; past it, idle ones are forgotten (a full bucket, a past window).
const MAX_KEYS: usize = 10_000;
/// The longest window remembered (a fault's `retryAfter` can be any number).
const MAX_WINDOW_SECS: u64 = 366 * 24 * 3600;

/// The value requests are limited by: the `X-API-Key` header, `""` for none.
pub fn key_of(headers: &HeaderMap) -> String {
    headers
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

/// Whole seconds of `Retry-After` for a wait: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_nanos().div_ceil(1_000_000_000);
    u64::try_from(secs).unwrap_or(u64::MAX).max(1)
}

/// What a request met on arrival.
#[derive(Debug, PartialEq, Eq)]
pub struct Arrival {
    /// It came before a Retry-After announced to its key had passed.
    pub in_window: bool,
    /// The limit refused it: the Retry-After seconds (already announced).
    pub refused: Option<u64>,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    per_second: Option<u32>,
    buckets: HashMap<String, TokenBucket>,
    /// When each key's announced Retry-After ends.
    windows: HashMap<String, Instant>,
}

impl RateLimiter {
    pub fn new(per_second: Option<u32>) -> Self {
        let mut l = RateLimiter::default();
        l.set_rate(per_second);
        l
    }

    pub fn per_second(&self) -> Option<u32> {
        self.per_second
    }

    /// Changes the rate (`None` or 0: off); every bucket starts full again.
    pub fn set_rate(&mut self, per_second: Option<u32>) {
        self.per_second = per_second.filter(|n| *n > 0);
        self.buckets.clear();
    }

    /// Remembers that `key` was told at `now` to retry after `secs` seconds.
    pub fn announce(&mut self, key: &str, now: Instant, secs: u64) {
        if secs == 0 {
            return;
        }
        let Some(until) = now.checked_add(Duration::from_secs(secs.min(MAX_WINDOW_SECS))) else {
            return;
        };
        match self.windows.get_mut(key) {
            Some(w) => *w = (*w).max(until),
            None => {
                self.make_room(now);
                self.windows.insert(key.to_string(), until);
            }
        }
    }

    /// A request from `key` arriving at `now`: takes a token when the limit is on.
    pub fn arrive(&mut self, key: &str, now: Instant) -> Arrival {
        let in_window = self.windows.get(key).is_some_and(|until| now < *until);
        let refused = match self.per_second {
            None => None,
            Some(n) => {
                if !self.buckets.contains_key(key) {
                    self.make_room(now);
                    self.buckets
                        .insert(key.to_string(), TokenBucket::full(n, now));
                }
                self.buckets
                    .get_mut(key)
                    .and_then(|b| b.take(now).err())
                    .map(retry_after_secs)
            }
        };
        if let Some(secs) = refused {
            self.announce(key, now, secs);
        }
        Arrival { in_window, refused }
    }

    /// Keeps memory bounded: past `MAX_KEYS`, forgets idle keys, then (a flood of distinct
    /// keys) everything.
    fn make_room(&mut self, now: Instant) {
        if self.buckets.len().max(self.windows.len()) < MAX_KEYS {
            return;
        }
        self.buckets.retain(|_, b| !b.is_full(now));
        self.windows.retain(|_, until| *until > now);
        if self.buckets.len().max(self.windows.len()) >= MAX_KEYS {
            self.buckets.clear();
            self.windows.clear();
        }
    }
}

/// Checks a `/v2/...` request against the limit, counting it in the stats; the 429 answer
/// when it is over.
pub fn admit(st: &mut State, key: &str, now: Instant) -> Option<Response> {
    let arrival = st.limiter.arrive(key, now);
    if arrival.in_window {
        st.stats.rate_limit_violations += 1;
    }
    let secs = arrival.refused?;
    st.stats.rate_limited += 1;
    let mut res = error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_nanos(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::MAX), u64::MAX);
    }

    #[test]
    fn each_key_has_its_own_bucket_and_no_key_shares_one() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(Some(2));
        for key in ["a", "b", ""] {
            assert_eq!(l.arrive(key, t0).refused, None);
            assert_eq!(l.arrive(key, t0).refused, None);
            assert_eq!(l.arrive(key, t0).refused, Some(1));
        }
        l.set_rate(Some(0));
        assert_eq!(l.per_second(), None);
        assert_eq!(l.arrive("a", t0).refused, None);
    }

    #[test]
    fn requests_strictly_inside_an_announced_window_are_counted() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(Some(1));
        assert!(!l.arrive("a", t0).in_window);
        let refused = l.arrive("a", t0);
        assert_eq!(
            refused,
            Arrival {
                in_window: false,
                refused: Some(1)
            }
        );
        let early = t0 + Duration::from_millis(999);
        assert!(l.arrive("a", early).in_window);
        assert!(!l.arrive("b", early).in_window, "windows are per key");
        // The refusal at 999 ms announced a window to 1999 ms.
        let late = t0 + Duration::from_millis(1999);
        assert_eq!(
            l.arrive("a", late),
            Arrival {
                in_window: false,
                refused: None
            }
        );
    }

    #[test]
    fn announced_windows_count_with_the_limit_off() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(None);
        l.announce("a", t0, 0);
        assert!(
            !l.arrive("a", t0).in_window,
            "Retry-After: 0 opens no window"
        );
        l.announce("a", t0, 7);
        l.announce("a", t0, u64::MAX);
        assert!(l.arrive("a", t0 + Duration::from_secs(3600)).in_window);
    }

    #[test]
    fn memory_stays_bounded() {
        let t0 = Instant::now();
        let mut l = RateLimiter::new(Some(1));
        for i in 0..MAX_KEYS + 10 {
            l.arrive(&i.to_string(), t0);
            l.announce(&i.to_string(), t0, 1);
        }
        assert!(l.buckets.len() <= MAX_KEYS && l.windows.len() <= MAX_KEYS);
    }
}
