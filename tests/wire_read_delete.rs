//! Wire tests of the list, delete and show operations, and of `use_custom_nameservers`.

mod support;

use std::sync::{Arc, Mutex};

use cloudflare_account_dns::{Error, NameserverType};
use serde_json::{Value, json};
use support::{ACCOUNT, TestServer, client};

fn nameserver(name: &str, set: u8) -> Value {
    json!({
        "dns_records": [{"type": "A", "value": "192.0.2.1"}, {"type": "AAAA", "value": "2001:db8::1"}],
        "ns_name": name,
        "ns_set": set,
        "status": "verified",
        "zone_tag": "023e105f4ecef8ad9ca31a8372d0c353"
    })
}

fn envelope(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

#[tokio::test]
async fn list_sends_a_bodyless_get_and_decodes_every_nameserver() {
    let mut body = envelope(json!([
        nameserver("ns1.example.com", 1),
        nameserver("ns2.example.com", 2)
    ]));
    body["result_info"] =
        json!({"count": 2, "page": 1, "per_page": 20, "total_count": 2, "total_pages": 1});
    let server = TestServer::always(support::json(200, body)).await;
    let list = client(&server)
        .list_custom_nameservers(ACCOUNT)
        .send()
        .await
        .unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        format!("/client/v4/accounts/{ACCOUNT}/custom_ns")
    );
    assert!(request.body.is_empty());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(
        request.header("authorization"),
        Some("Bearer test-token-0123456789")
    );
    assert_eq!(request.header("api-version"), None);

    let names: Vec<_> = list.iter().map(|ns| ns.ns_name.as_str()).collect();
    assert_eq!(names, ["ns1.example.com", "ns2.example.com"]);
    assert_eq!(list[1].ns_set, 2);
    assert_eq!(list[0].dns_records.len(), 2);
}

#[tokio::test]
async fn a_null_list_is_empty() {
    let server = TestServer::always(support::json(200, envelope(Value::Null))).await;
    let list = client(&server)
        .list_custom_nameservers(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert!(list.is_empty());
}

#[tokio::test]
async fn delete_sends_no_body_and_names_the_nameserver_in_the_path() {
    let server = TestServer::always(support::json(200, envelope(json!([])))).await;
    client(&server)
        .delete_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "DELETE");
    assert_eq!(
        request.path,
        format!("/client/v4/accounts/{ACCOUNT}/custom_ns/ns1.example.com")
    );
    assert!(request.body.is_empty(), "no body: {:?}", request.text());
    assert_eq!(request.header("content-type"), None);
}

