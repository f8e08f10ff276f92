//! Retries as data: what an API request or a download does between its attempts (the client's
//! rate-limit gate, the core's backoff), one non-generic piece that both share. Each caller
//! keeps its own short loop around its own attempt: no attempt is boxed, and the waiting is not
//! copied into each caller's state machine.

use std::cell::Cell;

use web_sys::AbortSignal;

use super::host::now;
use super::js_error::Failure;
use super::race::sleep;
use crate::core::error::ErrorCode;
use crate::core::rate_gate::RateGate;
use crate::core::retry::Attempts;

/// Where a request stands between attempts: the core's `attempts`, the gate of the client (API
/// requests only: an output host's answers do not hold it), and the backoff owed.
pub struct Retrying<'a> {
    attempts: Attempts,
    gate: Option<&'a Cell<RateGate>>,
    signal: Option<&'a AbortSignal>,
    what: &'a dyn Fn() -> String,
    backoff: Option<f64>,
}

impl<'a> Retrying<'a> {
    pub fn new(
        attempts: Attempts,
        gate: Option<&'a Cell<RateGate>>,
        signal: Option<&'a AbortSignal>,
        what: &'a dyn Fn() -> String,
    ) -> Retrying<'a> {
        Retrying { attempts, gate, signal, what, backoff: None }
    }

    /// Waits until the next attempt may start: the backoff after a failure (or `Retry-After`),
    /// and the gate, re-read after each sleep (another call's 429 may have held it longer). They
    /// share one sleep, the longer of the two. An abort ends it at once.
    pub async fn ready(&mut self) -> Result<(), Failure> {
        loop {
            let held = self.gate.map_or(0.0, |gate| gate.get().wait_ms(now()));
            let wait = match self.backoff.take() {
                Some(ms) => ms.max(held),
                None if held > 0.0 => held,
                None => return Ok(()),
            };
            sleep(wait, self.signal, &(self.what)()).await?;
        }
    }

    /// An attempt failed: `Ok` to try again (after `ready`), or the failure to end with, as the
    /// core's `attempts` say (an abort always ends it). A failure holds the gate as the core says.
    pub fn failed(&mut self, failure: Failure) -> Result<(), Failure> {
        if failure.code() == ErrorCode::Aborted {
            return Err(failure);
        }
        let delay = self.attempts.after_failure(&failure.error, js_sys::Math::random());
        if let Some(gate) = self.gate {
            let mut held = gate.get();
            held.after_failure(&failure.error, delay, self.attempts.policy(), now());
            gate.set(held);
        }
        match delay {
            Some(ms) => {
                self.backoff = Some(ms as f64);
                Ok(())
            }
            None => Err(failure),
        }
    }
}
