//! Keep accounts in a declared state: write down their custom nameservers and DNS settings,
//! see what would change ([`Client::plan`](crate::Client::plan)), apply it
//! ([`Client::apply`](crate::Client::apply)), and rerun without effect, as Terraform's
//! `cloudflare_account_dns_settings` and dnscontrol do.
//!
//! ```no_run
//! use cloudflare_account_dns::Client;
//! use cloudflare_account_dns::converge::{DeclaredAccount, PlanOptions};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let declared = DeclaredAccount::new("023e105f4ecef8ad9ca31a8372d0c353")
//!     .nameserver("ns1.example.com", Some(1))
//!     .nameserver("ns2.example.com", Some(1))
//!     .setting("zone_defaults.nameservers.type", "custom.account")
//!     .setting("zone_defaults.ns_ttl", 86400);
//! let plan = client.plan(&declared, PlanOptions::default()).await?; // reads only
//! print!("{plan}");
//! if !plan.is_empty() {
//!     let report = client.apply(&plan).await?;
//!     println!("{} changes", report.done.len());
//! }
//! # Ok(()) }
//! ```
//!
//! The settings fields are those of the fragment's update body, at any depth, checked
//! against its constraints before anything is sent. Comparisons follow what Cloudflare
//! answers: nameserver names and hostname fields without regard to letter case or a
//! trailing dot, numbers by value, and `null` for a Cloudflare-assigned SOA primary
//! nameserver. Declared fields that Cloudflare is known to refuse (an account-level
//! `zone_defaults.flatten_all_cnames: true`, code 1011) are reported by the plan and never
//! sent; the plan's other changes still are. A plan can be kept in a file and applied
//! later ([`SavedPlan`]), after checking that the accounts have not changed since.

mod apply;
mod export;
mod plan;
mod saved;
mod schema;
mod state;

pub use apply::{ACCOUNTS_AT_ONCE, AccountDone, ApplyError, ApplyReport, Step};
pub use plan::{
    AccountState, HeldBack, KnownRefusal, Plan, PlanOptions, PlannedNameserver, SetMismatch,
    SettingChange,
};
pub use saved::{SavedAccount, SavedPlan};
pub use schema::declaration_schema;
pub(crate) use state::normalized as state_normalized;
pub use state::{DeclaredAccount, DeclaredAccounts, DeclaredDefaults, DeclaredNameserver};
