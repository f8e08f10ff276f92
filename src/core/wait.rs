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
    /// Poll after this many milliseconds (always before the deadline; the last one
    /// `LAST_LOOK_LEAD_MS` before it).
    Poll(f64),
    /// The deadline comes first: after this many milliseconds, fail with `timed_out()`,
    /// polling no more (no poll starts at or after the deadline).
    Expire(f64),
    /// The job completed: resolve with it.
    Completed,
    /// The job ended without outputs: reject with this error (and the job).
    Fail(ApiError),
}

/// How long before the deadline the last look starts, so that its answer is back in time (a
/// look still in flight at the deadline is aborted).
pub const LAST_LOOK_LEAD_MS: f64 = 300.0;

impl Next {
    /// A poll after `delay_ms`. When the deadline comes first (or so soon after it that the
    /// answer could not be back), one last look `LAST_LOOK_LEAD_MS` before the deadline, so a
    /// job that finished in that gap is returned, not timed out; but never less than
    /// `min_gap_ms` after this look. Else the expiry: no poll starts at or after the deadline.
    fn within(delay_ms: f64, remaining_ms: f64, min_gap_ms: f64) -> Next {
        let last_look = remaining_ms - LAST_LOOK_LEAD_MS;
        if remaining_ms <= 0.0 {
            Next::Expire(0.0)
        } else if delay_ms <= last_look {
            Next::Poll(delay_ms)
        } else if last_look >= min_gap_ms {
            Next::Poll(last_look)
        } else if delay_ms < remaining_ms {
            Next::Poll(delay_ms)
        } else {
            Next::Expire(remaining_ms)
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

    /// What to do first: poll after `first_delay_ms`, or just before the deadline if it comes
    /// first.
    pub fn first(&self, estimate: &DurationEstimate, bounds: Bounds) -> Next {
        Next::within(self.first_delay_ms(estimate, bounds), self.timeout_ms, bounds.floor_ms)
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
                let least = poll_schedule::least_delay_ms(&self.seen, now_ms, estimate, bounds);
                Next::within(delay, self.timeout_ms - now_ms, least)
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
#[path = "wait_tests.rs"]
mod tests;
