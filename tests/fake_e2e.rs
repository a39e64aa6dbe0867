//! The crate end to end against the embedded fake Cloudflare API.

#![cfg(feature = "fake")]

use std::time::Duration;

use cloudflare_account_dns::fake::{
    DEFAULT_ACCOUNT_ID as ACCOUNT, DEFAULT_API_TOKEN, FakeCloudflare, Fault,
};
use cloudflare_account_dns::{Client, Error, NameserverType, ZoneMode};

async fn fake_and_client() -> (FakeCloudflare, Client) {
    let fake = FakeCloudflare::start().await.unwrap();
    let client = fake.client().unwrap();
    (fake, client)
}

#[tokio::test]
async fn the_whole_flow() {
    let (fake, client) = fake_and_client().await;
    for name in ["ns1.example.com", "ns2.example.com"] {
        let ns = client
            .add_custom_nameserver(ACCOUNT, name)
            .ns_set(1)
            .send()
            .await
            .unwrap();
        assert_eq!(ns.ns_name, name);
        assert_eq!(ns.ns_set, 1);
        assert_eq!(ns.dns_records.len(), 2);
    }
    let listed = client
        .list_custom_nameservers(ACCOUNT)
        .send()
        .await
        .unwrap();
    assert_eq!(listed, fake.custom_nameservers(ACCOUNT));

    let settings = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_nameservers_type(NameserverType::CustomAccount)
        .zone_defaults_ns_ttl(3600)
        .zone_defaults_soa_rname("hostmaster.example.com")
        .zone_defaults_soa_ttl(1800)
        .send()
        .await
        .unwrap();
    assert_eq!(settings, fake.dns_settings(ACCOUNT));
    assert_eq!(
        settings.zone_defaults.nameservers.type_,
        NameserverType::CustomAccount
    );
    assert_eq!(settings.zone_defaults.ns_ttl, 3600);
    assert_eq!(settings.zone_defaults.soa.ttl, Some(1800));
    assert_eq!(settings.zone_defaults.soa.refresh, Some(10000), "untouched");
    assert_eq!(
        client.get_dns_settings(ACCOUNT).send().await.unwrap(),
        settings
    );

    client
        .delete_custom_nameserver(ACCOUNT, "ns2.example.com")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = fake
        .custom_nameservers(ACCOUNT)
        .into_iter()
        .map(|ns| ns.ns_name)
        .collect();
    assert_eq!(names, ["ns1.example.com"]);

    let methods: Vec<_> = fake.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "POST", "GET", "PATCH", "GET", "DELETE"]);
}

#[tokio::test]
async fn a_refused_argument_never_reaches_the_fake() {
    let (fake, client) = fake_and_client().await;
    let err = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_expire(86399)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.invalid_argument().unwrap().field,
        "zone_defaults.soa.expire"
    );
    let err = client
        .add_custom_nameserver("../other", "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.invalid_argument().unwrap().field, "account_id");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn the_fakes_own_checks_come_back_as_api_errors() {
    use cloudflare_account_dns::types::{DnsSettingsUpdate, ZoneDefaultsUpdate};
    let (fake, client) = fake_and_client().await;
    // An enum value this crate version does not know. Request types are non-exhaustive:
    // built from `Default`, field by field.
    let mut zone_defaults = ZoneDefaultsUpdate::default();
    zone_defaults.zone_mode = Some(ZoneMode::from("edge_only"));
    let mut body = DnsSettingsUpdate::default();
    body.zone_defaults = Some(zone_defaults);
    // The client refuses it as a typo, before sending...
    let err = client
        .update_dns_settings(ACCOUNT)
        .body(body.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "invalid argument `zone_defaults.zone_mode`: must be one of {} (got \"edge_only\")",
            ZoneMode::KNOWN.join(", ")
        )
    );
    assert!(fake.requests().is_empty());
    // ...unless the request says it means a value newer than the crate; then the API (here
    // the fake) decides.
    let err = client
        .update_dns_settings(ACCOUNT)
        .body(body)
        .allow_unknown_enum_values()
        .send()
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.codes(), vec![1004]);
    let pointer = api.errors[0]
        .source
        .as_ref()
        .and_then(|s| s.pointer.clone());
    assert_eq!(pointer.as_deref(), Some("/zone_defaults/zone_mode"));
    assert!(api.cf_ray.as_deref().unwrap().ends_with("-FAKE"));
}

