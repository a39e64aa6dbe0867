//! Cutting the covered operations, with every component they reference, out of a schema.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::spec::ref_target;

/// The document-level keys a slice keeps, values as published.
const KEPT_TOP_LEVEL: &[&str] = &["openapi", "info", "servers", "externalDocs", "security"];
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `GET /accounts/{}/custom_ns`: an operation by method and path template, parameter names
/// left out.
pub fn operation_key(method: &str, path: &str) -> String {
    let mut template = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                template.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => template.push(c),
        }
    }
    format!("{} {template}", method.to_ascii_uppercase())
}

/// The slice of `schema` that holds the `covered` operations (keys as made by
/// [`operation_key`]) and every component they reference, transitively.
pub fn slice(schema: &Value, covered: &[String]) -> Result<Value, String> {
    let paths = schema
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the schema has no paths")?;
    let mut out_paths = Map::new();
    let mut found = BTreeSet::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let mut kept = Map::new();
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let op = operation_key(key, path);
                if covered.contains(&op) {
                    if !found.insert(op.clone()) {
                        return Err(format!("{op} matches more than one path of the schema"));
                    }
                    kept.insert(key.clone(), value.clone());
                }
            }
        }
        if kept.is_empty() {
            continue;
        }
        // What the path item says for all its operations (parameters, servers) applies to
        // the covered ones too.
        for (key, value) in item {
            if !METHODS.contains(&key.as_str()) {
                kept.insert(key.clone(), value.clone());
            }
        }
        out_paths.insert(path.clone(), Value::Object(kept));
    }
    let missing: Vec<&String> = covered.iter().filter(|op| !found.contains(*op)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "the schema has no operation {} (openapi/covered-operations.json lists it: was it \
             removed or moved upstream?)",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    let mut out = Map::new();
    for key in KEPT_TOP_LEVEL {
        if let Some(value) = schema.get(*key) {
            out.insert((*key).to_string(), value.clone());
        }
    }
    let paths = Value::Object(out_paths);
    // Components reachable from the operations and from the document's security.
    let components = schema.get("components").cloned().unwrap_or(Value::Null);
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue = Vec::new();
    collect_refs(&paths, &mut queue);
    while let Some((kind, name)) = queue.pop() {
        if !reached.insert((kind.clone(), name.clone())) {
            continue;
        }
        let component = components
            .get(&kind)
            .and_then(|c| c.get(&name))
            .ok_or_else(|| {
                format!(
                    "a covered operation refers to components.{kind}.{name}, which the schema lacks"
                )
            })?;
        collect_refs(component, &mut queue);
    }
    let mut schemes = BTreeSet::new();
    for requirement in schema
        .get("security")
        .into_iter()
        .chain(
            paths
                .as_object()
                .into_iter()
                .flat_map(|p| p.values())
                .flat_map(|item| {
                    item.as_object()
                        .into_iter()
                        .flat_map(|o| o.values())
                        .filter_map(|op| op.get("security"))
                }),
        )
        .filter_map(Value::as_array)
        .flatten()
    {
        for name in requirement.as_object().into_iter().flat_map(|o| o.keys()) {
            schemes.insert(name.clone());
        }
    }
    for name in schemes {
        reached.insert(("securitySchemes".to_string(), name));
    }
    let mut out_components = Map::new();
    for (kind, name) in reached {
        if let Some(component) = components.get(&kind).and_then(|c| c.get(&name)) {
            out_components
                .entry(kind)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("an object")
                .insert(name, component.clone());
        }
    }
    out.insert("paths".to_string(), paths);
    out.insert("components".to_string(), Value::Object(out_components));
    Ok(Value::Object(out))
}

fn collect_refs(value: &Value, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            if let Some(reference) = object.get("$ref").and_then(Value::as_str)
                && let Some((kind, name)) = ref_target(reference)
            {
                found.push((kind.to_string(), name));
            }
            for value in object.values() {
                collect_refs(value, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_ignore_parameter_names() {
        assert_eq!(
            operation_key("get", "/accounts/{identifier}/custom_ns/{ns_name}"),
            "GET /accounts/{}/custom_ns/{}"
        );
    }

    #[test]
    fn components_with_shared_prefixes_are_taken_only_when_referenced() {
        let schema = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "tags": [{"name": "x"}],
            "security": [{"api_token": []}],
            "paths": {
                "/accounts/{account_id}/custom_ns": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/dns_a"}}}}}}},
                "/accounts/{account_id}/other": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/dns_ab"}}}}}}}
            },
            "components": {
                "securitySchemes": {"api_token": {"type": "http", "scheme": "bearer"}, "unused": {"type": "http", "scheme": "basic"}},
                "schemas": {
                    "dns_a": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/dns_b"}}},
                    "dns_ab": {"type": "string"},
                    "dns_b": {"type": "string"}
                }
            }
        });
        let sliced = slice(&schema, &["GET /accounts/{}/custom_ns".to_string()]).unwrap();
        let schemas: Vec<&String> = sliced["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["dns_a", "dns_b"]);
        let schemes: Vec<&String> = sliced["components"]["securitySchemes"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemes, ["api_token"]);
        assert!(sliced.get("tags").is_none());
        assert_eq!(sliced["paths"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn a_missing_operation_is_named() {
        let schema = json!({"paths": {}});
        let err = slice(&schema, &["PATCH /accounts/{}/dns_settings".to_string()]).unwrap_err();
        assert!(err.contains("PATCH /accounts/{}/dns_settings"), "{err}");
    }
}
