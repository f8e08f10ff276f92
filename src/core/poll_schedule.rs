//! How long to wait before looking at a job again: a pure function of what has been seen.
//!
//! The finish is estimated from `progress` when the service reports it (rate of progress
//! over time since processing began), else from the expected duration of this model. The
//! next look is placed shortly before the estimated finish, then close around it; never
//! sooner than a floor, never later than a ceiling.

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
            ceiling_ms: 5_000.0,
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

/// Estimated milliseconds from `now_ms` until the job finishes (may be negative: overdue).
pub fn estimated_remaining_ms(
    history: &[Observation],
    now_ms: f64,
    expected: &DurationEstimate,
) -> f64 {
    let mut with_progress = history
        .iter()
        .filter(|o| o.processing && o.progress.is_some_and(|p| p > 0));
    let Some(first) = with_progress.next() else {
        return expected.mean_ms - now_ms;
    };
    let last = with_progress.last().unwrap_or(first);
    let p_last = f64::from(last.progress.unwrap_or(1)).min(100.0);
    let p_first = f64::from(first.progress.unwrap_or(1));
    let per_ms = if p_last > p_first && last.at_ms > first.at_ms {
        // Two looks with progress: the rate between them.
        (p_last - p_first) / (last.at_ms - first.at_ms)
    } else {
        // One look: progress since processing began, which lies between the last look that
        // saw the job queued and the first that saw it processing.
        let seen_processing = history
            .iter()
            .find(|o| o.processing)
            .map_or(first.at_ms, |o| o.at_ms);
        match history
            .iter()
            .rev()
            .find(|o| !o.processing && o.at_ms < seen_processing)
        {
            Some(q) => p_last / (last.at_ms - (q.at_ms + seen_processing) / 2.0).max(1.0),
            None => 100.0 / expected.mean_ms.max(1.0),
        }
    };
    last.at_ms + (100.0 - p_last) / per_ms.max(1e-6) - now_ms
}

/// The wait before the next look.
pub fn next_delay_ms(
    history: &[Observation],
    now_ms: f64,
    expected: &DurationEstimate,
    bounds: Bounds,
) -> f64 {
    let remaining = estimated_remaining_ms(history, now_ms, expected);
    let delay = if remaining > 2.0 * bounds.floor_ms {
        // Aim just before the estimate: progress curves slow near the end, so a second look
        // close to the finish costs less than a late one.
        remaining * 0.8
    } else {
        // Due or overdue: look often, backing off slowly the longer it runs over.
        let overdue = (-remaining).max(0.0);
        bounds.floor_ms + overdue * 0.1
    };
    delay.clamp(bounds.floor_ms, bounds.ceiling_ms.max(bounds.floor_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn waits_for_most_of_the_expected_duration_before_the_first_progress() {
        let d = next_delay_ms(&[], 0.0, &DurationEstimate::REVE, Bounds::default());
        assert_eq!(d, 5_000.0, "capped by the ceiling");
        let d = next_delay_ms(&[], 12_000.0, &DurationEstimate::REVE, Bounds::default());
        assert!((2_000.0..=3_000.0).contains(&d), "{d}");
    }

    #[test]
    fn extrapolates_from_progress() {
        let h = [
            Observation {
                at_ms: 0.0,
                processing: false,
                progress: Some(0),
            },
            Observation {
                at_ms: 1_000.0,
                processing: true,
                progress: Some(10),
            },
            Observation {
                at_ms: 5_000.0,
                processing: true,
                progress: Some(50),
            },
        ];
        let remaining = estimated_remaining_ms(&h, 5_000.0, &DurationEstimate::REVE);
        assert!((4_000.0..6_500.0).contains(&remaining), "{remaining}");
    }

    #[test]
    fn overdue_jobs_are_polled_near_the_floor_then_slower() {
        let b = Bounds::default();
        assert_eq!(
            next_delay_ms(&[], 15_000.0, &DurationEstimate::REVE, b),
            250.0
        );
        let late = next_delay_ms(&[], 45_000.0, &DurationEstimate::REVE, b);
        assert!(late > 250.0 && late <= 5_000.0);
    }

    #[test]
    fn learns_durations() {
        let mut e = DurationEstimate::REVE;
        for _ in 0..30 {
            e.learn(60_000.0);
        }
        assert!(e.mean_ms > 55_000.0, "{}", e.mean_ms);
        e.learn(f64::NAN);
        assert!(e.mean_ms.is_finite());
    }

    proptest! {
        #[test]
        fn always_within_bounds(
            looks in proptest::collection::vec((0.0f64..100_000.0, any::<bool>(), proptest::option::of(0u8..=100)), 0..12),
            extra in 0.0f64..50_000.0,
            mean in 1.0f64..200_000.0,
        ) {
            let mut h: Vec<Observation> = looks.into_iter().map(|(at_ms, processing, progress)| Observation { at_ms, processing, progress }).collect();
            h.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
            let now = h.last().map(|o| o.at_ms).unwrap_or(0.0) + extra;
            let d = next_delay_ms(&h, now, &DurationEstimate { mean_ms: mean, samples: 1 }, Bounds::default());
            prop_assert!((250.0..=5_000.0).contains(&d), "{}", d);
        }
    }
}
