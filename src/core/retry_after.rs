//! `Retry-After`: delay-seconds or an HTTP-date.

/// The wait `value` asks for, in milliseconds, given the current time.
pub fn parse_ms(value: &str, now_ms: f64) -> Option<u64> {
    let v = value.trim();
    // delay-seconds is a whole number (RFC 9110); integers keep float parsing out of the module.
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            v.parse::<u64>()
                .unwrap_or(u64::MAX / 2_000)
                .saturating_mul(1000),
        );
    }
    let at = http_date_ms(v)?;
    Some((at - now_ms).max(0.0) as u64)
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires senders to use.
fn http_date_ms(s: &str) -> Option<f64> {
    let mut parts = s.split_whitespace();
    let _weekday = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|x| x.parse::<i64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3600 + m * 60 + sec) * 1000) as f64)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_dates() {
        assert_eq!(parse_ms("2", 0.0), Some(2000));
        assert_eq!(parse_ms(" 0 ", 0.0), Some(0));
        assert_eq!(parse_ms("-1", 0.0), None);
        assert_eq!(parse_ms("soon", 0.0), None);
        let t = http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(t, 784_111_777_000.0);
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:40 GMT", t), Some(3000));
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:30 GMT", t), Some(0));
    }
}
