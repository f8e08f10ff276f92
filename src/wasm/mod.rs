//! The JavaScript side: exports, `fetch`, timers and JS errors. No protocol logic lives here.

mod abort;
mod callbacks;
mod client;
mod js_args;
mod js_error;
mod proxy;
mod runtime;
mod transport;
mod typescript;
mod webhook;
