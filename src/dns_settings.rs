//! Account DNS settings: show (`GET /accounts/{account_id}/dns_settings`) and update
//! (`PATCH /accounts/{account_id}/dns_settings`).

use crate::bounds;
use crate::client::Client;
use crate::custom_nameservers::account_id;
use crate::error::Result;
use crate::response::ApiResponse;
use crate::retry::Repeat;
use crate::transport::{CallContext, CallOptions};
use crate::types;
use crate::validate;
use crate::{NameserverType, ZoneMode};

const UPDATE: &str = "update_account_dns_settings";
const GET: &str = "get_account_dns_settings";

/// A request to show an account's DNS settings; made by [`Client::get_dns_settings`], sent
/// by [`GetDnsSettings::send`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct GetDnsSettings {
    client: Client,
    account_id: String,
    options: CallOptions,
}

impl GetDnsSettings {
    pub(crate) fn new(client: Client, account_id: String) -> Self {
        Self {
            client,
            account_id,
            options: CallOptions::default(),
        }
    }

    call_option_setters!();

    /// Checks the account id, sends the request and returns the account's DNS settings.
    pub async fn send(self) -> Result<types::DnsSettings> {
        self.send_with_details()
            .await
            .map(|response| response.result)
    }

    /// Like [`send`](Self::send), with the envelope's messages and the `cf-ray` id.
    pub async fn send_with_details(self) -> Result<ApiResponse<types::DnsSettings>> {
        let account_id = account_id(&self.account_id)?;
        let generated = CallContext::client(&self.client, GET, Repeat::Safe, self.options)?;
        let result = Box::pin(generated.get_account_dns_settings(&account_id)).await;
        generated.inner.finish(result)
    }
}

/// A request to update the DNS settings that new zones of an account inherit; made by
/// [`Client::update_dns_settings`], sent by [`UpdateDnsSettings::send`].
///
/// Only the fields you set go on the wire: an unset boolean is not sent as `false`, an
/// unset field is not sent as `null`.
///
/// ```no_run
/// # async fn run(client: cloudflare_account_dns::Client) -> Result<(), cloudflare_account_dns::Error> {
/// use cloudflare_account_dns::{NameserverType, ZoneMode};
///
/// let settings = client
///     .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
///     .nameservers_type(NameserverType::CustomAccount)
///     .zone_mode(ZoneMode::DnsOnly)
///     .ns_ttl(86400)
///     .soa_rname("admin.example.com")
///     .soa_ttl(3600)
///     .soa_mname_cloudflare_assigned() // sends "mname": null
///     .send()
///     .await?;
/// assert_eq!(settings.zone_defaults.ns_ttl, 86400);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct UpdateDnsSettings {
    client: Client,
    account_id: String,
    body: types::DnsSettingsUpdate,
    options: CallOptions,
}

impl UpdateDnsSettings {
    pub(crate) fn new(client: Client, account_id: String) -> Self {
        Self {
            client,
            account_id,
            body: types::DnsSettingsUpdate::default(),
            options: CallOptions::default(),
        }
    }

    fn zone_defaults(&mut self) -> &mut types::ZoneDefaultsUpdate {
        self.body.zone_defaults.get_or_insert_with(Default::default)
    }

    fn soa(&mut self) -> &mut types::SoaUpdate {
        self.zone_defaults()
            .soa
            .get_or_insert_with(Default::default)
    }

    /// Replaces the whole body with one you built. The setters below then change it
    /// further; [`send`](Self::send) checks it all the same.
    pub fn body(mut self, body: types::DnsSettingsUpdate) -> Self {
        self.body = body;
        self
    }

    /// `enforce_dns_only`: force every proxied record of the account to be served as
    /// DNS-only at the edge.
    pub fn enforce_dns_only(mut self, enforce: bool) -> Self {
        self.body.enforce_dns_only = Some(enforce);
        self
    }

    /// `zone_defaults.flatten_all_cnames`: flatten every CNAME record of new zones.
    pub fn flatten_all_cnames(mut self, flatten: bool) -> Self {
        self.zone_defaults().flatten_all_cnames = Some(flatten);
        self
    }

