//! `GET {prefix}/v2/jobs/{id}/events`: a job's changes as Server-Sent Events, a `ReadableStream`
//! fed by one task per stream. The task sends the job as the proxy holds it (unless the caller's
//! `Last-Event-ID` has it), then waits for the record's next change, for the keep-alive comment,
//! or, while nobody pushes, for the fallback's look upstream on the adaptive schedule (so a
//! stream whose events are lost still moves and ends); it ends after the final status. The core
//! decides what each step sends (`core::pushed::stream`). A caller that goes away (the stream
//! cancelled, or `request.signal` aborted) ends the task: its timer is cleared, its look
//! upstream aborted, its subscription dropped.

use std::cell::RefCell;
use std::pin::pin;
use std::rc::Rc;

use futures_util::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Date, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, ReadableStream, ReadableStreamDefaultController};

use super::answer::Answer;
use super::job_records::Subscription;
use super::pushed_job::{to_json, Looking};
use super::Proxy;
use crate::core::proxy::Refusal;
use crate::core::pushed::{event, look_due_in_ms, opening, step, JobRecord, Opening, Step, KEEP_ALIVE, KEEP_ALIVE_MS};
use crate::wasm::abort::Aborted;
use crate::wasm::host::{json_stringify, now};

/// The least wait between two looks upstream of one stream (one that failed, or one another
/// read was making): a look that cannot move the record is not retried at once.
const LOOK_AGAIN_MS: f64 = 1_000.0;

/// The stream of `job_id` for a caller that has seen up to `last_event_id`: 404 when the proxy
/// holds no record of the job, 204 when the caller has its final event already.
pub(super) async fn open(
    proxy: &Rc<Proxy>,
    job_id: String,
    last_event_id: Option<&str>,
    caller: Option<AbortSignal>,
) -> Result<Answer, Refusal> {
    proxy.records.get(&job_id).await.ok_or_else(Refusal::no_events)?;
    // Subscribed before the record is read again: no change after that read is missed.
    let changes = proxy.records.subscribe(&job_id).await;
    let record = proxy.records.get(&job_id).await.ok_or_else(Refusal::no_events)?;
    let sent = match opening(last_event_id, &record) {
        Opening::Over => return Ok(Answer::EventsOver),
        Opening::After(sent) => sent,
    };
    let feed = Feed { proxy: proxy.clone(), job_id, sent, quiet_since: now(), look_after: 0.0 };
    let stream = start(feed, record, changes, caller).map_err(|_| Refusal::new(500, "The proxy could not open the stream"))?;
    Ok(Answer::Events(stream))
}

/// One stream's state: the job, how far the caller has it, when bytes last went out.
struct Feed {
    proxy: Rc<Proxy>,
    job_id: String,
    /// The sequence number of the last event the caller has.
    sent: u64,
    /// When the stream last sent anything (an event or a keep-alive), by the monotonic clock.
    quiet_since: f64,
    /// No look upstream before this time, by the wall clock (as the record's times are).
    look_after: f64,
}

/// What woke a waiting stream.
enum Woke {
    /// The record changed (`false`: no change can come any more).
    Changed(bool),
    /// Its timer: a keep-alive or a look upstream is due.
    Timer,
    /// The caller went away.
    Gone,
}

/// Builds the `ReadableStream` and starts its task. Cancelling the stream aborts `stop`, as
/// the caller's `request.signal` does; the task ends on either.
fn start(feed: Feed, record: JobRecord, changes: Subscription, caller: Option<AbortSignal>) -> Result<ReadableStream, JsValue> {
    let slot: Rc<RefCell<Option<ReadableStreamDefaultController>>> = Rc::default();
    let keep = slot.clone();
    let on_start = Closure::once(move |c: JsValue| {
        *keep.borrow_mut() = c.dyn_into().ok();
    });
    let stop = AbortController::new()?;
    let to_stop = stop.clone();
    let on_cancel = Closure::<dyn FnMut(JsValue)>::new(move |_reason: JsValue| to_stop.abort());
    let source = Object::new();
    Reflect::set(&source, &"start".into(), on_start.as_ref().unchecked_ref::<Function>())?;
    Reflect::set(&source, &"cancel".into(), on_cancel.as_ref().unchecked_ref::<Function>())?;
    let stream = ReadableStream::new_with_underlying_source(&source)?;
    // `start` ran in the constructor.
    let controller = slot.borrow_mut().take().ok_or(JsValue::UNDEFINED)?;
    wasm_bindgen_futures::spawn_local(async move {
        run(feed, record, changes, &controller, &stop.signal(), caller.as_ref()).await;
        // Closed or errored by now: the stream never calls `cancel` again.
        drop(on_cancel);
    });
    Ok(stream)
}

