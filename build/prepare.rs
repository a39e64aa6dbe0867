//! The pre-passes that make the fragment ready for generation: Rust names from
//! `x-rust-name`, hoisted inline enums and objects, plain references written in place, and
//! unreachable schemas dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::names::*;
use crate::{FRAGMENT, SCHEMAS};

/// Moves every string enum and every object written inline into a named schema
/// (`<Parent><Property>`) and refers to it: each enum becomes an open enum, each object a
/// public type.
pub(crate) fn hoist_inline_enums(raw: &mut Value) {
    let mut hoisted = Map::new();
    let names: Vec<String> = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let schema = raw
            .pointer_mut(&format!("/components/schemas/{name}"))
            .expect("listed");
        hoist_in(schema, &name, &mut hoisted, true);
    }
    let mut operations = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                operations.push(format!(
                    "/paths/{}/{method}",
                    path.replace('~', "~0").replace('/', "~1")
                ));
            }
        }
    }
    for pointer in operations {
        let operation = raw.pointer_mut(&pointer).expect("listed");
        let id = operation["operationId"]
            .as_str()
            .unwrap_or("operation")
            .to_string();
        if let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            for parameter in parameters {
                let name = parameter["name"]
                    .as_str()
                    .unwrap_or("parameter")
                    .to_string();
                if let Some(schema) = parameter.get_mut("schema") {
                    hoist_in(
                        schema,
                        &format!("{}{}", pascal(&id), pascal(&name)),
                        &mut hoisted,
                        false,
                    );
                }
            }
        }
    }
    let schemas = raw
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the fragment has components.schemas");
    for (name, schema) in hoisted {
        if schemas.contains_key(&name) {
            panic!(
                "{FRAGMENT}: an inline enum would be named {name}, which is already a schema; \
                 give the enum a schema of its own"
            );
        }
        schemas.insert(name, schema);
    }
}

/// Gives each component that the overlay names (`x-rust-name`) that name, and points every
/// `$ref` at it: upstream's names (`dns-settings_account_settings`) are not the Rust names
/// the crate shows (`DnsSettings`).
pub(crate) fn rename_components(raw: &mut Value) {
    let Some(schemas) = raw
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut renames = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        if let Some(rust) = schema.get("x-rust-name").and_then(Value::as_str)
            && rust != name
        {
            renames.insert(name.clone(), rust.to_string());
        }
    }
    for (from, to) in &renames {
        if schemas.contains_key(to) {
            panic!(
                "{FRAGMENT}: {from} is to be named {to} (x-rust-name), which is already a schema"
            );
        }
        let schema = schemas.remove(from).expect("listed");
        schemas.insert(to.clone(), schema);
    }
    pub(crate) fn point(value: &mut Value, renames: &BTreeMap<String, String>) {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get_mut("$ref")
                    && let Some(name) = reference.strip_prefix(SCHEMAS)
                    && let Some(to) = renames.get(name)
                {
                    *reference = format!("{SCHEMAS}{to}");
                }
                object.values_mut().for_each(|v| point(v, renames));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| point(v, renames)),
            _ => {}
        }
    }
    point(raw, &renames);
}

