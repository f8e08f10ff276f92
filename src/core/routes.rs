//! The service's paths, built from checked parts.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::json::Value;

use super::error::ApiError;

pub const DEFAULT_BASE_URL: &str = "https://api.apiframe.ai";
pub const GENERATE: &str = "/v2/images/generate";
pub const JOB_STATUSES: [&str; 5] = ["QUEUED", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED"];

/// `8-4-4-4-12` hexadecimal, as the service's job ids are.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `/v2/jobs/{id}` for a well-formed id.
pub fn job_path(id: &str) -> Result<String, ApiError> {
    if !is_uuid(id) {
        let shown: String = id.chars().take(40).collect();
        return Err(ApiError::invalid(
            "jobId",
            cat!("jobId must be a job id (a UUID), got \"", shown, '"'),
            None,
        ));
    }
    Ok(cat!("/v2/jobs/", id.to_ascii_lowercase()))
}

/// Parameters of `GET /v2/jobs`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ListParams {
    pub status: Option<String>,
    pub model: Option<String>,
    pub limit: Option<f64>,
    pub cursor: Option<String>,
    pub scope: Option<String>,
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            super::text::push_hex(&mut out, b, true);
        }
    }
    out
}

/// `/v2/jobs?...` for checked parameters.
pub fn list_path(p: &ListParams) -> Result<String, ApiError> {
    let mut q: Vec<String> = Vec::new();
    if let Some(s) = &p.status {
        if !JOB_STATUSES.contains(&s.as_str()) {
            return Err(ApiError::invalid(
                "status",
                cat!(
                    "status must be one of ",
                    super::text::join(&JOB_STATUSES, ", "),
                    ", got \"",
                    s,
                    '"'
                ),
                Some(Value::strings(&JOB_STATUSES)),
            ));
        }
        q.push(cat!("status=", s));
    }
    if let Some(m) = &p.model {
        q.push(cat!("model=", encode(m)));
    }
    if let Some(l) = p.limit {
        if !((1.0..=100.0).contains(&l) && l == f64::from(l as u32)) {
            return Err(ApiError::invalid(
                "limit",
                cat!(
                    "limit must be a whole number from 1 to 100, got ",
                    super::text::show_number(l)
                ),
                Some(Value::object([
                    ("minimum", Value::from(1u64)),
                    ("maximum", Value::from(100u64)),
                ])),
            ));
        }
        q.push(cat!("limit=", l as u32));
    }
    if let Some(c) = &p.cursor {
        q.push(cat!("cursor=", encode(c)));
    }
    if let Some(s) = &p.scope {
        if s != "user" && s != "team" {
            return Err(ApiError::invalid(
                "scope",
                cat!("scope must be \"user\" or \"team\", got \"", s, '"'),
                Some(Value::strings(&["user", "team"])),
            ));
        }
        q.push(cat!("scope=", s));
    }
    Ok(if q.is_empty() {
        "/v2/jobs".into()
    } else {
        cat!("/v2/jobs?", super::text::join(&q, "&"))
    })
}

/// A `baseUrl` the client may call: absolute http(s), no query or fragment; returned
/// without a trailing slash.
pub fn normalize_base_url(url: &str) -> Result<String, ApiError> {
    if !super::request::is_http_url(url) || url.contains(['?', '#']) {
        return Err(ApiError::invalid(
            "baseUrl",
            cat!(
                "baseUrl must be an absolute http(s) URL such as ",
                DEFAULT_BASE_URL,
                " or https://my.site/api/reve"
            ),
            None,
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// A UUID v4 string from 16 random bytes.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        super::text::push_hex(&mut out, *b, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_paths() {
        assert_eq!(
            job_path("1EDC7774-0b17-4480-adb7-6ce0e8889738").unwrap(),
            "/v2/jobs/1edc7774-0b17-4480-adb7-6ce0e8889738"
        );
        for bad in [
            "",
            "abc",
            "../admin",
            "1edc7774-0b17-4480-adb7-6ce0e888973g",
            "1edc7774-0b17-4480-adb7-6ce0e8889738/x",
        ] {
            assert_eq!(job_path(bad).unwrap_err().field(), Some("jobId"), "{bad}");
        }
    }

    #[test]
    fn list_queries() {
        assert_eq!(list_path(&ListParams::default()).unwrap(), "/v2/jobs");
        let p = ListParams {
            status: Some("COMPLETED".into()),
            model: Some("reve-create".into()),
            limit: Some(50.0),
            cursor: Some("a b&c".into()),
            scope: Some("team".into()),
        };
        assert_eq!(
            list_path(&p).unwrap(),
            "/v2/jobs?status=COMPLETED&model=reve-create&limit=50&cursor=a%20b%26c&scope=team"
        );
        for bad in [
            ListParams {
                limit: Some(0.0),
                ..Default::default()
            },
            ListParams {
                limit: Some(2.5),
                ..Default::default()
            },
            ListParams {
                status: Some("DONE".into()),
                ..Default::default()
            },
            ListParams {
                scope: Some("org".into()),
                ..Default::default()
            },
        ] {
            assert!(list_path(&bad).is_err());
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("https://my.site/api/reve/").unwrap(),
            "https://my.site/api/reve"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8787").unwrap(),
            "http://127.0.0.1:8787"
        );
        for bad in [
            "",
            "api.apiframe.ai",
            "ftp://x",
            "https://x/?a=1",
            "javascript:alert(1)",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        let u = uuid_v4([0xff; 16]);
        assert!(is_uuid(&u));
        assert_eq!(&u[14..15], "4");
    }
}
