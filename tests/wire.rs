//! Wire tests: what the client sends, and what it makes of what comes back, against a
//! scripted server on 127.0.0.1.

mod support;

use cloudflare_account_dns::{
    Client, CustomNameserverStatus, DnsRecordType, Error, NameserverType, ZoneMode,
};
use serde_json::json;
use support::{ACCOUNT, Reply, TestServer, body, client, failure, with_header};

const TOKEN: &str = "test-token-0123456789";

#[tokio::test]
async fn add_custom_nameserver_sends_what_cloudflare_documents() {
    let server = TestServer::always(support::json(
        200,
        support::seed_custom_nameserver_response(),
    ))
    .await;
    let ns = client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .ns_set(1)
        .send()
        .await
        .expect("the documented response decodes");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        format!("/client/v4/accounts/{ACCOUNT}/custom_ns")
    );
    assert_eq!(
        request.text(),
        r#"{"ns_name":"ns1.example.com","ns_set":1}"#
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("authorization"),
        Some("Bearer test-token-0123456789")
    );
    assert_eq!(request.header_count("authorization"), 1);
    assert_eq!(request.header("x-auth-email"), None);
    assert_eq!(request.header("x-auth-key"), None);
    assert_eq!(request.header("api-version"), None);
    assert_eq!(
        request.header("user-agent"),
        Some(concat!(
            "cloudflare-account-dns/",
            env!("CARGO_PKG_VERSION")
        ))
    );

    assert_eq!(ns.ns_name, "ns1.example.com");
    assert_eq!(ns.ns_set, 1);
    #[allow(deprecated)]
    let status = &ns.status;
    assert_eq!(*status, CustomNameserverStatus::Verified);
    assert_eq!(ns.zone_tag.as_str(), "023e105f4ecef8ad9ca31a8372d0c353");
    assert_eq!(ns.dns_records.len(), 1);
    assert_eq!(ns.dns_records[0].type_, Some(DnsRecordType::A));
    assert_eq!(ns.dns_records[0].value.as_deref(), Some("1.1.1.1"));
}

#[tokio::test]
async fn ns_set_is_omitted_when_unset() {
    let server = TestServer::always(support::json(
        200,
        support::seed_custom_nameserver_response(),
    ))
    .await;
    client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].text(),
        r#"{"ns_name":"ns1.example.com"}"#
    );
}

