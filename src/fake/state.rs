//! The fake's accounts: their custom nameservers and DNS settings.

use std::collections::BTreeMap;
use std::num::NonZeroU8;

use crate::types::{self, CustomNameserver, DnsSettings};
use crate::{CustomNameserverStatus, DnsRecordType, NameserverType, ZoneMode};

/// The primary nameserver a new account's SOA names, as Cloudflare assigns one.
pub const DEFAULT_SOA_MNAME: &str = "kristina.ns.cloudflare.com";

/// The DNS settings a new account starts with: the values of Cloudflare's documentation
/// example, with zone mode `standard` and no internal-zone reference.
pub fn default_settings() -> DnsSettings {
    DnsSettings {
        enforce_dns_only: Some(false),
        zone_defaults: types::ZoneDefaults {
            flatten_all_cnames: false,
            foundation_dns: Some(false),
            internal_dns: types::InternalDns {
                reference_zone_id: None,
            },
            multi_provider: false,
            nameservers: types::Nameservers {
                type_: NameserverType::CloudflareStandard,
            },
            ns_ttl: 86400,
            secondary_overrides: false,
            soa: types::Soa {
                expire: Some(604800),
                min_ttl: Some(1800),
                mname: Some(DEFAULT_SOA_MNAME.to_string()),
                refresh: Some(10000),
                retry: Some(2400),
                rname: Some("dns.cloudflare.com".to_string()),
                ttl: Some(3600),
            },
            zone_mode: ZoneMode::Standard,
            extra: Default::default(),
        },
        extra: Default::default(),
    }
}

/// One account of the fake.
#[derive(Clone, Debug)]
pub struct Account {
    /// Custom nameservers, in the order they were added.
    pub nameservers: Vec<CustomNameserver>,
    /// The account's DNS settings.
    pub settings: DnsSettings,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            nameservers: Vec::new(),
            settings: default_settings(),
        }
    }
}

/// Every account the fake has seen, created on first use.
#[derive(Debug, Default)]
pub struct State {
    accounts: BTreeMap<String, Account>,
    added: u32,
}

impl State {
    /// The account, created with the defaults if it is new.
    pub fn account(&mut self, account_id: &str) -> &mut Account {
        self.accounts.entry(account_id.to_string()).or_default()
    }

    /// Adds a nameserver; `None` when the account already has one of that name.
    pub fn add(&mut self, account_id: &str, ns_name: &str, ns_set: u8) -> Option<CustomNameserver> {
        let exists = self
            .account(account_id)
            .nameservers
            .iter()
            .any(|ns| ns.ns_name.eq_ignore_ascii_case(ns_name));
        if exists {
            return None;
        }
        self.added += 1;
        let ns = nameserver(account_id, ns_name, ns_set, self.added);
        self.account(account_id).nameservers.push(ns.clone());
        Some(ns)
    }

    /// Removes a nameserver by name; whether it was there.
    pub fn delete(&mut self, account_id: &str, ns_name: &str) -> bool {
        let nameservers = &mut self.account(account_id).nameservers;
        let before = nameservers.len();
        nameservers.retain(|ns| !ns.ns_name.eq_ignore_ascii_case(ns_name));
        nameservers.len() != before
    }

    /// Applies a checked update: exactly the fields it holds change, and an explicit null
    /// `soa.mname` goes back to the Cloudflare-assigned default.
    pub fn update(&mut self, account_id: &str, update: types::DnsSettingsUpdate) -> DnsSettings {
        let settings = &mut self.account(account_id).settings;
        if let Some(enforce) = update.enforce_dns_only {
            settings.enforce_dns_only = Some(enforce);
        }
        if let Some(patch) = update.zone_defaults {
            let zd = &mut settings.zone_defaults;
            set(&mut zd.flatten_all_cnames, patch.flatten_all_cnames);
            if patch.foundation_dns.is_some() {
                zd.foundation_dns = patch.foundation_dns;
            }
            if let Some(internal) = patch.internal_dns {
                zd.internal_dns = internal;
            }
            set(&mut zd.multi_provider, patch.multi_provider);
            if let Some(kind) = patch.nameservers.and_then(|n| n.type_) {
                zd.nameservers.type_ = kind;
            }
            set(&mut zd.ns_ttl, patch.ns_ttl);
            set(&mut zd.secondary_overrides, patch.secondary_overrides);
            set(&mut zd.zone_mode, patch.zone_mode);
            if let Some(soa) = patch.soa {
                let current = &mut zd.soa;
                for (field, value) in [
                    (&mut current.expire, soa.expire),
                    (&mut current.min_ttl, soa.min_ttl),
                    (&mut current.refresh, soa.refresh),
                    (&mut current.retry, soa.retry),
                    (&mut current.ttl, soa.ttl),
                ] {
                    if value.is_some() {
                        *field = value;
                    }
                }
                if soa.rname.is_some() {
                    current.rname = soa.rname;
                }
                if let Some(types::SoaMname(mname)) = soa.mname {
                    current.mname = Some(mname.unwrap_or_else(|| DEFAULT_SOA_MNAME.to_string()));
                }
            }
        }
        settings.clone()
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// A new nameserver with documentation-range addresses and a zone tag derived from its
/// name.
fn nameserver(account_id: &str, ns_name: &str, ns_set: u8, serial: u32) -> CustomNameserver {
    let octet = serial % 254 + 1;
    CustomNameserver {
        dns_records: vec![
            record(DnsRecordType::A, format!("192.0.2.{octet}")),
            record(DnsRecordType::Aaaa, format!("2001:db8::{serial:x}")),
        ],
        ns_name: ns_name.to_ascii_lowercase(),
        ns_set: NonZeroU8::new(ns_set),
        status: CustomNameserverStatus::Verified,
        zone_tag: zone_tag(account_id, ns_name)
            .as_str()
            .try_into()
            .expect("a 32-character zone tag"),
        extra: Default::default(),
    }
}

fn record(kind: DnsRecordType, value: String) -> types::NameserverDnsRecord {
    types::NameserverDnsRecord {
        type_: Some(kind),
        value: Some(value),
    }
}

/// 32 hexadecimal characters, stable for an account and a name (FNV-1a, twice).
fn zone_tag(account_id: &str, ns_name: &str) -> String {
    let hash = |seed: u64| {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for byte in account_id
            .bytes()
            .chain([b'/'])
            .chain(ns_name.to_ascii_lowercase().bytes())
        {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    format!("{:016x}{:016x}", hash(1), hash(2))
}
