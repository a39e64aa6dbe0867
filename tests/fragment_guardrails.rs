//! Guardrails that fail when a schema fact of the fragment is dropped on its way to the
//! client or the fake. Each test reads `openapi/cloudflare-account-dns.json` itself and
//! probes the public API, so a field, a bound or an enum added to the fragment is covered
//! with no edit here; a new operation fails [`every_operation_has_a_client_method`] until it
//! gets a case in [`Call`].

#![cfg(feature = "fake")]

mod support;

use cloudflare_account_dns::fake::FakeCloudflare;
use cloudflare_account_dns::{Client, Error};
use serde_json::{Map, Value, json};
use support::TestServer;

const FRAGMENT: &str = include_str!("../openapi/cloudflare-account-dns.json");

fn fragment() -> Value {
    serde_json::from_str(FRAGMENT).unwrap()
}

/// The schema behind `$ref` or `allOf: [$ref]`, with `nullable` of the use kept.
fn resolve(fragment: &Value, schema: &Value) -> Value {
    let nullable = schema["nullable"].as_bool() == Some(true);
    let target = if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        resolve(fragment, &fragment["components"]["schemas"][name])
    } else if let Some(all_of) = schema["allOf"].as_array() {
        resolve(fragment, &all_of[0])
    } else {
        return schema.clone();
    };
    let mut target = target;
    if nullable {
        target["nullable"] = json!(true);
    }
    // What the overlay says Cloudflare refuses travels beside the `$ref`.
    if let Some(refusals) = schema.get("x-known-refusals") {
        target["x-known-refusals"] = refusals.clone();
    }
    target
}

/// Whether the overlay declares `value` a known refusal of this field.
fn known_refusal(schema: &Value, value: &Value) -> bool {
    schema["x-known-refusals"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|refusal| refusal["value"] == *value)
}

struct Op {
    id: String,
    params: Vec<(String, Value)>,
    body: Option<Value>,
    envelope: Value,
}

fn operations(fragment: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (path, item) in fragment["paths"].as_object().unwrap() {
        for operation in item.as_object().unwrap().values() {
            let mut params: Vec<(String, Value)> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_string(),
                        resolve(fragment, &p["schema"]),
                    )
                })
                .collect();
            params.sort_by_key(|(name, _)| path.find(&format!("{{{name}}}")).unwrap());
            let body = operation
                .pointer("/requestBody/content/application~1json/schema")
                .map(|s| resolve(fragment, s));
            let success = operation["responses"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .unwrap()
                .1;
            let envelope = resolve(
                fragment,
                success
                    .pointer("/content/application~1json/schema")
                    .unwrap(),
            );
            ops.push(Op {
                id: operation["operationId"].as_str().unwrap().to_string(),
                params,
                body,
                envelope,
            });
        }
    }
    ops
}

/// Every request of the fragment through the public API: the operation's `Client` method,
/// path parameters, and body fields set by path.
enum Call {
    Add(cloudflare_account_dns::operations::AddCustomNameserver),
    List(cloudflare_account_dns::operations::ListCustomNameservers),
    Delete(cloudflare_account_dns::operations::DeleteCustomNameserver),
    Get(cloudflare_account_dns::operations::GetDnsSettings),
    Update(cloudflare_account_dns::operations::UpdateDnsSettings),
}

impl Call {
    fn new(client: &Client, op: &str, params: &[String]) -> Self {
        match op {
            "add_custom_nameserver" => {
                Call::Add(client.add_custom_nameserver(&params[0], "ns1.example.com"))
            }
            "list_custom_nameservers" => Call::List(client.list_custom_nameservers(&params[0])),
            "delete_custom_nameserver" => {
                Call::Delete(client.delete_custom_nameserver(&params[0], &params[1]))
            }
            "get_dns_settings" => Call::Get(client.get_dns_settings(&params[0])),
            "update_dns_settings" => Call::Update(client.update_dns_settings(&params[0])),
            other => panic!(
                "the fragment has an operation {other}: add a case for its Client method here"
            ),
        }
    }

    fn set(self, path: &str, value: Value) -> Self {
        match self {
            Call::Add(b) => Call::Add(b.set_field(path, value)),
            Call::Update(b) => Call::Update(b.set_field(path, value)),
            _ => panic!("{path}: this operation has no body"),
        }
    }

    /// Lets enum values the crate does not know through (a value newer than the crate).
    fn allow_unknown(self) -> Self {
        match self {
            Call::Add(b) => Call::Add(b.allow_unknown_enum_values()),
            Call::Update(b) => Call::Update(b.allow_unknown_enum_values()),
            other => other,
        }
    }

    fn check(&self) -> Result<(), Error> {
        match self {
            Call::Add(b) => b.check(),
            Call::List(b) => b.check(),
            Call::Delete(b) => b.check(),
            Call::Get(b) => b.check(),
            Call::Update(b) => b.check(),
        }
    }

