//! Headers a caller adds to the API's requests (`headers` of a client or of a call): names
//! lowercased and checked as HTTP tokens, values checked for what a header cannot carry. A
//! value is never quoted in a message: it may be a credential.

use super::error::ApiError;

/// One header to send: a lowercase name and its value.
pub type Header = (String, String);

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The headers to send, from the caller's `(name, value)` pairs; `None` values (JavaScript's
/// `undefined`, as the AI SDK passes them) are left out. `field` names the option in errors.
pub fn check(field: &str, pairs: Vec<(String, Option<String>)>) -> Result<Vec<Header>, ApiError> {
    let mut out: Vec<Header> = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        let Some(value) = value else { continue };
        if !is_token(&name) {
            return Err(ApiError::invalid(
                &format!("{field}.{name}"),
                format!("{field} has a name that is not an HTTP header name: \"{}\"", name.escape_default()),
                None,
            ));
        }
        if value.chars().any(|c| matches!(c, '\r' | '\n' | '\0')) || value.chars().any(|c| c as u32 > 0xFF) {
            return Err(ApiError::invalid(
                &format!("{field}.{name}"),
                format!("{field}.{name} holds a character a header value cannot carry (a line break, NUL or non-Latin-1 character); the value is not shown"),
                None,
            ));
        }
        let name = name.to_ascii_lowercase();
        out.retain(|(n, _)| *n != name);
        out.push((name, value.trim().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        p.iter().map(|(n, v)| (n.to_string(), v.map(str::to_string))).collect()
    }

    #[test]
    fn names_are_lowercased_and_undefined_values_left_out() {
        let h = check("headers", pairs(&[("X-Trace", Some(" t1 ")), ("x-skip", None), ("x-TRACE", Some("t2"))])).unwrap();
        assert_eq!(h, [("x-trace".to_string(), "t2".to_string())]);
    }

    #[test]
    fn bad_names_and_values_are_refused_without_showing_the_value() {
        let e = check("headers", pairs(&[("bad name", Some("v"))])).unwrap_err();
        assert_eq!(e.field(), Some("headers.bad name"));
        let e = check("headers", pairs(&[("authorization", Some("Bearer s3cret\r\nx: y"))])).unwrap_err();
        assert_eq!(e.field(), Some("headers.authorization"));
        assert!(!e.message.contains("s3cret"), "{}", e.message);
        assert!(check("headers", pairs(&[("x", Some("日本"))])).is_err());
    }
}
