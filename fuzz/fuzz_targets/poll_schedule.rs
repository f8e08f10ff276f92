//! Any history of looks at a job: the next delay is always finite and within the bounds.
#![no_main]

use apiframe_reve::core::poll_schedule::{estimated_finish, next_delay_ms, Bounds, DurationEstimate, Observation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut at = 0.0;
    let mut history = Vec::new();
    for chunk in data.chunks_exact(4).take(64) {
        at += f64::from(u16::from_le_bytes([chunk[0], chunk[1]]));
        let progress = (chunk[2] != 255).then_some(chunk[2].min(120));
        history.push(Observation { at_ms: at, processing: chunk[3] & 1 == 1, progress });
    }
    let mean = 1.0 + f64::from(data.first().copied().unwrap_or(0)) * 500.0;
    let bounds = Bounds::default();
    let d = next_delay_ms(&history, at + 1.0, &DurationEstimate { mean_ms: mean, samples: 1 }, bounds);
    assert!(d.is_finite() && d >= bounds.floor_ms && d <= bounds.ceiling_ms, "{d}");
    if let Some(f) = estimated_finish(&history) {
        assert!(!f.at_ms.is_nan());
    }
});
