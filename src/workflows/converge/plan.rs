//! What would change: the plan, how it is made from an account as it is, and how it reads.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::state::{DeclaredAccount, normalized};
use crate::core::client::Client;
use crate::core::error::Result;
use crate::core::transport::CallOptions;
use crate::request::schema::{self, Kind, OP_UPDATE_DNS_SETTINGS, Schema};
use crate::types;
use crate::workflows::budget::Budget;

/// How to plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Remove the nameservers the account has beyond the declared ones, and replace those
    /// in another set than declared (the API cannot move one). Off by default: they are only
    /// listed.
    pub prune: bool,
}

impl PlanOptions {
    /// With or without pruning.
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }
}

/// A custom nameserver in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlannedNameserver {
    /// Its name (lowercase, no trailing dot).
    pub name: String,
    /// Its set, if known or declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<u8>,
}

/// A declared nameserver that the account has in another set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SetMismatch {
    /// Its name.
    pub name: String,
    /// The set declared.
    pub declared_set: u8,
    /// The set it is in.
    pub current_set: Option<u8>,
    /// Whether the plan replaces it (removes it and adds it again in the declared set):
    /// only with [`PlanOptions::prune`]. Otherwise it is only reported: the API cannot move
    /// a nameserver between sets.
    pub replace: bool,
}

/// A settings field that changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SettingChange {
    /// Its path in the update body, such as `zone_defaults.soa.ttl`.
    pub field: String,
    /// Its value now (`null` when the account has none).
    pub current: Value,
    /// Its declared value.
    pub declared: Value,
}

/// Something in the declared state that Cloudflare is known to refuse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KnownRefusal {
    /// The field, such as `zone_defaults.flatten_all_cnames`.
    pub field: String,
    /// Cloudflare's error code.
    pub code: i64,
    /// Cloudflare's message.
    pub message: String,
}

/// What [`Client::apply`] would do to an account to reach its declared state. Made by
/// [`Client::plan`], which only reads.
///
/// It renders for people with `Display` (`+`, `~`, `-`, like a Terraform plan) and for
/// programs as JSON (`Serialize`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan {
    /// The account.
    pub account_id: String,
    /// Nameservers to add, in declared order.
    pub add: Vec<PlannedNameserver>,
    /// Declared nameservers the account has in another set.
    pub set_mismatches: Vec<SetMismatch>,
    /// Nameservers the account has beyond the declared ones.
    pub extra: Vec<PlannedNameserver>,
    /// The extras to remove: all of them with [`PlanOptions::prune`], none otherwise.
    pub remove: Vec<String>,
    /// Settings fields that change, in field order.
    pub settings: Vec<SettingChange>,
    /// What Cloudflare is known to refuse in the declared state; such a plan is not applied.
    pub refusals: Vec<KnownRefusal>,
}

impl Plan {
    /// Whether applying it would change nothing.
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.remove.is_empty()
            && self.settings.is_empty()
            && !self.set_mismatches.iter().any(|m| m.replace)
    }

    /// Whether it reports something it will not change: a nameserver in another set,
    /// extras kept, a known refusal.
    pub fn has_warnings(&self) -> bool {
        !self.refusals.is_empty()
            || self.set_mismatches.iter().any(|m| !m.replace)
            || self.extra.len() > self.remove.len()
    }

    /// The one update body the plan sends: exactly the changed fields, or `None`.
    pub fn update_body(&self) -> Option<Map<String, Value>> {
        if self.settings.is_empty() {
            return None;
        }
        let mut body = Map::new();
        for change in &self.settings {
            let parts: Vec<&str> = change.field.split('.').collect();
            let mut object = &mut body;
            for part in &parts[..parts.len() - 1] {
                object = object
                    .entry(part.to_string())
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .expect("only objects on the way");
            }
            object.insert(parts[parts.len() - 1].to_string(), change.declared.clone());
        }
        Some(body)
    }
}

impl Client {
    /// Reads an account (its custom nameservers if they are managed, and its DNS settings
    /// if any are declared) and returns what would change to reach the declared state.
    /// Sends nothing but reads; the declared state is checked first.
    pub async fn plan(&self, declared: &DeclaredAccount, options: PlanOptions) -> Result<Plan> {
        let budget = Budget::start(self, "plan", CallOptions::default());
        Ok(self.plan_within(declared, options, &budget).await?.plan)
    }

