//! One task per job for its side effects: progress webhooks while it runs, then settling its
//! credits and sending the final event when it ends. Each event goes out as its webhook faults
//! plan it (`webhook_plan`): on time, late, twice, held for the end, lost or wrongly signed.

use std::sync::Arc;

use serde_json::{json, Value};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::clock::{now_ms, rfc3339, sleep_until_ms};
use crate::faults::Fault;
use crate::job::{self, Outcome};
use crate::webhook::{self, Attempt};
use crate::webhook_plan::{self, DeliveryPlan};
use crate::Emulator;

/// Progress percentages at which `progress` events go out.
const PROGRESS_EVENTS: [u8; 3] = [25, 50, 75];

/// Starts the task of the job `id` (just inserted), which ends when the job has.
pub fn start(emu: Arc<Emulator>, id: Uuid) {
    tokio::spawn(drive(emu, id));
}

/// A job's deliveries: those under way, and those held for the end.
#[derive(Default)]
struct Outbox {
    sending: Vec<JoinHandle<bool>>,
    held: Vec<(&'static str, Value)>,
    all_delivered: bool,
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
    let faults: &[Fault] = hook.as_ref().map_or(&[], |h| &h.faults);
    let mut out = Outbox {
        all_delivered: true,
        ..Outbox::default()
    };

    if wants("progress") {
        for p in PROGRESS_EVENTS {
            sleep_until_ms(created + timeline.time_of_progress(p)).await;
            let Some(body) = event_body(&emu, id, "progress") else {
                return;
            };
            dispatch(&emu, id, faults, "progress", body, &mut out).await;
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
        dispatch(&emu, id, faults, final_event, body, &mut out).await;
    }
    // Held events go out now, newest first, one after another.
    for (event, body) in std::mem::take(&mut out.held).into_iter().rev() {
        let mut plan = webhook_plan::plan(faults, event);
        plan.held = false;
        out.all_delivered &= send_as_planned(&emu, id, event, body, &plan).await;
    }
    for task in out.sending {
        out.all_delivered &= task.await.unwrap_or(false);
    }
    if let Some(j) = emu.lock().jobs.get_mut(&id) {
        j.webhook_status = Some(if out.all_delivered { "delivered" } else { "failed" });
    }
}

/// Sends one event as the job's faults plan it: at once (awaited, so events keep their
/// order), late (on its own task), held for the end, or not at all.
async fn dispatch(emu: &Arc<Emulator>, id: Uuid, faults: &[Fault], event: &'static str, body: Value, out: &mut Outbox) {
    let plan = webhook_plan::plan(faults, event);
    if plan.held {
        out.held.push((event, body));
    } else if plan.delay_ms.is_some() {
        let emu = emu.clone();
        out.sending.push(tokio::spawn(async move {
            send_as_planned(&emu, id, event, body, &plan).await
        }));
    } else {
        out.all_delivered &= send_as_planned(emu, id, event, body, &plan).await;
    }
}

/// Waits out the plan's delay, then delivers (twice when asked); a lost event is only logged.
async fn send_as_planned(emu: &Arc<Emulator>, id: Uuid, event: &str, body: Value, plan: &DeliveryPlan) -> bool {
    if let Some(ms) = plan.delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if plan.lost {
        log_lost(emu, id, event);
        return false;
    }
    let mut ok = send(emu, id, event, &body, plan).await;
    if plan.twice {
        ok &= send(emu, id, event, &body, plan).await;
    }
    ok
}

/// The log line of an event the `webhook_lost` fault kept from its receiver.
fn log_lost(emu: &Emulator, id: Uuid, event: &str) {
    let mut st = emu.lock();
    let url = st
        .jobs
        .get(&id)
        .and_then(|j| Some(j.webhook.as_ref()?.url.clone()))
        .unwrap_or_default();
    st.log_delivery(Attempt {
        job_id: id.to_string(),
        event: event.into(),
        url,
        attempt: 1,
        status: None,
        error: Some("lost (webhook_lost fault): never sent".into()),
        at: rfc3339(now_ms()),
    });
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

async fn send(emu: &Arc<Emulator>, id: Uuid, event: &str, body: &Value, plan: &DeliveryPlan) -> bool {
    let Some((url, key)) = emu
        .lock()
        .jobs
        .get(&id)
        .and_then(|j| Some((j.webhook.as_ref()?.url.clone(), j.owner.clone())))
    else {
        return false;
    };
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let log = emu.clone();
    webhook::deliver(
        &emu.http,
        &url,
        event,
        &id.to_string(),
        &webhook_plan::signing_key(&key, plan),
        bytes,
        move |a| log.lock().log_delivery(a),
    )
    .await
}
