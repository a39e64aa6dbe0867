//! The fake's accounts: their custom nameservers and DNS settings, kept as the JSON the API
//! sends, so that a field added to the fragment is stored and returned with no hand edit.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::request::schema::{self, OP_ADD_CUSTOM_NAMESERVER, OP_GET_DNS_SETTINGS};
use crate::types::{CustomNameserver, DnsSettings};

/// The primary nameserver a new account's SOA names: `None`, as Cloudflare answers for one
/// it assigns (the overlay's `x-cloudflare-answers`, with its evidence).
pub fn default_soa_mname() -> Option<String> {
    default_settings_json()
        .pointer("/zone_defaults/soa/mname")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The DNS settings a new account starts with: example values from the fragment (each
/// field's example, else its default, else a value its schema allows; Cloudflare's answers
/// where the overlay states them). Not Cloudflare's defaults.
pub fn default_settings() -> DnsSettings {
    serde_json::from_value(default_settings_json())
        .expect("the fragment's example of the DNS settings decodes (checked by a unit test)")
}

fn default_settings_json() -> Value {
    OP_GET_DNS_SETTINGS
        .result_example
        .and_then(|example| serde_json::from_str(example).ok())
        .unwrap_or_else(|| Value::Object(Map::new()))
}

/// One account of the fake.
#[derive(Clone, Debug)]
pub struct Account {
    /// Custom nameservers, in the order they were added, as the API returns them.
    pub nameservers: Vec<Value>,
    /// The account's DNS settings, as the API returns them.
    pub settings: Value,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            nameservers: Vec::new(),
            settings: default_settings_json(),
        }
    }
}

/// Every account the fake has seen, created on first use.
#[derive(Debug, Default)]
pub struct State {
    accounts: BTreeMap<String, Account>,
    added: u32,
}

impl State {
    /// The account, created with the defaults if it is new.
    pub fn account(&mut self, account_id: &str) -> &mut Account {
        self.accounts.entry(account_id.to_string()).or_default()
    }

