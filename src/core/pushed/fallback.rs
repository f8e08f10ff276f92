//! When the proxy looks upstream itself: only when a caller asks for a job whose record has
//! heard nothing for longer than the adaptive poll schedule would have waited since the last
//! thing the proxy learned (its submission, an event, a look). Events that keep coming keep
//! the record fresh, so no look is made; events lost (or a service that cannot reach the
//! proxy) leave it to age, and the caller's next ask goes upstream on the schedule's pace.
//! Once an event has reached the proxy, the service evidently can: a look then waits for a
//! silence of twice the longest gap between the job's events so far (the service's own
//! cadence), at least [`PUSHED_SILENCE_MS`] and at most [`PUSHED_SILENCE_CAP_MS`], so a job
//! whose events flow is not looked at near its predicted end (its `completed` event is on the
//! way), and one whose later events are lost still ends soon after. Before a job's first event,
//! a proxy that events have reached waits as patiently for it, by how long first events have
//! taken here ([`FirstEvent`]); one that no event has reached (a service that cannot reach it)
//! looks on the schedule alone.

use super::record::JobRecord;
use crate::core::poll_schedule::{next_delay_ms, Bounds, DurationEstimate};

/// The least silence before a look at a job whose events have been reaching the proxy.
pub const PUSHED_SILENCE_MS: f64 = 5_000.0;
/// The most silence a look waits for, however slow the job's events have been.
pub const PUSHED_SILENCE_CAP_MS: f64 = 20_000.0;
/// How many of the longest gap between events seen a silence must last before a look.
const EVENT_GAP_FACTOR: f64 = 2.0;

/// How long after a submission the first event of a job reaches this proxy, learned from the
/// jobs whose events did; unknown until one has.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirstEvent {
    mean_ms: f64,
    samples: u32,
}

impl FirstEvent {
    /// Learns that a job's first event came `ms` after its submission (a running mean, recent
    /// jobs weighing more).
    pub fn learn(&mut self, ms: f64) {
        if !(ms.is_finite() && ms >= 0.0) {
            return;
        }
        self.samples = self.samples.saturating_add(1);
        self.mean_ms += (ms - self.mean_ms) / f64::from(self.samples.min(10));
    }

    /// The silence to allow a job with no event yet: `None` while no event has reached the proxy.
    fn patience_ms(&self) -> Option<f64> {
        (self.samples > 0).then(|| (EVENT_GAP_FACTOR * self.mean_ms).clamp(PUSHED_SILENCE_MS, PUSHED_SILENCE_CAP_MS))
    }
}

/// How to answer a caller's read of a job the proxy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// From the record: it is final, or fresh enough.
    Record,
    /// Look upstream first, merge what it says, then answer from the record.
    Upstream,
}

/// The decision at `now_ms` for `record`, with jobs expected to take `expected` and first
/// events to come as `first_event` says.
pub fn look(record: &JobRecord, now_ms: f64, expected: &DurationEstimate, first_event: &FirstEvent) -> Look {
    match look_due_in_ms(record, now_ms, expected, first_event) {
        Some(ms) if ms <= 0.0 => Look::Upstream,
        _ => Look::Record,
    }
}

