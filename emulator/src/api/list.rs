//! `GET /v2/jobs`: the caller's jobs (an admin's `scope=team`: everyone's), newest first, a page
//! at a time, narrowed by status, model and id.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::authenticate;
use super::list_query::{encode_cursor, ListQuery};
use crate::clock::now_ms;
use crate::errors::Refusal;
use crate::job;
use crate::state::State as EmuState;
use crate::Emulator;

pub async fn list_jobs(
    State(emu): State<Arc<Emulator>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match list(&emu, &headers, &q) {
        Ok(body) => axum::Json(body).into_response(),
        Err(refused) => refused.into_response(),
    }
}

fn list(
    emu: &Emulator,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
) -> Result<Value, Refusal> {
    let key = authenticate(&emu.lock(), headers)?;
    let q = ListQuery::parse(q)?;
    let now = now_ms();
    let mut st = emu.lock();
    if q.team && !st.accounts.get(&key).is_some_and(|a| a.admin) {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "Only team admins may use scope=team",
        ));
    }
    Ok(page(&mut st, &key, &q, now, emu.config.retention_ms))
}

/// The `JobList` for one page, settling each job it looks at.
fn page(st: &mut EmuState, key: &str, q: &ListQuery, now: u64, retention_ms: u64) -> Value {
    let ids: Vec<_> = st
        .order
        .iter()
        .rev()
        .filter(|entry| q.cursor.is_none_or(|c| **entry < c))
        .copied()
        .collect();
    let mut page = Vec::new();
    let mut has_more = false;
    for (_, id) in ids {
        st.settle(id, now);
        let Some(job) = st.jobs.get(&id) else {
            continue;
        };
        if (!q.team && job.owner != key)
            || q.search.is_some_and(|s| s != id)
            || q.model.as_ref().is_some_and(|m| m != job::MODEL)
            || q.status.is_some_and(|s| s != job.status_at(now).0)
        {
            continue;
        }
        if page.len() == q.limit {
            has_more = true;
            break;
        }
        page.push((job.created_ms, id, job.to_wire(now, retention_ms)));
    }
    let next_cursor = if has_more {
        page.last().map(|(ms, id, _)| encode_cursor(*ms, *id))
    } else {
        None
    };
    let mut body = json!({
        "jobs": page.into_iter().map(|(_, _, j)| j).collect::<Vec<_>>(),
        "nextCursor": next_cursor,
        "hasMore": has_more,
    });
    if q.include_models {
        body["models"] = json!([job::MODEL]);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::new_job::{make, Submission};
    use crate::config::Config;

    #[test]
    fn pages_run_newest_first_and_hold_only_the_owners_jobs() {
        let mut st = EmuState::new(&Config::default());
        let mut mine = Vec::new();
        for (i, owner) in ["a", "b", "a", "a"].iter().enumerate() {
            let input = json!({"prompt": "p"});
            let s = Submission {
                owner: owner.to_string(),
                input,
                idempotency: None,
                origin: String::new(),
            };
            let job = make(&mut st, s, i as u64, 100);
            if *owner == "a" {
                mine.push(job.id.to_string());
            }
            st.insert(job, 10);
        }
        mine.reverse();
        let query = |pairs: &[(&str, &str)]| {
            let q = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            ListQuery::parse(&q).unwrap()
        };
        let ids = |v: &Value| -> Vec<String> {
            v["jobs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|j| j["id"].as_str().unwrap().to_string())
                .collect()
        };
        let first = page(&mut st, "a", &query(&[("limit", "2")]), 0, 1000);
        assert_eq!(ids(&first), mine[..2]);
        assert_eq!(first["hasMore"], true);
        let cursor = first["nextCursor"].as_str().unwrap().to_string();
        let rest = page(
            &mut st,
            "a",
            &query(&[("limit", "2"), ("cursor", &cursor)]),
            0,
            1000,
        );
        assert_eq!(ids(&rest), mine[2..]);
        assert_eq!(
            (rest["hasMore"].clone(), rest["nextCursor"].clone()),
            (json!(false), Value::Null)
        );
        assert!(rest.get("models").is_none());
        let team = page(
            &mut st,
            "a",
            &query(&[("scope", "team"), ("include_models", "true")]),
            0,
            1000,
        );
        assert_eq!(ids(&team).len(), 4);
        assert_eq!(team["models"], json!(["reve-create"]));
        let queued = page(&mut st, "a", &query(&[("status", "COMPLETED")]), 0, 1000);
        assert_eq!(ids(&queued).len(), 0, "at time 0 every job is still queued");
    }
}
