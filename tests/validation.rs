//! Arguments are checked before anything is sent: each bound just inside and just outside,
//! each attempt to change the request path.

mod support;

use cloudflare_account_dns::operations::UpdateDnsSettings;
use cloudflare_account_dns::{Client, Error};
use support::{ACCOUNT, TestServer, client};

fn offline() -> Client {
    // Nothing listens on port 9: a request that got through validation would fail to
    // connect, so `to_body` is used for the accepted cases.
    Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .build()
        .unwrap()
}

fn refused(result: Result<impl std::fmt::Debug, Error>, field: &str) -> String {
    match result {
        Err(Error::InvalidArgument(arg)) => {
            assert_eq!(arg.field, field, "{arg}");
            arg.to_string()
        }
        other => panic!("expected {field} to be refused, got {other:?}"),
    }
}

/// `(setter, field)` for every bounded integer of the PATCH body; the bounds are read from
/// the fragment, so that a bound changed upstream needs no edit here.
type Setter = fn(UpdateDnsSettings, u32) -> UpdateDnsSettings;
const UPDATE_BOUNDS: &[(Setter, &str)] = &[
    (
        UpdateDnsSettings::zone_defaults_ns_ttl,
        "zone_defaults.ns_ttl",
    ),
    (
        UpdateDnsSettings::zone_defaults_soa_expire,
        "zone_defaults.soa.expire",
    ),
    (
        UpdateDnsSettings::zone_defaults_soa_min_ttl,
        "zone_defaults.soa.min_ttl",
    ),
    (
        UpdateDnsSettings::zone_defaults_soa_refresh,
        "zone_defaults.soa.refresh",
    ),
    (
        UpdateDnsSettings::zone_defaults_soa_retry,
        "zone_defaults.soa.retry",
    ),
    (
        UpdateDnsSettings::zone_defaults_soa_ttl,
        "zone_defaults.soa.ttl",
    ),
];

