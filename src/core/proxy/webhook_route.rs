//! `webhookUrl`: the public URL at which the service reaches this proxy. Its path is the
//! proxy's webhook route; every submission is sent with it and every event, so the proxy, not
//! the caller, receives each job's events.

use super::route::{route, Routed};
use super::ProxyConfig;
use crate::core::error::ApiError;
use crate::core::request::{is_http_url, GenerateRequest, WebhookEvent};

/// Where the service sends this proxy's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRoute {
    /// The URL sent as each submission's `webhookUrl`.
    pub url: String,
    /// Its path: `POST` there is the webhook route.
    pub path: String,
}

/// The events every submission asks for.
pub const PUSHED_EVENTS: [WebhookEvent; 3] = [WebhookEvent::Progress, WebhookEvent::Completed, WebhookEvent::Failed];

/// Checks the `webhookUrl` option (`pathname` is its path as the runtime's URL parser read it):
/// an absolute http(s) URL without a fragment, whose path is none of the proxy's API routes.
pub fn webhook_route(cfg: &ProxyConfig, url: &str, pathname: &str) -> Result<WebhookRoute, ApiError> {
    let bad = |why: &str| {
        ApiError::invalid(
            "webhookUrl",
            format!(
                "webhookUrl must be the absolute http(s) URL at which the service reaches this proxy, such as \
                 https://my.site/api/reve/webhook; {why}"
            ),
            None,
        )
    };
    if !is_http_url(url) || url.contains('#') {
        return Err(bad(&format!("got \"{url}\"")));
    }
    if matches!(route(cfg, "POST", pathname), Ok(Routed::Call(_))) || matches!(route(cfg, "GET", pathname), Ok(Routed::Call(_))) {
        return Err(bad(&format!("its path {pathname} is one of the routes the proxy forwards")));
    }
    Ok(WebhookRoute { url: url.to_string(), path: pathname.to_string() })
}

/// A submission through a proxy with `webhookUrl`: the caller's own `webhookUrl` or
/// `webhookEvents` is refused (the proxy receives this job's events), then both are set.
pub fn push_to(hook: &WebhookRoute, mut request: GenerateRequest) -> Result<GenerateRequest, ApiError> {
    let why = "this proxy receives the job's events itself (its webhookUrl option) and pushes them to the caller; leave it out";
    if request.webhook_url.is_some() || request.webhook_url_alias.is_some() {
        return Err(ApiError::invalid("webhookUrl", format!("webhookUrl is not accepted here: {why}"), None));
    }
    if request.webhook_events.is_some() {
        return Err(ApiError::invalid("webhookEvents", format!("webhookEvents is not accepted here: {why}"), None));
    }
    request.webhook_url = Some(hook.url.clone());
    request.webhook_events = Some(PUSHED_EVENTS.to_vec());
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ProxyConfig {
        ProxyConfig { prefix: "/api/reve".into(), ..ProxyConfig::default() }
    }

    #[test]
    fn the_option_is_an_absolute_url_off_the_forwarded_routes() {
        let hook = webhook_route(&cfg(), "https://my.site/api/reve/webhook", "/api/reve/webhook").unwrap();
        assert_eq!(hook.path, "/api/reve/webhook");
        for (url, path) in [
            ("/api/reve/webhook", "/api/reve/webhook"),
            ("ftp://my.site/hook", "/hook"),
            ("https://my.site/hook#x", "/hook"),
            ("https://my.site/api/reve/v2/images/generate", "/api/reve/v2/images/generate"),
            ("https://my.site/api/reve/v2/jobs", "/api/reve/v2/jobs"),
        ] {
            let e = webhook_route(&cfg(), url, path).unwrap_err();
            assert_eq!(e.field(), Some("webhookUrl"), "{url}");
            assert!(e.message.contains("absolute http(s) URL"), "{}", e.message);
        }
    }

    #[test]
    fn submissions_carry_the_proxys_webhook_and_refuse_the_callers() {
        let hook = WebhookRoute { url: "https://my.site/hook".into(), path: "/hook".into() };
        let read = |v: serde_json::Value| -> GenerateRequest { serde_json::from_value(v).unwrap() };
        let sent = push_to(&hook, read(serde_json::json!({"prompt": "p"}))).unwrap();
        assert_eq!(sent.webhook_url.as_deref(), Some("https://my.site/hook"));
        assert_eq!(sent.webhook_events.as_deref(), Some(&PUSHED_EVENTS[..]));
        for (body, field) in [
            (serde_json::json!({"prompt": "p", "webhookUrl": "https://evil.example/"}), "webhookUrl"),
            (serde_json::json!({"prompt": "p", "webhook_url": "https://evil.example/"}), "webhookUrl"),
            (serde_json::json!({"prompt": "p", "webhookEvents": ["completed"]}), "webhookEvents"),
        ] {
            let e = push_to(&hook, read(body)).unwrap_err();
            assert_eq!(e.field(), Some(field));
            assert!(e.message.contains("receives the job's events itself"), "{}", e.message);
        }
    }
}
