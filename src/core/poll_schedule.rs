//! How long to wait before looking at a job again: a pure function of what has been seen.
//!
//! The finish is estimated from `progress` when the service reports it (rate of progress
//! over time since processing began), else from the expected duration of this model. The
//! next look is placed shortly before the estimated finish, then close around it; never
//! sooner than a floor, never later than a ceiling.

/// `x` within `[lo, hi]`; never panics (unlike `f64::clamp`, whose bounds come from callers'
/// settings here), and NaN reads as `lo`.
fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x >= lo { x.min(hi) } else { lo }
}

/// What one look at the job showed, `at_ms` after the wait began.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub at_ms: f64,
    pub processing: bool,
    pub progress: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub floor_ms: f64,
    pub ceiling_ms: f64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            floor_ms: 250.0,
            ceiling_ms: 15_000.0,
        }
    }
}

/// Learned duration of jobs, per client: a moving average of the durations seen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationEstimate {
    pub mean_ms: f64,
    pub samples: u32,
}

impl DurationEstimate {
    /// Reve's documented average.
    pub const REVE: DurationEstimate = DurationEstimate {
        mean_ms: 15_000.0,
        samples: 0,
    };

    pub fn learn(&mut self, duration_ms: f64) {
        if !(duration_ms.is_finite() && duration_ms > 0.0) {
            return;
        }
        let weight = 1.0 / f64::from(self.samples.min(9) + 2);
        self.mean_ms += (duration_ms - self.mean_ms) * weight;
        self.samples = self.samples.saturating_add(1);
    }
}

/// Progress as a fraction, at the middle of its step (the service reports whole percents).
fn fraction(p: u8) -> f64 {
    ((f64::from(p) + 0.5) / 100.0).min(0.995)
}

/// When processing began, as `(midpoint, half-width)` of the interval between the last look
/// that saw the job queued and the first that saw it processing.
fn processing_start(history: &[Observation]) -> Option<(f64, f64)> {
    let first = history.iter().position(|o| o.processing)?;
    let queued = history[..first].iter().rev().find(|o| !o.processing)?;
    let (lo, hi) = (queued.at_ms, history[first].at_ms);
    Some(((lo + hi) / 2.0, (hi - lo) / 2.0))
}

/// Processing duration `d` for which a curve `p = 1 - (1 - (t - s) / d)^k` passes through
/// `(t, p)`.
fn duration_for(t: f64, p: f64, s: f64, k: f64) -> f64 {
    (t - s) / (1.0 - (1.0 - p).powf(1.0 / k)).max(1e-9)
}

/// A finish estimate and whether it rests on a fitted curve (else it is a rough first guess).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finish {
    /// Milliseconds after the wait began.
    pub at_ms: f64,
    pub fitted: bool,
}

/// Plausible curve exponents: from back-loaded to strongly front-loaded.
const K_RANGE: (f64, f64) = (0.5, 3.0);

