//! Open enums compare by value: a known value is always its variant, so equality, hashing
//! and ordering follow the string on the wire; an unknown value round-trips unchanged; and
//! one read back is sent back with the same type when the request says so.

use cloudflare_account_dns::{Client, NameserverType, types};

#[test]
fn a_known_value_is_always_its_variant() {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let hash = |value: &NameserverType| {
        let mut hasher = DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    };
    let typed = NameserverType::from("custom.account");
    let parsed: NameserverType = "custom.account".parse().unwrap();
    let owned = NameserverType::from(String::from("custom.account"));
    let decoded: NameserverType = serde_json::from_str("\"custom.account\"").unwrap();
    for value in [&typed, &parsed, &owned, &decoded] {
        assert_eq!(*value, NameserverType::CustomAccount);
        assert!(value.is_known());
        assert_eq!(hash(value), hash(&NameserverType::CustomAccount));
        assert_eq!(
            value.cmp(&NameserverType::CustomAccount),
            std::cmp::Ordering::Equal
        );
    }
}

#[test]
fn open_enums_are_ordered_and_hashed_by_the_value_they_send() {
    let mut values: Vec<NameserverType> = [
        "custom.tenant",
        "cloudflare.next",
        "cloudflare.advanced",
        "a.new",
    ]
    .into_iter()
    .map(NameserverType::from)
    .collect();
    values.sort();
    let sorted: Vec<&str> = values.iter().map(NameserverType::as_str).collect();
    assert_eq!(
        sorted,
        [
            "a.new",
            "cloudflare.advanced",
            "cloudflare.next",
            "custom.tenant"
        ]
    );
    let set: std::collections::HashSet<NameserverType> =
        ["cloudflare.next", "cloudflare.next", "custom.tenant"]
            .into_iter()
            .map(NameserverType::from)
            .chain([NameserverType::CustomTenant])
            .collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn values_round_trip_through_serde_unchanged() {
    for text in [
        "\"custom.account\"",
        "\"cloudflare.next\"",
        "\"\"",
        "\"Custom.Account\"",
    ] {
        let value: NameserverType = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), text);
    }
    // Values differ by case on the wire, so they are different values.
    let upper = NameserverType::from("Custom.Account");
    assert!(!upper.is_known());
    assert_ne!(upper, NameserverType::CustomAccount);
    let NameserverType::Unknown(value) = &upper else {
        panic!("{upper:?} is known")
    };
    assert_eq!(value.as_str(), "Custom.Account");
    assert_eq!(value.to_string(), "Custom.Account");
    assert_eq!(format!("{upper:?}"), "Unknown(\"Custom.Account\")");
}

#[test]
fn a_value_read_back_is_sent_back_only_when_the_request_allows_unknown_values() {
    let client = Client::builder()
        .api_token("t")
        .base_url("http://127.0.0.1:9/client/v4")
        .build()
        .unwrap();
    // `zone_defaults.nameservers` as a response holds it.
    let read: types::Nameservers =
        serde_json::from_value(serde_json::json!({"type": "cloudflare.next"})).unwrap();
    let value = read.type_.clone();
    // Strict where people type: in a request, a value read back and a typo look alike.
    let err = client
        .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
        .zone_defaults_nameservers_type(value.clone())
        .check()
        .unwrap_err();
    assert_eq!(
        err.invalid_argument().unwrap().field,
        "zone_defaults.nameservers.type"
    );
    // The request and response enum are one type: the value goes back as it came.
    let mut nameservers = types::NameserversUpdate::default();
    nameservers.type_ = Some(value.clone());
    let mut zone_defaults = types::ZoneDefaultsUpdate::default();
    zone_defaults.nameservers = Some(nameservers);
    let mut body = types::DnsSettingsUpdate::default();
    body.zone_defaults = Some(zone_defaults);
    for sent in [
        client
            .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
            .zone_defaults_nameservers_type(value)
            .allow_unknown_enum_values()
            .to_body()
            .unwrap(),
        client
            .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
            .body(body)
            .allow_unknown_enum_values()
            .to_body()
            .unwrap(),
    ] {
        assert_eq!(
            sent,
            serde_json::json!({"zone_defaults": {"nameservers": {"type": "cloudflare.next"}}})
        );
    }
}
