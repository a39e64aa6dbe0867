//! Generates the Cloudflare client from the checked-in OpenAPI fragment.
//!
//! Everything the crate knows about the API comes from `openapi/cloudflare-account-dns.json`
//! through this script; hand-written code holds only what a schema cannot say. Files that
//! land in `OUT_DIR`:
//!
//! - `codegen.rs`: the progenitor client and its types (never edited by hand);
//! - `open_enums.rs`: every string enum of the fragment as an open enum, which keeps values
//!   that Cloudflare adds later instead of failing to decode;
//! - `schema_table.rs`: every request body and path parameter schema as static data, and
//!   one entry per operation (method, path, retry class, examples), from which the client
//!   checks arguments before sending and the fake validates requests and seeds its state;
//! - `operations.rs`: per operation, a request builder with a setter for every request
//!   field at any depth, its `Client` method, and how its success envelope unwraps;
//! - `public_types.rs`: which generated types are public (those a call takes or returns).
//!
//! The fragment is Cloudflare's published schema with the overlay applied
//! (`cargo xtask sync-spec`), so it keeps upstream's shapes; first, this script:
//!
//! - gives components the Rust names the overlay declares (`x-rust-name`) and points every
//!   `$ref` at them;
//! - writes in place references to plain components (a number, a boolean, an array), so
//!   that a field is a plain Rust value rather than a newtype named after upstream's
//!   component;
//! - drops schemas no operation reaches;
//! - reads the facts the overlay states about Cloudflare's answers: `x-known-refusals`
//!   (the `KNOWN_REFUSALS` table: request builders refuse them, plans report them, the fake
//!   answers them) and `x-cloudflare-answers` (what the fake's new account holds).
//!
//! Service quirks handled here, so that they survive regeneration:
//!
//! - string enums and objects written inline are hoisted into named schemas, so that every
//!   enum becomes an open enum and every object a public type;
//! - a request body is sent as the JSON object that the builder assembled (an explicit
//!   `null` stays `null`; an unset field is absent), so progenitor sees each request body
//!   as a free-form object;
//! - success envelopes keep only `success`, `errors`, `messages` and `result`: fields the
//!   caller never gets (`result_info`) cannot fail a call;
//! - a POST is not safe to repeat and other methods are, unless the operation says
//!   otherwise with `x-idempotent`.
//!
//! The script reruns exactly when something under `openapi/` changes (or when this file does).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

const FRAGMENT: &str = "openapi/cloudflare-account-dns.json";
const SCHEMAS: &str = "#/components/schemas/";

/// The keywords the request checks understand. A request schema that uses any other
/// keyword fails the build, so that no constraint of the fragment goes unchecked.
const CHECKED_KEYWORDS: &[&str] = &[
    "$ref",
    "additionalProperties",
    "allOf",
    "default",
    "deprecated",
    "description",
    "enum",
    "example",
    "format",
    "items",
    "maxLength",
    "maximum",
    "minLength",
    "minimum",
    "nullable",
    "properties",
    "readOnly",
    "required",
    "title",
    "type",
];

/// The string formats the request checks understand.
const CHECKED_STRING_FORMATS: &[&str] = &["hostname"];

