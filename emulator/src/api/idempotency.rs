//! `Idempotency-Key`: the header's form, and replaying the job a key already made (409 when the
//! key comes back with another body).

use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::errors::Refusal;
use crate::job;
use crate::state::{fingerprint, State};

const IDEMPOTENCY_KEY_MAX: usize = 255;

/// The header's key: `None` without one; 400 when it is empty, too long, or not visible ASCII.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Refusal> {
    match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(k)) if !k.is_empty() && k.len() <= IDEMPOTENCY_KEY_MAX => Ok(Some(k.to_string())),
        Some(_) => Err(Refusal::validation(
            [(
                "Idempotency-Key".to_string(),
                vec![format!(
                    "Must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters"
                )],
            )]
            .into(),
        )),
    }
}

/// The job `key` already made for `owner` and its status now, counted as a replay; `None` when
/// the key is new. 409 when it was used with another body.
pub fn replay(
    st: &mut State,
    owner: &str,
    key: &str,
    input: &Value,
    now: u64,
) -> Result<Option<(Uuid, &'static str)>, Refusal> {
    let Some(rec) = st
        .idempotency
        .get(&(owner.to_string(), key.to_string()))
        .cloned()
    else {
        return Ok(None);
    };
    if rec.fingerprint != fingerprint(input) {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            "Idempotency-Key was already used with a different request body",
        ));
    }
    st.stats.idempotent_replays += 1;
    let status = st
        .job_for(rec.job_id, owner, now)
        .map(|j| j.status_at(now).0)
        .unwrap_or(job::QUEUED);
    Ok(Some((rec.job_id, accepted_status(status))))
}

/// The JobAccepted schema has no CANCELLED; a cancelled job reads as an unsuccessful one.
fn accepted_status(status: &'static str) -> &'static str {
    if status == job::CANCELLED {
        job::FAILED
    } else {
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::state::IdempotencyRecord;
    use serde_json::json;

    fn with(value: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("idempotency-key", value.try_into().unwrap());
        h
    }

    #[test]
    fn the_header_takes_1_to_255_visible_ascii_characters() {
        assert_eq!(key_of(&HeaderMap::new()), Ok(None));
        assert_eq!(key_of(&with(b"order-1")), Ok(Some("order-1".into())));
        assert_eq!(key_of(&with(&[b'k'; 255])), Ok(Some("k".repeat(255))));
        for bad in [&b""[..], &[b'k'; 256], "é".as_bytes()] {
            let refused = key_of(&with(bad)).unwrap_err();
            assert_eq!(refused.status, StatusCode::BAD_REQUEST);
            assert_eq!(refused.body["error"], "Validation failed");
            assert!(refused.body["details"]["Idempotency-Key"].is_array());
        }
    }

    #[test]
    fn a_known_key_replays_its_job_and_another_body_conflicts() {
        let mut st = State::new(&Config::default());
        let id = Uuid::new_v4();
        let body = json!({"prompt": "x"});
        let record = IdempotencyRecord {
            fingerprint: fingerprint(&body),
            job_id: id,
            created_ms: 0,
        };
        st.idempotency.insert(("afk".into(), "k".into()), record);
        assert_eq!(replay(&mut st, "afk", "new", &body, 0), Ok(None));
        assert_eq!(replay(&mut st, "other", "k", &body, 0), Ok(None));
        assert_eq!(st.stats.idempotent_replays, 0);
        // The job itself is gone (evicted): a replay still answers, as QUEUED.
        assert_eq!(
            replay(&mut st, "afk", "k", &body, 0),
            Ok(Some((id, job::QUEUED)))
        );
        assert_eq!(st.stats.idempotent_replays, 1);
        let conflict = replay(&mut st, "afk", "k", &json!({"prompt": "y"}), 0).unwrap_err();
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert_eq!(st.stats.idempotent_replays, 1);
    }

    #[test]
    fn a_cancelled_job_is_accepted_as_failed() {
        assert_eq!(accepted_status(job::CANCELLED), job::FAILED);
        for s in [job::QUEUED, job::PROCESSING, job::COMPLETED, job::FAILED] {
            assert_eq!(accepted_status(s), s);
        }
    }
}
