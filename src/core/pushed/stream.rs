//! A job's Server-Sent Events stream, sans IO: where it is (`{prefix}/v2/jobs/{id}/events`),
//! what a caller resuming with `Last-Event-ID` is owed, what to do at each change of the
//! record, and the bytes of an event. Each event's `id:` is the record's sequence number, its
//! `data` the job as `getJob` returns it; the stream ends after a final status.

use super::record::JobRecord;

/// The stream's path under the proxy's `prefix`: `{prefix}/v2/jobs/{id}/events`.
pub fn events_path(prefix: &str, job_id: &str) -> String {
    format!("{prefix}/v2/jobs/{job_id}/events")
}

/// The response header naming a job's stream, on the proxy's answers about a job it holds.
pub const EVENTS_HEADER: &str = "apiframe-events";

/// How long a stream may be silent before a comment line keeps intermediaries from closing it.
pub const KEEP_ALIVE_MS: f64 = 15_000.0;

/// The comment line sent after [`KEEP_ALIVE_MS`] of silence.
pub const KEEP_ALIVE: &str = ": keep-alive\n\n";

/// How a stream opens for a caller that has seen up to `Last-Event-ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// Stream, starting after this sequence number (0: from the job as held now).
    After(u64),
    /// The caller has the final event already: 204, which tells `EventSource` not to reconnect.
    Over,
}

/// The caller's `Last-Event-ID` (the header, or the `lastEventId` query parameter a new
/// `EventSource` can send), read against the record: an id this record never gave (not a
/// number, or ahead of it) counts as none, so the caller gets the job as held now.
pub fn opening(last_event_id: Option<&str>, record: &JobRecord) -> Opening {
    let last = last_event_id.and_then(|s| s.trim().parse::<u64>().ok()).filter(|n| *n <= record.seq).unwrap_or(0);
    if record.is_final() && last == record.seq {
        Opening::Over
    } else {
        Opening::After(last)
    }
}

/// What a stream that has sent up to `sent` does with the record as it now reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Send the record (its sequence number is past `sent`), and keep going.
    Send,
    /// Send the record, then end: it is final.
    SendAndEnd,
    /// Nothing new: wait for the next change.
    Wait,
}

/// The step for a stream that has sent up to `sent`, given the record as it now reads.
pub fn step(sent: u64, record: &JobRecord) -> Step {
    match (record.seq > sent, record.is_final()) {
        (false, _) => Step::Wait,
        (true, false) => Step::Send,
        (true, true) => Step::SendAndEnd,
    }
}

/// The bytes of one event: `id:` the sequence number, `data` the job's JSON (each of its lines
/// a `data:` line, so a JSON with line breaks stays one event).
pub fn event(seq: u64, job_json: &str) -> String {
    let mut out = format!("id: {seq}\n");
    for line in job_json.split('\n') {
        out.push_str("data: ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::job::{Job, Lenient};
    use crate::core::pushed::Source;

    fn job(status: &str, progress: f64) -> Job {
        Job { status: Lenient(Some(status.into())), progress: Lenient(Some(progress)), ..Job::default() }
    }

    #[test]
    fn events_are_framed_with_the_sequence_number() {
        assert_eq!(event(3, r#"{"status":"PROCESSING"}"#), "id: 3\ndata: {\"status\":\"PROCESSING\"}\n\n");
        assert_eq!(event(1, "{\n\"a\": 1\r\n}"), "id: 1\ndata: {\ndata: \"a\": 1\ndata: }\n\n");
        assert_eq!(events_path("/api/reve", "j"), "/api/reve/v2/jobs/j/events");
        assert!(KEEP_ALIVE.starts_with(':') && KEEP_ALIVE.ends_with("\n\n"));
    }

    #[test]
    fn a_stream_sends_each_change_once_and_ends_after_the_final_one() {
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, 0.0);
        assert_eq!(opening(None, &r), Opening::After(0));
        assert_eq!(step(0, &r), Step::Send);
        assert_eq!(step(1, &r), Step::Wait);
        r.merge(job("PROCESSING", 40.0), Source::Event, 1.0);
        assert_eq!(step(1, &r), Step::Send);
        r.merge(job("PROCESSING", 20.0), Source::Event, 2.0);
        assert_eq!(step(r.seq, &r), Step::Wait, "a stale event is no change");
        r.merge(job("COMPLETED", 100.0), Source::Event, 3.0);
        assert_eq!(step(2, &r), Step::SendAndEnd);
    }

    #[test]
    fn last_event_id_resumes_without_repeats() {
        let mut r = JobRecord::open("j", "QUEUED", "reve-create", None, None, 0.0);
        r.merge(job("PROCESSING", 40.0), Source::Event, 1.0);
        assert_eq!(opening(Some("1"), &r), Opening::After(1));
        assert_eq!(step(1, &r), Step::Send);
        assert_eq!(opening(Some(" 2 "), &r), Opening::After(2));
        assert_eq!(step(2, &r), Step::Wait, "the caller has the job as held");
        for unknown in ["x", "-1", "3", "99999999999999999999999", ""] {
            assert_eq!(opening(Some(unknown), &r), Opening::After(0), "{unknown:?}: from the job as held");
        }
        r.merge(job("COMPLETED", 100.0), Source::Event, 3.0);
        assert_eq!(opening(Some("2"), &r), Opening::After(2));
        assert_eq!(opening(Some("3"), &r), Opening::Over, "the caller has the end: nothing to reconnect to");
    }
}
