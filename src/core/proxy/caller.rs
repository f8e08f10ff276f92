//! Who is calling: what `authorize(request)` said (or that there is none), read as the
//! caller's identity, a refusal, or the app's bug.

use super::refusal::Refusal;
use crate::core::error::ApiError;

/// What the shell saw of `authorize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// No `authorize` was given.
    Absent {
        /// Whether everyone may call (`allowAnonymous`).
        allow_anonymous: bool,
    },
    /// It threw, or its promise rejected.
    Threw,
    /// It resolved to `true` or `false`.
    Bool(bool),
    /// It resolved to `undefined` or `null`.
    Nullish,
    /// It resolved to a string.
    Text(&'a str),
    /// It resolved to anything else, named by its JS type.
    Other(&'a str),
}

/// The caller, as the proxy treats it.
#[derive(Debug, Clone, PartialEq)]
pub enum Caller {
    /// Let through, with no identity: every caller shares the key's jobs (a single-user app).
    Shared,
    /// Let through as this identity: it sees only the jobs it submitted.
    Owner(String),
    /// Refused: 401 (or 500 when `authorize` itself failed).
    Refused(Refusal),
    /// `authorize` resolved to something that is no answer: the app's bug, reported to the
    /// app as a typed error (the handler's promise rejects).
    BadIdentity(ApiError),
}

/// Reads the verdict: `true` shares, `false` (or nothing) refuses, a non-empty string is the
/// caller's identity. Without `authorize`, only `allowAnonymous` lets anyone through.
pub fn caller(verdict: Verdict) -> Caller {
    match verdict {
        Verdict::Absent { allow_anonymous: true } | Verdict::Bool(true) => Caller::Shared,
        Verdict::Absent { allow_anonymous: false } => Caller::Refused(Refusal::no_policy()),
        Verdict::Threw => Caller::Refused(Refusal::authorize_failed()),
        Verdict::Bool(false) | Verdict::Nullish => Caller::Refused(Refusal::not_authorized()),
        Verdict::Text(id) if !id.is_empty() => Caller::Owner(id.to_string()),
        Verdict::Text(_) => Caller::BadIdentity(bad_identity("an empty string")),
        Verdict::Other(kind) => Caller::BadIdentity(bad_identity(&format!("a {kind}"))),
    }
}

/// The app's `authorize` resolved to `got`, which names no one.
#[cold]
fn bad_identity(got: &str) -> ApiError {
    ApiError::invalid(
        "authorize",
        format!(
            "authorize(request) must resolve to true (let through), false (refuse) or the caller's identity \
             (a non-empty string), got {got}"
        ),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_verdicts() {
        assert_eq!(caller(Verdict::Bool(true)), Caller::Shared);
        assert_eq!(caller(Verdict::Absent { allow_anonymous: true }), Caller::Shared);
        assert_eq!(caller(Verdict::Text("alice")), Caller::Owner("alice".into()));
        let refused = |v| match caller(v) {
            Caller::Refused(r) => (r.status, r.body["error"].as_str().unwrap_or("").to_string()),
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(Verdict::Bool(false)), (401, "Not authorised".into()));
        assert_eq!(refused(Verdict::Nullish).0, 401);
        assert!(refused(Verdict::Absent { allow_anonymous: false }).1.contains("allowAnonymous: true"));
        assert_eq!(refused(Verdict::Threw).0, 500);
        for bad in [Verdict::Text(""), Verdict::Other("number"), Verdict::Other("object")] {
            let Caller::BadIdentity(e) = caller(bad) else { panic!("not the app's bug") };
            assert_eq!(e.field(), Some("authorize"));
        }
    }
}
