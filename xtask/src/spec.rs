//! Reading schemas: JSON or YAML, into one JSON value.

use std::path::Path;

use serde_json::Value;

/// Reads a schema from JSON or YAML (chosen by the first character that is not
/// whitespace: `{` is JSON).
pub fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses JSON or YAML text.
pub fn parse(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| format!("not valid YAML: {e}"))
    }
}

/// Pretty JSON with a final newline, as every file this tool writes.
pub fn to_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    text
}

/// The component a local `$ref` names (`#/components/schemas/X` → `("schemas", "X")`).
pub fn ref_target(reference: &str) -> Option<(&str, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    // JSON pointer escapes.
    Some((kind, name.replace("~1", "/").replace("~0", "~")))
}
