//! `watchJob`: a job's changes as an async iterator (`for await (const job of
//! client.watchJob(id))`). Each `next()` sleeps as the wait's schedule says and looks until the
//! job's status or progress changes; the COMPLETED job comes last; a FAILED or CANCELLED job,
//! the deadline or the signal throw. `return()` (a `break`, or a throw in the loop's body)
//! ends it at once: the sleep is cleared, the poll in flight aborted, nothing is sent after.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect, Symbol};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::abort::AbortGuard;
use super::args::{self, option_expectation};
use super::client::{job_path, ReveClient, Shared};
use super::js_error::Failure;
use super::options::WatchOptions;
use super::race::{race, Won};
use super::transport::Request;
use super::trap;
use super::wait::Poller;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::settings;
use crate::core::wait::{Next, Wait};

/// Where a watch stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Watching,
    /// The COMPLETED job was yielded: the next `next()` ends the loop.
    Completed,
    /// Ended: by `return()`, an error, or after the COMPLETED job.
    Ended,
}

struct State {
    shared: Rc<Shared>,
    /// Out while a `next()` runs; gone once the watch ended.
    poller: RefCell<Option<Poller>>,
    phase: Cell<Phase>,
    busy: Cell<bool>,
    signal: Option<AbortSignal>,
    /// Aborted by `return()`: ends a `next()` in flight.
    stop: AbortGuard,
}

/// An async iterator of one job's changes; made by `client.watchJob`.
#[wasm_bindgen]
pub struct JobWatch {
    state: Rc<State>,
}

/// `{ value, done }`.
fn step(value: &JsValue, done: bool) -> JsValue {
    let r = Object::new();
    let _ = Reflect::set(&r, &"value".into(), value);
    let _ = Reflect::set(&r, &"done".into(), &done.into());
    r.into()
}

/// The watch's class answers `for await`: its `[Symbol.asyncIterator]()` returns the watch
/// itself (`Object.prototype.valueOf` returns its `this`: no code is made from a string,
/// which workerd forbids).
fn make_iterable(watch: &JsValue) {
    let Ok(prototype) = Reflect::get_prototype_of(watch) else { return };
    let key = Symbol::async_iterator();
    if !Reflect::has(&prototype, &key).unwrap_or(true) {
        let value_of = args::get(&args::get(&js_sys::global(), "Object"), "prototype");
        let _ = Reflect::set(&prototype, &key, &args::get(&value_of, "valueOf"));
    }
}

impl State {
    /// Looks until something is worth yielding: a change, or the end.
    async fn advance(&self, poller: &mut Poller) -> Result<JsValue, Failure> {
        loop {
            let seen = poller.look(&self.shared, self.signal.as_ref()).await?;
            match poller.next() {
                Next::Completed => {
                    self.phase.set(Phase::Completed);
                    return Ok(seen.job);
                }
                Next::Fail(error) => return Err(Failure { error: error.clone(), job: Some(seen.job), cause: None }),
                Next::Poll(_) | Next::Expire(_) if seen.changed => return Ok(seen.job),
                Next::Poll(_) | Next::Expire(_) => {}
            }
        }
    }

    async fn next(self: Rc<Self>) -> Result<JsValue, Failure> {
        if self.phase.get() != Phase::Watching {
            self.phase.set(Phase::Ended);
            return Ok(step(&JsValue::UNDEFINED, true));
        }
        if self.busy.replace(true) {
            let e = ApiError::invalid("next", "watchJob: next() was called before the previous next() settled; await each", None);
            return Err(e.into());
        }
        let Some(mut poller) = self.poller.borrow_mut().take() else {
            self.busy.set(false);
            return Ok(step(&JsValue::UNDEFINED, true));
        };
        let id = poller.id().to_string();
        let limit = poller.remaining_ms().max(0.0);
        let stop = self.stop.signal();
        let outcome = match race(race(self.advance(&mut poller), Some(limit), None), None, Some(&stop)).await {
            Won::Done(Won::Done(outcome)) => outcome.map(|job| step(&job, false)),
            Won::Done(_) => Err(poller.timed_out()),
            // return() was called meanwhile: the loop is over.
            Won::Deadline | Won::Aborted => Ok(step(&JsValue::UNDEFINED, true)),
        };
        self.busy.set(false);
        match (&outcome, self.phase.get()) {
            // Still watching: the next `next()` goes on from here.
            (Ok(_), Phase::Watching) => *self.poller.borrow_mut() = Some(poller),
            // Completed: the next `next()` ends the loop. Ended by `return()`: nothing to keep.
            (Ok(_), _) => {}
            (Err(_), _) => self.phase.set(Phase::Ended),
        }
        outcome.map_err(|f| f.with_job_id(&id))
    }
}

#[wasm_bindgen]
impl JobWatch {
    /// The next change of the job: `{ value: job, done: false }`, or `{ done: true }` after
    /// the COMPLETED job. Rejects `job_failed`, `job_cancelled`, `timeout` or `aborted`.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<Job, undefined>>")]
    pub fn next(&self) -> Promise {
        trap::promise(self.state.clone().next())
    }

    /// Ends the watch at once (what `break` calls): no request after it; the poll in flight is
    /// aborted.
    #[wasm_bindgen(js_name = return, unchecked_return_type = "Promise<IteratorResult<Job, undefined>>")]
    pub fn finish(&self, #[wasm_bindgen(unchecked_optional_param_type = "unknown")] value: JsValue) -> Promise {
        let state = &self.state;
        state.phase.set(Phase::Ended);
        state.poller.borrow_mut().take();
        state.stop.abort();
        Promise::resolve(&step(&value, true))
    }
}

#[wasm_bindgen]
impl ReveClient {
    /// Watches a job: an async iterator (`for await (const job of client.watchJob(id))`) that
    /// yields the job whenever its status or progress changes, the COMPLETED job last. Throws
    /// `job_failed`, `job_cancelled`, `timeout` (after yielding what it saw) or `aborted`.
    /// Leaving the loop stops polling at once.
    #[wasm_bindgen(js_name = watchJob, unchecked_return_type = "AsyncIterableIterator<Job>")]
    pub fn watch_job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WatchOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let watch = (|| {
            trap::check()?;
            let (id, path) = job_path(&job_id)?;
            let o: WatchOptions = args::options(&options, "options", option_expectation)?;
            let timeout_ms = settings::wait_timeout_ms(o.timeout_ms)?;
            let signal = args::signal(&o.signal)?;
            let stop = AbortGuard::new().map_err(|_| ApiError::new(ErrorCode::Internal, "watchJob: no AbortController in this runtime"))?;
            let poller = Poller::new(&self.shared, Wait::new(&id, timeout_ms, None), Request::get(path));
            let state = State {
                shared: self.shared.clone(),
                poller: RefCell::new(Some(poller)),
                phase: Cell::new(Phase::Watching),
                busy: Cell::new(false),
                signal,
                stop,
            };
            Ok(JobWatch { state: Rc::new(state) })
        })();
        let watch: JsValue = watch.map_err(|e: ApiError| Failure::from(e).into_js())?.into();
        make_iterable(&watch);
        Ok(watch)
    }
}
