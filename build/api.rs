//! The fragment as the generators read it: its operations, and which schemas a request
//! carries or a call returns.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::names::*;
use crate::prepare::*;
use crate::{FRAGMENT, SCHEMAS};

/// One path parameter of an operation.
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) schema: Value,
}

/// One operation of the fragment.
pub(crate) struct Operation {
    /// The `Client` method's name, from the operationId.
    pub(crate) id: String,
    /// The operationId as the fragment writes it.
    pub(crate) operation_id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) summary: String,
    pub(crate) description: String,
    pub(crate) deprecated: bool,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Value>,
    pub(crate) envelope: String,
    pub(crate) idempotent: bool,
}

pub(crate) struct Api {
    pub(crate) raw: Value,
    pub(crate) operations: Vec<Operation>,
    /// Named schemas that a request can carry.
    pub(crate) in_requests: BTreeSet<String>,
    /// Named schemas that a call returns (inside an envelope's `result`).
    pub(crate) in_results: BTreeSet<String>,
}

impl Api {
    pub(crate) fn read(raw: &Value) -> Self {
        let mut operations = Vec::new();
        let paths = raw["paths"].as_object().expect("the fragment has paths");
        for (path, item) in paths {
            let item = item.as_object().expect("a path item is an object");
            for (method, operation) in item {
                if method == "parameters" {
                    panic!("{FRAGMENT}: put parameters on each operation of {path}");
                }
                operations.push(read_operation(raw, path, method, operation));
            }
        }
        operations.sort_by(|a, b| a.id.cmp(&b.id));
        let mut in_requests = BTreeSet::new();
        let mut in_results = BTreeSet::new();
        for op in &operations {
            for param in &op.params {
                collect_refs(raw, &param.schema, &mut in_requests);
            }
            if let Some(body) = &op.body {
                collect_refs(raw, body, &mut in_requests);
            }
            let envelope = schema_named(raw, &op.envelope);
            if let Some(result) = envelope.pointer("/properties/result") {
                collect_refs(raw, result, &mut in_results);
            }
        }
        raw.pointer("/components/responses/Failure/content/application~1json/schema")
            .expect("the fragment has components.responses.Failure");
        // The messages of an envelope reach the caller too.
        for op in &operations {
            let envelope = schema_named(raw, &op.envelope);
            for key in ["errors", "messages"] {
                if let Some(items) = envelope.pointer(&format!("/properties/{key}")) {
                    collect_refs(raw, items, &mut in_results);
                }
            }
        }
        Api {
            raw: raw.clone(),
            operations,
            in_requests,
            in_results,
        }
    }

    pub(crate) fn schemas(&self) -> &Map<String, Value> {
        self.raw["components"]["schemas"]
            .as_object()
            .expect("schemas")
    }

    pub(crate) fn string_enums(&self) -> Vec<(&String, &Value)> {
        self.schemas()
            .iter()
            .filter(|(_, schema)| is_string_enum(schema))
            .collect()
    }

    /// Whether a named schema is an object that will grow.
    pub(crate) fn grows(&self, name: &str) -> bool {
        let schema = &self.schemas()[name];
        schema.get("properties").is_some() && !is_string_enum(schema)
    }

    pub(crate) fn public_types(&self) -> BTreeSet<String> {
        self.in_requests
            .iter()
            .chain(&self.in_results)
            .filter(|name| !is_string_enum(&self.schemas()[name.as_str()]))
            .cloned()
            .collect()
    }
}

pub(crate) fn schema_named<'a>(raw: &'a Value, name: &str) -> &'a Value {
    raw.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("{FRAGMENT} has no schema {name}"))
}

pub(crate) fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).map(|reference| {
        reference
            .strip_prefix(SCHEMAS)
            .unwrap_or_else(|| panic!("{FRAGMENT}: unsupported $ref {reference}"))
    })
}

/// The one schema behind `$ref` or `allOf: [$ref]`, with the name it has.
pub(crate) fn resolve<'a>(raw: &'a Value, schema: &'a Value) -> (Option<&'a str>, &'a Value) {
    if let Some(name) = ref_name(schema) {
        return (Some(name), schema_named(raw, name));
    }
    if let Some(all_of) = schema.get("allOf").and_then(Value::as_array) {
        if all_of.len() != 1 {
            panic!("{FRAGMENT}: allOf with more than one schema is not supported: {schema}");
        }
        return resolve(raw, &all_of[0]);
    }
    (None, schema)
}

