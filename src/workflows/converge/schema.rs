//! The JSON Schema of a declaration file, made from the fragment's schema table: the same
//! fields, bounds, enums and descriptions the checks use, so that an editor validates and
//! completes what [`DeclaredAccounts`](super::DeclaredAccounts) reads.

use serde_json::{Map, Value, json};

use crate::request::schema::{
    Kind, OP_ADD_CUSTOM_NAMESERVER, OP_GET_DNS_SETTINGS, OP_UPDATE_DNS_SETTINGS, Schema,
};

/// The JSON Schema (draft 2020-12) of a declaration file ([`DeclaredAccounts`](super::DeclaredAccounts)
/// in JSON, or in YAML or TOML read as the same data): accounts with their custom
/// nameservers and DNS settings, and a `defaults` block. Every settings field, bound, enum
/// value and description comes from the OpenAPI fragment the crate is built from.
///
/// `dns_settings` is strict, as the file is read (a field the fragment does not know is a
/// typo); `newer_dns_settings` admits any field, for fields newer than the crate.
pub fn declaration_schema() -> Value {
    let account_id = OP_GET_DNS_SETTINGS
        .params
        .first()
        .map_or_else(|| json!({"type": "string"}), |p| to_json_schema(p.schema));
    let (ns_name, ns_set) = match OP_ADD_CUSTOM_NAMESERVER.body.map(resolved).map(|s| &s.kind) {
        Some(Kind::Object { properties, .. }) => {
            let field = |name: &str| {
                properties
                    .iter()
                    .find(|p| p.name == name)
                    .map_or_else(|| json!({}), |p| to_json_schema(p.schema))
            };
            (field("ns_name"), field("ns_set"))
        }
        _ => (json!({"type": "string"}), json!({"type": "integer"})),
    };
    let dns_settings = OP_UPDATE_DNS_SETTINGS
        .body
        .map_or_else(|| json!({"type": "object"}), to_json_schema);
    let nameservers = json!({
        "description": "The account's custom nameservers. Left out: they are not managed. Given (even empty): any other one is an extra, removed with --prune.",
        "type": "array",
        "items": {"$ref": "#/$defs/nameserver"}
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cloudflare-account-dns declaration",
        "description": "The declared DNS defaults of Cloudflare accounts: their custom nameservers and the DNS settings new zones inherit.",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "defaults": {"$ref": "#/$defs/defaults"},
            "accounts": {"type": "array", "items": {"$ref": "#/$defs/account"}}
        },
        "$defs": {
            "account": {
                "type": "object",
                "additionalProperties": false,
                "required": ["account_id"],
                "properties": {
                    "account_id": account_id,
                    "label": {"description": "A name for people, shown on every line of output; never sent.", "type": "string"},
                    "custom_nameservers": nameservers,
                    "dns_settings": {"$ref": "#/$defs/dns_settings"},
                    "newer_dns_settings": {
                        "description": "Settings fields newer than this version of the crate, sent as written (fields the crate knows are still checked); not the same fields as dns_settings.",
                        "type": "object"
                    }
                }
            },
            "defaults": {
                "description": "Merged into every account; an account's own values win (its own custom_nameservers list replaces this one, its settings win field by field).",
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "custom_nameservers": nameservers,
                    "dns_settings": {"$ref": "#/$defs/dns_settings"}
                }
            },
            "nameserver": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name"],
                "properties": {
                    "name": ns_name,
                    "set": ns_set
                }
            },
            "dns_settings": dns_settings
        }
    })
}

fn resolved(mut schema: &'static Schema) -> &'static Schema {
    while let Kind::Same(inner) = &schema.kind {
        schema = inner;
    }
    schema
}

/// One schema of the table as JSON Schema.
fn to_json_schema(schema: &'static Schema) -> Value {
    let mut out = Map::new();
    let mut description = schema.description;
    let mut nullable = schema.nullable;
    let mut inner = schema;
    while let Kind::Same(next) = &inner.kind {
        inner = next;
        nullable |= inner.nullable;
        if description.is_empty() {
            description = inner.description;
        }
    }
    if description.is_empty() {
        description = inner.description;
    }
    if !description.is_empty() {
        out.insert("description".into(), description.into());
    }
    if schema.deprecated || inner.deprecated {
        out.insert("deprecated".into(), true.into());
    }
    let type_name = match &inner.kind {
        Kind::Any | Kind::Same(_) => None,
        Kind::Boolean => Some("boolean"),
        Kind::Integer { min, max } => {
            if let Some(min) = min.and_then(|m| i64::try_from(m).ok()) {
                out.insert("minimum".into(), min.into());
            }
            if let Some(max) = max.and_then(|m| i64::try_from(m).ok()) {
                out.insert("maximum".into(), max.into());
            }
            Some("integer")
        }
        Kind::Number { min, max } => {
            for (key, bound) in [("minimum", min), ("maximum", max)] {
                if let Some(n) = bound.and_then(serde_json::Number::from_f64) {
                    out.insert(key.into(), Value::Number(n));
                }
            }
            Some("number")
        }
        Kind::String {
            min_length,
            max_length,
            format,
            pattern,
            values,
            closed,
        } => {
            if let Some(n) = min_length {
                out.insert("minLength".into(), (*n).into());
            }
            if let Some(n) = max_length {
                out.insert("maxLength".into(), (*n).into());
            }
            if let Some(format) = format {
                out.insert("format".into(), format.name.into());
            }
            if let Some(pattern) = pattern {
                out.insert("pattern".into(), pattern.source.into());
            }
            if !values.is_empty() {
                let values: Vec<Value> = values.iter().map(|v| Value::from(*v)).collect();
                if *closed {
                    let mut values = values;
                    if nullable {
                        values.push(Value::Null);
                    }
                    out.insert("enum".into(), values.into());
                } else {
                    out.insert("examples".into(), values.into());
                }
            }
            Some("string")
        }
        Kind::Array { items } => {
            out.insert("items".into(), to_json_schema(items));
            Some("array")
        }
        Kind::Object {
            properties,
            additional: _,
        } => {
            let mut props = Map::new();
            for p in *properties {
                props.insert(p.name.into(), to_json_schema(p.schema));
            }
            out.insert("properties".into(), props.into());
            // A declaration is typed by a person: a field the fragment does not name is a
            // typo, whatever Cloudflare's schema admits (`newer_dns_settings` is for those).
            out.insert("additionalProperties".into(), false.into());
            // Every field of a declaration is optional: only what is declared is managed.
            Some("object")
        }
    };
    if let Some(type_name) = type_name {
        out.insert(
            "type".into(),
            if nullable {
                json!([type_name, "null"])
            } else {
                json!(type_name)
            },
        );
    }
    Value::Object(out)
}
