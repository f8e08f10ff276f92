//! One task per job for its side effects: progress webhooks while it runs, then settling its
//! credits and sending the final event when it ends.

use std::sync::Arc;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::clock::{now_ms, rfc3339, sleep_until_ms};
use crate::job::{self, Outcome};
use crate::webhook;
use crate::Emulator;

/// Progress percentages at which `progress` events go out.
const PROGRESS_EVENTS: [u8; 3] = [25, 50, 75];

/// Starts the task of the job `id` (just inserted), which ends when the job has.
pub fn start(emu: Arc<Emulator>, id: Uuid) {
    tokio::spawn(drive(emu, id));
}

async fn drive(emu: Arc<Emulator>, id: Uuid) {
    let Some((created, timeline, hook)) = emu
        .lock()
        .jobs
        .get(&id)
        .map(|j| (j.created_ms, j.timeline, j.webhook.clone()))
    else {
        return;
    };
    let wants = |e: &str| {
        hook.as_ref()
            .is_some_and(|h| h.events.iter().any(|x| x == e))
    };
    let mut all_delivered = true;

    if wants("progress") {
        for p in PROGRESS_EVENTS {
            sleep_until_ms(created + timeline.time_of_progress(p)).await;
            let Some(body) = event_body(&emu, id, "progress") else {
                return;
            };
            all_delivered &= send(&emu, id, "progress", body).await;
        }
    }

    sleep_until_ms(created + timeline.total_ms()).await;
    let now = now_ms();
    let final_event = {
        let mut st = emu.lock();
        st.settle(id, now);
        match st.jobs.get(&id) {
            None => return,
            Some(j) if j.outcome == Outcome::Completed => "completed",
            Some(_) => "failed",
        }
    };
    if hook.is_none() {
        return;
    }
    if wants(final_event) {
        let Some(body) = event_body(&emu, id, final_event) else {
            return;
        };
        all_delivered &= send(&emu, id, final_event, body).await;
    }
    if let Some(j) = emu.lock().jobs.get_mut(&id) {
        j.webhook_status = Some(if all_delivered { "delivered" } else { "failed" });
    }
}

/// The event's JSON, shaped as the contract documents for each event.
fn event_body(emu: &Emulator, id: Uuid, event: &str) -> Option<Value> {
    let now = now_ms();
    let st = emu.lock();
    let j = st.jobs.get(&id)?;
    let (status, progress) = j.status_at(now);
    Some(match event {
        "progress" => json!({
            "event": "progress", "jobId": id.to_string(), "status": job::PROCESSING,
            "progress": progress, "model": job::MODEL,
        }),
        "completed" => json!({
            "event": "completed", "jobId": id.to_string(), "status": job::COMPLETED, "progress": 100,
            "result": { "images": [j.image_url()] }, "model": job::MODEL, "creditCost": j.cost,
            "completedAt": rfc3339(j.ends_at()),
        }),
        _ => json!({
            "event": "failed", "jobId": id.to_string(), "status": status,
            "error": match &j.outcome { Outcome::Failed(m) => m.as_str(), _ => "Job was cancelled" },
            "model": job::MODEL,
        }),
    })
}

async fn send(emu: &Arc<Emulator>, id: Uuid, event: &str, body: Value) -> bool {
    let Some((url, key)) = emu
        .lock()
        .jobs
        .get(&id)
        .and_then(|j| Some((j.webhook.as_ref()?.url.clone(), j.owner.clone())))
    else {
        return false;
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let log = emu.clone();
    webhook::deliver(
        &emu.http,
        &url,
        event,
        &id.to_string(),
        &key,
        bytes,
        move |a| log.lock().log_delivery(a),
    )
    .await
}
