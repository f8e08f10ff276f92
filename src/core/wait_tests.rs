//! The tests of core::wait, natively.
use super::*;
use crate::core::job::Lenient;

fn snap(status: &str, progress: Option<u8>) -> Job {
    Job {
        id: Lenient(Some("j1".into())),
        status: Lenient(Some(status.into())),
        progress: Lenient(progress.map(f64::from)),
        ..Job::default()
    }
}

const QUEUED: &str = "QUEUED";
const PROCESSING: &str = "PROCESSING";

const EST: DurationEstimate = DurationEstimate::REVE;

fn bounds() -> Bounds {
    Bounds::default()
}

#[test]
fn a_job_we_know_nothing_of_is_polled_at_once() {
    let w = Wait::new("j1", 60_000.0, None);
    assert_eq!(w.first_delay_ms(&EST, bounds()), 0.0);
}

#[test]
fn a_job_just_submitted_waits_a_schedule_first_within_the_timeout() {
    let w = Wait::new("j1", 60_000.0, Some(&Status::Known(JobStatus::Queued)));
    let d = w.first_delay_ms(&EST, bounds());
    assert!(d >= bounds().floor_ms && d <= bounds().ceiling_ms, "{d}");
    let short = Wait::new("j1", 5.0, Some(&Status::Known(JobStatus::Queued)));
    assert_eq!(short.first_delay_ms(&EST, bounds()), 5.0);
}

#[test]
fn an_unknown_accepted_status_starts_the_schedule_as_processing_does() {
    // As `observe` reads an unknown status: out of the queue, still running.
    let delay = |status: Status| {
        Wait::new("j1", 60_000.0, Some(&status)).first_delay_ms(&EST, bounds())
    };
    assert_eq!(
        delay(Status::Other("WARMING".into())),
        delay(Status::Known(JobStatus::Processing))
    );
    assert_ne!(delay(Status::Known(JobStatus::Queued)), delay(Status::Known(JobStatus::Processing)));
}

#[test]
fn running_jobs_are_polled_again_and_changes_reported_once() {
    let mut w = Wait::new("j1", 60_000.0, None);
    let v = w.observe(&snap(QUEUED, None), 0.0, &EST, bounds());
    assert!(v.changed);
    assert!(matches!(v.next, Next::Poll(d) if d > 0.0));
    let v = w.observe(&snap(QUEUED, None), 1_000.0, &EST, bounds());
    assert!(!v.changed);
    let v = w.observe(&snap(PROCESSING, Some(40)), 2_000.0, &EST, bounds());
    assert!(v.changed);
    let v = w.observe(&snap(PROCESSING, Some(40)), 3_000.0, &EST, bounds());
    assert!(!v.changed);
    let v = w.observe(
        &snap("WARMING", None),
        3_500.0,
        &EST,
        bounds(),
    );
    assert!(v.changed);
    assert!(
        matches!(v.next, Next::Poll(_)),
        "unknown statuses keep the wait going"
    );
}

#[test]
fn observing_after_the_end_is_refused() {
    let mut w = Wait::new("j1", 60_000.0, None);
    assert_eq!(w.observe(&snap("COMPLETED", Some(100)), 10.0, &EST, bounds()).next, Next::Completed);
    let again = w.observe(&snap(PROCESSING, Some(10)), 20.0, &EST, bounds());
    let Next::Fail(e) = again.next else { panic!("refused") };
    assert_eq!((e.code, again.changed), (ErrorCode::Internal, false));
    assert!(e.message.contains("has ended"), "{}", e.message);
}

#[test]
fn no_poll_starts_at_or_after_the_deadline() {
    let mut w = Wait::new("j1", 1_000.0, None);
    let v = w.observe(&snap(QUEUED, None), 900.0, &EST, bounds());
    assert_eq!(v.next, Next::Expire(100.0), "the next poll would land at the deadline");
    let mut w = Wait::new("j1", 60_000.0, None);
    let Next::Poll(d) = w.observe(&snap(QUEUED, None), 0.0, &EST, bounds()).next else {
        panic!("a poll well before the deadline");
    };
    assert!(d < 60_000.0);
    let short = Wait::new("j1", 5.0, Some(&Status::Known(JobStatus::Queued)));
    assert_eq!(short.first(&EST, bounds()), Next::Expire(5.0));
    assert_eq!(Wait::new("j1", 5.0, None).first(&EST, bounds()), Next::Poll(0.0));
}

