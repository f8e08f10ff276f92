//! `GET /v2/jobs` for an identified caller: a page of its job ids from the record, each read
//! back from the service, at most `READS_AT_ONCE` at a time and in the page's order, then
//! narrowed by the caller's filters. The caller's abort ends the reads in flight.

use futures_util::stream::{self, StreamExt};
use js_sys::Array;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Url};

use super::answer::Answer;
use super::job_store::JobOwners;
use crate::core::job::Job;
use crate::core::job_owners::{self, read_back, OwnedListQuery, ReadBack, StoreFailed, READS_AT_ONCE};
use crate::core::proxy::Refusal;
use crate::wasm::host::json_parse;
use crate::wasm::transport::{Request, Transport};

/// The query string's pairs, as the runtime's `URLSearchParams` decodes them.
fn query_pairs(url: &Url) -> Vec<(String, String)> {
    js_sys::try_iter(&url.search_params())
        .ok()
        .flatten()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let pair: Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// `owner`'s listing: its page of jobs, or the service's refusal of one of them, or the core's.
pub(super) async fn list(
    owners: &JobOwners,
    upstream: &Transport,
    owner: &str,
    url: &Url,
    signal: Option<&AbortSignal>,
) -> Result<Answer, Refusal> {
    let pairs = query_pairs(url);
    let query = OwnedListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    let page = owners
        .list(owner, query.limit, query.cursor.as_deref())
        .await
        .map_err(|StoreFailed| job_owners::store_unavailable())?;
    let reads = page.job_paths().map(|path| async move { upstream.attempt(&Request::get(path), signal).await });
    // In order, never more than READS_AT_ONCE in flight; an early return drops (and so
    // aborts) the reads still going.
    let mut answers = stream::iter(reads).buffered(READS_AT_ONCE);
    let jobs = Array::new();
    while let Some(answer) = answers.next().await {
        let received = answer.map_err(|f| Refusal::upstream_failed(f.code()))?;
        match read_back(received.status) {
            ReadBack::Gone => continue,
            ReadBack::PassOn => return Ok(Answer::Upstream(received)),
            ReadBack::Show => {}
        }
        let job = json_parse(&received.text).map_err(|_| Refusal::upstream_malformed())?;
        let view: Job = serde_wasm_bindgen::from_value(job.clone()).unwrap_or_default();
        if query.keeps(&view) {
            jobs.push(&job);
        }
    }
    Ok(Answer::Listing { jobs, cursor: page.cursor.clone() })
}