/// The estimated finish from the progress seen so far.
///
/// Progress curves are modelled as `p = 1 - (1 - f)^k`, `f` the fraction of processing done:
/// `k = 1` is linear, `k > 1` front-loaded (fast first, slow at the end, as diffusion models
/// report), `k < 1` back-loaded. With the start of processing bracketed and two points far
/// enough from it, `k` and the duration are fitted; otherwise the estimate is linear.
pub fn estimated_finish(history: &[Observation]) -> Option<Finish> {
    let points: Vec<(f64, f64)> = history
        .iter()
        .filter_map(|o| match o.progress {
            Some(p) if o.processing && (1..=99).contains(&p) => Some((o.at_ms, fraction(p))),
            _ => None,
        })
        .collect();
    let &(t2, p2) = points.last()?;
    let secant = points
        .iter()
        .find(|(t, p)| *t < t2 && *p < p2 - 0.02)
        .map(|&(t1, p1)| t2 + (1.0 - p2) * (t2 - t1) / (p2 - p1));
    let Some((s, uncertainty)) = processing_start(history) else {
        return Some(Finish {
            at_ms: secant.unwrap_or(t2 + (t2 - history[0].at_ms) * (1.0 - p2) / p2),
            fitted: false,
        });
    };
    let far = |s: f64, t: f64| t - s > 3.0 * uncertainty.max(1.0);
    let fit = |s: f64| -> Option<(f64, f64)> {
        let (t1, p1) = points
            .iter()
            .rev()
            .find(|(t, p)| far(s, *t) && *t < t2 && *p < p2 - 0.05)
            .copied()?;
        if !far(s, t2) {
            return None;
        }
        let gap = |k: f64| duration_for(t1, p1, s, k) - duration_for(t2, p2, s, k);
        let (mut lo, mut hi) = K_RANGE;
        if gap(lo).signum() == gap(hi).signum() {
            return None;
        }
        for _ in 0..40 {
            let mid = (lo * hi).sqrt();
            if gap(mid).signum() == gap(lo).signum() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let k = (lo * hi).sqrt();
        Some((k, duration_for(t2, p2, s, k)))
    };
    // With a third, earlier point, it places the start within its bracket: refit from there.
    let mut start = s;
    let mut fitted = fit(start);
    if let (Some(&(t0, p0)), true) = (points.first(), points.len() >= 3) {
        for _ in 0..6 {
            let Some((k, d)) = fitted else { break };
            let refined = clamp(
                t0 - d * (1.0 - (1.0 - p0).powf(1.0 / k)),
                s - uncertainty,
                s + uncertainty,
            );
            match fit(refined) {
                Some(f) => {
                    start = refined;
                    fitted = Some(f);
                }
                None => break,
            }
        }
    }
    if let Some((_, d)) = fitted {
        return Some(Finish {
            at_ms: start + d,
            fitted: true,
        });
    }
    let linear = if t2 > s {
        s + duration_for(t2, p2, s, 1.0)
    } else {
        t2
    };
    Some(Finish {
        at_ms: secant.map_or(linear, |x| x.max(linear)),
        fitted: false,
    })
}

/// Whether two looks while processing saw different progress values: a rate, not one value.
fn progress_rate_seen(history: &[Observation]) -> bool {
    let mut values = history.iter().filter(|o| o.processing).filter_map(|o| o.progress).filter(|p| (1..=99).contains(p));
    values.next().is_some_and(|first| values.any(|p| p >= first.saturating_add(2)))
}

/// The last progress seen, as a fraction.
fn last_progress(history: &[Observation]) -> f64 {
    history
        .iter()
        .rev()
        .find_map(|o| o.progress)
        .map_or(0.0, |p| f64::from(p) / 100.0)
}

/// Steps across the expected duration of a job that reports no progress, as a fraction of it.
const APPROACH_STEP: f64 = 0.08;

/// The least wait between looks at a job past its expected duration that reports no progress:
/// what the provider advises (2 to 3 s). Nothing says when such a job will end, so looking more
/// often only spends requests against the rate limit.
pub const OVERDUE_FLOOR_MS: f64 = 2_000.0;

/// How the wait grows with the time overdue: one more millisecond of wait per this many.
const OVERDUE_GROWTH: f64 = 25.0;

/// The wait before the next look at a job `overdue_ms` past its expected duration that reports
/// no progress: at least `OVERDUE_FLOOR_MS` (or the ceiling, when set below it), growing with
/// the time overdue, so a job far past its expected length is looked at less and less often.
fn overdue_delay(overdue_ms: f64, bounds: Bounds) -> f64 {
    let floor = OVERDUE_FLOOR_MS.min(bounds.ceiling_ms).max(bounds.floor_ms);
    floor + overdue_ms / OVERDUE_GROWTH
}

/// The least wait before the next look that the schedule allows now, whatever else asks for a
/// look sooner (a wait's last look before its deadline): the floor of the bounds, or, for a job
/// past its expected duration that reports no progress, `OVERDUE_FLOOR_MS`.
pub fn least_delay_ms(history: &[Observation], now_ms: f64, expected: &DurationEstimate, bounds: Bounds) -> f64 {
    if now_ms >= expected.mean_ms && estimated_finish(history).is_none() {
        overdue_delay(0.0, bounds)
    } else {
        bounds.floor_ms
    }
}

/// The wait before the next look.
pub fn next_delay_ms(
    history: &[Observation],
    now_ms: f64,
    expected: &DurationEstimate,
    bounds: Bounds,
) -> f64 {
    let floor = bounds.floor_ms;
    let delay = match estimated_finish(history) {
        // The curve is known: look just after the estimated finish.
        Some(Finish {
            at_ms,
            fitted: true,
        }) if at_ms - now_ms > floor => at_ms - now_ms + 40.0,
        // A rough estimate: look again well before it, for a point that fixes the curve. One
        // early, low progress value says little (it is floored, and the start is uncertain),
        // so a rough estimate from one value never puts the next look past half the expected
        // duration; from two that differ (a rate), only the ceiling bounds it.
        Some(Finish {
            at_ms,
            fitted: false,
        }) if at_ms - now_ms > floor => {
            let rough = (at_ms - now_ms) * 0.9;
            if progress_rate_seen(history) { rough } else { rough.min(expected.mean_ms * 0.5) }
        }
        // Due or overdue: look again soon, if the job is nearly done; otherwise the estimate
        // is off, so step at a fraction of the expected duration.
        Some(_) if last_progress(history) >= 0.9 => floor,
        Some(_) => expected.mean_ms * 0.1,
        // Not yet seen processing: an early look pins when processing begins, which the
        // curve fit needs; a job queued past the expected duration is looked at less often.
        None if !history.iter().any(|o| o.processing) => {
            let early = expected.mean_ms * 0.2;
            match now_ms - expected.mean_ms {
                overdue if overdue > 0.0 => early.max(overdue_delay(overdue, bounds)),
                _ => early,
            }
        }
        // Processing without progress: close in on the expected duration, step across it,
        // then, overdue, look less and less often.
        None => {
            let remaining = expected.mean_ms - now_ms;
            if remaining > expected.mean_ms * 0.2 {
                remaining * 0.75
            } else if remaining > 0.0 {
                (expected.mean_ms * APPROACH_STEP).min(OVERDUE_FLOOR_MS).max(floor)
            } else {
                overdue_delay(-remaining, bounds)
            }
        }
    };
    clamp(delay, floor, bounds.ceiling_ms.max(floor))
}

#[cfg(test)]
#[path = "poll_schedule_tests.rs"]
mod tests;
