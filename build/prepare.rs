//! The pre-passes that make the fragment ready for generation: Rust names from
//! `x-rust-name`, hoisted inline enums and objects, plain references written in place, and
//! unreachable schemas dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::names::*;
use crate::{FRAGMENT, SCHEMAS};

/// Where the hoisting pass records, on each string enum it hoisted, where the enum was
/// written (JSON pointers into the fragment), for the messages of the build.
pub(crate) const HOISTED_FROM: &str = "x-hoisted-from";

/// Moves every string enum and every object written inline into a named schema and refers
/// to it: each enum becomes an open enum, each object a public type.
///
/// An object is named `<Parent><Property>`. A string enum is named from its property alone
/// (`tier` → `Tier`, the items of `tiers` → `TiersItem`; [`inline_enum`]) or by its
/// `x-rust-name`, so that the same enum written in a request and in a response is one type,
/// which a value read back can be sent with, and so that no other schema's change renames
/// it. Enums that would share a name are one type when they have the same values, and
/// fail the build otherwise, asking for `x-rust-name`.
pub(crate) fn hoist_inline_enums(raw: &mut Value) {
    let mut hoisted = Map::new();
    let names: Vec<String> = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let components = raw["components"]["schemas"].clone();
    for name in names {
        let pointer = format!("/components/schemas/{}", escape(&name));
        let schema = raw.pointer_mut(&pointer).expect("listed");
        let mut at = Hoisting {
            hoisted: &mut hoisted,
            components: &components,
        };
        at.hoist_in(schema, &name, &name, &pointer, true);
    }
    let mut operations = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in item.as_object().into_iter().flat_map(|m| m.keys()) {
                operations.push(format!("/paths/{}/{method}", escape(path)));
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
            for (index, parameter) in parameters.iter_mut().enumerate() {
                let name = parameter["name"]
                    .as_str()
                    .unwrap_or("parameter")
                    .to_string();
                if let Some(schema) = parameter.get_mut("schema") {
                    let mut at = Hoisting {
                        hoisted: &mut hoisted,
                        components: &components,
                    };
                    at.hoist_in(
                        schema,
                        &format!("{}{}", pascal(&id), pascal(&name)),
                        &inline_enum(&name, false),
                        &format!("{pointer}/parameters/{index}/schema"),
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
        if let Some(component) = schemas.get(&name) {
            // An enum written inline with the values of the component of its name is
            // that component (it refers to it already).
            if is_string_enum(component) && same_values(component, &schema) {
                continue;
            }
            panic!(
                "{FRAGMENT}: an inline schema would be named {name}, which is already a \
                 schema; give it another name with x-rust-name in openapi/overlay.yaml"
            );
        }
        schemas.insert(name, schema);
    }
}

/// A JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Whether two string enums have the same values (in any order).
fn same_values(a: &Value, b: &Value) -> bool {
    let values = |schema: &Value| -> BTreeSet<String> {
        schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .map(Value::to_string)
            .collect()
    };
    values(a) == values(b)
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

/// The state of the hoisting pass: the schemas hoisted so far, and the components (an
/// inline enum with a component's name and values is that component).
struct Hoisting<'a> {
    hoisted: &'a mut Map<String, Value>,
    components: &'a Value,
}

impl Hoisting<'_> {
    /// Hoists what `schema` (at `pointer`) holds inline, and `schema` itself unless it is a
    /// component (`top`): as `object_name` if it is an object, as `enum_name` if it is a
    /// string enum (names that `x-rust-name` overrides).
    fn hoist_in(
        &mut self,
        schema: &mut Value,
        object_name: &str,
        enum_name: &str,
        pointer: &str,
        top: bool,
    ) {
        // Inner schemas first, so that a hoisted object refers to its hoisted parts.
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (property, value) in properties.iter_mut() {
                self.hoist_in(
                    value,
                    &format!("{object_name}{}", pascal(property)),
                    &inline_enum(property, false),
                    &format!("{pointer}/properties/{}", escape(property)),
                    false,
                );
            }
        }
        if let Some(items) = schema.get_mut("items") {
            self.hoist_in(
                items,
                &format!("{object_name}Item"),
                &format!("{enum_name}Item"),
                &format!("{pointer}/items"),
                false,
            );
        }
        // A string enum, or an object with properties, written inline gets a schema of its
        // own: an open enum, or a public type with a setter for the whole object.
        let is_enum = is_string_enum(schema);
        let inline_object = schema.get("properties").is_some() && schema.get("$ref").is_none();
        if top || !(is_enum || inline_object) {
            return;
        }
        let mut taken = schema.take();
        // `nullable` belongs to the use, not to the schema.
        let nullable = taken
            .as_object_mut()
            .and_then(|o| o.remove("nullable"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let name = taken
            .get("x-rust-name")
            .and_then(Value::as_str)
            .unwrap_or(if is_enum { enum_name } else { object_name })
            .to_string();
        if is_enum {
            self.hoist_enum(&name, taken, pointer);
        } else {
            // The same name written twice (an object in a request and in a response, named
            // by x-rust-name) is one type, when both say the same.
            if let Some(earlier) = self.hoisted.get(&name)
                && *earlier != taken
            {
                panic!(
                    "{FRAGMENT}: two different inline schemas are both named {name} \
                     (x-rust-name): give one another name in openapi/overlay.yaml, or make \
                     them the same"
                );
            }
            self.hoisted.insert(name.clone(), taken);
        }
        *schema = if nullable {
            json!({"allOf": [{"$ref": format!("{SCHEMAS}{name}")}], "nullable": true})
        } else {
            json!({"$ref": format!("{SCHEMAS}{name}")})
        };
    }

    /// Hoists an inline string enum as `name`: enums of one name with the same values are
    /// one type (the first one's documentation stays); with other values, the build fails.
    fn hoist_enum(&mut self, name: &str, mut taken: Value, pointer: &str) {
        let earlier = self.hoisted.get_mut(name);
        let component = &self.components[name];
        let conflict = match &earlier {
            Some(earlier) => Some((*earlier).clone()),
            None if !component.is_null() => Some(component.clone()),
            None => None,
        };
        if let Some(other) = conflict {
            // The overlay may name the values at one place or at each, alike.
            let varnames_differ = match (other.get(ENUM_VARNAMES), taken.get(ENUM_VARNAMES)) {
                (Some(a), Some(b)) => a != b,
                _ => false,
            };
            if !is_string_enum(&other) || !same_values(&other, &taken) || varnames_differ {
                let values = |s: &Value| s.get("enum").map(Value::to_string).unwrap_or_default();
                let places = other
                    .get(HOISTED_FROM)
                    .map(Value::to_string)
                    .unwrap_or_else(|| format!("the component {name}"));
                panic!(
                    "{FRAGMENT}: the string enum written at {pointer} (values {}) would be the \
                     type {name}, which {places} already is (values {}); a type name of an \
                     inline enum comes from its property alone. Name one of them with \
                     x-rust-name in openapi/overlay.yaml (the same name and values for both \
                     make one type)",
                    values(&taken),
                    values(&other),
                );
            }
        }
        match earlier {
            Some(earlier) => {
                if let Some(Value::Array(places)) = earlier.get_mut(HOISTED_FROM) {
                    places.push(json!(pointer));
                }
                if let Some(varnames) = taken.get(ENUM_VARNAMES)
                    && earlier.get(ENUM_VARNAMES).is_none()
                {
                    earlier[ENUM_VARNAMES] = varnames.clone();
                }
            }
            None => {
                taken[HOISTED_FROM] = json!([pointer]);
                self.hoisted.insert(name.to_string(), taken);
            }
        }
    }
}
