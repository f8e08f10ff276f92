//! The emulator's simulation pieces, shared with the benchmarks so that the poll-schedule
//! simulator and the emulator move jobs through time the same way.

pub mod rng;
pub mod timeline;
