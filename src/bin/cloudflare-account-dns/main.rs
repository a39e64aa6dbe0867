//! `cloudflare-account-dns`: plan and apply the DNS defaults of Cloudflare accounts, from
//! the command line. `cloudflare-account-dns --help` says how to use it; the exit codes are
//! in [`exit`].

mod args;
mod connect;
mod converge;
mod direct;
mod exit;
mod files;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use exit::{Failure, USAGE};
use output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version are not errors; any other is usage, exit 64 (clap's own
            // 2 would read as "changes planned").
            let code = if error.use_stderr() { USAGE } else { exit::OK };
            let _ = error.print();
            // With --json anywhere on the line, the usage error is JSON on stdout too.
            if code == USAGE && std::env::args_os().any(|arg| arg == "--json") {
                let rendered = error.render().to_string();
                let message: Vec<&str> = rendered
                    .lines()
                    .take_while(|line| !line.trim().is_empty())
                    .map(str::trim)
                    .collect();
                let message = message.join(" ");
                let failure = Failure::new(USAGE, "usage", message.trim_start_matches("error: "));
                println!(
                    "{}",
                    serde_json::json!({ "error": failure.to_json(), "exit_code": USAGE })
                );
            }
            return ExitCode::from(code);
        }
    };
    if let Command::Fake { args } = &cli.command {
        return fake(args.clone());
    }
    let mut out = Output {
        json: cli.global.json,
        target: None,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            out.failure(&Failure::new(
                exit::ACCOUNT_FAILED,
                "runtime",
                format!("cannot start: {error}"),
            ));
            return ExitCode::from(exit::ACCOUNT_FAILED);
        }
    };
    let code = match runtime.block_on(run(&cli, &mut out)) {
        Ok(code) => code,
        Err(failure) => {
            out.failure(&failure);
            failure.code
        }
    };
    ExitCode::from(code)
}

/// The standalone fake, as `cloudflare-account-dns fake …` (its own options and exit codes).
fn fake(args: Vec<String>) -> ExitCode {
    #[cfg(feature = "fake")]
    {
        cloudflare_account_dns::fake::standalone::run("cloudflare-account-dns fake", args)
    }
    #[cfg(not(feature = "fake"))]
    {
        let _ = args;
        eprintln!(
            "error: this build has no fake; install it with \
             `cargo install cloudflare-account-dns --features cli,fake`"
        );
        ExitCode::from(exit::NOT_CONFIGURED)
    }
}

async fn run(cli: &Cli, out: &mut Output) -> Result<u8, Failure> {
    if let Command::Schema = cli.command {
        return Ok(direct::schema());
    }
    // A file is read and checked before anything else: invalid input is refused without
    // credentials, and before anything is sent.
    match &cli.command {
        Command::Plan { file, .. } => {
            files::declaration(file)?;
        }
        Command::Apply { file, .. } => {
            files::declaration_or_plan(file)?;
        }
        _ => {}
    }
    progress::count_requests();
    let target = connect::connect(&cli.global).await?;
    out.target = Some(target.name.clone());
    let result = match &cli.command {
        Command::Plan {
            file,
            out: save,
            prune,
        } => converge::plan(&target, out, file, save.as_deref(), *prune).await,
        Command::Apply {
            file,
            prune,
            verify,
        } => converge::apply(&target, out, file, *prune, *verify).await,
        Command::Export {
            account_ids,
            format,
        } => direct::export(&target, out, account_ids, *format).await,
        Command::Nameservers(command) => direct::nameservers(&target, out, command).await,
        Command::Settings(command) => direct::settings(&target, out, command).await,
        Command::Schema => Ok(direct::schema()),
        // Run by `main` before anything else; never reached.
        Command::Fake { .. } => Ok(exit::OK),
    };
    if target.fake {
        eprintln!(
            "cloudflare-account-dns: --fake: that was the embedded fake Cloudflare API; nothing real was touched"
        );
    }
    result
}
