use super::*;
use crate::core::pushed::{update_of, WebhookBody};
use proptest::prelude::*;
use serde_json::json;

const ID: &str = "1edc7774-0b17-4480-adb7-6ce0e8889738";
const T0: f64 = 1_700_000_000_000.0;

fn event(v: Value) -> Job {
    let body: WebhookBody = serde_json::from_value(v).unwrap();
    update_of(body).unwrap().1
}

fn progress(p: u8) -> Job {
    event(json!({"event": "progress", "jobId": ID, "status": "PROCESSING", "progress": p, "model": "reve-create"}))
}

fn completed() -> Job {
    event(json!({"event": "completed", "jobId": ID, "status": "COMPLETED", "progress": 100,
        "result": {"images": ["https://x/a.png"]}, "model": "reve-create", "creditCost": 4, "completedAt": "2026-01-01T00:00:06Z"}))
}

fn failed() -> Job {
    event(json!({"event": "failed", "jobId": ID, "status": "FAILED", "error": "boom", "model": "reve-create"}))
}

fn opened() -> JobRecord {
    JobRecord::open(ID, "QUEUED", "reve-create", Some(json!({"prompt": "p"})), Some("alice".into()), T0)
}

#[test]
fn a_record_opens_as_get_job_shows_a_queued_job() {
    let r = opened();
    assert_eq!((r.seq, r.job.status.0.as_deref(), r.job.progress()), (1, Some("QUEUED"), Some(0)));
    assert_eq!(r.job.created_at.0.as_deref(), Some("2023-11-14T22:13:20.000Z"));
    assert_eq!(r.job.input, Some(json!({"prompt": "p"})));
    assert_eq!(r.job.webhook_status.0.as_deref(), Some("pending"));
}

#[test]
fn a_replay_of_an_ended_job_opens_no_record() {
    assert!(JobRecord::opens_for("QUEUED") && JobRecord::opens_for("PROCESSING") && JobRecord::opens_for("SOMETHING_NEW"));
    for ended in ["COMPLETED", "FAILED", "CANCELLED"] {
        assert!(!JobRecord::opens_for(ended), "{ended}");
    }
}

#[test]
fn the_record_never_goes_back() {
    let mut r = opened();
    assert_eq!(r.merge(progress(50), Source::Event, T0 + 1.0), Merge::Advanced(2));
    assert_eq!(r.merge(progress(25), Source::Event, T0 + 2.0), Merge::Stale, "progress only rises");
    assert_eq!(r.merge(progress(50), Source::Event, T0 + 3.0), Merge::Stale, "a duplicate is nothing new");
    assert_eq!(r.merge(completed(), Source::Event, T0 + 4.0), Merge::Ended(3));
    assert_eq!(r.merge(progress(75), Source::Event, T0 + 5.0), Merge::Stale, "a final status is final");
    assert_eq!(r.merge(failed(), Source::Event, T0 + 6.0), Merge::Stale, "the first final status stays");
    assert_eq!(r.job.progress(), Some(100));
    assert_eq!(r.job.status.0.as_deref(), Some("COMPLETED"));
    assert_eq!(r.job.result, Some(json!({"images": ["https://x/a.png"]})));
    assert_eq!((r.job.created_at.0.is_some(), r.job.input.is_some()), (true, true), "the event's gaps keep the record's fields");
    assert_eq!(r.job.webhook_status.0.as_deref(), Some("delivered"));
    assert!(r.seen.is_empty(), "a final record keeps nothing for the schedule");
}

#[test]
fn a_failed_job_keeps_the_furthest_progress_whatever_the_order() {
    let mut r = opened();
    assert_eq!(r.merge(failed(), Source::Event, T0 + 1.0), Merge::Ended(2));
    assert_eq!(r.merge(progress(60), Source::Event, T0 + 2.0), Merge::Advanced(3));
    assert_eq!(r.merge(progress(30), Source::Event, T0 + 3.0), Merge::Stale);
    assert_eq!((r.job.status.0.as_deref(), r.job.progress()), (Some("FAILED"), Some(60)));
}

#[test]
fn a_look_upstream_merges_the_whole_job_and_is_heard_even_when_behind() {
    let mut r = opened();
    let snapshot: Job = serde_json::from_value(json!({"id": ID, "status": "PROCESSING", "progress": 40, "model": "reve-create",
        "createdAt": "2026-01-01T00:00:00Z", "error": null, "creditCost": 4, "webhookStatus": "pending", "completedAt": null})).unwrap();
    assert_eq!(r.merge(snapshot.clone(), Source::Look, T0 + 3000.0), Merge::Advanced(2));
    assert_eq!(r.job.created_at.0.as_deref(), Some("2026-01-01T00:00:00Z"), "the service's own times win");
    assert_eq!(r.merge(snapshot, Source::Look, T0 + 4000.0), Merge::Stale);
    assert_eq!((r.heard_ms, r.seen.len()), (T0 + 4000.0, 3));
    assert_eq!(r.merge(progress(10), Source::Event, T0 + 5000.0), Merge::Stale);
    assert_eq!(r.heard_ms, T0 + 4000.0, "a stale event tells nothing");
}

/// A job's events as the service sends them: rising progress, then one final event.
fn history() -> impl Strategy<Value = Vec<Job>> {
    (proptest::collection::btree_set(1u8..100, 0..5), any::<bool>()).prop_map(|(ps, ok)| {
        let mut events: Vec<Job> = ps.into_iter().map(progress).collect();
        events.push(if ok { completed() } else { failed() });
        events
    })
}

proptest! {
    #[test]
    fn any_order_and_duplication_of_events_ends_in_the_same_record(
        (events, order) in history().prop_flat_map(|h| {
            let n = h.len();
            (Just(h), proptest::collection::vec(0..n, n..3 * n + 1))
        }),
        shuffle in any::<u64>(),
    ) {
        // In order, once each: the reference.
        let mut reference = opened();
        for (i, e) in events.iter().enumerate() {
            reference.merge(e.clone(), Source::Event, T0 + i as f64);
        }
        // Any picks (duplicates included), shuffled, each event delivered at least once.
        let mut picks: Vec<usize> = (0..events.len()).chain(order).collect();
        let mut s = shuffle;
        for i in (1..picks.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            picks.swap(i, (s >> 33) as usize % (i + 1));
        }
        let mut r = opened();
        let mut last_seq = r.seq;
        let mut last = (0u8, 0u8);
        for (i, &k) in picks.iter().enumerate() {
            let outcome = r.merge(events[k].clone(), Source::Event, T0 + i as f64);
            if let Merge::Advanced(seq) | Merge::Ended(seq) = outcome {
                prop_assert!(seq > last_seq, "sequence numbers rise");
                last_seq = seq;
            }
            prop_assert_eq!(r.seq, last_seq);
            let now = standing(&r.job);
            prop_assert!(now >= last, "never goes back: {:?} after {:?}", now, last);
            last = now;
        }
        prop_assert_eq!(&r.job, &reference.job);
        prop_assert!(r.is_final());
    }
}