    fn to_body(&self) -> Value {
        match self {
            Call::Add(b) => b.to_body().unwrap(),
            Call::Update(b) => b.to_body().unwrap(),
            _ => Value::Null,
        }
    }

    /// Sends it, and returns the result as JSON.
    async fn send(self) -> Result<Value, Error> {
        fn json<T: serde::Serialize>(v: T) -> Value {
            serde_json::to_value(v).unwrap()
        }
        Ok(match self {
            Call::Add(b) => json(b.send().await?),
            Call::List(b) => json(b.send().await?),
            Call::Delete(b) => {
                b.send().await?;
                Value::Null
            }
            Call::Get(b) => json(b.send().await?),
            Call::Update(b) => json(b.send().await?),
        })
    }
}

fn offline() -> Client {
    Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .no_retries()
        .build()
        .unwrap()
}

/// A valid value of a schema: its example, or one made up from its type and rules.
fn valid(schema: &Value) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    match schema["type"].as_str() {
        Some("boolean") => json!(true),
        Some("integer") | Some("number") => schema.get("minimum").cloned().unwrap_or(json!(1)),
        Some("string") if schema["format"] == "hostname" => json!("ns1.example.com"),
        Some("string") => json!("x".repeat(schema["minLength"].as_u64().unwrap_or(1) as usize)),
        Some("array") => json!([]),
        _ => json!({}),
    }
}

fn params_of(op: &Op) -> Vec<String> {
    op.params
        .iter()
        .map(|(_, schema)| valid(schema).as_str().unwrap().to_string())
        .collect()
}

/// Every leaf field of a body: `(dotted path, schema)`, objects' own properties first.
fn leaves(fragment: &Value, schema: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let property = resolve(fragment, property);
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if property.get("properties").is_some() {
            leaves(fragment, &property, &path, out);
        } else {
            out.push((path, property));
        }
    }
}

/// Every object of a body, with its path (`""` for the body itself).
fn objects(fragment: &Value, schema: &Value, prefix: &str, out: &mut Vec<(String, Value)>) {
    out.push((prefix.to_string(), schema.clone()));
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let property = resolve(fragment, property);
        if property.get("properties").is_some() {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            objects(fragment, &property, &path, out);
        }
    }
}

fn assert_refused(result: Result<(), Error>, field: &str, what: &str) {
    match result {
        Err(Error::InvalidArgument(arg)) => assert_eq!(arg.field, field, "{what}: {arg}"),
        other => panic!("{what}: expected {field} to be refused, got {other:?}"),
    }
}

fn assert_accepted(result: Result<(), Error>, what: &str) {
    if let Err(e) = result {
        panic!("{what}: expected it to be accepted, got {e}");
    }
}

/// A hostname of exactly `len` characters (labels of at most 63).
fn hostname_of(len: usize) -> String {
    let mut labels = Vec::new();
    let mut left = len;
    while left > 0 {
        let label = left.min(63);
        labels.push("a".repeat(label));
        left = left.saturating_sub(label + 1);
    }
    let mut name = labels.join(".");
    name.truncate(len);
    if name.ends_with('.') {
        name.pop();
        name.push('b');
    }
    name
}

const UNKNOWN_ENUM_VALUE: &str = "an unknown enum value";

/// `(value, accepted)` probes just inside and just outside every rule a schema states.
fn probes(schema: &Value) -> Vec<(Value, bool, String)> {
    let mut probes = Vec::new();
    let mut add = |value: Value, ok: bool, what: String| probes.push((value, ok, what));
    let nullable = schema["nullable"].as_bool() == Some(true);
    add(Value::Null, nullable, "null".into());
    match schema["type"].as_str() {
        Some("integer") => {
            add(json!("1"), false, "a string".into());
            add(json!(1.5), false, "a fraction".into());
            let format_max = match schema["format"].as_str() {
                Some("uint8") => Some(u8::MAX as i64),
                Some("uint16") => Some(u16::MAX as i64),
                Some("uint32") => Some(u32::MAX as i64),
                _ => None,
            };
            if let Some(min) = schema["minimum"].as_i64() {
                add(json!(min), true, format!("minimum {min}"));
                add(json!(min - 1), false, format!("below minimum {min}"));
            }
            match (schema["maximum"].as_i64(), format_max) {
                (Some(max), _) => {
                    add(json!(max), true, format!("maximum {max}"));
                    add(json!(max + 1), false, format!("above maximum {max}"));
                }
                (None, Some(max)) => add(json!(max + 1), false, "above the format's range".into()),
                (None, None) => {}
            }
        }
        Some("boolean") => {
            add(json!(true), true, "true".into());
            add(json!(false), true, "false".into());
            add(json!("true"), false, "a string".into());
        }
        Some("string") => {
            add(json!(1), false, "a number".into());
            let hostname = schema["format"] == "hostname";
            if hostname {
                add(json!("ns1.example.com"), true, "a hostname".into());
                add(json!("ns1..example.com"), false, "not a hostname".into());
                add(json!("ns_1.example.com"), false, "not a hostname".into());
            }
            let make = |len: usize| {
                if hostname {
                    hostname_of(len)
                } else {
                    "a".repeat(len)
                }
            };
            if let Some(max) = schema["maxLength"].as_u64() {
                add(json!(make(max as usize)), true, format!("maxLength {max}"));
                add(
                    json!(make(max as usize + 1)),
                    false,
                    format!("above maxLength {max}"),
                );
            }
            if let Some(min) = schema["minLength"].as_u64()
                && min > 0
            {
                add(json!(make(min as usize)), true, format!("minLength {min}"));
                add(
                    json!(make(min as usize - 1)),
                    false,
                    format!("below minLength {min}"),
                );
            }
            if let Some(values) = schema["enum"].as_array() {
                for value in values {
                    add(value.clone(), true, format!("enum value {value}"));
                }
                // A typo, unless the request allows values newer than the crate (checked
                // by the test for this probe).
                add(json!("zz.not-a-value"), false, UNKNOWN_ENUM_VALUE.into());
            }
        }
        _ => {}
    }
    probes
}

