//! Poll-schedule simulator: runs simulated jobs through each polling schedule and prints looks
//! (requests) per job and detection delay (from the job's finish to the first look that sees
//! it). No I/O, no clock: deterministic.
//!
//! Two parts: the emulator's own job mix (lognormal durations, its progress curve) waited by one
//! client that learns durations as it goes; then jobs of fixed lengths (within ±5 %) waited by
//! fresh clients (each job a new client: a command-line run, a serverless function), beside
//! learned ones.
//!
//!   cargo run --release -p apiframe-bench --bin poll-sim [-- JOBS]

use apiframe_emulator::rng::SplitMix64;
use apiframe_emulator::timeline::{progress_at, Timeline};
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

/// apiframe-reve's: the core's adaptive schedule, with a duration learned per client or, for a
/// fresh client, the prior of every new client.
struct Ours {
    estimate: DurationEstimate,
    fresh: bool,
}
impl Schedule for Ours {
    fn name(&self) -> &'static str {
        if self.fresh {
            "apiframe-reve, fresh client per job"
        } else {
            "apiframe-reve (adaptive)"
        }
    }
    fn next(&mut self, history: &[Observation], now: f64) -> f64 {
        next_delay_ms(history, now, &self.estimate, Bounds::default())
    }
    fn learn(&mut self, duration_ms: f64) {
        self.estimate.learn(duration_ms);
    }
    fn reset(&mut self) {
        if self.fresh {
            self.estimate = DurationEstimate::REVE;
        }
    }
}

/// What a job reports while it runs.
#[derive(Clone, Copy)]
enum Reports {
    /// `progress` always null.
    Nothing,
    /// Whole percents, linear in time.
    Linear,
    /// The emulator's curve, `1 - (1 - f)^1.3`.
    Emulator,
}

/// One simulated job: a queue wait, then processing, then done.
struct SimJob {
    queued_ms: f64,
    total_ms: f64,
    reports: Reports,
}

impl SimJob {
    /// `(processing, progress)` at `t`, or `None` once done.
    fn at(&self, t: f64) -> Option<(bool, Option<u8>)> {
        if t >= self.total_ms {
            return None;
        }
        if t < self.queued_ms {
            return Some((false, if matches!(self.reports, Reports::Nothing) { None } else { Some(0) }));
        }
        let f = (t - self.queued_ms) / (self.total_ms - self.queued_ms);
        let progress = match self.reports {
            Reports::Nothing => None,
            Reports::Linear => Some(((f * 100.0).floor() as u8).min(99)),
            Reports::Emulator => Some(progress_at(f)),
        };
        Some((true, progress))
    }
}

struct Outcome {
    requests: u32,
    delay_ms: f64,
}

