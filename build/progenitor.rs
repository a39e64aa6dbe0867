//! The progenitor client and its types (`codegen.rs`): the settings progenitor runs with,
//! and the spec it sees.

use std::collections::BTreeSet;

use quote::quote;
use serde_json::{Value, json};
use syn::visit_mut::VisitMut;

use crate::FRAGMENT;
use crate::api::*;

impl Api {
    /// The spec progenitor sees: request bodies as free-form objects (the builders send
    /// exactly the JSON they assembled), path parameters as plain strings (the checks hold
    /// their bounds), responses without content (the transport reads the body and
    /// `core::response` decodes the envelope, once), success envelopes without fields the
    /// caller never gets.
    pub(crate) fn progenitor_spec(&self) -> Value {
        let mut spec = self.raw.clone();
        let paths = spec["paths"].as_object_mut().expect("paths");
        for item in paths.values_mut() {
            for operation in item.as_object_mut().expect("path item").values_mut() {
                if let Some(content) =
                    operation.pointer_mut("/requestBody/content/application~1json")
                {
                    content["schema"] = json!({"type": "object"});
                }
                for param in operation
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if param["in"] == "path" {
                        param["schema"] = json!({"type": "string"});
                    }
                }
                without_content(operation.get_mut("responses"));
            }
        }
        without_content(spec["components"].get_mut("responses"));
        // Integer bounds are the checks' business (the schema table); given to typify, a
        // minimum of exactly 1 turns `u32` into `NonZeroU32`, so that widening a bound
        // upstream would change a field's Rust type. The format alone picks the type.
        strip_integer_bounds(&mut spec["components"]);
        crate::formats::plain_strings(&mut spec);
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

    pub(crate) fn generate_client(&self, spec: &openapiv3::OpenAPI) -> String {
        let mut settings = progenitor::GenerationSettings::new();
        settings
            // One method per operation taking its arguments in place: no builder per call
            // (and no struct builders for the types: `Default` and the request builders'
            // setters build them).
            .with_interface(progenitor::InterfaceStyle::Positional)
            // Every call carries its own context: credentials, transport policy, and the
            // cell where the transport records the call's outcome (`core::transport`).
            .with_inner_type(quote!(crate::core::hooks::Inner))
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
        let mut file = syn::parse2(tokens).expect("progenitor emits valid Rust");
        let mut strip = StripApiVersion::default();
        strip.visit_file_mut(&mut file);
        assert_eq!(
            strip.removed,
            self.operations.len(),
            "progenitor no longer adds `api-version` once per operation as 0.15.1 does: \
             update StripApiVersion in build/progenitor.rs"
        );
        self.check_positional_arguments(&file);
        crate::deprecation::mark_deprecated_fields(spec, &mut file);
        prettyplease::unparse(&file)
    }

    /// The request builders call each generated method with the path parameters in path
    /// order, then the body (`build/builders.rs`); path parameters are all `&str`, so a
    /// different order would compile and send the wrong path. The build fails instead.
    fn check_positional_arguments(&self, file: &syn::File) {
        let methods: Vec<&syn::ImplItemFn> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(block) if block.trait_.is_none() => Some(block),
                _ => None,
            })
            .flat_map(|block| &block.items)
            .filter_map(|item| match item {
                syn::ImplItem::Fn(method) => Some(method),
                _ => None,
            })
            .collect();
        for op in &self.operations {
            let method = methods
                .iter()
                .find(|m| m.sig.ident == op.id)
                .unwrap_or_else(|| panic!("progenitor generated no method {}", op.id));
            let generated: Vec<String> = method
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(arg) => Some(tokens(&arg.pat)),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            let expected: Vec<String> = op
                .params
                .iter()
                .map(|p| crate::names::ident(&p.name))
                .chain(op.body.is_some().then(|| "body".to_string()))
                .collect();
            assert_eq!(
                generated, expected,
                "{FRAGMENT}: {}: progenitor's positional arguments are not the ones the request \
                 builder passes, in its order (update build/builders.rs)",
                op.id
            );
        }
    }
}

/// Removes the statement that puts an `api-version` header on every request.
///
/// progenitor 0.15.1 adds `api-version: <info.version>` to every request it builds,
/// unconditionally (`progenitor-impl/src/method.rs`, `headers_build`): no setting and no
/// spec change avoids it. Cloudflare's API has no such header, so the generated code never
/// adds it, rather than a hook removing it from every request; the header map, then empty,
/// goes too. The build fails if the statement is not found once per operation (a
/// progenitor upgrade that changes it).
#[derive(Default)]
struct StripApiVersion {
    removed: usize,
}

impl VisitMut for StripApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !adds_api_version(stmt));
        let removed = before - block.stmts.len();
        self.removed += removed;
        let appends = block
            .stmts
            .iter()
            .any(|stmt| tokens(stmt).contains("header_map.append"));
        if removed > 0 && !appends {
            block
                .stmts
                .retain(|stmt| !tokens(stmt).starts_with("letmutheader_map="));
            for stmt in &mut block.stmts {
                DropEmptyHeaders.visit_stmt_mut(stmt);
            }
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// Turns `request_builder.headers(header_map)` into `request_builder`.
struct DropEmptyHeaders;

impl VisitMut for DropEmptyHeaders {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && tokens(&call.args[0]) == "header_map"
        {
            *expr = (*call.receiver).clone();
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// A node's tokens, without spaces.
fn tokens(node: &impl quote::ToTokens) -> String {
    node.to_token_stream().to_string().replace(' ', "")
}

/// Whether a statement is `header_map.append(HeaderName::from_static("api-version"), …);`.
fn adds_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            tokens(name) == "::reqwest::header::HeaderName::from_static(\"api-version\")"
        })
}

/// Removes the content of every response of a `responses` object: the generated client
/// decodes nothing (see `progenitor_spec`).
fn without_content(responses: Option<&mut Value>) {
    let responses = responses.and_then(Value::as_object_mut);
    for response in responses.into_iter().flat_map(|r| r.values_mut()) {
        if let Some(response) = response.as_object_mut() {
            response.remove("content");
        }
    }
}

/// Removes `minimum` and `maximum` from every integer schema (see `progenitor_spec`).
pub(crate) fn strip_integer_bounds(value: &mut Value) {
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
