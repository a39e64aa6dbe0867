//! The request builders (`operations.rs`): per operation, a builder with a setter for every
//! request field, its `Client` method, and how its success envelope unwraps.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
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
        let mut items = TokenStream::new();
        let mut client_methods = TokenStream::new();
        for op in &self.operations {
            let (builder, method) = self.generate_operation(op);
            items.extend(builder);
            client_methods.extend(method);
        }
        items.extend(quote! {
            impl crate::core::client::Client {
                #client_methods
            }
        });
        // How each success envelope unwraps.
        let envelopes: BTreeSet<&str> = self
            .operations
            .iter()
            .map(|op| op.envelope.as_str())
            .collect();
        for envelope in envelopes {
            let (ty, expr) = self.envelope_result(envelope);
            let (ty, expr) = (tokens(&ty), tokens(expr));
            let envelope = format_ident!("{envelope}");
            items.extend(quote! {
                impl crate::core::response::Envelope for crate::generated::progenitor::types::#envelope {
                    type Result = #ty;
                    fn into_parts(self) -> crate::core::response::Parts<Self::Result> {
                        (self.success, self.errors, self.messages, #expr)
                    }
                }
            });
        }
        let file = syn::parse2(items).expect("the request builders are valid Rust");
        crate::text::unparse("build/builders.rs", file)
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

    /// One operation: its request builder (the struct, its setters, `check`, `send`, its
    /// call options), and its `Client` method.
    pub(crate) fn generate_operation(&self, op: &Operation) -> (TokenStream, TokenStream) {
        let ty = format_ident!("{}", pascal(&op.id));
        let method = format_ident!("{}", op.id);
        let spec = format_ident!("OP_{}", upper(&op.id));
        let (result, _) = self.envelope_result(&op.envelope);
        let result =
            tokens(&result.replace("crate::generated::progenitor::types::", "crate::types::"));

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
        let params: Vec<Ident> = op
            .params
            .iter()
            .map(|p| format_ident!("{}", ident(&p.name)))
            .collect();
        let mut args: Vec<TokenStream> = params
            .iter()
            .map(|name| quote!(#name: impl Into<String>))
            .collect();
        let mut body_init = Vec::new();
        for name in &required_body {
            let field = fields
                .iter()
                .find(|f| f.path.len() == 1 && &f.path[0] == name)
                .unwrap_or_else(|| panic!("{FRAGMENT}: {}: required {name} has no field", op.id));
            let arg = format_ident!("{}", ident(name));
            if params.contains(&arg) {
                panic!(
                    "{FRAGMENT}: {}: body field {name} has the name of a path parameter",
                    op.id
                );
            }
            let arg_ty = tokens(&field.arg);
            args.push(quote!(#arg: #arg_ty));
            let value = tokens(&conversion(&field.arg, field.convert, &arg.to_string()));
            body_init.push(quote! {
                body.set(&[#name], crate::request::to_json(&#value));
            });
        }
        let has_body = op.body.is_some();
        let body_field = has_body.then(|| quote!(body: crate::request::Body,));

        // The client method.
        let method_doc = format!(
            "{}: `{} {}`.\n\n{}\n\nReturns a [`{ty}`] request; nothing is sent until its `send`.",
            doc_text(&op.summary),
            op.method,
            op.path,
            doc_text(&op.description)
        );
        let deprecated_op = op
            .deprecated
            .then(|| quote!(#[deprecated(note = "Cloudflare deprecated this operation")]));
        let (make_body, with_body) = if has_body {
            (
                quote! {
                    #[allow(unused_mut)]
                    let mut body = crate::request::Body::default();
                    #(#body_init)*
                },
                quote!(body,),
            )
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        let client_method = quote! {
            #[doc = #method_doc]
            #deprecated_op
            pub fn #method(&self, #(#args),*) -> crate::operations::#ty {
                #make_body
                crate::operations::#ty {
                    client: self.clone(),
                    #(#params: #params.into(),)*
                    #with_body
                    options: Default::default(),
                }
            }
        };

        // The builder.
        let retry_class = if op.idempotent {
            "Safe to repeat: retried after a timeout, a lost connection or a 5xx, as the retry policy allows."
        } else {
            "Not safe to repeat: after a timeout, a lost connection or a 5xx once the request was sent, it is not retried and comes back as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), unless [`retry_when_outcome_unknown`](Self::retry_when_outcome_unknown) says otherwise."
        };
        let builder_doc = format!(
            "A request to {}: `{} {}`. Made by [`Client::{}`](crate::Client::{}), sent by [`send`](Self::send).\n\n{}\n\n{retry_class}",
            doc_text(&op.summary.to_lowercase()),
            op.method,
            op.path,
            op.id,
            op.id,
            doc_text(&op.description)
        );
        let setters: Vec<TokenStream> = fields
            .iter()
            .filter(|field| !(field.path.len() == 1 && required_body.contains(&field.path[0])))
            .map(setters)
            .collect();
        let body_methods = has_body.then(|| {
            let replace = body_type.as_ref().map(|body_type| {
                let doc = format!(
                    "Replaces the whole body with one you built (a [`{body_type}`](crate::types::{body_type}), for example from a configuration file). The setters then change it further; [`send`](Self::send) checks it all the same."
                );
                let body_type = format_ident!("{body_type}");
                quote! {
                    #[doc = #doc]
                    pub fn body(mut self, body: crate::types::#body_type) -> Self {
                        self.body.replace(&body);
                        self.body.integers(crate::request::schema::#spec.body);
                        self
                    }
                }
            });
            quote! {
                #replace
                #[doc = "Sets a field by its dotted path (`zone_defaults.soa.ttl`) to any value: the way to send a field newer than this version of the crate. A field the fragment knows is checked before sending like every other (a whole number given as a float, `3600.0`, goes on the wire as `3600` where the field is an integer); a field it does not know is sent as given, as Cloudflare's schema admits unknown fields."]
                pub fn set_field(mut self, path: &str, value: impl serde::Serialize) -> Self {
                    self.body.set_dotted(path, crate::request::to_json(&value));
                    self.body.integers(crate::request::schema::#spec.body);
                    self
                }
                #[doc = "Sends enum values that this version of the crate does not list (values Cloudflare added later), which the checks otherwise refuse as typos. Every other rule is still checked."]
                pub fn allow_unknown_enum_values(mut self) -> Self {
                    self.body.allow_unknown_values();
                    self
                }
            }
        });
        let body_arg = if has_body {
            quote!(Some(&self.body))
        } else {
            quote!(None)
        };
        let to_body = has_body.then(|| {
            quote! {
                #[doc = "The JSON body that [`send`](Self::send) would put on the wire, after the same checks."]
                pub fn to_body(&self) -> crate::Result<serde_json::Value> {
                    self.check()?;
                    Ok(self.body.to_value())
                }
            }
        });
        let (take_body, body_ref) = if has_body {
            (quote!(let body = self.body.into_map();), quote!(&body))
        } else {
            (TokenStream::new(), TokenStream::new())
        };
        let call_args = params
            .iter()
            .map(|name| quote!(&self.#name))
            .chain(has_body.then_some(body_ref));
        let repeat = format_ident!("{}", if op.idempotent { "Safe" } else { "Unsafe" });
        let envelope = format_ident!("{}", op.envelope);
        let call_options = if op.idempotent {
            quote!(call_option_setters!(#ty);)
        } else {
            quote!(call_option_setters!(#ty, not_safe_to_repeat);)
        };
        let builder = quote! {
            #[doc = #builder_doc]
            #[derive(Clone, Debug)]
            #[must_use = "a request does nothing until `.send().await`"]
            pub struct #ty {
                client: crate::core::client::Client,
                #(#params: String,)*
                #body_field
                options: crate::core::call_options::CallOptions,
            }

            impl #ty {
                #(#setters)*
                #body_methods
                #[doc = "Checks every argument against the fragment's constraints, as [`send`](Self::send) does first, without sending anything. The error names the field's path and the rule."]
                pub fn check(&self) -> crate::Result<()> {
                    crate::request::check_call(&crate::request::schema::#spec, &[#(&self.#params),*], #body_arg)
                }
                #to_body
                #[doc = "Checks the arguments, sends the request and returns its result."]
                pub async fn send(self) -> crate::Result<#result> {
                    self.send_with_details().await.map(|response| response.result)
                }
                #[doc = "Like [`send`](Self::send), with the envelope's messages, the status and the `cf-ray` id."]
                pub async fn send_with_details(self) -> crate::Result<crate::ApiResponse<#result>> {
                    self.check()?;
                    let (generated, context) = crate::core::transport::CallContext::client(
                        &self.client,
                        crate::request::schema::#spec.id,
                        crate::core::retry::Repeat::#repeat,
                        self.options,
                    )?;
                    #take_body
                    let returned = context.outcome_of(generated.#method(#(#call_args),*)).await;
                    drop(generated);
                    context.finish::<crate::generated::progenitor::types::#envelope>(returned)
                }
            }

            #call_options
        };
        (builder, client_method)
    }
}

/// A field's setters: `field(value)`, `set_field(Option<value>)`, and `field_null()` where
/// the field is nullable; `#[deprecated]` where the fragment says so.
fn setters(field: &Field) -> TokenStream {
    let dotted = field.path.join(".");
    let path = &field.path;
    let setter = format_ident!("{}", field.setter);
    let set_setter = format_ident!("set_{}", field.setter);
    let null_setter = format_ident!("{}_null", field.setter);
    let mut text = format!("`{dotted}`: {}", doc_text(&field.description));
    if !field.rules.is_empty() {
        text.push_str(&format!(
            "\n\n{} Checked before sending.",
            field.rules.join(" ")
        ));
    }
    let deprecated = field.deprecated.then(|| {
        let note = format!("Cloudflare deprecated `{dotted}`: {}", field.description);
        quote!(#[deprecated(note = #note)])
    });
    let arg = tokens(&field.arg);
    let value = tokens(&conversion(&field.arg, field.convert, "value"));
    // A concrete type, so that `set_…(None)` needs no annotation.
    let concrete = tokens(&concrete(&field.arg));
    let set_doc = format!(
        "Sets `{dotted}` from an `Option`: `Some` sets it as [`{}`](Self::{}) does, `None` leaves it out of the request.",
        field.setter, field.setter
    );
    let null = field.nullable.then(|| {
        let doc = format!(
            "Sends `{dotted}` as an explicit `null`. {}",
            doc_text(&field.description)
        );
        quote! {
            #[doc = #doc]
            #deprecated
            pub fn #null_setter(mut self) -> Self {
                self.body.set(&[#(#path),*], Ok(serde_json::Value::Null));
                self
            }
        }
    });
    quote! {
        #[doc = #text]
        #deprecated
        pub fn #setter(mut self, value: #arg) -> Self {
            self.body.set(&[#(#path),*], crate::request::to_json(&#value));
            self
        }
        #[doc = #set_doc]
        #deprecated
        pub fn #set_setter(mut self, value: Option<#concrete>) -> Self {
            match value {
                Some(value) => self.body.set(&[#(#path),*], crate::request::to_json(&value)),
                None => self.body.remove(&[#(#path),*]),
            }
            self
        }
        #null
    }
}

/// Rust source the functions above compose as text (a type, an expression), as tokens.
fn tokens(source: &str) -> TokenStream {
    source
        .parse()
        .unwrap_or_else(|e| panic!("generated Rust does not parse: {source}: {e}"))
}

/// The concrete type of a setter's argument, for `set_…(Option<…>)`: `impl Into<T>` is `T`.
pub(crate) fn concrete(field_arg: &str) -> String {
    match field_arg.strip_prefix("impl Into<") {
        Some(inner) => inner.trim_end_matches('>').to_string(),
        None => field_arg.to_string(),
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
