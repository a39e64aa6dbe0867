//! An account as it is, written as a declared state (Terraform's import): a plan of it is
//! empty.

use serde_json::{Map, Value};

use super::plan::{AccountState, PlannedNameserver, known_refusals};
use super::state::{DeclaredAccount, DeclaredNameserver};
use crate::core::client::Client;
use crate::core::error::Result;
use crate::request::schema::{Kind, OP_UPDATE_DNS_SETTINGS, Schema};
use crate::request::{self, Body};

impl Client {
    /// Reads an account's custom nameservers and DNS settings and returns them as a
    /// declared state that plans empty: every nameserver with its set, and every field of
    /// the update body that the account has (deprecated fields, values the checks would
    /// refuse and values Cloudflare is known to refuse to be set are left out, so they are
    /// not managed).
    pub async fn export(&self, account_id: &str) -> Result<DeclaredAccount> {
        let probe = DeclaredAccount {
            account_id: account_id.to_string(),
            custom_nameservers: Some(Vec::new()),
            dns_settings: Some(Map::new()),
            newer_dns_settings: None,
            label: None,
        };
        let state = self.read_state(&probe).await?;
        Ok(DeclaredAccount::from_read(account_id, &state))
    }
}

impl DeclaredAccount {
    /// The declared state that an account in this state already has (see
    /// [`Client::export`]).
    pub fn from_read(account_id: &str, state: &AccountState) -> DeclaredAccount {
        let custom_nameservers = state.custom_nameservers.as_ref().map(|list| {
            list.iter()
                .map(|PlannedNameserver { name, set }| DeclaredNameserver {
                    name: name.clone(),
                    set: Some(set.unwrap_or(1)),
                })
                .collect()
        });
        let dns_settings = state.dns_settings.as_ref().map(|current| {
            let mut body = Body::default();
            let mut path = Vec::new();
            copy_fields(OP_UPDATE_DNS_SETTINGS.body, current, &mut path, &mut body);
            // A value Cloudflare refuses to be set is not declared (it would never plan
            // empty).
            for refusal in known_refusals(&body.to_value().as_object().cloned().unwrap_or_default())
            {
                let parts: Vec<&str> = refusal.field.split('.').collect();
                body.remove(&parts);
            }
            body.into_map()
        });
        DeclaredAccount {
            account_id: account_id.to_string(),
            label: None,
            custom_nameservers,
            dns_settings,
            newer_dns_settings: None,
        }
    }
}

/// Copies every leaf of the update body's schema that `current` has and that the checks
/// take as it is.
fn copy_fields(
    schema: Option<&'static Schema>,
    current: &Value,
    path: &mut Vec<&'static str>,
    body: &mut Body,
) {
    let Some(mut schema) = schema else { return };
    while let Kind::Same(inner) = &schema.kind {
        schema = inner;
    }
    let Kind::Object { properties, .. } = &schema.kind else {
        return;
    };
    for property in *properties {
        if property.schema.deprecated {
            continue;
        }
        let Some(value) = current.get(property.name) else {
            continue;
        };
        path.push(property.name);
        let mut leaf = property.schema;
        while let Kind::Same(inner) = &leaf.kind {
            leaf = inner;
        }
        if matches!(leaf.kind, Kind::Object { .. }) && value.is_object() {
            copy_fields(Some(property.schema), value, path, body);
        } else {
            let mut alone = Body::default();
            alone.set(path, Ok(value.clone()));
            if request::check(&OP_UPDATE_DNS_SETTINGS, &["0"], Some(&alone)).is_ok() {
                body.set(path, Ok(value.clone()));
            }
        }
        path.pop();
    }
}
