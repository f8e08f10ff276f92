//! Any bytes a job stream may carry, cut anywhere: the client's Server-Sent Events reader never
//! panics, and the events (and the last event id) do not depend on where the chunks were cut.
//! A connection cut at that point and opened again reads the rest afresh: the events it gives
//! are those of the rest read alone, with the last whole event's id carried over.
#![no_main]

use apiframe_reve::core::sse_reader::SseReader;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut whole = SseReader::new();
    let all = whole.feed(&text);
    let mut at = usize::from(cut) * text.len() / 256;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut chunked = SseReader::new();
    let mut parts = chunked.feed(&text[..at]);
    parts.extend(chunked.feed(&text[at..]));
    assert_eq!(all, parts);
    assert_eq!(whole.last_event_id(), chunked.last_event_id());
    assert_eq!(whole.retry_ms(), chunked.retry_ms());

    let mut resumed = SseReader::new();
    resumed.feed(&text[..at]);
    let carried = resumed.last_event_id().to_string();
    resumed.reconnected();
    assert_eq!(resumed.last_event_id(), carried);
    let after = resumed.feed(&text[at..]);
    let mut alone = SseReader::new();
    let expected = alone.feed(&text[at..]);
    assert_eq!(after.len(), expected.len());
    for (a, e) in after.iter().zip(&expected) {
        assert_eq!((&a.event, &a.data), (&e.event, &e.data));
        // Until the rest names an id of its own, its events carry the one carried over.
        assert!(a.id == e.id || (e.id.is_empty() && a.id == carried), "{:?} {:?} {carried:?}", a.id, e.id);
    }
});