#[test]
fn every_operation_has_a_client_method() {
    let fragment = fragment();
    let client = offline();
    let ops = operations(&fragment);
    assert!(!ops.is_empty());
    for op in &ops {
        // Panics for an operation without a case.
        let call = Call::new(&client, &op.id, &params_of(op));
        assert_accepted(call.check(), &op.id);
    }
}

/// Every constraint the fragment states on a request, probed just inside and just outside
/// through the public API: the error names the field's path.
#[test]
fn every_constraint_is_checked_before_sending() {
    let fragment = fragment();
    let client = offline();
    let mut probed = 0;
    for op in operations(&fragment) {
        let params = params_of(&op);
        for (i, (name, schema)) in op.params.iter().enumerate() {
            for (value, ok, what) in probes(schema) {
                let Some(text) = value.as_str() else { continue };
                let mut args = params.clone();
                args[i] = text.to_string();
                let result = Call::new(&client, &op.id, &args).check();
                let what = format!("{}: parameter {name}: {what}", op.id);
                if ok {
                    assert_accepted(result, &what);
                } else {
                    assert_refused(result, name, &what);
                }
                probed += 1;
            }
        }
        let Some(body) = &op.body else { continue };
        let mut fields = Vec::new();
        leaves(&fragment, body, "", &mut fields);
        for (path, schema) in &fields {
            for (value, ok, what) in probes(schema) {
                // A value Cloudflare is known to refuse is refused before sending too.
                let ok = ok && !known_refusal(schema, &value);
                let call = Call::new(&client, &op.id, &params).set(path, value.clone());
                let what = format!("{}: {path} = {value}: {what}", op.id);
                if ok {
                    assert_accepted(call.check(), &what);
                } else {
                    assert_refused(call.check(), path, &what);
                }
                if what.ends_with(UNKNOWN_ENUM_VALUE) {
                    let allowed = Call::new(&client, &op.id, &params)
                        .set(path, value.clone())
                        .allow_unknown();
                    assert_accepted(allowed.check(), &format!("{what}, allowed"));
                }
                probed += 1;
            }
        }
        // Objects admit fields the fragment does not name (Cloudflare's schema does: it is
        // how a field newer than the crate is sent), unless the fragment closes them.
        let mut objects_of_body = Vec::new();
        objects(&fragment, body, "", &mut objects_of_body);
        for (path, object) in objects_of_body {
            let field = if path.is_empty() {
                "zz_unknown".to_string()
            } else {
                format!("{path}.zz_unknown")
            };
            let call = Call::new(&client, &op.id, &params).set(&field, json!(1));
            let what = format!("{}: unknown field {field}", op.id);
            if object["additionalProperties"] == json!(false) {
                assert_refused(call.check(), &field, &what);
            } else {
                assert_accepted(call.check(), &what);
                let pointer = format!("/{}", field.replace('.', "/"));
                assert_eq!(call.to_body().pointer(&pointer), Some(&json!(1)), "{what}");
            }
            probed += 1;
        }
        // Required fields are required: leaving one out (by sending the body without it)
        // is refused.
        for name in body["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            let call = Call::new(&client, &op.id, &params).set(name, Value::Null);
            assert!(call.check().is_err(), "{}: {name} is required", op.id);
        }
    }
    assert!(probed > 50, "only {probed} probes");
}

