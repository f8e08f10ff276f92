//! JavaScript callbacks into Rust futures, without a closure each. A `setTimeout`, a
//! promise's `then` or an event listener calls one of two long-lived functions with a slot
//! number (via `bind` or `setTimeout`'s extra argument); the slot holds the outcome and the
//! waiting task's waker.
//! `wasm_bindgen::Closure` and `JsFuture` would allocate and register (with a
//! FinalizationRegistry) one JS function per timer and two per promise: the bulk of the
//! client's per-request overhead.
//!
//! Slots carry a generation, so a late callback for a future that was dropped (an abort, a
//! deadline) finds a newer generation in its slot and is ignored.

use alloc::vec::Vec;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The global `setTimeout`; extra arguments go to the callback. Returns a number in
    /// browsers and a `Timeout` object in Node.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &HandlerFn, ms: f64, key: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    /// One of the two handlers, as a JS function.
    type HandlerFn;
    /// `handler.bind(undefined, key)`
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_key(this: &HandlerFn, context: &JsValue, key: f64) -> JsValue;
    /// A promise, seen only for its `then`.
    type Thenable;
    /// `promise.then(ok, err)`; throws if `then` is not a function (a caller's `fetch` may
    /// hand back anything).
    #[wasm_bindgen(method, catch, js_name = then)]
    fn then_both(this: &Thenable, ok: &JsValue, err: &JsValue) -> Result<JsValue, JsValue>;
}

enum State {
    Free,
    Waiting(Option<Waker>),
    Done(Result<JsValue, JsValue>),
}

struct Slot {
    generation: u32,
    state: State,
}

/// `(key, outcome) => settle(key, outcome)`, called by JS.
type Handler = Closure<dyn FnMut(f64, JsValue)>;

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// `(key, value) => settle(key, Ok(value))` and `(key, error) => settle(key, Err(error))`.
    handlers: Option<(Handler, Handler)>,
}

#[cfg(target_feature = "atomics")]
compile_error!("callbacks.rs assumes one thread: build without the atomics target feature");

/// The registry of this (single-threaded) wasm instance.
struct Global(RefCell<Option<Registry>>);
// SAFETY: wasm32-unknown-unknown without atomics has exactly one thread.
unsafe impl Sync for Global {}
static REGISTRY: Global = Global(RefCell::new(None));

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    let mut r = REGISTRY.0.borrow_mut();
    f(r.get_or_insert_with(Registry::default))
}

/// A slot's key as JS sees it: index and generation in one safe integer.
fn key(index: u32, generation: u32) -> f64 {
    f64::from(generation) * 4_294_967_296.0 + f64::from(index)
}

