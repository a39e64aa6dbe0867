//! The progenitor client and its types (`codegen.rs`): the settings progenitor runs with,
//! and the spec it sees.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::FRAGMENT;
use crate::api::*;

impl Api {
    /// The spec progenitor sees: request bodies as free-form objects (the builders send
    /// exactly the JSON they assembled), success envelopes without fields the caller never
    /// gets.
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
            }
        }
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
        let mut file = syn::parse2(tokens).expect("progenitor emits valid Rust");
        crate::deprecation::mark_deprecated_fields(spec, &mut file);
        prettyplease::unparse(&file)
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