/// The task: sends what the core says at each change until the job ends or the caller goes.
async fn run(
    mut feed: Feed,
    mut record: JobRecord,
    mut changes: Subscription,
    out: &ReadableStreamDefaultController,
    stop: &AbortSignal,
    caller: Option<&AbortSignal>,
) {
    loop {
        let sent = match step(feed.sent, &record) {
            Step::Wait => true,
            Step::Send => feed.send_record(out, &record),
            Step::SendAndEnd => {
                if feed.send_record(out, &record) {
                    let _ = out.close();
                }
                return;
            }
        };
        if !sent {
            return;
        }
        match feed.wait(&record, &mut changes, stop, caller).await {
            Woke::Gone => return close(out),
            Woke::Changed(false) => return close(out),
            Woke::Changed(true) => {}
            Woke::Timer => {
                if now() - feed.quiet_since >= KEEP_ALIVE_MS && !feed.send(out, KEEP_ALIVE) {
                    return;
                }
                if feed.look_due(&record) {
                    feed.look(stop, caller).await;
                }
                if is_gone(stop, caller) {
                    return close(out);
                }
            }
        }
        match feed.proxy.records.get(&feed.job_id).await {
            Some(r) => record = r,
            // Forgotten (past the records' cap): nothing more will come.
            None => return close(out),
        }
    }
}

fn is_gone(stop: &AbortSignal, caller: Option<&AbortSignal>) -> bool {
    stop.aborted() || caller.is_some_and(AbortSignal::aborted)
}

/// Ends the stream, if the caller has not cancelled it already.
fn close(out: &ReadableStreamDefaultController) {
    let _ = out.close();
}

impl Feed {
    /// Sends `text`; `false` when the stream is gone.
    fn send(&mut self, out: &ReadableStreamDefaultController, text: &str) -> bool {
        self.quiet_since = now();
        out.enqueue_with_chunk(&Uint8Array::from(text.as_bytes())).is_ok()
    }

    /// Sends the record as an event; `false` when the stream is gone.
    fn send_record(&mut self, out: &ReadableStreamDefaultController, record: &JobRecord) -> bool {
        let Some(json) = to_json(&record.job).ok().and_then(|j| json_stringify(&j).ok()).and_then(|t| t.as_string()) else {
            return false;
        };
        self.sent = record.seq;
        self.send(out, &event(record.seq, &json))
    }

    /// Whether a look upstream is due now.
    fn look_due(&self, record: &JobRecord) -> bool {
        let wall = Date::now();
        let due_in = look_due_in_ms(record, wall, &self.proxy.expected.get(), &self.proxy.first_event.get());
        wall >= self.look_after && due_in.is_some_and(|ms| ms <= 0.0)
    }

    /// Waits for the record's next change, the next keep-alive or look, or the caller's going.
    async fn wait(&self, record: &JobRecord, changes: &mut Subscription, stop: &AbortSignal, caller: Option<&AbortSignal>) -> Woke {
        if is_gone(stop, caller) {
            return Woke::Gone;
        }
        let keep_alive = KEEP_ALIVE_MS - (now() - self.quiet_since);
        let wall = Date::now();
        let look = look_due_in_ms(record, wall, &self.proxy.expected.get(), &self.proxy.first_event.get()).map(|ms| ms.max(self.look_after - wall));
        let wait_ms = look.map_or(keep_alive, |l| l.min(keep_alive)).clamp(0.0, KEEP_ALIVE_MS).ceil() as u32;
        let gone = select(Aborted::new(Some(stop)), Aborted::new(caller));
        let changed = pin!(changes.changed());
        let woke = select(changed, TimeoutFuture::new(wait_ms));
        match select(gone, woke).await {
            Either::Left(_) => Woke::Gone,
            Either::Right((Either::Left((more, _)), _)) => Woke::Changed(more),
            Either::Right((Either::Right(_), _)) => Woke::Timer,
        }
    }

    /// One look upstream, merged into the record (which tells every stream of the job), unless
    /// another read is looking already; abandoned (the request aborted) when the caller goes.
    async fn look(&mut self, stop: &AbortSignal, caller: Option<&AbortSignal>) {
        self.look_after = Date::now() + LOOK_AGAIN_MS;
        let Some(_looking) = Looking::start(&self.proxy.looking, &self.job_id) else {
            return;
        };
        let gone = select(Aborted::new(Some(stop)), Aborted::new(caller));
        let looked = pin!(self.proxy.look_upstream(&self.job_id, Some(stop)));
        let _ = select(gone, looked).await;
    }
}
