//! The sans-IO core: the protocol as plain Rust. Request validation, response and error
//! mapping, retry decisions and the poll schedule; no JavaScript, no I/O, tested natively.

// `ApiError` is large (message, details, ids), but errors are the cold path and go whole to
// JavaScript: boxing them would cost an allocation per error and buy nothing on the hot path.
#![allow(clippy::result_large_err)]

#[macro_use]
pub mod text;
pub mod error;
pub mod float;
pub mod job;
pub mod json;
pub mod option_names;
pub mod poll_schedule;
pub mod proxy;
pub mod request;
pub mod response;
pub mod retry;
pub mod retry_after;
pub mod routes;
pub mod wait;
pub mod webhook;
