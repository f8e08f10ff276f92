//! Promises for the exports, and what a trap leaves behind. Each call is a future spawned on
//! wasm-bindgen-futures' executor; its promise's `reject` is kept while it runs.
//!
//! A panic is a bug. The package is built with `-Cpanic=immediate-abort` (scripts/wasm-cargo.mjs):
//! a panic is a plain `unreachable`, which traps the instance with no hook and no message code.
//! The glue's guard on every export (`scripts/recoverable-glue.mjs`; wasm-bindgen's own abort
//! handler needs wasm exception handling, whose `try_table` Node 18 and 20 cannot compile) sees
//! the trap surface and calls [`apiframe_after_trap`] in the trapped instance: it rejects every
//! call in flight at once (typed `internal`), marks the instance stopped (a callback of it that
//! still runs ends quietly), and schedules a reinit (`wasm_bindgen::handler::schedule_reinit`,
//! as workers-rs does on abort): the next call into the module gets a fresh instance. What the
//! reinit leaves undone in wasm-bindgen's glue (the dead instance's callbacks, a trap inside
//! one, objects made before, return slots) is patched there too. So nothing hangs, no stray
//! exception reaches the host, and the library works again at the next call.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use futures_util::future::poll_fn;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

use super::js_error::Failure;
use crate::core::error::{ApiError, ErrorCode};

static STOPPED: AtomicBool = AtomicBool::new(false);

/// A call in flight: its promise's `reject`, and its future, which a trap drops.
struct InFlight {
    id: u32,
    reject: Function,
    call: Rc<RefCell<Option<Call>>>,
}

thread_local! {
    static IN_FLIGHT: RefCell<Vec<InFlight>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// The module's start function. It has nothing to do, but wasm-bindgen's reinit
/// (`__wbg_reset_state`) calls the start export of each fresh instance whether the module has
/// one or not.
#[wasm_bindgen(start)]
fn start() {}

/// The error of every call once the instance has stopped.
#[cold]
pub fn stopped() -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        "apiframe-reve hit an internal error (a bug in the library: please report it); the calls in \
         flight were ended, and the next call starts a fresh instance",
    )
}

/// `Err(stopped)` once the instance has trapped: every export checks it first.
pub fn check() -> Result<(), ApiError> {
    if STOPPED.load(Ordering::Relaxed) {
        Err(stopped())
    } else {
        Ok(())
    }
}

/// Run by the glue's export guard once a call into the module has trapped, in the trapped
/// instance (its memory is whole: a trap only unwinds the wasm stack). Not for callers.
#[no_mangle]
#[cold]
pub extern "C" fn apiframe_after_trap() {
    if STOPPED.swap(true, Ordering::Relaxed) {
        return;
    }
    // Taken, not copied: after an allocation failure, allocating here could trap again.
    let calls: Vec<InFlight> = IN_FLIGHT.with(|m| m.try_borrow_mut().map(|mut m| std::mem::take(&mut *m)).unwrap_or_default());
    for call in calls {
        let _ = call.reject.call1(&JsValue::UNDEFINED, &Failure::from(stopped()).into_js());
        // Dropping the future clears its timers, aborts its fetches and removes its listeners,
        // so nothing of the dead instance keeps running (or keeps a process alive). The call
        // being polled when the trap struck is still borrowed: it is left with the instance.
        if let Ok(mut future) = call.call.try_borrow_mut() {
            drop(future.take());
        }
    }
    // The next call into the module gets a fresh instance (as workers-rs does on abort).
    wasm_bindgen::handler::schedule_reinit();
}

type Call = Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>>;

/// The promise of a call. Boxed, so one instantiation serves every export.
pub fn promise(call: impl Future<Output = Result<JsValue, Failure>> + 'static) -> Promise {
    run(Box::pin(call))
}

fn run(call: Call) -> Promise {
    if let Err(e) = check() {
        return Promise::reject(&Failure::from(e).into_js());
    }
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else {
        return promise;
    };
    let id = NEXT_ID.with(|n| {
        let id = n.get().wrapping_add(1);
        n.set(id);
        id
    });
    let call = Rc::new(RefCell::new(Some(call)));
    IN_FLIGHT.with(|m| m.borrow_mut().push(InFlight { id, reject: reject.clone(), call: call.clone() }));
    wasm_bindgen_futures::spawn_local(async move {
        // Once stopped (or dropped by the trap), a call that is woken again ends here.
        let outcome = poll_fn(|cx| {
            if check().is_err() {
                return Poll::Ready(None);
            }
            match call.try_borrow_mut().as_deref_mut() {
                Ok(Some(future)) => future.as_mut().poll(cx).map(Some),
                _ => Poll::Ready(None),
            }
        })
        .await;
        IN_FLIGHT.with(|m| m.borrow_mut().retain(|c| c.id != id));
        let _ = match outcome {
            Some(Ok(v)) => resolve.call1(&JsValue::UNDEFINED, &v),
            Some(Err(f)) => reject.call1(&JsValue::UNDEFINED, &f.into_js()),
            None => Ok(JsValue::UNDEFINED),
        };
    });
    promise
}

/// Traps, as a bug would: for the tests of what a trap leaves behind. Only in builds with the
/// `trap-for-tests` feature, never in the package.
#[cfg(feature = "trap-for-tests")]
#[wasm_bindgen(js_name = __trapForTests)]
pub fn trap_for_tests() {
    panic!("a trap for the tests");
}

/// Traps inside an async task (a callback of the host's, as most bugs would), after `ms`: for
/// the tests. Its own promise rejects `internal`. Only with the `trap-for-tests` feature.
#[cfg(feature = "trap-for-tests")]
#[wasm_bindgen(js_name = __trapLaterForTests)]
pub fn trap_later_for_tests(ms: u32) -> Promise {
    promise(async move {
        gloo_timers::future::TimeoutFuture::new(ms).await;
        panic!("a trap in a task for the tests");
    })
}

/// Overflows the module's stack (as a runaway recursion would): for the tests of a trap whose
/// handling needs the stack given back first. Only with the `trap-for-tests` feature.
#[cfg(feature = "trap-for-tests")]
#[wasm_bindgen(js_name = __overflowForTests)]
pub fn overflow_for_tests() -> u32 {
    #[inline(never)]
    fn deep(n: u32) -> u32 {
        let frame = std::hint::black_box([n as u8; 4096]);
        if std::hint::black_box(n) == u32::MAX {
            return 0;
        }
        deep(n + 1).wrapping_add(u32::from(frame[(n % 4096) as usize]))
    }
    deep(0)
}
