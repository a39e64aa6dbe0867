//! `converge`: plan and apply the declared DNS defaults of many Cloudflare accounts.
//!
//! An example rather than a binary behind a feature: it needs a TOML and a YAML parser and a
//! progress bar, which the library should not make its users compile, and the same source
//! shows how to use the library's plan and apply. `cargo run --example converge --features
//! fake -- --help` says how to use it.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use cloudflare_account_dns::converge::{
    AccountDone, ApplyError, ApplyReport, DeclaredAccounts, Plan, PlanOptions,
};
use cloudflare_account_dns::fake::FakeCloudflare;
use cloudflare_account_dns::{Client, ENV_API_KEY, ENV_API_TOKEN, ENV_EMAIL};

const HELP: &str = "\
converge: plan and apply the declared DNS defaults of Cloudflare accounts

USAGE
    cargo run --example converge --features fake -- plan  FILE [--json] [--prune]
    cargo run --example converge --features fake -- apply FILE [--json] [--prune]

FILE
    The declared state of the accounts, in TOML (.toml), JSON (.json) or YAML (.yaml, .yml):
    for each account its custom nameservers (name and set) and any DNS settings of the
    update body (see examples/accounts.toml). Unknown keys and values the API would refuse
    are reported with their path before anything is read or sent.

COMMANDS
    plan     read each account and print what would change (+ add, ~ change, - remove,
             ! reported but not changed); changes nothing
    apply    plan, print the plan, and carry out exactly that plan: nameservers first, then
             one update of the settings per account, then removals (with --prune); then
             plan again and say whether anything is left to change

OPTIONS
    --json       print the plans (and reports) as JSON on stdout instead of text
    --prune      also remove the custom nameservers an account has beyond the declared
                 ones, and replace those in another set than declared
    -h, --help   show this text

WHERE IT RUNS
    With no credentials in the environment, against an embedded fake Cloudflare API on
    127.0.0.1: nothing real is touched. With CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and
    CLOUDFLARE_API_KEY), against the real API (or CLOUDFLARE_BASE_URL).

EXIT STATUS
    0   plan: no changes; apply: every account applied (or nothing to do)
    1   an account failed (the others still ran; each is summed up)
    2   plan: changes planned
    64  usage error
";

#[derive(Debug)]
struct Args {
    apply: bool,
    file: String,
    json: bool,
    prune: bool,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut positional = Vec::new();
    let (mut json, mut prune) = (false, false);
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => json = true,
            "--prune" => prune = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            other => positional.push(other.to_string()),
        }
    }
    let mut positional = positional.into_iter();
    let apply = match positional.next().as_deref() {
        Some("plan") => false,
        Some("apply") => true,
        Some(other) => {
            return Err(format!(
                "the first argument must be a command, plan or apply (got {other:?})"
            ));
        }
        None => return Err("give a command, plan or apply, and the file of accounts".into()),
    };
    let file = positional.next().ok_or("give the file of accounts")?;
    if let Some(extra) = positional.next() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    Ok(Some(Args {
        apply,
        file,
        json,
        prune,
    }))
}

/// Reads the file in the format its extension says.
fn read(path: &str) -> Result<DeclaredAccounts, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let extension = Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let parsed = match extension {
        "toml" => {
            let deserializer =
                toml::Deserializer::parse(&text).map_err(|e| format!("{path}: {e}"))?;
            DeclaredAccounts::from_deserializer(deserializer)
        }
        "json" => DeclaredAccounts::from_json(&text),
        "yaml" | "yml" => {
            DeclaredAccounts::from_deserializer(serde_yaml_ng::Deserializer::from_str(&text))
        }
        other => {
            return Err(format!(
                "{path}: unknown format {other:?} (toml, json, yaml)"
            ));
        }
    };
    parsed.map_err(|e| format!("{path}: {e}"))
}

/// Progress on stderr: a bar on a terminal, a line per account otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    verb: &'static str,
}