#[tokio::test]
async fn update_dns_settings_sends_only_what_was_set() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let settings = client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_nameservers_type(NameserverType::CustomAccount)
        .zone_defaults_zone_mode(ZoneMode::DnsOnly)
        .zone_defaults_ns_ttl(86400)
        .zone_defaults_soa_rname("admin.example.com")
        .zone_defaults_soa_ttl(3600)
        .zone_defaults_soa_mname_null()
        .send()
        .await
        .expect("the documented response decodes");

    let request = &server.requests()[0];
    assert_eq!(request.method, "PATCH");
    assert_eq!(
        request.path,
        format!("/client/v4/accounts/{ACCOUNT}/dns_settings")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    // The body the official Python SDK sends for the same call.
    assert_eq!(
        request.json(),
        json!({"zone_defaults":{"nameservers":{"type":"custom.account"},"zone_mode":"dns_only","ns_ttl":86400,"soa":{"rname":"admin.example.com","ttl":3600,"mname":null}}})
    );
    let text = request.text();
    assert!(text.contains(r#""ns_ttl":86400"#), "{text}");
    assert!(text.contains(r#""ttl":3600"#), "{text}");
    assert!(text.contains(r#""mname":null"#), "{text}");
    assert!(!text.contains(".0"), "integers go out as integers: {text}");

    let zd = &settings.zone_defaults;
    assert_eq!(zd.nameservers.type_, NameserverType::CloudflareStandard);
    assert_eq!(zd.ns_ttl, 86400);
    assert_eq!(zd.zone_mode, ZoneMode::DnsOnly);
    assert_eq!(zd.soa.mname.as_deref(), Some("kristina.ns.cloudflare.com"));
    assert_eq!(zd.soa.expire, Some(604800));
    assert_eq!(
        zd.internal_dns.reference_zone_id.as_deref(),
        Some("reference_zone_id")
    );
    assert!(!zd.flatten_all_cnames);
}

#[tokio::test]
async fn one_boolean_patch_sends_one_boolean() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_flatten_all_cnames(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].text(),
        r#"{"zone_defaults":{"flatten_all_cnames":false}}"#
    );
    // `true` is what Cloudflare is known to refuse at account level (the overlay's
    // x-known-refusals, code 1011): refused before sending.
    let err = client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_flatten_all_cnames(true)
        .send()
        .await
        .unwrap_err();
    let arg = err.invalid_argument().expect("refused before sending");
    assert_eq!(arg.field, "zone_defaults.flatten_all_cnames");
    assert!(arg.rule.contains("1011"), "{arg}");
    assert_eq!(server.requests().len(), 1);

    client(&server)
        .update_dns_settings(ACCOUNT)
        .enforce_dns_only(false)
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[1].text(), r#"{"enforce_dns_only":false}"#);
}

#[tokio::test]
async fn api_key_scheme_sends_email_and_key_only() {
    let server = TestServer::always(support::json(
        200,
        support::seed_custom_nameserver_response(),
    ))
    .await;
    let client = Client::builder()
        .api_key("user@example.com", "144c9defac04969c7bfad8efaa8ea194")
        .base_url(server.base_url())
        .build()
        .unwrap();
    client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-auth-email"), Some("user@example.com"));
    assert_eq!(
        request.header("x-auth-key"),
        Some("144c9defac04969c7bfad8efaa8ea194")
    );
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn a_trailing_slash_on_the_base_url_changes_nothing() {
    let server = TestServer::always(support::json(
        200,
        support::seed_custom_nameserver_response(),
    ))
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("{}/", server.base_url()))
        .build()
        .unwrap();
    client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].path,
        format!("/client/v4/accounts/{ACCOUNT}/custom_ns")
    );
}

#[tokio::test]
async fn a_custom_user_agent_replaces_the_default() {
    let server =
        TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .user_agent("infra-job/2.1")
        .build()
        .unwrap();
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(60)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("user-agent"),
        Some("infra-job/2.1")
    );
}

#[tokio::test]
async fn unknown_enum_values_and_fields_decode_and_stay_visible() {
    let mut settings = support::seed_dns_settings_response();
    settings["result"]["zone_defaults"]["nameservers"]["type"] = json!("cloudflare.next");
    settings["result"]["zone_defaults"]["zone_mode"] = json!("edge_only");
    settings["result"]["zone_defaults"]["brand_new_setting"] = json!({"on": true});
    let mut ns = support::seed_custom_nameserver_response();
    ns["result"]["status"] = json!("suspended");
    ns["result"]["dns_records"][0]["type"] = json!("SVCB");
    ns["result"]["verified_at"] = json!("2026-11-23T00:00:00Z");
    let server = TestServer::start(move |request, _| {
        if request.path.ends_with("/dns_settings") {
            support::json(200, settings.clone())
        } else {
            support::json(200, ns.clone())
        }
    })
    .await;
    let client = client(&server);

    let settings = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(300)
        .send()
        .await
        .unwrap();
    let zd = &settings.zone_defaults;
    assert_eq!(
        zd.nameservers.type_,
        NameserverType::Unknown("cloudflare.next".into())
    );
    assert_eq!(zd.nameservers.type_.as_str(), "cloudflare.next");
    assert!(!zd.nameservers.type_.is_known());
    assert_eq!(zd.zone_mode.to_string(), "edge_only");
    assert_eq!(zd.extra["brand_new_setting"], json!({"on": true}));

    let ns = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ns.status,
        CustomNameserverStatus::Unknown("suspended".into())
    );
    assert_eq!(
        ns.dns_records[0].type_,
        Some(DnsRecordType::Unknown("SVCB".into()))
    );
    assert_eq!(ns.extra["verified_at"], json!("2026-11-23T00:00:00Z"));

    // An unknown value is a typo where people type it, refused before sending...
    let err = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_nameservers_type("cloudflare.next")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.invalid_argument().unwrap().field,
        "zone_defaults.nameservers.type"
    );
    assert_eq!(server.requests().len(), 2);
    // ...and goes back on the wire unchanged when the request says it means it.
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_nameservers_type("cloudflare.next")
        .allow_unknown_enum_values()
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests()[2].text(),
        r#"{"zone_defaults":{"nameservers":{"type":"cloudflare.next"}}}"#
    );
}

#[tokio::test]
async fn non_fatal_messages_and_cf_ray_are_reachable() {
    let mut response = support::seed_dns_settings_response();
    response["messages"] = json!([{"code": 1001, "message": "foundation_dns is deprecated"}]);
    let server = TestServer::always(support::json(200, response)).await;
    let details = client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(300)
        .send_with_details()
        .await
        .unwrap();
    assert_eq!(details.messages.len(), 1);
    assert_eq!(details.messages[0].code, 1001);
    assert_eq!(details.cf_ray.as_deref(), Some("8f1e2d3c4b5a6978-SJC"));
    assert_eq!(details.status.as_u16(), 200);
    assert_eq!(details.result.zone_defaults.ns_ttl, 86400);
}

