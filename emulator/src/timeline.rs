//! How a simulated job moves through time: a queue wait, then processing with a progress
//! curve, then its outcome. Status and progress are derived from elapsed time, so reads
//! are exact and cheap.

use crate::rng::SplitMix64;

/// Where a job stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Queued,
    Processing { progress: u8 },
    Done,
}

/// A job's simulated durations, drawn once when it is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    pub queued_ms: u64,
    pub processing_ms: u64,
}

/// Exponent of the progress curve: fast at first, slowing towards the end, like diffusion
/// samplers whose last steps (decode, upload) report little.
const CURVE: f64 = 1.3;

impl Timeline {
    /// Total duration lognormal around `job_ms` (sigma 0.25, clamped to 0.4x..2.5x); 5-15 % of
    /// it waiting in the queue.
    pub fn draw(rng: &mut SplitMix64, job_ms: u64) -> Self {
        let factor = (0.25 * rng.normal()).exp().clamp(0.4, 2.5);
        let total = (job_ms as f64 * factor).round() as u64;
        let queued_ms = (total as f64 * (0.05 + 0.10 * rng.next_f64())).round() as u64;
        Self {
            queued_ms,
            processing_ms: total.saturating_sub(queued_ms).max(1),
        }
    }

    pub fn total_ms(&self) -> u64 {
        self.queued_ms + self.processing_ms
    }

    pub fn phase(&self, elapsed_ms: u64) -> Phase {
        if elapsed_ms < self.queued_ms {
            Phase::Queued
        } else if elapsed_ms < self.total_ms() {
            let f = (elapsed_ms - self.queued_ms) as f64 / self.processing_ms as f64;
            Phase::Processing {
                progress: progress_at(f),
            }
        } else {
            Phase::Done
        }
    }

    /// Milliseconds after creation at which progress first reaches `percent` (1..=99).
    pub fn time_of_progress(&self, percent: u8) -> u64 {
        let p = f64::from(percent.min(99)) / 100.0;
        let f = 1.0 - (1.0 - p).powf(1.0 / CURVE);
        self.queued_ms + (f * self.processing_ms as f64).ceil() as u64
    }
}

/// Progress 0..=99 for a fraction of processing done; 100 only once the job has completed.
pub fn progress_at(fraction: f64) -> u8 {
    let f = fraction.clamp(0.0, 1.0);
    ((1.0 - (1.0 - f).powf(CURVE)) * 100.0).floor().min(99.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_monotone_and_below_100() {
        let mut last = 0;
        for i in 0..=1000 {
            let p = progress_at(f64::from(i) / 1000.0);
            assert!(p >= last && p <= 99);
            last = p;
        }
        assert_eq!(last, 99);
    }

    #[test]
    fn phases_follow_in_order() {
        let t = Timeline {
            queued_ms: 100,
            processing_ms: 1000,
        };
        assert_eq!(t.phase(0), Phase::Queued);
        assert_eq!(t.phase(100), Phase::Processing { progress: 0 });
        assert!(matches!(t.phase(600), Phase::Processing { progress } if progress > 50));
        assert_eq!(t.phase(1100), Phase::Done);
    }

    #[test]
    fn time_of_progress_inverts_the_curve() {
        let t = Timeline {
            queued_ms: 50,
            processing_ms: 10_000,
        };
        for p in [1u8, 25, 50, 75, 99] {
            match t.phase(t.time_of_progress(p)) {
                Phase::Processing { progress } => assert!(progress >= p, "{progress} < {p}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn durations_spread_around_the_mean() {
        let mut rng = SplitMix64::new(42);
        let n = 5000;
        let totals: Vec<u64> = (0..n)
            .map(|_| Timeline::draw(&mut rng, 15_000).total_ms())
            .collect();
        let mean = totals.iter().sum::<u64>() as f64 / n as f64;
        assert!((14_000.0..16_500.0).contains(&mean), "mean {mean}");
        assert!(totals.iter().all(|t| (6_000..=37_500).contains(t)));
        assert!(totals.iter().any(|t| *t < 11_000) && totals.iter().any(|t| *t > 20_000));
    }
}