    /// Adds a nameserver from a checked add body; `None` when the account already has one
    /// of that name (letter case and a final dot aside).
    pub fn add(&mut self, account_id: &str, body: &Value) -> Option<Value> {
        let ns_name = body["ns_name"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let exists = self.account(account_id).nameservers.iter().any(|ns| {
            ns["ns_name"]
                .as_str()
                .is_some_and(|n| same_name(n, &ns_name))
        });
        if exists {
            return None;
        }
        self.added += 1;
        let ns = nameserver(account_id, &ns_name, body, self.added);
        self.account(account_id).nameservers.push(ns.clone());
        Some(ns)
    }

    /// Removes a nameserver by name; whether it was there.
    pub fn delete(&mut self, account_id: &str, ns_name: &str) -> bool {
        let nameservers = &mut self.account(account_id).nameservers;
        let before = nameservers.len();
        nameservers.retain(|ns| {
            !ns["ns_name"]
                .as_str()
                .is_some_and(|name| same_name(name, ns_name))
        });
        nameservers.len() != before
    }

    /// Applies a checked update: exactly the fields it holds change, objects merge field by
    /// field, and an explicit `null` is kept as `null` (Cloudflare answers
    /// `"mname": null` for a primary nameserver it assigns).
    pub fn update(&mut self, account_id: &str, update: &Value) -> Value {
        let settings = &mut self.account(account_id).settings;
        merge(settings, update);
        settings.clone()
    }
}

/// Merges `patch` into `target`: objects field by field, anything else replaced.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// A new nameserver: the fragment's example of one, the fields of the add body (with the
/// defaults its schema states), and what the server makes up: documentation-range
/// addresses and a zone tag derived from the name.
fn nameserver(account_id: &str, ns_name: &str, body: &Value, serial: u32) -> Value {
    let mut ns = OP_ADD_CUSTOM_NAMESERVER
        .result_example
        .and_then(|example| serde_json::from_str(example).ok())
        .unwrap_or_else(|| Value::Object(Map::new()));
    let mut given = body.clone();
    if let (Some(schema), Value::Object(given)) = (OP_ADD_CUSTOM_NAMESERVER.body, &mut given) {
        apply_defaults(schema, given);
    }
    merge(&mut ns, &given);
    let octet = serial % 254 + 1;
    ns["ns_name"] = Value::from(ns_name);
    ns["dns_records"] = serde_json::json!([
        {"type": "A", "value": format!("192.0.2.{octet}")},
        {"type": "AAAA", "value": format!("2001:db8::{serial:x}")},
    ]);
    ns["zone_tag"] = Value::from(zone_tag(account_id, ns_name));
    ns
}

/// Whether two DNS names are the same name: letters compare without case (RFC 4343) and
/// `ns1.example.com.` is the fully qualified spelling of `ns1.example.com`.
fn same_name(a: &str, b: &str) -> bool {
    let bare = |n: &str| n.strip_suffix('.').unwrap_or(n).to_string();
    bare(a).eq_ignore_ascii_case(&bare(b))
}

/// Fills the top-level fields a body left out with their schema's `default`.
fn apply_defaults(schema: &schema::Schema, body: &mut Map<String, Value>) {
    if let schema::Kind::Object { properties, .. } = &schema.kind {
        for property in properties.iter() {
            if let Some(default) = property.schema.default
                && !body.contains_key(property.name)
                && let Ok(default) = serde_json::from_str(default)
            {
                body.insert(property.name.to_string(), default);
            }
        }
    }
}

/// The typed view of stored nameservers.
pub fn typed_nameservers(nameservers: &[Value]) -> Vec<CustomNameserver> {
    nameservers
        .iter()
        .filter_map(|ns| serde_json::from_value(ns.clone()).ok())
        .collect()
}

/// 32 hexadecimal characters, stable for an account and a name (FNV-1a, twice).
fn zone_tag(account_id: &str, ns_name: &str) -> String {
    let hash = |seed: u64| {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for byte in account_id
            .bytes()
            .chain([b'/'])
            .chain(ns_name.to_ascii_lowercase().bytes())
        {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    format!("{:016x}{:016x}", hash(1), hash(2))
}

impl State {
    /// Forgets an account: its next use starts it afresh, as a new account.
    pub fn reset_account(&mut self, account_id: &str) {
        self.accounts.remove(account_id);
    }

    /// Forgets every account.
    pub fn reset_all(&mut self) {
        self.accounts.clear();
    }

    /// An account as the control interface shows it: its custom nameservers and its DNS
    /// settings, as the API returns them.
    pub fn account_json(&mut self, account_id: &str) -> Value {
        let account = self.account(account_id);
        serde_json::json!({
            "custom_nameservers": account.nameservers,
            "dns_settings": account.settings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fragment_examples_make_a_valid_account() {
        // Every operation's result example (the fake's new state) decodes as its result.
        let ns: CustomNameserver =
            serde_json::from_str(OP_ADD_CUSTOM_NAMESERVER.result_example.expect("an example"))
                .expect("the nameserver example decodes");
        assert_eq!(ns.ns_set, 1);
        let settings = default_settings();
        assert_eq!(settings.zone_defaults.ns_ttl, 86400);
        // The overlay's wire fact: a Cloudflare-assigned primary nameserver reads null.
        assert_eq!(default_soa_mname(), None);
        let mut state = State::default();
        let ns = state
            .add("a", &serde_json::json!({"ns_name": "NS1.example.com"}))
            .unwrap();
        let typed: CustomNameserver = serde_json::from_value(ns).unwrap();
        assert_eq!(typed.ns_name, "ns1.example.com");
        assert_eq!(typed.ns_set, 1, "the schema's default");
        assert!(
            state
                .add("a", &serde_json::json!({"ns_name": "ns1.EXAMPLE.com"}))
                .is_none()
        );
    }

    #[test]
    fn merging_changes_exactly_the_given_fields() {
        let mut target = serde_json::json!({"a": {"b": 1, "c": 2}, "d": 3});
        merge(&mut target, &serde_json::json!({"a": {"b": null}, "e": 4}));
        assert_eq!(
            target,
            serde_json::json!({"a": {"b": null, "c": 2}, "d": 3, "e": 4})
        );
    }
}