/// Writes in place every `$ref` to a component that is neither an object with properties
/// nor a string enum (`dns-settings_ns_ttl`, a number; a messages array): such a field is a
/// plain Rust value (`u32`, `Vec<…>`), not a newtype named after upstream's component. What
/// the reference carries beside `$ref` (the overlay's `x-` facts) is kept.
pub(crate) fn inline_plain_refs(raw: &mut Value) {
    let schemas = raw["components"]["schemas"].clone();
    let plain = |name: &str| {
        let schema = &schemas[name];
        !(schema.get("properties").is_some() || is_string_enum(schema))
    };
    pub(crate) fn walk(
        value: &mut Value,
        schemas: &Value,
        plain: &dyn Fn(&str) -> bool,
        depth: usize,
    ) {
        if depth > 64 {
            panic!("{FRAGMENT}: components refer to each other in a cycle of plain schemas");
        }
        match value {
            Value::Object(object) => {
                let target = object
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(SCHEMAS))
                    .filter(|name| plain(name))
                    .map(str::to_string);
                if let Some(name) = target {
                    let mut inlined = schemas[&name].clone();
                    object.remove("$ref");
                    if let Some(inlined) = inlined.as_object_mut() {
                        for (key, beside) in std::mem::take(object) {
                            inlined.insert(key, beside);
                        }
                    }
                    *value = inlined;
                    return walk(value, schemas, plain, depth + 1);
                }
                object
                    .values_mut()
                    .for_each(|v| walk(v, schemas, plain, depth + 1));
            }
            Value::Array(items) => items
                .iter_mut()
                .for_each(|v| walk(v, schemas, plain, depth + 1)),
            _ => {}
        }
    }
    walk(&mut raw["paths"], &schemas, &plain, 0);
    if let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            if kind == "securitySchemes" {
                continue;
            }
            for (name, entry) in entries.as_object_mut().into_iter().flatten() {
                // A plain component itself stays as it is (it is pruned when unused).
                if kind == "schemas" && plain(name) {
                    continue;
                }
                walk(entry, &schemas, &plain, 0);
            }
        }
    }
}

/// Drops the schemas that no operation reaches (upstream's 4XX schemas, replaced by the
/// overlay, left some), so that no type is generated for them.
pub(crate) fn prune_unreachable(raw: &mut Value) {
    pub(crate) fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                if let Some(name) = object
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(SCHEMAS))
                {
                    found.push(name.to_string());
                }
                object.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut queue = Vec::new();
    refs(&raw["paths"], &mut queue);
    refs(&raw["components"]["responses"], &mut queue);
    let mut reached = BTreeSet::new();
    while let Some(name) = queue.pop() {
        if reached.insert(name.clone()) {
            refs(&raw["components"]["schemas"][&name], &mut queue);
        }
    }
    if let Some(schemas) = raw
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| reached.contains(name));
    }
}

pub(crate) fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some() && schema.get("type").and_then(Value::as_str) == Some("string")
}

pub(crate) fn hoist_in(
    schema: &mut Value,
    name: &str,
    hoisted: &mut Map<String, Value>,
    top: bool,
) {
    // Inner schemas first, so that a hoisted object refers to its hoisted parts.
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, value) in properties.iter_mut() {
            hoist_in(
                value,
                &format!("{name}{}", pascal(property)),
                hoisted,
                false,
            );
        }
    }
    if let Some(items) = schema.get_mut("items") {
        hoist_in(items, &format!("{name}Item"), hoisted, false);
    }
    // A string enum, or an object with properties, written inline gets a schema of its own:
    // an open enum, or a public type with a setter for the whole object.
    let inline_object = schema.get("properties").is_some() && schema.get("$ref").is_none();
    if top || !(is_string_enum(schema) || inline_object) {
        return;
    }
    let mut taken = schema.take();
    // `nullable` belongs to the use, not to the schema.
    let nullable = taken
        .as_object_mut()
        .and_then(|o| o.remove("nullable"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    // The overlay may name it (`x-rust-name`); the same name written twice (an enum in a
    // request and in a response) is one type, when both say the same.
    let name = taken
        .get("x-rust-name")
        .and_then(Value::as_str)
        .unwrap_or(name)
        .to_string();
    if let Some(earlier) = hoisted.get(&name)
        && *earlier != taken
    {
        panic!(
            "{FRAGMENT}: two different inline schemas are both named {name} (x-rust-name): give \
             one another name in openapi/overlay.yaml, or make them the same"
        );
    }
    hoisted.insert(name.clone(), taken);
    *schema = if nullable {
        json!({"allOf": [{"$ref": format!("{SCHEMAS}{name}")}], "nullable": true})
    } else {
        json!({"$ref": format!("{SCHEMAS}{name}")})
    };
}
