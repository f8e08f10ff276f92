//! A submission's body, checked before it can cost a credit: its size (declared, then as it
//! streamed), its encoding, what the library's reading makes of it, then the proxy's own
//! limits (the model allow-list, the prompt length) and, with `webhookUrl`, its webhook.

use super::refusal::Refusal;
use super::{model_name, ProxyConfig};
use crate::core::error::ApiError;
use crate::core::request::GenerateRequest;

/// What reading the body's stream gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Every byte, within the cap (none for a request without a body).
    Whole(Vec<u8>),
    /// It passed the cap; reading stopped there.
    TooLarge,
    /// The stream failed before its end.
    Unreadable,
}

/// A declared `Content-Length` over the cap is refused before the body is read.
pub fn check_declared_length(cfg: &ProxyConfig, content_length: Option<&str>) -> Result<(), Refusal> {
    match content_length.and_then(|l| l.trim().parse::<u64>().ok()) {
        Some(n) if n > cfg.max_body_bytes as u64 => Err(Refusal::too_large(cfg)),
        _ => Ok(()),
    }
}

/// Checks a submission's body and returns the request to forward. `read` is the library's
/// reading of the body's text (parsed by the host, then the core's `read_request`): this
/// module never parses JSON itself, so the wasm module carries no parser.
pub fn check_submission(
    cfg: &ProxyConfig,
    body: Body,
    read: impl FnOnce(&str) -> Result<GenerateRequest, ApiError>,
) -> Result<GenerateRequest, Refusal> {
    let bytes = match body {
        Body::Whole(bytes) if bytes.len() <= cfg.max_body_bytes => bytes,
        Body::Whole(_) | Body::TooLarge => return Err(Refusal::too_large(cfg)),
        Body::Unreadable => return Err(Refusal::unreadable()),
    };
    let text = String::from_utf8(bytes).map_err(|_| Refusal::not_utf8())?;
    let request = read(&text).map_err(|e| Refusal::invalid_request(&e))?;
    let model = model_name(request.model.unwrap_or_default());
    if !cfg.allow_models.contains(&model) {
        let message = format!("model \"{model}\" is not allowed by this proxy; allowed: {}", cfg.allow_models.join(", "));
        return Err(Refusal::invalid_request(&ApiError::invalid("model", message, None)));
    }
    let n = request.prompt.encode_utf16().count();
    if n > cfg.max_prompt_length {
        let message = format!("prompt is {n} characters; this proxy allows at most {}", cfg.max_prompt_length);
        return Err(Refusal::invalid_request(&ApiError::invalid("prompt", message, None)));
    }
    match &cfg.webhook {
        Some(hook) => super::push_to(hook, request).map_err(|e| Refusal::invalid_request(&e)),
        None => Ok(request),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::request::Model;
    use crate::core::request_source::{not_json, read_request};
    use serde_json::Value;

    /// The host's parse, natively: what the proxy's reader does with the text.
    fn read_text(text: &str) -> Result<GenerateRequest, ApiError> {
        serde_json::from_str::<Value>(text).map_err(|_| not_json()).and_then(|v| read_request(&v))
    }

    fn check(c: &ProxyConfig, body: &str) -> Result<GenerateRequest, Refusal> {
        check_submission(c, Body::Whole(body.as_bytes().to_vec()), read_text)
    }

    #[test]
    fn submissions_are_checked_before_they_cost_a_credit() {
        let c = ProxyConfig { max_prompt_length: 10, ..ProxyConfig::default() };
        assert_eq!(check(&c, r#"{"prompt":"short"}"#).unwrap().model, Some(Model::ReveCreate));
        let r = check(&c, r#"{"prompt":"far too long a prompt"}"#).unwrap_err();
        assert_eq!((r.status, r.body["details"]["prompt"].is_array()), (400, true));
        assert_eq!(check(&c, r#"{"prompt":"x","model":"gpt-image"}"#).unwrap_err().body["details"]["model"][0]
            .as_str().map(|s| s.contains("reve-create")), Some(true));
        let none = ProxyConfig { allow_models: vec![], ..ProxyConfig::default() };
        assert!(check(&none, r#"{"prompt":"x"}"#).unwrap_err().body["details"]["model"][0]
            .as_str().unwrap().contains("not allowed by this proxy"));
        assert_eq!(check(&c, r#"{"prompt":"x","reveParams":{"aspect_ratio":"5:4"}}"#).unwrap_err().status, 400);
        let r = check(&c, r#"{"prompt":"x","reveParams":{"aspectRatio":"16:9"}}"#).unwrap_err();
        assert!(r.body["details"]["reveParams.aspectRatio"][0].as_str().unwrap().contains("did you mean \"aspect_ratio\""));
        let r = check(&c, "not json").unwrap_err();
        assert_eq!((r.status, r.body["details"][""][0].as_str()), (400, Some("Body is not valid JSON")));
        assert_eq!(check(&c, &"x".repeat(20_000)).unwrap_err().status, 413);
        assert_eq!(check_declared_length(&c, Some("20000")).unwrap_err().status, 413);
        assert!(check_declared_length(&c, Some("200")).is_ok() && check_declared_length(&c, None).is_ok());
    }

    #[test]
    fn with_a_webhook_url_the_proxy_sets_the_webhook_and_refuses_the_callers() {
        let hook = crate::core::proxy::WebhookRoute { url: "https://my.site/hook".into(), path: "/hook".into() };
        let c = ProxyConfig { webhook: Some(hook), ..ProxyConfig::default() };
        assert_eq!(check(&c, r#"{"prompt":"x"}"#).unwrap().webhook_url.as_deref(), Some("https://my.site/hook"));
        let r = check(&c, r#"{"prompt":"x","webhookUrl":"https://evil.example/"}"#).unwrap_err();
        assert_eq!(r.status, 400);
        assert!(r.body["details"]["webhookUrl"][0].as_str().unwrap().contains("this proxy receives"), "{}", r.body);
        assert_eq!(check(&ProxyConfig::default(), r#"{"prompt":"x","webhookUrl":"https://mine.example/"}"#).unwrap().webhook_url.as_deref(), Some("https://mine.example/"));
    }

    #[test]
    fn each_way_a_body_can_fail_has_its_own_answer() {
        let c = ProxyConfig::default();
        let status = |body| check_submission(&c, body, read_text).unwrap_err();
        assert_eq!(status(Body::TooLarge), Refusal::too_large(&c));
        assert_eq!(status(Body::Unreadable), Refusal::unreadable());
        // Latin-1 "é" in a prompt: not UTF-8, which is not "too large".
        let latin1 = b"{\"prompt\":\"caf\xe9\"}".to_vec();
        assert_eq!(status(Body::Whole(latin1)), Refusal::not_utf8());
        assert_eq!(status(Body::Whole(Vec::new())).body["details"][""][0], "Body is not valid JSON");
    }

    #[test]
    fn sixty_thousand_keys_are_refused_at_the_first_unknown_one() {
        let mut body = String::from("{\"prompt\":\"x\"");
        for i in 0..60_000 {
            body.push_str(&format!(",\"k{i}\":{i}"));
        }
        body.push('}');
        let c = ProxyConfig { max_body_bytes: 1 << 20, ..ProxyConfig::default() };
        let t = std::time::Instant::now();
        let r = check(&c, &body).unwrap_err();
        assert_eq!(r.status, 400);
        assert!(t.elapsed().as_secs_f64() < 2.0, "{:?}", t.elapsed());
    }
}