/// Every request property of the fragment goes into an "every field" body per operation,
/// which is snapshotted (a new field shows up in review) and which the fake accepts.
#[tokio::test]
async fn every_field_body_per_operation_is_sent_and_accepted_by_the_fake() {
    let fragment = fragment();
    let fake = FakeCloudflare::start().await.unwrap();
    let client = fake.client_builder().no_retries().build().unwrap();
    for op in operations(&fragment) {
        let Some(body) = &op.body else { continue };
        let mut fields = Vec::new();
        leaves(&fragment, body, "", &mut fields);
        let mut call = Call::new(&client, &op.id, &params_of(&op));
        for (path, schema) in &fields {
            call = call.set(path, valid(schema));
        }
        let sent = call.to_body();
        for (path, _) in &fields {
            let pointer = format!("/{}", path.replace('.', "/"));
            assert!(
                sent.pointer(&pointer).is_some(),
                "{}: {path} missing from {sent}",
                op.id
            );
        }
        insta::assert_json_snapshot!(format!("every_field_body_{}", op.id), sent);
        let result = call.send().await;
        assert!(
            result.is_ok(),
            "{}: the fake refused {sent}: {result:?}",
            op.id
        );
    }
}

/// An example result of an operation, every enum value replaced by one no version knows.
fn with_unknown_enum_values(fragment: &Value, schema: &Value) -> Value {
    let schema = resolve(fragment, schema);
    if schema.get("enum").is_some() {
        return json!("zz.value-from-the-future");
    }
    if let Some(example) = schema.get("example")
        && schema.get("properties").is_none()
    {
        return example.clone();
    }
    match schema["type"].as_str() {
        Some("array") => json!([with_unknown_enum_values(fragment, &schema["items"])]),
        _ if schema.get("properties").is_some() => {
            let mut object = Map::new();
            for (name, property) in schema["properties"].as_object().unwrap() {
                object.insert(name.clone(), with_unknown_enum_values(fragment, property));
            }
            Value::Object(object)
        }
        _ => valid(&schema),
    }
}

/// Every string enum is open: a result carrying a value no version of the crate knows
/// decodes, and the value comes back unchanged.
#[tokio::test]
async fn every_string_enum_in_a_result_is_open() {
    let fragment = fragment();
    let mut checked = 0;
    for op in operations(&fragment) {
        let Some(result) = op.envelope.pointer("/properties/result") else {
            continue;
        };
        let result = resolve(&fragment, result);
        // An array that can hold nothing (a delete's result) carries no enum.
        let holds_nothing = result["maxItems"] == json!(0);
        if holds_nothing || (result.get("properties").is_none() && result.get("items").is_none()) {
            continue;
        }
        let value = with_unknown_enum_values(&fragment, &result);
        let server = TestServer::always(support::json(
            200,
            json!({"success": true, "errors": [], "messages": [], "result": value}),
        ))
        .await;
        let client = support::client(&server);
        let mut call = Call::new(&client, &op.id, &params_of(&op));
        if let Some(body) = &op.body {
            for name in body["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                call = call.set(name, valid(&resolve(&fragment, &body["properties"][name])));
            }
        }
        let got = call
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let text = got.to_string();
        assert!(
            text.contains("zz.value-from-the-future"),
            "{}: {text}",
            op.id
        );
        checked += 1;
    }
    assert!(checked >= 3, "{checked}");
}

/// Integer fields written as whole-number floats decode; fields the caller never gets
/// cannot fail a call, whatever they hold.
#[tokio::test]
async fn whole_number_floats_decode_and_result_info_cannot_fail_a_call() {
    let mut settings = support::seed_dns_settings_response();
    settings["result"]["zone_defaults"]["ns_ttl"] = json!(86400.0);
    settings["result"]["zone_defaults"]["soa"]["expire"] = json!(6.048e5);
    let server = TestServer::always(support::json(200, settings)).await;
    let got = support::client(&server)
        .get_dns_settings(support::ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_eq!(got.zone_defaults.ns_ttl, 86400);
    assert_eq!(got.zone_defaults.soa.expire, Some(604800));

    let mut fraction = support::seed_dns_settings_response();
    fraction["result"]["zone_defaults"]["ns_ttl"] = json!(86400.5);
    let server = TestServer::always(support::json(200, fraction)).await;
    let err = support::client(&server)
        .get_dns_settings(support::ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("not a Cloudflare envelope"),
        "{err}"
    );

    let list = json!({
        "success": true, "errors": [], "messages": [], "result": [],
        "result_info": {"count": -1.5, "page": "one", "per_page": 1e300, "total_count": null}
    });
    let server = TestServer::always(support::json(200, list)).await;
    let got = support::client(&server)
        .list_custom_nameservers(support::ACCOUNT)
        .send()
        .await
        .unwrap();
    assert!(got.is_empty());
}
