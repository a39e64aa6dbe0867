//! A field Cloudflare deprecated reaches users: its setter and its struct field are
//! `#[deprecated]` (checked by the compiler and the snapshots), and a request that sets it
//! however it was built (`set_field`, a whole body through `.body()`) logs a `tracing`
//! warning naming the field and upstream's note. The deprecated fields are read from the
//! fragment, so a field Cloudflare deprecates later is covered with no edit here (the
//! mechanism itself is held by a unit test in `src/request/schema.rs`).

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_account_dns::{Client, types};
use serde_json::{Value, json};

const FRAGMENT: &str = include_str!("../openapi/cloudflare-account-dns.json");

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What `run` logs at WARN, as text.
fn warnings(run: impl FnOnce()) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, run);
    String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned()
}

fn offline() -> Client {
    Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .no_retries()
        .build()
        .unwrap()
}

fn resolve<'a>(fragment: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return resolve(fragment, &fragment["components"]["schemas"][name]);
    }
    if let Some(first) = schema["allOf"].get(0) {
        return resolve(fragment, first);
    }
    schema
}

/// Every deprecated field of a request body: `(dotted path, a value its schema allows,
/// upstream's note)`.
fn deprecated_fields(
    fragment: &Value,
    schema: &Value,
    prefix: &str,
) -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    let schema = resolve(fragment, schema);
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let inner = resolve(fragment, property);
        if property["deprecated"] == true || inner["deprecated"] == true {
            let value =
                inner
                    .get("example")
                    .cloned()
                    .unwrap_or_else(|| match inner["type"].as_str() {
                        Some("boolean") => json!(false),
                        Some("integer") | Some("number") => {
                            inner.get("minimum").cloned().unwrap_or(json!(1))
                        }
                        Some("string") => json!("x"),
                        _ => json!({}),
                    });
            let note = property["description"]
                .as_str()
                .or(inner["description"].as_str())
                .unwrap_or("")
                .to_string();
            out.push((path.clone(), value, note));
        }
        if inner.get("properties").is_some() {
            out.extend(deprecated_fields(fragment, inner, &path));
        }
    }
    out
}

/// The request body schema of an operation of the fragment.
fn body_schema<'a>(fragment: &'a Value, operation_id: &str) -> &'a Value {
    fragment["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation_id)
        .and_then(|op| op.pointer("/requestBody/content/application~1json/schema"))
        .unwrap_or_else(|| panic!("{operation_id} has a request body"))
}

/// `{"a": {"b": value}}` for the path `a.b`.
fn nested(path: &str, value: Value) -> Value {
    path.rsplit('.')
        .fold(value, |inner, key| json!({ key: inner }))
}

#[test]
fn a_deprecated_field_sent_by_set_field_or_body_logs_a_warning() {
    let fragment: Value = serde_json::from_str(FRAGMENT).unwrap();
    let client = offline();
    for (op, schema) in [
        (
            "update_dns_settings",
            body_schema(&fragment, "update_dns_settings"),
        ),
        (
            "add_custom_nameserver",
            body_schema(&fragment, "add_custom_nameserver"),
        ),
    ] {
        for (path, value, note) in deprecated_fields(&fragment, schema, "") {
            let by_field = warnings(|| match op {
                "update_dns_settings" => {
                    client
                        .update_dns_settings("0")
                        .set_field(&path, value.clone())
                        .to_body()
                        .unwrap();
                }
                _ => {
                    client
                        .add_custom_nameserver("0", "ns1.example.com")
                        .set_field(&path, value.clone())
                        .to_body()
                        .unwrap();
                }
            });
            let by_body = warnings(|| {
                let body = nested(&path, value.clone());
                match op {
                    "update_dns_settings" => {
                        let body: types::DnsSettingsUpdate = serde_json::from_value(body).unwrap();
                        client
                            .update_dns_settings("0")
                            .body(body)
                            .to_body()
                            .unwrap();
                    }
                    _ => {
                        let mut body = body;
                        body["ns_name"] = json!("ns1.example.com");
                        let body: types::CustomNameserverInput =
                            serde_json::from_value(body).unwrap();
                        client
                            .add_custom_nameserver("0", "ns1.example.com")
                            .body(body)
                            .to_body()
                            .unwrap();
                    }
                }
            });
            for (how, logged) in [("set_field", by_field), ("body", by_body)] {
                assert!(
                    logged.contains("WARN")
                        && logged.contains(&format!("`{path}`"))
                        && logged.contains("Cloudflare deprecated")
                        && logged.contains(&note),
                    "{op}: {path} through {how}: {logged:?}"
                );
            }
        }
    }
}

#[test]
fn a_request_without_deprecated_fields_logs_nothing() {
    let fragment: Value = serde_json::from_str(FRAGMENT).unwrap();
    let schema = resolve(&fragment, body_schema(&fragment, "update_dns_settings"));
    let deprecated: Vec<String> = deprecated_fields(&fragment, schema, "")
        .into_iter()
        .map(|(path, _, _)| path)
        .collect();
    let client = offline();
    for (name, property) in schema["properties"].as_object().unwrap() {
        let inner = resolve(&fragment, property);
        if deprecated.contains(name) || inner["type"] != "boolean" {
            continue;
        }
        let logged = warnings(|| {
            client
                .update_dns_settings("0")
                .set_field(name, true)
                .to_body()
                .unwrap();
        });
        assert_eq!(logged, "", "{name}");
    }
}
