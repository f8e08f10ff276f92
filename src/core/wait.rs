//! Waiting for a job, as a state machine: fed each answer of `GET /v2/jobs/{id}` and the time
//! it came, it says whether to tell the caller, and whether to poll again (and when), to
//! resolve, or to fail. No clock and no timers of its own: the caller feeds it both.

use super::error::{ApiError, ErrorCode};
use super::job::{Job, JobAccepted, JobStatus, Status};
use super::poll_schedule::{self, Bounds, DurationEstimate, Observation};
use super::routes;

/// Observations kept for the schedule: the first (when the wait began) and the latest ones.
const HISTORY: usize = 32;

/// What to do next: before the first look, and after each answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Poll after this many milliseconds (always before the deadline).
    Poll(f64),
    /// The deadline comes first: after this many milliseconds, fail with `timed_out()`,
    /// polling no more (no poll starts at or after the deadline).
    Expire(f64),
    /// The job completed: resolve with it.
    Completed,
    /// The job ended without outputs: reject with this error (and the job).
    Fail(ApiError),
}

impl Next {
    /// A poll after `delay_ms`, or the expiry when `remaining_ms` runs out first.
    fn within(delay_ms: f64, remaining_ms: f64) -> Next {
        if remaining_ms <= 0.0 || delay_ms >= remaining_ms {
            Next::Expire(remaining_ms.max(0.0))
        } else {
            Next::Poll(delay_ms)
        }
    }
}

/// One answer's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Status or progress changed since the last answer: call `onProgress`.
    pub changed: bool,
    pub next: Next,
}

#[derive(Debug, Clone)]
pub struct Wait {
    id: String,
    timeout_ms: f64,
    seen: Vec<Observation>,
    last: Option<(Status, Option<u8>)>,
    /// The job ended (completed, failed, cancelled, expired outputs): nothing more to observe.
    ended: bool,
}

impl Wait {
    /// A wait for job `id` of at most `timeout_ms`. `accepted`: the status `generate` answered
    /// with, when the wait follows a submission (the schedule then starts from it).
    pub fn new(id: &str, timeout_ms: f64, accepted: Option<&Status>) -> Wait {
        Wait {
            id: id.into(),
            timeout_ms,
            seen: accepted
                .map(|status| Observation {
                    at_ms: 0.0,
                    processing: status.is_past_queue(),
                    progress: None,
                })
                .into_iter()
                .collect(),
            last: None,
            ended: false,
        }
    }

    /// The wait that follows a submission (`run`): its job, the path to poll, and the
    /// schedule started from the accepted status. An answer without a usable job id is a
    /// server error (naming what came).
    pub fn after_submission(
        accepted: &JobAccepted,
        timeout_ms: f64,
    ) -> Result<(Wait, String), ApiError> {
        let id = accepted.job_id.0.as_deref().unwrap_or("");
        let path = routes::job_path(id).map_err(|_| {
            ApiError::new(
                ErrorCode::Server,
                format!("the service accepted the job but sent an invalid jobId \"{id}\""),
            )
            .with_job_id(id)
        })?;
        let status = Status::parse(accepted.status.0.as_deref().unwrap_or(""));
        Ok((Wait::new(id, timeout_ms, Some(&status)), path))
    }

    /// How long the wait may take, in ms.
    pub fn timeout_ms(&self) -> f64 {
        self.timeout_ms
    }

    /// The job waited for.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How long a completed job took, to learn from: the service's own timestamps (one
    /// clock), else how long this wait took.
    pub fn took_ms(job: &Job, waited_ms: f64) -> f64 {
        job.duration_ms().unwrap_or(waited_ms)
    }

    /// The delay before the first poll: none for a job we know nothing of, a schedule's worth
    /// for one just submitted.
    pub fn first_delay_ms(&self, estimate: &DurationEstimate, bounds: Bounds) -> f64 {
        if self.seen.is_empty() {
            return 0.0;
        }
        poll_schedule::next_delay_ms(&self.seen, 0.0, estimate, bounds).min(self.timeout_ms)
    }

    /// What to do first: poll after `first_delay_ms`, or expire if the deadline comes first.
    pub fn first(&self, estimate: &DurationEstimate, bounds: Bounds) -> Next {
        Next::within(self.first_delay_ms(estimate, bounds), self.timeout_ms)
    }

    /// Reads one answer, seen `now_ms` after the wait began.
    pub fn observe(
        &mut self,
        job: &Job,
        now_ms: f64,
        estimate: &DurationEstimate,
        bounds: Bounds,
    ) -> Verdict {
        if self.ended {
            let message = format!("the wait for job {} has ended: observing it again is refused", self.id);
            let refused = ApiError::new(ErrorCode::Internal, message).with_job_id(&self.id);
            return Verdict { changed: false, next: Next::Fail(refused) };
        }
        let status = job.status();
        let progress = job.progress();
        let state = (status.clone(), progress);
        let changed = self.last.as_ref() != Some(&state);
        self.last = Some(state);
        let id = &self.id;
        let ended = |code: ErrorCode, message: String| Next::Fail(ApiError::new(code, message).with_job_id(id));
        let next = match &status {
            Status::Known(JobStatus::Completed) if job.expired.0 == Some(true) => ended(
                ErrorCode::NotFound,
                format!("job {id} completed, but its outputs have expired"),
            ),
            Status::Known(JobStatus::Completed) => Next::Completed,
            Status::Known(JobStatus::Failed) => ended(
                ErrorCode::JobFailed,
                format!(
                    "job {id} failed: {}",
                    job.error.0.as_deref().unwrap_or("no reason given")
                ),
            ),
            Status::Known(JobStatus::Cancelled) => {
                ended(ErrorCode::JobCancelled, format!("job {id} was cancelled"))
            }
            _ => {
                if self.seen.len() >= HISTORY {
                    self.seen.remove(1.min(self.seen.len() - 1));
                }
                self.seen.push(Observation {
                    at_ms: now_ms,
                    processing: status.is_past_queue(),
                    progress,
                });
                let delay = poll_schedule::next_delay_ms(&self.seen, now_ms, estimate, bounds);
                Next::within(delay, self.timeout_ms - now_ms)
            }
        };
        self.ended = matches!(next, Next::Completed | Next::Fail(_));
        Verdict { changed, next }
    }

    /// The error of a wait that ran out of time.
    pub fn timed_out(&self) -> ApiError {
        ApiError::new(ErrorCode::Timeout, format!("job {} did not finish within {} ms", self.id, self.timeout_ms))
            .with_job_id(&self.id)
    }
}

#[cfg(test)]
mod tests {
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
}
