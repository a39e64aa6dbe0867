//! What would change: the plan, how it is made from an account as it is, and how it reads.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::state::{DeclaredAccount, normalized};
use crate::core::call_options::CallOptions;
use crate::core::client::Client;
use crate::core::error::{Error, InvalidArgument, Result};
use crate::request::schema::{
    self, Kind, OP_ADD_CUSTOM_NAMESERVER, OP_DELETE_CUSTOM_NAMESERVER, OP_GET_DNS_SETTINGS,
    OP_UPDATE_DNS_SETTINGS, Schema,
};
use crate::request::{self, Body};
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
    /// The account's label, from its declaration (see [`DeclaredAccount::label`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
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
    /// What Cloudflare is known to refuse in the declared state. Such a field is not among
    /// the [`Plan::settings`] and is never sent; the plan's other changes are applied.
    pub refusals: Vec<KnownRefusal>,
    /// Changes the plan holds back because they would break the account (see
    /// [`HeldBack`]); they are not among the plan's changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_back: Vec<HeldBack>,
}

/// A change that the plan holds back because carrying it out would break the account,
/// such as a prune that removes every custom nameserver while new zones use the account's
/// custom nameservers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HeldBack {
    /// What is held back, such as `custom_nameservers` or a nameserver's name.
    pub what: String,
    /// Why, as a sentence.
    pub reason: String,
}

/// What Cloudflare is known to refuse in declared settings: the overlay's
/// `x-known-refusals` (each with its evidence there), through the build, so that a refusal
/// goes when its field goes upstream.
pub(crate) fn known_refusals(settings: &Map<String, Value>) -> Vec<KnownRefusal> {
    crate::request::schema::KNOWN_REFUSALS
        .iter()
        .filter(|r| r.operation == OP_UPDATE_DNS_SETTINGS.id && r.refuses(settings))
        .map(|refusal| KnownRefusal {
            field: refusal.field.to_string(),
            code: refusal.code,
            message: refusal.message.to_string(),
        })
        .collect()
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
            || !self.held_back.is_empty()
            || self.set_mismatches.iter().any(|m| !m.replace)
            || self.extra.len() > self.remove.len()
    }

    /// Whether it holds something back that it cannot do: a known refusal, or a change
    /// held back ([`Plan::held_back`]). The rest of the plan can still be applied.
    pub fn is_blocked(&self) -> bool {
        !self.refusals.is_empty() || !self.held_back.is_empty()
    }

    /// The one update body the plan sends: exactly the changed fields, or `None`. A plan
    /// that [`Plan::check`] refuses (one field a prefix of another) gets a body in which
    /// the later field wins; it never panics.
    pub fn update_body(&self) -> Option<Map<String, Value>> {
        if self.settings.is_empty() {
            return None;
        }
        let mut body = Body::default();
        for change in &self.settings {
            let parts: Vec<&str> = change.field.split('.').collect();
            body.set(&parts, Ok(change.declared.clone()));
        }
        Some(body.into_map())
    }

    /// Checks a plan that comes from outside (a saved plan file): the account id, every
    /// nameserver as the add or delete request would send it, every declared setting
    /// against the fragment, no field twice or inside another, and no setting Cloudflare is
    /// known to refuse. The error names the field (`settings[1].field`, `add[0].name`).
    pub fn check(&self) -> Result<()> {
        request::check(&OP_GET_DNS_SETTINGS, &[&self.account_id], None)
            .map_err(|e| renamed(e, |_| "account_id".to_string()))?;
        let names = self
            .add
            .iter()
            .map(|ns| (ns.name.as_str(), ns.set, "add"))
            .chain(
                self.set_mismatches
                    .iter()
                    .map(|m| (m.name.as_str(), Some(m.declared_set), "set_mismatches")),
            );
        for (i, (name, set, list)) in names.enumerate() {
            let mut body = Map::new();
            body.insert("ns_name".into(), Value::String(name.to_string()));
            if let Some(set) = set {
                body.insert("ns_set".into(), Value::from(set));
            }
            request::check(
                &OP_ADD_CUSTOM_NAMESERVER,
                &[&self.account_id],
                Some(&Body::from_map(body)),
            )
            .map_err(|e| renamed(e, |field| format!("{list}[{i}].{field}")))?;
        }
        for (i, name) in self.remove.iter().enumerate() {
            request::check(
                &OP_DELETE_CUSTOM_NAMESERVER,
                &[&self.account_id, name],
                None,
            )
            .map_err(|e| renamed(e, |_| format!("remove[{i}]")))?;
        }
        let mut body = Body::default();
        for (i, change) in self.settings.iter().enumerate() {
            let parts: Vec<&str> = change.field.split('.').collect();
            if parts.iter().any(|p| p.is_empty()) {
                return Err(InvalidArgument::new(
                    format!("settings[{i}].field"),
                    "is not a field path (names separated by single dots)",
                )
                .into());
            }
            if let Some(j) = self.settings[..i].iter().position(|other| {
                other.field == change.field
                    || other.field.starts_with(&format!("{}.", change.field))
                    || change.field.starts_with(&format!("{}.", other.field))
            }) {
                return Err(InvalidArgument::new(
                    format!("settings[{i}].field"),
                    format!(
                        "`{}` overlaps `{}` (settings[{j}]): a field may be set once, and not inside another",
                        change.field, self.settings[j].field
                    ),
                )
                .into());
            }
            if change.declared.is_object() {
                return Err(InvalidArgument::new(
                    format!("settings[{i}].declared"),
                    "must be a single value, not an object (a plan lists each field)",
                )
                .into());
            }
            body.set(&parts, Ok(change.declared.clone()));
        }
        let body = body.into_map();
        request::check(
            &OP_UPDATE_DNS_SETTINGS,
            &[&self.account_id],
            Some(&Body::from_map(body.clone())),
        )
        .map_err(|e| renamed(e, |field| format!("settings.{field}")))?;
        if let Some(refusal) = known_refusals(&body).first() {
            return Err(InvalidArgument::new(
                format!("settings.{}", refusal.field),
                format!(
                    "Cloudflare refuses this at the account level (code {}: {})",
                    refusal.code, refusal.message
                ),
            )
            .into());
        }
        Ok(())
    }
}