    /// `zone_defaults.foundation_dns`: Foundation DNS Advanced Nameservers.
    #[deprecated(
        note = "Cloudflare deprecated foundation_dns: use nameservers_type(NameserverType::CloudflareAdvanced) to turn Advanced Nameservers on and CloudflareStandard to turn them off"
    )]
    pub fn foundation_dns(mut self, enabled: bool) -> Self {
        self.zone_defaults().foundation_dns = Some(enabled);
        self
    }

    /// `zone_defaults.internal_dns.reference_zone_id`: the zone internal zones fall back to.
    pub fn internal_dns_reference_zone_id(mut self, zone_id: impl Into<String>) -> Self {
        self.zone_defaults()
            .internal_dns
            .get_or_insert_with(Default::default)
            .reference_zone_id = Some(zone_id.into());
        self
    }

    /// `zone_defaults.multi_provider`: activate zones even when other providers' NS
    /// records exist, and respect apex NS records in outbound zone transfers.
    pub fn multi_provider(mut self, enabled: bool) -> Self {
        self.zone_defaults().multi_provider = Some(enabled);
        self
    }

    /// `zone_defaults.nameservers.type`: which nameservers new zones get, such as
    /// [`NameserverType::CustomAccount`] for the account's custom nameservers.
    pub fn nameservers_type(mut self, kind: NameserverType) -> Self {
        self.zone_defaults()
            .nameservers
            .get_or_insert_with(Default::default)
            .type_ = Some(kind);
        self
    }

    /// `zone_defaults.ns_ttl`: the TTL of the zone's NS records, in seconds (30 to 86400).
    pub fn ns_ttl(mut self, seconds: u32) -> Self {
        self.zone_defaults().ns_ttl = Some(seconds);
        self
    }

    /// `zone_defaults.secondary_overrides`: let secondary zones use override records and
    /// apex CNAME flattening.
    pub fn secondary_overrides(mut self, enabled: bool) -> Self {
        self.zone_defaults().secondary_overrides = Some(enabled);
        self
    }

    /// `zone_defaults.zone_mode`: standard, CDN-only or DNS-only zones.
    pub fn zone_mode(mut self, mode: ZoneMode) -> Self {
        self.zone_defaults().zone_mode = Some(mode);
        self
    }

    /// `zone_defaults.soa.expire`, in seconds (86400 to 2419200).
    pub fn soa_expire(mut self, seconds: u32) -> Self {
        self.soa().expire = Some(seconds);
        self
    }

    /// `zone_defaults.soa.min_ttl`: the negative-caching TTL, in seconds (60 to 86400).
    pub fn soa_min_ttl(mut self, seconds: u32) -> Self {
        self.soa().min_ttl = Some(seconds);
        self
    }

    /// `zone_defaults.soa.mname`: the primary nameserver named in the SOA record.
    pub fn soa_mname(mut self, hostname: impl Into<String>) -> Self {
        self.soa().mname = Some(types::SoaMname(Some(hostname.into())));
        self
    }

    /// Sends `zone_defaults.soa.mname` as `null`, so that Cloudflare assigns the primary
    /// nameserver itself.
    pub fn soa_mname_cloudflare_assigned(mut self) -> Self {
        self.soa().mname = Some(types::SoaMname(None));
        self
    }

    /// `zone_defaults.soa.refresh`, in seconds (600 to 86400).
    pub fn soa_refresh(mut self, seconds: u32) -> Self {
        self.soa().refresh = Some(seconds);
        self
    }

    /// `zone_defaults.soa.retry`, in seconds (600 to 86400).
    pub fn soa_retry(mut self, seconds: u32) -> Self {
        self.soa().retry = Some(seconds);
        self
    }

    /// `zone_defaults.soa.rname`: the administrator's email, with its `@` written as a dot
    /// (`admin.example.com`).
    pub fn soa_rname(mut self, rname: impl Into<String>) -> Self {
        self.soa().rname = Some(rname.into());
        self
    }

    /// `zone_defaults.soa.ttl`: the TTL of the SOA record, in seconds (300 to 86400).
    pub fn soa_ttl(mut self, seconds: u32) -> Self {
        self.soa().ttl = Some(seconds);
        self
    }

    call_option_setters!();

    /// The body that [`send`](Self::send) would put on the wire, after the same checks.
    pub fn to_body(&self) -> Result<types::DnsSettingsUpdate> {
        validate::account_id(&self.account_id)?;
        check_body(&self.body)?;
        Ok(self.body.clone())
    }

    /// Checks the arguments, sends the request and returns the account's resulting DNS
    /// settings.
    pub async fn send(self) -> Result<types::DnsSettings> {
        self.send_with_details()
            .await
            .map(|response| response.result)
    }

    /// Like [`send`](Self::send), with the envelope's messages and the `cf-ray` id.
    pub async fn send_with_details(self) -> Result<ApiResponse<types::DnsSettings>> {
        let body = self.to_body()?;
        let account_id = account_id(&self.account_id)?;
        let generated = CallContext::client(&self.client, UPDATE, Repeat::Safe, self.options)?;
        let result = Box::pin(generated.update_account_dns_settings(&account_id, &body)).await;
        generated.inner.finish(result)
    }
}

/// Checks every set field of an update against the fragment's bounds.
fn check_body(body: &types::DnsSettingsUpdate) -> Result<()> {
    let Some(zone_defaults) = &body.zone_defaults else {
        return Ok(());
    };
    validate::opt_int(bounds::ZONE_DEFAULTS_NS_TTL, zone_defaults.ns_ttl)?;
    if let Some(soa) = &zone_defaults.soa {
        validate::opt_int(bounds::ZONE_DEFAULTS_SOA_EXPIRE, soa.expire)?;
        validate::opt_int(bounds::ZONE_DEFAULTS_SOA_MIN_TTL, soa.min_ttl)?;
        validate::opt_int(bounds::ZONE_DEFAULTS_SOA_REFRESH, soa.refresh)?;
        validate::opt_int(bounds::ZONE_DEFAULTS_SOA_RETRY, soa.retry)?;
        validate::opt_int(bounds::ZONE_DEFAULTS_SOA_TTL, soa.ttl)?;
        if let Some(types::SoaMname(Some(mname))) = &soa.mname {
            validate::hostname(validate::SOA_MNAME, mname)?;
        }
    }
    Ok(())
}
