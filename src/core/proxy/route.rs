//! Which of the three upstream routes a request is, and the upstream path it goes to; any
//! other path or method is refused here.

use super::refusal::Refusal;
use super::ProxyConfig;
use crate::core::routes::{is_uuid, GENERATE, JOBS};

/// The three upstream routes the proxy forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /v2/images/generate`.
    Generate,
    /// `GET /v2/jobs/{id}`, the id lowercased.
    GetJob(String),
    /// `GET /v2/jobs`.
    ListJobs,
    /// `GET /v2/jobs/{id}/events`, the id lowercased: the job's Server-Sent Events stream,
    /// served by the proxy itself (only with `webhookUrl`), never forwarded.
    JobEvents(String),
}

/// A request the proxy takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routed {
    /// A CORS preflight (`OPTIONS`) on one of the routes: answered 204 here.
    Preflight,
    /// A call of a route.
    Call(Route),
    /// `POST` at the path of `webhookUrl`: an event from the service.
    Webhook,
}

impl Route {
    /// The upstream method.
    pub fn method(&self) -> &'static str {
        match self {
            Route::Generate => "POST",
            _ => "GET",
        }
    }

    /// The upstream path; `search` is the caller's query string (`?limit=5`), kept for lists.
    pub fn upstream_path(&self, search: &str) -> String {
        match self {
            Route::Generate => GENERATE.to_string(),
            Route::GetJob(id) | Route::JobEvents(id) => format!("{JOBS}/{id}"),
            Route::ListJobs => format!("{JOBS}{search}"),
        }
    }
}

/// Which route a request is, or why it is refused (404 for a path, 405 for a method).
pub fn route(cfg: &ProxyConfig, method: &str, path: &str) -> Result<Routed, Refusal> {
    let not_found = || {
        Refusal::new(404, "Not found: this proxy forwards only POST /v2/images/generate, GET /v2/jobs and GET /v2/jobs/{id}")
    };
    if cfg.webhook.as_ref().is_some_and(|w| w.path == path) {
        return if method == "POST" {
            Ok(Routed::Webhook)
        } else {
            let mut r = Refusal::new(405, format!("Method {method} not allowed here; the service POSTs its webhooks"));
            r.allow = Some("POST");
            Err(r)
        };
    }
    let Some(rest) = path.strip_prefix(cfg.prefix.as_str()) else {
        return Err(not_found());
    };
    let (route, allowed) = match rest {
        GENERATE => (Route::Generate, "POST"),
        JOBS => (Route::ListJobs, "GET"),
        r => match r.strip_prefix("/v2/jobs/") {
            Some(id) if is_uuid(id) => (Route::GetJob(id.to_ascii_lowercase()), "GET"),
            Some(rest) => match rest.strip_suffix("/events") {
                Some(id) if is_uuid(id) && cfg.webhook.is_some() => (Route::JobEvents(id.to_ascii_lowercase()), "GET"),
                _ => return Err(not_found()),
            },
            _ => return Err(not_found()),
        },
    };
    if method == "OPTIONS" {
        Ok(Routed::Preflight)
    } else if method == allowed {
        Ok(Routed::Call(route))
    } else {
        let mut r = Refusal::new(405, format!("Method {method} not allowed here; use {allowed}"));
        r.allow = Some(allowed);
        Err(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_only_the_three_routes() {
        let c = ProxyConfig { prefix: "/api/reve".into(), ..ProxyConfig::default() };
        let call = |m: &str, p: &str| route(&c, m, p);
        assert_eq!(call("POST", "/api/reve/v2/images/generate"), Ok(Routed::Call(Route::Generate)));
        assert_eq!(call("GET", "/api/reve/v2/jobs"), Ok(Routed::Call(Route::ListJobs)));
        let id = "1edc7774-0b17-4480-adb7-6ce0e8889738";
        assert_eq!(call("GET", &format!("/api/reve/v2/jobs/{}", id.to_uppercase())), Ok(Routed::Call(Route::GetJob(id.into()))));
        assert_eq!(call("OPTIONS", "/api/reve/v2/jobs"), Ok(Routed::Preflight));
        assert_eq!(call("OPTIONS", "/api/reve/v2/account").unwrap_err().status, 404);
        for (m, p, status) in [
            ("GET", "/api/reve/v2/images/generate", 405),
            ("POST", "/api/reve/v2/jobs", 405),
            ("DELETE", &format!("/api/reve/v2/jobs/{id}") as &str, 405),
            ("GET", "/api/reve/v2/jobs/../../admin", 404),
            ("GET", "/api/reve/v2/account", 404),
            ("GET", "/v2/jobs", 404),
            ("POST", "/api/reve/v1/images/generate", 404),
            ("GET", "/api/reve/v2/jobs/x", 404),
        ] {
            assert_eq!(call(m, p).unwrap_err().status, status, "{m} {p}");
        }
        assert_eq!(call("POST", "/api/reve/v2/jobs").unwrap_err().allow, Some("GET"));
        let hooked = ProxyConfig {
            webhook: Some(super::super::WebhookRoute { url: "https://x/api/reve/hook".into(), path: "/api/reve/hook".into() }),
            ..c.clone()
        };
        assert_eq!(route(&hooked, "POST", "/api/reve/hook"), Ok(Routed::Webhook));
        assert_eq!(route(&hooked, "GET", "/api/reve/hook").unwrap_err().allow, Some("POST"));
        assert_eq!(call("POST", "/api/reve/hook").unwrap_err().status, 404, "no route without webhookUrl");
        let events = format!("/api/reve/v2/jobs/{}/events", id.to_uppercase());
        assert_eq!(route(&hooked, "GET", &events), Ok(Routed::Call(Route::JobEvents(id.into()))));
        assert_eq!(route(&hooked, "OPTIONS", &events), Ok(Routed::Preflight));
        assert_eq!(route(&hooked, "POST", &events).unwrap_err().allow, Some("GET"));
        assert_eq!(route(&hooked, "GET", "/api/reve/v2/jobs/x/events").unwrap_err().status, 404);
        assert_eq!(call("GET", &events).unwrap_err().status, 404, "no stream without webhookUrl");
        assert_eq!(Route::ListJobs.upstream_path("?limit=5"), "/v2/jobs?limit=5");
        assert_eq!(Route::GetJob(id.into()).upstream_path("?x"), format!("/v2/jobs/{id}"));
    }
}