/// One job from submission (t = 0, seen queued) until a look sees it done.
fn run_job(job: &SimJob, s: &mut dyn Schedule) -> Outcome {
    s.reset();
    let mut history = vec![Observation { at_ms: 0.0, processing: false, progress: None }];
    let mut now = 0.0;
    let mut requests = 0;
    loop {
        now += s.next(&history, now).max(1.0);
        requests += 1;
        let Some((processing, progress)) = job.at(now) else {
            if std::env::var_os("TRACE").is_some() && s.name().starts_with("apiframe") {
                let looks: Vec<String> = history
                    .iter()
                    .map(|o| format!("{:.0}:{}{:?}", o.at_ms, if o.processing { "P" } else { "Q" }, o.progress))
                    .collect();
                eprintln!("total {:.0} (queued {:.0}) seen at {now:.0}: {}", job.total_ms, job.queued_ms, looks.join(" "));
            }
            s.learn(job.total_ms);
            return Outcome { requests, delay_ms: now - job.total_ms };
        };
        history.push(Observation { at_ms: now, processing, progress });
        if requests > 10_000 {
            return Outcome { requests, delay_ms: f64::NAN };
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

struct Stats {
    mean: f64,
    p95: f64,
    max: f64,
}

fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(f64::total_cmp);
    Stats { mean: v.iter().sum::<f64>() / v.len() as f64, p95: percentile(&v, 0.95), max: v[v.len() - 1] }
}

/// Runs `jobs` drawn by `draw` through `s`; (requests, delays).
fn measure(jobs: usize, s: &mut dyn Schedule, mut draw: impl FnMut(&mut SplitMix64) -> SimJob) -> (Stats, Stats) {
    let mut rng = SplitMix64::new(7);
    let (mut reqs, mut delays) = (Vec::with_capacity(jobs), Vec::with_capacity(jobs));
    for _ in 0..jobs {
        let o = run_job(&draw(&mut rng), s);
        reqs.push(f64::from(o.requests));
        delays.push(o.delay_ms);
    }
    (stats(reqs), stats(delays))
}

/// The emulator's mix around `mean_ms`: its lognormal durations and queue, its curve.
fn emulator_mix(jobs: usize) {
    let scenarios = [
        ("jobs around 15 s, with progress", 15_000, Reports::Emulator),
        ("jobs around 60 s, with progress", 60_000, Reports::Emulator),
        ("jobs around 15 s, progress always null", 15_000, Reports::Nothing),
        ("jobs around 0.3 s (the emulator's fast test mode)", 300, Reports::Emulator),
    ];
    for (title, mean_ms, reports) in scenarios {
        let mut schedules: Vec<Box<dyn Schedule>> = vec![
            Box::new(Fixed("provider sample loop (2 s)", 2000.0)),
            Box::new(ProviderSdk(2000.0)),
            Box::new(Fixed("replicate / fal (500 ms)", 500.0)),
            Box::new(Ours { estimate: DurationEstimate::REVE, fresh: false }),
            Box::new(Ours { estimate: DurationEstimate::REVE, fresh: true }),
        ];
        println!("## {title}\n");
        println!("| schedule | requests/job mean | p95 | detection delay mean | p95 |");
        println!("|---|---:|---:|---:|---:|");
        for s in schedules.iter_mut() {
            let (r, d) = measure(jobs, s.as_mut(), |rng| {
                let t = Timeline::draw(rng, mean_ms);
                SimJob { queued_ms: t.queued_ms as f64, total_ms: t.total_ms() as f64, reports }
            });
            println!("| {} | {:.2} | {:.0} | {:.0} ms | {:.0} ms |", s.name(), r.mean, r.p95, d.mean, d.p95);
        }
        println!();
    }
}

/// Jobs of one length (±5 %, 0-10 % of it queued), fresh clients beside learned ones.
fn fixed_lengths(jobs: usize) {
    println!("## Jobs of fixed lengths: fresh clients (a new client per job) and learned ones\n");
    println!("| job | fresh: looks mean | max | late mean | p95 | learned: looks mean | late mean | the seed's 2 s loop: looks |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let cases = [
        (15_000.0, Reports::Nothing, "no progress"),
        (30_000.0, Reports::Nothing, "no progress"),
        (60_000.0, Reports::Nothing, "no progress"),
        (120_000.0, Reports::Nothing, "no progress"),
        (15_000.0, Reports::Linear, "linear progress"),
        (45_000.0, Reports::Linear, "linear progress"),
        (60_000.0, Reports::Linear, "linear progress"),
        (15_000.0, Reports::Emulator, "the emulator's curve"),
        (60_000.0, Reports::Emulator, "the emulator's curve"),
    ];
    for (length, reports, what) in cases {
        let draw = |rng: &mut SplitMix64| {
            let total_ms = length * (0.95 + 0.1 * rng.next_f64());
            SimJob { queued_ms: total_ms * 0.1 * rng.next_f64(), total_ms, reports }
        };
        let (fr, fd) = measure(jobs, &mut Ours { estimate: DurationEstimate::REVE, fresh: true }, draw);
        let (lr, ld) = measure(jobs, &mut Ours { estimate: DurationEstimate::REVE, fresh: false }, draw);
        let (sr, _) = measure(jobs, &mut Fixed("seed", 2000.0), draw);
        println!(
            "| {:.0} s, {what} | {:.1} | {:.0} | {:.0} ms | {:.0} ms | {:.1} | {:.0} ms | {:.1} |",
            length / 1000.0,
            fr.mean,
            fr.max,
            fd.mean,
            fd.p95,
            lr.mean,
            ld.mean,
            sr.mean
        );
    }
    println!();
}

fn main() {
    let jobs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    println!("poll-schedule simulator: {jobs} jobs per scenario\n");
    emulator_mix(jobs);
    fixed_lengths(jobs);
}
