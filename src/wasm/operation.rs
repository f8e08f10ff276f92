//! A call in flight, as a state machine that JavaScript callbacks drive: a `fetch` settling,
//! its body read, a deadline or a sleep's timer firing, the caller's signal aborting. Each
//! callback carries the operation's slot and the tag of the step it belongs to, so late ones
//! (a timer cleared too late, the answer to an aborted request) are told apart and ignored.
//!
//! No futures and no wakers: a callback advances its operation at once, and the operation
//! starts the next step itself. Every decision is the core's (`RetryPolicy`, `Wait`,
//! `response`); this file only moves bytes and sets timers.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Headers, Response};

use super::js_args;
use super::js_error::Failure;
use super::transport::{
    aborted, describe, header, json_parse, network, timed_out, Received, Transport,
};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::job::Snapshot;
use crate::core::poll_schedule::{Bounds, DurationEstimate};
use crate::core::response;
use crate::core::retry::RetryPolicy;
use crate::core::routes;
use crate::core::wait::{Next, Wait};

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout`; extra arguments go to the callback. Returns a number in
    /// browsers and a `Timeout` object in Node.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &HandlerFn, ms: f64, key: f64, event: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    /// The handler, as a JS function.
    type HandlerFn;
    /// `handler.bind(undefined, key, event)`
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_event(this: &HandlerFn, context: &JsValue, key: f64, event: u32) -> JsValue;
    /// A promise, seen only for its `then`.
    type Thenable;
    /// `promise.then(ok, err)`; throws if `then` is not a function (a caller's `fetch` may
    /// hand back anything).
    #[wasm_bindgen(method, catch, js_name = then)]
    fn then_both(this: &Thenable, ok: &JsValue, err: &JsValue) -> Result<JsValue, JsValue>;
}

/// What a callback reports.
const FETCHED: u32 = 0;
const FETCH_FAILED: u32 = 1;
const READ: u32 = 2;
const READ_FAILED: u32 = 3;
const DEADLINE: u32 = 4;
const WOKE: u32 = 5;
const ABORTED: u32 = 6;

/// Slots per instance: a key is `tag * SLOTS + slot`, and stays a safe integer.
const SLOTS: u32 = 1 << 21;

/// A client's settings, shared by its operations.
pub struct Settings {
    pub transport: Transport,
    pub retry: RetryPolicy,
    /// This model's durations, learned from each completed wait.
    pub estimate: Cell<DurationEstimate>,
    pub bounds: Bounds,
}

/// The request an operation makes (again, when it retries or polls).
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<String>,
    pub idempotency_key: Option<String>,
}

impl Request {
    pub fn get(path: String) -> Request {
        Request {
            method: "GET",
            path,
            body: None,
            idempotency_key: None,
        }
    }

    fn what(&self) -> String {
        cat!(self.method, ' ', self.path)
    }
}

/// What the operation resolves with.
pub enum Goal {
    /// The answer, parsed (`generate`, `getJob`, `listJobs`).
    Answer,
    /// Submits (`run`), then waits for the job.
    SubmitThenWait {
        timeout_ms: f64,
        on_progress: Option<Function>,
    },
    /// Polls a job until it ends (`waitForJob`).
    Wait {
        wait: Wait,
        on_progress: Option<Function>,
        started: f64,
    },
    /// The answer as it came, whatever its status, as `[status, text, headers]` (the proxy).
    #[cfg(feature = "server")]
    Forward,
}

enum Phase {
    Idle,
    Fetching {
        controller: AbortController,
        deadline: JsValue,
    },
    Reading {
        controller: AbortController,
        deadline: JsValue,
        status: u16,
        headers: Headers,
    },
    /// A retry's backoff, or (`poll`) the wait between two polls.
    Sleeping {
        timer: JsValue,
        poll: bool,
    },
}

struct Op {
    settings: Rc<Settings>,
    resolve: Function,
    reject: Function,
    signal: Option<AbortSignal>,
    /// The `abort` listener on `signal`, removed when the operation ends.
    on_abort: Option<JsValue>,
    request: Request,
    retries: u32,
    goal: Goal,
    phase: Phase,
    /// The tag of the current step's callbacks, and of the abort listener's.
    tag: u32,
    birth: u32,
    slot: u32,
}

/// What a step leaves: more to wait for, or the operation's outcome.
enum Flow {
    Continue,
    Done(Result<JsValue, Failure>),
}

enum Slot {
    Free,
    /// Taken out while one of its callbacks runs.
    Busy,
    Ready(Op),
}

/// `(key, event, value) => advance(key, event, value)`, called by JS.
type Handler = Closure<dyn FnMut(f64, u32, JsValue)>;

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Callbacks that came while their operation was busy (called back from inside one of its
    /// own steps: a thenable, a caller's `fetch`, an `onProgress` that aborts).
    deferred: Vec<(f64, u32, JsValue)>,
    /// Tags come from one counter, so a freed slot's late callbacks never match its next
    /// operation.
    next_tag: u32,
    handler: Option<Handler>,
}

#[cfg(target_feature = "atomics")]
compile_error!("operation.rs assumes one thread: build without the atomics target feature");

/// The registry of this (single-threaded) wasm instance.
struct Global(RefCell<Option<Registry>>);
// SAFETY: wasm32-unknown-unknown without atomics has exactly one thread.
unsafe impl Sync for Global {}
static REGISTRY: Global = Global(RefCell::new(None));

/// The registry, borrowed only for its own bookkeeping: never across a call into JS that can
/// call back.
fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut r = REGISTRY.0.borrow_mut();
    f(r.get_or_insert_with(Registry::default))
}

fn new_tag() -> u32 {
    with(|r| {
        r.next_tag = r.next_tag.wrapping_add(1);
        r.next_tag
    })
}

fn key(slot: u32, tag: u32) -> f64 {
    f64::from(tag) * f64::from(SLOTS) + f64::from(slot)
}

/// The handler, made at first use; borrowed, not cloned (a clone and its drop would be two
/// more calls across the boundary).
fn with_handler<T>(f: impl FnOnce(&HandlerFn) -> T) -> T {
    with(|r| {
        let h = r
            .handler
            .get_or_insert_with(|| Closure::new(advance as fn(f64, u32, JsValue)));
        f(h.as_ref().unchecked_ref())
    })
}

/// A JS function that reports `event` for step `tag` of the operation in `slot`.
fn callback(slot: u32, tag: u32, event: u32) -> JsValue {
    // `bind` cannot call back into Rust, so it may run inside the borrow.
    with_handler(|h| h.bind_event(&JsValue::UNDEFINED, key(slot, tag), event))
}

fn set_timer(ms: f64, slot: u32, tag: u32, event: u32) -> JsValue {
    // Node and browsers cap delays at 2^31 - 1 ms (longer ones would fire at once).
    let ms = crate::core::float::clamp(ms, 0.0, 2_147_483_647.0);
    // setTimeout never calls back at once: it may run inside the borrow.
    with_handler(|h| set_timeout(h, ms, key(slot, tag), event))
}

/// Starts an operation and returns its promise.
pub fn start(
    settings: Rc<Settings>,
    request: Request,
    signal: Option<AbortSignal>,
    goal: Goal,
) -> Promise {
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return promise;
    };
    let Some(slot) = with(|r| {
        let slot = match r.free.pop() {
            Some(i) => i,
            None if (r.slots.len() as u32) < SLOTS => {
                r.slots.push(Slot::Free);
                (r.slots.len() - 1) as u32
            }
            None => return None,
        };
        r.slots[slot as usize] = Slot::Busy;
        Some(slot)
    }) else {
        let e = ApiError::new(
            ErrorCode::Network,
            "too many calls in flight in this instance (2097152)",
        );
        let _ = reject.call1(&JsValue::UNDEFINED, &Failure::from(e).into_js());
        return promise;
    };
    let birth = new_tag();
    let on_abort = signal.as_ref().map(|s| {
        let f = callback(slot, birth, ABORTED);
        let _ = s.add_event_listener_with_callback("abort", f.unchecked_ref());
        f
    });
    let mut op = Op {
        settings,
        resolve,
        reject,
        signal,
        on_abort,
        request,
        retries: 0,
        goal,
        phase: Phase::Idle,
        tag: birth,
        birth,
        slot,
    };
    let flow = op.begin();
    settle_step(op, flow);
    promise
}

/// Called by JS for every callback.
fn advance(key: f64, event: u32, value: JsValue) {
    let slot = (key % f64::from(SLOTS)) as u32;
    let tag = (key / f64::from(SLOTS)) as u32;
    let op = with(|r| {
        let entry = r.slots.get_mut(slot as usize)?;
        match entry {
            Slot::Ready(op) if op.tag == tag || (event == ABORTED && op.birth == tag) => {
                match core::mem::replace(entry, Slot::Busy) {
                    Slot::Ready(op) => Some(op),
                    _ => None,
                }
            }
            Slot::Busy => {
                r.deferred.push((key, event, value.clone()));
                None
            }
            _ => None,
        }
    });
    if let Some(mut op) = op {
        let flow = op.on(event, value);
        settle_step(op, flow);
    }
}

/// Puts a busy operation back, or ends it; then runs callbacks that came meanwhile.
fn settle_step(op: Op, flow: Flow) {
    let slot = op.slot;
    match flow {
        Flow::Continue => with(|r| {
            if let Some(s) = r.slots.get_mut(slot as usize) {
                *s = Slot::Ready(op);
            }
        }),
        Flow::Done(outcome) => {
            with(|r| {
                if let Some(s) = r.slots.get_mut(slot as usize) {
                    *s = Slot::Free;
                    r.free.push(slot);
                }
            });
            op.finish(outcome);
        }
    }
    // Once each: a callback whose operation is still busy (in an outer frame) is deferred
    // again, and that frame runs it when it puts its operation back.
    for (key, event, value) in with(|r| core::mem::take(&mut r.deferred)) {
        advance(key, event, value);
    }
}

impl Op {
    /// The first step: a wait's first poll (after a schedule's delay for a job just
    /// submitted), or the request.
    fn begin(&mut self) -> Flow {
        match &self.goal {
            Goal::Wait { wait, .. } => {
                let s = &self.settings;
                let delay = wait.first_delay_ms(&s.estimate.get(), s.bounds);
                self.poll_after(delay)
            }
            _ => self.attempt(),
        }
    }

    /// Starts one attempt of the request.
    fn attempt(&mut self) -> Flow {
        if self.aborted() {
            return self.abort();
        }
        let t = &self.settings.transport;
        let r = &self.request;
        let (promise, controller) = match t.start(
            r.method,
            &r.path,
            r.body.as_deref(),
            r.idempotency_key.as_deref(),
        ) {
            Ok(started) => started,
            Err(f) => return self.attempt_failed(f),
        };
        self.tag = new_tag();
        let deadline = set_timer(t.timeout_ms, self.slot, self.tag, DEADLINE);
        self.phase = Phase::Fetching {
            controller,
            deadline,
        };
        self.listen(&promise, FETCHED, FETCH_FAILED)
    }

    /// Waits for `promise`; a `then` that throws is its rejection, at once.
    fn listen(&mut self, promise: &JsValue, ok: u32, err: u32) -> Flow {
        let (on_ok, on_err) = (
            callback(self.slot, self.tag, ok),
            callback(self.slot, self.tag, err),
        );
        match promise
            .unchecked_ref::<Thenable>()
            .then_both(&on_ok, &on_err)
        {
            Ok(_) => Flow::Continue,
            Err(e) => self.on(err, e),
        }
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| s.aborted())
    }

    /// Reacts to one callback of the current step.
    fn on(&mut self, event: u32, value: JsValue) -> Flow {
        match event {
            ABORTED => self.abort(),
            WOKE => self.attempt(),
            DEADLINE => {
                self.stop_request();
                let what = self.request.what();
                self.attempt_failed(timed_out(&what, self.settings.transport.timeout_ms))
            }
            FETCHED => {
                let Phase::Fetching {
                    controller,
                    deadline,
                } = core::mem::replace(&mut self.phase, Phase::Idle)
                else {
                    return Flow::Continue;
                };
                let response: Response = value.unchecked_into();
                let status = response.status();
                let headers = response.headers();
                match response.text() {
                    Ok(text) => {
                        self.phase = Phase::Reading {
                            controller,
                            deadline,
                            status,
                            headers,
                        };
                        self.listen(&text, READ, READ_FAILED)
                    }
                    Err(e) => {
                        clear_timeout(&deadline);
                        let what = self.request.what();
                        self.attempt_failed(network(
                            cat!(what, ": the answer could not be read: ", describe(&e)),
                            e,
                        ))
                    }
                }
            }
            FETCH_FAILED => {
                self.stop_timers();
                let what = self.request.what();
                self.attempt_failed(network(cat!(what, " failed: ", describe(&value)), value))
            }
            READ | READ_FAILED => {
                let Phase::Reading {
                    deadline,
                    status,
                    headers,
                    ..
                } = core::mem::replace(&mut self.phase, Phase::Idle)
                else {
                    return Flow::Continue;
                };
                clear_timeout(&deadline);
                if event == READ {
                    return self.received(Received {
                        status,
                        body: value,
                        headers,
                    });
                }
                let what = self.request.what();
                let mut f = network(
                    cat!(
                        what,
                        ": the connection broke while reading the answer: ",
                        describe(&value)
                    ),
                    value,
                );
                f.error.status = Some(status);
                f.error.request_id = header(&headers, "x-request-id");
                self.attempt_failed(f)
            }
            _ => Flow::Continue,
        }
    }

    /// Clears the step's timers (the answer's deadline, a sleep).
    fn stop_timers(&mut self) {
        match core::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Fetching { deadline, .. } | Phase::Reading { deadline, .. } => {
                clear_timeout(&deadline)
            }
            Phase::Sleeping { timer, .. } => clear_timeout(&timer),
            Phase::Idle => {}
        }
    }

    /// Aborts the request in flight, if any, and clears the step's timers.
    fn stop_request(&mut self) {
        if let Phase::Fetching { controller, .. } | Phase::Reading { controller, .. } = &self.phase
        {
            controller.abort();
        }
        self.stop_timers();
    }

    /// The caller's signal aborted: whatever the step, the operation ends.
    fn abort(&mut self) -> Flow {
        let what = match (&self.phase, &self.goal) {
            (Phase::Sleeping { poll: true, .. }, Goal::Wait { wait, .. }) => {
                cat!("waiting for job ", wait.id())
            }
            _ => self.request.what(),
        };
        self.stop_request();
        let f = aborted(self.signal.as_ref(), &what);
        self.fail(f)
    }

    /// A failed attempt: tried again after a backoff when the core says so.
    fn attempt_failed(&mut self, failure: Failure) -> Flow {
        if failure.code() == ErrorCode::Aborted {
            return self.fail(failure);
        }
        let replay_safe = self.request.method == "GET" || self.request.idempotency_key.is_some();
        // (The proxy's `Goal::Forward` has no retries: its caller's client retries.)
        let retry = self.settings.retry.delay_ms(
            self.retries,
            &failure.error,
            replay_safe,
            js_sys::Math::random(),
        );
        match retry {
            Some(ms) => {
                self.retries += 1;
                self.sleep(ms as f64, false)
            }
            None => self.fail(failure),
        }
    }

    fn sleep(&mut self, ms: f64, poll: bool) -> Flow {
        if self.aborted() {
            return self.abort();
        }
        self.tag = new_tag();
        let timer = set_timer(ms, self.slot, self.tag, WOKE);
        self.phase = Phase::Sleeping { timer, poll };
        Flow::Continue
    }

    /// The next poll, after `ms` (at once for none).
    fn poll_after(&mut self, ms: f64) -> Flow {
        self.retries = 0;
        if ms > 0.0 {
            self.sleep(ms, true)
        } else {
            self.attempt()
        }
    }

    /// Ends with a failure; after the job exists, it carries the job's id.
    fn fail(&mut self, failure: Failure) -> Flow {
        Flow::Done(Err(match &self.goal {
            Goal::Wait { wait, .. } => failure.with_job_id(wait.id()),
            _ => failure,
        }))
    }

    fn received(&mut self, received: Received) -> Flow {
        #[cfg(feature = "server")]
        if let Goal::Forward = self.goal {
            let out = js_sys::Array::of3(
                &JsValue::from(received.status),
                &received.body,
                &received.headers,
            );
            return Flow::Done(Ok(out.into()));
        }
        let failure = if received.is_success() {
            match json_parse(&received.body) {
                Ok(v) if v.is_object() => return self.answered(&received, v),
                _ => response::malformed(&received.meta().answer(received.status, "")).into(),
            }
        } else {
            let text = received.text();
            Failure::from(response::error_for(
                &received.meta().answer(received.status, &text),
            ))
        };
        self.attempt_failed(failure)
    }

    /// A successful answer, parsed: `received` as it came (its text is copied into Rust only
    /// when the core reads it), `job` as the caller gets it.
    fn answered(&mut self, received: &Received, job: JsValue) -> Flow {
        match &mut self.goal {
            #[cfg(feature = "server")]
            Goal::Forward => Flow::Done(Ok(job)),
            Goal::Answer => Flow::Done(Ok(job)),
            Goal::SubmitThenWait {
                timeout_ms,
                on_progress,
            } => {
                let (timeout_ms, on_progress) = (*timeout_ms, on_progress.take());
                let accepted = match Snapshot::parse(&received.text()) {
                    Ok(s) => s,
                    Err(e) => return self.fail(e.into()),
                };
                let id = accepted.id.unwrap_or_default();
                let path = match routes::job_path(&id) {
                    Ok(p) => p,
                    Err(_) => {
                        let e = ApiError::new(
                            ErrorCode::Server,
                            cat!(
                                "the service accepted the job but sent an invalid jobId \"",
                                id,
                                '"'
                            ),
                        );
                        return self.fail(e.with_job_id(&id).into());
                    }
                };
                self.request = Request::get(path);
                self.goal = Goal::Wait {
                    wait: Wait::new(&id, timeout_ms, Some(&accepted.status)),
                    on_progress,
                    started: js_sys::Date::now(),
                };
                self.begin()
            }
            Goal::Wait {
                wait,
                on_progress,
                started,
            } => {
                let s = &self.settings;
                let verdict = Snapshot::parse(&received.text()).map(|snap| {
                    let now = js_sys::Date::now() - *started;
                    (wait.observe(&snap, now, &s.estimate.get(), s.bounds), now)
                });
                if let (Ok((v, _)), Some(f)) = (&verdict, on_progress) {
                    if v.changed {
                        // A throwing callback must not stop the wait for a job that is billed.
                        let _ = f.call1(&JsValue::UNDEFINED, &job);
                    }
                }
                match verdict {
                    Err(e) => self.fail(e.into()),
                    Ok((v, now)) => match v.next {
                        Next::Completed => {
                            self.learn(&job, now);
                            Flow::Done(Ok(job))
                        }
                        Next::Fail(e) => {
                            let ended = e.code != ErrorCode::Timeout;
                            self.fail(Failure {
                                error: e,
                                job: ended.then_some(job),
                                cause: None,
                            })
                        }
                        // The caller's onProgress may have aborted: the next step checks.
                        Next::Poll(ms) => self.poll_after(ms),
                    },
                }
            }
        }
    }

    /// Learns this model's duration from the service's own timestamps (same clock), else from
    /// how long the wait took.
    fn learn(&self, job: &JsValue, waited_ms: f64) {
        let ts = |k: &str| {
            js_args::get(job, k)
                .as_string()
                .map(|s| js_sys::Date::parse(&s))
                .filter(|t| t.is_finite())
        };
        let took = match (ts("createdAt"), ts("completedAt")) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => waited_ms,
        };
        let mut e = self.settings.estimate.get();
        e.learn(took);
        self.settings.estimate.set(e);
    }

    /// Settles the caller's promise and lets go of the signal.
    fn finish(mut self, outcome: Result<JsValue, Failure>) {
        self.stop_timers();
        if let (Some(s), Some(f)) = (&self.signal, &self.on_abort) {
            let _ = s.remove_event_listener_with_callback("abort", f.unchecked_ref());
        }
        let _ = match outcome {
            Ok(v) => self.resolve.call1(&JsValue::UNDEFINED, &v),
            Err(f) => self.reject.call1(&JsValue::UNDEFINED, &f.into_js()),
        };
    }
}
