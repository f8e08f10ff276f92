//! `createProxyHandler`: a fetch-style handler that forwards the three API routes to the
//! service with the secret key, after the core has allowed them. Everything else is answered
//! here without touching the upstream.

use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Request, Response, ResponseInit, Url};

use super::js_args;
use super::js_error::Failure;
use super::operation::{self, Goal, Settings};
use super::promises::{promise, settled};
use super::transport::{header, ApiKey, Transport};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::json::Value;
use crate::core::poll_schedule::{Bounds, DurationEstimate};
use crate::core::proxy::{self, ProxyConfig, Refusal, Route};
use crate::core::request::check_idempotency_key;
use crate::core::retry::RetryPolicy;
use crate::core::routes::{normalize_base_url, DEFAULT_BASE_URL};

/// How long the proxy waits for the upstream before answering 504.
const UPSTREAM_TIMEOUT_MS: f64 = 60_000.0;

struct Proxy {
    cfg: ProxyConfig,
    /// The same transport as the client's: the key in `X-API-Key`, a time limit per request
    /// (and no retries: the caller's client retries).
    upstream: Rc<Settings>,
    authorize: Option<Function>,
    allow_anonymous: bool,
}

fn strings(obj: &JsValue, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    let v = js_args::get(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let bad = || js_args::wrong_type(key, "an array of strings");
    if !Array::is_array(&v) {
        return Err(bad());
    }
    Array::from(&v)
        .iter()
        .map(|s| s.as_string().ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Creates the proxy handler. `apiKey` is required; requests are refused (401) unless
/// `authorize(request)` approves them or `allowAnonymous` is true. An option name it does
/// not know throws, naming it.
#[wasm_bindgen(js_name = createProxyHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_proxy_handler(
    #[wasm_bindgen(unchecked_param_type = "ProxyOptions")] options: JsValue,
) -> Result<Function, JsValue> {
    let proxy = build(&options).map_err(|e| Failure::from(e).into_js())?;
    let proxy = Rc::new(proxy);
    let handler = Closure::<dyn Fn(JsValue) -> Promise>::new(move |request: JsValue| {
        let p = proxy.clone();
        promise(async move {
            p.handle(request.unchecked_into())
                .await
                .map(JsValue::from)
                .map_err(|e| Failure {
                    error: ApiError::new(ErrorCode::Server, "the proxy could not build its answer"),
                    job: None,
                    cause: Some(e),
                })
        })
    });
    Ok(handler.into_js_value().unchecked_into())
}

/// What `createProxyHandler(options)` reads.
const PROXY_OPTIONS: &[&str] = &[
    "apiKey",
    "upstream",
    "prefix",
    "authorize",
    "allowAnonymous",
    "allowModels",
    "maxPromptLength",
    "maxBodyBytes",
    "cors",
    "fetch",
];

fn build(o: &JsValue) -> Result<Proxy, ApiError> {
    js_args::check_object(o, "options")?;
    // A misspelt limit would leave the proxy more open than its author meant.
    js_args::check_names(o, "options", "", PROXY_OPTIONS)?;
    let api_key = js_args::string(o, "apiKey")?
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::invalid(
                "apiKey",
                "apiKey is required: the proxy adds it to every forwarded request",
                None,
            )
        })?;
    let upstream = normalize_base_url(
        &js_args::string(o, "upstream")?.unwrap_or_else(|| DEFAULT_BASE_URL.into()),
    )
    .map_err(|_| ApiError::invalid("upstream", "upstream must be an absolute http(s) URL", None))?;
    let cors = js_args::get(o, "cors");
    let cors_origins = if Array::is_array(&cors) {
        strings(o, "cors")?
    } else if cors.is_object() {
        js_args::check_names(&cors, "cors", "cors.", &["origins"])?;
        strings(&cors, "origins")?
    } else if cors.is_undefined() || cors.is_null() {
        None
    } else {
        return Err(js_args::wrong_type(
            "cors",
            "an array of origins, or { origins: [...] }",
        ));
    };
    let mut cfg = ProxyConfig {
        prefix: proxy::normalize_prefix(&js_args::string(o, "prefix")?.unwrap_or_default()),
        cors_origins: cors_origins.unwrap_or_default(),
        ..ProxyConfig::default()
    };
    if let Some(models) = strings(o, "allowModels")? {
        cfg.allow_models = models;
    }
    if let Some(n) = js_args::number(o, "maxPromptLength", 1.0, 2000.0, true)? {
        cfg.max_prompt_length = n as usize;
    }
    if let Some(n) = js_args::number(o, "maxBodyBytes", 256.0, 1_048_576.0, true)? {
        cfg.max_body_bytes = n as usize;
    }
    Ok(Proxy {
        cfg,
        upstream: Rc::new(Settings {
            transport: Transport::new(
                upstream,
                Some(ApiKey::new(api_key)),
                js_args::function(o, "fetch")?,
                UPSTREAM_TIMEOUT_MS,
            ),
            retry: RetryPolicy {
                max_retries: 0,
                ..RetryPolicy::default()
            },
            estimate: Cell::new(DurationEstimate::REVE),
            bounds: Bounds::default(),
        }),
        authorize: js_args::function(o, "authorize")?,
        allow_anonymous: js_args::boolean(o, "allowAnonymous")?,
    })
}

