//! insta snapshots: the generated code, the JSON schemas of the public request and result
//! types, and the JSON bodies of representative requests. A change to the fragment or to
//! the generator settings shows up here in review (`cargo insta review`).

use cloudflare_account_dns::{Client, NameserverType, ZoneMode, types};
use schemars::schema_for;

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

fn offline() -> Client {
    Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .build()
        .unwrap()
}

#[test]
fn generated_client() {
    insta::assert_snapshot!(include_str!(concat!(env!("OUT_DIR"), "/codegen.rs")));
}

#[test]
fn generated_open_enums() {
    insta::assert_snapshot!(include_str!(concat!(env!("OUT_DIR"), "/open_enums.rs")));
}

#[test]
fn generated_request_builders() {
    insta::assert_snapshot!(include_str!(concat!(env!("OUT_DIR"), "/operations.rs")));
}

#[test]
fn generated_schema_table() {
    insta::assert_snapshot!(include_str!(concat!(env!("OUT_DIR"), "/schema_table.rs")));
}

#[test]
fn generated_public_types() {
    insta::assert_snapshot!(include_str!(concat!(env!("OUT_DIR"), "/public_types.rs")));
}

#[test]
fn schema_of_custom_nameserver_input() {
    insta::assert_json_snapshot!(schema_for!(types::CustomNameserverInput));
}

#[test]
fn schema_of_custom_nameserver() {
    insta::assert_json_snapshot!(schema_for!(types::CustomNameserver));
}

#[test]
fn schema_of_dns_settings_update() {
    insta::assert_json_snapshot!(schema_for!(types::DnsSettingsUpdate));
}

#[test]
fn schema_of_dns_settings() {
    insta::assert_json_snapshot!(schema_for!(types::DnsSettings));
}

#[test]
fn schema_of_response_message() {
    insta::assert_json_snapshot!(schema_for!(types::ResponseMessage));
}

#[test]
fn body_add_nameserver_minimal() {
    let body = offline()
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .to_body()
        .unwrap();
    insta::assert_json_snapshot!(body);
}

#[test]
fn body_add_nameserver_with_set() {
    let body = offline()
        .add_custom_nameserver(ACCOUNT, "ns2.example.com")
        .ns_set(2)
        .to_body()
        .unwrap();
    insta::assert_json_snapshot!(body);
}

#[test]
fn body_update_one_field() {
    let body = offline()
        .update_dns_settings(ACCOUNT)
        .zone_defaults_multi_provider(false)
        .to_body()
        .unwrap();
    insta::assert_json_snapshot!(body);
}

#[test]
fn body_update_python_sdk_example() {
    let body = offline()
        .update_dns_settings(ACCOUNT)
        .zone_defaults_nameservers_type(NameserverType::CustomAccount)
        .zone_defaults_zone_mode(ZoneMode::DnsOnly)
        .zone_defaults_ns_ttl(86400)
        .zone_defaults_soa_rname("admin.example.com")
        .zone_defaults_soa_ttl(3600)
        .zone_defaults_soa_mname_null()
        .to_body()
        .unwrap();
    insta::assert_json_snapshot!(body);
}

#[test]
#[allow(deprecated)]
fn body_update_every_field() {
    let body = offline()
        .update_dns_settings(ACCOUNT)
        .enforce_dns_only(true)
        .zone_defaults_flatten_all_cnames(false)
        .zone_defaults_foundation_dns(false)
        .zone_defaults_internal_dns_reference_zone_id("023e105f4ecef8ad9ca31a8372d0c353")
        .zone_defaults_multi_provider(true)
        .zone_defaults_nameservers_type(NameserverType::CloudflareAdvanced)
        .zone_defaults_ns_ttl(3600)
        .zone_defaults_secondary_overrides(false)
        .zone_defaults_zone_mode(ZoneMode::Standard)
        .zone_defaults_soa_expire(604800)
        .zone_defaults_soa_min_ttl(1800)
        .zone_defaults_soa_mname("ns1.example.com")
        .zone_defaults_soa_refresh(10000)
        .zone_defaults_soa_retry(2400)
        .zone_defaults_soa_rname("hostmaster.example.com")
        .zone_defaults_soa_ttl(3600)
        .to_body()
        .unwrap();
    insta::assert_json_snapshot!(body);
}