// ---- errors -------------------------------------------------------------------------

async fn add_error(reply: Reply) -> (Error, TestServer) {
    let server = TestServer::always(reply).await;
    let err = client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .expect_err("the call fails");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    (err, server)
}

async fn update_error(reply: Reply) -> Error {
    let server = TestServer::always(reply).await;
    let err = client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(300)
        .send()
        .await
        .expect_err("the call fails");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    err
}

#[tokio::test]
async fn a_400_keeps_every_cloudflare_detail() {
    let reply = support::json(
        400,
        json!({
            "success": false,
            "errors": [{
                "code": 6003,
                "message": "Invalid request headers",
                "documentation_url": "https://developers.cloudflare.com/api/",
                "source": {"pointer": "/ns_name"},
                "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}],
                "request_id": "abc"
            }],
            "messages": [],
            "result": null
        }),
    );
    let (err, _) = add_error(reply).await;
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.cf_ray.as_deref(), Some("8f1e2d3c4b5a6978-SJC"));
    assert_eq!(api.codes(), vec![6003, 6111]);
    let first = &api.errors[0];
    assert_eq!(first.message, "Invalid request headers");
    assert_eq!(
        first.documentation_url.as_deref(),
        Some("https://developers.cloudflare.com/api/")
    );
    assert_eq!(
        first.source.as_ref().and_then(|s| s.pointer.as_deref()),
        Some("/ns_name")
    );
    assert_eq!(first.error_chain[0].code, 6111);
    assert_eq!(first.extra["request_id"], json!("abc"));
    assert!(err.has_code(6111));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(err.cf_ray(), Some("8f1e2d3c4b5a6978-SJC"));
    let text = err.to_string();
    assert!(text.contains("6003 Invalid request headers"), "{text}");
    assert!(text.contains("cf-ray 8f1e2d3c4b5a6978-SJC"), "{text}");
    assert!(text.contains("/ns_name"), "{text}");
}

#[tokio::test]
async fn auth_failures_are_auth_errors() {
    let (err, _) = add_error(failure(401, &[(10001, "Unauthorized")])).await;
    assert!(err.is_auth_error());
    assert_eq!(err.status().unwrap().as_u16(), 401);

    let err = update_error(failure(403, &[(10000, "Authentication error")])).await;
    assert!(err.is_auth_error());
    assert_eq!(err.codes(), vec![10000]);
    assert!(!err.is_rate_limited());
}

#[tokio::test]
async fn a_404_is_not_found() {
    let (err, _) = add_error(failure(404, &[(7003, "Could not route to /accounts/x")])).await;
    assert!(err.is_not_found());
    assert!(!err.is_auth_error());
}

#[tokio::test]
async fn a_429_is_rate_limited_with_its_wait() {
    let reply = with_header(
        failure(
            429,
            &[(
                971,
                "Please wait and consider throttling your request speed",
            )],
        ),
        "retry-after",
        "120",
    );
    let err = update_error(reply).await;
    assert!(err.is_rate_limited());
    assert_eq!(err.codes(), vec![971]);
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(120)));
}

#[tokio::test]
async fn a_500_envelope_is_an_api_error() {
    let (err, _) = add_error(failure(500, &[(1000, "Internal error")])).await;
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 500);
    assert_eq!(api.codes(), vec![1000]);
}

#[tokio::test]
async fn an_html_502_is_an_invalid_response_with_an_excerpt() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>";
    let (err, _) = add_error(body(502, "text/html", page)).await;
    // A POST that got a 5xx may have been applied: the error says so, around the cause.
    let Error::OutcomeUnknown(unknown) = &err else {
        panic!("expected an unknown outcome, got {err:?}");
    };
    let Error::InvalidResponse(details) = &unknown.cause else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert!(err.is_invalid_response());
    assert_eq!(details.status.as_u16(), 502);
    assert_eq!(details.body_excerpt, page);
    assert_eq!(details.cf_ray.as_deref(), Some("8f1e2d3c4b5a6978-SJC"));
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn a_huge_html_page_is_cut_to_a_bounded_excerpt() {
    let page = format!("<html>{}</html>", "x".repeat(100_000));
    let (err, _) = add_error(body(502, "text/html", &page)).await;
    let Some(Error::InvalidResponse(details)) = err.outcome_unknown().map(|u| &u.cause) else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert!(details.body_excerpt.len() <= cloudflare_account_dns::BODY_EXCERPT_LIMIT + 3);
}

