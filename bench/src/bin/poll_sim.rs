//! Poll-schedule simulator: runs simulated jobs (the emulator's own durations and progress
//! curve) through each polling schedule and prints requests per job and detection delay
//! (from the job's finish to the first look that sees it). No I/O, no clock: deterministic.
//!
//!   cargo run --release -p apiframe-bench --bin poll-sim [-- JOBS]

use apiframe_emulator::rng::SplitMix64;
use apiframe_emulator::timeline::{Phase, Timeline};
use apiframe_reve::core::poll_schedule::{next_delay_ms, Bounds, DurationEstimate, Observation};

/// A polling schedule: the wait before the next look, given what has been seen.
trait Schedule {
    fn name(&self) -> &'static str;
    fn next(&mut self, history: &[Observation], now: f64) -> f64;
    fn learn(&mut self, _duration_ms: f64) {}
    fn reset(&mut self) {}
}

struct Fixed(&'static str, f64);
impl Schedule for Fixed {
    fn name(&self) -> &'static str {
        self.0
    }
    fn next(&mut self, _: &[Observation], _: f64) -> f64 {
        self.1
    }
}

/// The provider's SDK: 2 s, growing 1.5x per look, at most 5 s.
struct ProviderSdk(f64);
impl Schedule for ProviderSdk {
    fn name(&self) -> &'static str {
        "provider SDK (2 s x1.5 to 5 s)"
    }
    fn next(&mut self, _: &[Observation], _: f64) -> f64 {
        let d = self.0;
        self.0 = (self.0 * 1.5).min(5000.0);
        d
    }
    fn reset(&mut self) {
        self.0 = 2000.0;
    }
}

/// apiframe-reve's: the core's adaptive schedule with a per-client learned duration.
struct Ours(DurationEstimate);
impl Schedule for Ours {
    fn name(&self) -> &'static str {
        "apiframe-reve (adaptive)"
    }
    fn next(&mut self, history: &[Observation], now: f64) -> f64 {
        next_delay_ms(history, now, &self.0, Bounds::default())
    }
    fn learn(&mut self, duration_ms: f64) {
        self.0.learn(duration_ms);
    }
}

struct Outcome {
    requests: u32,
    delay_ms: f64,
}

/// One job from submission (t = 0) until a look sees it done.
fn run_job(t: &Timeline, with_progress: bool, s: &mut dyn Schedule) -> Outcome {
    s.reset();
    let mut history = vec![Observation {
        at_ms: 0.0,
        processing: false,
        progress: None,
    }];
    let mut now = 0.0;
    let mut requests = 0;
    loop {
        now += s.next(&history, now).max(1.0);
        requests += 1;
        let (processing, progress) = match t.phase(now as u64) {
            Phase::Queued => (false, Some(0)),
            Phase::Processing { progress } => (true, Some(progress)),
            Phase::Done => {
                let delay_ms = now - t.total_ms() as f64;
                if std::env::var_os("TRACE").is_some() && s.name().starts_with("apiframe") {
                    let looks: Vec<String> = history
                        .iter()
                        .map(|o| {
                            format!(
                                "{:.0}:{}{:?}",
                                o.at_ms,
                                if o.processing { "P" } else { "Q" },
                                o.progress
                            )
                        })
                        .collect();
                    eprintln!(
                        "total {} (queued {}) seen at {:.0}: {}",
                        t.total_ms(),
                        t.queued_ms,
                        now,
                        looks.join(" ")
                    );
                }
                s.learn(t.total_ms() as f64);
                return Outcome { requests, delay_ms };
            }
        };
        history.push(Observation {
            at_ms: now,
            processing,
            progress: if with_progress { progress } else { None },
        });
        if requests > 10_000 {
            return Outcome {
                requests,
                delay_ms: f64::NAN,
            };
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let jobs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let scenarios = [
        ("jobs around 15 s, with progress", 15_000, true),
        ("jobs around 60 s, with progress", 60_000, true),
        ("jobs around 15 s, progress always null", 15_000, false),
        (
            "jobs around 0.3 s (the emulator's fast test mode)",
            300,
            true,
        ),
    ];
    println!("poll-schedule simulator: {jobs} jobs per scenario (emulator timeline: lognormal sigma 0.25, 5-15 % queued, progress 1-(1-f)^1.3)\n");
    for (title, mean_ms, with_progress) in scenarios {
        let mut schedules: Vec<Box<dyn Schedule>> = vec![
            Box::new(Fixed("provider sample loop (2 s)", 2000.0)),
            Box::new(ProviderSdk(2000.0)),
            Box::new(Fixed("replicate / fal (500 ms)", 500.0)),
            Box::new(Ours(DurationEstimate::REVE)),
        ];
        println!("## {title}\n");
        println!("| schedule | requests/job mean | p95 | detection delay mean | p95 |");
        println!("|---|---:|---:|---:|---:|");
        for s in schedules.iter_mut() {
            let mut rng = SplitMix64::new(7);
            let (mut reqs, mut delays) = (Vec::with_capacity(jobs), Vec::with_capacity(jobs));
            for _ in 0..jobs {
                let t = Timeline::draw(&mut rng, mean_ms);
                let o = run_job(&t, with_progress, s.as_mut());
                reqs.push(f64::from(o.requests));
                delays.push(o.delay_ms);
            }
            reqs.sort_by(f64::total_cmp);
            delays.sort_by(f64::total_cmp);
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            println!(
                "| {} | {:.2} | {:.0} | {:.0} ms | {:.0} ms |",
                s.name(),
                mean(&reqs),
                percentile(&reqs, 0.95),
                mean(&delays),
                percentile(&delays, 0.95)
            );
        }
        println!();
    }
}
