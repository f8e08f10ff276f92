//! What the proxy answers with, as a `Response`: the upstream's answer passed on, a caller's
//! listing, a job from the proxy's record (naming its event stream), the stream itself, a
//! preflight or a webhook taken, or a refusal; each with the CORS headers the core chose.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{ReadableStream, Response, ResponseInit};

use crate::core::error::{ApiError, ErrorCode};
use crate::core::proxy::{Refusal, FORWARDED_HEADERS};
use crate::core::pushed::EVENTS_HEADER;
use crate::wasm::js_error::{to_js, Failure};
use crate::wasm::host::json_stringify;
use crate::wasm::transport::{header, Received};

/// The CORS headers of one request's answer.
pub(super) type CorsHeaders = [(&'static str, String)];

/// What the proxy answers a call with.
pub(super) enum Answer {
    /// The upstream's answer, as it came, with the headers the core passes on.
    Upstream(Received),
    /// A caller's own jobs: `{ jobs, nextCursor, hasMore }`.
    Listing {
        /// The jobs as the service answered them.
        jobs: Array,
        /// The next page's cursor; `None` on the last page.
        cursor: Option<String>,
    },
    /// A CORS preflight: 204.
    Preflight,
    /// The service's answer to a submission whose job the proxy holds: passed on, naming the
    /// job's event stream (`Apiframe-Events`).
    Accepted {
        /// The service's answer.
        received: Received,
        /// The path of the job's event stream.
        events: String,
    },
    /// A job from the proxy's record, as `getJob` returns it: 200, naming its event stream.
    Job {
        /// The job's JSON.
        job: JsValue,
        /// The path of the job's event stream.
        events: String,
    },
    /// A job's changes as Server-Sent Events: 200 `text/event-stream`.
    Events(ReadableStream),
    /// A stream asked for by a caller that has its final event already: 204, after which
    /// `EventSource` does not reconnect.
    EventsOver,
    /// A webhook delivery taken: 204.
    Received,
    /// The core's refusal.
    Refused(Refusal),
}

/// The handler failed to build a Response (the runtime refused one).
#[cold]
fn unanswerable(cause: JsValue) -> Failure {
    Failure {
        error: ApiError::new(ErrorCode::Server, "the proxy could not build its answer"),
        job: None,
        cause: Some(cause),
    }
}

/// The `Response` of an answer.
pub(super) fn respond(answer: Answer, cors: &CorsHeaders) -> Result<Response, Failure> {
    match answer {
        Answer::Upstream(received) => pass_on(&received, &[], cors),
        Answer::Accepted { received, events } => pass_on(&received, &[(EVENTS_HEADER, events)], cors),
        Answer::Listing { jobs, cursor } => listing(&jobs, cursor, cors),
        Answer::Preflight | Answer::Received | Answer::EventsOver => build(204, None, cors),
        Answer::Job { job, events } => {
            let mut headers = cors.to_vec();
            headers.push((EVENTS_HEADER, events));
            json(200, &job, &headers)
        }
        Answer::Events(stream) => event_stream(&stream, cors),
        Answer::Refused(r) => refuse(r, cors),
    }
}

/// A `Response` of `status`, `body` and `headers`.
fn build(status: u16, body: Option<&str>, headers: &CorsHeaders) -> Result<Response, Failure> {
    let response = || {
        let h = web_sys::Headers::new()?;
        for (k, v) in headers {
            h.append(k, v)?;
        }
        let init = ResponseInit::new();
        init.set_status(status);
        init.set_headers(&h);
        Response::new_with_opt_str_and_init(body, &init)
    };
    response().map_err(unanswerable)
}

/// A JSON `Response`.
fn json(status: u16, body: &JsValue, cors: &CorsHeaders) -> Result<Response, Failure> {
    let mut headers = vec![("content-type", "application/json".to_string())];
    headers.extend_from_slice(cors);
    let text = json_stringify(body).ok().and_then(|b| b.as_string());
    build(status, text.as_deref(), &headers)
}

/// A refusal, with `Allow` for a 405.
fn refuse(r: Refusal, cors: &CorsHeaders) -> Result<Response, Failure> {
    let mut headers = cors.to_vec();
    if let Some(allow) = r.allow {
        headers.push(("allow", allow.into()));
    }
    json(r.status, &to_js(&r.body), &headers)
}

/// The upstream's answer as it came, with the headers the core passes on (and `extra`).
fn pass_on(received: &Received, extra: &CorsHeaders, cors: &CorsHeaders) -> Result<Response, Failure> {
    let mut headers = cors.to_vec();
    headers.extend_from_slice(extra);
    for name in FORWARDED_HEADERS {
        if let Some(v) = header(&received.headers, name) {
            headers.push((name, v));
        }
    }
    build(received.status, received.text.as_string().as_deref(), &headers)
}

/// A job's event stream: nothing on the way may cache, transform or buffer it.
fn event_stream(stream: &ReadableStream, cors: &CorsHeaders) -> Result<Response, Failure> {
    let response = || {
        let h = web_sys::Headers::new()?;
        for (k, v) in cors.iter().chain(&EVENT_STREAM_HEADERS.map(|(k, v)| (k, v.to_string()))) {
            h.append(k, v)?;
        }
        let init = ResponseInit::new();
        init.set_status(200);
        init.set_headers(&h);
        Response::new_with_opt_readable_stream_and_init(Some(stream), &init)
    };
    response().map_err(unanswerable)
}

/// The headers of an event stream.
const EVENT_STREAM_HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream; charset=utf-8"),
    ("cache-control", "no-cache, no-transform"),
    ("x-accel-buffering", "no"),
];

/// A caller's listing: `{ jobs, nextCursor, hasMore }`.
fn listing(jobs: &Array, cursor: Option<String>, cors: &CorsHeaders) -> Result<Response, Failure> {
    let body = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&body, &k.into(), v);
    set("jobs", jobs)
        .and_then(|_| set("nextCursor", &cursor.as_deref().map_or(JsValue::NULL, JsValue::from_str)))
        .and_then(|_| set("hasMore", &cursor.is_some().into()))
        .map_err(unanswerable)?;
    json(200, &body, cors)
}