    /// [`Client::plan`] within a composite call's budget; also returns the settings read.
    pub(crate) async fn plan_within(
        &self,
        declared: &DeclaredAccount,
        options: PlanOptions,
        budget: &Budget,
    ) -> Result<Observed> {
        declared.check()?;
        let nameservers = match &declared.custom_nameservers {
            Some(_) => Some(
                self.list_custom_nameservers(&declared.account_id)
                    .with_options(budget.next()?)
                    .send()
                    .await?,
            ),
            None => None,
        };
        let settings = match &declared.dns_settings {
            Some(_) => Some(
                self.get_dns_settings(&declared.account_id)
                    .with_options(budget.next()?)
                    .send()
                    .await?,
            ),
            None => None,
        };
        let current_settings = settings
            .as_ref()
            .map(|settings| serde_json::to_value(settings).unwrap_or(Value::Null))
            .unwrap_or(Value::Null);
        let current_nameservers: Vec<PlannedNameserver> = nameservers
            .unwrap_or_default()
            .into_iter()
            .map(|ns| PlannedNameserver {
                name: normalized(&ns.ns_name),
                set: Some(ns.ns_set),
            })
            .collect();
        let plan = make_plan(declared, &current_nameservers, &current_settings, options);
        Ok(Observed { plan, settings })
    }
}

/// A plan, with the settings read to make it.
pub(crate) struct Observed {
    pub(crate) plan: Plan,
    pub(crate) settings: Option<types::DnsSettings>,
}

/// The plan from an account as it is.
pub(crate) fn make_plan(
    declared: &DeclaredAccount,
    current_nameservers: &[PlannedNameserver],
    current_settings: &Value,
    options: PlanOptions,
) -> Plan {
    let mut plan = Plan {
        account_id: declared.account_id.clone(),
        add: Vec::new(),
        set_mismatches: Vec::new(),
        extra: Vec::new(),
        remove: Vec::new(),
        settings: Vec::new(),
        refusals: Vec::new(),
    };
    if let Some(wanted) = &declared.custom_nameservers {
        for ns in wanted {
            let name = normalized(&ns.name);
            match current_nameservers.iter().find(|c| c.name == name) {
                None => plan.add.push(PlannedNameserver { name, set: ns.set }),
                Some(current) => {
                    if let Some(declared_set) = ns.set
                        && current.set.unwrap_or(1) != declared_set
                    {
                        plan.set_mismatches.push(SetMismatch {
                            name,
                            declared_set,
                            current_set: current.set,
                            replace: options.prune,
                        });
                    }
                }
            }
        }
        let declared_names: Vec<String> = wanted.iter().map(|ns| normalized(&ns.name)).collect();
        for current in current_nameservers {
            if !declared_names.contains(&current.name) {
                plan.extra.push(current.clone());
                if options.prune {
                    plan.remove.push(current.name.clone());
                }
            }
        }
    }
    if let Some(settings) = &declared.dns_settings {
        let schema = OP_UPDATE_DNS_SETTINGS.body;
        diff(settings, current_settings, schema, "", &mut plan.settings);
        // What Cloudflare is known to refuse: from the overlay, through the build.
        for refusal in crate::request::schema::KNOWN_REFUSALS
            .iter()
            .filter(|r| r.operation == OP_UPDATE_DNS_SETTINGS.id && r.refuses(settings))
        {
            plan.refusals.push(KnownRefusal {
                field: refusal.field.to_string(),
                code: refusal.code,
                message: refusal.message.to_string(),
            });
        }
    }
    plan
}

