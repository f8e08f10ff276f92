//! How one webhook event of a job goes out, given the webhook faults the job took when it was
//! created: on time or `delay_ms` late, once or twice, held for the end (out of order), never
//! (lost), signed with the key or with another.

use crate::faults::{Fault, FaultKind};

/// What happens to one event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryPlan {
    /// Never sent; logged as lost.
    pub lost: bool,
    /// Held until the job's last event is due, then sent newest first.
    pub held: bool,
    /// Sent this many milliseconds late, on its own (later events may overtake it).
    pub delay_ms: Option<u64>,
    /// Sent twice.
    pub twice: bool,
    /// Signed with a key that is not the job owner's.
    pub wrong_signature: bool,
}

/// The wait of a `webhook_delay` fault without `delayMs`.
pub const DEFAULT_DELAY_MS: u64 = 5000;

/// The plan for `event` under `faults` (each one touches its `event`, or every event).
pub fn plan(faults: &[Fault], event: &str) -> DeliveryPlan {
    let mut p = DeliveryPlan::default();
    for f in faults.iter().filter(|f| f.event.as_deref().is_none_or(|e| e == event)) {
        match f.kind {
            FaultKind::WebhookLost => p.lost = true,
            FaultKind::WebhookOutOfOrder => p.held = true,
            FaultKind::WebhookDelay => p.delay_ms = Some(f.delay_ms.unwrap_or(DEFAULT_DELAY_MS)),
            FaultKind::WebhookDuplicate => p.twice = true,
            FaultKind::WebhookBadSignature => p.wrong_signature = true,
            _ => {}
        }
    }
    p
}

/// The key a delivery is signed with: the owner's, or (for a forged-looking one) another.
pub fn signing_key(owner: &str, plan: &DeliveryPlan) -> String {
    if plan.wrong_signature {
        format!("{owner}-not-the-key")
    } else {
        owner.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(json: serde_json::Value) -> Fault {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn faults_touch_their_event_or_all() {
        let faults = [
            fault(serde_json::json!({"kind": "webhook_lost", "event": "completed"})),
            fault(serde_json::json!({"kind": "webhook_delay"})),
            fault(serde_json::json!({"kind": "webhook_bad_signature", "event": "progress"})),
        ];
        let done = plan(&faults, "completed");
        assert!(done.lost && !done.wrong_signature);
        assert_eq!(done.delay_ms, Some(DEFAULT_DELAY_MS));
        let progress = plan(&faults, "progress");
        assert!(!progress.lost && progress.wrong_signature);
        assert_ne!(signing_key("k", &progress), "k");
        assert_eq!(plan(&[], "failed"), DeliveryPlan::default());
    }
}
