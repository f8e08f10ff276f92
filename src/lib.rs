//! apiframe-reve: Reve image generation through Apiframe's unified image API.
//!
//! [`core`] is the protocol as plain Rust (types, validation, errors, retries, the poll
//! schedule, the proxy's policy), tested natively; on `wasm32` the `wasm` module awaits
//! `fetch`, timers and signals and exports the JavaScript API.

#[macro_use]
mod fields;

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;
