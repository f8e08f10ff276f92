//! The JavaScript side: exports, `fetch`, timers, signals and JS errors, as async Rust on
//! wasm-bindgen-futures. No protocol logic lives here: every decision is the core's.
//! Without the `server` feature (the browser entry's module), the proxy and webhook exports
//! are left out; `js/browser.js` stands in for them.

mod abort;
mod args;
mod client;
mod js_error;
mod options;
#[cfg(feature = "server")]
mod proxy;
mod transport;
mod trap;
mod typescript;
#[cfg(feature = "server")]
mod webhook;