/// An argument error with its field renamed.
fn renamed(error: Error, field: impl Fn(&str) -> String) -> Error {
    match error {
        Error::InvalidArgument(arg) => InvalidArgument::new(field(&arg.field), arg.rule).into(),
        other => other,
    }
}

/// What a plan read of an account: its custom nameservers if they are managed, its DNS
/// settings if any are declared. A saved plan keeps it, to tell at apply time whether the
/// account changed since.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccountState {
    /// The custom nameservers, if they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_nameservers: Option<Vec<PlannedNameserver>>,
    /// The DNS settings as Cloudflare answered them, if they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_settings: Option<Value>,
}

impl AccountState {
    /// What changed from `earlier` to this state, in what `declared` manages: the
    /// nameservers added, removed or moved, and each declared settings field whose value
    /// differs. Empty when a plan made from `earlier` still holds.
    pub fn changes_since(&self, earlier: &AccountState, declared: &DeclaredAccount) -> Vec<String> {
        let mut changes = Vec::new();
        if declared.custom_nameservers.is_some() {
            let now = self.custom_nameservers.as_deref().unwrap_or_default();
            let then = earlier.custom_nameservers.as_deref().unwrap_or_default();
            for ns in now {
                match then.iter().find(|t| t.name == ns.name) {
                    None => changes.push(format!("custom nameserver {} was added", ns.name)),
                    Some(t) if t.set.unwrap_or(1) != ns.set.unwrap_or(1) => changes.push(format!(
                        "custom nameserver {} moved from set {} to set {}",
                        ns.name,
                        t.set.unwrap_or(1),
                        ns.set.unwrap_or(1)
                    )),
                    Some(_) => {}
                }
            }
            for t in then {
                if !now.iter().any(|ns| ns.name == t.name) {
                    changes.push(format!("custom nameserver {} was removed", t.name));
                }
            }
        }
        if let Some(settings) = declared.all_settings().as_deref() {
            let now = self.dns_settings.as_ref().unwrap_or(&Value::Null);
            let then = earlier.dns_settings.as_ref().unwrap_or(&Value::Null);
            // An empty object declares nothing.
            for (field, _) in leaves(settings, "")
                .into_iter()
                .filter(|(_, v)| !v.is_object())
            {
                let before = lookup_value(then, &field);
                let after = lookup_value(now, &field);
                let hostname = is_hostname(schema_at(&field));
                if !same(after, before, hostname) {
                    changes.push(format!(
                        "{field} changed from {} to {}",
                        shown(before),
                        shown(after)
                    ));
                }
            }
        }
        changes
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

    /// Reads what a plan of `declared` reads ([`AccountState`]), after checking it; a
    /// plan is then [`Plan::from_state`]. [`Client::plan`] does both.
    pub async fn read_state(&self, declared: &DeclaredAccount) -> Result<AccountState> {
        let budget = Budget::start(self, "read_state", CallOptions::default());
        declared.check()?;
        Ok(self.read_within(declared, &budget).await?.0)
    }

    async fn read_within(
        &self,
        declared: &DeclaredAccount,
        budget: &Budget,
    ) -> Result<(AccountState, Option<types::DnsSettings>)> {
        let nameservers = match &declared.custom_nameservers {
            Some(_) => Some(
                self.list_custom_nameservers(&declared.account_id)
                    .call_options(budget.next()?)
                    .send()
                    .await?,
            ),
            None => None,
        };
        let settings = match declared.all_settings() {
            Some(_) => Some(
                self.get_dns_settings(&declared.account_id)
                    .call_options(budget.next()?)
                    .send()
                    .await?,
            ),
            None => None,
        };
        let state = AccountState {
            custom_nameservers: nameservers.map(|list| {
                list.into_iter()
                    .map(|ns| PlannedNameserver {
                        name: normalized(&ns.ns_name),
                        set: Some(ns.ns_set),
                    })
                    .collect()
            }),
            dns_settings: settings
                .as_ref()
                .map(|settings| serde_json::to_value(settings).unwrap_or(Value::Null)),
        };
        Ok((state, settings))
    }

    /// [`Client::plan`] within a composite call's budget; also returns the settings read.
    pub(crate) async fn plan_within(
        &self,
        declared: &DeclaredAccount,
        options: PlanOptions,
        budget: &Budget,
    ) -> Result<Observed> {
        declared.check()?;
        let (state, settings) = self.read_within(declared, budget).await?;
        let plan = Plan::from_state(declared, &state, options);
        Ok(Observed { plan, settings })
    }
}

/// A plan, with the settings read to make it.
pub(crate) struct Observed {
    pub(crate) plan: Plan,
    pub(crate) settings: Option<types::DnsSettings>,
}

/// The leaves of a settings object as `(dotted path, value)`; an empty object is a leaf.
pub(crate) fn leaves(body: &Map<String, Value>, prefix: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, value) in body {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            Value::Object(inner) if !inner.is_empty() => out.extend(leaves(inner, &path)),
            _ => out.push((path, value.clone())),
        }
    }
    out
}

