//! Who is calling: the `X-API-Key` header, checked against the accounts (401 missing or
//! unknown, 403 inactive).

use axum::http::{HeaderMap, StatusCode};

use crate::errors::Refusal;
use crate::state::State;

/// The calling account's key, or the 401/403 refusal.
pub fn authenticate(st: &State, headers: &HeaderMap) -> Result<String, Refusal> {
    let Some(key) = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
    else {
        return Err(Refusal::new(
            StatusCode::UNAUTHORIZED,
            "Missing API key: pass it in the X-API-Key header",
        ));
    };
    match st.accounts.get(key) {
        None => Err(Refusal::new(StatusCode::UNAUTHORIZED, "Invalid API key")),
        Some(a) if !a.active => Err(Refusal::new(StatusCode::FORBIDDEN, "API key is inactive")),
        Some(_) => Ok(key.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::state::Account;

    #[test]
    fn missing_unknown_and_inactive_keys_are_refused() {
        let mut st = State::new(&Config::default());
        for (key, active) in [("afk_on", true), ("afk_off", false)] {
            let account = Account {
                credits: 0,
                active,
                admin: false,
            };
            st.accounts.insert(key.into(), account);
        }
        let with = |key: &str| {
            let mut h = HeaderMap::new();
            h.insert("x-api-key", key.parse().unwrap());
            h
        };
        assert_eq!(authenticate(&st, &with("afk_on")), Ok("afk_on".into()));
        let status = |r: Result<String, Refusal>| r.unwrap_err().status;
        assert_eq!(status(authenticate(&st, &HeaderMap::new())), 401);
        assert_eq!(status(authenticate(&st, &with(""))), 401);
        assert_eq!(status(authenticate(&st, &with("afk_nope"))), 401);
        assert_eq!(status(authenticate(&st, &with("afk_off"))), 403);
    }
}
