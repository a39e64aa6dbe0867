//! Carrying out a plan, and planning or applying many accounts at once.

use std::fmt;

use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value};

use super::plan::{Plan, PlanOptions, known_refusals, leaves};
use super::state::{DeclaredAccount, normalized};
use crate::core::call_options::CallOptions;
use crate::core::client::Client;
use crate::core::error::{Error, InvalidArgument, Result};
use crate::types;
use crate::workflows::budget::Budget;

/// How many accounts are planned or applied at once; the client's in-flight cap and rate
/// limit bound their requests further.
pub const ACCOUNTS_AT_ONCE: usize = 16;

/// One change an apply makes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// Add a custom nameserver.
    AddNameserver {
        /// Its name.
        name: String,
        /// Its set, if declared.
        #[serde(skip_serializing_if = "Option::is_none")]
        set: Option<u8>,
    },
    /// Remove a custom nameserver.
    RemoveNameserver {
        /// Its name.
        name: String,
    },
    /// Send the one update of the DNS settings.
    UpdateSettings {
        /// The body: exactly the changed fields.
        body: Map<String, Value>,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::AddNameserver {
                name,
                set: Some(set),
            } => {
                write!(f, "add custom nameserver {name} (set {set})")
            }
            Step::AddNameserver { name, set: None } => write!(f, "add custom nameserver {name}"),
            Step::RemoveNameserver { name } => write!(f, "remove custom nameserver {name}"),
            Step::UpdateSettings { body } => write!(
                f,
                "update the DNS settings with {}",
                Value::Object(body.clone())
            ),
        }
    }
}

/// What an apply did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ApplyReport {
    /// The account.
    pub account_id: String,
    /// The steps done, in order.
    pub done: Vec<Step>,
    /// Of those, the ones found already done: an add whose outcome was unknown and that a
    /// read of the account showed applied (so it was not repeated), a removal answered by
    /// a 404 (see [`ApplyReport::notes`]).
    pub recovered: Vec<Step>,
    /// The step that failed, if one did.
    pub failed: Option<Step>,
    /// The steps not tried after it.
    pub not_done: Vec<Step>,
    /// What a person should know about steps whose first answer was not the last word:
    /// a removal that found the nameserver already gone, an add whose outcome could not be
    /// looked up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The nameservers added, as Cloudflare returned them (with the glue records,
    /// `dns_records`, to register at the registrar).
    pub added: Vec<types::CustomNameserver>,
    /// The DNS settings after the update, if one was sent.
    pub settings: Option<types::DnsSettings>,
}

impl ApplyReport {
    /// Whether it changed anything.
    pub fn changed(&self) -> bool {
        !self.done.is_empty()
    }
}

/// An apply that stopped: what it did and did not do, and why it stopped.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApplyError {
    /// What was done before it stopped, the step that failed and the steps not tried.
    pub report: ApplyReport,
    /// Why it stopped.
    pub error: Error,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = &self.report;
        match &report.failed {
            Some(step) => write!(
                f,
                "applying the plan of account {} stopped after {} of {} steps: {step} failed: {}",
                report.account_id,
                report.done.len(),
                report.done.len() + 1 + report.not_done.len(),
                self.error
            ),
            None => write!(
                f,
                "the plan of account {} was not applied, nothing was sent: {}",
                report.account_id, self.error
            ),
        }
    }
}

impl std::error::Error for ApplyError {}

impl From<ApplyError> for Error {
    /// The error that stopped the apply (the report is dropped).
    fn from(error: ApplyError) -> Self {
        error.error
    }
}

/// The steps of a plan, in the order they are safe: nameservers replaced and added before
/// the settings switch new zones to them, extras removed last.
fn steps(plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    for m in plan.set_mismatches.iter().filter(|m| m.replace) {
        steps.push(Step::RemoveNameserver {
            name: m.name.clone(),
        });
        steps.push(Step::AddNameserver {
            name: m.name.clone(),
            set: Some(m.declared_set),
        });
    }
    for ns in &plan.add {
        steps.push(Step::AddNameserver {
            name: ns.name.clone(),
            set: ns.set,
        });
    }
    if let Some(body) = plan.update_body() {
        steps.push(Step::UpdateSettings { body });
    }
    for name in &plan.remove {
        steps.push(Step::RemoveNameserver { name: name.clone() });
    }
    steps
}

impl Client {
    /// Carries out a plan made by [`Client::plan`]: nameservers first, then at most one
    /// update of the settings, then removals, stopping at the first failure. A nameserver
    /// whose add has an unknown outcome is looked for before anything is repeated. A plan
    /// with a [known refusal](super::KnownRefusal) is not applied: nothing is sent.
    pub async fn apply(&self, plan: &Plan) -> std::result::Result<ApplyReport, ApplyError> {
        let budget = Budget::start(self, "apply", CallOptions::default());
        self.apply_within(plan, &budget).await
    }

    /// [`Client::apply`] within a composite call's budget.
    pub(crate) async fn apply_within(
        &self,
        plan: &Plan,
        budget: &Budget,
    ) -> std::result::Result<ApplyReport, ApplyError> {
        let mut report = ApplyReport {
            account_id: plan.account_id.clone(),
            ..ApplyReport::default()
        };
        // A plan made by `Client::plan` never sends a known refusal; one built or edited by
        // hand is refused whole, before anything is sent.
        if let Some(refusal) = plan
            .update_body()
            .and_then(|body| known_refusals(&body).into_iter().next())
        {
            let error = InvalidArgument::new(
                format!("dns_settings.{}", refusal.field),
                format!(
                    "Cloudflare refuses this at the account level (code {}: {})",
                    refusal.code, refusal.message
                ),
            );
            report.not_done = steps(plan);
            return Err(ApplyError {
                report,
                error: error.into(),
            });
        }
        let mut pending = steps(plan).into_iter();
        while let Some(step) = pending.next() {
            match self
                .apply_step(&plan.account_id, &step, &mut report, budget)
                .await
            {
                Ok(()) => report.done.push(step),
                Err(error) => {
                    report.failed = Some(step);
                    report.not_done = pending.collect();
                    return Err(ApplyError { report, error });
                }
            }
        }
        Ok(report)
    }

