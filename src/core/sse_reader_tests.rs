//! The tests of core::sse_reader, natively.
use super::*;
use proptest::prelude::*;

fn read_all(chunks: &[&str]) -> (Vec<StreamEvent>, SseReader) {
    let mut r = SseReader::new();
    let events = chunks.iter().flat_map(|c| r.feed(c)).collect();
    (events, r)
}

fn event(id: &str, data: &str) -> StreamEvent {
    StreamEvent { id: id.into(), event: "message".into(), data: data.into() }
}

#[test]
fn events_with_ids_comments_and_multi_line_data() {
    let stream = ": connected\n\nid: 1\ndata: {\"status\":\"QUEUED\"}\n\n: keep-alive\n\nid: 2\nevent: job\ndata: a\ndata: b\n\n";
    let (events, r) = read_all(&[stream]);
    assert_eq!(
        events,
        vec![
            event("1", "{\"status\":\"QUEUED\"}"),
            StreamEvent { id: "2".into(), event: "job".into(), data: "a\nb".into() },
        ]
    );
    assert_eq!(r.last_event_id(), "2");
}

#[test]
fn line_endings_of_every_kind_even_split_between_chunks() {
    for chunks in [
        vec!["id: 7\r\ndata: x\r\n\r\n"],
        vec!["id: 7\rdata: x\r\r"],
        vec!["id: 7\r", "\ndata: x\r", "\n\r", "\n"],
        vec!["id", ": 7\n", "da", "ta: x", "\n", "\n"],
    ] {
        let (events, _) = read_all(&chunks);
        assert_eq!(events, vec![event("7", "x")], "{chunks:?}");
    }
}

#[test]
fn the_field_rules_of_the_standard() {
    // No space after the colon, a field without a colon, an unknown field, a BOM first.
    let (events, r) = read_all(&["\u{feff}data:x\ndata\nfoo: bar\nretry: 2500\nretry: soon\n\n"]);
    assert_eq!(events, vec![event("", "x\n")]);
    assert_eq!(r.retry_ms(), Some(2500));
    // An id alone moves the last id without an event; one with NUL is ignored; the id
    // persists into later events.
    let (events, r) = read_all(&["id: 3\n\nid: bad\0id\n\ndata: y\n\n"]);
    assert_eq!(events, vec![event("3", "y")]);
    assert_eq!(r.last_event_id(), "3");
    // An event type without data dispatches nothing, and does not leak into the next event.
    let (events, _) = read_all(&["event: ping\n\ndata: z\n\n"]);
    assert_eq!(events, vec![event("", "z")]);
    // An unfinished event is not dispatched.
    assert!(read_all(&["data: half"]).0.is_empty());
}

#[test]
fn an_event_cut_off_midway_does_not_move_the_last_id() {
    // The id line of event 8 was read, its end was not: a reconnection asks from 7 again.
    let (events, r) = read_all(&["id: 7\ndata: x\n\nid: 8\ndata: {\"status\":\"COMPL"]);
    assert_eq!(events, vec![event("7", "x")]);
    assert_eq!(r.last_event_id(), "7");
    // Its end read, it counts.
    let (_, r) = read_all(&["id: 7\ndata: x\n\nid: 8\ndata: y\n", "\n"]);
    assert_eq!(r.last_event_id(), "8");
}

#[test]
fn a_new_connection_drops_what_the_last_one_left_unfinished() {
    let mut r = SseReader::new();
    assert_eq!(r.feed("retry: 1500\nid: 7\ndata: x\n\nid: 8\ndata: {\"a\":\nevent: job\ndata: half"), vec![event("7", "x")]);
    r.reconnected();
    assert_eq!((r.last_event_id(), r.retry_ms()), ("7", Some(1500)));
    // Event 8 again, whole: none of the cut one's data, type or line is glued to it.
    assert_eq!(r.feed("\u{feff}id: 8\ndata: {\"a\":1}\n\n"), vec![event("8", "{\"a\":1}")]);
    // An id-less event after a reconnection keeps the last id.
    r.reconnected();
    assert_eq!(r.feed("data: z\n\n"), vec![event("8", "z")]);
    // A connection cut right after a CR: the new one's LF is a line end of its own.
    let mut r = SseReader::new();
    r.feed("data: a\r");
    r.reconnected();
    assert_eq!(r.feed("\ndata: b\n\n"), vec![event("", "b")]);
}

#[test]
fn an_event_past_the_limit_is_overflowing_until_a_new_connection() {
    let mut r = SseReader::new();
    // The data (n bytes) and the line being read ("data: " and n bytes): exactly the limit.
    let line = "x".repeat((MAX_PENDING_BYTES - 6) / 2);
    r.feed(&format!("data: {line}\ndata: {line}"));
    assert!(!r.overflowing(), "at the limit");
    r.feed("x");
    assert!(r.overflowing(), "one byte past it");
    r.reconnected();
    assert!(!r.overflowing());
    // A long stream of whole events never overflows: each is dispatched and dropped.
    let mut r = SseReader::new();
    for i in 0..64 {
        assert_eq!(r.feed(&format!("id: {i}\ndata: {}\n\n", "y".repeat(MAX_PENDING_BYTES / 8))).len(), 1);
        assert!(!r.overflowing());
    }
}

proptest! {
    /// However a stream is cut into chunks, the same events come out.
    #[test]
    fn chunking_never_changes_the_events(cuts in proptest::collection::vec(0usize..200, 0..12)) {
        let stream = "id: 1\r\ndata: {\"progress\":10}\r\n\r\n: ping\n\nid: 2\rdata: a\rdata: b\r\r\nid: 3\ndata: end\n\n";
        let whole = read_all(&[stream]).0;
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (stream.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks = Vec::new();
        let mut at = 0;
        for p in points {
            chunks.push(&stream[at..p]);
            at = p;
        }
        chunks.push(&stream[at..]);
        prop_assert_eq!(read_all(&chunks).0, whole);
    }
}
