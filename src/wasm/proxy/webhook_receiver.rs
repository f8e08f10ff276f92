//! The webhook route: `POST` at the path of `webhookUrl`. The body is read under the cap, its
//! signature checked over the raw bytes (Web Crypto, constant time), then the event merged
//! into the job's record. A missing or wrong signature answers 401 and changes nothing; a
//! valid event answers 204 at once, recorded only when this proxy submitted its job (an
//! event for another job is answered the same, and kept nowhere).

use wasm_bindgen::JsValue;
use web_sys::Request as JsRequest;

use super::answer::Answer;
use super::submission::read_body;
use super::Proxy;
use crate::core::proxy::{self, Body, Refusal};
use crate::core::pushed::{update_of, Source, WebhookBody};
use crate::core::webhook::{check_event, EventHead};
use crate::wasm::host::json_parse;
use crate::wasm::transport::header;
use crate::wasm::webhook::signature_matches;

impl Proxy {
    /// The answer to a delivery from the service.
    pub(super) async fn receive_webhook(&self, req: &JsRequest) -> Result<Answer, Refusal> {
        proxy::check_declared_length(&self.cfg, header(&req.headers(), "content-length").as_deref())?;
        let bytes = match read_body(req, self.cfg.max_body_bytes).await {
            Body::Whole(bytes) => bytes,
            Body::TooLarge => return Err(Refusal::too_large(&self.cfg)),
            Body::Unreadable => return Err(Refusal::unreadable()),
        };
        let signature = header(&req.headers(), "x-webhook-signature");
        let raw = js_sys::Uint8Array::from(&bytes[..]);
        if !signature_matches(&self.api_key, &raw, signature.as_deref()).await.unwrap_or(false) {
            return Err(Refusal::bad_signature());
        }
        let text = String::from_utf8(bytes).map_err(|_| Refusal::not_utf8())?;
        let event = json_parse(&JsValue::from_str(&text)).map_err(|_| Refusal::not_an_event("Body is not valid JSON"))?;
        let is_object = event.is_object() && !js_sys::Array::is_array(&event);
        let head: Option<EventHead> = is_object.then(|| serde_wasm_bindgen::from_value(event.clone()).ok()).flatten();
        check_event(head).map_err(|e| Refusal::not_an_event(&e.message))?;
        let body: WebhookBody = serde_wasm_bindgen::from_value(event).map_err(|_| Refusal::not_an_event("Body is not an Apiframe event"))?;
        let Some((job_id, update)) = update_of(body) else {
            return Err(Refusal::not_an_event("Body is not an Apiframe event"));
        };
        // A store that failed answers 503: the service delivers the event again.
        let merged = self.records.merge(&job_id, update, Source::Event, js_sys::Date::now()).await;
        let merged = merged.map_err(|_| Refusal::records_unavailable())?;
        self.learn(&job_id, merged, Source::Event).await;
        Ok(Answer::Received)
    }
}
