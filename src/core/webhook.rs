//! Webhook signatures and events. The HMAC itself is computed by Web Crypto in the runtime;
//! this parses the signature header and checks the event's shape (the host parses the JSON).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ErrorCode};
use super::request::WebhookEvent;

/// The 32 bytes of `sha256=<hex>` or bare `<hex>`, or `None` when it is neither.
pub fn parse_signature(header: &str) -> Option<[u8; 32]> {
    let h = header.trim();
    let hex = h
        .strip_prefix("sha256=")
        .or_else(|| h.strip_prefix("SHA256="))
        .unwrap_or(h);
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// What every event must carry; the caller gets the whole object.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventHead {
    pub event: Value,
    pub job_id: Value,
}

/// Checks a verified body is a webhook event: a JSON object with a known `event` and a
/// string `jobId`. `head` is what reading the parsed body as [`EventHead`] gave, if it was an
/// object at all.
pub fn check_event(head: Option<EventHead>) -> Result<(), ApiError> {
    let bad = |m: &str| {
        ApiError::new(
            ErrorCode::InvalidRequest,
            format!("webhook body is not an Apiframe event: {m}"),
        )
    };
    let head = head.ok_or_else(|| bad("not a JSON object"))?;
    let Some(event) = head.event.as_str() else {
        return Err(bad("no event"));
    };
    if WebhookEvent::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(event)).is_err() {
        return Err(bad(&format!("unknown event \"{event}\"")));
    }
    if !head.job_id.is_string() {
        return Err(bad("no jobId"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn head(v: Value) -> Option<EventHead> {
        serde_json::from_value(v).ok()
    }

    #[test]
    fn signatures_with_and_without_prefix() {
        let hex = "7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983";
        let a = parse_signature(&format!("sha256={hex}")).unwrap();
        assert_eq!(Some(a), parse_signature(hex));
        assert_eq!(a[0], 0x79);
        assert_eq!(Some(a), parse_signature(&hex.to_uppercase()));
        for bad in ["", "sha256=", "sha256=zz", &hex[..62], &format!("{hex}00"), "sha1=abc", &format!("é{}", &hex[2..])] {
            assert!(parse_signature(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn events() {
        check_event(head(json!({"event":"completed","jobId":"j","status":"COMPLETED","extra":1}))).unwrap();
        for bad in [json!([]), json!({}), json!({"event":"boom","jobId":"j"}), json!({"event":"failed"}), json!("nope")] {
            assert!(check_event(head(bad.clone())).is_err(), "{bad}");
        }
    }
}
