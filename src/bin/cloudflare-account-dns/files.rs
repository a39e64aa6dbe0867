//! Reading declarations and saved plans, and writing declarations.

use std::path::Path;

use cloudflare_account_dns::converge::{DeclaredAccount, DeclaredAccounts, SavedPlan};
use serde_json::Value;

use super::args::Format;
use super::exit::Failure;

/// What `apply` was given.
pub enum Input {
    Declared(DeclaredAccounts),
    Saved(SavedPlan),
}

fn text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::invalid(format!("cannot read {}: {e}", path.display())))
}

fn invalid(path: &Path, error: cloudflare_account_dns::Error) -> Failure {
    let field = error.invalid_argument().map(|arg| arg.field.clone());
    Failure {
        field,
        ..Failure::invalid(format!("{}: {error}", path.display()))
    }
}

/// Reads a declaration in the format its extension says.
pub fn declaration(path: &Path) -> Result<DeclaredAccounts, Failure> {
    let text = text(path)?;
    parse_declaration(path, &text)
}

fn parse_declaration(path: &Path, text: &str) -> Result<DeclaredAccounts, Failure> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let parsed = match extension {
        "toml" => {
            let deserializer = toml::Deserializer::parse(text)
                .map_err(|e| Failure::invalid(format!("{}: {e}", path.display())))?;
            DeclaredAccounts::from_deserializer(deserializer)
        }
        "json" => DeclaredAccounts::from_json(text),
        "yaml" | "yml" => {
            DeclaredAccounts::from_deserializer(serde_yaml_ng::Deserializer::from_str(text))
        }
        other => {
            return Err(Failure::invalid(format!(
                "{}: unknown format {other:?}: a declaration is .toml, .json, .yaml or .yml",
                path.display()
            )));
        }
    };
    parsed.map_err(|e| invalid(path, e))
}

/// A declaration, or a saved plan: a JSON object with a `plan_format` key.
pub fn declaration_or_plan(path: &Path) -> Result<Input, Failure> {
    let text = text(path)?;
    let is_plan = serde_json::from_str::<Value>(&text)
        .ok()
        .is_some_and(|value| value.get("plan_format").is_some());
    if is_plan {
        let saved = SavedPlan::from_json(&text).map_err(|e| invalid(path, e))?;
        return Ok(Input::Saved(saved));
    }
    parse_declaration(path, &text).map(Input::Declared)
}

pub fn write_plan(path: &Path, saved: &SavedPlan) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(saved).expect("a plan serializes");
    std::fs::write(path, text + "\n")
        .map_err(|e| Failure::invalid(format!("cannot write {}: {e}", path.display())))
}

/// Leaves out the `null`s (TOML has none), saying which on stderr.
fn without_nulls(value: &mut Value, path: &str, dropped: &mut Vec<String>) {
    if let Value::Object(map) = value {
        map.retain(|key, inner| {
            let here = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if inner.is_null() {
                dropped.push(here);
                false
            } else {
                without_nulls(inner, &here, dropped);
                true
            }
        });
    } else if let Value::Array(items) = value {
        for (i, item) in items.iter_mut().enumerate() {
            without_nulls(item, &format!("{path}[{i}]"), dropped);
        }
    }
}

/// A declaration of these accounts in the format asked for.
pub fn render(accounts: Vec<DeclaredAccount>, format: Format) -> Result<String, Failure> {
    let mut declared = DeclaredAccounts::default();
    declared.accounts = accounts;
    let mut value = serde_json::to_value(&declared).expect("a declaration serializes");
    Ok(match format {
        Format::Json => serde_json::to_string_pretty(&value).expect("JSON") + "\n",
        Format::Yaml => serde_yaml_ng::to_string(&value)
            .map_err(|e| Failure::invalid(format!("cannot write YAML: {e}")))?,
        Format::Toml => {
            let mut dropped = Vec::new();
            without_nulls(&mut value, "", &mut dropped);
            for field in dropped {
                eprintln!(
                    "cloudflare-account-dns: {field} is null (Cloudflare-assigned), which TOML cannot write: left out (not managed); use --format json or yaml to keep it"
                );
            }
            toml::to_string(&value)
                .map_err(|e| Failure::invalid(format!("cannot write TOML: {e}")))?
        }
    })
}
