//! The caller's `AbortSignal` as a future that resolves when it aborts, and removes its
//! listener when dropped (as workers-rs's `AbortSignal` wrapper does); without a signal, it
//! never resolves.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

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
