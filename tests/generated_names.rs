//! The generated names users write are held here, so that a regeneration that renames one
//! (or a generator change that would) fails the tests, and a reviewer sees it.
//!
//! - Every variant of every open enum is used by name, with the value it sends: a rename
//!   does not compile; a variant that sends another value fails.
//! - Every method of every request builder and of `Client` that the generator writes is in
//!   a checked list, compared with the generated `operations.rs`: a method that is renamed
//!   or gone fails, whatever its arguments are (another change may retype a setter's
//!   argument; the name is what user code is written against). New methods (a field added
//!   upstream) pass: they are additions, listed for the next release.

use cloudflare_account_dns::{CustomNameserverStatus, DnsRecordType, NameserverType, ZoneMode};

/// Uses each variant by name and checks its value, both ways.
macro_rules! held {
    ($ty:ident { $($variant:ident = $value:literal,)+ }) => {{
        let held: &[($ty, &str)] = &[$(($ty::$variant, $value)),+];
        for (variant, value) in held {
            assert_eq!(variant.as_str(), *value, "{}::{variant:?}", stringify!($ty));
            assert_eq!($ty::from(*value), *variant, "{}::from({value:?})", stringify!($ty));
        }
        let listed: Vec<&str> = held.iter().map(|(_, value)| *value).collect();
        for known in $ty::KNOWN {
            if !listed.contains(known) {
                eprintln!("{}: the value {known:?} is new; hold its variant here", stringify!($ty));
            }
        }
    }};
}

#[test]
fn every_variant_of_every_open_enum_keeps_its_name_and_value() {
    held!(CustomNameserverStatus {
        Moved = "moved",
        Pending = "pending",
        Verified = "verified",
    });
    held!(DnsRecordType {
        A = "A",
        Aaaa = "AAAA",
    });
    held!(NameserverType {
        CloudflareStandard = "cloudflare.standard",
        CloudflareAdvanced = "cloudflare.advanced",
        CloudflareStandardRandom = "cloudflare.standard.random",
        CustomAccount = "custom.account",
        CustomTenant = "custom.tenant",
    });
    held!(ZoneMode {
        Standard = "standard",
        CdnOnly = "cdn_only",
        DnsOnly = "dns_only",
    });
}

