//! The request builders (`operations.rs`): per operation, a builder with a setter for every
//! request field, its `Client` method, and how its success envelope unwraps.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::FRAGMENT;
use crate::api::*;
use crate::names::*;
use crate::prepare::*;
use crate::text::*;

/// A request field that gets setters.
pub(crate) struct Field {
    /// The JSON path, such as `["zone_defaults", "soa", "retry"]`.
    pub(crate) path: Vec<String>,
    /// The setter's name, such as `zone_defaults_soa_retry`.
    pub(crate) setter: String,
    /// The setter's argument type and how it becomes the value to serialize.
    pub(crate) arg: String,
    pub(crate) convert: &'static str,
    pub(crate) description: String,
    pub(crate) rules: Vec<String>,
    pub(crate) nullable: bool,
    pub(crate) deprecated: bool,
}

impl Api {
    /// The setter argument of a schema: `(type, conversion, rules)`, or `None` for an object
    /// with properties (whose fields get setters of their own).
    pub(crate) fn argument(&self, schema: &Value) -> (String, &'static str, Vec<String>) {
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
        rules.extend(crate::formats::setter_rules(resolved));
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
    pub(crate) fn fields(&self, schema: &Value, path: &[String], out: &mut Vec<Field>) {
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

    pub(crate) fn generate_operations(&self) -> String {
        let mut out =
            String::from("// Generated by build/builders.rs from the OpenAPI fragment.\n");
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
    pub(crate) fn envelope_result(&self, envelope: &str) -> (String, &'static str) {
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

    pub(crate) fn generate_operation(
        &self,
        op: &Operation,
        out: &mut String,
        client_methods: &mut String,
    ) {
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
pub(crate) fn conversion(field_arg: &str, convert: &str, name: &str) -> String {
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
