//! What the fake checks: credentials, and request bodies as raw JSON.
//!
//! Bodies are checked as `serde_json::Value`, not through the crate's own types, so that
//! unknown fields, wrong types, fractional numbers and nulls are caught the way Cloudflare
//! would. Bounds and enum values come from the same fragment as the client's
//! ([`crate::bounds`], `KNOWN` of the open enums); hostname syntax is the client's own rule.

use serde_json::{Map, Value};

use crate::bounds::{self, IntBound};
use crate::{NameserverType, ZoneMode, types, validate};

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

/// Collects every problem of a body rather than stopping at the first.
#[derive(Default)]
struct Problems(Vec<Issue>);

impl Problems {
    fn add(&mut self, pointer: &str, message: impl Into<String>) {
        self.0.push(Issue::at(pointer, message));
    }

    /// The object at `pointer`, or a problem.
    fn object<'a>(&mut self, pointer: &str, value: &'a Value) -> Option<&'a Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.add(pointer, format!("{} must be an object", name(pointer)));
        }
        object
    }

    /// Refuses fields the schema does not name.
    fn known_fields(&mut self, pointer: &str, object: &Map<String, Value>, known: &[&str]) {
        for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
            self.add(
                &format!("{pointer}/{key}"),
                format!(
                    "unknown field {key:?}; expected one of {}",
                    known.join(", ")
                ),
            );
        }
    }

    fn boolean(&mut self, pointer: &str, value: &Value) {
        if !value.is_boolean() {
            self.add(pointer, format!("{} must be a boolean", name(pointer)));
        }
    }

    fn integer(&mut self, pointer: &str, value: &Value, bound: IntBound) {
        match value.as_u64() {
            Some(n) if bound.contains(n) => {}
            Some(n) => self.add(
                pointer,
                format!(
                    "{} must be between {} and {} (got {n})",
                    name(pointer),
                    bound.min,
                    bound.max
                ),
            ),
            None => self.add(pointer, format!("{} must be an integer", name(pointer))),
        }
    }

    fn one_of(&mut self, pointer: &str, value: &Value, known: &[&str]) {
        match value.as_str() {
            Some(s) if known.contains(&s) => {}
            _ => self.add(
                pointer,
                format!("{} must be one of {}", name(pointer), known.join(", ")),
            ),
        }
    }

    fn hostname(&mut self, pointer: &str, value: &Value, bound: bounds::LengthBound) {
        match value.as_str() {
            Some(s) => {
                if let Err(e) = validate::hostname(bound, s) {
                    self.add(pointer, format!("{} {}", name(pointer), e.rule));
                }
            }
            None => self.add(pointer, format!("{} must be a string", name(pointer))),
        }
    }

    fn string(&mut self, pointer: &str, value: &Value, nullable: bool) {
        if !(value.is_string() || nullable && value.is_null()) {
            self.add(pointer, format!("{} must be a string", name(pointer)));
        }
    }

    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<Issue>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// The last part of a JSON pointer, for messages.