/// The value at a dotted path of a JSON object (`zone_defaults.ns_ttl`), if it is there.
fn lookup<'a>(map: &'a Map<String, Value>, dotted: &str) -> Option<&'a Value> {
    let mut parts = dotted.split('.');
    let mut value = map.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

/// The value at a dotted path, `null` when there is none.
fn lookup_value<'a>(value: &'a Value, dotted: &str) -> &'a Value {
    value
        .as_object()
        .and_then(|map| lookup(map, dotted))
        .unwrap_or(&Value::Null)
}

/// The fragment's schema of an update body field.
fn schema_at(dotted: &str) -> Option<&'static Schema> {
    let mut schema = OP_UPDATE_DNS_SETTINGS.body;
    for part in dotted.split('.') {
        schema = property(schema, part);
    }
    schema
}

impl Plan {
    /// The plan from an account as it is (as [`Client::read_state`] read it).
    pub fn from_state(
        declared: &DeclaredAccount,
        state: &AccountState,
        options: PlanOptions,
    ) -> Plan {
        make_plan(
            declared,
            state.custom_nameservers.as_deref().unwrap_or_default(),
            state.dns_settings.as_ref().unwrap_or(&Value::Null),
            options,
        )
    }
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
        label: declared.label.clone(),
        held_back: Vec::new(),
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
    if let Some(settings) = declared.all_settings().as_deref() {
        let schema = OP_UPDATE_DNS_SETTINGS.body;
        diff(settings, current_settings, schema, "", &mut plan.settings);
        // A known refusal blocks only its own field.
        plan.refusals = known_refusals(settings);
        let refused: Vec<&str> = plan.refusals.iter().map(|r| r.field.as_str()).collect();
        plan.settings.retain(|change| {
            !refused.iter().any(|field| {
                change.field == *field || change.field.starts_with(&format!("{field}."))
            })
        });
    }
    hold_back_emptying_prune(&mut plan, declared, current_nameservers, current_settings);
    plan
}