impl Progress {
    fn new(total: usize, verb: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_message(verb);
            bar
        });
        Self {
            bar,
            total,
            done: Default::default(),
            verb,
        }
    }

    fn tell(&self, done: &AccountDone) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => eprintln!(
                "converge: {} {n}/{}: {} {}",
                self.verb,
                self.total,
                done.account_id,
                if done.ok { "ok" } else { "failed" }
            ),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn has_credentials() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    set(ENV_API_TOKEN) || (set(ENV_EMAIL) && set(ENV_API_KEY))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("converge: {problem}\nRun with --help for the usage.");
            return ExitCode::from(64);
        }
    };
    let accounts = match read(&args.file) {
        Ok(accounts) => accounts,
        Err(problem) => {
            eprintln!("converge: {problem}");
            return ExitCode::FAILURE;
        }
    };

    // Real API with credentials; otherwise the embedded fake, kept alive until the end.
    let (client, _fake) = if has_credentials() {
        match Client::from_env() {
            Ok(client) => (client, None),
            Err(e) => {
                eprintln!("converge: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        let fake = match FakeCloudflare::start().await {
            Ok(fake) => fake,
            Err(e) => {
                eprintln!("converge: cannot start the embedded fake: {e}");
                return ExitCode::FAILURE;
            }
        };
        eprintln!(
            "converge: no credentials in the environment: running against the embedded fake \
             Cloudflare API at {} (nothing real is touched)",
            fake.base_url()
        );
        let client = fake.client().expect("the fake's client builds");
        (client, Some(fake))
    };

    let options = PlanOptions::default().prune(args.prune);
    let progress = Progress::new(accounts.accounts.len(), "planned");
    let planned = client
        .plan_accounts(&accounts.accounts, options, |done| progress.tell(done))
        .await;
    progress.finish();

    let mut failed = 0;
    let mut plans = Vec::new();
    let mut json_accounts = Vec::new();
    for (declared, result) in accounts.accounts.iter().zip(planned) {
        match result {
            Ok(plan) => {
                if !args.json {
                    print!("{plan}");
                }
                plans.push(plan);
            }
            Err(e) => {
                failed += 1;
                if args.json {
                    json_accounts.push(serde_json::json!({
                        "account_id": declared.account_id, "error": e.to_string()
                    }));
                } else {
                    println!("account {}:\n  failed to plan: {e}", declared.account_id);
                }
            }
        }
    }
    let changes = plans.iter().filter(|p| !p.is_empty()).count();

    if !args.apply {
        if args.json {
            for plan in &plans {
                json_accounts.push(serde_json::json!({
                    "account_id": plan.account_id, "plan": plan
                }));
            }
            print_json(&json_accounts, changes, failed);
        } else {
            println!(
                "\n{} accounts: {changes} with changes, {failed} failed",
                accounts.accounts.len()
            );
        }
        return if failed > 0 {
            ExitCode::FAILURE
        } else if changes > 0 {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }

    // Apply exactly the plans printed above.
    let to_apply: Vec<Plan> = plans.iter().filter(|p| !p.is_empty()).cloned().collect();
    let progress = Progress::new(to_apply.len(), "applied");
    let applied = client
        .apply_plans(&to_apply, |done| progress.tell(done))
        .await;
    progress.finish();
    let mut reports: Vec<(&Plan, Option<Result<ApplyReport, ApplyError>>)> = Vec::new();
    let mut results = applied.into_iter();
    for plan in &plans {
        let result = if plan.is_empty() {
            None
        } else {
            results.next()
        };
        reports.push((plan, result));
    }
    for (plan, result) in &reports {
        match result {
            None => {
                if args.json {
                    json_accounts.push(serde_json::json!({
                        "account_id": plan.account_id, "plan": plan, "applied": []
                    }));
                }
            }
            Some(Ok(report)) => {
                if args.json {
                    json_accounts.push(serde_json::json!({
                        "account_id": plan.account_id, "plan": plan, "applied": report.done
                    }));
                } else {
                    println!(
                        "account {}: applied {} change(s){}",
                        plan.account_id,
                        report.done.len(),
                        if report.recovered.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " ({} found applied after an unknown outcome)",
                                report.recovered.len()
                            )
                        }
                    );
                }
            }
            Some(Err(e)) => {
                failed += 1;
                if args.json {
                    json_accounts.push(serde_json::json!({
                        "account_id": plan.account_id, "plan": plan,
                        "applied": e.report.done, "failed": e.report.failed,
                        "not_done": e.report.not_done, "error": e.error.to_string()
                    }));
                } else {
                    println!("account {}: {e}", plan.account_id);
                    for step in &e.report.not_done {
                        println!("  not done: {step}");
                    }
                }
            }
        }
    }
    // Plan again: a converged account has nothing left to change.
    let again = client
        .plan_accounts(&accounts.accounts, options, |_| {})
        .await;
    let left: Vec<String> = again
        .iter()
        .filter_map(|plan| plan.as_ref().ok())
        .filter(|plan| !plan.is_empty())
        .map(|plan| plan.account_id.clone())
        .collect();
    if args.json {
        print_json(&json_accounts, changes, failed);
    } else {
        println!(
            "\n{} accounts: {changes} changed, {failed} failed; a second plan finds {}",
            accounts.accounts.len(),
            if left.is_empty() {
                "nothing left to change".to_string()
            } else {
                format!("changes left in {}", left.join(", "))
            }
        );
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_json(accounts: &[serde_json::Value], changes: usize, failed: usize) {
    let out = serde_json::json!({
        "accounts": accounts,
        "with_changes": changes,
        "failed": failed,
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&out).expect("JSON values serialize")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn commands_files_and_flags() {
        let a = args(&["apply", "a.toml", "--json", "--prune"])
            .unwrap()
            .unwrap();
        assert!(a.apply && a.json && a.prune && a.file == "a.toml");
        let a = args(&["--json", "plan", "a.yaml"]).unwrap().unwrap();
        assert!(!a.apply && a.json && !a.prune);
        assert!(args(&["--help"]).unwrap().is_none());
        assert!(args(&["plan"]).unwrap_err().contains("file"));
        assert!(args(&["a.toml"]).unwrap_err().contains("command"));
        assert!(args(&["plan", "a", "b"]).unwrap_err().contains("\"b\""));
        assert!(args(&["plan", "a", "--yes"]).unwrap_err().contains("--yes"));
    }

    #[test]
    fn the_example_file_is_valid() {
        let accounts = read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/accounts.toml"
        ))
        .unwrap();
        assert!(accounts.accounts.len() >= 3);
    }
}
