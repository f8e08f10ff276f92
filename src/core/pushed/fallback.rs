//! When the proxy looks upstream itself: only when a caller asks for a job whose record has
//! heard nothing for longer than the adaptive poll schedule would have waited since the last
//! thing the proxy learned (its submission, an event, a look). Events that keep coming keep
//! the record fresh, so no look is made; events lost (or a service that cannot reach the
//! proxy) leave it to age, and the caller's next ask goes upstream on the schedule's pace.

use super::record::JobRecord;
use crate::core::poll_schedule::{next_delay_ms, Bounds, DurationEstimate};

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
    if record.is_final() {
        return Look::Record;
    }
    let heard_at = record.heard_ms - record.submitted_ms;
    let wait = next_delay_ms(&record.observations(), heard_at, expected, Bounds::default());
    if now_ms >= record.heard_ms + wait {
        Look::Upstream
    } else {
        Look::Record
    }
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
