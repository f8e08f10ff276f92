//! `listJobs` filters and paging: a serde type, checked, and turned into the query of
//! `GET /v2/jobs`.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tsify::Tsify;

use super::decode::{self, allowed, quoted, Expectation};
use super::error::ApiError;
use super::job::JobStatus;
use super::serde_names::names;

/// Whose jobs to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    User,
    Team,
}

optional_fields! {
    /// Filters and paging for `listJobs`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Tsify)]
    pub struct ListJobsParams {
        /// Only jobs with this status.
        status: Option<JobStatus>,
        /// Only jobs of this model.
        model: Option<String>,
        /// 1 to 100; the service's default is 20.
        limit: Option<f64>,
        /// `nextCursor` of the previous page.
        cursor: Option<String>,
        /// Your jobs (`user`, the default) or your team's.
        scope: Option<Scope>,
    }
}

/// What each parameter takes, for messages.
pub fn expectation(field: &str) -> Option<Expectation> {
    Some(match field {
        "params" => ("an object like { status: \"COMPLETED\", limit: 20 }".into(), None),
        "status" => (
            format!("one of {}", quoted(names::<JobStatus>())),
            Some(allowed(names::<JobStatus>())),
        ),
        "scope" => (
            format!("one of {}", quoted(names::<Scope>())),
            Some(allowed(names::<Scope>())),
        ),
        "limit" => (
            "a whole number from 1 to 100".into(),
            Some(json!({"minimum": 1, "maximum": 100})),
        ),
        "model" | "cursor" => ("a string".into(), None),
        _ => return None,
    })
}

/// Reads the parameters (a JS value or JSON).
pub fn read<S: decode::Fields>(source: &S) -> Result<ListJobsParams, ApiError> {
    decode::decode(source, "params", expectation)
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl ListJobsParams {
    /// `/v2/jobs?...` for checked parameters.
    pub fn path(&self) -> Result<String, ApiError> {
        let mut q: Vec<String> = Vec::new();
        if let Some(s) = self.status {
            q.push(format!("status={}", super::serde_names::variant_name(&s)));
        }
        if let Some(m) = &self.model {
            q.push(format!("model={}", encode(m)));
        }
        if let Some(l) = self.limit {
            if !((1.0..=100.0).contains(&l) && l.fract() == 0.0) {
                let (what, allowed) = expectation("limit").unwrap_or_default();
                return Err(ApiError::invalid(
                    "limit",
                    format!("limit must be {what}, got {l}"),
                    allowed,
                ));
            }
            q.push(format!("limit={l}"));
        }
        if let Some(c) = &self.cursor {
            q.push(format!("cursor={}", encode(c)));
        }
        if let Some(s) = self.scope {
            q.push(format!("scope={}", super::serde_names::variant_name(&s)));
        }
        Ok(if q.is_empty() {
            "/v2/jobs".into()
        } else {
            format!("/v2/jobs?{}", q.join("&"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(v: serde_json::Value) -> Result<String, ApiError> {
        read(&v)?.path()
    }

    #[test]
    fn list_queries() {
        assert_eq!(path(json!({})).unwrap(), "/v2/jobs");
        assert_eq!(
            path(json!({"status": "COMPLETED", "model": "reve-create", "limit": 50, "cursor": "a b&c", "scope": "team"})).unwrap(),
            "/v2/jobs?status=COMPLETED&model=reve-create&limit=50&cursor=a%20b%26c&scope=team"
        );
        for (bad, field) in [
            (json!({"limit": 0}), "limit"),
            (json!({"limit": 2.5}), "limit"),
            (json!({"limit": "5"}), "limit"),
            (json!({"status": "DONE"}), "status"),
            (json!({"scope": "org"}), "scope"),
            (json!([1]), "params"),
        ] {
            assert_eq!(path(bad.clone()).unwrap_err().field(), Some(field), "{bad}");
        }
    }

    #[test]
    fn numbers_in_messages_are_the_numbers_given() {
        let e = path(json!({"limit": 1e20})).unwrap_err();
        assert_eq!(e.message, "limit must be a whole number from 1 to 100, got 100000000000000000000");
        let e = path(json!({"limit": 0.551615})).unwrap_err();
        assert!(e.message.ends_with("got 0.551615"), "{}", e.message);
        let e = path(json!({"status": "DONE"})).unwrap_err();
        assert!(e.message.contains("\"QUEUED\", \"PROCESSING\""), "{}", e.message);
    }
}
