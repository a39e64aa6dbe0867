//! The schema table (`schema_table.rs`): every request schema and operation as static
//! data, from which the client checks arguments and the fake validates requests, plus the
//! known refusals and example values.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{ToTokens as _, format_ident, quote};
use serde_json::{Map, Value, json};

use crate::api::*;
use crate::names::*;
use crate::{FRAGMENT, SCHEMAS};

/// The keywords the request checks understand. A request schema that uses any other
/// keyword fails the build, so that no constraint of the fragment goes unchecked.
pub(crate) const CHECKED_KEYWORDS: &[&str] = &[
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
    "pattern",
    "properties",
    "readOnly",
    "required",
    "title",
    "type",
];

pub(crate) struct Table<'a> {
    pub(crate) api: &'a Api,
    /// The statics emitted so far, each after the ones it refers to.
    pub(crate) out: TokenStream,
    /// Named schemas already emitted: the name of their static, by schema name.
    pub(crate) done: BTreeMap<String, Ident>,
}

impl Table<'_> {
    /// Emits the static of a schema and returns its name.
    pub(crate) fn node(&mut self, schema: &Value, hint: &str, where_: &str) -> Ident {
        if let Some(name) = ref_name(schema) {
            if let Some(done) = self.done.get(name) {
                return done.clone();
            }
            let ident = format_ident!("S_{}", upper(name));
            self.done.insert(name.to_string(), ident.clone());
            let named = schema_named(&self.api.raw, name).clone();
            self.emit(&ident, &named, name, &format!("schema {name}"), Some(name));
            return ident;
        }
        let ident = format_ident!("S_{}", upper(hint));
        self.emit(&ident, schema, hint, where_, None);
        ident
    }

    pub(crate) fn emit(
        &mut self,
        ident: &Ident,
        schema: &Value,
        hint: &str,
        where_: &str,
        _name: Option<&str>,
    ) {
        for key in schema.as_object().into_iter().flat_map(|o| o.keys()) {
            if !CHECKED_KEYWORDS.contains(&key.as_str()) && !key.starts_with("x-") {
                panic!(
                    "{FRAGMENT}: {where_} uses `{key}`, which the request checks do not \
                     understand; teach build/schema_table.rs and src/request/schema.rs to check it"
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
            self.schema_static(
                ident,
                quote! { Kind::Same(&#target) },
                (nullable, deprecated, &description),
                schema,
            );
            return;
        }
        let schema = inner;
        let kind = match schema["type"].as_str() {
            Some("boolean") => quote! { Kind::Boolean },
            Some("integer") => {
                let (format_min, format_max) = integer_range(schema["format"].as_str(), where_);
                let min = bound(schema.get("minimum"), format_min, i128::max, where_);
                let max = bound(schema.get("maximum"), format_max, i128::min, where_);
                quote! { Kind::Integer { min: #min, max: #max } }
            }
            Some("number") => {
                let f = |v: Option<&Value>| {
                    option(v.and_then(Value::as_f64).map(|v| {
                        let literal = Literal::f64_unsuffixed(v.abs());
                        if v.is_sign_negative() {
                            quote! { -#literal }
                        } else {
                            quote! { #literal }
                        }
                    }))
                };
                let (min, max) = (f(schema.get("minimum")), f(schema.get("maximum")));
                quote! { Kind::Number { min: #min, max: #max } }
            }
            Some("string") => {
                let format = crate::formats::request_format(schema["format"].as_str(), where_);
                let format = match format {
                    Some(check) => {
                        let check = Ident::new(check, Span::call_site());
                        quote! { Some(&crate::request::formats::#check) }
                    }
                    None => quote! { None },
                };
                let pattern = match schema.get("pattern") {
                    Some(pattern) => {
                        let source = crate::formats::request_pattern(pattern, where_);
                        let name = ident.to_string();
                        let pattern = format_ident!("P_{}", &name[2..]);
                        self.out.extend(quote! {
                            pub(crate) static #pattern: Pattern = Pattern::new(#source);
                        });
                        quote! { Some(&#pattern) }
                    }
                    None => quote! { None },
                };
                let values: Vec<&str> = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| v.as_str().expect("string enum values"))
                    .collect();
                // Values are checked where people type them; a request that means to send a
                // value newer than the crate says so (`allow_unknown_enum_values`).
                let closed = !values.is_empty();
                let u = |key: &str| {
                    option(
                        schema
                            .get(key)
                            .and_then(Value::as_u64)
                            .map(|v| Literal::u64_unsuffixed(v).into_token_stream()),
                    )
                };
                let (min_length, max_length) = (u("minLength"), u("maxLength"));
                quote! {
                    Kind::String {
                        min_length: #min_length,
                        max_length: #max_length,
                        format: #format,
                        pattern: #pattern,
                        values: &[#(#values),*],
                        closed: #closed,
                    }
                }
            }
            Some("array") => {
                let items = schema
                    .get("items")
                    .unwrap_or_else(|| panic!("{FRAGMENT}: {where_} is an array without items"));
                let items = self.node(items, &format!("{hint}Item"), &format!("{where_}[]"));
                quote! { Kind::Array { items: &#items } }
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
                    let required = required.contains(&property.as_str());
                    properties.push(quote! {
                        Property { name: #property, schema: &#target, required: #required }
                    });
                }
                for name in &required {
                    if schema["properties"].get(name).is_none() {
                        panic!("{FRAGMENT}: {where_} requires {name}, which it does not define");
                    }
                }
                let additional = match schema.get("additionalProperties") {
                    None | Some(Value::Bool(true)) => true,
                    Some(Value::Bool(false)) => false,
                    Some(Value::Object(o)) if o.is_empty() => true,
                    Some(other) => panic!(
                        "{FRAGMENT}: {where_}: additionalProperties {other} is not supported in \
                         requests (true, false or {{}})"
                    ),
                };
                quote! { Kind::Object { properties: &[#(#properties),*], additional: #additional } }
            }
            None => quote! { Kind::Any },
            Some(other) => {
                panic!("{FRAGMENT}: {where_} has type `{other}`, which is not supported")
            }
        };
        self.schema_static(ident, kind, (nullable, deprecated, &description), &schema);
    }

    /// Emits `static {ident}: Schema` of this kind, with the `example` and `default` of
    /// `schema`.
    fn schema_static(
        &mut self,
        ident: &Ident,
        kind: TokenStream,
        (nullable, deprecated, description): (bool, bool, &str),
        schema: &Value,
    ) {
        let example = opt_json(schema.get("example"));
        let default = opt_json(schema.get("default"));
        self.out.extend(quote! {
            pub(crate) static #ident: Schema = Schema {
                kind: #kind,
                nullable: #nullable,
                deprecated: #deprecated,
                description: #description,
                example: #example,
                default: #default,
            };
        });
    }
}

/// `Some(value)` or `None`.
fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    }
}

/// A JSON value as a text literal (`Some("…")`), or `None`.
pub(crate) fn opt_json(value: Option<&Value>) -> TokenStream {
    option(value.map(|value| {
        let text = value.to_string();
        quote! { #text }
    }))
}

/// An integer literal, negative ones as `-` and the magnitude.
fn integer(value: i128) -> TokenStream {
    let literal = Literal::u128_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote! { -#literal }
    } else {
        quote! { #literal }
    }
}

/// The range an integer format allows.
pub(crate) fn integer_range(format: Option<&str>, where_: &str) -> (Option<i128>, Option<i128>) {
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

pub(crate) fn bound(
    value: Option<&Value>,
    from_format: Option<i128>,
    pick: fn(i128, i128) -> i128,
    where_: &str,
) -> TokenStream {
    let stated = value.map(|v| {
        v.as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))
            .unwrap_or_else(|| {
                panic!("{FRAGMENT}: {where_}: an integer bound must be an integer, not {v}")
            })
    });
    let bound = match (stated, from_format) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (Some(a), None) | (None, Some(a)) => Some(a),
        (None, None) => None,
    };
    option(bound.map(integer))
}

/// The value a new account (or a new record) of the fake holds for a schema: what the
/// overlay says Cloudflare answers (`x-cloudflare-answers`, with its evidence), else the
/// schema's `example`, else its `default`, else one built from its properties (the required
/// ones always, with a value their type and bounds allow), so that a required field with
/// no example never leaves the fake without a value.
pub(crate) fn example(raw: &Value, schema: &Value, depth: usize) -> Option<Value> {
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
pub(crate) fn allowed_value(raw: &Value, schema: &Value) -> Value {
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
pub(crate) fn known_refusals(api: &Api) -> TokenStream {
    pub(crate) fn walk(
        raw: &Value,
        schema: &Value,
        path: &str,
        op: &str,
        out: &mut Vec<TokenStream>,
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
            let value = field("value").to_string();
            let status =
                Literal::u64_unsuffixed(field("status").as_u64().expect("status is a number"));
            let code = integer(field("code").as_i64().expect("code is a number").into());
            let message = field("message").as_str().expect("message is text");
            out.push(quote! {
                KnownRefusal {
                    operation: #op,
                    field: #path,
                    value: #value,
                    status: #status,
                    code: #code,
                    message: #message,
                }
            });
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
    quote! {
        /// What Cloudflare is known to refuse although the schema allows it, from the overlay's
        /// `x-known-refusals` (each with its evidence there).
        #[cfg_attr(not(feature = "fake"), allow(dead_code))]
        pub(crate) static KNOWN_REFUSALS: &[KnownRefusal] = &[#(#found),*];
    }
}

impl Api {
    pub(crate) fn generate_schema_table(&self) -> String {
        let mut table = Table {
            api: self,
            out: TokenStream::new(),
            done: BTreeMap::new(),
        };
        let mut operations = TokenStream::new();
        for op in &self.operations {
            let mut params = Vec::new();
            for param in &op.params {
                let target = table.node(
                    &param.schema,
                    &format!("{}_{}", op.id, param.name),
                    &format!("{}: parameter {}", op.id, param.name),
                );
                let name = &param.name;
                params.push(quote! { Param { name: #name, schema: &#target } });
            }
            let body = option(op.body.as_ref().map(|body| {
                let target = table.node(
                    body,
                    &format!("{}_body", op.id),
                    &format!("{}: request body", op.id),
                );
                quote! { &#target }
            }));
            let envelope = schema_named(&self.raw, &op.envelope);
            let result_example = envelope
                .pointer("/properties/result")
                .and_then(|result| example(&self.raw, result, 0));
            let result_example = opt_json(result_example.as_ref());
            let doc = format!(
                " `{} {}`: {}",
                op.method,
                op.path,
                op.summary.replace('\n', " ")
            );
            let ident = format_ident!("OP_{}", upper(&op.id));
            let (id, method, path, idempotent) = (&op.id, &op.method, &op.path, op.idempotent);
            operations.extend(quote! {
                #[doc = #doc]
                pub(crate) static #ident: Operation = Operation {
                    id: #id,
                    method: #method,
                    path: #path,
                    params: &[#(#params),*],
                    body: #body,
                    idempotent: #idempotent,
                    result_example: #result_example,
                };
            });
        }
        let all = self
            .operations
            .iter()
            .map(|op| format_ident!("OP_{}", upper(&op.id)));
        operations.extend(quote! {
            /// Every operation of the fragment (the fake routes by them).
            #[cfg_attr(not(feature = "fake"), allow(dead_code))]
            pub(crate) static OPERATIONS: &[&Operation] = &[#(&#all),*];
        });
        let mut items = table.out;
        items.extend(operations);
        items.extend(known_refusals(self));
        let file = syn::parse2(items).expect("the schema table is valid Rust");
        crate::text::unparse("build/schema_table.rs", file)
    }
}
