//! Racing and sleeping: a piece of work against a deadline (a gloo timer, or a limit on
//! silence) and the caller's signal, the losers dropped (the timer cleared, the listener
//! removed, an abort guard fired). The deadline and the signal are one non-generic future
//! (`Stop`): each race's own code is only its work's.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::{Context, Poll};

use futures_util::future::pending;
use gloo_timers::future::TimeoutFuture;
use web_sys::AbortSignal;

use super::abort::Aborted;
use super::host::now;
use super::js_error::{aborted, Failure};
use crate::core::error::{ApiError, ErrorCode};

/// A `setTimeout` delay: Node and browsers cap them at 2^31 - 1 ms.
fn timer_ms(ms: f64) -> u32 {
    if ms >= 0.0 { ms.min(2_147_483_647.0) as u32 } else { 0 }
}

/// How a raced piece of work ended.
pub enum Won<T> {
    Done(T),
    Deadline,
    Aborted,
}

/// Runs `work` until it ends, `limit_ms` passes (never, for `None`) or `signal` aborts. The
/// losers are dropped: the timer is cleared, the abort listener removed.
pub async fn race<T>(work: impl Future<Output = T>, limit_ms: Option<f64>, signal: Option<&AbortSignal>) -> Won<T> {
    let deadline = match limit_ms {
        Some(ms) => Deadline::Timer(TimeoutFuture::new(timer_ms(ms))),
        None => Deadline::Never,
    };
    race_until(work, deadline, signal).await
}

/// Runs `work` until it ends, `silence` passes (its limit without a sign of life) or `signal`
/// aborts; the losers are dropped.
pub async fn race_silence<T>(work: impl Future<Output = T>, silence: &Silence, signal: Option<&AbortSignal>) -> Won<T> {
    race_until(work, Deadline::Other(Box::pin(silence.passed())), signal).await
}

/// When a raced piece of work loses to time.
enum Deadline<'a> {
    Never,
    Timer(TimeoutFuture),
    Other(Pin<Box<dyn Future<Output = ()> + 'a>>),
}

/// What ends a raced piece of work early: its deadline, or the caller's signal. One
/// non-generic future, polled out of line: every race shares it, whatever its work.
struct Stop<'a> {
    deadline: Deadline<'a>,
    aborted: Aborted,
}

impl Future for Stop<'_> {
    type Output = Won<()>;

    #[inline(never)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Won<()>> {
        // The deadline first, then the signal (as `select` polled them).
        let timed_out = match &mut self.deadline {
            Deadline::Never => false,
            Deadline::Timer(timer) => Pin::new(timer).poll(cx).is_ready(),
            Deadline::Other(future) => future.as_mut().poll(cx).is_ready(),
        };
        if timed_out {
            return Poll::Ready(Won::Deadline);
        }
        Pin::new(&mut self.aborted).poll(cx).map(|()| Won::Aborted)
    }
}

async fn race_until<T>(work: impl Future<Output = T>, deadline: Deadline<'_>, signal: Option<&AbortSignal>) -> Won<T> {
    if signal.is_some_and(AbortSignal::aborted) {
        return Won::Aborted;
    }
    let mut stop = Stop { deadline, aborted: Aborted::new(signal) };
    let mut work = pin!(work);
    // The deadline and the signal are polled first: when both are ready in one turn, the work
    // loses (a poll due at the deadline does not start).
    poll_fn(|cx| match Pin::new(&mut stop).poll(cx) {
        Poll::Ready(Won::Deadline) => Poll::Ready(Won::Deadline),
        Poll::Ready(_) => Poll::Ready(Won::Aborted),
        Poll::Pending => work.as_mut().poll(cx).map(Won::Done),
    })
    .await
}

/// A time limit on silence: it passes once `limit_ms` went by without `heard()`. One timer,
/// re-armed for what is left when it fires after a sign of life, not a timer per sign.
pub struct Silence {
    limit_ms: f64,
    last: Cell<f64>,
}

impl Silence {
    /// The silence starts now.
    pub fn new(limit_ms: f64) -> Silence {
        Silence { limit_ms, last: Cell::new(now()) }
    }

    /// Something arrived: the silence starts over.
    pub fn heard(&self) {
        self.last.set(now());
    }

    async fn passed(&self) {
        loop {
            let left = self.limit_ms - (now() - self.last.get());
            if left <= 0.0 {
                return;
            }
            // Rounded up: a timer of 0 ms for a fraction left would spin.
            TimeoutFuture::new(timer_ms(left.ceil())).await;
        }
    }
}

/// Sleeps `ms`, or ends early with `aborted` when the signal fires.
pub async fn sleep(ms: f64, signal: Option<&AbortSignal>, what: &str) -> Result<(), Failure> {
    match race(pending::<()>(), Some(ms), signal).await {
        Won::Aborted => Err(aborted(signal, what)),
        _ => Ok(()),
    }
}

/// One attempt's work, within its time limit and the caller's signal: `timeout` or `aborted`
/// (naming `what`) when it does not end first. The work is dropped then (its abort guard
/// fires).
pub async fn bounded<T>(
    work: impl Future<Output = Result<T, Failure>>,
    limit_ms: f64,
    signal: Option<&AbortSignal>,
    what: &dyn Fn() -> String,
) -> Result<T, Failure> {
    match race(work, Some(limit_ms), signal).await {
        Won::Done(outcome) => outcome,
        Won::Deadline => Err(ApiError::new(ErrorCode::Timeout, format!("{} took longer than {limit_ms} ms", what())).into()),
        Won::Aborted => Err(aborted(signal, &what())),
    }
}
