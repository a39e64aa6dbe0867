//! What the fake checks: credentials, and request bodies as raw JSON.
//!
//! Bodies are checked as `serde_json::Value`, not through the crate's own types, so that
//! unknown fields, wrong types, fractional numbers and nulls are caught the way Cloudflare
//! would. The rules are the fragment's, through the same schema table the client checks
//! against: a field added to the fragment is accepted here with no hand edit.

use serde_json::Value;

use crate::request::schema::{self, Operation, Side};

/// Code of the fake's validation errors: Cloudflare's "DNS Validation Error".
pub const CODE_INVALID_BODY: i64 = 1004;
/// Code of the fake's answer to a duplicate custom nameserver (the fake's own).
pub const CODE_DUPLICATE: i64 = 1409;
/// Code of the fake's answer to a custom nameserver it does not have (the fake's own).
pub const CODE_NOT_FOUND: i64 = 1404;
/// Cloudflare's "Could not route to …, perhaps your object identifier is invalid?".
pub const CODE_NO_ROUTE: i64 = 7003;
/// Cloudflare's "Method not allowed for this authentication scheme" style answer (the
/// fake's own code for an unsupported method).
pub const CODE_METHOD: i64 = 10405;
/// The fake's own code for an operation of the fragment that it does not implement.
pub const CODE_NOT_IMPLEMENTED: i64 = 10501;

/// One error of a failure envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub code: i64,
    pub message: String,
    pub pointer: Option<String>,
    pub chain: Vec<(i64, String)>,
}

impl Issue {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            pointer: None,
            chain: Vec::new(),
        }
    }

    fn at(pointer: &str, message: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.to_string()),
            ..Self::new(CODE_INVALID_BODY, message)
        }
    }

    /// The JSON of this error, as Cloudflare writes it.
    pub fn to_json(&self) -> Value {
        let mut error = serde_json::json!({"code": self.code, "message": self.message});
        if let Some(pointer) = &self.pointer {
            error["source"] = serde_json::json!({ "pointer": pointer });
        }
        if !self.chain.is_empty() {
            error["error_chain"] = self
                .chain
                .iter()
                .map(|(code, message)| serde_json::json!({"code": code, "message": message}))
                .collect();
        }
        error
    }
}

/// The credentials the fake accepts.
#[derive(Clone)]
pub struct Accepted {
    pub api_token: Option<String>,
    pub api_key: Option<(String, String)>,
}

/// Checks a request's credentials as Cloudflare does: `Err((status, issue))` when refused.
pub fn credentials(accepted: &Accepted, headers: &http::HeaderMap) -> Result<(), (u16, Issue)> {
    let get = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let invalid_headers = |code: i64, message: &str| {
        let mut issue = Issue::new(6003, "Invalid request headers");
        issue.chain.push((code, message.to_string()));
        (400, issue)
    };
    if let Some(authorization) = get("authorization") {
        // The scheme is case-insensitive (RFC 9110, section 11.1): `bearer` works too.
        let token = authorization
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .map(|(_, token)| token)
            .filter(|t| !t.is_empty() && !t.contains(' '))
            .ok_or_else(|| invalid_headers(6111, "Invalid format for Authorization header"))?;
        return match &accepted.api_token {
            Some(expected) if expected == token => Ok(()),
            _ => Err((403, Issue::new(9109, "Invalid access token"))),
        };
    }
    match (get("x-auth-email"), get("x-auth-key")) {
        (None, None) => Err((
            400,
            Issue::new(
                9106,
                "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
            ),
        )),
        (Some(email), key) => {
            if !email.contains('@') || email.contains(' ') {
                return Err(invalid_headers(
                    6102,
                    "Invalid format for X-Auth-Email header",
                ));
            }
            let key = key.ok_or_else(|| {
                (
                    400,
                    Issue::new(
                        9106,
                        "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
                    ),
                )
            })?;
            if key.is_empty() || key.contains(' ') {
                return Err(invalid_headers(
                    6103,
                    "Invalid format for X-Auth-Key header",
                ));
            }
            match &accepted.api_key {
                Some((e, k)) if e.eq_ignore_ascii_case(email) && k == key => Ok(()),
                _ => Err((403, Issue::new(10000, "Authentication error"))),
            }
        }
        (None, Some(_)) => Err((
            400,
            Issue::new(
                9106,
                "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
            ),
        )),
    }
}

/// The body of a request, parsed and checked against the operation's schema in the
/// fragment (the same checker the client runs, as the server: values of every enum are
/// refused unless known, and fields a schema closes are refused). Every problem is reported,
/// each with the JSON pointer of its field.
pub fn body(op: &Operation, body: &[u8]) -> Result<Value, Vec<Issue>> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        vec![Issue {
            pointer: Some(String::new()),
            ..Issue::new(
                CODE_INVALID_BODY,
                format!("the body is not valid JSON: {e}"),
            )
        }]
    })?;
    let Some(schema) = op.body else {
        return Ok(value);
    };
    let mut problems = Vec::new();
    schema::check(schema, &value, Side::Server, &mut Vec::new(), &mut problems);
    if problems.is_empty() {
        // Stored as a server would: `86400.0` for an integer field is 86400.
        Ok(crate::core::response::whole_floats_as_integers(body)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(value))
    } else {
        Err(problems
            .into_iter()
            .map(|problem| {
                Issue::at(
                    &problem.pointer(),
                    format!("{} {}", problem.dotted("the body"), problem.rule),
                )
            })
            .collect())
    }
}

