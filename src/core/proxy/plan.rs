//! What a call does, given its route and its caller: a shared caller's calls are forwarded as
//! they are; an identified caller's are kept to its own jobs (read only if it submitted them,
//! listed from the record, recorded when submitted).

use super::route::Route;

/// How the proxy serves one call of a caller it let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Forward the call and pass the answer on (a shared caller, any route).
    Forward(Route),
    /// Forward the submission, then record that `owner` submitted the job it made.
    SubmitOwned {
        /// The caller's identity.
        owner: String,
    },
    /// Forward the read only if `owner` submitted the job; otherwise answer as for an unknown one.
    ReadOwned {
        /// The job asked for.
        job_id: String,
        /// The caller's identity.
        owner: String,
    },
    /// List `owner`'s jobs from the record, each read back from the service.
    ListOwned {
        /// The caller's identity.
        owner: String,
    },
    /// Stream the job's changes, after the same check as a read: an identified caller's only
    /// when it submitted the job; a shared caller's (`owner: None`) any job the proxy holds.
    Stream {
        /// The job asked for.
        job_id: String,
        /// The caller's identity, or `None` for a shared caller.
        owner: Option<String>,
    },
}

/// The plan for `route` called by `owner` (the identity `authorize` named), or by a shared
/// caller (`None`).
pub fn plan(route: Route, owner: Option<String>) -> Plan {
    if let Route::JobEvents(job_id) = route {
        return Plan::Stream { job_id, owner };
    }
    let Some(owner) = owner else {
        return Plan::Forward(route);
    };
    match route {
        Route::Generate => Plan::SubmitOwned { owner },
        Route::GetJob(job_id) => Plan::ReadOwned { job_id, owner },
        Route::ListJobs => Plan::ListOwned { owner },
        Route::JobEvents(job_id) => Plan::Stream { job_id, owner: Some(owner) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_keeps_every_route_to_its_own_jobs() {
        let alice = || Some("alice".to_string());
        let owner = "alice".to_string();
        assert_eq!(plan(Route::Generate, alice()), Plan::SubmitOwned { owner: owner.clone() });
        assert_eq!(plan(Route::GetJob("j".into()), alice()), Plan::ReadOwned { job_id: "j".into(), owner: owner.clone() });
        assert_eq!(plan(Route::ListJobs, alice()), Plan::ListOwned { owner });
        assert_eq!(plan(Route::JobEvents("j".into()), alice()), Plan::Stream { job_id: "j".into(), owner: alice() });
        assert_eq!(plan(Route::JobEvents("j".into()), None), Plan::Stream { job_id: "j".into(), owner: None });
        for route in [Route::Generate, Route::GetJob("j".into()), Route::ListJobs] {
            assert_eq!(plan(route.clone(), None), Plan::Forward(route));
        }
    }
}
