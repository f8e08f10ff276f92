//! The JavaScript side: exports, `fetch`, timers, signals and JS errors, as async Rust on
//! wasm-bindgen-futures. No protocol logic lives here: every decision is the core's.
//! Without the `server` feature (the browser entry's module), the proxy and webhook exports
//! are left out; `js/browser.js` stands in for them.

mod abort;
#[cfg(feature = "server")]
mod ai_sdk;
mod args;
mod capabilities;
mod client;
mod download;
mod host;
mod job_stream;
mod js_error;
mod js_fields;
mod options;
#[cfg(feature = "server")]
mod proxy;
mod race;
mod request_json;
mod retrying;
mod run_many;
mod transport;
mod trap;
mod typescript;
mod wait;
mod watch;
#[cfg(feature = "server")]
mod webhook;

/// The allocator: talc, smaller and faster than Rust's default dlmalloc on wasm (see
/// BENCHMARKS.md for both figures). One thread: no atomics.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
