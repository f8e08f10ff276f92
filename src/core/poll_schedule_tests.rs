//! The tests of core::poll_schedule, natively.
use super::*;
use proptest::prelude::*;

fn obs(at_ms: f64, processing: bool, progress: Option<u8>) -> Observation {
    Observation {
        at_ms,
        processing,
        progress,
    }
}

#[test]
fn looks_early_once_to_see_processing_begin() {
    let d = next_delay_ms(
        &[obs(0.0, false, None)],
        0.0,
        &DurationEstimate::REVE,
        Bounds::default(),
    );
    assert_eq!(d, 3_000.0, "a fifth of the expected 15 s");
}

#[test]
fn extrapolates_from_one_progress_point() {
    let h = [
        obs(0.0, false, Some(0)),
        obs(1_000.0, true, Some(10)),
        obs(5_000.0, true, Some(50)),
    ];
    let remaining = estimated_finish(&h).unwrap().at_ms - 5_000.0;
    assert!((4_000.0..6_500.0).contains(&remaining), "{remaining}");
}

#[test]
fn fits_a_front_loaded_curve_and_aims_just_after_its_end() {
    // Processing from 1 000 ms for 12 000 ms, progress 1 - (1 - f)^1.3.
    let progress =
        |t: f64| ((1.0 - (1.0 - (t - 1_000.0) / 12_000.0).powf(1.3)) * 100.0).floor() as u8;
    let h: Vec<Observation> = [0.0, 800.0]
        .iter()
        .map(|&t| obs(t, false, Some(0)))
        .chain(
            [1_200.0, 6_000.0, 10_000.0]
                .iter()
                .map(|&t| obs(t, true, Some(progress(t)))),
        )
        .collect();
    let finish = estimated_finish(&h).unwrap();
    assert!(finish.fitted);
    assert!((finish.at_ms - 13_000.0).abs() < 250.0, "{finish:?}");
    let d = next_delay_ms(&h, 10_000.0, &DurationEstimate::REVE, Bounds::default());
    assert!((2_800.0..3_300.0).contains(&d), "{d}");
}

#[test]
fn one_early_low_progress_value_does_not_send_the_next_look_far_away() {
    // Seen queued, then at 1 % a moment later: linear extrapolation would say about 15 s.
    let h = [obs(0.0, false, Some(0)), obs(460.0, true, Some(1))];
    let expected = DurationEstimate {
        mean_ms: 300.0,
        samples: 3,
    };
    assert!(next_delay_ms(&h, 460.0, &expected, Bounds::default()) <= 250.0);
    let reve = next_delay_ms(&h, 460.0, &DurationEstimate::REVE, Bounds::default());
    assert!(reve <= 7_500.0, "{reve}");
}

#[test]
fn overdue_jobs_are_polled_near_the_floor_then_slower() {
    let b = Bounds::default();
    let nearly = [
        obs(0.0, false, Some(0)),
        obs(3_000.0, true, Some(40)),
        obs(14_000.0, true, Some(99)),
    ];
    assert_eq!(
        next_delay_ms(&nearly, 16_000.0, &DurationEstimate::REVE, b),
        250.0
    );
    // No progress: 2 s just past the expected 15 s, growing with the time overdue.
    let silent = [obs(0.0, false, None), obs(3_000.0, true, None)];
    let at = |now: f64| next_delay_ms(&silent, now, &DurationEstimate::REVE, b);
    assert_eq!(at(15_000.0), OVERDUE_FLOOR_MS);
    assert_eq!(at(45_000.0), 2_000.0 + 30_000.0 / 25.0);
    assert!(at(120_000.0) > at(60_000.0) && at(60_000.0) > at(30_000.0));
    assert_eq!(at(600_000.0), b.ceiling_ms, "the ceiling still bounds it");
    // A ceiling set below the floor wins: the caller asked for it.
    let tight = Bounds { floor_ms: 250.0, ceiling_ms: 1_000.0 };
    assert_eq!(next_delay_ms(&silent, 30_000.0, &DurationEstimate::REVE, tight), 1_000.0);
    // Still queued past the expected duration: looked at less often too.
    let queued = [obs(0.0, false, None), obs(20_000.0, false, None)];
    assert!(next_delay_ms(&queued, 60_000.0, &DurationEstimate::REVE, b) > 3_000.0);
}

#[test]
fn a_fresh_client_waits_a_long_silent_job_frugally() {
    // A 60 s job that never reports progress, waited by a client that expects 15 s: the
    // looks the schedule makes before seeing it done (the seed's 2 s loop: 30).
    let mut h = vec![obs(0.0, false, None)];
    let mut now = 0.0;
    while now < 60_000.0 {
        now += next_delay_ms(&h, now, &DurationEstimate::REVE, Bounds::default());
        h.push(obs(now, true, None));
    }
    assert!(h.len() - 1 <= 23, "{} looks: {:?}", h.len() - 1, h.iter().map(|o| o.at_ms).collect::<Vec<_>>());
}

#[test]
fn a_rate_seen_lifts_the_cap_on_a_rough_estimate() {
    // Two progress values 7.5 s apart give a rate: the next look may go past half the
    // expected duration (here to the ceiling); one value alone may not.
    let two = [obs(0.0, false, None), obs(3_000.0, true, Some(4)), obs(10_500.0, true, Some(17))];
    let d = next_delay_ms(&two, 10_500.0, &DurationEstimate::REVE, Bounds::default());
    assert!(d > 7_500.0, "{d}");
    let one = [obs(0.0, false, None), obs(3_000.0, true, Some(4))];
    assert!(next_delay_ms(&one, 3_000.0, &DurationEstimate::REVE, Bounds::default()) <= 7_500.0);
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
        prop_assert!((250.0..=15_000.0).contains(&d), "{}", d);
    }

    /// Past the expected duration, a job that reports no progress (or less than 90 %) is never
    /// looked at sooner than 2 s after the last look, whatever was seen before.
    #[test]
    fn overdue_without_progress_never_below_two_seconds(
        looks in proptest::collection::vec((0.0f64..100_000.0, any::<bool>()), 1..12),
        overdue in 0.0f64..500_000.0,
        mean in 1.0f64..200_000.0,
        last_progress in proptest::option::of(0u8..90),
    ) {
        let mut h: Vec<Observation> = looks.into_iter().map(|(at_ms, processing)| Observation { at_ms, processing, progress: None }).collect();
        h.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        let now = h.last().map_or(0.0, |o| o.at_ms).max(mean) + overdue;
        // Progress, when any, is the same value throughout: no rate to aim at.
        for o in h.iter_mut() {
            o.progress = last_progress;
        }
        let estimate = DurationEstimate { mean_ms: mean, samples: 1 };
        let d = next_delay_ms(&h, now, &estimate, Bounds::default());
        if estimated_finish(&h).is_none() {
            prop_assert!(d >= OVERDUE_FLOOR_MS, "{} after {:?} at {}", d, h, now);
        }
    }
}
