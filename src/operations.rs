//! The request builders, one per operation of the OpenAPI fragment, and the [`Client`]
//! methods that make them.
//!
//! The generator (`build/builders.rs`) generates all of it from `openapi/cloudflare-account-dns.json`: a setter for
//! every request field at any depth, named after the field's path (`zone_defaults.soa.ttl`
//! becomes `zone_defaults_soa_ttl`), with `set_…(Option<…>)` beside it for values that may be
//! absent and `…_null()` for fields that may be sent as `null`; a deprecated field's setter is
//! `#[deprecated]`. Each builder checks its arguments against the fragment before sending
//! ([`check`](UpdateDnsSettings::check)), and ends in `send().await`.
//!
//! [`Client`]: crate::Client

include!(concat!(env!("OUT_DIR"), "/operations.rs"));