/// `(minimum, maximum)` of a request field, from the fragment.
fn bounds(operation: &str, field: &str) -> (u32, u32) {
    let fragment: serde_json::Value =
        serde_json::from_str(include_str!("../openapi/cloudflare-account-dns.json")).unwrap();
    let resolve = |mut schema: serde_json::Value| {
        while let Some(name) = schema["$ref"]
            .as_str()
            .map(|r| r.rsplit('/').next().unwrap().to_string())
        {
            schema = fragment["components"]["schemas"][name].clone();
        }
        schema
    };
    let op = fragment["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|op| op["operationId"] == operation)
        .unwrap();
    let mut schema = resolve(op["requestBody"]["content"]["application/json"]["schema"].clone());
    for part in field.split('.') {
        schema = resolve(schema["properties"][part].clone());
    }
    let get = |key: &str| {
        schema[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{field}: no {key}")) as u32
    };
    (get("minimum"), get("maximum"))
}

#[test]
fn every_update_bound_just_inside_and_just_outside() {
    let client = offline();
    for (set, field) in UPDATE_BOUNDS {
        let (min, max) = bounds("update_dns_settings", field);
        for ok in [min, max] {
            let body = set(client.update_dns_settings(ACCOUNT), ok)
                .to_body()
                .unwrap_or_else(|e| panic!("{field} = {ok} should pass: {e}"));
            let json = serde_json::to_string(&body).unwrap();
            assert!(json.contains(&format!(":{ok}")), "{json}");
        }
        for bad in [min.saturating_sub(1), max + 1]
            .into_iter()
            .filter(|b| *b != min)
        {
            let message = refused(
                set(client.update_dns_settings(ACCOUNT), bad).to_body(),
                field,
            );
            assert!(
                message.contains(&format!("between {min} and {max}"))
                    && message.contains(&bad.to_string()),
                "{message}"
            );
        }
    }
}

// The bounds themselves are read from the fragment and probed just inside and just outside
// for every constraint of every operation in `tests/fragment_guardrails.rs`.

#[test]
fn ns_set_is_one_to_five() {
    let client = offline();
    for ok in [1, 5] {
        let body = client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .ns_set(ok)
            .to_body()
            .unwrap();
        assert_eq!(body["ns_set"], ok);
    }
    for bad in [0, 6] {
        let message = refused(
            client
                .add_custom_nameserver(ACCOUNT, "ns1.example.com")
                .ns_set(bad)
                .to_body(),
            "ns_set",
        );
        let (min, max) = bounds("add_custom_nameserver", "ns_set");
        assert!(
            message.contains(&format!("between {min} and {max}")),
            "{message}"
        );
    }
}

#[test]
fn ns_name_is_a_hostname() {
    let client = offline();
    let label63 = "a".repeat(63);
    // 253 characters: three labels of 63 and one of 61, joined by dots.
    let longest = format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
    assert_eq!(longest.len(), 253);
    for ok in [
        "ns1.example.com",
        "NS-1.Example.COM",
        // The root's final dot: JSON Schema's `hostname` (RFC 1123) admits it.
        "ns1.example.com.",
        longest.as_str(),
        &format!("{label63}.com"),
    ] {
        client
            .add_custom_nameserver(ACCOUNT, ok)
            .to_body()
            .unwrap_or_else(|e| panic!("{ok:?} should pass: {e}"));
    }
    let too_long = format!("{longest}c");
    let label64 = format!("{}.com", "a".repeat(64));
    for (bad, rule) in [
        (too_long.as_str(), "at most 253 characters"),
        (label64.as_str(), "at most 63 characters"),
        ("", "must not be empty"),
        ("ns1..example.com", "empty label"),
        ("ns1.example.com..", "empty label"),
        ("ns_1.example.com", "'_'"),
        ("ns1.exa mple.com", "' '"),
        ("-ns1.example.com", "hyphen"),
        ("ns1/../x.example.com", "'/'"),
        ("nä.example.com", "punycode"),
    ] {
        let message = refused(
            client.add_custom_nameserver(ACCOUNT, bad).to_body(),
            "ns_name",
        );
        assert!(message.contains(rule), "{bad:?}: {message}");
    }
}

#[test]
fn soa_mname_is_any_text_or_null_as_cloudflare_states() {
    // Cloudflare's schema gives `mname` no format and no length: the client refuses
    // nothing that Cloudflare's schema accepts.
    let client = offline();
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname("ns1.example.com")
        .to_body()
        .unwrap();
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname_null()
        .to_body()
        .unwrap();
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname("ns1.example.com.")
        .to_body()
        .unwrap();
}

#[test]
fn account_id_is_one_to_thirty_two_safe_characters() {
    let client = offline();
    for ok in ["a", ACCOUNT, "0123456789abcdef0123456789abcdef"] {
        client
            .update_dns_settings(ok)
            .zone_defaults_ns_ttl(60)
            .to_body()
            .unwrap_or_else(|e| panic!("{ok:?} should pass: {e}"));
    }
    let message = refused(client.update_dns_settings("").to_body(), "account_id");
    assert!(message.contains("empty"), "{message}");
    let message = refused(
        client.update_dns_settings("a".repeat(33)).to_body(),
        "account_id",
    );
    assert!(message.contains("at most 32"), "{message}");
}

/// Every way an account id could change the request path is refused, and nothing is sent.
#[tokio::test]
async fn account_id_cannot_change_the_path() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let client = client(&server);
    for bad in [
        "../x", "..", ".", "a/b", "%2F", "a%2Fb", "?", "a?b=c", "#", "a#b", " ", "a b", "a\\b",
        "a\nb", "é",
    ] {
        let err = client
            .update_dns_settings(bad)
            .zone_defaults_ns_ttl(60)
            .send()
            .await
            .unwrap_err();
        refused(Err::<(), _>(err), "account_id");
        let err = client
            .add_custom_nameserver(bad, "ns1.example.com")
            .send()
            .await
            .unwrap_err();
        refused(Err::<(), _>(err), "account_id");
    }
    assert!(
        server.requests().is_empty(),
        "a refused argument reached the server"
    );
}

/// A refused value is refused before any request, even with every other field valid.
#[tokio::test]
async fn nothing_is_sent_for_a_refused_argument() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let client = client(&server);
    let err = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(86400)
        .zone_defaults_soa_retry(599)
        .send()
        .await
        .unwrap_err();
    refused(Err::<(), _>(err), "zone_defaults.soa.retry");
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .ns_set(6)
        .send()
        .await
        .unwrap_err();
    refused(Err::<(), _>(err), "ns_set");
    assert!(server.requests().is_empty());
}

/// A body built by hand goes through the same checks.
#[test]
fn a_hand_built_body_is_checked_too() {
    use cloudflare_account_dns::types::{DnsSettingsUpdate, SoaUpdate, ZoneDefaultsUpdate};
    let mut soa = SoaUpdate::default();
    soa.ttl = Some(299);
    let mut zone_defaults = ZoneDefaultsUpdate::default();
    zone_defaults.soa = Some(soa);
    let mut body = DnsSettingsUpdate::default();
    body.zone_defaults = Some(zone_defaults);
    refused(
        offline().update_dns_settings(ACCOUNT).body(body).to_body(),
        "zone_defaults.soa.ttl",
    );
}