pub(crate) fn collect_refs(raw: &Value, schema: &Value, found: &mut BTreeSet<String>) {
    let (name, resolved) = resolve(raw, schema);
    if let Some(name) = name
        && !found.insert(name.to_string())
    {
        return;
    }
    for property in resolved
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        collect_refs(raw, property, found);
    }
    if let Some(items) = resolved.get("items") {
        collect_refs(raw, items, found);
    }
    if let Some(additional) = resolved
        .get("additionalProperties")
        .filter(|a| a.is_object())
    {
        collect_refs(raw, additional, found);
    }
}

pub(crate) fn read_operation(
    raw: &Value,
    path: &str,
    method: &str,
    operation: &Value,
) -> Operation {
    // The `Client` method's name: the operationId as a snake_case identifier, a function of
    // that id alone (the overlay gives the covered operations short ids; a new operation
    // works before it gets one).
    let operation_id = operation["operationId"]
        .as_str()
        .unwrap_or_else(|| panic!("{FRAGMENT}: {method} {path} has no operationId"))
        .to_string();
    let id = ident(&operation_id);
    let mut params = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().expect("a parameter has a name");
        match parameter["in"].as_str() {
            Some("path") => {}
            other => panic!(
                "{FRAGMENT}: {id}: parameter {name} is in {other:?}; only path parameters are \
                 supported (teach build/api.rs the others)"
            ),
        }
        let mut schema = parameter["schema"].clone();
        if let Some(description) = parameter.get("description")
            && let Some(object) = schema.as_object_mut()
            && !object.contains_key("$ref")
        {
            object.entry("description").or_insert(description.clone());
        }
        params.push(Param {
            name: name.to_string(),
            schema,
        });
    }
    // Path order: the order of the method's arguments.
    params.sort_by_key(|p| {
        path.find(&format!("{{{}}}", p.name))
            .unwrap_or_else(|| panic!("{FRAGMENT}: {id}: {} is not in the path {path}", p.name))
    });
    let body = operation.get("requestBody").map(|body| {
        body.pointer("/content/application~1json/schema")
            .unwrap_or_else(|| {
                panic!("{FRAGMENT}: {id}: the request body must be application/json")
            })
            .clone()
    });
    // The transport decodes a 2xx answer as the operation's envelope and a 4xx or 5xx as
    // Cloudflare's failure envelope (src/core/transport.rs, `decode`); an operation that
    // declares anything else would be decoded wrongly, so it fails the build instead.
    // Upstream declares its success as `200`; any one 2xx status (or `2XX`) is read as the
    // envelope of every 2xx answer.
    let mut ranges: Vec<&str> = operation["responses"]
        .as_object()
        .map(|r| {
            r.keys()
                .map(|k| {
                    if k.len() == 3
                        && k.starts_with('2')
                        && k[1..].bytes().all(|b| b.is_ascii_digit())
                    {
                        "2XX"
                    } else {
                        k.as_str()
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    ranges.sort_unstable();
    if ranges != ["2XX", "4XX", "5XX"] {
        panic!(
            "{FRAGMENT}: {id} declares the responses {ranges:?}; the transport decodes exactly \
             one 2xx (the operation's envelope), 4XX and 5XX (the failure envelope): teach \
             src/core/transport.rs and build/api.rs other ranges first"
        );
    }
    for range in ["4XX", "5XX"] {
        if operation["responses"][range]["$ref"] != "#/components/responses/Failure" {
            panic!("{FRAGMENT}: {id}: {range} must be #/components/responses/Failure");
        }
    }
    let success = operation["responses"]
        .as_object()
        .and_then(|responses| {
            responses
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .map(|(_, response)| response)
        })
        .unwrap_or_else(|| panic!("{FRAGMENT}: {id} has no 2XX response"));
    let envelope = success
        .pointer("/content/application~1json/schema")
        .and_then(ref_name)
        .unwrap_or_else(|| {
            panic!("{FRAGMENT}: {id}: the 2XX response must $ref an envelope schema")
        })
        .to_string();
    let idempotent = match operation.get("x-idempotent") {
        Some(Value::Bool(idempotent)) => *idempotent,
        Some(other) => panic!("{FRAGMENT}: {id}: x-idempotent must be true or false, not {other}"),
        None => method != "post",
    };
    let _ = raw;
    Operation {
        summary: operation["summary"].as_str().unwrap_or(&id).to_string(),
        description: operation["description"].as_str().unwrap_or("").to_string(),
        deprecated: operation["deprecated"].as_bool() == Some(true),
        id,
        operation_id,
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        params,
        body,
        envelope,
        idempotent,
    }
}