fn settle(key: f64, outcome: Result<JsValue, JsValue>) {
    let index = (key % 4_294_967_296.0) as u32;
    let generation = (key / 4_294_967_296.0) as u32;
    let waker = with(|r| {
        let slot = r.slots.get_mut(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        match core::mem::replace(&mut slot.state, State::Done(outcome)) {
            State::Waiting(w) => w,
            // Settled twice (cannot happen for a promise or a timer): keep the first.
            other => {
                slot.state = other;
                None
            }
        }
    });
    // Woken outside the borrow: the task may run and touch the registry.
    if let Some(w) = waker {
        w.wake();
    }
}

/// The two handlers, made at first use. Borrowed, not cloned: a clone and its drop would be
/// two more calls across the boundary per promise.
fn handlers(r: &mut Registry) -> (&HandlerFn, &HandlerFn) {
    let pair: &(Handler, Handler) = r.handlers.get_or_insert_with(|| {
        (
            Closure::new(|k: f64, v: JsValue| settle(k, Ok(v))),
            Closure::new(|k: f64, e: JsValue| settle(k, Err(e))),
        )
    });
    (
        pair.0.as_ref().unchecked_ref(),
        pair.1.as_ref().unchecked_ref(),
    )
}

/// A slot waiting for one callback; freed when dropped.
struct Pending {
    index: u32,
    generation: u32,
}

impl Pending {
    fn new() -> Pending {
        with(|r| {
            let index = match r.free.pop() {
                Some(i) => i,
                None => {
                    r.slots.push(Slot {
                        generation: 0,
                        state: State::Free,
                    });
                    (r.slots.len() - 1) as u32
                }
            };
            let slot = &mut r.slots[index as usize];
            slot.state = State::Waiting(None);
            Pending {
                index,
                generation: slot.generation,
            }
        })
    }

    fn key(&self) -> f64 {
        key(self.index, self.generation)
    }

    fn poll_outcome(&mut self, cx: &mut Context<'_>) -> Poll<Result<JsValue, JsValue>> {
        with(|r| {
            let Some(slot) = r.slots.get_mut(self.index as usize) else {
                return Poll::Ready(Err(JsValue::UNDEFINED));
            };
            match core::mem::replace(&mut slot.state, State::Waiting(None)) {
                State::Done(outcome) => {
                    // Polled again after this: pending for ever, never a panic.
                    Poll::Ready(outcome)
                }
                _ => {
                    slot.state = State::Waiting(Some(cx.waker().clone()));
                    Poll::Pending
                }
            }
        })
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        with(|r| {
            if let Some(slot) = r.slots.get_mut(self.index as usize) {
                slot.generation = slot.generation.wrapping_add(1) % 1_048_576;
                slot.state = State::Free;
                r.free.push(self.index);
            }
        });
    }
}

/// A promise as a future: `Ok(value)` or `Err(reason)`.
pub struct Settled {
    pending: Pending,
}

impl Settled {
    pub fn new(promise: &Promise) -> Settled {
        let pending = Pending::new();
        let k = pending.key();
        // `bind` cannot call back into Rust, so it may run inside the borrow; `then` may (a
        // caller's thenable), so it runs outside.
        let (ok, err) = with(|r| {
            let (ok, err) = handlers(r);
            (
                ok.bind_key(&JsValue::UNDEFINED, k),
                err.bind_key(&JsValue::UNDEFINED, k),
            )
        });
        if let Err(e) = promise.unchecked_ref::<Thenable>().then_both(&ok, &err) {
            settle(k, Err(e));
        }
        Settled { pending }
    }
}

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.pending.poll_outcome(cx)
    }
}

/// A function for `addEventListener` whose first call wakes the task polling it. Whoever adds
/// it removes it, with the same function, when done.
pub struct Listener {
    pending: Pending,
    function: JsValue,
}

impl Listener {
    pub fn new() -> Listener {
        let pending = Pending::new();
        let k = pending.key();
        // `bind` cannot call back into Rust: it may run inside the borrow.
        let function = with(|r| handlers(r).0.bind_key(&JsValue::UNDEFINED, k));
        Listener { pending, function }
    }

    pub fn function(&self) -> &JsValue {
        &self.function
    }

    /// Whether it has been called; if not, the task is woken when it is.
    pub fn poll_called(&mut self, cx: &mut Context<'_>) -> bool {
        self.pending.poll_outcome(cx).is_ready()
    }
}

/// A `setTimeout` as a future; cleared when dropped.
pub struct Timeout {
    pending: Pending,
    id: JsValue,
}

impl Timeout {
    pub fn new(ms: f64) -> Timeout {
        let pending = Pending::new();
        // Node and browsers cap delays at 2^31 - 1 ms (longer ones would fire at once).
        let ms = crate::core::float::clamp(ms, 0.0, 2_147_483_647.0);
        // setTimeout never calls back at once: it may run inside the borrow.
        let id = with(|r| set_timeout(handlers(r).0, ms, pending.key()));
        Timeout { pending, id }
    }
}

impl Future for Timeout {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.pending.poll_outcome(cx).map(|_| ())
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
