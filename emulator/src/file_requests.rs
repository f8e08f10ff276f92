//! What the output host was sent: file requests are counted, with those that carried a
//! credential, and the header names (never values) of the last one are kept, so a test can
//! check that no API key reached the host serving the images.

use std::collections::BTreeSet;

use axum::http::HeaderMap;

use crate::state::Stats;

/// Headers that carry a credential.
const CREDENTIALS: [&str; 3] = ["x-api-key", "authorization", "cookie"];

/// Counts a `GET /files/...` request in the stats.
pub fn record(stats: &mut Stats, headers: &HeaderMap) {
    stats.file_requests += 1;
    if carries_credentials(headers) {
        stats.file_requests_with_credentials += 1;
    }
    stats.last_file_request_headers = header_names(headers);
}

fn carries_credentials(headers: &HeaderMap) -> bool {
    CREDENTIALS.iter().any(|h| headers.contains_key(*h))
}

/// The header names, lowercase (as HTTP/1 names are parsed), sorted, each once.
fn header_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .keys()
        .map(|k| k.as_str().to_ascii_lowercase())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn counts_credentials_and_keeps_sorted_names_only() {
        let mut s = Stats::default();
        record(&mut s, &headers(&[("user-agent", "x"), ("accept", "*/*")]));
        assert_eq!((s.file_requests, s.file_requests_with_credentials), (1, 0));
        assert_eq!(s.last_file_request_headers, ["accept", "user-agent"]);
        for h in CREDENTIALS {
            record(
                &mut s,
                &headers(&[(h, "secret"), ("accept", "a"), ("accept", "b")]),
            );
        }
        assert_eq!((s.file_requests, s.file_requests_with_credentials), (4, 3));
        assert_eq!(s.last_file_request_headers, ["accept", "cookie"]);
    }
}
