//! Paying for a job: its cost comes off the account when it is submitted (402 when the account
//! has less); `State::settle` refunds it if the job does not complete.

use axum::http::StatusCode;
use serde_json::json;

use crate::errors::Refusal;
use crate::state::{State, REVE_COST};

/// Takes one job's cost from `key`'s account, or refuses 402 with what it has.
pub fn charge(st: &mut State, key: &str) -> Result<(), Refusal> {
    let available = st.accounts.get(key).map(|a| a.credits).unwrap_or(0);
    if available < REVE_COST {
        return Err(Refusal {
            status: StatusCode::PAYMENT_REQUIRED,
            body: json!({
                "error": "Insufficient credits", "creditsRequired": REVE_COST, "creditsAvailable": available
            }),
        });
    }
    if let Some(a) = st.accounts.get_mut(key) {
        a.credits -= REVE_COST;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::state::Account;

    #[test]
    fn charges_the_cost_until_the_account_has_less() {
        let mut st = State::new(&Config::default());
        let account = Account {
            credits: REVE_COST * 2 - 1,
            active: true,
            admin: false,
        };
        st.accounts.insert("afk".into(), account);
        assert_eq!(charge(&mut st, "afk"), Ok(()));
        assert_eq!(st.accounts["afk"].credits, REVE_COST - 1);
        let refused = charge(&mut st, "afk").unwrap_err();
        assert_eq!(refused.status, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(refused.body["creditsRequired"], REVE_COST);
        assert_eq!(refused.body["creditsAvailable"], REVE_COST - 1);
        assert_eq!(st.accounts["afk"].credits, REVE_COST - 1, "nothing taken");
        assert_eq!(
            charge(&mut st, "nobody").unwrap_err().body["creditsAvailable"],
            0
        );
    }
}