#[test]
fn a_deadline_between_two_looks_gets_one_last_look_just_before_it() {
    // Seen processing at 3 s with no progress: the schedule's next look (12 s) falls past the
    // 10 s deadline, so the wait looks once more at 9.7 s, then expires.
    let mut w = Wait::new("j1", 10_000.0, None);
    let v = w.observe(&snap(PROCESSING, None), 3_000.0, &EST, bounds());
    assert_eq!(v.next, Next::Poll(10_000.0 - LAST_LOOK_LEAD_MS - 3_000.0));
    let v = w.observe(&snap(PROCESSING, None), 9_705.0, &EST, bounds());
    assert_eq!(v.next, Next::Expire(295.0), "the look just made was the last");
    // A look due so close to the deadline that its answer could not be back moves up too.
    let mut w = Wait::new("j1", 12_100.0, None);
    let v = w.observe(&snap(PROCESSING, None), 3_000.0, &EST, bounds());
    assert_eq!(v.next, Next::Poll(12_100.0 - LAST_LOOK_LEAD_MS - 3_000.0));
    // Never sooner than the floor after the look before: then the expiry, as before.
    let mut w = Wait::new("j1", 3_500.0, None);
    assert_eq!(w.observe(&snap(PROCESSING, None), 3_000.0, &EST, bounds()).next, Next::Expire(500.0));
    // Past the expected duration with no progress, the last look keeps the 2 s floor too.
    let mut w = Wait::new("j1", 20_000.0, None);
    assert_eq!(w.observe(&snap(PROCESSING, None), 18_000.0, &EST, bounds()).next, Next::Expire(2_000.0));
    let mut w = Wait::new("j1", 20_400.0, None);
    assert_eq!(w.observe(&snap(PROCESSING, None), 18_000.0, &EST, bounds()).next, Next::Poll(2_100.0));
    // The first look too: a submission with a 2 s limit looks once, at 1.7 s.
    let short = Wait::new("j1", 2_000.0, Some(&Status::Known(JobStatus::Queued)));
    assert_eq!(short.first(&EST, bounds()), Next::Poll(2_000.0 - LAST_LOOK_LEAD_MS));
}

#[test]
fn out_of_time_is_a_retryable_timeout_with_the_job_id() {
    let mut w = Wait::new("j1", 1_000.0, None);
    let next = w.observe(&snap(PROCESSING, Some(10)), 1_000.0, &EST, bounds()).next;
    assert_eq!(next, Next::Expire(0.0));
    let e = w.timed_out();
    assert_eq!(e.code, ErrorCode::Timeout);
    assert!(e.retryable);
    assert_eq!(e.job_id.as_deref(), Some("j1"));
    assert_eq!(e.message, "job j1 did not finish within 1000 ms");
}

#[test]
fn final_statuses_end_the_wait() {
    // Each final status on a wait of its own: a wait that ended refuses more answers.
    let fresh = || Wait::new("j1", 60_000.0, None);
    assert_eq!(
        fresh().observe(&snap("COMPLETED", Some(100)), 10.0, &EST, bounds())
            .next,
        Next::Completed
    );

    let mut failed = snap("FAILED", None);
    failed.error = Lenient(Some("content policy".into()));
    let Next::Fail(e) = fresh().observe(&failed, 20.0, &EST, bounds()).next else {
        panic!()
    };
    assert_eq!((e.code, e.retryable), (ErrorCode::JobFailed, false));
    assert_eq!(e.message, "job j1 failed: content policy");
    assert_eq!(e.job_id.as_deref(), Some("j1"));

    let Next::Fail(e) = fresh()
        .observe(&snap("FAILED", None), 20.0, &EST, bounds())
        .next
    else {
        panic!()
    };
    assert_eq!(e.message, "job j1 failed: no reason given");

    let Next::Fail(e) = fresh()
        .observe(&snap("CANCELLED", None), 30.0, &EST, bounds())
        .next
    else {
        panic!()
    };
    assert_eq!(
        (e.code, e.message.as_str()),
        (ErrorCode::JobCancelled, "job j1 was cancelled")
    );

    let mut expired = snap("COMPLETED", None);
    expired.expired = Lenient(Some(true));
    let Next::Fail(e) = fresh().observe(&expired, 40.0, &EST, bounds()).next else {
        panic!()
    };
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(e.message, "job j1 completed, but its outputs have expired");
}

#[test]
fn a_submission_starts_the_wait_or_names_the_bad_id() {
    let ok = JobAccepted {
        job_id: Lenient(Some("1EDC7774-0b17-4480-adb7-6ce0e8889738".into())),
        status: Lenient(Some("QUEUED".into())),
    };
    let (w, path) = Wait::after_submission(&ok, 60_000.0).unwrap();
    assert_eq!(path, "/v2/jobs/1edc7774-0b17-4480-adb7-6ce0e8889738");
    assert!(w.first_delay_ms(&EST, bounds()) > 0.0, "a job just submitted is not polled at once");
    let bad = JobAccepted { job_id: Lenient(Some("../admin".into())), status: Lenient(None) };
    let e = Wait::after_submission(&bad, 1.0).unwrap_err();
    assert_eq!((e.code, e.job_id.as_deref()), (ErrorCode::Server, Some("../admin")));
    assert!(e.message.contains("invalid jobId \"../admin\""), "{}", e.message);
}

#[test]
fn learns_from_the_service_clock_else_from_the_wait() {
    let mut job = snap("COMPLETED", Some(100));
    assert_eq!(Wait::took_ms(&job, 999.0), 999.0);
    job.created_at = Lenient(Some("2026-11-24T19:59:00Z".into()));
    job.completed_at = Lenient(Some("2026-11-24T19:59:14Z".into()));
    assert_eq!(Wait::took_ms(&job, 999.0), 14_000.0);
}

#[test]
fn history_is_bounded_and_keeps_the_first_observation() {
    let mut w = Wait::new("j1", 1e9, Some(&Status::Known(JobStatus::Queued)));
    for i in 0..500 {
        w.observe(
            &snap(PROCESSING, Some((i / 10) as u8)),
            f64::from(i) * 100.0,
            &EST,
            bounds(),
        );
    }
    assert_eq!(w.seen.len(), HISTORY);
    assert_eq!(w.seen[0].at_ms, 0.0);
    assert_eq!(w.seen[HISTORY - 1].at_ms, 49_900.0);
}