/// A zero timeout or deadline would fail every attempt: it is refused, per call before
/// anything is sent, and on the builder before there is a client.
#[tokio::test]
async fn a_zero_timeout_or_deadline_is_refused() {
    use std::time::Duration;
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let client = client(&server);
    let zero = Duration::ZERO;
    let message = refused(
        client.get_dns_settings(ACCOUNT).timeout(zero).send().await,
        "timeout",
    );
    assert_eq!(
        message,
        "invalid argument `timeout`: must be greater than zero"
    );
    refused(
        client
            .get_dns_settings(ACCOUNT)
            .connect_timeout(zero)
            .send()
            .await,
        "connect_timeout",
    );
    refused(
        client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .deadline(zero)
            .send()
            .await,
        "deadline",
    );
    refused(
        client
            .use_custom_nameservers(ACCOUNT, ["ns1.example.com"])
            .timeout(zero)
            .send()
            .await,
        "timeout",
    );
    // A `CallOptions` value is the same settings, checked the same way.
    refused(
        client
            .get_dns_settings(ACCOUNT)
            .call_options(cloudflare_account_dns::CallOptions::new().deadline(zero))
            .send()
            .await,
        "deadline",
    );
    assert!(server.requests().is_empty(), "nothing was sent");

    for builder in [
        Client::builder().connect_timeout(zero),
        Client::builder().timeout(zero),
        Client::builder().deadline(zero),
    ] {
        let err = builder.api_token("t").build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(
            err.to_string().contains("must be greater than zero"),
            "{err}"
        );
    }
}

/// Strict where people type: an enum value the fragment does not list is a typo, wherever
/// it is typed (a setter taking a string, `set_field`, a declared-state file); sending a
/// value newer than the crate is said explicitly.
#[test]
fn enum_typos_are_refused_wherever_they_are_typed() {
    let client = offline();
    let message = refused(
        client
            .update_dns_settings(ACCOUNT)
            .zone_defaults_zone_mode("dns-only")
            .to_body(),
        "zone_defaults.zone_mode",
    );
    assert!(
        message.contains(&format!(
            "must be one of {} (got \"dns-only\")",
            cloudflare_account_dns::ZoneMode::KNOWN.join(", ")
        )),
        "{message}"
    );
    refused(
        client
            .update_dns_settings(ACCOUNT)
            .set_field("zone_defaults.nameservers.type", "custom.acount")
            .to_body(),
        "zone_defaults.nameservers.type",
    );
    let file = r#"{"accounts": [{"account_id": "023e105f4ecef8ad9ca31a8372d0c353",
        "dns_settings": {"zone_defaults": {"zone_mode": "dns-only"}}}]}"#;
    let err = cloudflare_account_dns::converge::DeclaredAccounts::from_json(file)
        .and_then(|declared| declared.check())
        .unwrap_err();
    assert!(err.to_string().contains("zone_defaults.zone_mode"), "{err}");
    // A value newer than the crate, said explicitly.
    let body = client
        .update_dns_settings(ACCOUNT)
        .set_field("zone_defaults.nameservers.type", "custom.next")
        .allow_unknown_enum_values()
        .to_body()
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"zone_defaults": {"nameservers": {"type": "custom.next"}}})
    );
}

/// A field newer than the crate goes through `set_field`, as Cloudflare's schema admits
/// unknown fields; a whole number given as a float goes on the wire as an integer.
#[test]
fn set_field_sends_new_fields_and_integers_as_integers() {
    let client = offline();
    let body = client
        .update_dns_settings(ACCOUNT)
        .set_field("zone_defaults.some_new_field", true)
        .set_field("zone_defaults.ns_ttl", 3600.0)
        .set_field(
            "zone_defaults.soa",
            serde_json::json!({"ttl": 300.0, "refresh": 600}),
        )
        .to_body()
        .unwrap();
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"zone_defaults":{"ns_ttl":3600,"soa":{"refresh":600,"ttl":300},"some_new_field":true}}"#
    );
    // A fraction is still refused: integers on the wire are a fact the overlay states.
    refused(
        client
            .update_dns_settings(ACCOUNT)
            .set_field("zone_defaults.ns_ttl", 3600.5)
            .to_body(),
        "zone_defaults.ns_ttl",
    );
}

/// `set_…(None)` needs no type annotation, and leaves the field out of the request.
#[test]
fn set_none_needs_no_annotation() {
    let body = offline()
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname("ns1.example.com")
        .set_zone_defaults_soa_mname(None)
        .set_zone_defaults_nameservers_type(None)
        .zone_defaults_ns_ttl(3600)
        .to_body()
        .unwrap();
    assert_eq!(body["zone_defaults"]["ns_ttl"], 3600);
    assert!(
        body["zone_defaults"]["soa"].get("mname").is_none(),
        "{body}"
    );
    assert!(body["zone_defaults"].get("nameservers").is_none(), "{body}");
}
