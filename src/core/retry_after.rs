//! `Retry-After`: delay-seconds or an HTTP-date (read by `httpdate`).

use std::time::{Duration, UNIX_EPOCH};

/// The wait `value` asks for, in milliseconds, given the current wall-clock time.
pub fn parse_ms(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().unwrap_or(u64::MAX).saturating_mul(1000));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    let now = UNIX_EPOCH + Duration::from_millis(now_ms.max(0.0) as u64);
    Some(at.duration_since(now).map_or(0, |d| d.as_millis().min(u128::from(u64::MAX)) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn seconds_and_dates() {
        assert_eq!(parse_ms("2", 0.0), Some(2000));
        assert_eq!(parse_ms(" 0 ", 0.0), Some(0));
        assert_eq!(parse_ms("-1", 0.0), None);
        assert_eq!(parse_ms("soon", 0.0), None);
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:40 GMT", T), Some(3000));
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:30 GMT", T), Some(0));
        assert_eq!(parse_ms("99999999999999999999999", 0.0), Some(u64::MAX));
    }

    #[test]
    fn absurd_dates_are_refused_not_overflowed() {
        for v in [
            "Sun, 06 Nov 99999999999999 08:49:37 GMT",
            "Sun, 06 Nov -5 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
        ] {
            assert_eq!(parse_ms(v, T), None, "{v}");
        }
        assert_eq!(parse_ms("Fri, 31 Dec 9999 23:59:59 GMT", f64::MAX), Some(0));
    }
}
