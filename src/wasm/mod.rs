//! The JavaScript side: exports, `fetch`, timers and JS errors. No protocol logic lives here.
//! Without the `server` feature (the browser entry's module), the proxy and webhook exports
//! are left out; `js/browser.js` stands in for them.

mod allocator;
mod client;
mod js_args;
mod js_error;
mod operation;
#[cfg(feature = "server")]
mod promises;
#[cfg(feature = "server")]
mod proxy;
mod runtime;
mod transport;
mod typescript;
#[cfg(feature = "server")]
mod webhook;
