//! A proxy's job stream, read by a wait (issue 29): a proxy with `webhookUrl` names it in the
//! `Apiframe-Events` header of its answers about a job, and the wait then reads the job pushed
//! instead of polling. Opened with the client's fetch and headers (the proxy checks its caller as
//! for `getJob`), read as Server-Sent Events (`core::sse_reader`); each event's data is the job as
//! `getJob` returns it. A stream that ends or falls silent before the job does is opened again
//! with `Last-Event-ID`; one that cannot be opened, or breaks too often, gives the wait back to
//! polling. Dropping it aborts its fetch.

use std::collections::VecDeque;

use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, ReadableStreamDefaultReader, Response, TextDecodeOptions, TextDecoder, Url};

use super::abort::AbortGuard;
use super::args::get;
use super::host::{json_parse, settling};
use super::js_error::{network, Failure};
use super::race::bounded;
use super::transport::{header, Transport};
use crate::core::error::ErrorCode;
use crate::core::extra_headers::Header;
use crate::core::sse_reader::SseReader;

/// How many times a stream may end or break before the wait goes back to polling.
const MAX_REOPENS: u32 = 3;

/// What the stream gave.
pub enum Pushed {
    /// The job as the proxy holds it now.
    Job(JsValue),
    /// No stream (refused, or broken too often): poll.
    Gone,
}

/// What one read of the stream gave.
enum Read {
    /// A chunk, its events queued.
    Chunk,
    /// The stream ended, broke or fell silent for the transport's time limit: open it again.
    Broken,
    /// More of one event than any job's (`MAX_PENDING_BYTES`) without its end: the proxy is
    /// not sending job events, and opening it again would read the same. Poll instead.
    Overflowed,
}

/// One connection of the stream.
struct Open {
    reader: ReadableStreamDefaultReader,
    /// This connection's bytes as text: a character cut at the end of the last one is not
    /// carried into this one's first bytes.
    decoder: TextDecoder,
    /// Aborts the stream's fetch when the stream is dropped or replaced.
    _guard: AbortGuard,
}

pub struct JobStream {
    url: String,
    open: Option<Open>,
    sse: SseReader,
    /// Events read and not yet handed out: their data.
    queued: VecDeque<String>,
    reopens: u32,
}

impl JobStream {
    /// The stream `path` names (the header's value), resolved against `base_url`; only on the
    /// same origin as `base_url`, where the client's headers may go.
    pub fn at(base_url: &str, path: &str) -> Option<JobStream> {
        let base = Url::new(base_url).ok()?;
        let url = Url::new_with_base(path, base_url).ok()?;
        if url.origin() != base.origin() {
            return None;
        }
        let stream = JobStream { url: url.href(), open: None, sse: SseReader::new(), queued: VecDeque::new(), reopens: 0 };
        Some(stream)
    }

    /// The next job the stream pushes, or `Gone`. `headers`: the call's own (`run`'s), sent as
    /// its other requests are. An abort of `signal` is an error; any other failure of the stream
    /// only ends it.
    pub async fn next(&mut self, transport: &Transport, headers: &[Header], signal: Option<&AbortSignal>) -> Result<Pushed, Failure> {
        loop {
            while let Some(data) = self.queued.pop_front() {
                match json_parse(&JsValue::from_str(&data)) {
                    Ok(job) if job.is_object() => return Ok(Pushed::Job(job)),
                    _ => {} // not a job: skipped
                }
            }
            if self.open.is_none() && !self.connect(transport, headers, signal).await? {
                return Ok(Pushed::Gone);
            }
            match self.read(transport, signal).await? {
                Read::Chunk => {}
                // Ended or silent before the job did: open it again from the last event.
                Read::Broken => {
                    self.open = None;
                    self.reopens += 1;
                }
                Read::Overflowed => {
                    self.open = None;
                    return Ok(Pushed::Gone);
                }
            }
        }
    }

    /// Opens the stream (again, from the last event id); false when it cannot be had.
    async fn connect(&mut self, transport: &Transport, headers: &[Header], signal: Option<&AbortSignal>) -> Result<bool, Failure> {
        if self.reopens > MAX_REOPENS {
            return Ok(false);
        }
        let (Ok(guard), Ok(decoder)) = (AbortGuard::new(), TextDecoder::new()) else { return Ok(false) };
        // A new connection is read afresh: a cut event or line of the last one is not glued to
        // this one's first bytes.
        self.sse.reconnected();
        let last = self.sse.last_event_id();
        let Ok(init) = transport.stream_init(headers, if last.is_empty() { None } else { Some(last) }, &guard.signal()) else {
            return Ok(false);
        };
        let Ok(promise) = transport.start(&self.url, &init) else { return Ok(false) };
        let response = match within(settling(&promise), transport.timeout_ms, signal, &|| format!("GET {}", self.url)).await {
            Ok(r) => r.unchecked_into::<Response>(),
            Err(f) if f.code() == ErrorCode::Aborted => return Err(f),
            Err(_) => return Ok(false),
        };
        let event_stream = header(&response.headers(), "content-type").is_some_and(|t| t.starts_with("text/event-stream"));
        let body = response.body().filter(|_| response.status() == 200 && event_stream);
        let Some(body) = body else { return Ok(false) };
        self.open = Some(Open { reader: body.get_reader().unchecked_into(), decoder, _guard: guard });
        Ok(true)
    }

    /// Reads one chunk into the queue (the proxy sends a comment every 15 s, so silence for the
    /// transport's time limit is a broken stream).
    async fn read(&mut self, transport: &Transport, signal: Option<&AbortSignal>) -> Result<Read, Failure> {
        let Some(open) = &self.open else { return Ok(Read::Broken) };
        let step = match within(settling(&open.reader.read()), transport.timeout_ms, signal, &|| format!("reading {}", self.url)).await {
            Ok(step) => step,
            Err(f) if f.code() == ErrorCode::Aborted => return Err(f),
            Err(_) => return Ok(Read::Broken),
        };
        if get(&step, "done").as_bool() == Some(true) {
            return Ok(Read::Broken);
        }
        let chunk: Object = get(&step, "value").unchecked_into();
        let options = TextDecodeOptions::new();
        options.set_stream(true);
        let Ok(text) = open.decoder.decode_with_buffer_source_and_options(&chunk, &options) else {
            return Ok(Read::Broken);
        };
        self.queued.extend(self.sse.feed(&text).into_iter().map(|e| e.data));
        Ok(if self.sse.overflowing() { Read::Overflowed } else { Read::Chunk })
    }
}

/// A promise (its handlers attached: see `settling`) settled within `limit_ms` and `signal`: one
/// state machine for the stream's opening and each of its reads (a generic `bounded` per await
/// would be one each).
async fn within(promise: JsFuture, limit_ms: f64, signal: Option<&AbortSignal>, what: &dyn Fn() -> String) -> Result<JsValue, Failure> {
    let settles = async { promise.await.map_err(|e| network(what(), e)) };
    bounded(settles, limit_ms, signal, what).await
}
