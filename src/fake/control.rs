//! The control interface: plain HTTP and JSON under [`CONTROL_PREFIX`], so that a test
//! suite in any language can inject faults, reset or seed accounts and read what the fake
//! received, as WireMock's `/__admin` does.
//!
//! Every Cloudflare path is under `/client/v4/`, so no Cloudflare path can ever take
//! `/__fake/`. Control requests need no credentials, are not recorded, and never get an
//! injected fault.
//!
//! | request | what it does |
//! |---|---|
//! | `GET /__fake/` | lists these routes |
//! | `POST /__fake/faults` with a [fault](#faults) | queues it (`times` times, default 1) |
//! | `GET /__fake/faults` | the faults not yet used, in order |
//! | `DELETE /__fake/faults` | forgets them |
//! | `GET /__fake/requests` | the recent requests received (if recording is on) |
//! | `DELETE /__fake/requests` | forgets them |
//! | `GET /__fake/accounts/{id}` | the account's custom nameservers and DNS settings |
//! | `PUT /__fake/accounts/{id}` with `{"custom_nameservers": [...], "dns_settings": {...}}` | resets the account, then seeds it: each nameserver added as a POST would (`ns_name`, optional `ns_set`), the settings merged into the defaults field by field |
//! | `DELETE /__fake/accounts/{id}` | resets the account to a new one's state |
//! | `DELETE /__fake/accounts` | resets every account |
//!
//! # Faults
//!
//! A fault is a JSON object with exactly one of `status`, `drop` or `delay_ms`:
//!
//! ```json
//! {"status": 503, "retry_after": "1", "operation": "add_custom_nameserver", "times": 2}
//! {"status": 200, "body": {"success": true, "errors": [], "messages": [], "result": null}}
//! {"status": 502, "html": true}
//! {"drop": true, "method": "POST", "after_applying": true}
//! {"delay_ms": 1500}
//! ```
//!
//! - `status`: answer with this status and a Cloudflare failure envelope, or exactly
//!   `body` (any JSON) when given, or an HTML error page when `html` is `true`;
//! - `drop: true`: close the connection without answering;
//! - `delay_ms`: wait this long, then handle the request as usual;
//! - `retry_after`: a `Retry-After` header for the answer;
//! - `operation` (an operationId such as `update_dns_settings`) or `method` (`POST`, …):
//!   only requests of that operation or method get the fault; others pass it by;
//! - `after_applying: true`: carry the request out first (the change is applied), then
//!   answer with the fault;
//! - `times`: how many matching requests get it (default 1, at most 1,000,000).
//!
//! The same objects are accepted by the standalone fake's `--fault` option.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::fault::{Fault, FaultKind};
use super::server::{Shared, lock};
use crate::request::schema::OPERATIONS;

/// The path prefix of the control interface.
pub const CONTROL_PREFIX: &str = "/__fake/";

/// The most times one fault may be queued in one go.
const MAX_TIMES: usize = 1_000_000;

/// A fault as JSON, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    status: Option<u16>,
    body: Option<Value>,
    #[serde(default)]
    html: bool,
    #[serde(default)]
    drop: bool,
    delay_ms: Option<u64>,
    retry_after: Option<String>,
    operation: Option<String>,
    method: Option<String>,
    #[serde(default)]
    after_applying: bool,
    times: Option<usize>,
}

/// Reads a fault and how many times to queue it from its JSON (see the
/// [module documentation](self)); `Err` says what is wrong, in a sentence.
pub(crate) fn parse_fault(text: &[u8]) -> Result<(Fault, usize), String> {
    let spec: FaultSpec =
        serde_json::from_slice(text).map_err(|error| format!("not a fault: {error}"))?;
    let kinds = usize::from(spec.status.is_some())
        + usize::from(spec.drop)
        + usize::from(spec.delay_ms.is_some());
    if kinds != 1 {
        return Err(
            "a fault needs exactly one of \"status\", \"drop\": true or \"delay_ms\"".to_string(),
        );
    }
    let mut fault = match (spec.status, spec.delay_ms) {
        (Some(status), _) => {
            if !(100..=999).contains(&status) {
                return Err(format!("\"status\" must be from 100 to 999, not {status}"));
            }
            match (spec.html, spec.body) {
                (true, Some(_)) => {
                    return Err("\"html\" and \"body\" exclude each other".to_string());
                }
                (true, None) => Fault::html(status),
                (false, Some(body)) => Fault::status_with_body(status, body),
                (false, None) => Fault::status(status),
            }
        }
        (None, Some(ms)) => {
            if spec.html || spec.body.is_some() {
                return Err("\"html\" and \"body\" go with \"status\" only".to_string());
            }
            Fault::delay(Duration::from_millis(ms))
        }
        (None, None) => {
            if spec.html || spec.body.is_some() {
                return Err("\"html\" and \"body\" go with \"status\" only".to_string());
            }
            Fault::drop_connection()
        }
    };
    if let Some(value) = spec.retry_after {
        if http::HeaderValue::from_str(&value).is_err() {
            return Err("\"retry_after\" must be printable text fit for an HTTP header".into());
        }
        fault = fault.retry_after(value);
    }
    if let Some(operation) = spec.operation {
        if !OPERATIONS.iter().any(|op| op.id == operation) {
            let known: Vec<&str> = OPERATIONS.iter().map(|op| op.id).collect();
            return Err(format!(
                "unknown \"operation\" {operation:?}; the fake serves {}",
                known.join(", ")
            ));
        }
        fault = fault.on_operation(operation);
    }
    if let Some(method) = spec.method {
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(format!(
                "\"method\" must be an HTTP method such as POST, not {method:?}"
            ));
        }
        fault = fault.on_method(method);
    }
    if spec.after_applying {
        fault = fault.after_applying();
    }
    let times = spec.times.unwrap_or(1);
    if !(1..=MAX_TIMES).contains(&times) {
        return Err(format!(
            "\"times\" must be from 1 to {MAX_TIMES}, not {times}"
        ));
    }
    Ok((fault, times))
}