#[tokio::test]
async fn state_is_per_account_and_duplicates_are_refused() {
    let (fake, client) = fake_and_client().await;
    let other = "0123456789abcdef0123456789abcdef";
    client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap();
    client
        .add_custom_nameserver(other, "ns1.example.com")
        .send()
        .await
        .expect("another account may use the same name");
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 409);
    assert!(err.has_code(1409));
    client
        .update_dns_settings(other)
        .zone_defaults_ns_ttl(60)
        .send()
        .await
        .unwrap();
    assert_eq!(fake.dns_settings(ACCOUNT).zone_defaults.ns_ttl, 86400);
    assert_eq!(fake.dns_settings(other).zone_defaults.ns_ttl, 60);

    let err = client
        .delete_custom_nameserver(ACCOUNT, "ns9.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn an_explicit_null_mname_reads_back_as_null() {
    let (fake, client) = fake_and_client().await;
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname("ns1.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        fake.dns_settings(ACCOUNT)
            .zone_defaults
            .soa
            .mname
            .as_deref(),
        Some("ns1.example.com")
    );
    let settings = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_soa_mname_null()
        .send()
        .await
        .unwrap();
    // As Cloudflare does for a primary nameserver it assigns (terraform-provider-cloudflare
    // #5859): the setting reads back as null, not as a hostname.
    assert_eq!(settings.zone_defaults.soa.mname, None);
    assert_eq!(
        fake.dns_settings_json(ACCOUNT)["zone_defaults"]["soa"]["mname"],
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn auth_both_schemes_and_wrong_credentials() {
    let fake = FakeCloudflare::builder()
        .api_token("right-token")
        .api_key("ops@example.com", "right-key")
        .start()
        .await
        .unwrap();
    let with = |builder: cloudflare_account_dns::ClientBuilder| {
        builder.base_url(fake.base_url()).build().unwrap()
    };
    let token = with(Client::builder().api_token("right-token"));
    token.get_dns_settings(ACCOUNT).send().await.unwrap();
    let key = with(Client::builder().api_key("ops@example.com", "right-key"));
    key.get_dns_settings(ACCOUNT).send().await.unwrap();

    let err = with(Client::builder().api_token("wrong-token"))
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_auth_error());
    assert_eq!(
        (err.status().unwrap().as_u16(), err.codes()),
        (403, vec![9109])
    );
    assert!(!format!("{err} {err:?}").contains("wrong-token"));

    let err = with(Client::builder().api_key("ops@example.com", "wrong-key"))
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (err.status().unwrap().as_u16(), err.codes()),
        (403, vec![10000])
    );
    assert!(!format!("{err} {err:?}").contains("wrong-key"));
}

#[tokio::test]
async fn use_custom_nameservers_end_to_end() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 1);
    let report = client
        .use_custom_nameservers(ACCOUNT, ["ns1.example.com", "ns2.example.com"])
        .ns_set(1)
        .send()
        .await
        .unwrap();
    assert_eq!(report.added_names(), ["ns2.example.com"]);
    assert_eq!(report.already_present, ["ns1.example.com"]);
    assert_eq!(
        report.nameservers_type_change,
        Some((
            NameserverType::CloudflareStandard,
            NameserverType::CustomAccount
        ))
    );
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 2);

    fake.clear_requests();
    let again = client
        .use_custom_nameservers(ACCOUNT, ["ns2.example.com", "ns1.example.com"])
        .send()
        .await
        .unwrap();
    assert!(!again.changed());
    assert!(fake.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn injected_faults_become_typed_errors() {
    let (fake, client) = fake_and_client().await;

    fake.inject(Fault::status(429).retry_after("120"), 10);
    let err = client.get_dns_settings(ACCOUNT).send().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    fake.clear_faults();

    fake.inject(Fault::html(502), 10);
    let err = client.get_dns_settings(ACCOUNT).send().await.unwrap_err();
    match &err {
        Error::InvalidResponse(details) => {
            assert_eq!(details.status.as_u16(), 502);
            assert!(details.body_excerpt.contains("502 Bad Gateway"));
        }
        other => panic!("expected an invalid response, got {other:?}"),
    }
    fake.clear_faults();

    fake.inject(Fault::drop_connection(), 10);
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none(), "{err:?}");
    fake.clear_faults();

    fake.inject(Fault::delay(Duration::from_secs(3)), 10);
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn concurrent_requests_and_atomic_state() {
    let (fake, client) = fake_and_client().await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .add_custom_nameserver(ACCOUNT, format!("ns{i}.example.com"))
                .send()
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 40);

    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .add_custom_nameserver(ACCOUNT, "same.example.com")
                .send()
                .await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.status().unwrap().as_u16(), 409),
        }
    }
    assert_eq!(ok, 1, "exactly one of twenty concurrent adds wins");
}

#[tokio::test]
async fn a_fake_without_a_token_takes_the_key_scheme() {
    let fake = FakeCloudflare::builder()
        .without_api_token()
        .start()
        .await
        .unwrap();
    assert!(fake.api_token().is_none());
    fake.client()
        .unwrap()
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap();
    let err = Client::builder()
        .api_token(DEFAULT_API_TOKEN)
        .base_url(fake.base_url())
        .build()
        .unwrap()
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_auth_error());
}
