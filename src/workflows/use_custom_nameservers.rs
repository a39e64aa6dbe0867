//! One call to make an account use a set of custom nameservers.

use std::collections::HashSet;

use crate::NameserverType;
use crate::core::client::Client;
use crate::core::error::{Error, InvalidArgument, Result, TransportError};
use crate::core::transport::CallOptions;
use crate::types;

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
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CustomNameserversReport {
    /// The nameservers it added, as Cloudflare returned them.
    pub added: Vec<types::CustomNameserver>,
    /// The requested names the account already had.
    pub already_present: Vec<String>,
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

    // The settings below apply to each request the call makes, except the deadline, which
    // bounds the whole call: each request gets what is left of it.
    call_option_setters!();

    /// The request that adds one nameserver, with `options` for its call settings.
    fn add(&self, name: &str, options: CallOptions) -> crate::operations::AddCustomNameserver {
        self.client
            .add_custom_nameserver(&self.account_id, name)
            .set_ns_set(self.ns_set)
            .with_options(options)
    }

    /// The options for the next request: the call's, with the deadline replaced by what is
    /// left of the whole call's. Fails with a timeout once nothing is left.
    fn options_within(&self, deadline: Option<tokio::time::Instant>) -> Result<CallOptions> {
        let mut options = self.options.clone();
        if let Some(at) = deadline {
            let left = at.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                let budget = self.options.deadline.or(self.client.shared.deadline);
                return Err(Error::Timeout(Box::new(TransportError {
                    operation: "use_custom_nameservers",
                    status: None,
                    reason: format!(
                        "the deadline of {:?} for the whole call passed before its next request",
                        budget.unwrap_or_default()
                    ),
                    source: None,
                })));
            }
            options.deadline = Some(left);
        }
        Ok(options)
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
        // One absolute deadline for the whole call; a deadline too far away to represent
        // is none.
        let deadline = self
            .options
            .deadline
            .or(self.client.shared.deadline)
            .and_then(|budget| tokio::time::Instant::now().checked_add(budget));
        let existing: HashSet<String> = self
            .client
            .list_custom_nameservers(&self.account_id)
            .with_options(self.options_within(deadline)?)
            .send()
            .await?
            .into_iter()
            .map(|ns| ns.ns_name.to_ascii_lowercase())
            .collect();

        let mut added = Vec::new();
        let mut already_present = Vec::new();
        for name in names {
            if existing.contains(&name.to_ascii_lowercase()) {
                already_present.push(name);
                continue;
            }
            added.push(
                self.add(&name, self.options_within(deadline)?)
                    .send()
                    .await?,
            );
        }

        let settings = self
            .client
            .get_dns_settings(&self.account_id)
            .with_options(self.options_within(deadline)?)
            .send()
            .await?;
        let before = settings.zone_defaults.nameservers.type_.clone();
        if before == NameserverType::CustomAccount {
            return Ok(CustomNameserversReport {
                added,
                already_present,
                nameservers_type_change: None,
                settings,
            });
        }
        let settings = self
            .client
            .update_dns_settings(&self.account_id)
            .zone_defaults_nameservers_type(NameserverType::CustomAccount)
            .with_options(self.options_within(deadline)?)
            .send()
            .await?;
        let after = settings.zone_defaults.nameservers.type_.clone();
        Ok(CustomNameserversReport {
            added,
            already_present,
            nameservers_type_change: Some((before, after)),
            settings,
        })
    }
}