#[tokio::test]
async fn an_empty_body_is_an_invalid_response() {
    let (err, _) = add_error(body(200, "application/json", "")).await;
    // The add was answered 2xx, so it was applied: the unreadable answer leaves its
    // outcome unknown to the caller.
    assert!(err.is_outcome_unknown(), "{err:?}");
    let Some(Error::InvalidResponse(details)) = err.outcome_unknown().map(|u| &u.cause) else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert_eq!(details.status.as_u16(), 200);
    assert!(details.reason.contains("empty"), "{}", details.reason);
}

#[tokio::test]
async fn truncated_json_is_an_invalid_response() {
    let (err, _) = add_error(body(
        200,
        "application/json",
        r#"{"success":true,"result":{"ns_na"#,
    ))
    .await;
    assert!(err.is_invalid_response(), "{err:?}");
    assert!(err.to_string().contains("ns_na"), "{err}");

    let err = update_error(body(
        400,
        "application/json",
        r#"{"success":false,"errors":[{"co"#,
    ))
    .await;
    assert!(err.is_invalid_response(), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 400);
}

#[tokio::test]
async fn success_false_on_a_200_is_an_error() {
    let reply = support::json(
        200,
        json!({"success": false, "errors": [{"code": 1004, "message": "DNS Validation Error"}], "messages": [], "result": null}),
    );
    let err = update_error(reply).await;
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 200);
    assert_eq!(api.codes(), vec![1004]);
}

#[tokio::test]
async fn success_without_a_result_is_an_invalid_response() {
    let reply = support::json(
        200,
        json!({"success": true, "errors": [], "messages": [], "result": null}),
    );
    let (err, _) = add_error(reply).await;
    assert!(err.is_invalid_response(), "{err:?}");
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_an_invalid_response() {
    for reply in [
        support::json(200, json!([1, 2, 3])),
        support::json(200, json!({"success": "yes"})),
        support::json(400, json!({"error": "bad"})),
        support::json(200, json!({"success": true, "result": {"ns_name": 7}})),
    ] {
        let (err, _) = add_error(reply).await;
        assert!(err.is_invalid_response(), "{err:?}");
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let target = TestServer::always(support::json(
        200,
        support::seed_custom_nameserver_response(),
    ))
    .await;
    let location = format!("{}/accounts/{ACCOUNT}/custom_ns", target.base_url());
    let (err, _) = add_error(with_header(
        body(302, "text/plain", ""),
        "location",
        &location,
    ))
    .await;
    assert!(err.is_invalid_response(), "{err:?}");
    assert!(target.requests().is_empty());
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}/client/v4"))
        .build()
        .unwrap();
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn a_silent_server_is_a_timeout() {
    let server = TestServer::always(Reply::Delay(
        std::time::Duration::from_secs(5),
        Box::new(support::json(
            200,
            support::seed_custom_nameserver_response(),
        )),
    ))
    .await;
    let started = std::time::Instant::now();
    let err = client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(300)
        .timeout(std::time::Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let (err, _) = add_error(Reply::Close).await;
    assert!(err.is_transport(), "{err:?}");
}

#[test]
fn clients_and_calls_can_cross_threads() {
    fn send_sync<T: Send + Sync + Clone + 'static>(_: &T) {}
    fn send<T: Send + 'static>(_: T) {}
    let client = Client::builder().api_token(TOKEN).build().unwrap();
    send_sync(&client);
    send(
        client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send(),
    );
    send(
        client
            .update_dns_settings(ACCOUNT)
            .zone_defaults_ns_ttl(60)
            .send(),
    );
    send(client.list_custom_nameservers(ACCOUNT).send());
    send(
        client
            .delete_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send(),
    );
    send(client.get_dns_settings(ACCOUNT).send());
    send(
        client
            .use_custom_nameservers(ACCOUNT, ["ns1.example.com"])
            .send(),
    );
}

#[tokio::test]
async fn header_format_errors_are_auth_errors() {
    let reply = support::json(
        400,
        json!({"success": false, "errors": [{"code": 6003, "message": "Invalid request headers",
            "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}]}],
            "messages": [], "result": null}),
    );
    let (err, _) = add_error(reply).await;
    assert!(err.is_auth_error());
}