/// Every generated method users call, as `Type::method` (the call options, such as
/// `timeout` or `retry_when_outcome_unknown`, are written by hand in `src/lib.rs`).
const HELD_METHODS: &[&str] = &[
    "AddCustomNameserver::allow_unknown_enum_values",
    "AddCustomNameserver::body",
    "AddCustomNameserver::check",
    "AddCustomNameserver::ns_set",
    "AddCustomNameserver::set_field",
    "AddCustomNameserver::set_ns_set",
    "AddCustomNameserver::to_body",
    "Client::add_custom_nameserver",
    "Client::delete_custom_nameserver",
    "Client::get_dns_settings",
    "Client::list_custom_nameservers",
    "Client::update_dns_settings",
    "DeleteCustomNameserver::check",
    "GetDnsSettings::check",
    "ListCustomNameservers::check",
    "UpdateDnsSettings::allow_unknown_enum_values",
    "UpdateDnsSettings::body",
    "UpdateDnsSettings::check",
    "UpdateDnsSettings::enforce_dns_only",
    "UpdateDnsSettings::set_enforce_dns_only",
    "UpdateDnsSettings::set_field",
    "UpdateDnsSettings::set_zone_defaults",
    "UpdateDnsSettings::set_zone_defaults_flatten_all_cnames",
    "UpdateDnsSettings::set_zone_defaults_foundation_dns",
    "UpdateDnsSettings::set_zone_defaults_internal_dns",
    "UpdateDnsSettings::set_zone_defaults_internal_dns_reference_zone_id",
    "UpdateDnsSettings::set_zone_defaults_multi_provider",
    "UpdateDnsSettings::set_zone_defaults_nameservers",
    "UpdateDnsSettings::set_zone_defaults_nameservers_type",
    "UpdateDnsSettings::set_zone_defaults_ns_ttl",
    "UpdateDnsSettings::set_zone_defaults_secondary_overrides",
    "UpdateDnsSettings::set_zone_defaults_soa",
    "UpdateDnsSettings::set_zone_defaults_soa_expire",
    "UpdateDnsSettings::set_zone_defaults_soa_min_ttl",
    "UpdateDnsSettings::set_zone_defaults_soa_mname",
    "UpdateDnsSettings::set_zone_defaults_soa_refresh",
    "UpdateDnsSettings::set_zone_defaults_soa_retry",
    "UpdateDnsSettings::set_zone_defaults_soa_rname",
    "UpdateDnsSettings::set_zone_defaults_soa_ttl",
    "UpdateDnsSettings::set_zone_defaults_zone_mode",
    "UpdateDnsSettings::to_body",
    "UpdateDnsSettings::zone_defaults",
    "UpdateDnsSettings::zone_defaults_flatten_all_cnames",
    "UpdateDnsSettings::zone_defaults_foundation_dns",
    "UpdateDnsSettings::zone_defaults_internal_dns",
    "UpdateDnsSettings::zone_defaults_internal_dns_reference_zone_id",
    "UpdateDnsSettings::zone_defaults_multi_provider",
    "UpdateDnsSettings::zone_defaults_nameservers",
    "UpdateDnsSettings::zone_defaults_nameservers_type",
    "UpdateDnsSettings::zone_defaults_ns_ttl",
    "UpdateDnsSettings::zone_defaults_secondary_overrides",
    "UpdateDnsSettings::zone_defaults_soa",
    "UpdateDnsSettings::zone_defaults_soa_expire",
    "UpdateDnsSettings::zone_defaults_soa_min_ttl",
    "UpdateDnsSettings::zone_defaults_soa_mname",
    "UpdateDnsSettings::zone_defaults_soa_mname_null",
    "UpdateDnsSettings::zone_defaults_soa_refresh",
    "UpdateDnsSettings::zone_defaults_soa_retry",
    "UpdateDnsSettings::zone_defaults_soa_rname",
    "UpdateDnsSettings::zone_defaults_soa_ttl",
    "UpdateDnsSettings::zone_defaults_zone_mode",
];

/// The public methods of the generated `operations.rs`, as `Type::method`: each `pub fn`
/// under the `impl` block it is in (the text is prettyplease's or the template's; both put
/// one item per line).
fn generated_methods() -> Vec<String> {
    let text = include_str!(concat!(env!("OUT_DIR"), "/operations.rs"));
    let mut owner = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("impl ") {
            // `impl Foo {`, `impl crate::core::client::Client {`, `impl Trait for Foo {`.
            let target = rest.rsplit(" for ").next().unwrap_or(rest);
            let target = target.trim_end_matches('{').trim();
            owner = target.rsplit("::").next().unwrap_or(target).to_string();
        } else if let Some(rest) = line.strip_prefix("pub fn ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(format!("{owner}::{name}"));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_generated_method_keeps_its_name() {
    let generated = generated_methods();
    assert!(
        generated.len() > 20,
        "the scan found too few methods; has operations.rs changed shape? {generated:?}"
    );
    let gone: Vec<&&str> = HELD_METHODS
        .iter()
        .filter(|held| !generated.iter().any(|g| g == *held))
        .collect();
    let new: Vec<&String> = generated
        .iter()
        .filter(|g| !HELD_METHODS.contains(&g.as_str()))
        .collect();
    if !new.is_empty() {
        eprintln!("new methods, not yet held (add them to HELD_METHODS): {new:#?}");
    }
    assert!(
        gone.is_empty(),
        "generated methods renamed or removed (a breaking change for users): {gone:#?}\n\
         the methods generated now: {generated:#?}"
    );
}