/// A fault as the control interface shows it.
fn fault_json(fault: &Fault) -> Value {
    let mut shown = match &fault.kind {
        FaultKind::Status { status, body } => json!({ "status": status, "body": body }),
        FaultKind::Html { status } => json!({ "status": status, "html": true }),
        FaultKind::Delay(delay) => {
            json!({ "delay_ms": u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) })
        }
        FaultKind::Drop => json!({ "drop": true }),
    };
    shown["retry_after"] = json!(fault.retry_after);
    shown["operation"] = json!(fault.operation);
    shown["method"] = json!(fault.method);
    shown["after_applying"] = json!(fault.after_applying);
    shown
}

/// An answer of the control interface: a status and a JSON body.
pub(crate) type Answer = (u16, Value);

fn refused(status: u16, message: impl Into<String>) -> Answer {
    (status, json!({ "error": message.into() }))
}

/// Answers a request under [`CONTROL_PREFIX`] (`path` is what follows it).
pub(crate) fn handle(shared: &Shared, method: &http::Method, path: &str, body: &[u8]) -> Answer {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let method = method.as_str();
    match (method, segments.as_slice()) {
        ("GET", []) => (200, index()),
        ("POST", ["faults"]) => match parse_fault(body) {
            Ok((fault, times)) => {
                let mut faults = lock(&shared.faults);
                faults.extend(std::iter::repeat_n(fault, times));
                (200, json!({ "queued": times, "pending": faults.len() }))
            }
            Err(message) => refused(400, message),
        },
        ("GET", ["faults"]) => {
            let faults = lock(&shared.faults);
            (
                200,
                json!({ "faults": faults.iter().map(fault_json).collect::<Vec<_>>() }),
            )
        }
        ("DELETE", ["faults"]) => {
            let mut faults = lock(&shared.faults);
            let cleared = faults.len();
            faults.clear();
            (200, json!({ "cleared": cleared }))
        }
        ("GET", ["requests"]) => (200, lock(&shared.record).to_json()),
        ("DELETE", ["requests"]) => {
            lock(&shared.record).clear();
            (200, json!({ "cleared": true }))
        }
        ("DELETE", ["accounts"]) => {
            lock(&shared.state).reset_all();
            (200, json!({ "reset": "every account" }))
        }
        (_, ["accounts", id]) if !account_id(id) => refused(
            404,
            format!("{id:?} is not an account id the fake would route"),
        ),
        ("GET", ["accounts", id]) => (200, lock(&shared.state).account_json(id)),
        ("DELETE", ["accounts", id]) => {
            let mut state = lock(&shared.state);
            state.reset_account(id);
            (200, state.account_json(id))
        }
        ("PUT", ["accounts", id]) => match seed(shared, id, body) {
            Ok(account) => (200, account),
            Err(message) => refused(400, message),
        },
        (_, ["faults"] | ["requests"] | ["accounts"] | ["accounts", _] | []) => refused(
            405,
            format!(
                "{method} is not served on {CONTROL_PREFIX}{path}; GET {CONTROL_PREFIX} lists the routes"
            ),
        ),
        _ => refused(
            404,
            format!(
                "no control route {CONTROL_PREFIX}{path}; GET {CONTROL_PREFIX} lists the routes"
            ),
        ),
    }
}