fn main() {
    println!("cargo:rerun-if-changed=openapi");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let started = std::time::Instant::now();

    let text =
        std::fs::read_to_string(FRAGMENT).unwrap_or_else(|e| panic!("cannot read {FRAGMENT}: {e}"));
    let mut raw: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{FRAGMENT} is not JSON: {e}"));
    rename_components(&mut raw);
    hoist_inline_enums(&mut raw);
    inline_plain_refs(&mut raw);
    prune_unreachable(&mut raw);
    let api = Api::read(&raw);

    let for_progenitor = api.progenitor_spec();
    let spec: openapiv3::OpenAPI = serde_json::from_value(for_progenitor)
        .unwrap_or_else(|e| panic!("{FRAGMENT} is not OpenAPI 3.0: {e}"));

    write(&out_dir, "codegen.rs", &api.generate_client(&spec));
    write(&out_dir, "open_enums.rs", &api.generate_open_enums());
    write(&out_dir, "schema_table.rs", &api.generate_schema_table());
    write(&out_dir, "operations.rs", &api.generate_operations());
    write(&out_dir, "public_types.rs", &api.generate_public_types());
    // For benches/build_times.sh: how long code generation took, in milliseconds.
    write(
        &out_dir,
        "codegen-ms.txt",
        &format!("{}\n", started.elapsed().as_millis()),
    );
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

#[path = "build/names.rs"]
mod names;
use names::{RUST_KEYWORDS, ident, pascal, snake, upper};

/// A Rust string literal.
fn lit(text: &str) -> String {
    format!("{text:?}")
}

/// Text for rustdoc: Cloudflare's descriptions are CommonMark, so a link `[text](url)`
/// stays a link; other brackets and angle brackets would be read as intra-doc links or
/// HTML, and are escaped.
fn doc_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(['[', ']', '<', '>']) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if tail.starts_with('[')
            && let Some(close) = tail.find("](")
            && let Some(end) = tail[close..].find(')')
            && !tail[1..close].contains(['[', ']'])
            && tail[close + 2..close + end].starts_with("http")
        {
            out.push_str(&tail[..close + end + 1]);
            rest = &tail[close + end + 1..];
            continue;
        }
        out.push_str(match tail.as_bytes()[0] {
            b'[' => "\\[",
            b']' => "\\]",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// A doc attribute. Text from the fragment goes through [`doc_text`] first; the links
/// this script writes itself stay links.
fn doc(out: &mut String, indent: &str, text: &str) {
    writeln!(out, "{indent}#[doc = {}]", lit(text)).unwrap();
}

// ---------------------------------------------------------------------------------------
// The fragment
// ---------------------------------------------------------------------------------------

/// Moves every string enum and every object written inline into a named schema
/// (`<Parent><Property>`) and refers to it: each enum becomes an open enum, each object a
/// public type.
fn hoist_inline_enums(raw: &mut Value) {
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
fn rename_components(raw: &mut Value) {
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
    fn point(value: &mut Value, renames: &BTreeMap<String, String>) {
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
fn inline_plain_refs(raw: &mut Value) {
    let schemas = raw["components"]["schemas"].clone();
    let plain = |name: &str| {
        let schema = &schemas[name];
        !(schema.get("properties").is_some() || is_string_enum(schema))
    };
    fn walk(value: &mut Value, schemas: &Value, plain: &dyn Fn(&str) -> bool, depth: usize) {
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
fn prune_unreachable(raw: &mut Value) {
    fn refs(value: &Value, found: &mut Vec<String>) {
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

fn is_string_enum(schema: &Value) -> bool {
    schema.get("enum").is_some() && schema.get("type").and_then(Value::as_str) == Some("string")
}

fn hoist_in(schema: &mut Value, name: &str, hoisted: &mut Map<String, Value>, top: bool) {
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

/// One path parameter of an operation.
struct Param {
    name: String,
    schema: Value,
}

/// One operation of the fragment.
struct Operation {
    id: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    deprecated: bool,
    params: Vec<Param>,
    body: Option<Value>,
    envelope: String,
    idempotent: bool,
}

struct Api {
    raw: Value,
    operations: Vec<Operation>,
    /// Named schemas that a request can carry.
    in_requests: BTreeSet<String>,
    /// Named schemas that a call returns (inside an envelope's `result`).
    in_results: BTreeSet<String>,
}

impl Api {
    fn read(raw: &Value) -> Self {
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

    fn schemas(&self) -> &Map<String, Value> {
        self.raw["components"]["schemas"]
            .as_object()
            .expect("schemas")
    }

    fn string_enums(&self) -> Vec<(&String, &Value)> {
        self.schemas()
            .iter()
            .filter(|(_, schema)| is_string_enum(schema))
            .collect()
    }

    /// The spec progenitor sees: request bodies as free-form objects (the builders send
    /// exactly the JSON they assembled), success envelopes without fields the caller never
    /// gets.
    fn progenitor_spec(&self) -> Value {
        let mut spec = self.raw.clone();
        let paths = spec["paths"].as_object_mut().expect("paths");
        for item in paths.values_mut() {
            for operation in item.as_object_mut().expect("path item").values_mut() {
                if let Some(content) =
                    operation.pointer_mut("/requestBody/content/application~1json")
                {
                    content["schema"] = json!({"type": "object"});
                }
            }
        }
        // Integer bounds are the checks' business (the schema table); given to typify, a
        // minimum of exactly 1 turns `u32` into `NonZeroU32`, so that widening a bound
        // upstream would change a field's Rust type. The format alone picks the type.
        strip_integer_bounds(&mut spec["components"]);
        let envelopes: BTreeSet<&str> = self
            .operations
            .iter()
            .map(|op| op.envelope.as_str())
            .collect();
        let schemas = spec["components"]["schemas"]
            .as_object_mut()
            .expect("schemas");
        for envelope in envelopes {
            let properties = schemas[envelope]["properties"]
                .as_object_mut()
                .unwrap_or_else(|| panic!("{FRAGMENT}: envelope {envelope} has no properties"));
            properties.retain(|key, _| {
                ["success", "errors", "messages", "result"].contains(&key.as_str())
            });
            let carries_nothing = properties
                .get("result")
                .is_some_and(|r| r["type"] == "array" && r["maxItems"] == 0);
            if carries_nothing {
                properties.remove("result");
            }
        }
        spec
    }

    /// Whether a named schema is an object that will grow.
    fn grows(&self, name: &str) -> bool {
        let schema = &self.schemas()[name];
        schema.get("properties").is_some() && !is_string_enum(schema)
    }

    fn public_types(&self) -> BTreeSet<String> {
        self.in_requests
            .iter()
            .chain(&self.in_results)
            .filter(|name| !is_string_enum(&self.schemas()[name.as_str()]))
            .cloned()
            .collect()
    }

    fn generate_client(&self, spec: &openapiv3::OpenAPI) -> String {
        let mut settings = progenitor::GenerationSettings::new();
        settings
            .with_interface(progenitor::InterfaceStyle::Builder)
            // Every call carries its own context: credentials, transport policy, and a slot
            // where the transport records what it saw (status, cf-ray, body).
            .with_inner_type("crate::core::hooks::Inner".parse().expect("a Rust path"))
            .with_hooks(progenitor::HooksMode::Expected)
            .with_derive("schemars::JsonSchema")
            .with_derive("PartialEq");
        for (name, _) in self.string_enums() {
            settings.with_replacement(
                name,
                format!("crate::{name}"),
                [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
            );
        }
        // Fields will be added to every object a call takes or returns: adding one must not
        // break a user's code.
        let mut non_exhaustive = progenitor::TypePatch::default();
        non_exhaustive.with_attr("#[non_exhaustive]");
        for name in self.public_types() {
            if self.grows(&name) {
                settings.with_patch(&name, &non_exhaustive);
            }
        }
        let mut generator = progenitor::Generator::new(&settings);
        let tokens = generator
            .generate_tokens(spec)
            .unwrap_or_else(|e| panic!("progenitor cannot generate a client from {FRAGMENT}: {e}"));
        let file = syn::parse2(tokens).expect("progenitor emits valid Rust");
        prettyplease::unparse(&file)
    }

    fn generate_open_enums(&self) -> String {
        let mut out = String::from("// Generated by build.rs from the OpenAPI fragment.\n");
        for (name, schema) in self.string_enums() {
            let description = schema["description"].as_str().unwrap_or(name);
            let mut taken = BTreeSet::new();
            writeln!(out, "crate::core::open_enum::open_enum! {{").unwrap();
            writeln!(out, "    {name}: {} {{", lit(&doc_text(description))).unwrap();
            for value in schema["enum"].as_array().expect("enum") {
                let value = value.as_str().unwrap_or_else(|| {
                    panic!("{FRAGMENT}: enum {name} has a value that is not a string: {value}")
                });
                let base = pascal(value);
                let mut variant = base.clone();
                let mut n = 2;
                while !taken.insert(variant.clone()) {
                    variant = format!("{base}{n}");
                    n += 1;
                }
                writeln!(out, "        {variant} = {},", lit(value)).unwrap();
            }
            writeln!(out, "    }}\n}}").unwrap();
        }
        out
    }

    fn generate_public_types(&self) -> String {
        let mut out = String::from("// Generated by build.rs from the OpenAPI fragment.\n");
        let public = self.public_types();
        let names: Vec<&str> = public.iter().map(String::as_str).collect();
        writeln!(
            out,
            "pub use crate::generated::progenitor::types::{{{}}};",
            names.join(", ")
        )
        .unwrap();
        let structs: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| self.schemas()[*name].get("properties").is_some())
            .collect();
        writeln!(out, "/// Builders of the request and result types: a setter per field, checked on `try_into`.").unwrap();
        writeln!(out, "pub mod builder {{").unwrap();
        writeln!(
            out,
            "    pub use crate::generated::progenitor::types::builder::{{{}}};",
            structs.join(", ")
        )
        .unwrap();
        writeln!(out, "}}").unwrap();
        out
    }
}

/// Removes `minimum` and `maximum` from every integer schema (see `progenitor_spec`).
fn strip_integer_bounds(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("type").and_then(Value::as_str) == Some("integer") {
                for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                    object.remove(bound);
                }
            }
            object.values_mut().for_each(strip_integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_integer_bounds),
        _ => {}
    }
}

fn schema_named<'a>(raw: &'a Value, name: &str) -> &'a Value {
    raw.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("{FRAGMENT} has no schema {name}"))
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str).map(|reference| {
        reference
            .strip_prefix(SCHEMAS)
            .unwrap_or_else(|| panic!("{FRAGMENT}: unsupported $ref {reference}"))
    })
}

/// The one schema behind `$ref` or `allOf: [$ref]`, with the name it has.
fn resolve<'a>(raw: &'a Value, schema: &'a Value) -> (Option<&'a str>, &'a Value) {
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

fn collect_refs(raw: &Value, schema: &Value, found: &mut BTreeSet<String>) {
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

fn read_operation(raw: &Value, path: &str, method: &str, operation: &Value) -> Operation {
    let id = operation["operationId"]
        .as_str()
        .unwrap_or_else(|| panic!("{FRAGMENT}: {method} {path} has no operationId"))
        .to_string();
    if ident(&id) != id {
        panic!("{FRAGMENT}: operationId {id:?} must be a snake_case Rust name");
    }
    let mut params = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().expect("a parameter has a name");
        match parameter["in"].as_str() {
            Some("path") => {}
            other => panic!(
                "{FRAGMENT}: {id}: parameter {name} is in {other:?}; only path parameters are \
                 supported (teach build.rs the others)"
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
             src/core/transport.rs and build.rs other ranges first"
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
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        params,
        body,
        envelope,
        idempotent,
    }
}

// ---------------------------------------------------------------------------------------
// The schema table: what the checks and the fake read
// ---------------------------------------------------------------------------------------

struct Table<'a> {
    api: &'a Api,
    out: String,
    /// Named schemas already emitted, by name.
    done: BTreeMap<String, String>,
}

impl Table<'_> {
    /// Emits the static of a schema and returns its name.
    fn node(&mut self, schema: &Value, hint: &str, where_: &str) -> String {
        if let Some(name) = ref_name(schema) {
            if let Some(done) = self.done.get(name) {
                return done.clone();
            }
            let ident = format!("S_{}", upper(name));
            self.done.insert(name.to_string(), ident.clone());
            let named = schema_named(&self.api.raw, name).clone();
            self.emit(&ident, &named, name, &format!("schema {name}"), Some(name));
            return ident;
        }
        let ident = format!("S_{}", upper(hint));
        self.emit(&ident, schema, hint, where_, None);
        ident
    }

    fn emit(&mut self, ident: &str, schema: &Value, hint: &str, where_: &str, _name: Option<&str>) {
        for key in schema.as_object().into_iter().flat_map(|o| o.keys()) {
            if !CHECKED_KEYWORDS.contains(&key.as_str()) && !key.starts_with("x-") {
                panic!(
                    "{FRAGMENT}: {where_} uses `{key}`, which the request checks do not \
                     understand; teach build.rs and src/schema.rs to check it"
                );
            }
        }
        let mut nullable = schema["nullable"].as_bool() == Some(true);
        let mut deprecated = schema["deprecated"].as_bool() == Some(true);
        let mut description = schema["description"].as_str().unwrap_or("").to_string();
        // `allOf: [$ref]` (with `nullable` beside it) is the referenced schema.
        let (inner_name, inner) = if schema.get("allOf").is_some() {
            let (inner_name, inner) = resolve(&self.api.raw, schema);
            (inner_name.map(str::to_string), inner.clone())
        } else {
            (None, schema.clone())
        };
        if let Some(inner_name) = &inner_name {
            nullable |= inner["nullable"].as_bool() == Some(true);
            deprecated |= inner["deprecated"].as_bool() == Some(true);
            if description.is_empty() {
                description = inner["description"].as_str().unwrap_or("").to_string();
            }
            let target = self.node(
                &json!({"$ref": format!("{SCHEMAS}{inner_name}")}),
                hint,
                where_,
            );
            writeln!(
                self.out,
                "pub(crate) static {ident}: Schema = Schema {{ kind: Kind::Same(&{target}), nullable: {nullable}, deprecated: {deprecated}, description: {}, example: {}, default: {} }};",
                lit(&description),
                opt_json(schema.get("example")),
                opt_json(schema.get("default")),
            )
            .unwrap();
            return;
        }
        let schema = inner;
        let kind = match schema["type"].as_str() {
            Some("boolean") => "Kind::Boolean".to_string(),
            Some("integer") => {
                let (format_min, format_max) = integer_range(schema["format"].as_str(), where_);
                let min = bound(schema.get("minimum"), format_min, i128::max, where_);
                let max = bound(schema.get("maximum"), format_max, i128::min, where_);
                format!("Kind::Integer {{ min: {min}, max: {max} }}")
            }
            Some("number") => {
                let f = |v: Option<&Value>| match v.and_then(Value::as_f64) {
                    Some(v) => format!("Some({v:?})"),
                    None => "None".to_string(),
                };
                format!(
                    "Kind::Number {{ min: {}, max: {} }}",
                    f(schema.get("minimum")),
                    f(schema.get("maximum"))
                )
            }
            Some("string") => {
                let format = match schema["format"].as_str() {
                    None => "None".to_string(),
                    Some(format) if CHECKED_STRING_FORMATS.contains(&format) => {
                        format!("Some({})", lit(format))
                    }
                    Some(format) => panic!(
                        "{FRAGMENT}: {where_} has format `{format}`, which the request checks do \
                         not understand; teach build.rs and src/schema.rs to check it"
                    ),
                };
                let values: Vec<String> = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| lit(v.as_str().expect("string enum values")))
                    .collect();
                // Values are checked where people type them; a request that means to send a
                // value newer than the crate says so (`allow_unknown_enum_values`).
                let closed = !values.is_empty();
                let u = |key: &str| match schema.get(key).and_then(Value::as_u64) {
                    Some(v) => format!("Some({v})"),
                    None => "None".to_string(),
                };
                format!(
                    "Kind::String {{ min_length: {}, max_length: {}, format: {format}, values: &[{}], closed: {closed} }}",
                    u("minLength"),
                    u("maxLength"),
                    values.join(", ")
                )
            }
            Some("array") => {
                let items = schema
                    .get("items")
                    .unwrap_or_else(|| panic!("{FRAGMENT}: {where_} is an array without items"));
                let items = self.node(items, &format!("{hint}Item"), &format!("{where_}[]"));
                format!("Kind::Array {{ items: &{items} }}")
            }
            Some("object") | None
                if schema.get("properties").is_some() || schema["type"] == "object" =>
            {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| v.as_str().expect("required names"))
                    .collect();
                let mut properties = Vec::new();
                for (property, value) in schema["properties"].as_object().into_iter().flatten() {
                    let target = self.node(
                        value,
                        &format!("{hint}_{}", snake(property)),
                        &format!("{where_}.{property}"),
                    );
                    properties.push(format!(
                        "Property {{ name: {}, schema: &{target}, required: {} }}",
                        lit(property),
                        required.contains(&property.as_str())
                    ));
                }
                for name in &required {
                    if schema["properties"].get(name).is_none() {
                        panic!("{FRAGMENT}: {where_} requires {name}, which it does not define");
                    }
                }
                let additional = match schema.get("additionalProperties") {
                    None | Some(Value::Bool(true)) => "true",
                    Some(Value::Bool(false)) => "false",
                    Some(Value::Object(o)) if o.is_empty() => "true",
                    Some(other) => panic!(
                        "{FRAGMENT}: {where_}: additionalProperties {other} is not supported in \
                         requests (true, false or {{}})"
                    ),
                };
                format!(
                    "Kind::Object {{ properties: &[{}], additional: {additional} }}",
                    properties.join(", ")
                )
            }
            None => "Kind::Any".to_string(),
            Some(other) => {
                panic!("{FRAGMENT}: {where_} has type `{other}`, which is not supported")
            }
        };
        writeln!(
            self.out,
            "pub(crate) static {ident}: Schema = Schema {{ kind: {kind}, nullable: {nullable}, deprecated: {deprecated}, description: {}, example: {}, default: {} }};",
            lit(&description),
            opt_json(schema.get("example")),
            opt_json(schema.get("default")),
        )
        .unwrap();
    }
}

fn opt_json(value: Option<&Value>) -> String {
    match value {
        Some(value) => format!("Some({})", lit(&value.to_string())),
        None => "None".to_string(),
    }
}

/// The range an integer format allows.
fn integer_range(format: Option<&str>, where_: &str) -> (Option<i128>, Option<i128>) {
    match format {
        None => (None, None),
        Some("uint8") => (Some(0), Some(u8::MAX.into())),
        Some("uint16") => (Some(0), Some(u16::MAX.into())),
        Some("uint32") => (Some(0), Some(u32::MAX.into())),
        Some("uint64") => (Some(0), Some(u64::MAX.into())),
        Some("int8") => (Some(i8::MIN.into()), Some(i8::MAX.into())),
        Some("int16") => (Some(i16::MIN.into()), Some(i16::MAX.into())),
        Some("int32") => (Some(i32::MIN.into()), Some(i32::MAX.into())),
        Some("int64") => (Some(i64::MIN.into()), Some(i64::MAX.into())),
        Some(other) => {
            panic!("{FRAGMENT}: {where_} has integer format `{other}`, which is not supported")
        }
    }
}

fn bound(
    value: Option<&Value>,
    from_format: Option<i128>,
    pick: fn(i128, i128) -> i128,
    where_: &str,
) -> String {
    let stated = value.map(|v| {
        v.as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))
            .unwrap_or_else(|| {
                panic!("{FRAGMENT}: {where_}: an integer bound must be an integer, not {v}")
            })
    });
    match (stated, from_format) {
        (Some(a), Some(b)) => format!("Some({})", pick(a, b)),
        (Some(a), None) | (None, Some(a)) => format!("Some({a})"),
        (None, None) => "None".to_string(),
    }
}

/// The value a new account (or a new record) of the fake holds for a schema: what the
/// overlay says Cloudflare answers (`x-cloudflare-answers`, with its evidence), else the
/// schema's `example`, else its `default`, else one built from its properties (the required
/// ones always, with a value their type and bounds allow), so that a required field with
/// no example never leaves the fake without a value.
fn example(raw: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    if let Some(answer) = schema.get("x-cloudflare-answers") {
        return Some(answer.get("value").cloned().unwrap_or(Value::Null));
    }
    if let Some(example) = schema.get("example").or_else(|| schema.get("default")) {
        return Some(example.clone());
    }
    let (name, resolved) = resolve(raw, schema);
    if name.is_some() {
        return example(raw, resolved, depth + 1);
    }
    match resolved["type"].as_str() {
        Some("object") | None if resolved.get("properties").is_some() => {
            let required: Vec<&str> = resolved["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut object = Map::new();
            for (property, value) in resolved["properties"].as_object().into_iter().flatten() {
                let found = example(raw, value, depth + 1).or_else(|| {
                    required
                        .contains(&property.as_str())
                        .then(|| allowed_value(raw, value))
                });
                if let Some(found) = found {
                    object.insert(property.clone(), found);
                }
            }
            Some(Value::Object(object))
        }
        Some("array") => Some(json!([])),
        _ => None,
    }
}

/// A value that a schema's type and bounds allow, for a required field without an example.
fn allowed_value(raw: &Value, schema: &Value) -> Value {
    let (_, resolved) = resolve(raw, schema);
    if resolved["nullable"] == true {
        return Value::Null;
    }
    if let Some(first) = resolved["enum"].as_array().and_then(|v| v.first()) {
        return first.clone();
    }
    match resolved["type"].as_str() {
        Some("boolean") => json!(false),
        Some("integer") | Some("number") => {
            resolved.get("minimum").cloned().unwrap_or_else(|| json!(0))
        }
        Some("string") => {
            let length = resolved["minLength"].as_u64().unwrap_or(0) as usize;
            Value::String("x".repeat(length))
        }
        Some("array") => json!([]),
        _ => example(raw, schema, 1).unwrap_or_else(|| json!({})),
    }
}

/// The refusals the overlay declares (`x-known-refusals` on a request field), as static
/// data: the plan reports them before sending, and the fake answers them.
fn known_refusals(api: &Api) -> String {
    fn walk(
        raw: &Value,
        schema: &Value,
        path: &str,
        op: &str,
        out: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        for refusal in schema["x-known-refusals"].as_array().into_iter().flatten() {
            let field = |key: &str| {
                refusal.get(key).unwrap_or_else(|| {
                    panic!("{FRAGMENT}: {op}: {path}: x-known-refusals needs `{key}`")
                })
            };
            out.push(format!(
                "KnownRefusal {{ operation: {}, field: {}, value: {}, status: {}, code: {}, message: {} }}",
                lit(op),
                lit(path),
                lit(&field("value").to_string()),
                field("status").as_u64().expect("status is a number"),
                field("code").as_i64().expect("code is a number"),
                lit(field("message").as_str().expect("message is text")),
            ));
        }
        let (_, resolved) = resolve(raw, schema);
        for (property, value) in resolved["properties"].as_object().into_iter().flatten() {
            let inner = if path.is_empty() {
                property.clone()
            } else {
                format!("{path}.{property}")
            };
            walk(raw, value, &inner, op, out, depth + 1);
        }
    }
    let mut found = Vec::new();
    for op in &api.operations {
        if let Some(body) = &op.body {
            walk(&api.raw, body, "", &op.id, &mut found, 0);
        }
    }
    format!(
        "/// What Cloudflare is known to refuse although the schema allows it, from the overlay's\n/// `x-known-refusals` (each with its evidence there).\n#[cfg_attr(not(feature = \"fake\"), allow(dead_code))]\npub(crate) static KNOWN_REFUSALS: &[KnownRefusal] = &[{}];\n",
        found.join(", ")
    )
}

impl Api {
    fn generate_schema_table(&self) -> String {
        let mut table = Table {
            api: self,
            out: String::from("// Generated by build.rs from the OpenAPI fragment.\n"),
            done: BTreeMap::new(),
        };
        let mut operations = String::new();
        for op in &self.operations {
            let mut params = Vec::new();
            for param in &op.params {
                let target = table.node(
                    &param.schema,
                    &format!("{}_{}", op.id, param.name),
                    &format!("{}: parameter {}", op.id, param.name),
                );
                params.push(format!(
                    "Param {{ name: {}, schema: &{target} }}",
                    lit(&param.name)
                ));
            }
            let body = match &op.body {
                Some(body) => {
                    let target = table.node(
                        body,
                        &format!("{}_body", op.id),
                        &format!("{}: request body", op.id),
                    );
                    format!("Some(&{target})")
                }
                None => "None".to_string(),
            };
            let envelope = schema_named(&self.raw, &op.envelope);
            let result_example = envelope
                .pointer("/properties/result")
                .and_then(|result| example(&self.raw, result, 0));
            writeln!(
                operations,
                "/// `{} {}`: {}\npub(crate) static OP_{}: Operation = Operation {{ id: {}, method: {}, path: {}, params: &[{}], body: {body}, idempotent: {}, result_example: {} }};",
                op.method,
                op.path,
                op.summary.replace('\n', " "),
                upper(&op.id),
                lit(&op.id),
                lit(&op.method),
                lit(&op.path),
                params.join(", "),
                op.idempotent,
                opt_json(result_example.as_ref()),
            )
            .unwrap();
        }
        let all: Vec<String> = self
            .operations
            .iter()
            .map(|op| format!("&OP_{}", upper(&op.id)))
            .collect();
        writeln!(
            operations,
            "/// Every operation of the fragment (the fake routes by them).\n#[cfg_attr(not(feature = \"fake\"), allow(dead_code))]\npub(crate) static OPERATIONS: &[&Operation] = &[{}];",
            all.join(", ")
        )
        .unwrap();
        table.out + &operations + &known_refusals(self)
    }
}

// ---------------------------------------------------------------------------------------
// The request builders
// ---------------------------------------------------------------------------------------

/// A request field that gets setters.
struct Field {
    /// The JSON path, such as `["zone_defaults", "soa", "retry"]`.
    path: Vec<String>,
    /// The setter's name, such as `zone_defaults_soa_retry`.
    setter: String,
    /// The setter's argument type and how it becomes the value to serialize.
    arg: String,
    convert: &'static str,
    description: String,
    rules: Vec<String>,
    nullable: bool,
    deprecated: bool,
}

impl Api {
    /// The setter argument of a schema: `(type, conversion, rules)`, or `None` for an object
    /// with properties (whose fields get setters of their own).
    fn argument(&self, schema: &Value) -> (String, &'static str, Vec<String>) {
        let (name, resolved) = resolve(&self.raw, schema);
        if let Some(name) = name
            && is_string_enum(resolved)
        {
            let values: Vec<String> = resolved["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|v| format!("`{v}`"))
                .collect();
            let rule = format!(
                "One of {} (a value newer than the crate is refused unless the request says \
                 `allow_unknown_enum_values`).",
                values.join(", ")
            );
            return (format!("impl Into<crate::{name}>"), "into", vec![rule]);
        }
        let mut rules = Vec::new();
        let (min, max) = (resolved.get("minimum"), resolved.get("maximum"));
        match (min, max) {
            (Some(min), Some(max)) => rules.push(format!("Between {min} and {max} inclusive.")),
            (Some(min), None) => rules.push(format!("At least {min}.")),
            (None, Some(max)) => rules.push(format!("At most {max}.")),
            (None, None) => {}
        }
        match (resolved.get("minLength"), resolved.get("maxLength")) {
            (Some(min), Some(max)) => rules.push(format!("{min} to {max} characters.")),
            (Some(min), None) => rules.push(format!("At least {min} characters.")),
            (None, Some(max)) => rules.push(format!("At most {max} characters.")),
            (None, None) => {}
        }
        if resolved["format"] == "hostname" {
            rules.push("A hostname: dot-separated labels of letters, digits and hyphens.".into());
        }
        let ty = match resolved["type"].as_str() {
            Some("boolean") => ("bool".to_string(), "same"),
            Some("integer") => {
                let ty = match resolved["format"].as_str() {
                    Some("uint8") => "u8",
                    Some("uint16") => "u16",
                    Some("uint32") => "u32",
                    Some("int8") => "i8",
                    Some("int16") => "i16",
                    Some("int32") => "i32",
                    Some("int64") => "i64",
                    Some("uint64") => "u64",
                    _ if resolved["minimum"].as_i64().is_some_and(|m| m >= 0) => "u64",
                    _ => "i64",
                };
                (ty.to_string(), "same")
            }
            Some("number") => ("f64".to_string(), "same"),
            Some("string") => ("impl Into<String>".to_string(), "string"),
            Some("array") => {
                let items = resolved.get("items").expect("checked: arrays have items");
                let (item, convert, _) = self.argument(items);
                let item = match convert {
                    "string" => "String".to_string(),
                    "into" => item
                        .trim_start_matches("impl Into<")
                        .trim_end_matches('>')
                        .to_string(),
                    _ => item,
                };
                (format!("Vec<{item}>"), "same")
            }
            _ if name.is_some() && resolved.get("properties").is_some() => {
                (format!("crate::types::{}", name.expect("named")), "same")
            }
            _ => ("serde_json::Value".to_string(), "same"),
        };
        (ty.0, ty.1, rules)
    }

    /// Every field of a request body, depth first: leaves, and objects with a named type
    /// (which also get a setter for the whole object).
    fn fields(&self, schema: &Value, path: &[String], out: &mut Vec<Field>) {
        let (_, resolved) = resolve(&self.raw, schema);
        for (property, value) in resolved["properties"].as_object().into_iter().flatten() {
            let mut field_path = path.to_vec();
            field_path.push(property.clone());
            let (name, inner) = resolve(&self.raw, value);
            let description = value["description"]
                .as_str()
                .or(inner["description"].as_str())
                .unwrap_or("")
                .to_string();
            let nullable = value["nullable"].as_bool() == Some(true)
                || inner["nullable"].as_bool() == Some(true);
            let deprecated = value["deprecated"].as_bool() == Some(true)
                || inner["deprecated"].as_bool() == Some(true);
            let setter = field_path
                .iter()
                .map(|p| snake(p))
                .collect::<Vec<_>>()
                .join("_");
            let setter = if RUST_KEYWORDS.contains(&setter.as_str()) {
                format!("{setter}_")
            } else {
                setter
            };
            let is_object = inner.get("properties").is_some() && !is_string_enum(inner);
            if !is_object || name.is_some() {
                let (arg, convert, rules) = self.argument(value);
                out.push(Field {
                    path: field_path.clone(),
                    setter,
                    arg,
                    convert,
                    description,
                    rules,
                    nullable,
                    deprecated,
                });
            }
            if is_object {
                self.fields(value, &field_path, out);
            }
        }
    }

    fn generate_operations(&self) -> String {
        let mut out = String::from("// Generated by build.rs from the OpenAPI fragment.\n");
        let mut client_methods = String::new();
        for op in &self.operations {
            self.generate_operation(op, &mut out, &mut client_methods);
        }
        writeln!(
            out,
            "impl crate::core::client::Client {{\n{client_methods}}}"
        )
        .unwrap();
        // How each success envelope unwraps.
        let envelopes: BTreeSet<&str> = self
            .operations
            .iter()
            .map(|op| op.envelope.as_str())
            .collect();
        for envelope in envelopes {
            let (ty, expr) = self.envelope_result(envelope);
            writeln!(
                out,
                "impl crate::core::response::Envelope for crate::generated::progenitor::types::{envelope} {{\n    type Result = {ty};\n    fn into_parts(self) -> crate::core::response::Parts<Self::Result> {{\n        (self.success, self.errors, self.messages, {expr})\n    }}\n}}"
            )
            .unwrap();
        }
        out
    }

    /// The result type of an envelope and how `into_parts` gets it.
    fn envelope_result(&self, envelope: &str) -> (String, &'static str) {
        let schema = schema_named(&self.raw, envelope);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !required.contains(&"success") {
            panic!("{FRAGMENT}: envelope {envelope} must require `success`");
        }
        let Some(result) = schema.pointer("/properties/result") else {
            return ("()".to_string(), "Some(())");
        };
        let nullable = result["nullable"].as_bool() == Some(true);
        let optional = nullable || !required.contains(&"result");
        let (name, resolved) = resolve(&self.raw, result);
        if let Some(name) = name {
            let ty = format!("crate::generated::progenitor::types::{name}");
            return (
                ty,
                if optional {
                    "self.result"
                } else {
                    "Some(self.result)"
                },
            );
        }
        match resolved["type"].as_str() {
            // An array that can hold no item (upstream's "Unused" result of a delete) carries
            // nothing: the call returns `()`, and progenitor does not see the field, so that
            // whatever Cloudflare puts there decodes.
            Some("array") if resolved["maxItems"] == 0 => ("()".to_string(), "Some(())"),
            Some("array") => {
                let item = resolved.get("items").and_then(ref_name).unwrap_or_else(|| {
                    panic!("{FRAGMENT}: {envelope}: result items must $ref a schema")
                });
                let ty = format!("Vec<crate::generated::progenitor::types::{item}>");
                // typify reads an absent array as empty; only a nullable one is an Option.
                (
                    ty,
                    if nullable {
                        "Some(self.result.unwrap_or_default())"
                    } else {
                        "Some(self.result)"
                    },
                )
            }
            None if resolved.get("properties").is_none() => ("()".to_string(), "Some(())"),
            _ => panic!(
                "{FRAGMENT}: {envelope}: result must $ref a schema, be an array of one, or be free-form"
            ),
        }
    }

    fn generate_operation(&self, op: &Operation, out: &mut String, client_methods: &mut String) {
        let ty = pascal(&op.id);
        let spec = format!("crate::request::schema::OP_{}", upper(&op.id));
        let (result, _) = self.envelope_result(&op.envelope);
        let result = if result == "()" {
            result
        } else {
            result.replace("crate::generated::progenitor::types::", "crate::types::")
        };

        // The body's fields, and which of them the client method takes.
        let mut fields = Vec::new();
        let mut required_body = Vec::new();
        let mut body_type = None;
        if let Some(body) = &op.body {
            let (name, resolved) = resolve(&self.raw, body);
            body_type = name.map(str::to_string);
            self.fields(body, &[], &mut fields);
            for name in resolved["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                required_body.push(name.to_string());
            }
        }
        let mut seen = BTreeMap::new();
        for field in &fields {
            for name in [
                field.setter.clone(),
                format!("set_{}", field.setter),
                format!("{}_null", field.setter),
            ] {
                if let Some(other) = seen.insert(name.clone(), field.path.join(".")) {
                    panic!(
                        "{FRAGMENT}: {}: fields {other} and {} both want a setter named {name}",
                        op.id,
                        field.path.join(".")
                    );
                }
            }
        }

        // Arguments of the client method: path parameters in path order, then required body
        // fields.
        let mut args = Vec::new(); // (ident, type, how it is stored)
        let mut struct_fields = String::new();
        let mut init = String::new();
        for param in &op.params {
            let name = ident(&param.name);
            args.push(format!("{name}: impl Into<String>"));
            writeln!(struct_fields, "    {name}: String,").unwrap();
            writeln!(init, "            {name}: {name}.into(),").unwrap();
        }
        let mut body_init = String::new();
        for name in &required_body {
            let field = fields
                .iter()
                .find(|f| f.path.len() == 1 && &f.path[0] == name)
                .unwrap_or_else(|| panic!("{FRAGMENT}: {}: required {name} has no field", op.id));
            let arg = ident(name);
            if op.params.iter().any(|p| ident(&p.name) == arg) {
                panic!(
                    "{FRAGMENT}: {}: body field {name} has the name of a path parameter",
                    op.id
                );
            }
            args.push(format!("{arg}: {}", field.arg));
            writeln!(
                body_init,
                "        body.set(&[{}], crate::request::to_json(&{}));",
                lit(name),
                conversion(&field.arg, field.convert, &arg)
            )
            .unwrap();
        }
        let has_body = op.body.is_some();
        if has_body {
            writeln!(struct_fields, "    body: crate::request::Body,").unwrap();
        }

        // The client method.
        let method_doc = format!(
            "{}: `{} {}`.\n\n{}\n\nReturns a [`{ty}`] request; nothing is sent until its `send`.",
            doc_text(&op.summary),
            op.method,
            op.path,
            doc_text(&op.description)
        );
        doc(client_methods, "    ", &method_doc);
        if op.deprecated {
            writeln!(
                client_methods,
                "    #[deprecated(note = \"Cloudflare deprecated this operation\")]"
            )
            .unwrap();
        }
        writeln!(
            client_methods,
            "    pub fn {}(&self, {}) -> crate::operations::{ty} {{",
            op.id,
            args.join(", ")
        )
        .unwrap();
        if has_body {
            writeln!(client_methods, "        #[allow(unused_mut)]\n        let mut body = crate::request::Body::default();").unwrap();
            client_methods.push_str(&body_init);
        }
        writeln!(
            client_methods,
            "        crate::operations::{ty} {{\n            client: self.clone(),"
        )
        .unwrap();
        client_methods.push_str(&init);
        if has_body {
            writeln!(client_methods, "            body,").unwrap();
        }
        writeln!(
            client_methods,
            "            options: Default::default(),\n        }}\n    }}"
        )
        .unwrap();

        // The builder.
        let retry_class = if op.idempotent {
            "Safe to repeat: retried after a timeout, a lost connection or a 5xx, as the retry policy allows."
        } else {
            "Not safe to repeat: after a timeout, a lost connection or a 5xx once the request was sent, it is not retried and comes back as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), unless [`retry_when_outcome_unknown`](Self::retry_when_outcome_unknown) says otherwise."
        };
        doc(
            out,
            "",
            &format!(
                "A request to {}: `{} {}`. Made by [`Client::{}`](crate::Client::{}), sent by [`send`](Self::send).\n\n{}\n\n{retry_class}",
                doc_text(&op.summary.to_lowercase()),
                op.method,
                op.path,
                op.id,
                op.id,
                doc_text(&op.description)
            ),
        );
        writeln!(
            out,
            "#[derive(Clone, Debug)]\n#[must_use = \"a request does nothing until `.send().await`\"]\npub struct {ty} {{\n    client: crate::core::client::Client,\n{struct_fields}    options: crate::core::transport::CallOptions,\n}}\n\nimpl {ty} {{"
        )
        .unwrap();
        for field in &fields {
            if field.path.len() == 1 && required_body.contains(&field.path[0]) {
                continue;
            }
            let dotted = field.path.join(".");
            let path_lit = field
                .path
                .iter()
                .map(|p| lit(p))
                .collect::<Vec<_>>()
                .join(", ");
            let mut text = format!("`{dotted}`: {}", doc_text(&field.description));
            if !field.rules.is_empty() {
                text.push_str(&format!(
                    "\n\n{} Checked before sending.",
                    field.rules.join(" ")
                ));
            }
            let deprecated = if field.deprecated {
                format!(
                    "    #[deprecated(note = {})]\n",
                    lit(&format!(
                        "Cloudflare deprecated `{dotted}`: {}",
                        field.description
                    ))
                )
            } else {
                String::new()
            };
            doc(out, "    ", &text);
            write!(out, "{deprecated}").unwrap();
            writeln!(
                out,
                "    pub fn {}(mut self, value: {}) -> Self {{\n        self.body.set(&[{path_lit}], crate::request::to_json(&{}));\n        self\n    }}",
                field.setter,
                field.arg,
                conversion(&field.arg, field.convert, "value")
            )
            .unwrap();
            doc(
                out,
                "    ",
                &format!(
                    "Sets `{dotted}` from an `Option`: `Some` sets it as [`{}`](Self::{}) does, `None` leaves it out of the request.",
                    field.setter, field.setter
                ),
            );
            write!(out, "{deprecated}").unwrap();
            let opt_arg = format!("Option<{}>", field.arg);
            writeln!(
                out,
                "    pub fn set_{}(mut self, value: {opt_arg}) -> Self {{\n        match value {{\n            Some(value) => self.body.set(&[{path_lit}], crate::request::to_json(&{})),\n            None => self.body.remove(&[{path_lit}]),\n        }}\n        self\n    }}",
                field.setter,
                conversion(&field.arg, field.convert, "value")
            )
            .unwrap();
            if field.nullable {
                doc(
                    out,
                    "    ",
                    &format!(
                        "Sends `{dotted}` as an explicit `null`. {}",
                        doc_text(&field.description)
                    ),
                );
                write!(out, "{deprecated}").unwrap();
                writeln!(
                    out,
                    "    pub fn {}_null(mut self) -> Self {{\n        self.body.set(&[{path_lit}], Ok(serde_json::Value::Null));\n        self\n    }}",
                    field.setter
                )
                .unwrap();
            }
        }
        if has_body {
            if let Some(body_type) = &body_type {
                doc(
                    out,
                    "    ",
                    &format!(
                        "Replaces the whole body with one you built (a [`{body_type}`](crate::types::{body_type}), for example from a configuration file). The setters then change it further; [`send`](Self::send) checks it all the same."
                    ),
                );
                writeln!(
                    out,
                    "    pub fn body(mut self, body: crate::types::{body_type}) -> Self {{\n        self.body.replace(&body);\n        self.body.integers(crate::request::schema::OP_{op_upper}.body);\n        self\n    }}",
                    op_upper = upper(&op.id)
                )
                .unwrap();
            }
            doc(
                out,
                "    ",
                "Sets a field by its dotted path (`zone_defaults.soa.ttl`) to any value: the way to send a field newer than this version of the crate. A field the fragment knows is checked before sending like every other (a whole number given as a float, `3600.0`, goes on the wire as `3600` where the field is an integer); a field it does not know is sent as given, as Cloudflare's schema admits unknown fields.",
            );
            writeln!(
                out,
                "    pub fn set_field(mut self, path: &str, value: impl serde::Serialize) -> Self {{\n        self.body.set_dotted(path, crate::request::to_json(&value));\n        self.body.integers(crate::request::schema::OP_{op_upper}.body);\n        self\n    }}",
                op_upper = upper(&op.id)
            )
            .unwrap();
            doc(
                out,
                "    ",
                "Sends enum values that this version of the crate does not list (values Cloudflare added later), which the checks otherwise refuse as typos. Every other rule is still checked.",
            );
            writeln!(
                out,
                "    pub fn allow_unknown_enum_values(mut self) -> Self {{\n        self.body.allow_unknown_values();\n        self\n    }}"
            )
            .unwrap();
        }
        writeln!(out, "    call_option_setters!();").unwrap();
        if !op.idempotent {
            doc(
                out,
                "    ",
                "Retry this request even when it may already have been applied (after a 5xx, a timeout or a connection lost once the request was sent). Off by default: Cloudflare may have applied it before the failure, and a repeat may then fail or apply it twice. With it off, such a failure comes back at once as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).",
            );
            writeln!(
                out,
                "    pub fn retry_when_outcome_unknown(mut self, retry: bool) -> Self {{\n        self.options.retry_unknown_outcome = retry;\n        self\n    }}"
            )
            .unwrap();
        }
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| format!("&self.{}", ident(&p.name)))
            .collect();
        let body_arg = if has_body { "Some(&self.body)" } else { "None" };
        doc(
            out,
            "    ",
            "Checks every argument against the fragment's constraints, as [`send`](Self::send) does first, without sending anything. The error names the field's path and the rule.",
        );
        writeln!(
            out,
            "    pub fn check(&self) -> crate::Result<()> {{\n        crate::request::check_call(&{spec}, &[{}], {body_arg})\n    }}",
            params.join(", ")
        )
        .unwrap();
        if has_body {
            doc(
                out,
                "    ",
                "The JSON body that [`send`](Self::send) would put on the wire, after the same checks.",
            );
            writeln!(
                out,
                "    pub fn to_body(&self) -> crate::Result<serde_json::Value> {{\n        self.check()?;\n        Ok(self.body.to_value())\n    }}"
            )
            .unwrap();
        }
        doc(
            out,
            "    ",
            "Checks the arguments, sends the request and returns its result.",
        );
        writeln!(
            out,
            "    pub async fn send(self) -> crate::Result<{result}> {{\n        self.send_with_details().await.map(|response| response.result)\n    }}"
        )
        .unwrap();
        doc(
            out,
            "    ",
            "Like [`send`](Self::send), with the envelope's messages, the status and the `cf-ray` id.",
        );
        let mut call = format!("generated.{}()", op.id);
        for param in &op.params {
            write!(
                call,
                ".{}(&*self.{})",
                ident(&param.name),
                ident(&param.name)
            )
            .unwrap();
        }
        if has_body {
            call.push_str(".body(self.body.into_map())");
        }
        let repeat = if op.idempotent { "Safe" } else { "Unsafe" };
        writeln!(
            out,
            "    pub async fn send_with_details(self) -> crate::Result<crate::ApiResponse<{result}>> {{\n        self.check()?;\n        let (generated, context) = crate::core::transport::CallContext::client(&self.client, {spec}.id, crate::core::retry::Repeat::{repeat}, self.options)?;\n        let result = Box::pin({call}.send()).await;\n        context.finish(result)\n    }}\n}}\n"
        )
        .unwrap();
    }
}

/// The expression a setter serializes: its argument, converted to the type it stands for.
fn conversion(field_arg: &str, convert: &str, name: &str) -> String {
    match convert {
        "string" => format!("Into::<String>::into({name})"),
        "into" => {
            let target = field_arg
                .trim_start_matches("impl Into<")
                .trim_end_matches('>');
            format!("Into::<{target}>::into({name})")
        }
        _ => name.to_string(),
    }
}
