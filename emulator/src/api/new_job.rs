//! The job a valid, paid submission makes: its outcome (a queued fault's, or success), its
//! image's ratio and seed, its webhook, its timeline, and where its file will be served.

use std::net::SocketAddr;

use axum::http::{header, HeaderMap};
use serde_json::Value;
use uuid::Uuid;

use crate::aspect_ratio::{self, AspectRatio};
use crate::faults::FaultKind;
use crate::job::{Job, Outcome, Webhook};
use crate::state::{State, REVE_COST};
use crate::timeline::Timeline;
use crate::validate::{as_integer, WEBHOOK_EVENTS};

/// Seeds the emulator draws when a request gives none stay within JavaScript's safe integers.
const SEED_RANGE: u64 = 1 << 31;

/// What the submission brought, besides the state it draws from.
pub struct Submission {
    pub owner: String,
    /// The validated body.
    pub input: Value,
    pub idempotency: Option<String>,
    /// Where the job's image is served from.
    pub origin: String,
}

/// Makes the job, drawing from the state's faults and randomness (a seed when the request has
/// none, then the timeline) and giving it the next creation time. It is not inserted yet.
pub fn make(st: &mut State, s: Submission, now: u64, job_ms: u64) -> Job {
    let outcome = outcome_of(st.faults.take_job_outcome());
    let params = s.input.get("reveParams");
    let seed = match params.and_then(|p| p.get("seed")).and_then(as_integer) {
        Some(seed) => seed,
        None => (st.rng.next_u64() % SEED_RANGE) as i64,
    };
    let webhook = webhook_of(&s.input).map(|w| Webhook {
        faults: st.faults.take_webhook_faults(),
        ..w
    });
    Job {
        id: Uuid::new_v4(),
        owner: s.owner,
        prompt: s
            .input
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        ratio: ratio_of(params),
        seed,
        created_ms: st.creation_time(now),
        timeline: Timeline::draw(&mut st.rng, job_ms),
        input: s.input,
        outcome,
        cost: REVE_COST,
        origin: s.origin,
        webhook_status: webhook.as_ref().map(|_| "pending"),
        webhook,
        settled: false,
        idempotency: s.idempotency,
    }
}

/// The origin the request was sent to (its `Host`), or the address the emulator listens on.
pub fn origin(headers: &HeaderMap, addr: SocketAddr) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    format!("http://{}", host.unwrap_or_else(|| addr.to_string()))
}

fn outcome_of(fault: Option<FaultKind>) -> Outcome {
    match fault {
        Some(FaultKind::JobFailed) => {
            Outcome::Failed("Generation failed at the provider (emulated fault)".into())
        }
        Some(FaultKind::JobCancelled) => Outcome::Cancelled,
        _ => Outcome::Completed,
    }
}

fn ratio_of(params: Option<&Value>) -> AspectRatio {
    let name = params
        .and_then(|p| p.get("aspect_ratio"))
        .and_then(Value::as_str)
        .unwrap_or(aspect_ratio::DEFAULT);
    AspectRatio::parse(name).unwrap_or(AspectRatio { w: 1, h: 1 })
}

/// `webhookUrl` with `webhookEvents`, every event when the request names none.
fn webhook_of(input: &Value) -> Option<Webhook> {
    let url = input.get("webhookUrl").and_then(Value::as_str)?;
    let events = match input.get("webhookEvents").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect(),
        None => WEBHOOK_EVENTS.iter().map(|e| e.to_string()).collect(),
    };
    Some(Webhook {
        url: url.to_string(),
        events,
        faults: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::faults::Fault;
    use serde_json::json;

    fn submission(input: Value) -> Submission {
        Submission {
            owner: "afk".into(),
            input,
            idempotency: Some("k".into()),
            origin: "http://emu.test".into(),
        }
    }

    #[test]
    fn the_request_sets_ratio_seed_and_webhook() {
        let mut st = State::new(&Config::default());
        let input = json!({"prompt": "p", "reveParams": {"aspect_ratio": "16:9", "seed": 7},
            "webhookUrl": "http://h.test/w", "webhookEvents": ["completed"]});
        let job = make(&mut st, submission(input.clone()), 1_000, 500);
        assert_eq!((job.prompt.as_str(), job.seed), ("p", 7));
        assert_eq!(job.ratio, AspectRatio { w: 16, h: 9 });
        assert_eq!(
            (job.owner.as_str(), job.cost, job.created_ms),
            ("afk", REVE_COST, 1_000)
        );
        assert_eq!(job.input, input);
        assert_eq!(job.idempotency.as_deref(), Some("k"));
        assert_eq!(
            job.image_url(),
            format!("http://emu.test/files/{}.png", job.id)
        );
        let hook = job.webhook.unwrap();
        assert_eq!(
            (hook.url.as_str(), hook.events),
            ("http://h.test/w", vec!["completed".to_string()])
        );
        assert_eq!(job.webhook_status, Some("pending"));
        assert_eq!(job.outcome, Outcome::Completed);
        assert!(!job.settled);
    }

    #[test]
    fn defaults_a_drawn_seed_a_square_and_every_event() {
        let mut st = State::new(&Config::default());
        let hooked = json!({"prompt": "p", "webhookUrl": "http://h.test/w"});
        let job = make(&mut st, submission(hooked), 0, 500);
        assert!((0..SEED_RANGE as i64).contains(&job.seed));
        assert_eq!(job.ratio, AspectRatio { w: 1, h: 1 });
        assert_eq!(job.webhook.unwrap().events, WEBHOOK_EVENTS);
        let plain = make(&mut st, submission(json!({"prompt": "p"})), 0, 500);
        assert!(plain.webhook.is_none() && plain.webhook_status.is_none());
        assert!(
            plain.created_ms > job.created_ms,
            "creation times are distinct"
        );
    }

    #[test]
    fn the_same_seed_draws_the_same_jobs() {
        let draw = || {
            let mut st = State::new(&Config::default());
            let job = make(&mut st, submission(json!({"prompt": "p"})), 0, 500);
            (job.seed, job.timeline)
        };
        assert_eq!(draw(), draw());
    }

    #[test]
    fn a_queued_job_fault_sets_the_outcome() {
        let mut st = State::new(&Config::default());
        for kind in ["job_failed", "job_cancelled"] {
            let fault: Fault = serde_json::from_value(json!({"kind": kind})).unwrap();
            st.faults.push(fault);
        }
        let outcome = |st: &mut State| make(st, submission(json!({"prompt": "p"})), 0, 500).outcome;
        assert!(matches!(outcome(&mut st), Outcome::Failed(m) if m.contains("emulated fault")));
        assert_eq!(outcome(&mut st), Outcome::Cancelled);
        assert_eq!(outcome(&mut st), Outcome::Completed);
    }

    #[test]
    fn the_origin_is_the_host_asked_for() {
        let addr: SocketAddr = ([127, 0, 0, 1], 8787).into();
        assert_eq!(origin(&HeaderMap::new(), addr), "http://127.0.0.1:8787");
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "localhost:5173".parse().unwrap());
        assert_eq!(origin(&h, addr), "http://localhost:5173");
    }
}
