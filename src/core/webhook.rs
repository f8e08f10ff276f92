//! Webhook signatures and events. The HMAC itself is computed by Web Crypto in the runtime;
//! this parses what arrives and checks the event's shape.

use super::json::{self, Value};

use super::error::{ApiError, ErrorCode};

/// The 32 bytes of `sha256=<hex>` or bare `<hex>`, or `None` when it is neither.
pub fn parse_signature(header: &str) -> Option<[u8; 32]> {
    let h = header.trim();
    let hex = h
        .strip_prefix("sha256=")
        .or_else(|| h.strip_prefix("SHA256="))
        .unwrap_or(h);
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

pub const EVENTS: [&str; 3] = ["progress", "completed", "failed"];

/// Checks a verified body is a webhook event: a JSON object with a known `event` and a
/// `jobId`. Unknown fields are kept by the caller, who gets the whole object.
pub fn check_event(body: &str) -> Result<(), ApiError> {
    let bad = |m: &str| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            cat!("webhook body is not an Apiframe event: ", m),
        )
    };
    let v = json::parse(body).map_err(|_| bad("not JSON"))?;
    let event = v
        .get("event")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no event"))?;
    if !EVENTS.contains(&event) {
        return Err(bad(&cat!("unknown event \"", event, '"')));
    }
    if v.get("jobId").and_then(Value::as_str).is_none() {
        return Err(bad("no jobId"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_with_and_without_prefix() {
        let hex = "7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983";
        let a = parse_signature(&format!("sha256={hex}")).unwrap();
        assert_eq!(Some(a), parse_signature(hex));
        assert_eq!(a[0], 0x79);
        assert_eq!(Some(a), parse_signature(&hex.to_uppercase()));
        for bad in [
            "",
            "sha256=",
            "sha256=zz",
            &hex[..62],
            &format!("{hex}00"),
            "sha1=abc",
        ] {
            assert!(parse_signature(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn events() {
        check_event(r#"{"event":"completed","jobId":"j","status":"COMPLETED","extra":1}"#).unwrap();
        for bad in [
            "[]",
            "{}",
            r#"{"event":"boom","jobId":"j"}"#,
            r#"{"event":"failed"}"#,
            "nope",
        ] {
            assert!(check_event(bad).is_err(), "{bad}");
        }
    }
}
