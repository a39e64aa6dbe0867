//! The declared state of accounts, as a file writes it, checked against the fragment
//! without a client.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::core::error::{Error, InvalidArgument, Result};
use crate::request::schema::{
    OP_ADD_CUSTOM_NAMESERVER, OP_GET_DNS_SETTINGS, OP_UPDATE_DNS_SETTINGS,
};
use crate::request::{self, Body};

/// The declared state of several accounts: what a file of accounts holds.
///
/// In TOML:
///
/// ```toml
/// [[accounts]]
/// account_id = "023e105f4ecef8ad9ca31a8372d0c353"
/// custom_nameservers = [
///   { name = "ns1.example.com", set = 1 },
///   { name = "ns2.example.com", set = 1 },
/// ]
/// [accounts.dns_settings.zone_defaults]
/// nameservers = { type = "custom.account" }
/// ns_ttl = 86400
/// ```
///
/// A `defaults` block ([`DeclaredDefaults`]) holds what many accounts share, and each
/// account may have a `label`. JSON and YAML have the same shape. Read one with [`DeclaredAccounts::from_json`], or any
/// serde format with [`DeclaredAccounts::from_deserializer`]: both refuse an unknown key
/// with its path and check the whole state before returning it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeclaredAccounts {
    /// What every account declares unless it declares otherwise: merged into each account
    /// when the file is read ([`DeclaredAccounts::from_deserializer`]), the account's own
    /// values winning (its own `custom_nameservers` list replaces the default list; its
    /// settings win field by field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<DeclaredDefaults>,
    /// The accounts, each with its declared state (with the defaults merged in, once read
    /// from a file).
    #[serde(default)]
    pub accounts: Vec<DeclaredAccount>,
}

/// The `defaults` block of a declaration: the part of an account's state that many
/// accounts share.
///
/// ```toml
/// [defaults]
/// custom_nameservers = [{ name = "ns1.example.com", set = 1 }]
/// [defaults.dns_settings.zone_defaults]
/// nameservers = { type = "custom.account" }
///
/// [[accounts]]
/// account_id = "023e105f4ecef8ad9ca31a8372d0c353"
/// label = "production"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeclaredDefaults {
    /// The custom nameservers of every account that declares none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_nameservers: Option<Vec<DeclaredNameserver>>,
    /// DNS settings every account has, unless it declares the same field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_settings: Option<Map<String, Value>>,
}

/// The declared state of one account: its custom nameservers, and any subset of its DNS
/// settings.
///
/// ```
/// use cloudflare_account_dns::converge::DeclaredAccount;
///
/// let declared = DeclaredAccount::new("023e105f4ecef8ad9ca31a8372d0c353")
///     .nameserver("ns1.example.com", Some(1))
///     .nameserver("ns2.example.com", Some(1))
///     .setting("zone_defaults.nameservers.type", "custom.account")
///     .setting("zone_defaults.soa.mname", serde_json::Value::Null); // Cloudflare-assigned
/// declared.check()?;
/// # Ok::<(), cloudflare_account_dns::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeclaredAccount {
    /// The account's id.
    pub account_id: String,
    /// A name for people (`production`, `customer-42`), shown beside the account id on
    /// every line of output; never sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The custom nameservers the account has. `None` (the key left out): the account's
    /// nameservers are not managed. `Some` (even empty): they are, and any other one is an
    /// extra.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_nameservers: Option<Vec<DeclaredNameserver>>,
    /// Any subset of the DNS settings, in the shape of the update body (every field of the
    /// fragment's `DnsSettingsUpdate`, at any depth; `null` where the fragment allows it, such
    /// as `zone_defaults.soa.mname` for a Cloudflare-assigned primary nameserver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_settings: Option<Map<String, Value>>,
    /// Settings fields newer than this version of the crate, in the same shape: where
    /// `dns_settings` refuses a field the fragment does not know as a typo, this section
    /// sends it as written (a field the fragment knows is still checked). Managed like
    /// `dns_settings`; the two must not declare the same field.
    ///
    /// ```toml
    /// [accounts.newer_dns_settings.zone_defaults]
    /// a_field_cloudflare_added_last_week = true
    /// ```
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_dns_settings: Option<Map<String, Value>>,
}

/// A declared custom nameserver.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DeclaredNameserver {
    /// Its name. Letter case and a trailing dot make no difference.
    pub name: String,
    /// The set it belongs to; `None`: any set (a new one goes where Cloudflare puts it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<u8>,
}

