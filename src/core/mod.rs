//! The sans-IO core: the protocol as plain Rust. Request validation, response and error
//! mapping, retry decisions and the poll schedule; no JavaScript, no I/O, tested natively.

pub mod error;
pub mod job;
pub mod poll_schedule;
pub mod proxy;
pub mod request;
pub mod response;
pub mod retry;
pub mod retry_after;
pub mod routes;
pub mod webhook;
