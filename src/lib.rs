//! apiframe-reve: Reve image generation through Apiframe's unified image API.
//!
//! [`core`] is the protocol as plain Rust (validation, errors, retries, the poll schedule);
//! on `wasm32` the `wasm` module moves its bytes through `fetch` and timers and exports the
//! JavaScript API.

// No `std` in the WebAssembly build: with our own panic handler and allocator, nothing pulls
// in `core::fmt` or std's panic machinery (see `wasm/runtime.rs`). Natively, std is there for
// the tests.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

#[macro_use]
pub mod core;

#[cfg(target_arch = "wasm32")]
mod wasm;