/// A nameserver's name as compared: lowercase, without a trailing dot.
pub(crate) fn normalized(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

impl DeclaredAccounts {
    /// Reads accounts from JSON, refusing unknown keys with their path, and checks them.
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_deserializer(&mut serde_json::Deserializer::from_str(text))
    }

    /// Reads accounts from any serde deserializer (TOML, YAML, …), refusing unknown keys
    /// with their path, and checks them.
    pub fn from_deserializer<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self>
    where
        D::Error: std::fmt::Display,
    {
        let mut accounts: Self =
            serde_path_to_error::deserialize(deserializer).map_err(|error| {
                let path = error.path().to_string();
                let field = if path == "." {
                    "accounts".to_string()
                } else {
                    path
                };
                Error::InvalidArgument(InvalidArgument::new(field, error.inner().to_string()))
            })?;
        if let Some(defaults) = &accounts.defaults {
            defaults.check()?;
            accounts.accounts = std::mem::take(&mut accounts.accounts)
                .into_iter()
                .map(|account| account.with_defaults(defaults))
                .collect();
        }
        accounts.check()?;
        Ok(accounts)
    }

    /// Checks every account (see [`DeclaredAccount::check`]); the error's field starts with
    /// `accounts[i]`. An account declared twice is refused.
    pub fn check(&self) -> Result<()> {
        for (i, account) in self.accounts.iter().enumerate() {
            account.check().map_err(|error| match error {
                Error::InvalidArgument(arg) => Error::InvalidArgument(InvalidArgument::new(
                    format!("accounts[{i}].{}", arg.field),
                    arg.rule,
                )),
                other => other,
            })?;
            if let Some(first) = self.accounts[..i]
                .iter()
                .position(|a| a.account_id == account.account_id)
            {
                return Err(InvalidArgument::new(
                    format!("accounts[{i}].account_id"),
                    format!("is declared twice (also accounts[{first}])"),
                )
                .into());
            }
        }
        Ok(())
    }
}

/// The first leaf path that both objects declare.
fn overlap(a: &Map<String, Value>, b: &Map<String, Value>, prefix: &str) -> Option<String> {
    for (key, value) in b {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (a.get(key), value) {
            (Some(Value::Object(inner_a)), Value::Object(inner_b)) => {
                if let Some(found) = overlap(inner_a, inner_b, &path) {
                    return Some(found);
                }
            }
            (Some(_), _) => return Some(path),
            (None, _) => {}
        }
    }
    None
}

/// Merges `own` into `shared`, field by field: `own` wins; objects merge.
fn merge(shared: &mut Map<String, Value>, own: Map<String, Value>) {
    for (name, value) in own {
        match (shared.get_mut(&name), value) {
            (Some(Value::Object(into)), Value::Object(inner)) => merge(into, inner),
            (_, value) => {
                shared.insert(name, value);
            }
        }
    }
}

impl DeclaredDefaults {
    /// Checks the defaults as an account's state would be; the error's field starts with
    /// `defaults.`.
    pub fn check(&self) -> Result<()> {
        let as_account = DeclaredAccount {
            // Any valid id: only the nameservers and the settings are checked here.
            account_id: "0".repeat(32),
            label: None,
            custom_nameservers: self.custom_nameservers.clone(),
            dns_settings: self.dns_settings.clone(),
            newer_dns_settings: None,
        };
        as_account.check().map_err(|error| match error {
            Error::InvalidArgument(arg) => Error::InvalidArgument(InvalidArgument::new(
                format!("defaults.{}", arg.field),
                arg.rule,
            )),
            other => other,
        })
    }
}

impl DeclaredAccount {
    /// The state of an account that declares nothing yet.
    pub fn new(account_id: impl Into<String>) -> Self {
        Self {
            account_id: account_id.into(),
            ..Self::default()
        }
    }

    /// Declares a custom nameserver (and that the account's nameservers are managed).
    pub fn nameserver(mut self, name: impl Into<String>, set: Option<u8>) -> Self {
        self.custom_nameservers
            .get_or_insert_with(Vec::new)
            .push(DeclaredNameserver {
                name: name.into(),
                set,
            });
        self
    }

