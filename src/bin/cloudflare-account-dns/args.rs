//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::exit;

/// Plan and apply the DNS defaults of Cloudflare accounts: their custom (vanity)
/// nameservers and the DNS settings new zones inherit.
#[derive(Debug, Parser)]
#[command(
    name = "cloudflare-account-dns",
    version,
    after_help = exit::TABLE,
    long_about = "Plan and apply the DNS defaults of Cloudflare accounts: their custom (vanity) \
nameservers and the DNS settings new zones inherit.

Talks to the real Cloudflare API with the credentials in the environment \
(CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY; CLOUDFLARE_BASE_URL for \
another address); without them it refuses and sends nothing. --fake runs against an \
embedded fake API on 127.0.0.1 instead, and every run says so.

Results go to stdout, progress and notices to stderr. Nothing is colored (NO_COLOR is \
honoured trivially)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Run against an embedded fake Cloudflare API on 127.0.0.1 that starts empty and is
    /// gone when the command ends: nothing real is touched. Refused together with
    /// credentials or CLOUDFLARE_BASE_URL in the environment. Needs the `fake` feature.
    #[arg(long, global = true)]
    pub fake: bool,
    /// Print the results, and any error, as JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// At most this many requests start in any rate window. Cloudflare allows 1,200 per 5
    /// minutes, and going past it can block the token for 5 minutes; the default keeps 1 %
    /// to spare, as Cloudflare counts a request when it arrives, a little after it starts.
    #[arg(long, global = true, value_name = "REQUESTS", default_value_t = 1188,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,
    /// The rate window, in seconds (1 to 86400).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub rate_window: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read each declared account and print what would change (+ add, ~ change, - remove,
    /// ! reported but not done); sends nothing but reads. Exits 2 when changes are planned.
    Plan {
        /// The declaration: TOML (.toml), JSON (.json) or YAML (.yaml, .yml); see `schema`.
        file: PathBuf,
        /// Also save the plan to this file (JSON), for `apply PLAN`.
        #[arg(long, value_name = "PLAN")]
        out: Option<PathBuf>,
        /// Also remove the custom nameservers an account has beyond the declared ones, and
        /// replace those in another set than declared.
        #[arg(long)]
        prune: bool,
    },
    /// Plan and carry out the plan (FILE), or carry out a saved plan (PLAN, from
    /// `plan --out`) after checking that the accounts have not changed since.
    Apply {
        /// A declaration (as for `plan`), or a saved plan.
        file: PathBuf,
        /// As for `plan` (a saved plan keeps its own).
        #[arg(long)]
        prune: bool,
        /// Plan again afterwards and say whether anything is left to change.
        #[arg(long)]
        verify: bool,
    },
    /// Write accounts as they are as a declaration that plans empty (to adopt accounts
    /// managed by hand).
    Export {
        /// The accounts.
        #[arg(required = true, value_name = "ACCOUNT_ID")]
        account_ids: Vec<String>,
        /// The declaration's format.
        #[arg(long, value_enum, default_value_t = Format::Toml)]
        format: Format,
    },
    /// Print the JSON Schema of a declaration file (for editors: validation and completion).
    Schema,
    /// List, add or delete an account's custom nameservers.
    #[command(subcommand)]
    Nameservers(Nameservers),
    /// Get or update an account's DNS settings.
    #[command(subcommand)]
    Settings(Settings),
    /// Run the standalone fake Cloudflare API on 127.0.0.1, for test suites in any language
    /// (`cloudflare-account-dns fake --help` says how; needs the `fake` feature).
    #[command(disable_help_flag = true)]
    Fake {
        /// The fake's own options (`--port 0`, `--record N`, `--fault JSON`, `--help`, …).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Toml,
    Json,
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Nameservers {
    /// List the account's custom nameservers.
    List { account_id: String },
    /// Add a custom nameserver, and print the glue records to register.
    Add {
        account_id: String,
        name: String,
        /// The set it belongs to (1 to 5).
        #[arg(long)]
        set: Option<u8>,
    },
    /// Delete a custom nameserver.
    Delete { account_id: String, name: String },
}

#[derive(Debug, Subcommand)]
pub enum Settings {
    /// Print the account's DNS settings (JSON).
    Get { account_id: String },
    /// Update fields of the account's DNS settings, each as PATH=VALUE
    /// (zone_defaults.ns_ttl=3600; the value is JSON, or else a string).
    Update {
        account_id: String,
        #[arg(required = true, value_name = "PATH=VALUE")]
        fields: Vec<String>,
    },
}
