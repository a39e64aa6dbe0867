//! Cloudflare's deprecations on the types progenitor generates: typify has no field-level
//! `#[deprecated]`, so the fields are marked on progenitor's syntax tree, with upstream's
//! note. Code generated around them (serde's derives, typify's conversions and builders)
//! is told not to warn; a user who reads or writes such a field is warned.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::api::resolve;

/// Every deprecated property of a named object schema of `spec`: schema name, property,
/// description.
fn deprecated_properties(spec: &Value) -> BTreeMap<String, Vec<(String, String)>> {
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let schemas = spec["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten();
    for (name, schema) in schemas {
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            let (_, inner) = resolve(spec, value);
            let deprecated = value["deprecated"] == true || inner["deprecated"] == true;
            if deprecated {
                let description = value["description"]
                    .as_str()
                    .or(inner["description"].as_str())
                    .unwrap_or("")
                    .to_string();
                found
                    .entry(name.clone())
                    .or_default()
                    .push((property.clone(), description));
            }
        }
    }
    found
}

/// A name without case or punctuation, to find typify's type for a schema name
/// (`dns-settings_soa-base` is `DnsSettingsSoaBase`).
fn squashed(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Marks each generated struct field whose property Cloudflare deprecated
/// `#[deprecated(note = …)]`, and lets the generated modules use them without a warning.
/// Every deprecated property of the spec progenitor saw must be found, so that a renamed
/// type cannot drop a warning.
pub(crate) fn mark_deprecated_fields(spec: &openapiv3::OpenAPI, file: &mut syn::File) {
    let spec = serde_json::to_value(spec).expect("a spec is JSON");
    let wanted = deprecated_properties(&spec);
    let mut marked = BTreeSet::new();
    let total: usize = wanted.values().map(Vec::len).sum();
    let by_type: BTreeMap<String, &Vec<(String, String)>> =
        wanted.iter().map(|(k, v)| (squashed(k), v)).collect();
    visit_items(&mut file.items, &by_type, &mut marked);
    assert_eq!(
        marked.len(),
        total,
        "build/deprecation.rs: found {} of the {total} deprecated fields of {wanted:?} in \
         progenitor's types",
        marked.len()
    );
}

fn visit_items(
    items: &mut [syn::Item],
    by_type: &BTreeMap<String, &Vec<(String, String)>>,
    marked: &mut BTreeSet<(String, String)>,
) {
    for item in items {
        match item {
            syn::Item::Mod(module) => {
                // Generated code (derives, conversions, builders) uses every field.
                module.attrs.push(syn::parse_quote!(#[allow(deprecated)]));
                // typify's `builder` module mirrors each type with private fields.
                if let Some((_, inner)) = &mut module.content
                    && module.ident != "builder"
                {
                    visit_items(inner, by_type, marked);
                }
            }
            syn::Item::Struct(item) => {
                let Some(properties) = by_type.get(&squashed(&item.ident.to_string())) else {
                    continue;
                };
                for field in item.fields.iter_mut() {
                    let Some(ident) = &field.ident else { continue };
                    let name = serde_name(&field.attrs)
                        .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
                    if let Some((_, description)) = properties.iter().find(|(p, _)| *p == name) {
                        let note = if description.is_empty() {
                            "Cloudflare deprecated this field".to_string()
                        } else {
                            format!("Cloudflare deprecated this field: {description}")
                        };
                        field
                            .attrs
                            .push(syn::parse_quote!(#[deprecated(note = #note)]));
                        marked.insert((item.ident.to_string(), name));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The JSON name a field's `#[serde(rename = "…")]` gives it.
fn serde_name(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .find_map(|attr| {
            let mut name = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    name = Some(value.value());
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                } else if meta.input.peek(syn::token::Paren) {
                    let _ = meta.input.parse::<proc_macro2::Group>();
                }
                Ok(())
            });
            name
        })
}