    /// Declares a settings field by its dotted path (`zone_defaults.ns_ttl`), as the
    /// update body writes it. A path that is not one ([`DeclaredAccount::check`] says why)
    /// is kept as written, to be refused by the check.
    pub fn setting(mut self, path: &str, value: impl Into<Value>) -> Self {
        let mut body = Body::from_map(self.dns_settings.take().unwrap_or_default());
        let parts: Vec<&str> = path.split('.').collect();
        body.set(&parts, Ok(value.into()));
        self.dns_settings = Some(body.into_map());
        self
    }

    /// Names the account for people (see [`DeclaredAccount::label`]).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The account with the defaults merged in: its own values win.
    pub fn with_defaults(mut self, defaults: &DeclaredDefaults) -> Self {
        if self.custom_nameservers.is_none() {
            self.custom_nameservers = defaults.custom_nameservers.clone();
        }
        if let Some(shared) = &defaults.dns_settings {
            let mut merged = shared.clone();
            if let Some(own) = self.dns_settings.take() {
                merge(&mut merged, own);
            }
            self.dns_settings = Some(merged);
        }
        self
    }

    /// Checks the whole state against the fragment's constraints, without a client and
    /// without sending anything: the account id as a path parameter, each nameserver as the
    /// add request would send it, the settings as the update body. The error's field is the
    /// path in the declared state (`custom_nameservers[1].name`, `dns_settings.zone_defaults.ns_ttl`).
    pub fn check(&self) -> Result<()> {
        request::check(&OP_GET_DNS_SETTINGS, &[&self.account_id], None)?;
        let mut seen: Vec<String> = Vec::new();
        for (i, ns) in self.custom_nameservers.iter().flatten().enumerate() {
            let name = normalized(&ns.name);
            let mut body = Map::new();
            body.insert("ns_name".into(), Value::String(name.clone()));
            if let Some(set) = ns.set {
                body.insert("ns_set".into(), Value::from(set));
            }
            request::check(
                &OP_ADD_CUSTOM_NAMESERVER,
                &[&self.account_id],
                Some(&Body::from_map(body)),
            )
            .map_err(|error| match error {
                Error::InvalidArgument(arg) => {
                    let field = match arg.field.as_str() {
                        "ns_name" => "name",
                        "ns_set" => "set",
                        other => other,
                    };
                    InvalidArgument::new(format!("custom_nameservers[{i}].{field}"), arg.rule)
                        .into()
                }
                other => other,
            })?;
            if let Some(first) = seen.iter().position(|n| *n == name) {
                return Err(InvalidArgument::new(
                    format!("custom_nameservers[{i}].name"),
                    format!("is declared twice (also custom_nameservers[{first}])"),
                )
                .into());
            }
            seen.push(name);
        }
        // `dns_settings` is typed by a person: a field the fragment does not know is a typo.
        // `newer_dns_settings` says it means fields newer than the crate.
        for (section, settings, body) in [
            (
                "dns_settings",
                &self.dns_settings,
                Body::from_map(self.dns_settings.clone().unwrap_or_default()).typed(),
            ),
            (
                "newer_dns_settings",
                &self.newer_dns_settings,
                Body::from_map(self.newer_dns_settings.clone().unwrap_or_default()),
            ),
        ] {
            if settings.is_none() {
                continue;
            }
            request::check(&OP_UPDATE_DNS_SETTINGS, &[&self.account_id], Some(&body)).map_err(
                |error| match error {
                    Error::InvalidArgument(arg) if arg.field != "account_id" => {
                        InvalidArgument::new(format!("{section}.{}", arg.field), arg.rule).into()
                    }
                    other => other,
                },
            )?;
        }
        if let (Some(typed), Some(newer)) = (&self.dns_settings, &self.newer_dns_settings)
            && let Some(field) = overlap(typed, newer, "")
        {
            return Err(InvalidArgument::new(
                format!("newer_dns_settings.{field}"),
                "is declared in dns_settings too",
            )
            .into());
        }
        Ok(())
    }

    /// Every declared setting: `dns_settings` with `newer_dns_settings` merged in.
    pub(crate) fn all_settings(&self) -> Option<std::borrow::Cow<'_, Map<String, Value>>> {
        match (&self.dns_settings, &self.newer_dns_settings) {
            (None, None) => None,
            (Some(only), None) | (None, Some(only)) => Some(std::borrow::Cow::Borrowed(only)),
            (Some(typed), Some(newer)) => {
                let mut all = typed.clone();
                merge(&mut all, newer.clone());
                Some(std::borrow::Cow::Owned(all))
            }
        }
    }
}
