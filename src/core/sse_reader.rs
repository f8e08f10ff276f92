//! Reading a Server-Sent Events stream (`text/event-stream`), as the WHATWG HTML standard's
//! "event stream interpretation" says: text fed in chunks as they arrive (a line may be cut
//! anywhere, a CR LF between two chunks), events out. Sans-IO: the wasm layer reads the body
//! and feeds it. The proxy's job streams are what it reads (`GET {prefix}/v2/jobs/{id}/events`),
//! but nothing here knows of jobs.
//!
//! No crate is used: the ones that parse this format bring a parser-combinator library or an
//! async runtime's I/O traits for what is a few lines of line splitting here, and the client's
//! module is measured by the kilobyte (issue 31).

/// One event, dispatched at a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEvent {
    /// The last event id as of this event (`id:` lines persist across events, as in the
    /// standard); what a reconnection sends as `Last-Event-ID`.
    pub id: String,
    /// `event:`'s value, or `message`.
    pub event: String,
    /// The `data:` lines joined by `\n`.
    pub data: String,
}

/// At most this many bytes of an event not yet dispatched (its data and the line being read):
/// a stream past it is broken (`SseReader::overflowing`). A job's event is a few kilobytes.
pub const MAX_PENDING_BYTES: usize = 1 << 20;

/// The reader's state between chunks.
#[derive(Debug, Default)]
pub struct SseReader {
    /// The current line, not yet ended.
    line: String,
    /// The previous chunk ended with CR: an LF starting this one belongs to it.
    after_cr: bool,
    /// Nothing read yet: a byte order mark is skipped.
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    /// The standard's "last event ID buffer": the latest `id:` line's value, taken as the last
    /// event id when its event is dispatched (a blank line), not before.
    id_buffer: String,
    /// The last event id: an event's id once that event was read whole.
    last_id: String,
    retry_ms: Option<u64>,
}

impl SseReader {
    pub fn new() -> SseReader {
        SseReader::default()
    }

    /// The last event id (`Last-Event-ID` for a reconnection): that of the last event read to
    /// its end, even one that carried no data. An event cut off midway does not count: its id
    /// line was read, its end was not, so a reconnection asks for it again.
    pub fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// A new connection of the same stream: what the last one left unfinished (a cut line, an
    /// event without its end) is dropped, as a new connection is parsed afresh; the last event
    /// id and the `retry:` delay stay.
    pub fn reconnected(&mut self) {
        let (last_id, retry_ms) = (std::mem::take(&mut self.last_id), self.retry_ms);
        *self = SseReader { id_buffer: last_id.clone(), last_id, retry_ms, ..SseReader::default() };
    }

    /// More of an event is waiting for its end than any event of this stream may have
    /// (`MAX_PENDING_BYTES`): the stream is broken, and reading on would only grow the buffer.
    pub fn overflowing(&self) -> bool {
        self.line.len() + self.data.len() > MAX_PENDING_BYTES
    }

    /// The reconnection delay the stream asked for (`retry:`), if any.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// Reads a chunk of the stream's text; returns the events it completed.
    pub fn feed(&mut self, chunk: &str) -> Vec<StreamEvent> {
        let mut chunk = chunk;
        if !self.started && !chunk.is_empty() {
            self.started = true;
            chunk = chunk.strip_prefix('\u{feff}').unwrap_or(chunk);
        }
        let mut out = Vec::new();
        let mut rest = chunk;
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
        while let Some(end) = rest.find(['\r', '\n']) {
            self.line.push_str(&rest[..end]);
            let cr = rest.as_bytes()[end] == b'\r';
            rest = &rest[end + 1..];
            if cr {
                match rest.strip_prefix('\n') {
                    Some(after) => rest = after,
                    None if rest.is_empty() => self.after_cr = true,
                    None => {}
                }
            }
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.line_ended(&line) {
                out.push(event);
            }
        }
        self.line.push_str(rest);
        out
    }

    /// One whole line: a field, a comment, or the blank line that dispatches.
    fn line_ended(&mut self, line: &str) -> Option<StreamEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = value.to_string(),
            "id" if !value.contains('\0') => self.id_buffer = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry_ms = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<StreamEvent> {
        self.last_id.clone_from(&self.id_buffer);
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(StreamEvent {
            id: self.last_id.clone(),
            event: if event.is_empty() { "message".into() } else { event },
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
#[path = "sse_reader_tests.rs"]
mod tests;