fn name(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

fn parse(body: &[u8]) -> Result<Value, Vec<Issue>> {
    serde_json::from_slice(body).map_err(|e| {
        vec![Issue {
            pointer: Some(String::new()),
            ..Issue::new(
                CODE_INVALID_BODY,
                format!("the body is not valid JSON: {e}"),
            )
        }]
    })
}

/// The body of Add Account Custom Nameserver: `(ns_name, ns_set)`.
pub fn add_body(body: &[u8]) -> Result<(String, u8), Vec<Issue>> {
    let value = parse(body)?;
    let mut problems = Problems::default();
    let Some(object) = problems.object("", &value) else {
        return Err(problems.0);
    };
    problems.known_fields("", object, &["ns_name", "ns_set"]);
    match object.get("ns_name") {
        Some(ns_name) => problems.hostname("/ns_name", ns_name, bounds::NS_NAME),
        None => problems.add("/ns_name", "ns_name is required"),
    }
    if let Some(ns_set) = object.get("ns_set") {
        problems.integer("/ns_set", ns_set, bounds::NS_SET);
    }
    problems.finish(|| {
        let ns_name = object["ns_name"].as_str().unwrap_or_default().to_string();
        let ns_set = object.get("ns_set").and_then(Value::as_u64).unwrap_or(1) as u8;
        (ns_name, ns_set)
    })
}

/// The body of Update DNS Settings, checked field by field.
pub fn update_body(body: &[u8]) -> Result<types::DnsSettingsUpdate, Vec<Issue>> {
    let value = parse(body)?;
    let mut p = Problems::default();
    let Some(root) = p.object("", &value) else {
        return Err(p.0);
    };
    p.known_fields("", root, &["enforce_dns_only", "zone_defaults"]);
    if let Some(v) = root.get("enforce_dns_only") {
        p.boolean("/enforce_dns_only", v);
    }
    if let Some(zd) = root.get("zone_defaults") {
        check_zone_defaults(&mut p, zd);
    }
    p.finish(|| ())?;
    let explicit_null_mname = value.pointer("/zone_defaults/soa/mname") == Some(&Value::Null);
    let mut update: types::DnsSettingsUpdate = serde_json::from_value(value).map_err(|e| {
        vec![Issue::at(
            "",
            format!("the body does not fit the schema: {e}"),
        )]
    })?;
    // serde reads `"mname": null` as an absent field; the update means "back to default".
    if explicit_null_mname
        && let Some(soa) = update.zone_defaults.as_mut().and_then(|zd| zd.soa.as_mut())
    {
        soa.mname = Some(types::SoaMname(None));
    }
    Ok(update)
}

fn check_zone_defaults(p: &mut Problems, value: &Value) {
    const ZD: &str = "/zone_defaults";
    let Some(zd) = p.object(ZD, value) else {
        return;
    };
    p.known_fields(
        ZD,
        zd,
        &[
            "flatten_all_cnames",
            "foundation_dns",
            "internal_dns",
            "multi_provider",
            "nameservers",
            "ns_ttl",
            "secondary_overrides",
            "soa",
            "zone_mode",
        ],
    );
    for flag in [
        "flatten_all_cnames",
        "foundation_dns",
        "multi_provider",
        "secondary_overrides",
    ] {
        if let Some(v) = zd.get(flag) {
            p.boolean(&format!("{ZD}/{flag}"), v);
        }
    }
    if let Some(v) = zd.get("ns_ttl") {
        p.integer("/zone_defaults/ns_ttl", v, bounds::ZONE_DEFAULTS_NS_TTL);
    }
    if let Some(v) = zd.get("zone_mode") {
        p.one_of("/zone_defaults/zone_mode", v, ZoneMode::KNOWN);
    }
    if let Some(v) = zd.get("internal_dns")
        && let Some(internal) = p.object("/zone_defaults/internal_dns", v)
    {
        p.known_fields(
            "/zone_defaults/internal_dns",
            internal,
            &["reference_zone_id"],
        );
        if let Some(id) = internal.get("reference_zone_id") {
            p.string("/zone_defaults/internal_dns/reference_zone_id", id, false);
        }
    }
    if let Some(v) = zd.get("nameservers")
        && let Some(ns) = p.object("/zone_defaults/nameservers", v)
    {
        p.known_fields("/zone_defaults/nameservers", ns, &["type"]);
        if let Some(kind) = ns.get("type") {
            p.one_of(
                "/zone_defaults/nameservers/type",
                kind,
                NameserverType::KNOWN,
            );
        }
    }
    if let Some(v) = zd.get("soa") {
        check_soa(p, v);
    }
}

fn check_soa(p: &mut Problems, value: &Value) {
    const SOA: &str = "/zone_defaults/soa";
    let Some(soa) = p.object(SOA, value) else {
        return;
    };
    p.known_fields(
        SOA,
        soa,
        &[
            "expire", "min_ttl", "mname", "refresh", "retry", "rname", "ttl",
        ],
    );
    for (field, bound) in [
        ("expire", bounds::ZONE_DEFAULTS_SOA_EXPIRE),
        ("min_ttl", bounds::ZONE_DEFAULTS_SOA_MIN_TTL),
        ("refresh", bounds::ZONE_DEFAULTS_SOA_REFRESH),
        ("retry", bounds::ZONE_DEFAULTS_SOA_RETRY),
        ("ttl", bounds::ZONE_DEFAULTS_SOA_TTL),
    ] {
        if let Some(v) = soa.get(field) {
            p.integer(&format!("{SOA}/{field}"), v, bound);
        }
    }
    if let Some(mname) = soa.get("mname")
        && !mname.is_null()
    {
        p.hostname("/zone_defaults/soa/mname", mname, validate::SOA_MNAME);
    }
    if let Some(rname) = soa.get("rname") {
        p.string("/zone_defaults/soa/rname", rname, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(result: Result<impl std::fmt::Debug, Vec<Issue>>) -> Vec<String> {
        result
            .unwrap_err()
            .into_iter()
            .map(|i| i.pointer.unwrap_or_default())
            .collect()
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let body = br#"{"zone_defaults":{"ns_ttl":29,"soa":{"retry":1.5,"mname":"a b","colour":1},"nameservers":{"type":"cloudflare.next"}},"extra":true}"#;
        let mut got = pointers(update_body(body));
        got.sort();
        assert_eq!(
            got,
            [
                "/extra",
                "/zone_defaults/nameservers/type",
                "/zone_defaults/ns_ttl",
                "/zone_defaults/soa/colour",
                "/zone_defaults/soa/mname",
                "/zone_defaults/soa/retry",
            ]
        );
    }

    #[test]
    fn null_mname_is_allowed() {
        let update = update_body(br#"{"zone_defaults":{"soa":{"mname":null}}}"#).unwrap();
        let soa = update.zone_defaults.unwrap().soa.unwrap();
        assert_eq!(soa.mname, Some(types::SoaMname(None)));
    }

    #[test]
    fn add_needs_a_hostname_and_a_set_in_bounds() {
        assert_eq!(pointers(add_body(br#"{}"#)), ["/ns_name"]);
        assert_eq!(
            pointers(add_body(br#"{"ns_name":"x..y","ns_set":6}"#)),
            ["/ns_name", "/ns_set"]
        );
        assert_eq!(pointers(add_body(br#"[1]"#)), [""]);
        assert_eq!(
            add_body(br#"{"ns_name":"ns1.example.com"}"#).unwrap(),
            ("ns1.example.com".to_string(), 1)
        );
    }
}
