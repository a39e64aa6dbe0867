//! The maintainers' tools of cloudflare-account-dns.
//!
//! `cargo xtask sync-spec PATH [--check] [--source TEXT]`: slices the covered operations out
//! of Cloudflare's published schema at PATH (JSON or YAML), writes the verbatim slice to
//! `openapi/upstream/`, applies `openapi/overlay.yaml`, writes the fragment that the build script (`build/main.rs`)
//! reads, and prints what changed for the crate's users. With `--check`, nothing is
//! written; the command fails when a file would change.

mod files;
mod overlay;
mod report;
mod slice;
mod spec;

#[path = "../../build/names.rs"]
#[allow(dead_code)]
mod names;

#[path = "../../build/operation_list.rs"]
#[allow(dead_code)] // the rustdoc half is the build script's
mod operation_list;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask sync-spec PATH [--check] [--source TEXT]

  PATH           Cloudflare's published schema (openapi.json or openapi.yaml of the
                 cloudflare/api-schemas repository), or any schema holding the covered
                 operations (openapi/covered-operations.json)
  --check        write nothing; exit 1 when a file would change (CI)
  --source TEXT  where PATH was taken from, recorded in openapi/upstream/SOURCE.json
                 when the slice changes (default: PATH as given)

Writes openapi/upstream/cloudflare-openapi.json (the verbatim slice), its SOURCE.json,
and openapi/cloudflare-account-dns.json (the slice with openapi/overlay.yaml applied),
then prints the impact report against the previous fragment.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        Some("sync-spec") => {}
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => return Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
    let mut input = None;
    let mut check = false;
    let mut source = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--source" => {
                source = Some(args.next().ok_or("--source needs a value")?.clone());
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            path if input.is_none() => input = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument {extra:?}")),
        }
    }
    let input = input.ok_or_else(|| format!("PATH is missing\n\n{USAGE}"))?;
    let root = files::repository_root();
    let source = source.unwrap_or_else(|| input.display().to_string());
    let outcome = files::sync(&root, &input, &source, check)?;
    print!("{}", outcome.report);
    if check && !outcome.changed.is_empty() {
        eprintln!(
            "error: these files are not what `cargo xtask sync-spec` makes from {}: {} \
             (edit openapi/overlay.yaml, not the fragment, then run the command)",
            input.display(),
            outcome.changed.join(", ")
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod lib_tests;
