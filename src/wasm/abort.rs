//! Aborts both ways. The caller's `AbortSignal` as a future that resolves when it aborts and
//! removes its listener when dropped (the wrapper workers-rs keeps in `worker/src/abort.rs`);
//! without a signal, it never resolves. And `AbortGuard`, an `AbortController` that aborts what
//! it started when dropped unfinished (reqwest's `AbortGuard`, in its `src/wasm/mod.rs`).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

/// Aborts its controller's work (a fetch and its body) when dropped, unless disarmed.
pub struct AbortGuard {
    controller: AbortController,
    armed: bool,
}

impl AbortGuard {
    pub fn new() -> Result<AbortGuard, JsValue> {
        Ok(AbortGuard { controller: AbortController::new()?, armed: true })
    }

    /// The signal to hand to `fetch`.
    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Aborts now (the guard stays, so later `signal()`s read as aborted).
    pub fn abort(&self) {
        self.controller.abort();
    }

    /// The work ended on its own: nothing to abort.
    pub fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        if self.armed {
            self.controller.abort();
        }
    }
}

pub struct Aborted {
    watch: Option<Watch>,
}

struct Watch {
    signal: AbortSignal,
    waker: Rc<RefCell<Option<Waker>>>,
    listener: Closure<dyn FnMut()>,
}

impl Aborted {
    pub fn new(signal: Option<&AbortSignal>) -> Aborted {
        let watch = signal.map(|signal| {
            let waker: Rc<RefCell<Option<Waker>>> = Rc::default();
            let to_wake = waker.clone();
            let listener = Closure::<dyn FnMut()>::new(move || {
                if let Some(w) = to_wake.borrow_mut().take() {
                    w.wake();
                }
            });
            let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
            Watch { signal: signal.clone(), waker, listener }
        });
        Aborted { watch }
    }
}

impl Future for Aborted {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.watch {
            Some(w) if w.signal.aborted() => Poll::Ready(()),
            Some(w) => {
                *w.waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
            None => Poll::Pending,
        }
    }
}

impl Drop for Aborted {
    fn drop(&mut self) {
        if let Some(w) = &self.watch {
            let _ = w
                .signal
                .remove_event_listener_with_callback("abort", w.listener.as_ref().unchecked_ref());
        }
    }
}