/// Holds back a prune that would leave the account without a custom nameserver while new
/// zones use the account's custom nameservers (`zone_defaults.nameservers.type` is
/// `custom.account`, declared or current): those zones would get no nameserver. The
/// fragment has no account-level field for which set new zones use, and Cloudflare
/// documents no rule for a set, so the check is on the account's nameservers as a whole.
fn hold_back_emptying_prune(
    plan: &mut Plan,
    declared: &DeclaredAccount,
    current_nameservers: &[PlannedNameserver],
    current_settings: &Value,
) {
    if plan.remove.is_empty() {
        return;
    }
    const TYPE: &str = "zone_defaults.nameservers.type";
    let all = declared.all_settings();
    let declared_type = all.as_deref().and_then(|s| lookup(s, TYPE));
    let current_type = lookup_value(current_settings, TYPE);
    let uses_custom = declared_type.unwrap_or(current_type).as_str() == Some("custom.account");
    if !uses_custom {
        return;
    }
    // Those replaced in another set are removed and added again: they stay.
    let left = current_nameservers
        .iter()
        .filter(|ns| !plan.remove.contains(&ns.name))
        .count()
        + plan.add.len();
    if left == 0 {
        for name in std::mem::take(&mut plan.remove) {
            plan.held_back.push(HeldBack {
                what: format!("custom nameserver {name}"),
                reason: "removing it leaves the account no custom nameserver while new zones \
                         use the account's custom nameservers (zone_defaults.nameservers.type \
                         is custom.account)"
                    .to_string(),
            });
        }
    }
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
            format: Some(format),
            ..
        } if format.name == "hostname"
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
        match &self.label {
            Some(label) => writeln!(
                f,
                "account {} ({}):",
                crate::core::text::escape(&self.account_id),
                crate::core::text::escape(label)
            )?,
            None => writeln!(
                f,
                "account {}:",
                crate::core::text::escape(&self.account_id)
            )?,
        }
        for refusal in &self.refusals {
            writeln!(
                f,
                "  ! {}: Cloudflare refuses this at the account level (code {}: {}); not sent",
                refusal.field, refusal.code, refusal.message
            )?;
        }
        for held in &self.held_back {
            writeln!(f, "  ! {} held back: {}", held.what, held.reason)?;
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
            let held = format!("custom nameserver {}", ns.name);
            if self.remove.contains(&ns.name) {
                writeln!(f, "  - custom nameserver {}{set}", ns.name)?;
            } else if self.held_back.iter().any(|h| h.what == held) {
                // Said above.
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
