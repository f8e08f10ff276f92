//! One request through the proxy, step by step, each step the core's decision: the URL, the
//! origin, the route, the caller, the `Idempotency-Key`, then the plan for that route and
//! caller, carried out (a delivery at the webhook route is checked by its signature instead of
//! the caller's steps). Every outcome is an [`Answer`]; only an `authorize` that named no one
//! properly (the app's bug) rejects the handler's promise instead.

use web_sys::{AbortSignal, Request as JsRequest, Response, Url};

use super::answer::{respond, Answer};
use std::rc::Rc;

use super::{authorize, event_stream, owned_list, owner_record, submission, Proxy};
use crate::core::error::ApiError;
use crate::core::proxy::{self, Caller, Plan, Refusal, Route, Routed};
use crate::wasm::args;
use crate::wasm::js_error::Failure;
use crate::wasm::transport::{header, Received, Request};

/// What the steps after the caller's check need of its request.
struct Call<'a> {
    /// The caller's request (its body is read for a submission).
    req: &'a JsRequest,
    /// Its URL, parsed.
    url: &'a Url,
    /// Its `Idempotency-Key`, checked, passed on.
    idempotency_key: Option<String>,
    /// The caller's `request.signal`: its abort ends the upstream request.
    signal: Option<AbortSignal>,
}

impl Proxy {
    /// The answer to one request.
    pub(super) async fn handle(self: &Rc<Self>, req: JsRequest) -> Result<Response, Failure> {
        let Ok(url) = Url::new(&req.url()) else {
            return respond(Answer::Refused(Refusal::bad_url()), &[]);
        };
        let origin = header(&req.headers(), "origin");
        let cors = proxy::cors_headers(&self.cfg, origin.as_deref());
        let answer = self.serve(&req, &url, origin.as_deref()).await?;
        respond(answer, &cors)
    }

    /// The steps up to the plan; `Err` only for the app's bug in `authorize`.
    async fn serve(self: &Rc<Self>, req: &JsRequest, url: &Url, origin: Option<&str>) -> Result<Answer, ApiError> {
        if !proxy::origin_allowed(&self.cfg, origin, &url.origin()) {
            return Ok(Answer::Refused(Refusal::origin_refused()));
        }
        let route = match proxy::route(&self.cfg, &req.method(), &url.pathname()) {
            Ok(Routed::Call(route)) => route,
            Ok(Routed::Preflight) => return Ok(Answer::Preflight),
            // The service's delivery: checked by its signature, not by `authorize`.
            Ok(Routed::Webhook) => return Ok(self.receive_webhook(req).await.unwrap_or_else(Answer::Refused)),
            Err(refusal) => return Ok(Answer::Refused(refusal)),
        };
        let owner = match authorize::caller(self.authorize.as_ref(), self.allow_anonymous, req).await {
            Caller::Shared => None,
            Caller::Owner(id) => Some(id),
            Caller::Refused(refusal) => return Ok(Answer::Refused(refusal)),
            Caller::BadIdentity(e) => return Err(e),
        };
        let idempotency_key = header(&req.headers(), "idempotency-key");
        if let Err(refusal) = proxy::check_idempotency_header(idempotency_key.as_deref()) {
            return Ok(Answer::Refused(refusal));
        }
        let signal = args::signal(&args::get(req, "signal")).ok().flatten();
        let call = Call { req, url, idempotency_key, signal };
        Ok(self.carry_out(proxy::plan(route, owner), &call).await.unwrap_or_else(Answer::Refused))
    }

    /// The plan, carried out.
    async fn carry_out(self: &Rc<Self>, plan: Plan, call: &Call<'_>) -> Result<Answer, Refusal> {
        Ok(match plan {
            Plan::Forward(Route::Generate) => self.submit(call, None).await?,
            Plan::Forward(Route::GetJob(job_id)) => self.read(job_id, call).await?,
            Plan::Forward(route) => Answer::Upstream(self.forward(&route, None, call).await?),
            Plan::ReadOwned { job_id, owner } => {
                owner_record::check_read(&self.owners, &job_id, &owner).await?;
                self.read(job_id, call).await?
            }
            Plan::SubmitOwned { owner } => self.submit(call, Some(&owner)).await?,
            Plan::ListOwned { owner } => {
                owned_list::list(&self.owners, &self.upstream, &owner, call.url, call.signal.as_ref()).await?
            }
            Plan::Stream { job_id, owner } => {
                if let Some(owner) = owner {
                    owner_record::check_read(&self.owners, &job_id, &owner).await?;
                }
                let last_event_id = header(&call.req.headers(), "last-event-id")
                    .or_else(|| call.url.search_params().get("lastEventId"));
                event_stream::open(self, job_id, last_event_id.as_deref(), call.signal.clone()).await?
            }
        })
    }

    /// A submission: its body checked (and, with `webhookUrl`, given the proxy's webhook),
    /// forwarded, then recorded: whose job it made (for an identified caller), and the job
    /// itself when the proxy receives its events (the answer then names the job's stream).
    async fn submit(&self, call: &Call<'_>, owner: Option<&str>) -> Result<Answer, Refusal> {
        let body = submission::checked_body(&self.cfg, call.req).await?;
        let received = self.forward(&Route::Generate, Some(body.clone()), call).await?;
        if let Some(owner) = owner {
            owner_record::record(&self.owners, &received, owner).await?;
        }
        Ok(match self.open_record(&received, &body, owner).await {
            Some(events) => Answer::Accepted { received, events },
            None => Answer::Upstream(received),
        })
    }

    /// A read of a job: from its record when the proxy holds one, else from the service.
    async fn read(&self, job_id: String, call: &Call<'_>) -> Result<Answer, Refusal> {
        if let Some(answer) = self.read_pushed(&job_id, call.signal.as_ref()).await {
            return answer;
        }
        Ok(Answer::Upstream(self.forward(&Route::GetJob(job_id), None, call).await?))
    }

    /// One upstream request for `route` with `body`, with the key.
    async fn forward(&self, route: &Route, body: Option<String>, call: &Call<'_>) -> Result<Received, Refusal> {
        let request = Request {
            method: route.method(),
            path: route.upstream_path(&call.url.search()),
            body,
            idempotency_key: call.idempotency_key.clone(),
            headers: Vec::new(),
        };
        let signal = call.signal.as_ref();
        self.upstream.attempt(&request, signal).await.map_err(|f| Refusal::upstream_failed(f.code()))
    }
}