/// How long after `now_ms` a look at `record` falls due (0 or less: due now); `None` for a
/// final record, which is never looked up again. An open stream of the job sleeps that long
/// while nothing is pushed, so a stream whose events are lost still moves and ends.
pub fn look_due_in_ms(record: &JobRecord, now_ms: f64, expected: &DurationEstimate, first_event: &FirstEvent) -> Option<f64> {
    if record.is_final() {
        return None;
    }
    let heard_at = record.heard_ms - record.submitted_ms;
    let mut wait = next_delay_ms(&record.observations(), heard_at, expected, Bounds::default());
    if record.pushed {
        wait = wait.max((EVENT_GAP_FACTOR * record.event_gap_ms).clamp(PUSHED_SILENCE_MS, PUSHED_SILENCE_CAP_MS));
    } else if let Some(patience) = first_event.patience_ms() {
        wait = wait.max(patience);
    }
    Some(record.heard_ms + wait - now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::{Job, Lenient};
    use crate::core::pushed::Source;

    fn running(progress: f64) -> Job {
        Job { status: Lenient(Some("PROCESSING".into())), progress: Lenient(Some(progress)), ..Job::default() }
    }

    fn done() -> Job {
        Job { status: Lenient(Some("COMPLETED".into())), progress: Lenient(Some(100.0)), ..Job::default() }
    }

    const T0: f64 = 1_000_000.0;
    /// A proxy no event has reached yet.
    const N: FirstEvent = FirstEvent { mean_ms: 0.0, samples: 0 };

    #[test]
    fn a_fresh_record_answers_and_an_aged_one_looks_upstream() {
        let r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let e = DurationEstimate::REVE;
        assert_eq!(look(&r, T0, &e, &N), Look::Record);
        assert_eq!(look(&r, T0 + 100.0, &e, &N), Look::Record);
        assert_eq!(look(&r, T0 + 60_000.0, &e, &N), Look::Upstream);
        let due = look_due_in_ms(&r, T0, &e, &N).unwrap();
        assert!(due > 0.0 && look(&r, T0 + due, &e, &N) == Look::Upstream && look(&r, T0 + due - 1.0, &e, &N) == Look::Record, "{due}");
        // Every wait the schedule gives is within its ceiling: a minute is always past it.
        let first = (0..600).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e, &N) == Look::Upstream).unwrap();
        assert!(first - T0 <= Bounds::default().ceiling_ms, "{}", first - T0);
    }

    #[test]
    fn events_that_keep_coming_keep_the_record_fresh() {
        let e = DurationEstimate { mean_ms: 6000.0, samples: 3 };
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let unwatched = (1..400).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e, &N) == Look::Upstream).unwrap();
        // An event just before the look was due pushes it back.
        r.merge(running(25.0), Source::Event, unwatched - 10.0);
        assert_eq!(look(&r, unwatched, &e, &N), Look::Record);
        r.merge(done(), Source::Event, unwatched + 3000.0);
        assert_eq!(look(&r, unwatched + 1e9, &e, &N), Look::Record, "a final record never looks upstream");
    }

    #[test]
    fn once_events_arrive_a_look_waits_for_a_longer_silence() {
        let e = DurationEstimate { mean_ms: 2000.0, samples: 3 };
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        r.merge(running(75.0), Source::Look, T0 + 1500.0);
        let looked = look_due_in_ms(&r, T0 + 1500.0, &e, &N).unwrap();
        assert!(looked < PUSHED_SILENCE_MS, "{looked}: near the predicted end, a look");
        let mut p = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        p.merge(running(75.0), Source::Event, T0 + 1500.0);
        assert!(p.pushed);
        assert_eq!(look_due_in_ms(&p, T0 + 1500.0, &e, &N), Some(PUSHED_SILENCE_MS), "its completed event is on the way");
        assert_eq!(look(&p, T0 + 1500.0 + PUSHED_SILENCE_MS, &e, &N), Look::Upstream, "a lost one is looked for");
    }

    #[test]
    fn before_its_first_event_a_job_waits_as_long_as_first_events_take_here() {
        let e = DurationEstimate { mean_ms: 15_000.0, samples: 3 };
        let r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let alone = look_due_in_ms(&r, T0, &e, &N).unwrap();
        let mut heard = N;
        for ms in [4_000.0, 5_000.0, 6_000.0] {
            heard.learn(ms);
        }
        assert_eq!(heard.mean_ms, 5_000.0);
        assert_eq!(look_due_in_ms(&r, T0, &e, &heard), Some(alone.max(10_000.0)), "{alone}");
        heard.learn(f64::NAN);
        assert_eq!(heard.samples, 3);
        // A job heard from already follows its own events' cadence instead.
        let mut p = r.clone();
        p.merge(running(25.0), Source::Event, T0 + 1_000.0);
        assert_eq!(look_due_in_ms(&p, T0 + 1_000.0, &e, &heard), Some(PUSHED_SILENCE_MS));
    }

    #[test]
    fn the_silence_follows_the_cadence_of_the_jobs_events() {
        // Events 4 s apart: a look waits 8 s after the last one, however near the predicted end.
        let e = DurationEstimate { mean_ms: 15_000.0, samples: 3 };
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        r.merge(running(25.0), Source::Event, T0 + 4_000.0);
        r.merge(running(50.0), Source::Event, T0 + 7_000.0);
        r.merge(running(75.0), Source::Event, T0 + 10_000.0);
        assert_eq!(r.event_gap_ms, 4_000.0);
        assert_eq!(look_due_in_ms(&r, T0 + 10_000.0, &e, &N), Some(8_000.0));
        // A look in between does not count as an event: the gap stays the events'.
        r.merge(running(80.0), Source::Look, T0 + 18_000.0);
        r.merge(running(90.0), Source::Event, T0 + 19_000.0);
        assert_eq!(r.event_gap_ms, 9_000.0);
        assert_eq!(look_due_in_ms(&r, T0 + 19_000.0, &e, &N), Some(18_000.0));
        // Slow events: never more than the cap.
        r.merge(running(95.0), Source::Event, T0 + 60_000.0);
        assert_eq!(look_due_in_ms(&r, T0 + 60_000.0, &e, &N), Some(PUSHED_SILENCE_CAP_MS));
    }

    #[test]
    fn a_look_that_shows_nothing_new_still_resets_the_wait() {
        let e = DurationEstimate::REVE;
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let due = (1..400).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e, &N) == Look::Upstream).unwrap();
        let queued = Job { status: Lenient(Some("QUEUED".into())), ..Job::default() };
        assert_eq!(r.merge(queued, Source::Look, due), crate::core::pushed::Merge::Stale);
        assert_eq!(look(&r, due + 1.0, &e, &N), Look::Record);
        assert_eq!(r.seen.len(), 2);
    }
}
