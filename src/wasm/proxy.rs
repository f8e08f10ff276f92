//! `createProxyHandler`: a fetch-style handler that forwards the three API routes to the
//! service with the secret key, after the core has allowed them. Everything else is answered
//! here, as the core decides, without touching the upstream. When `authorize` names the
//! caller, the proxy records who submitted each job (in `jobStore`, or in memory) and lets each
//! caller read and list only its own.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::join_all;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::{Request as JsRequest, Response, ResponseInit, Url};

use super::args::{self, option_expectation};
use super::js_error::{to_js, Failure};
use super::options::{CorsOptions, ProxyOptions};
use super::transport::{header, json_parse, json_stringify, settled, Received, Request, Transport};
use super::trap;
use crate::core::decode::decode;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::job::{Job, JobAccepted};
use crate::core::job_owners::{self, Accepted, Caller, MemoryOwners, OwnedListQuery, Page, Verdict};
use crate::core::proxy::{self, ProxyConfig, Refusal, Route, FORWARDED_HEADERS};
use crate::core::response::is_success;
use crate::core::routes::{self, normalize_base_url, DEFAULT_BASE_URL};
use crate::core::settings::{self, number_in};

/// How long the proxy waits for the upstream before answering 504.
const UPSTREAM_TIMEOUT_MS: f64 = 60_000.0;

/// Where the proxy remembers who submitted which job.
enum Owners {
    /// This instance's memory: one process only.
    Memory(RefCell<MemoryOwners>),
    /// The caller's `jobStore` (`get`, `put`, `list`), shared as it shares it.
    Store(JsValue),
}

/// A `jobStore.list` answer.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct StorePage {
    #[serde(default)]
    job_ids: Vec<String>,
    #[serde(default)]
    cursor: Option<String>,
}

impl Owners {
    async fn call(store: &JsValue, method: &str, call_args: &[JsValue]) -> Result<JsValue, JsValue> {
        let f: Function = args::get(store, method).dyn_into()?;
        settled(&f.apply(store, &call_args.iter().collect::<Array>())?).await
    }

    async fn get(&self, job_id: &str) -> Result<Option<String>, JsValue> {
        match self {
            Owners::Memory(m) => Ok(m.borrow().get(job_id).map(str::to_string)),
            Owners::Store(s) => Ok(Self::call(s, "get", &[job_id.into()]).await?.as_string()),
        }
    }

    async fn put(&self, job_id: &str, owner: &str) -> Result<(), JsValue> {
        match self {
            Owners::Memory(m) => {
                m.borrow_mut().put(job_id, owner);
                Ok(())
            }
            Owners::Store(s) => Self::call(s, "put", &[job_id.into(), owner.into()]).await.map(drop),
        }
    }

    async fn list(&self, owner: &str, limit: usize, cursor: Option<&str>) -> Result<Page, JsValue> {
        match self {
            Owners::Memory(m) => Ok(m.borrow().list(owner, limit, cursor)),
            Owners::Store(s) => {
                let options = Object::new();
                Reflect::set(&options, &"limit".into(), &(limit as f64).into())?;
                if let Some(c) = cursor {
                    Reflect::set(&options, &"cursor".into(), &c.into())?;
                }
                let page: StorePage = serde_wasm_bindgen::from_value(Self::call(s, "list", &[owner.into(), options.into()]).await?)?;
                Ok(Page { job_ids: page.job_ids, cursor: page.cursor.filter(|c| !c.is_empty()) })
            }
        }
    }
}

struct Proxy {
    cfg: ProxyConfig,
    /// The key in `X-API-Key`, a time limit per request, and no retries: the caller's client
    /// retries.
    upstream: Transport,
    authorize: Option<Function>,
    allow_anonymous: bool,
    owners: Owners,
}

