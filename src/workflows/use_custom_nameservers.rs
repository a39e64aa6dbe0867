//! One call to make an account use a set of custom nameservers.

use std::collections::HashSet;

use crate::NameserverType;
use crate::core::call_options::CallOptions;
use crate::core::client::Client;
use crate::core::error::{Error, InvalidArgument, Result};
use crate::types;
use crate::workflows::budget::Budget;
use crate::workflows::converge::state_normalized as normalized;
use crate::workflows::converge::{DeclaredAccount, PlanOptions, SetMismatch};

impl Client {
    /// Makes an account use these custom nameservers in one call: adds the ones it lacks,
    /// then sets `zone_defaults.nameservers.type` to `custom.account`, and reports what
    /// changed. Does nothing when the account is already in that state.
    pub fn use_custom_nameservers<I, S>(
        &self,
        account_id: impl Into<String>,
        ns_names: I,
    ) -> UseCustomNameservers
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        UseCustomNameservers::new(
            self.clone(),
            account_id.into(),
            ns_names.into_iter().map(Into::into).collect(),
        )
    }
}

/// Makes an account use a given set of custom nameservers: adds the ones the account lacks,
/// then sets `zone_defaults.nameservers.type` to `custom.account`. Made by
/// [`Client::use_custom_nameservers`], run by [`UseCustomNameservers::send`].
///
/// It lists the account's nameservers and reads its DNS settings first, so it changes
/// nothing when the account is already in that state, and it is safe to run again after a
/// failure: it only adds what is still missing. Nameservers the account already has are
/// left as they are, whatever their set. If adding one fails with an unknown outcome
/// ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)), running it again is
/// the way to look: it lists first.
///
/// ```no_run
/// # async fn run(client: cloudflare_account_dns::Client) -> Result<(), cloudflare_account_dns::Error> {
/// let report = client
///     .use_custom_nameservers("023e105f4ecef8ad9ca31a8372d0c353", ["ns1.example.com", "ns2.example.com"])
///     .ns_set(1)
///     .send()
///     .await?;
/// if report.changed() {
///     println!("added {:?}; nameservers type {:?}", report.added_names(), report.nameservers_type_change);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct UseCustomNameservers {
    client: Client,
    account_id: String,
    ns_names: Vec<String>,
    ns_set: Option<u8>,
    options: CallOptions,
}

/// What [`UseCustomNameservers::send`] changed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct CustomNameserversReport {
    /// The nameservers it added, as Cloudflare returned them.
    pub added: Vec<types::CustomNameserver>,
    /// The requested names the account already had.
    pub already_present: Vec<String>,
    /// Requested names the account has in another set than the one asked for (only when a
    /// set is given): the API cannot move a nameserver, so they are left as they are.
    pub set_mismatches: Vec<SetMismatch>,
    /// Custom nameservers the account has beyond the requested ones (left as they are).
    pub extra: Vec<String>,
    /// `Some((before, after))` when it changed `zone_defaults.nameservers.type`.
    pub nameservers_type_change: Option<(NameserverType, NameserverType)>,
    /// The account's DNS settings afterwards.
    pub settings: types::DnsSettings,
}

impl CustomNameserversReport {
    /// Whether anything changed.
    pub fn changed(&self) -> bool {
        !self.added.is_empty() || self.nameservers_type_change.is_some()
    }

    /// The names of the nameservers it added.
    pub fn added_names(&self) -> Vec<&str> {
        self.added.iter().map(|ns| ns.ns_name.as_str()).collect()
    }
}

impl UseCustomNameservers {
    pub(crate) fn new(client: Client, account_id: String, ns_names: Vec<String>) -> Self {
        Self {
            client,
            account_id,
            ns_names,
            ns_set: None,
            options: CallOptions::default(),
        }
    }

    /// The set (1 to 5) that missing nameservers are added to. Unset, it is not sent, and
    /// Cloudflare uses set 1.
    pub fn ns_set(mut self, ns_set: u8) -> Self {
        self.ns_set = Some(ns_set);
        self
    }

    /// The request that adds one nameserver, with `options` for its call settings.
    fn add(&self, name: &str, options: CallOptions) -> crate::operations::AddCustomNameserver {
        self.client
            .add_custom_nameserver(&self.account_id, name)
            .set_ns_set(self.ns_set)
            .call_options(options)
    }

    /// Checks every argument before sending anything: each add request as it would be sent,
    /// its errors named after the argument they come from.
    fn check(&self) -> Result<Vec<String>> {
        if self.ns_names.is_empty() {
            return Err(
                InvalidArgument::new("ns_names", "must name at least one nameserver").into(),
            );
        }
        let mut seen = HashSet::new();
        let mut names = Vec::new();
        for (i, name) in self.ns_names.iter().enumerate() {
            self.add(name, self.options.clone())
                .check()
                .map_err(|error| match error {
                    Error::InvalidArgument(arg) if arg.field == "ns_name" => {
                        InvalidArgument::new(format!("ns_names[{i}]"), arg.rule).into()
                    }
                    other => other,
                })?;
            if seen.insert(name.to_ascii_lowercase()) {
                names.push(name.clone());
            }
        }
        Ok(names)
    }

    /// Lists, adds what is missing, reads the settings and switches them if needed. A
    /// deadline (this call's, or the client's) bounds the whole call, every request and
    /// wait included.
    pub async fn send(self) -> Result<CustomNameserversReport> {
        let names = self.check()?;
        let budget = Budget::start(&self.client, "use_custom_nameservers", self.options.clone());
        let mut declared = DeclaredAccount::new(&self.account_id).setting(
            "zone_defaults.nameservers.type",
            NameserverType::CustomAccount.as_str(),
        );
        for name in &names {
            declared = declared.nameserver(name, self.ns_set);
        }
        let observed = self
            .client
            .plan_within(&declared, PlanOptions::default(), &budget)
            .await?;
        let plan = observed.plan;
        let report = self.client.apply_within(&plan, &budget).await?;
        let planned: Vec<&str> = plan.add.iter().map(|ns| ns.name.as_str()).collect();
        let already_present = names
            .into_iter()
            .filter(|name| !planned.contains(&normalized(name).as_str()))
            .collect();
        let before = observed
            .settings
            .as_ref()
            .map(|s| s.zone_defaults.nameservers.type_.clone());
        let settings = match (report.settings, observed.settings) {
            (Some(after), _) | (None, Some(after)) => after,
            (None, None) => unreachable!("the plan reads the settings it declares"),
        };
        let after = settings.zone_defaults.nameservers.type_.clone();
        let nameservers_type_change = match before {
            Some(before) if before != after => Some((before, after)),
            _ => None,
        };
        Ok(CustomNameserversReport {
            added: report.added,
            already_present,
            set_mismatches: plan.set_mismatches,
            extra: plan.extra.into_iter().map(|ns| ns.name).collect(),
            nameservers_type_change,
            settings,
        })
    }
}

// The call options apply to each request the call makes, except the deadline, which bounds
// the whole call: each request gets what is left of it.
call_option_setters!(UseCustomNameservers);
