//! `createProxyHandler`: a fetch-style handler that forwards the three API routes to the
//! service with the secret key, after the core has allowed them. Everything else is answered
//! here, as the core decides, without touching the upstream.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request as JsRequest, Response, ResponseInit, Url};

use super::args::{self, option_expectation};
use super::js_error::{to_js, Failure};
use super::options::{CorsOptions, ProxyOptions};
use super::transport::{header, json_parse, json_stringify, Request, Transport};
use super::trap;
use crate::core::decode::decode;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::proxy::{self, ProxyConfig, Refusal, Route, FORWARDED_HEADERS};
use crate::core::routes::{normalize_base_url, DEFAULT_BASE_URL};
use crate::core::settings::{self, number_in};

/// How long the proxy waits for the upstream before answering 504.
const UPSTREAM_TIMEOUT_MS: f64 = 60_000.0;

struct Proxy {
    cfg: ProxyConfig,
    /// The key in `X-API-Key`, a time limit per request, and no retries: the caller's client
    /// retries.
    upstream: Transport,
    authorize: Option<Function>,
    allow_anonymous: bool,
}

/// Creates the proxy handler. `apiKey` is required; requests are refused (401) unless
/// `authorize(request)` approves them or `allowAnonymous` is true. An option name it does
/// not know throws, naming it.
#[wasm_bindgen(js_name = createProxyHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_proxy_handler(
    #[wasm_bindgen(unchecked_param_type = "ProxyOptions")] options: JsValue,
) -> Result<Function, JsValue> {
    let proxy = Rc::new(build(&options).map_err(|e| Failure::from(e).into_js())?);
    let handler = Closure::<dyn Fn(JsValue) -> Promise>::new(move |request: JsValue| {
        let p = proxy.clone();
        trap::promise(async move {
            p.handle(request.unchecked_into()).await.map(JsValue::from).map_err(|e| Failure {
                error: ApiError::new(ErrorCode::Server, "the proxy could not build its answer"),
                job: None,
                cause: Some(e),
            })
        })
    });
    Ok(handler.into_js_value().unchecked_into())
}

