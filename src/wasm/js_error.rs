//! Failures as JavaScript `ApiframeError`s: the core's error plus, where known, the job and
//! the cause.

use js_sys::{Object, Reflect};
use web_sys::AbortSignal;

use super::args::get;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::core::error::{ApiError, ErrorCode};

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createError)]
    fn create_error(message: &str, props: &Object) -> JsValue;
}

/// A failure on its way to JavaScript.
pub struct Failure {
    pub error: ApiError,
    pub job: Option<JsValue>,
    pub cause: Option<JsValue>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure { error, job: None, cause: None }
    }
}

/// A plain JS value of serializable data (objects as plain objects, not Maps).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

impl Failure {
    pub fn code(&self) -> ErrorCode {
        self.error.code
    }

    pub fn with_job_id(mut self, id: &str) -> Self {
        self.error = self.error.with_job_id(id);
        self
    }

    #[cold]
    pub fn into_js(self) -> JsValue {
        let e = self.error;
        let props = Object::new();
        let set = |k: &str, v: JsValue| {
            let _ = Reflect::set(&props, &JsValue::from_str(k), &v);
        };
        set("code", e.code.as_str().into());
        set("retryable", e.retryable.into());
        if let Some(s) = e.status {
            set("status", s.into());
        }
        if let Some(r) = e.request_id {
            set("requestId", r.into());
        }
        if let Some(ms) = e.retry_after_ms {
            set("retryAfterMs", (ms as f64).into());
        }
        if let Some(d) = &e.details {
            set("details", to_js(d));
        }
        if let Some(id) = e.job_id {
            set("jobId", id.into());
        }
        if let Some(job) = self.job {
            set("job", job);
        }
        if let Some(c) = self.cause {
            set("cause", c);
        }
        create_error(&e.message, &props)
    }
}

#[cold]
pub fn network(message: String, cause: JsValue) -> Failure {
    Failure { error: ApiError::new(ErrorCode::Network, message), job: None, cause: Some(cause) }
}

/// `what` ended because the caller's signal aborted; the signal's reason is the cause.
#[cold]
pub fn aborted(signal: Option<&AbortSignal>, what: &str) -> Failure {
    let reason = signal.map(|s| get(s, "reason")).filter(|r| !r.is_undefined());
    Failure {
        error: ApiError::new(ErrorCode::Aborted, format!("{what} was aborted")),
        job: None,
        cause: reason,
    }
}
