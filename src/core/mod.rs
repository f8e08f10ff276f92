//! The sans-IO core: the protocol as plain Rust. The serde types of the wire and of the
//! caller's arguments, their validation, response and error mapping, retry decisions, the poll
//! schedule, the wait and the proxy's policy; no JavaScript, no I/O, tested natively.

// `ApiError` is large (message, details, ids), but errors are the cold path and go whole to
// JavaScript: boxing them would cost an allocation per error and buy nothing on the hot path.
#![allow(clippy::result_large_err)]

pub mod ai_sdk;
pub mod capabilities;
pub mod decode;
pub mod download;
pub mod error;
pub mod extra_headers;
pub mod field_search;
pub mod job;
pub mod job_owners;
pub mod list_params;
pub mod option_names;
pub mod poll_schedule;
pub mod proxy;
pub mod pushed;
pub mod rate_gate;
pub mod request;
pub mod request_source;
pub mod response;
pub mod retry;
pub mod retry_after;
pub mod routes;
pub mod serde_names;
pub mod settings;
pub mod sse_reader;
pub mod wait;
pub mod webhook;
