//! Polling a job as the core's `Wait` says: `Poller` sleeps as scheduled and looks once per
//! step (what `watchJob` yields from); `wait_for` steps until the job ends, within the wait's
//! deadline, which also ends a poll in flight (its fetch is aborted).

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::client::Shared;
use super::js_error::Failure;
use super::host::now;
use super::job_stream::{JobStream, Pushed};
use super::race::{race, sleep, Won};
use super::transport::Request;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::job::Job;
use crate::core::wait::{Next, Wait};

/// One wait's state: the core's `Wait`, the request that looks, and what comes next; and the
/// proxy's job stream, once an answer named one (then the looks come pushed).
pub struct Poller {
    wait: Wait,
    request: Request,
    next: Next,
    started: f64,
    stream: Option<JobStream>,
    /// A stream was had and lost: this wait polls to its end.
    polling_only: bool,
}

/// What one look saw: the service's job, and whether its status or progress changed.
pub struct Seen {
    pub job: JsValue,
    pub changed: bool,
}

impl Poller {
    pub fn new(shared: &Shared, wait: Wait, request: Request) -> Poller {
        let next = wait.first(&shared.estimate.get(), shared.bounds);
        Poller { wait, request, next, started: now(), stream: None, polling_only: false }
    }

    /// Follows the job stream an answer named (its `Apiframe-Events` header), if it may.
    pub fn follow(&mut self, shared: &Shared, stream_path: Option<String>) {
        if self.stream.is_none() && !self.polling_only {
            self.stream = stream_path.and_then(|path| JobStream::at(&shared.transport.base_url, &path));
        }
    }

    pub fn id(&self) -> &str {
        self.wait.id()
    }

    /// What follows the last look (before any: the first step).
    pub fn next(&self) -> &Next {
        &self.next
    }

    /// Milliseconds left before the wait's deadline.
    pub fn remaining_ms(&self) -> f64 {
        self.wait.timeout_ms() - (now() - self.started)
    }

    /// The error of a wait that ran out of time.
    pub fn timed_out(&self) -> Failure {
        self.wait.timed_out().into()
    }

    /// Sleeps as scheduled and looks once; `next()` then says what follows. The deadline coming
    /// first is a `timeout` (no poll starts at or after it).
    pub async fn look(&mut self, shared: &Shared, signal: Option<&AbortSignal>) -> Result<Seen, Failure> {
        if let Some(stream) = self.stream.as_mut() {
            match stream.next(&shared.transport, &self.request.headers, signal).await? {
                Pushed::Job(job) => return Ok(self.observe(shared, job)),
                Pushed::Gone => {
                    // Look at once, then on the schedule: the stream may have missed the end.
                    self.stream = None;
                    self.polling_only = true;
                    if let Next::Poll(_) = self.next {
                        self.next = Next::Poll(0.0);
                    }
                }
            }
        }
        let (ms, expires) = match self.next {
            Next::Poll(ms) => (ms, false),
            Next::Expire(ms) => (ms, true),
            Next::Completed | Next::Fail(_) => {
                let e = ApiError::new(ErrorCode::Internal, format!("the wait for job {} has ended", self.id()));
                return Err(e.into());
            }
        };
        // One sleep for both (each await of a sleep is its own copy of its states).
        if ms > 0.0 || expires {
            sleep(ms, signal, &format!("waiting for job {}", self.id())).await?;
        }
        if expires {
            return Err(self.timed_out());
        }
        let (job_js, stream) = shared.transport.send_noting_stream(shared.retry, &self.request, signal).await?;
        self.follow(shared, stream);
        Ok(self.observe(shared, job_js))
    }

    /// What a look (polled or pushed) saw, read by the core's `Wait`.
    fn observe(&mut self, shared: &Shared, job_js: JsValue) -> Seen {
        let job: Job = serde_wasm_bindgen::from_value(job_js.clone()).unwrap_or_default();
        let waited = now() - self.started;
        let verdict = self.wait.observe(&job, waited, &shared.estimate.get(), shared.bounds);
        if verdict.next == Next::Completed {
            let mut e = shared.estimate.get();
            e.learn(Wait::took_ms(&job, waited));
            shared.estimate.set(e);
        }
        self.next = verdict.next;
        Seen { job: job_js, changed: verdict.changed }
    }
}

/// Calls `onProgress(job, ...extra)`; a throwing callback must not stop the wait for a job
/// that is billed.
pub fn notify(on_progress: Option<&Function>, job: &JsValue, index: Option<u32>) {
    if let Some(f) = on_progress {
        let _ = match index {
            Some(i) => f.call2(&JsValue::UNDEFINED, job, &JsValue::from(i)),
            None => f.call1(&JsValue::UNDEFINED, job),
        };
    }
}

/// Polls until the job ends: the COMPLETED job, or the error (with the job when it ended, and
/// its id always). The deadline also ends a poll in flight. `on_progress` is a `&dyn`, not a
/// generic: one state machine serves `waitForJob`, `run` and `runMany` (a closure type per
/// caller made a copy of the whole wait for each; BENCHMARKS.md, issue 31).
pub async fn wait_for(
    shared: &Shared,
    mut poller: Poller,
    signal: Option<&AbortSignal>,
    on_progress: &dyn Fn(&JsValue),
) -> Result<JsValue, Failure> {
    let id = poller.id().to_string();
    let timed_out = poller.timed_out();
    let limit = poller.remaining_ms();
    let polling = async {
        loop {
            let seen = poller.look(shared, signal).await?;
            if seen.changed {
                on_progress(&seen.job);
            }
            match poller.next() {
                Next::Completed => return Ok(seen.job),
                Next::Fail(error) => return Err(Failure { error: error.clone(), job: Some(seen.job), cause: None }),
                Next::Poll(_) | Next::Expire(_) => {}
            }
        }
    };
    let outcome = match race(polling, Some(limit), None).await {
        Won::Done(outcome) => outcome,
        _ => Err(timed_out),
    };
    outcome.map_err(|f| f.with_job_id(&id))
}
