//! Promises as futures and back, for the server exports' async code (the proxy handler and
//! the webhook verifier: a few awaits per call). The client's calls need none of this: they
//! are state machines driven by callbacks (`operation.rs`).

use alloc::boxed::Box;
use core::future::Future;
use core::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::js_error::Failure;

/// A JS promise of a future. The futures are boxed so that `future_to_promise` is
/// instantiated once, not once per export.
pub fn promise(fut: impl Future<Output = Result<JsValue, Failure>> + 'static) -> Promise {
    let boxed: Pin<Box<dyn Future<Output = Result<JsValue, Failure>>>> = Box::pin(fut);
    future_to_promise(async move { boxed.await.map_err(Failure::into_js) })
}

/// A promise's outcome: `Ok(value)` or `Err(reason)`.
pub async fn settled(p: &Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p.clone()).await
}
