//! Signed webhook deliveries: `X-Webhook-Signature: sha256=<hex>` where the HMAC-SHA256 key is
//! the raw SHA-256 digest of the API key and the message is the raw body bytes.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub fn sign(api_key: &str, body: &[u8]) -> String {
    let key = Sha256::digest(api_key.as_bytes());
    // HMAC accepts keys of any length; a 32-byte key cannot be refused.
    let mut mac = match Hmac::<Sha256>::new_from_slice(&key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Attempts and the wait before each retry.
pub const BACKOFF_MS: [u64; 4] = [250, 500, 1000, 2000];

/// What one delivery attempt came to, for the `/__emulator/webhooks` log.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub job_id: String,
    pub event: String,
    pub url: String,
    pub attempt: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub at: String,
}

/// POSTs `body` until a 2xx answer or the attempts run out; reports each attempt.
pub async fn deliver(
    http: &reqwest::Client,
    url: &str,
    event: &str,
    job_id: &str,
    api_key: &str,
    body: Vec<u8>,
    mut report: impl FnMut(Attempt),
) -> bool {
    let signature = format!("sha256={}", sign(api_key, &body));
    for attempt in 1..=(BACKOFF_MS.len() as u32 + 1) {
        let res = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-webhook-event", event)
            .header("x-webhook-signature", &signature)
            .header("user-agent", "apiframe-emulator-webhooks/1")
            .timeout(Duration::from_secs(5))
            .body(body.clone())
            .send()
            .await;
        let (status, error) = match &res {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        report(Attempt {
            job_id: job_id.into(),
            event: event.into(),
            url: url.into(),
            attempt,
            status,
            error,
            at: crate::clock::rfc3339(crate::clock::now_ms()),
        });
        if ok {
            return true;
        }
        if let Some(wait) = BACKOFF_MS.get(attempt as usize - 1) {
            tokio::time::sleep(Duration::from_millis(*wait)).await;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_an_independent_computation() {
        // Computed with Python: hmac.new(hashlib.sha256(b"afk_local_dev").digest(), body, sha256).
        assert_eq!(
            sign("afk_local_dev", b"{}"),
            "7945c58a3185015aece7682cf1cf8b397c92e24d48f736a1720e9ee7f7bd7983"
        );
        assert_eq!(
            sign("afk_local_dev", br#"{"event":"completed"}"#),
            "4a768f0fc03deb41d2ccd7c4487b35c72c5fb837e53ce3503209b19ae8d9a84d"
        );
    }
}
