//! CORS, explicit: which origins may call the proxy, and the headers that answer them. An origin
//! listed by name may send its cookies (`credentials: "include"`, `new EventSource(url, {
//! withCredentials: true })`): a cookie session is how a page calls its proxy; `*` never may.

use super::ProxyConfig;
use crate::core::pushed::EVENTS_HEADER;

/// CORS headers for an answer to a request from `origin`. With CORS configured, every
/// answer says `Vary: Origin` (caches must not hand one origin's answer to another).
pub fn cors_headers(cfg: &ProxyConfig, origin: Option<&str>) -> Vec<(&'static str, String)> {
    if cfg.cors_origins.is_empty() {
        return Vec::new();
    }
    let mut out = vec![("vary", "origin".to_string())];
    let Some(origin) = origin else {
        return out;
    };
    let any = cfg.cors_origins.iter().any(|o| o == "*");
    if !any && !cfg.cors_origins.iter().any(|o| o == origin) {
        return out;
    }
    let named = cfg.cors_origins.iter().any(|o| o == origin);
    out.extend([
        ("access-control-allow-origin", if named { origin.to_string() } else { "*".to_string() }),
        ("access-control-allow-methods", "GET, POST, OPTIONS".into()),
        ("access-control-allow-headers", "content-type, idempotency-key, last-event-id".into()),
        ("access-control-expose-headers", format!("retry-after, x-request-id, {EVENTS_HEADER}")),
        ("access-control-max-age", "600".into()),
    ]);
    if named {
        out.push(("access-control-allow-credentials", "true".into()));
    }
    out
}

/// Whether the origin may call at all: same-origin and non-browser calls carry no `Origin`
/// (or the proxy's own); a foreign origin must be listed.
pub fn origin_allowed(cfg: &ProxyConfig, origin: Option<&str>, own_origin: &str) -> bool {
    match origin {
        None => true,
        Some(o) if o == own_origin => true,
        Some(o) => cfg.cors_origins.iter().any(|a| a == "*" || a == o),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_is_explicit_and_varies_by_origin() {
        let c = ProxyConfig { cors_origins: vec!["https://app.example".into()], ..ProxyConfig::default() };
        assert_eq!(cors_headers(&c, Some("https://evil.example")), vec![("vary", "origin".to_string())]);
        assert_eq!(cors_headers(&c, None), vec![("vary", "origin".to_string())]);
        assert!(cors_headers(&ProxyConfig::default(), Some("https://app.example")).is_empty());
        let h = cors_headers(&c, Some("https://app.example"));
        assert!(h.contains(&("access-control-allow-origin", "https://app.example".to_string())));
        assert!(h.contains(&("access-control-allow-credentials", "true".to_string())), "a named origin sends its cookies");
        assert!(h.iter().any(|(k, v)| *k == "access-control-expose-headers" && v.contains("apiframe-events")));
        let any = ProxyConfig { cors_origins: vec!["*".into()], ..ProxyConfig::default() };
        let h = cors_headers(&any, Some("https://app.example"));
        assert!(h.contains(&("access-control-allow-origin", "*".to_string())));
        assert!(!h.iter().any(|(k, _)| *k == "access-control-allow-credentials"), "never with *");
        assert!(origin_allowed(&c, None, "https://proxy.example"));
        assert!(origin_allowed(&c, Some("https://proxy.example"), "https://proxy.example"));
        assert!(!origin_allowed(&c, Some("https://evil.example"), "https://proxy.example"));
    }
}
