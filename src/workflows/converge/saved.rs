//! A plan kept in a file (Terraform's `plan -out`), carried out later exactly as it was
//! made, and only if the accounts have not changed since.

use serde::{Deserialize, Serialize};

use super::plan::{AccountState, Plan, PlanOptions};
use super::state::DeclaredAccount;
use crate::core::error::{Error, InvalidArgument, Result};

/// Plans of several accounts as a file keeps them, with what each plan was made from: the
/// declared state and what was read of the account. Written as JSON
/// (`serde_json::to_string_pretty`), read back with [`SavedPlan::from_json`], which
/// checks it all: a saved plan is data from a file, never trusted.
///
/// Before applying one, read each account again ([`Client::read_state`](crate::Client::read_state))
/// and compare ([`SavedAccount::changes_since`]): a plan made from another state is stale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SavedPlan {
    /// The format's version: [`SavedPlan::FORMAT_VERSION`].
    pub plan_format: u32,
    /// What made it, such as `cloudflare-account-dns 0.1.0`.
    pub made_by: String,
    /// Where the accounts were read: a base URL, or `fake` for the embedded fake. A plan is
    /// only applied where it was made.
    pub target: String,
    /// Whether it was planned with pruning.
    pub prune: bool,
    /// Each account's plan.
    pub accounts: Vec<SavedAccount>,
}

/// One account of a [`SavedPlan`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SavedAccount {
    /// Its declared state (the defaults merged in).
    pub declared: DeclaredAccount,
    /// What was read of it to make the plan.
    pub read: AccountState,
    /// The plan.
    pub plan: Plan,
}

impl SavedPlan {
    /// The version of the format this crate writes and reads.
    pub const FORMAT_VERSION: u32 = 1;

    /// A saved plan of these accounts.
    pub fn new(
        target: impl Into<String>,
        options: PlanOptions,
        accounts: Vec<(DeclaredAccount, AccountState, Plan)>,
    ) -> Self {
        Self {
            plan_format: Self::FORMAT_VERSION,
            made_by: concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")).into(),
            target: target.into(),
            prune: options.prune,
            accounts: accounts
                .into_iter()
                .map(|(declared, read, plan)| SavedAccount {
                    declared,
                    read,
                    plan,
                })
                .collect(),
        }
    }

    /// Reads a saved plan from JSON, refusing unknown keys with their path, and checks it
    /// ([`SavedPlan::check`]).
    pub fn from_json(text: &str) -> Result<Self> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let saved: Self = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            Error::InvalidArgument(InvalidArgument::new(
                if path == "." { "plan".into() } else { path },
                error.inner().to_string(),
            ))
        })?;
        saved.check()?;
        Ok(saved)
    }

    /// Checks everything a file could get wrong: the format version; each declared state
    /// ([`DeclaredAccount::check`]); each plan ([`Plan::check`]: ids, nameservers,
    /// settings against the fragment, no field inside another); that each plan is for its
    /// account, no account twice, and each plan is exactly what its declared state and
    /// what was read make (an edited plan is refused). The error's field is the path in the
    /// file (`accounts[2].plan.settings[0].field`).
    pub fn check(&self) -> Result<()> {
        if self.plan_format != Self::FORMAT_VERSION {
            return Err(InvalidArgument::new(
                "plan_format",
                format!(
                    "must be {} (this is {}; the plan was made by {})",
                    Self::FORMAT_VERSION,
                    self.plan_format,
                    self.made_by
                ),
            )
            .into());
        }
        let options = PlanOptions::default().prune(self.prune);
        for (i, account) in self.accounts.iter().enumerate() {
            let at = |prefix: &'static str| {
                move |error: Error| match error {
                    Error::InvalidArgument(arg) => Error::InvalidArgument(InvalidArgument::new(
                        format!("accounts[{i}].{prefix}.{}", arg.field),
                        arg.rule,
                    )),
                    other => other,
                }
            };
            account.declared.check().map_err(at("declared"))?;
            account.plan.check().map_err(at("plan"))?;
            if account.plan.account_id != account.declared.account_id {
                return Err(InvalidArgument::new(
                    format!("accounts[{i}].plan.account_id"),
                    format!(
                        "must be the declared account's id ({})",
                        account.declared.account_id
                    ),
                )
                .into());
            }
            if let Some(first) = self.accounts[..i]
                .iter()
                .position(|a| a.declared.account_id == account.declared.account_id)
            {
                return Err(InvalidArgument::new(
                    format!("accounts[{i}].declared.account_id"),
                    format!("is planned twice (also accounts[{first}])"),
                )
                .into());
            }
            if Plan::from_state(&account.declared, &account.read, options) != account.plan {
                return Err(InvalidArgument::new(
                    format!("accounts[{i}].plan"),
                    "is not the plan its declared state and what was read make (was it edited?)",
                )
                .into());
            }
        }
        Ok(())
    }
}

impl SavedAccount {
    /// What changed in the account since the plan was made, given its state now: empty
    /// when the plan still holds.
    pub fn changes_since(&self, now: &AccountState) -> Vec<String> {
        now.changes_since(&self.read, &self.declared)
    }
}