/// Whether an account id is one the fake routes, by the fragment's `account_id` rules.
fn account_id(id: &str) -> bool {
    OPERATIONS
        .iter()
        .flat_map(|op| op.params.iter())
        .find(|param| param.name == "account_id")
        .is_some_and(|param| super::check::identifier(param, id))
}

/// What `PUT /__fake/accounts/{id}` reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    custom_nameservers: Vec<SeedNameserver>,
    dns_settings: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedNameserver {
    ns_name: String,
    ns_set: Option<u8>,
}

fn seed(shared: &Shared, id: &str, body: &[u8]) -> Result<Value, String> {
    let seed: Seed = if body.is_empty() {
        Seed {
            custom_nameservers: Vec::new(),
            dns_settings: None,
        }
    } else {
        serde_json::from_slice(body).map_err(|error| format!("not an account seed: {error}"))?
    };
    if let Some(settings) = &seed.dns_settings
        && !settings.is_object()
    {
        return Err("\"dns_settings\" must be an object".to_string());
    }
    let mut state = lock(&shared.state);
    // Checked before anything changes: the seed applies whole or not at all.
    let mut names: Vec<String> = Vec::new();
    for ns in &seed.custom_nameservers {
        let name = ns.ns_name.to_ascii_lowercase();
        if name.is_empty() || names.contains(&name) {
            return Err(format!(
                "custom nameserver {:?} is empty or given twice",
                ns.ns_name
            ));
        }
        names.push(name);
    }
    state.reset_account(id);
    if let Some(settings) = &seed.dns_settings {
        state.update(id, settings);
    }
    for ns in &seed.custom_nameservers {
        let mut body = json!({ "ns_name": ns.ns_name });
        if let Some(set) = ns.ns_set {
            body["ns_set"] = json!(set);
        }
        state.add(id, &body);
    }
    Ok(state.account_json(id))
}

fn index() -> Value {
    json!({
        "control_interface": CONTROL_PREFIX,
        "routes": [
            "GET /__fake/",
            "POST /__fake/faults",
            "GET /__fake/faults",
            "DELETE /__fake/faults",
            "GET /__fake/requests",
            "DELETE /__fake/requests",
            "GET /__fake/accounts/{id}",
            "PUT /__fake/accounts/{id}",
            "DELETE /__fake/accounts/{id}",
            "DELETE /__fake/accounts",
        ],
        "fault_example": {"status": 503, "retry_after": "1", "operation": "add_custom_nameserver", "times": 2},
        "operations": OPERATIONS.iter().map(|op| op.id).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (Fault, usize) {
        parse_fault(text.as_bytes()).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn refusal(text: &str) -> String {
        match parse_fault(text.as_bytes()) {
            Err(message) => message,
            Ok(_) => panic!("{text} was accepted"),
        }
    }

    #[test]
    fn faults_read_from_json_as_they_show() {
        let (fault, times) = parsed(
            r#"{"status": 503, "retry_after": "1", "operation": "add_custom_nameserver", "times": 2}"#,
        );
        assert_eq!(times, 2);
        assert_eq!(
            fault_json(&fault),
            json!({"status": 503, "body": null, "retry_after": "1",
                   "operation": "add_custom_nameserver", "method": null, "after_applying": false})
        );
        let (fault, times) = parsed(r#"{"drop": true, "method": "post", "after_applying": true}"#);
        assert_eq!(times, 1);
        assert_eq!(fault_json(&fault)["method"], "POST");
        assert_eq!(fault_json(&fault)["drop"], true);
        assert_eq!(fault_json(&parsed(r#"{"delay_ms": 5}"#).0)["delay_ms"], 5);
        assert_eq!(
            fault_json(&parsed(r#"{"status": 502, "html": true}"#).0)["html"],
            true
        );
    }

    #[test]
    fn bad_faults_are_refused_with_a_reason() {
        assert!(refusal("{}").contains("exactly one of"));
        assert!(refusal(r#"{"status": 500, "drop": true}"#).contains("exactly one of"));
        assert!(refusal(r#"{"status": 5000}"#).contains("from 100 to 999"));
        assert!(refusal(r#"{"status": 500, "times": 0}"#).contains("\"times\""));
        assert!(refusal(r#"{"status": 500, "operation": "nope"}"#).contains("unknown"));
        assert!(refusal(r#"{"status": 500, "method": "P OST"}"#).contains("HTTP method"));
        assert!(refusal(r#"{"status": 500, "colour": 1}"#).contains("unknown field"));
        assert!(refusal(r#"{"drop": true, "html": true}"#).contains("with \"status\" only"));
        assert!(refusal(r#"{"status": 500, "retry_after": "a\nb"}"#).contains("retry_after"));
        assert!(refusal("[").contains("not a fault"));
    }
}
