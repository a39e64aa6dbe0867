//! `plan` and `apply`: declared accounts read, planned, saved, and carried out.

use std::path::Path;

use cloudflare_account_dns::Error;
use cloudflare_account_dns::converge::{
    ACCOUNTS_AT_ONCE, AccountState, ApplyError, ApplyReport, DeclaredAccount, Plan, PlanOptions,
    SavedPlan,
};
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::connect::Target;
use super::exit::{
    ACCOUNT_FAILED, CHANGES_PLANNED, Failure, INVALID_INPUT, OK, REFUSED, STALE_PLAN,
};
use super::files::{self, Input};
use super::output::{Output, prefixed};
use super::progress::{Progress, requests_sent};

/// One account planned: what was read and the plan, or why it could not be.
type Planned = Result<(AccountState, Plan), Error>;

/// Reads and plans every account, [`ACCOUNTS_AT_ONCE`] at a time, in order.
async fn plan_all(
    target: &Target,
    accounts: &[DeclaredAccount],
    options: PlanOptions,
    verb: &'static str,
) -> Vec<Planned> {
    let progress = Progress::new(accounts.len(), verb);
    let progress = &progress;
    let planned = futures_util::stream::iter(accounts)
        .map(|declared| async move {
            let result = target.client.read_state(declared).await.map(|state| {
                let plan = Plan::from_state(declared, &state, options);
                (state, plan)
            });
            progress.tell(
                &declared.account_id,
                declared.label.as_deref(),
                result.is_ok(),
            );
            result
        })
        .buffered(ACCOUNTS_AT_ONCE)
        .collect()
        .await;
    progress.finish();
    planned
}

fn header(account: &DeclaredAccount) -> String {
    match &account.label {
        Some(label) => format!("account {} ({label})", account.account_id),
        None => format!("account {}", account.account_id),
    }
}

/// `plan FILE [--out PLAN] [--prune]`.
pub async fn plan(
    target: &Target,
    out: &mut Output,
    file: &Path,
    save: Option<&Path>,
    prune: bool,
) -> Result<u8, Failure> {
    let declared = files::declaration(file)?;
    let options = PlanOptions::default().prune(prune);
    let planned = plan_all(target, &declared.accounts, options, "planned").await;
    let (mut failed, mut blocked, mut changes) = (0, 0, 0);
    let mut saved = Vec::new();
    let mut entries = Vec::new();
    for (account, result) in declared.accounts.iter().zip(planned) {
        let label = account.label.as_deref();
        match result {
            Ok((state, plan)) => {
                changes += usize::from(!plan.is_empty());
                blocked += usize::from(plan.has_warnings());
                out.text(&prefixed(label, &plan.to_string()));
                entries
                    .push(json!({"account_id": account.account_id, "label": label, "plan": plan}));
                saved.push((account.clone(), state, plan));
            }
            Err(error) => {
                failed += 1;
                out.text(&prefixed(
                    label,
                    &format!("{}:\n  failed to plan: {error}\n", header(account)),
                ));
                entries.push(json!({
                    "account_id": account.account_id, "label": label,
                    "error": Failure::from_error("", &error).to_json(),
                }));
            }
        }
    }
    let code = if failed > 0 {
        ACCOUNT_FAILED
    } else if blocked > 0 {
        REFUSED
    } else if changes > 0 {
        CHANGES_PLANNED
    } else {
        OK
    };
    if let Some(path) = save {
        if failed > 0 {
            eprintln!(
                "cloudflare-account-dns: the plan was not saved to {}: {failed} account(s) failed to plan",
                path.display()
            );
        } else {
            files::write_plan(path, &SavedPlan::new(target.name.clone(), options, saved))?;
            eprintln!("cloudflare-account-dns: plan saved to {}", path.display());
        }
    }
    let requests = requests_sent();
    out.text(&format!(
        "\n{} account(s): {changes} with changes, {blocked} left unchanged (a refusal, held back, or needing --prune), {failed} failed; {requests} request(s) sent\n",
        declared.accounts.len()
    ));
    out.json(json!({
        "accounts": entries,
        "summary": {
            "accounts": declared.accounts.len(), "with_changes": changes,
            "blocked": blocked, "failed": failed, "requests_sent": requests,
            "saved_to": if failed == 0 { save.map(|p| p.display().to_string()) } else { None },
        },
        "exit_code": code,
    }));
    Ok(code)
}

