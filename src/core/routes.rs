//! The service's paths and base URL, built from checked parts.

use super::error::ApiError;

pub const DEFAULT_BASE_URL: &str = "https://api.apiframe.ai";
pub const GENERATE: &str = "/v2/images/generate";
pub const JOBS: &str = "/v2/jobs";

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
            format!("jobId must be a job id (a UUID), got \"{shown}\""),
            None,
        ));
    }
    Ok(format!("{JOBS}/{}", id.to_ascii_lowercase()))
}

/// A `baseUrl` the client may call: absolute http(s), no query or fragment; returned
/// without a trailing slash.
pub fn normalize_base_url(field: &str, url: &str) -> Result<String, ApiError> {
    if !super::request::is_http_url(url) || url.contains(['?', '#']) {
        return Err(ApiError::invalid(
            field,
            format!(
                "{field} must be an absolute http(s) URL such as {DEFAULT_BASE_URL} or https://my.site/api/reve"
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
        out.push_str(&format!("{b:02x}"));
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
        for bad in ["", "abc", "../admin", "1edc7774-0b17-4480-adb7-6ce0e888973g", "1edc7774-0b17-4480-adb7-6ce0e8889738/x"] {
            assert_eq!(job_path(bad).unwrap_err().field(), Some("jobId"), "{bad}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(normalize_base_url("baseUrl", "https://my.site/api/reve/").unwrap(), "https://my.site/api/reve");
        assert_eq!(normalize_base_url("baseUrl", "http://127.0.0.1:8787").unwrap(), "http://127.0.0.1:8787");
        for bad in ["", "api.apiframe.ai", "ftp://x", "https://x/?a=1", "javascript:alert(1)"] {
            assert!(normalize_base_url("baseUrl", bad).is_err(), "{bad}");
        }
        assert_eq!(normalize_base_url("upstream", "x").unwrap_err().field(), Some("upstream"));
    }

    #[test]
    fn uuids() {
        let u = uuid_v4([0xff; 16]);
        assert!(is_uuid(&u));
        assert_eq!(&u[14..15], "4");
    }
}