/// A Response; only its constructor can fail, and then the handler's promise rejects.
fn respond(
    status: u16,
    body: Option<&str>,
    headers: &[(&str, String)],
) -> Result<Response, JsValue> {
    let h = js_sys::Object::new();
    for (k, v) in headers {
        js_sys::Reflect::set(&h, &JsValue::from_str(k), &JsValue::from_str(v))?;
    }
    let init = ResponseInit::new();
    init.set_status(status);
    init.set_headers(&h);
    Response::new_with_opt_str_and_init(body, &init)
}

fn json(status: u16, body: &Value, cors: &[(&'static str, String)]) -> Result<Response, JsValue> {
    let mut headers: Vec<(&str, String)> = vec![("content-type", "application/json".into())];
    headers.extend_from_slice(cors);
    respond(status, Some(&body.to_json()), &headers)
}

fn refuse(r: Refusal, cors: &[(&'static str, String)]) -> Result<Response, JsValue> {
    let res = json(r.status, &r.body, cors)?;
    if let Some(allow) = r.allow {
        res.headers().set("allow", allow)?;
    }
    Ok(res)
}

impl Proxy {
    async fn handle(&self, req: Request) -> Result<Response, JsValue> {
        let method = req.method();
        let Ok(url) = Url::new(&req.url()) else {
            return refuse(Refusal::new(400, "Bad request URL"), &[]);
        };
        let origin = header(&req.headers(), "origin");
        if !proxy::origin_allowed(&self.cfg, origin.as_deref(), &url.origin()) {
            return refuse(
                Refusal::new(
                    403,
                    "This origin is not allowed by the proxy's cors setting",
                ),
                &[],
            );
        }
        let cors = proxy::cors_headers(&self.cfg, origin.as_deref());
        let route = match proxy::route(&self.cfg, &method, &url.pathname()) {
            Ok(r) => r,
            Err(refusal) => return refuse(refusal, &cors),
        };
        if method == "OPTIONS" {
            return respond(204, None, &cors);
        }
        if let Some(refusal) = self.authorized(&req).await {
            return refuse(refusal, &cors);
        }

        let idempotency_key = header(&req.headers(), "idempotency-key");
        if let Some(k) = &idempotency_key {
            if check_idempotency_key(k).is_err() {
                return refuse(
                    Refusal::new(
                        400,
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    ),
                    &cors,
                );
            }
        }
        let body = if route == Route::Generate {
            let declared =
                header(&req.headers(), "content-length").and_then(|l| l.parse::<usize>().ok());
            if declared.is_some_and(|n| n > self.cfg.max_body_bytes) {
                return refuse(
                    Refusal::new(
                        413,
                        cat!(
                            "Request body is larger than ",
                            self.cfg.max_body_bytes,
                            " bytes"
                        ),
                    ),
                    &cors,
                );
            }
            let text = match req.text() {
                Ok(p) => settled(&p)
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default(),
                Err(_) => String::new(),
            };
            match proxy::check_generate(&self.cfg, &text) {
                Ok(b) => Some(b),
                Err(refusal) => return refuse(refusal, &cors),
            }
        } else {
            None
        };
        let path = match &route {
            Route::Generate => crate::core::routes::GENERATE.to_string(),
            Route::GetJob(id) => cat!("/v2/jobs/", id),
            Route::ListJobs => cat!("/v2/jobs", url.search()),
        };
        let request = operation::Request {
            method: route.method(),
            path,
            body,
            idempotency_key,
        };
        self.forward(request, &cors).await
    }

    /// `None` when the request may pass; otherwise the refusal.
    async fn authorized(&self, req: &Request) -> Option<Refusal> {
        let Some(authorize) = &self.authorize else {
            return (!self.allow_anonymous).then(|| {
                Refusal::new(
                    401,
                    "This proxy refuses every request until it is told who may call it: pass \
                     authorize(request) to createProxyHandler, or allowAnonymous: true",
                )
            });
        };
        let verdict = match authorize.call1(&JsValue::UNDEFINED, req) {
            Ok(v) => settled(&Promise::resolve(&v)).await,
            Err(e) => Err(e),
        };
        match verdict {
            Ok(v) if v.is_truthy() => None,
            Ok(_) => Some(Refusal::new(401, "Not authorised")),
            Err(_) => Some(Refusal::new(500, "The proxy's authorize() failed")),
        }
    }

    async fn forward(
        &self,
        request: operation::Request,
        cors: &[(&'static str, String)],
    ) -> Result<Response, JsValue> {
        let answer = operation::start(self.upstream.clone(), request, None, Goal::Forward);
        let (status, text, headers) = match settled(&answer).await {
            Ok(a) => {
                let a: Array = a.unchecked_into();
                let status = a.get(0).as_f64().unwrap_or(502.0) as u16;
                (
                    status,
                    a.get(1).as_string().unwrap_or_default(),
                    a.get(2).unchecked_into::<web_sys::Headers>(),
                )
            }
            Err(e) if js_args::get(&e, "code").as_string().as_deref() == Some("timeout") => {
                return refuse(
                    Refusal::new(504, "The upstream service did not answer in time"),
                    cors,
                )
            }
            Err(_) => {
                return refuse(
                    Refusal::new(502, "The upstream service could not be reached"),
                    cors,
                )
            }
        };
        let mut out = cors.to_vec();
        for name in ["content-type", "retry-after", "x-request-id"] {
            if let Some(v) = header(&headers, name) {
                out.push((name, v));
            }
        }
        respond(status, Some(&text), &out)
    }
}
