//! When the proxy looks upstream itself: only when a caller asks for a job whose record has
//! heard nothing for longer than the adaptive poll schedule would have waited since the last
//! thing the proxy learned (its submission, an event, a look). Events that keep coming keep
//! the record fresh, so no look is made; events lost (or a service that cannot reach the
//! proxy) leave it to age, and the caller's next ask goes upstream on the schedule's pace.
//! Once an event has reached the proxy, the service evidently can: a look then waits at least
//! [`PUSHED_SILENCE_MS`] after the last thing heard, so a job whose events flow is not looked
//! at near its predicted end (its `completed` event is on the way), and one whose later events
//! are lost still ends soon after.

use super::record::JobRecord;
use crate::core::poll_schedule::{next_delay_ms, Bounds, DurationEstimate};

/// The least silence before a look at a job whose events have been reaching the proxy.
pub const PUSHED_SILENCE_MS: f64 = 5_000.0;

/// How to answer a caller's read of a job the proxy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// From the record: it is final, or fresh enough.
    Record,
    /// Look upstream first, merge what it says, then answer from the record.
    Upstream,
}

/// The decision at `now_ms` for `record`, with jobs expected to take `expected`.
pub fn look(record: &JobRecord, now_ms: f64, expected: &DurationEstimate) -> Look {
    match look_due_in_ms(record, now_ms, expected) {
        Some(ms) if ms <= 0.0 => Look::Upstream,
        _ => Look::Record,
    }
}

/// How long after `now_ms` a look at `record` falls due (0 or less: due now); `None` for a
/// final record, which is never looked up again. An open stream of the job sleeps that long
/// while nothing is pushed, so a stream whose events are lost still moves and ends.
pub fn look_due_in_ms(record: &JobRecord, now_ms: f64, expected: &DurationEstimate) -> Option<f64> {
    if record.is_final() {
        return None;
    }
    let heard_at = record.heard_ms - record.submitted_ms;
    let mut wait = next_delay_ms(&record.observations(), heard_at, expected, Bounds::default());
    if record.pushed {
        wait = wait.max(PUSHED_SILENCE_MS);
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

    #[test]
    fn a_fresh_record_answers_and_an_aged_one_looks_upstream() {
        let r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let e = DurationEstimate::REVE;
        assert_eq!(look(&r, T0, &e), Look::Record);
        assert_eq!(look(&r, T0 + 100.0, &e), Look::Record);
        assert_eq!(look(&r, T0 + 60_000.0, &e), Look::Upstream);
        let due = look_due_in_ms(&r, T0, &e).unwrap();
        assert!(due > 0.0 && look(&r, T0 + due, &e) == Look::Upstream && look(&r, T0 + due - 1.0, &e) == Look::Record, "{due}");
        // Every wait the schedule gives is within its ceiling: a minute is always past it.
        let first = (0..600).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e) == Look::Upstream).unwrap();
        assert!(first - T0 <= Bounds::default().ceiling_ms, "{}", first - T0);
    }

    #[test]
    fn events_that_keep_coming_keep_the_record_fresh() {
        let e = DurationEstimate { mean_ms: 6000.0, samples: 3 };
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let unwatched = (1..400).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e) == Look::Upstream).unwrap();
        // An event just before the look was due pushes it back.
        r.merge(running(25.0), Source::Event, unwatched - 10.0);
        assert_eq!(look(&r, unwatched, &e), Look::Record);
        r.merge(done(), Source::Event, unwatched + 3000.0);
        assert_eq!(look(&r, unwatched + 1e9, &e), Look::Record, "a final record never looks upstream");
    }

    #[test]
    fn once_events_arrive_a_look_waits_for_a_longer_silence() {
        let e = DurationEstimate { mean_ms: 2000.0, samples: 3 };
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        r.merge(running(75.0), Source::Look, T0 + 1500.0);
        let looked = look_due_in_ms(&r, T0 + 1500.0, &e).unwrap();
        assert!(looked < PUSHED_SILENCE_MS, "{looked}: near the predicted end, a look");
        let mut p = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        p.merge(running(75.0), Source::Event, T0 + 1500.0);
        assert!(p.pushed);
        assert_eq!(look_due_in_ms(&p, T0 + 1500.0, &e), Some(PUSHED_SILENCE_MS), "its completed event is on the way");
        assert_eq!(look(&p, T0 + 1500.0 + PUSHED_SILENCE_MS, &e), Look::Upstream, "a lost one is looked for");
    }

    #[test]
    fn a_look_that_shows_nothing_new_still_resets_the_wait() {
        let e = DurationEstimate::REVE;
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, T0);
        let due = (1..400).map(|i| T0 + f64::from(i) * 50.0).find(|t| look(&r, *t, &e) == Look::Upstream).unwrap();
        let queued = Job { status: Lenient(Some("QUEUED".into())), ..Job::default() };
        assert_eq!(r.merge(queued, Source::Look, due), crate::core::pushed::Merge::Stale);
        assert_eq!(look(&r, due + 1.0, &e), Look::Record);
        assert_eq!(r.seen.len(), 2);
    }
}