/// Whether a path parameter names something the fake could route to: what the schema says,
/// and one path segment of letters, digits, `-`, `_` (and dots for a hostname).
pub fn identifier(param: &crate::request::schema::Param, value: &str) -> bool {
    let mut problems = Vec::new();
    schema::check(
        param.schema,
        &Value::String(value.to_string()),
        Side::Server,
        &mut Vec::new(),
        &mut problems,
    );
    problems.is_empty()
        && !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && value != "."
        && value != ".."
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::schema::{OP_ADD_CUSTOM_NAMESERVER, OP_UPDATE_DNS_SETTINGS};

    fn pointers(result: Result<Value, Vec<Issue>>) -> Vec<String> {
        let mut got: Vec<String> = result
            .unwrap_err()
            .into_iter()
            .map(|i| i.pointer.unwrap_or_default())
            .collect();
        got.sort();
        got
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        // Unknown fields (`colour`, `extra`) and any text as `mname` are what Cloudflare's
        // schema admits: no problem.
        let raw = br#"{"zone_defaults":{"ns_ttl":-1,"soa":{"retry":1.5,"mname":"a b","colour":1},"nameservers":{"type":"cloudflare.next"}},"extra":true}"#;
        assert_eq!(
            pointers(body(&OP_UPDATE_DNS_SETTINGS, raw)),
            [
                "/zone_defaults/nameservers/type",
                "/zone_defaults/ns_ttl",
                "/zone_defaults/soa/retry",
            ]
        );
    }

    #[test]
    fn messages_name_the_field_and_escape_what_they_quote() {
        let issues = body(&OP_UPDATE_DNS_SETTINGS, b"[]").unwrap_err();
        assert_eq!(issues[0].message, "the body must be an object (got [])");
        let issues = body(
            &OP_UPDATE_DNS_SETTINGS,
            br#"{"zone_defaults":{"zone_mode":"a\u007f"}}"#,
        )
        .unwrap_err();
        let message = &issues[0].message;
        assert!(message.ends_with("(got \"a\\u{7f}\")"), "{message}");
        assert!(!message.contains('\u{7f}'), "{message}");
        let issues = body(
            &OP_UPDATE_DNS_SETTINGS,
            br#"{"zone_defaults":{"ns_ttl":1.5}}"#,
        )
        .unwrap_err();
        assert_eq!(
            issues[0].message,
            "zone_defaults.ns_ttl must be a whole number (got 1.5)"
        );
    }

    #[test]
    fn null_mname_is_allowed_and_whole_floats_are_integers() {
        assert!(
            body(
                &OP_UPDATE_DNS_SETTINGS,
                br#"{"zone_defaults":{"soa":{"mname":null}}}"#
            )
            .is_ok()
        );
        assert!(
            body(
                &OP_UPDATE_DNS_SETTINGS,
                br#"{"zone_defaults":{"ns_ttl":86400.0}}"#
            )
            .is_ok()
        );
        assert_eq!(
            pointers(body(
                &OP_UPDATE_DNS_SETTINGS,
                br#"{"zone_defaults":{"ns_ttl":null}}"#
            )),
            ["/zone_defaults/ns_ttl"]
        );
    }

    #[test]
    fn add_needs_a_hostname_and_a_set_in_bounds() {
        assert_eq!(
            pointers(body(&OP_ADD_CUSTOM_NAMESERVER, br#"{}"#)),
            ["/ns_name"]
        );
        assert_eq!(
            pointers(body(
                &OP_ADD_CUSTOM_NAMESERVER,
                br#"{"ns_name":"x..y","ns_set":6}"#
            )),
            ["/ns_name", "/ns_set"]
        );
        assert_eq!(pointers(body(&OP_ADD_CUSTOM_NAMESERVER, br#"[1]"#)), [""]);
        assert!(
            body(
                &OP_ADD_CUSTOM_NAMESERVER,
                br#"{"ns_name":"ns1.example.com"}"#
            )
            .is_ok()
        );
    }

    /// One rule for every object, however upstream writes it: a field the schema does not
    /// name is accepted inside an object written inline (`zone_defaults.nameservers`) as
    /// inside a named one (`zone_defaults.soa`, a `$ref`) and the body itself, and stored.
    /// (Read back typed, a response type keeps it in `extra` where the overlay opens the
    /// type, `additionalProperties: {}`, as it does `DnsSettings` and `ZoneDefaults`.)
    #[test]
    fn inline_and_named_objects_keep_unknown_fields_alike() {
        let raw = br#"{"zone_defaults":{"nameservers":{"zz_new":1},"soa":{"zz_new":2},"zz_new":3},"zz_new":4}"#;
        let checked = body(&OP_UPDATE_DNS_SETTINGS, raw).expect("Cloudflare's schema admits it");
        let mut state = crate::fake::state::State::default();
        let stored = state.update("a", &checked);
        for pointer in [
            "/zone_defaults/nameservers/zz_new",
            "/zone_defaults/soa/zz_new",
            "/zone_defaults/zz_new",
            "/zz_new",
        ] {
            assert!(stored.pointer(pointer).is_some(), "{pointer} stored");
        }
        let typed: crate::types::DnsSettings = serde_json::from_value(stored).unwrap();
        assert_eq!(typed.zone_defaults.extra["zz_new"], 3);
        assert_eq!(typed.extra["zz_new"], 4);
    }
}