/// The schema of a property of an object schema.
fn property(schema: Option<&'static Schema>, name: &str) -> Option<&'static Schema> {
    let mut schema = schema?;
    while let Kind::Same(inner) = &schema.kind {
        schema = inner;
    }
    match &schema.kind {
        Kind::Object { properties, .. } => {
            properties.iter().find(|p| p.name == name).map(|p| p.schema)
        }
        _ => None,
    }
}

fn is_hostname(schema: Option<&'static Schema>) -> bool {
    let mut schema = match schema {
        Some(schema) => schema,
        None => return false,
    };
    while let Kind::Same(inner) = &schema.kind {
        schema = inner;
    }
    matches!(
        &schema.kind,
        Kind::String {
            format: Some("hostname"),
            ..
        }
    )
}

/// Adds a change for every declared leaf that differs from the account's.
fn diff(
    declared: &Map<String, Value>,
    current: &Value,
    schema: Option<&'static Schema>,
    prefix: &str,
    out: &mut Vec<SettingChange>,
) {
    for (name, value) in declared {
        let field = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let sub_schema = property(schema, name);
        let now = current.get(name).unwrap_or(&Value::Null);
        match value {
            // An object declares its fields; an empty one declares nothing.
            Value::Object(inner) => diff(inner, now, sub_schema, &field, out),
            _ if same(value, now, is_hostname(sub_schema)) => {}
            _ => out.push(SettingChange {
                field,
                current: now.clone(),
                declared: value.clone(),
            }),
        }
    }
}

/// Whether a declared value is what the account has: numbers by value (`86400` is
/// `86400.0`), hostnames without regard to letter case or a trailing dot, an absent field as
/// `null` (a Cloudflare-assigned primary nameserver reads back as `null`).
fn same(declared: &Value, current: &Value, hostname: bool) -> bool {
    match (declared, current) {
        (Value::Number(_), Value::Number(_)) => {
            match (
                schema::whole_number(declared),
                schema::whole_number(current),
            ) {
                (Some(a), Some(b)) => a == b,
                _ => declared.as_f64() == current.as_f64(),
            }
        }
        (Value::String(a), Value::String(b)) if hostname => normalized(a) == normalized(b),
        _ => declared == current,
    }
}

fn shown(value: &Value) -> String {
    crate::core::text::escape(&value.to_string()).into_owned()
}

impl fmt::Display for Plan {
    /// The plan for people, like a Terraform plan: `+` to add, `~` to change, `-` to
    /// remove, `!` for what it reports but will not do.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "account {}:",
            crate::core::text::escape(&self.account_id)
        )?;
        for refusal in &self.refusals {
            writeln!(
                f,
                "  ! {}: Cloudflare refuses this at the account level (code {}: {}); the plan will not be applied",
                refusal.field, refusal.code, refusal.message
            )?;
        }
        for m in &self.set_mismatches {
            let current = m
                .current_set
                .map_or("no set".to_string(), |s| format!("set {s}"));
            if m.replace {
                writeln!(
                    f,
                    "  ~ custom nameserver {} is in {current}, declared in set {}: removed and added again",
                    m.name, m.declared_set
                )?;
            } else {
                writeln!(
                    f,
                    "  ! custom nameserver {} is in {current}, declared in set {}: the API cannot move it (plan with prune to remove it and add it again)",
                    m.name, m.declared_set
                )?;
            }
        }
        for ns in &self.add {
            match ns.set {
                Some(set) => writeln!(f, "  + custom nameserver {} (set {set})", ns.name)?,
                None => writeln!(f, "  + custom nameserver {}", ns.name)?,
            }
        }
        for change in &self.settings {
            writeln!(
                f,
                "  ~ {}: {} -> {}",
                change.field,
                shown(&change.current),
                shown(&change.declared)
            )?;
        }
        for ns in &self.extra {
            let set = ns.set.map(|s| format!(" (set {s})")).unwrap_or_default();
            if self.remove.contains(&ns.name) {
                writeln!(f, "  - custom nameserver {}{set}", ns.name)?;
            } else {
                writeln!(
                    f,
                    "  ! custom nameserver {}{set} is not declared: kept (plan with prune to remove it)",
                    ns.name
                )?;
            }
        }
        if self.is_empty() {
            writeln!(f, "  no changes")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn planned(declared: DeclaredAccount, current: Value) -> Plan {
        make_plan(&declared, &[], &current, PlanOptions::default())
    }

    #[test]
    fn only_differing_leaves_change() {
        let current = json!({"zone_defaults": {"ns_ttl": 86400.0, "soa": {"mname": null}}});
        let declared = DeclaredAccount::new("a")
            .setting("zone_defaults.ns_ttl", 86400)
            .setting("zone_defaults.soa.mname", Value::Null)
            .setting("zone_defaults.soa.rname", "x.example.com");
        let plan = planned(declared, current.clone());
        assert_eq!(plan.settings.len(), 1, "{plan}");
        assert_eq!(plan.settings[0].field, "zone_defaults.soa.rname");
        assert_eq!(
            plan.update_body().unwrap(),
            json!({"zone_defaults": {"soa": {"rname": "x.example.com"}}})
                .as_object()
                .unwrap()
                .clone()
        );
        let empty = DeclaredAccount::new("a").setting("zone_defaults", json!({}));
        assert!(planned(empty, current).is_empty());
    }
}