#[tokio::test]
async fn delete_accepts_a_null_result_and_reports_failures() {
    let server = TestServer::sequence(vec![
        support::json(200, envelope(Value::Null)),
        support::failure(404, &[(1000, "Custom nameserver not found")]),
    ])
    .await;
    let client = client(&server);
    client
        .delete_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    let err = client
        .delete_custom_nameserver(ACCOUNT, "ns9.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.codes(), vec![1000]);
}

#[tokio::test]
async fn delete_refuses_a_name_that_could_change_the_path() {
    let server = TestServer::always(support::json(200, envelope(json!([])))).await;
    let client = client(&server);
    for bad in [
        "..",
        "../x",
        "a/b",
        "ns1.example.com/../..",
        "%2F",
        "a?b",
        "a#b",
        "a b",
        "",
    ] {
        let err = client
            .delete_custom_nameserver(ACCOUNT, bad)
            .send()
            .await
            .unwrap_err();
        match err {
            Error::InvalidArgument(arg) => assert_eq!(arg.field, "custom_ns_id", "{bad:?}"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let err = client
        .delete_custom_nameserver("../x", "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_argument().unwrap().field, "account_id");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn get_dns_settings_sends_a_bodyless_get() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let settings = client(&server)
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        format!("/client/v4/accounts/{ACCOUNT}/dns_settings")
    );
    assert!(request.body.is_empty());
    assert_eq!(settings.zone_defaults.soa.ttl, Some(3600));
}

/// A scripted account: what `use_custom_nameservers` sees and changes.
fn scripted_account(
    names: &[&str],
    kind: &str,
) -> impl Fn(&support::Recorded, usize) -> support::Reply {
    let state = Arc::new(Mutex::new((
        names.iter().map(|n| nameserver(n, 1)).collect::<Vec<_>>(),
        kind.to_string(),
    )));
    move |request, _| {
        let mut state = state.lock().unwrap();
        let settings = |kind: &str| {
            let mut body = support::seed_dns_settings_response();
            body["result"]["zone_defaults"]["nameservers"]["type"] = json!(kind);
            body
        };
        match (
            request.method.as_str(),
            request.path.ends_with("/custom_ns"),
        ) {
            ("GET", true) => support::json(200, envelope(json!(state.0.clone()))),
            ("POST", true) => {
                let body = request.json();
                let ns = nameserver(
                    body["ns_name"].as_str().unwrap(),
                    body["ns_set"].as_u64().unwrap_or(1) as u8,
                );
                state.0.push(ns.clone());
                support::json(200, envelope(ns))
            }
            ("GET", false) => support::json(200, settings(&state.1)),
            ("PATCH", false) => {
                state.1 = request.json()["zone_defaults"]["nameservers"]["type"]
                    .as_str()
                    .unwrap()
                    .to_string();
                support::json(200, settings(&state.1))
            }
            _ => support::failure(405, &[(10405, "method not allowed")]),
        }
    }
}

#[tokio::test]
async fn use_custom_nameservers_adds_what_is_missing_then_switches() {
    let server = TestServer::start(scripted_account(
        &["ns1.example.com"],
        "cloudflare.standard",
    ))
    .await;
    let report = client(&server)
        .use_custom_nameservers(
            ACCOUNT,
            ["NS1.example.com", "ns2.example.com", "ns2.example.com"],
        )
        .ns_set(1)
        .send()
        .await
        .unwrap();
    assert!(report.changed());
    assert_eq!(report.added_names(), ["ns2.example.com"]);
    assert_eq!(report.already_present, ["NS1.example.com"]);
    assert_eq!(
        report.nameservers_type_change,
        Some((
            NameserverType::CloudflareStandard,
            NameserverType::CustomAccount
        ))
    );
    assert_eq!(
        report.settings.zone_defaults.nameservers.type_,
        NameserverType::CustomAccount
    );

    let requests = server.requests();
    let calls: Vec<_> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let base = format!("/client/v4/accounts/{ACCOUNT}");
    // Both reads come first (the plan), so that nothing is changed before everything is
    // known; then the add, then the one update.
    assert_eq!(
        calls,
        [
            format!("GET {base}/custom_ns"),
            format!("GET {base}/dns_settings"),
            format!("POST {base}/custom_ns"),
            format!("PATCH {base}/dns_settings"),
        ]
    );
    assert_eq!(
        requests[2].text(),
        r#"{"ns_name":"ns2.example.com","ns_set":1}"#
    );
    assert_eq!(
        requests[3].text(),
        r#"{"zone_defaults":{"nameservers":{"type":"custom.account"}}}"#
    );

    // Run again: the account is in that state, so nothing changes.
    let again = client(&server)
        .use_custom_nameservers(ACCOUNT, ["ns1.example.com", "ns2.example.com"])
        .send()
        .await
        .unwrap();
    assert!(!again.changed());
    assert!(again.added.is_empty());
    let methods: Vec<_> = server.requests()[4..]
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(
        methods,
        ["GET", "GET"],
        "only reads when nothing needs changing"
    );
}

#[tokio::test]
async fn use_custom_nameservers_checks_everything_first() {
    let server = TestServer::start(scripted_account(&[], "cloudflare.standard")).await;
    let client = client(&server);
    let err = client
        .use_custom_nameservers(ACCOUNT, ["ns1.example.com", "bad_name.example.com"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_argument().unwrap().field, "ns_names[1]");
    let err = client
        .use_custom_nameservers(ACCOUNT, Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_argument().unwrap().field, "ns_names");
    let err = client
        .use_custom_nameservers(ACCOUNT, ["ns1.example.com"])
        .ns_set(9)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_argument().unwrap().field, "ns_set");
    assert!(server.requests().is_empty());
}
