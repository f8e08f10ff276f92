//! Settings objects are closed: a name the reader does not know, most often a typo, is an
//! error naming it, the likely intended name and every name allowed. Otherwise the setting
//! would quietly keep its default (`maxPromptLen` would leave a proxy's prompt limit at 2000).

use serde_json::Value;

use super::error::ApiError;

/// What the refused name is called in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    /// A setting of `new ReveClient(...)`, `createProxyHandler(...)` or a call's options.
    Option,
    /// A field of a request the service's schema closes.
    Field,
}

/// Checks one name the caller set against `allowed`. `what` is how the message calls the
/// object (`"options"`, `"cors"`, `"reveParams"`); `prefix` goes before the name in the
/// error's field (`""`, `"cors."`).
pub fn check_known(
    noun: Noun,
    what: &str,
    prefix: &str,
    name: &str,
    allowed: &[&str],
) -> Result<(), ApiError> {
    if allowed.contains(&name) {
        return Ok(());
    }
    Err(unknown(noun, what, prefix, name, allowed))
}

/// The error, out of line: a client's first call compiles only the code it runs around.
#[cold]
#[inline(never)]
fn unknown(noun: Noun, what: &str, prefix: &str, name: &str, allowed: &[&str]) -> ApiError {
    let noun = match noun {
        Noun::Option => "option",
        Noun::Field => "field",
    };
    let guess = closest(name, allowed)
        .map(|near| format!(" (did you mean \"{near}\"?)"))
        .unwrap_or_default();
    let message = format!(
        "unknown {noun} \"{prefix}{name}\"{guess}; {what} takes {}",
        allowed.join(", ")
    );
    ApiError::invalid(&format!("{prefix}{name}"), message, Some(Value::from(allowed.to_vec())))
}

/// The allowed name nearest to `name`, ignoring case: a few edits away at most (a third of
/// the allowed name's length, so short names do not match anything).
fn closest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for a in allowed {
        let d = distance(name.as_bytes(), a.as_bytes());
        if d * 3 <= a.len() && best.map_or(true, |(b, _)| d < b) {
            best = Some((d, a));
        }
    }
    best.map(|(_, a)| a)
}

/// Levenshtein distance, ASCII case ignored (option names are ASCII; `char::to_lowercase`
/// would bring Unicode's case tables). Names past 32 bytes count as far.
fn distance(a: &[u8], b: &[u8]) -> usize {
    const MAX: usize = 32;
    if a.len() > MAX || b.len() > MAX {
        return usize::MAX / 4;
    }
    let mut row = [0usize; MAX + 1];
    let mut j = 0;
    while j <= b.len() {
        row[j] = j;
        j += 1;
    }
    let mut i = 0;
    while i < a.len() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut j = 0;
        while j < b.len() {
            let cost = usize::from(!a[i].eq_ignore_ascii_case(&b[j]));
            let next = (diagonal + cost).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
            j += 1;
        }
        i += 1;
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    const ALLOWED: &[&str] = &["apiKey", "baseUrl", "maxRetries", "timeoutMs"];

    #[test]
    fn known_names_pass() {
        assert!(check_known(Noun::Option, "options", "", "apiKey", ALLOWED).is_ok());
        assert!(check_known(Noun::Option, "options", "", "timeoutMs", ALLOWED).is_ok());
    }

    #[test]
    fn a_typo_is_named_with_its_likely_intent_and_the_allowed_names() {
        let e = check_known(Noun::Option, "options", "", "maxRetry", ALLOWED).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert_eq!(e.field(), Some("maxRetry"));
        assert_eq!(
            e.message,
            "unknown option \"maxRetry\" (did you mean \"maxRetries\"?); options takes apiKey, \
             baseUrl, maxRetries, timeoutMs"
        );
        let allowed = e.details.as_ref().and_then(|d| d.get("allowed")).unwrap();
        assert_eq!(allowed, &serde_json::json!(["apiKey", "baseUrl", "maxRetries", "timeoutMs"]));
    }

    #[test]
    fn case_slips_are_recognised_and_strangers_get_no_guess() {
        let e = check_known(Noun::Option, "options", "", "apikey", ALLOWED).unwrap_err();
        assert!(
            e.message.contains("did you mean \"apiKey\""),
            "{}",
            e.message
        );
        let e = check_known(Noun::Option, "options", "", "model", ALLOWED).unwrap_err();
        assert!(!e.message.contains("did you mean"), "{}", e.message);
    }

    #[test]
    fn a_nested_object_names_its_path() {
        let e = check_known(Noun::Option, "cors", "cors.", "origin", &["origins"]).unwrap_err();
        assert_eq!(e.field(), Some("cors.origin"));
        assert!(
            e.message.starts_with(
                "unknown option \"cors.origin\" (did you mean \"origins\"?); cors takes origins"
            ),
            "{}",
            e.message
        );
    }

    #[test]
    fn distance_counts_edits() {
        let d = |a: &str, b: &str| distance(a.as_bytes(), b.as_bytes());
        assert_eq!(d("", ""), 0);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("upstrem", "upstream"), 1);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("APIKEY", "apiKey"), 0);
        assert!(d(&"x".repeat(40), "apiKey") > 10);
    }
}