    async fn apply_step(
        &self,
        account: &str,
        step: &Step,
        report: &mut ApplyReport,
        budget: &Budget,
    ) -> Result<()> {
        match step {
            Step::AddNameserver { name, set } => {
                let add = || -> Result<_> {
                    Ok(self
                        .add_custom_nameserver(account, name.as_str())
                        .set_ns_set(*set)
                        .call_options(budget.next()?))
                };
                match add()?.send().await {
                    Ok(ns) => {
                        report.added.push(ns);
                        Ok(())
                    }
                    Err(error) if error.is_outcome_unknown() => {
                        // Look before repeating: Cloudflare may have added it. When the look
                        // fails too, the outcome stays unknown: the add's error is returned,
                        // never the look's (which would read as a refusal).
                        let looked = match budget.next() {
                            Ok(options) => {
                                self.list_custom_nameservers(account)
                                    .call_options(options)
                                    .send()
                                    .await
                            }
                            Err(budget_error) => Err(budget_error),
                        };
                        let listed = match looked {
                            Ok(listed) => listed,
                            Err(look_error) => {
                                report.notes.push(format!(
                                    "the outcome of adding {name} is unknown, and looking for it failed: {look_error}"
                                ));
                                return Err(error);
                            }
                        };
                        match listed
                            .into_iter()
                            .find(|ns| normalized(&ns.ns_name) == *name)
                        {
                            Some(ns) => {
                                report.added.push(ns);
                                report.recovered.push(step.clone());
                                Ok(())
                            }
                            None => {
                                report.added.push(add()?.send().await?);
                                Ok(())
                            }
                        }
                    }
                    Err(error) => Err(error),
                }
            }
            Step::RemoveNameserver { name } => {
                match self
                    .delete_custom_nameserver(account, name.as_str())
                    .call_options(budget.next()?)
                    .send()
                    .await
                {
                    // Gone already: an earlier attempt whose answer was lost (the transport
                    // repeats a DELETE), or someone else, removed it. Either way the account
                    // is as planned.
                    Err(error) if error.is_not_found() => {
                        report.notes.push(format!(
                            "custom nameserver {name} was already gone (HTTP 404): an earlier attempt whose answer was lost, or someone else, removed it"
                        ));
                        report.recovered.push(step.clone());
                        Ok(())
                    }
                    other => other,
                }
            }
            Step::UpdateSettings { body } => {
                let mut update = self
                    .update_dns_settings(account)
                    .call_options(budget.next()?);
                for (field, value) in leaves(body, "") {
                    update = update.set_field(&field, value);
                }
                let settings = update.send().await?;
                report.settings = Some(settings);
                Ok(())
            }
        }
    }

    /// Plans and applies one account: [`Client::plan`], then [`Client::apply`] unless the
    /// plan is empty.
    pub async fn converge(
        &self,
        declared: &DeclaredAccount,
        options: PlanOptions,
    ) -> std::result::Result<(Plan, ApplyReport), ApplyError> {
        let plan = self
            .plan(declared, options)
            .await
            .map_err(|error| ApplyError {
                report: ApplyReport {
                    account_id: declared.account_id.clone(),
                    ..ApplyReport::default()
                },
                error,
            })?;
        let report = self.apply(&plan).await?;
        Ok((plan, report))
    }

    /// Plans many accounts concurrently ([`ACCOUNTS_AT_ONCE`] at a time, under the client's
    /// rate limit and in-flight cap). One account's failure does not stop the others; the
    /// results come back in the order of `accounts`, and `progress` is told as each one
    /// ends.
    pub async fn plan_accounts(
        &self,
        accounts: &[DeclaredAccount],
        options: PlanOptions,
        progress: impl Fn(&AccountDone) + Sync,
    ) -> Vec<Result<Plan>> {
        let progress = &progress;
        futures_util::stream::iter(accounts)
            .map(|declared| async move {
                let result = self.plan(declared, options).await;
                progress(&AccountDone {
                    account_id: &declared.account_id,
                    ok: result.is_ok(),
                });
                result
            })
            .buffered(ACCOUNTS_AT_ONCE)
            .collect()
            .await
    }

    /// Applies many plans concurrently, like [`Client::plan_accounts`].
    pub async fn apply_plans(
        &self,
        plans: &[Plan],
        progress: impl Fn(&AccountDone) + Sync,
    ) -> Vec<std::result::Result<ApplyReport, ApplyError>> {
        let progress = &progress;
        futures_util::stream::iter(plans)
            .map(|plan| async move {
                let result = self.apply(plan).await;
                progress(&AccountDone {
                    account_id: &plan.account_id,
                    ok: result.is_ok(),
                });
                result
            })
            .buffered(ACCOUNTS_AT_ONCE)
            .collect()
            .await
    }
}

/// Told to a progress callback as each account of a run ends.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct AccountDone<'a> {
    /// The account.
    pub account_id: &'a str,
    /// Whether it ended well.
    pub ok: bool,
}