fn build(o: &JsValue) -> Result<Proxy, ApiError> {
    trap::check()?;
    // A misspelt limit would leave the proxy more open than its author meant.
    let o: ProxyOptions = args::options(o, "options", option_expectation)?;
    let api_key = settings::api_key("apiKey", Some(&o.api_key))?.ok_or_else(|| {
        ApiError::invalid("apiKey", "apiKey is required: the proxy adds it to every forwarded request", None)
    })?;
    let upstream = normalize_base_url("upstream", o.upstream.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
    let cors_origins = if o.cors.is_undefined() || o.cors.is_null() {
        Vec::new()
    } else if js_sys::Array::is_array(&o.cors) {
        decode(serde_wasm_bindgen::Deserializer::from(o.cors.clone()), "cors", option_expectation)?
    } else {
        let c: CorsOptions = args::options(&o.cors, "cors", |_| {
            Some(("an array of origins".to_string(), None))
        })
        .map_err(|e| match e.field() {
            Some("cors") | Some("origins") => ApiError::wrong_type("cors", "an array of origins, or { origins: [...] }"),
            _ => prefix_cors(e),
        })?;
        c.origins
    };
    let mut cfg = ProxyConfig {
        prefix: proxy::normalize_prefix(o.prefix.as_deref().unwrap_or("")),
        cors_origins,
        ..ProxyConfig::default()
    };
    if let Some(models) = o.allow_models {
        cfg.allow_models = models;
    }
    if let Some(n) = number_in("maxPromptLength", o.max_prompt_length, 1.0, 2000.0, true)? {
        cfg.max_prompt_length = n as usize;
    }
    if let Some(n) = number_in("maxBodyBytes", o.max_body_bytes, 256.0, 1_048_576.0, true)? {
        cfg.max_body_bytes = n as usize;
    }
    Ok(Proxy {
        cfg,
        upstream: Transport::new(upstream, Some(api_key), args::function("fetch", &o.fetch)?, UPSTREAM_TIMEOUT_MS),
        authorize: args::function("authorize", &o.authorize)?,
        allow_anonymous: o.allow_anonymous.unwrap_or(false),
    })
}

/// `cors`'s own names are reported under `cors.`.
fn prefix_cors(mut e: ApiError) -> ApiError {
    if let Some(field) = e.field().map(str::to_string) {
        let prefixed = format!("cors.{field}");
        e.message = e.message.replace(&format!("\"{field}\""), &format!("\"{prefixed}\""));
        if let Some(d) = e.details.as_mut() {
            d["field"] = prefixed.into();
        }
    }
    e
}

/// A Response; only its constructor can fail, and then the handler's promise rejects.
fn respond(status: u16, body: Option<&str>, headers: &[(&str, String)]) -> Result<Response, JsValue> {
    let h = web_sys::Headers::new()?;
    for (k, v) in headers {
        h.append(k, v)?;
    }
    let init = ResponseInit::new();
    init.set_status(status);
    init.set_headers(&h);
    Response::new_with_opt_str_and_init(body, &init)
}

fn refuse(r: Refusal, cors: &[(&'static str, String)]) -> Result<Response, JsValue> {
    let mut headers: Vec<(&str, String)> = vec![("content-type", "application/json".into())];
    headers.extend_from_slice(cors);
    if let Some(allow) = r.allow {
        headers.push(("allow", allow.into()));
    }
    let body = json_stringify(&to_js(&r.body)).ok().and_then(|b| b.as_string());
    respond(r.status, body.as_deref(), &headers)
}

async fn settled(p: &JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(p)).await
}

impl Proxy {
    async fn handle(&self, req: JsRequest) -> Result<Response, JsValue> {
        let method = req.method();
        let Ok(url) = Url::new(&req.url()) else {
            return refuse(Refusal::bad_url(), &[]);
        };
        let headers = req.headers();
        let origin = header(&headers, "origin");
        let cors = proxy::cors_headers(&self.cfg, origin.as_deref());
        if !proxy::origin_allowed(&self.cfg, origin.as_deref(), &url.origin()) {
            return refuse(Refusal::origin_refused(), &cors);
        }
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
        let idempotency_key = header(&headers, "idempotency-key");
        if let Err(refusal) = proxy::check_idempotency_header(idempotency_key.as_deref()) {
            return refuse(refusal, &cors);
        }
        let body = if route == Route::Generate {
            match self.submission(&req).await {
                Ok(b) => Some(b),
                Err(refusal) => return refuse(refusal, &cors),
            }
        } else {
            None
        };
        let request = Request {
            method: route.method(),
            path: route.upstream_path(&url.search()),
            body,
            idempotency_key,
        };
        self.forward(request, &cors).await
    }

    /// The submission's body, checked by the core: size, JSON (parsed by the host), names,
    /// the library's validation and the proxy's own limits.
    async fn submission(&self, req: &JsRequest) -> Result<String, Refusal> {
        proxy::check_declared_length(&self.cfg, header(&req.headers(), "content-length").as_deref())?;
        let text = match req.text() {
            Ok(p) => settled(&p).await.unwrap_or_default(),
            Err(_) => JsValue::from_str(""),
        };
        // Its size in UTF-8 bytes, as it came over the wire.
        let bytes = text.as_string().map_or(0, |t| t.len());
        if bytes > self.cfg.max_body_bytes {
            return Err(Refusal::too_large(&self.cfg));
        }
        let parsed = json_parse(&text).map_err(|_| Refusal::not_json())?;
        let read = super::client::check_request(parsed);
        let checked = proxy::check_generate(&self.cfg, bytes, read)?;
        json_stringify(&to_js(&checked))
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(Refusal::not_json)
    }

    /// `None` when the request may pass; otherwise the refusal.
    async fn authorized(&self, req: &JsRequest) -> Option<Refusal> {
        let Some(authorize) = &self.authorize else {
            return (!self.allow_anonymous).then(Refusal::no_policy);
        };
        let verdict = match authorize.call1(&JsValue::UNDEFINED, req) {
            Ok(v) => settled(&v).await,
            Err(e) => Err(e),
        };
        match verdict {
            Ok(v) if v.is_truthy() => None,
            Ok(_) => Some(Refusal::not_authorized()),
            Err(_) => Some(Refusal::authorize_failed()),
        }
    }

    async fn forward(&self, request: Request, cors: &[(&'static str, String)]) -> Result<Response, JsValue> {
        let received = match self.upstream.attempt(&request, None).await {
            Ok(r) => r,
            Err(f) => return refuse(Refusal::upstream_failed(f.code()), cors),
        };
        let mut out = cors.to_vec();
        for name in FORWARDED_HEADERS {
            if let Some(v) = header(&received.headers, name) {
                out.push((name, v));
            }
        }
        respond(received.status, received.text.as_string().as_deref(), &out)
    }
}
