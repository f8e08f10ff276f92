//! `GET /v2/jobs`'s query parameters, checked in the service's order (the first bad one is
//! refused 400, named), and the opaque cursor that continues a listing.

use std::collections::HashMap;

use uuid::Uuid;

use crate::errors::Refusal;
use crate::job;

const STATUSES: [&str; 5] = [
    job::QUEUED,
    job::PROCESSING,
    job::COMPLETED,
    job::FAILED,
    job::CANCELLED,
];
const DEFAULT_LIMIT: usize = 20;

/// A checked listing query.
#[derive(Debug, PartialEq)]
pub struct ListQuery {
    pub status: Option<&'static str>,
    pub limit: usize,
    /// Continue after this `(created_ms, id)`, newest first.
    pub cursor: Option<(u64, Uuid)>,
    /// `scope=team`: every account's jobs (admins only).
    pub team: bool,
    pub search: Option<Uuid>,
    pub include_models: bool,
    pub model: Option<String>,
}

fn bad(param: &str, message: &str) -> Refusal {
    Refusal::invalid("Invalid query parameters", param, message)
}

impl ListQuery {
    pub fn parse(q: &HashMap<String, String>) -> Result<ListQuery, Refusal> {
        let status = match q.get("status") {
            None => None,
            Some(s) => match STATUSES.iter().find(|known| **known == s) {
                Some(known) => Some(*known),
                None => {
                    let expected = STATUSES.join(", ");
                    let message =
                        format!("Invalid enum value. Expected one of {expected}, received '{s}'");
                    return Err(bad("status", &message));
                }
            },
        };
        let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
            None => DEFAULT_LIMIT,
            Some(Ok(n)) if (1..=100).contains(&n) => n,
            Some(_) => return Err(bad("limit", "Expected an integer from 1 to 100")),
        };
        let cursor = match q.get("cursor") {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                bad(
                    "cursor",
                    "Invalid cursor: pass nextCursor from the previous page",
                )
            })?),
        };
        let team = match q.get("scope").map(String::as_str) {
            None | Some("user") => false,
            Some("team") => true,
            Some(s) => {
                let message =
                    format!("Invalid enum value. Expected 'user' | 'team', received '{s}'");
                return Err(bad("scope", &message));
            }
        };
        let search = match q.get("search").map(|s| Uuid::parse_str(s)) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => return Err(bad("search", "Expected a job id (UUID)")),
        };
        let include_models = match q.get("include_models").map(String::as_str) {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(bad("include_models", "Expected 'true' or 'false'")),
        };
        Ok(ListQuery {
            status,
            limit,
            cursor,
            team,
            search,
            include_models,
            model: q.get("model").cloned(),
        })
    }
}

pub fn encode_cursor(created_ms: u64, id: Uuid) -> String {
    format!("{created_ms}_{}", id.simple())
}

fn decode_cursor(s: &str) -> Option<(u64, Uuid)> {
    let (ms, id) = s.split_once('_')?;
    Some((ms.parse().ok()?, Uuid::parse_str(id).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ListQuery, Refusal> {
        let q = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ListQuery::parse(&q)
    }

    #[test]
    fn defaults_and_every_parameter() {
        let q = parse(&[]).unwrap();
        assert_eq!(
            (q.status, q.limit, q.cursor, q.team),
            (None, 20, None, false)
        );
        assert_eq!((q.search, q.include_models, q.model), (None, false, None));
        let id = Uuid::new_v4();
        let cursor = encode_cursor(17, id);
        let search = id.to_string();
        let q = parse(&[
            ("status", "FAILED"),
            ("limit", "100"),
            ("cursor", &cursor),
            ("scope", "team"),
            ("search", &search),
            ("include_models", "true"),
            ("model", "reve-create"),
        ])
        .unwrap();
        assert_eq!(
            (q.status, q.limit, q.cursor),
            (Some("FAILED"), 100, Some((17, id)))
        );
        assert_eq!((q.team, q.search, q.include_models), (true, Some(id), true));
        assert_eq!(q.model.as_deref(), Some("reve-create"));
    }

    #[test]
    fn the_first_bad_parameter_is_named() {
        for (pairs, name) in [
            (&[("status", "DONE")][..], "status"),
            (&[("limit", "0")], "limit"),
            (&[("limit", "101")], "limit"),
            (&[("cursor", "zzz")], "cursor"),
            (&[("cursor", "1_nope")], "cursor"),
            (&[("scope", "org")], "scope"),
            (&[("search", "nope")], "search"),
            (&[("include_models", "yes")], "include_models"),
            (&[("limit", "x"), ("status", "DONE")], "status"),
        ] {
            let refused = parse(pairs).unwrap_err();
            assert_eq!(refused.status, 400, "{pairs:?}");
            assert_eq!(refused.body["error"], "Invalid query parameters");
            let named: Vec<&String> = refused.body["details"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            assert_eq!(named, [name], "{pairs:?}");
        }
    }
}