/// `apply FILE|PLAN [--prune] [--verify]`.
pub async fn apply(
    target: &Target,
    out: &mut Output,
    file: &Path,
    prune: bool,
    verify: bool,
) -> Result<u8, Failure> {
    let (accounts, plans, options) = match files::declaration_or_plan(file)? {
        Input::Declared(declared) => {
            let options = PlanOptions::default().prune(prune);
            let planned = plan_all(target, &declared.accounts, options, "planned").await;
            let mut plans = Vec::new();
            for (account, result) in declared.accounts.iter().zip(planned) {
                match result {
                    Ok((_, plan)) => plans.push(Ok(plan)),
                    Err(error) => {
                        out.text(&prefixed(
                            account.label.as_deref(),
                            &format!("{}:\n  failed to plan: {error}\n", header(account)),
                        ));
                        plans.push(Err(Failure::from_error("failed to plan: ", &error)));
                    }
                }
            }
            (declared.accounts, plans, options)
        }
        Input::Saved(saved) => {
            if saved.target != target.name {
                return Err(Failure::new(
                    INVALID_INPUT,
                    "plan_target",
                    format!(
                        "{}: the plan was made against {}, and this run is against {}: a plan is applied only where it was made; nothing was sent",
                        file.display(),
                        saved.target,
                        target.name
                    ),
                ));
            }
            if prune != saved.prune && prune {
                eprintln!(
                    "cloudflare-account-dns: --prune is ignored: a saved plan is carried out as it was made (made {} pruning)",
                    if saved.prune { "with" } else { "without" }
                );
            }
            let options = PlanOptions::default().prune(saved.prune);
            let declared: Vec<DeclaredAccount> =
                saved.accounts.iter().map(|a| a.declared.clone()).collect();
            let now = plan_all(target, &declared, options, "checked").await;
            let mut stale = Vec::new();
            for (account, result) in saved.accounts.iter().zip(&now) {
                match result {
                    Ok((state, _)) => {
                        for change in account.changes_since(state) {
                            stale.push(format!("{}: {change}", header(&account.declared)));
                        }
                    }
                    Err(error) => {
                        return Err(Failure::new(
                            ACCOUNT_FAILED,
                            "failed",
                            format!(
                                "{}: cannot check that the account is as planned: {error}; nothing was sent",
                                header(&account.declared)
                            ),
                        ));
                    }
                }
            }
            if !stale.is_empty() {
                return Err(Failure::new(
                    STALE_PLAN,
                    "stale_plan",
                    format!(
                        "{}: the plan is stale, the accounts changed since it was made; nothing was sent. Plan again. What changed:\n  {}",
                        file.display(),
                        stale.join("\n  ")
                    ),
                ));
            }
            let plans = saved.accounts.iter().map(|a| Ok(a.plan.clone())).collect();
            (declared, plans, options)
        }
    };

    for plan in plans.iter().flatten() {
        out.text(&prefixed(plan.label.as_deref(), &plan.to_string()));
    }
    let to_apply: Vec<Plan> = plans
        .iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect();
    let progress = Progress::new(to_apply.len(), "applied");
    let results = target
        .client
        .apply_plans(&to_apply, |done| {
            let label = to_apply
                .iter()
                .find(|p| p.account_id == done.account_id)
                .and_then(|p| p.label.as_deref());
            progress.tell(done.account_id, label, done.ok)
        })
        .await;
    progress.finish();
    let mut results = results.into_iter();

    let (mut failed, mut blocked, mut changed, mut changes_done) = (0, 0, 0, 0);
    let mut entries = Vec::new();
    for (account, plan) in accounts.iter().zip(&plans) {
        let label = account.label.as_deref();
        let plan = match plan {
            Ok(plan) => plan,
            Err(failure) => {
                failed += 1;
                entries.push(json!({"account_id": account.account_id, "label": label,
                    "error": failure.to_json()}));
                continue;
            }
        };
        blocked += usize::from(plan.has_warnings());
        let result = if plan.is_empty() {
            Ok(ApplyReport::default())
        } else {
            results.next().expect("a result per plan applied")
        };
        let (report, error): (&ApplyReport, Option<&ApplyError>) = match &result {
            Ok(report) => (report, None),
            Err(error) => (&error.report, Some(error)),
        };
        changes_done += report.done.len();
        changed += usize::from(!report.done.is_empty());
        failed += usize::from(error.is_some());
        let mut text = String::new();
        if !plan.is_empty() {
            text += &format!(
                "{}: {} of {} change(s) done",
                header(account),
                report.done.len(),
                report.done.len() + usize::from(report.failed.is_some()) + report.not_done.len()
            );
            if !report.recovered.is_empty() {
                text += &format!(
                    " ({} found already done after an answer was lost)",
                    report.recovered.len()
                );
            }
            text += "\n";
        }
        for note in &report.notes {
            text += &format!("  note: {note}\n");
        }
        let glue = glue(report);
        for record in &glue {
            text += &format!(
                "  glue: {} {} {} (register it at the registrar)\n",
                record["name"].as_str().unwrap_or(""),
                record["type"].as_str().unwrap_or("?"),
                record["value"].as_str().unwrap_or("?"),
            );
        }
        if let Some(error) = error {
            text += &format!("  error: {error}\n");
            for step in &error.report.not_done {
                text += &format!("  not done: {step}\n");
            }
        }
        out.text(&prefixed(label, &text));
        entries.push(json!({
            "account_id": account.account_id, "label": label, "plan": plan,
            "done": report.done, "recovered": report.recovered, "notes": report.notes,
            "failed": report.failed, "not_done": report.not_done, "glue": glue,
            "error": error.map(|e| Failure::from_error("", &e.error).to_json()),
        }));
    }

    let mut left = None;
    if verify {
        let again = plan_all(target, &accounts, options, "verified").await;
        let names: Vec<String> = again
            .iter()
            .zip(&accounts)
            .filter(|(result, _)| result.as_ref().map_or(true, |(_, plan)| !plan.is_empty()))
            .map(|(_, account)| account.account_id.clone())
            .collect();
        left = Some(names);
    }
    let requests = requests_sent();
    let mut summary = format!(
        "\n{} account(s): {changed} changed ({changes_done} change(s) done), {failed} failed, {blocked} left unchanged (a refusal, held back, or needing --prune); {requests} request(s) sent",
        accounts.len()
    );
    if let Some(left) = &left {
        summary += &if left.is_empty() {
            "; a second plan finds nothing left to change".to_string()
        } else {
            format!("; a second plan finds changes left in {}", left.join(", "))
        };
    }
    out.text(&(summary + "\n"));
    let code = if failed > 0 {
        ACCOUNT_FAILED
    } else if blocked > 0 {
        REFUSED
    } else {
        OK
    };
    out.json(json!({
        "accounts": entries,
        "summary": {
            "accounts": accounts.len(), "changed": changed, "changes_done": changes_done,
            "failed": failed, "blocked": blocked, "requests_sent": requests,
            "left_to_change": left,
        },
        "exit_code": code,
    }));
    Ok(code)
}

/// The glue (A/AAAA) records of the nameservers added, as Cloudflare returned them.
fn glue(report: &ApplyReport) -> Vec<Value> {
    let mut records = Vec::new();
    for ns in &report.added {
        for record in &ns.dns_records {
            records.push(json!({
                "name": ns.ns_name,
                "type": serde_json::to_value(&record.type_).unwrap_or(Value::Null),
                "value": record.value,
            }));
        }
    }
    records
}
