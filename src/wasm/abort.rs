//! Waiting on an `AbortSignal`, a deadline, or both, around any future, and sleeps that an
//! abort ends at once. Listeners are removed and timers cleared when the wait ends.

use core::future::Future;
use core::pin::{pin, Pin};
use core::task::{Context, Poll};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::callbacks::{Listener, Timeout};

/// Resolves when the signal aborts.
pub struct AbortWatch {
    signal: AbortSignal,
    listener: Listener,
}

impl AbortWatch {
    pub fn new(signal: &AbortSignal) -> AbortWatch {
        let listener = Listener::new();
        let _ =
            signal.add_event_listener_with_callback("abort", listener.function().unchecked_ref());
        AbortWatch {
            signal: signal.clone(),
            listener,
        }
    }

    fn poll_fired(&mut self, cx: &mut Context<'_>) -> bool {
        // `aborted` first: it stays true, while the listener's call is reported once.
        self.signal.aborted() || self.listener.poll_called(cx)
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.listener.function().unchecked_ref());
    }
}

/// Why a guarded wait ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Aborted,
    TimedOut,
}

/// An optional abort signal and an optional deadline, shared by the steps of one attempt.
pub struct Guard {
    abort: Option<AbortWatch>,
    deadline: Option<Timeout>,
}

impl Guard {
    pub fn new(signal: Option<&AbortSignal>, timeout_ms: Option<f64>) -> Guard {
        Guard {
            abort: signal.map(AbortWatch::new),
            deadline: timeout_ms.map(Timeout::new),
        }
    }

    /// Runs `fut` unless the signal aborts or the deadline passes first.
    pub async fn run<T>(&mut self, fut: impl Future<Output = T>) -> Result<T, Interrupt> {
        let mut fut = pin!(fut);
        core::future::poll_fn(|cx| {
            if let Some(a) = &mut self.abort {
                if a.poll_fired(cx) {
                    return Poll::Ready(Err(Interrupt::Aborted));
                }
            }
            if let Some(d) = &mut self.deadline {
                if Pin::new(d).poll(cx).is_ready() {
                    return Poll::Ready(Err(Interrupt::TimedOut));
                }
            }
            fut.as_mut().poll(cx).map(Ok)
        })
        .await
    }
}

/// Sleeps `ms`, or until the signal aborts (`Err`).
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>) -> Result<(), Interrupt> {
    let mut guard = Guard::new(signal, None);
    guard.run(Timeout::new(ms)).await
}

/// The signal's `reason`, for the error's `cause`.
pub fn reason(signal: Option<&AbortSignal>) -> Option<JsValue> {
    let r = js_sys::Reflect::get(signal?, &JsValue::from_str("reason")).ok()?;
    (!r.is_undefined()).then_some(r)
}