/// Creates the proxy handler. `apiKey` is required; requests are refused (401) unless
/// `authorize(request)` approves them or `allowAnonymous` is true. When `authorize` resolves
/// to the caller's identity (a string), each caller reads and lists only its own jobs. An
/// option name it does not know throws, naming it.
#[wasm_bindgen(js_name = createProxyHandler, unchecked_return_type = "(request: Request) => Promise<Response>")]
pub fn create_proxy_handler(
    #[wasm_bindgen(unchecked_param_type = "ProxyOptions")] options: JsValue,
) -> Result<Function, JsValue> {
    let proxy = Rc::new(build(&options).map_err(|e| Failure::from(e).into_js())?);
    let handler = Closure::<dyn Fn(JsValue) -> Promise>::new(move |request: JsValue| {
        let p = proxy.clone();
        trap::promise(async move { p.handle(request.unchecked_into()).await.map(JsValue::from) })
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
        let c: CorsOptions = args::options(&o.cors, "cors", |_| Some(("an array of origins".to_string(), None)))
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
    let owners = if o.job_store.is_undefined() || o.job_store.is_null() {
        Owners::Memory(RefCell::new(MemoryOwners::new(job_owners::MEMORY_CAP)))
    } else if ["get", "put", "list"].iter().all(|m| args::get(&o.job_store, m).is_function()) {
        Owners::Store(o.job_store.clone())
    } else {
        return Err(ApiError::wrong_type("jobStore", "an object with get(jobId), put(jobId, owner) and list(owner, { limit, cursor })"));
    };
    Ok(Proxy {
        cfg,
        upstream: Transport::new(upstream, Some(api_key), args::function("fetch", &o.fetch)?, UPSTREAM_TIMEOUT_MS),
        authorize: args::function("authorize", &o.authorize)?,
        allow_anonymous: o.allow_anonymous.unwrap_or(false),
        owners,
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

/// The handler failed to build a Response (the runtime refused one).
#[cold]
fn unanswerable(cause: JsValue) -> Failure {
    Failure {
        error: ApiError::new(ErrorCode::Server, "the proxy could not build its answer"),
        job: None,
        cause: Some(cause),
    }
}

fn respond(status: u16, body: Option<&str>, headers: &[(&str, String)]) -> Result<Response, Failure> {
    let build = || {
        let h = web_sys::Headers::new()?;
        for (k, v) in headers {
            h.append(k, v)?;
        }
        let init = ResponseInit::new();
        init.set_status(status);
        init.set_headers(&h);
        Response::new_with_opt_str_and_init(body, &init)
    };
    build().map_err(unanswerable)
}

fn json(status: u16, body: &JsValue, cors: &[(&'static str, String)]) -> Result<Response, Failure> {
    let mut headers: Vec<(&str, String)> = vec![("content-type", "application/json".into())];
    headers.extend_from_slice(cors);
    let text = json_stringify(body).ok().and_then(|b| b.as_string());
    respond(status, text.as_deref(), &headers)
}

fn refuse(r: Refusal, cors: &[(&'static str, String)]) -> Result<Response, Failure> {
    let mut cors = cors.to_vec();
    if let Some(allow) = r.allow {
        cors.push(("allow", allow.into()));
    }
    json(r.status, &to_js(&r.body), &cors)
}

/// The upstream's answer as it came, with the headers the core passes on.
fn pass_on(received: &Received, cors: &[(&'static str, String)]) -> Result<Response, Failure> {
    let mut out = cors.to_vec();
    for name in FORWARDED_HEADERS {
        if let Some(v) = header(&received.headers, name) {
            out.push((name, v));
        }
    }
    respond(received.status, received.text.as_string().as_deref(), &out)
}

/// The request's body, read as it streams and abandoned past `cap` bytes (a body without a
/// `Content-Length` is held to the cap too).
async fn read_body(req: &JsRequest, cap: usize) -> Result<Option<String>, ()> {
    let Some(stream) = req.body() else {
        return Ok(Some(String::new()));
    };
    let reader = stream.get_reader();
    let read: Function = args::get(&reader, "read").dyn_into().map_err(drop)?;
    let mut bytes = Vec::new();
    loop {
        let chunk = settled(&read.call0(&reader).map_err(drop)?).await.map_err(drop)?;
        if args::get(&chunk, "done").is_truthy() {
            break;
        }
        let value: Uint8Array = args::get(&chunk, "value").dyn_into().map_err(drop)?;
        if bytes.len() + value.length() as usize > cap {
            if let Ok(cancel) = args::get(&reader, "cancel").dyn_into::<Function>() {
                let _ = cancel.call0(&reader);
            }
            return Ok(None);
        }
        bytes.extend_from_slice(&value.to_vec());
    }
    Ok(String::from_utf8(bytes).ok())
}

impl Proxy {
    async fn handle(&self, req: JsRequest) -> Result<Response, Failure> {
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
        let caller = match self.caller(&req).await {
            Ok(Caller::Refused) if self.authorize.is_none() => return refuse(Refusal::no_policy(), &cors),
            Ok(Caller::Refused) => return refuse(Refusal::not_authorized(), &cors),
            Ok(c) => c,
            Err(Ok(e)) => return Err(e.into()),
            Err(Err(())) => return refuse(Refusal::authorize_failed(), &cors),
        };
        let idempotency_key = header(&headers, "idempotency-key");
        if let Err(refusal) = proxy::check_idempotency_header(idempotency_key.as_deref()) {
            return refuse(refusal, &cors);
        }
        let owner = match &caller {
            Caller::Owner(id) => Some(id.as_str()),
            _ => None,
        };
        match (&route, owner) {
            (Route::ListJobs, Some(owner)) => return self.list_owned(owner, &url, &cors).await,
            (Route::GetJob(id), Some(owner)) => {
                let recorded = self.owners.get(id).await.ok().flatten();
                if let Err(refusal) = job_owners::check_owner(recorded.as_deref(), owner) {
                    return refuse(refusal, &cors);
                }
            }
            _ => {}
        }
        let body = if route == Route::Generate {
            match self.submission(&req).await {
                Ok(b) => Some(b),
                Err(refusal) => return refuse(refusal, &cors),
            }
        } else {
            None
        };
        let request = Request { method: route.method(), path: route.upstream_path(&url.search()), body, idempotency_key, headers: Vec::new() };
        let received = match self.upstream.attempt(&request, None).await {
            Ok(r) => r,
            Err(f) => return refuse(Refusal::upstream_failed(f.code()), &cors),
        };
        if let (Route::Generate, Some(owner)) = (&route, owner) {
            if let Err(refusal) = self.record(&received, owner).await {
                return refuse(refusal, &cors);
            }
        }
        pass_on(&received, &cors)
    }

    /// Who is calling: `Err(Ok(e))` for an answer of `authorize` that is the app's bug,
    /// `Err(Err(()))` when `authorize` itself failed.
    async fn caller(&self, req: &JsRequest) -> Result<Caller, Result<ApiError, ()>> {
        let Some(authorize) = &self.authorize else {
            return Ok(if self.allow_anonymous { Caller::Shared } else { Caller::Refused });
        };
        let v = match authorize.call1(&JsValue::UNDEFINED, req) {
            Ok(v) => settled(&v).await.map_err(|_| Err(()))?,
            Err(_) => return Err(Err(())),
        };
        let text = v.as_string();
        let kind = v.js_typeof().as_string().unwrap_or_default();
        let verdict = match (v.as_bool(), &text) {
            (Some(b), _) => Verdict::Bool(b),
            (_, Some(t)) => Verdict::Text(t),
            _ if v.is_undefined() || v.is_null() => Verdict::Nullish,
            _ => Verdict::Other(&kind),
        };
        job_owners::caller(verdict).map_err(Ok)
    }

    /// After the service accepted a submission from `owner`: record whose job it is.
    async fn record(&self, received: &Received, owner: &str) -> Result<(), Refusal> {
        if !is_success(received.status) {
            return Ok(());
        }
        let accepted: JobAccepted = json_parse(&received.text)
            .ok()
            .and_then(|v| serde_wasm_bindgen::from_value(v).ok())
            .unwrap_or_default();
        let Some(job_id) = accepted.job_id.0 else {
            return Ok(());
        };
        let recorded = self.owners.get(&job_id).await.map_err(|_| job_owners::store_failed())?;
        match job_owners::after_submission(recorded.as_deref(), owner) {
            Accepted::Record => self.owners.put(&job_id, owner).await.map_err(|_| job_owners::store_failed()),
            Accepted::AlreadyMine => Ok(()),
            Accepted::Foreign => Err(job_owners::foreign_replay()),
        }
    }

    /// `GET /v2/jobs` for one caller: its jobs from the record, read back from the service.
    async fn list_owned(&self, owner: &str, url: &Url, cors: &[(&'static str, String)]) -> Result<Response, Failure> {
        let pairs: Vec<(String, String)> = js_sys::try_iter(&url.search_params())
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let pair: Array = entry.ok()?.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
            })
            .collect();
        let query = match OwnedListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(q) => q,
            Err(refusal) => return refuse(refusal, cors),
        };
        let page = match self.owners.list(owner, query.limit, query.cursor.as_deref()).await {
            Ok(p) => p,
            Err(_) => return refuse(job_owners::store_failed(), cors),
        };
        // Ids from a caller's store are checked like any job id before they reach a path.
        let reads = page.job_ids.iter().filter_map(|id| routes::job_path(id).ok()).map(|path| {
            let request = Request::get(path);
            async move { self.upstream.attempt(&request, None).await }
        });
        let jobs = Array::new();
        for answer in join_all(reads).await {
            let received = match answer {
                Ok(r) => r,
                Err(f) => return refuse(Refusal::upstream_failed(f.code()), cors),
            };
            if received.status == 404 {
                continue; // purged or evicted by the service: nothing to show
            }
            if !is_success(received.status) {
                return pass_on(&received, cors);
            }
            let Ok(job) = json_parse(&received.text) else {
                return refuse(Refusal::upstream_failed(ErrorCode::Server), cors);
            };
            let view: Job = serde_wasm_bindgen::from_value(job.clone()).unwrap_or_default();
            if query.keeps(&view) {
                jobs.push(&job);
            }
        }
        let body = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&body, &k.into(), v);
        set("jobs", &jobs)
            .and_then(|_| set("nextCursor", &page.cursor.as_deref().map_or(JsValue::NULL, JsValue::from_str)))
            .and_then(|_| set("hasMore", &page.cursor.is_some().into()))
            .map_err(unanswerable)?;
        json(200, &body, cors)
    }

    /// The submission's body, checked by the core: size (declared, then as it streams), JSON
    /// (parsed by the host), names, the library's validation and the proxy's own limits.
    async fn submission(&self, req: &JsRequest) -> Result<String, Refusal> {
        proxy::check_declared_length(&self.cfg, header(&req.headers(), "content-length").as_deref())?;
        let text = match read_body(req, self.cfg.max_body_bytes).await {
            Ok(Some(t)) => t,
            Ok(None) => return Err(Refusal::too_large(&self.cfg)),
            Err(()) => return Err(Refusal::not_json()),
        };
        let read = super::request_json::read_text(&text);
        let checked = proxy::check_generate(&self.cfg, text.len(), read)?;
        super::request_json::body(&checked).map_err(|_| Refusal::not_json())
    }
}
