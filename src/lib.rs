//! apiframe-reve: Reve image generation through Apiframe's unified image API.
//!
//! [`core`] is the protocol as plain Rust (validation, errors, retries, the poll schedule);
//! on `wasm32` the `wasm` module moves its bytes through `fetch` and timers and exports the
//! JavaScript API.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;
