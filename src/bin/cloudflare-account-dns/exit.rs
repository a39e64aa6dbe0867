//! The exit codes, and the one error type every command returns.

use std::fmt;

use cloudflare_account_dns::Error;

/// Nothing to change, or every change applied.
pub const OK: u8 = 0;
/// An account failed: Cloudflare or the network refused or broke a call (the other
/// accounts still ran).
pub const ACCOUNT_FAILED: u8 = 1;
/// `plan`: changes are planned (as `terraform plan -detailed-exitcode`).
pub const CHANGES_PLANNED: u8 = 2;
/// Invalid input: a declaration or saved plan that cannot be read or breaks a rule, an
/// invalid argument value. Nothing was sent.
pub const INVALID_INPUT: u8 = 3;
/// Something declared is left unchanged: a field Cloudflare is known to refuse, a change
/// held back because it would break the account, or a difference only `--prune` changes
/// (an extra nameserver, one in another set). Those are not sent; the rest is planned or
/// applied.
pub const REFUSED: u8 = 4;
/// `apply PLAN`: the accounts changed since the plan was made. Nothing was sent.
pub const STALE_PLAN: u8 = 5;
/// No credentials (or credentials and `--fake` together, or `--fake` in a build without
/// it). Nothing was sent.
pub const NOT_CONFIGURED: u8 = 6;
/// Usage: unknown command or option, missing argument (clap's own usage code, 2, would
/// read as "changes planned").
pub const USAGE: u8 = 64;

/// The table the help shows.
pub const TABLE: &str = "\
Exit status:
  0   nothing to change (plan), or every change applied (apply)
  1   an account failed (Cloudflare or the network); the other accounts still ran
  2   plan: changes planned (like terraform plan -detailed-exitcode)
  3   invalid input: the file or an argument; nothing was sent
  4   something declared is left unchanged: a known refusal, a change held back, or a
      difference only --prune changes; the rest is planned or applied
  5   apply PLAN: the accounts changed since the plan was made; nothing was sent
  6   not configured: no credentials, or --fake with credentials; nothing was sent
  64  usage: unknown command or option, missing argument
With several, the first in this order wins: 3, 6, 5, 1, 4, 2, 0.";

/// Why a command stops, with its exit code.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// A short machine-readable kind, in JSON output.
    pub kind: &'static str,
    /// The sentence for people.
    pub message: String,
    /// The field path, for an invalid argument.
    pub field: Option<String>,
}

impl Failure {
    pub fn new(code: u8, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            kind,
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(INVALID_INPUT, "invalid_input", message)
    }

    /// An error of the library: an invalid argument is invalid input; anything else, a
    /// failed call.
    pub fn from_error(context: &str, error: &Error) -> Self {
        match error.invalid_argument() {
            Some(arg) => Self {
                field: Some(arg.field.clone()),
                ..Self::invalid(format!("{context}{error}"))
            },
            None => Self::new(ACCOUNT_FAILED, "failed", format!("{context}{error}")),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": self.kind,
            "message": self.message,
            "field": self.field,
            "exit_code": self.code,
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
