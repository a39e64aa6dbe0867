//! The bounds of every request field, read from the OpenAPI fragment at build time.
//!
//! `build.rs` walks the request bodies and path parameters of
//! `openapi/cloudflare-account-dns.json` and emits one constant per bounded field, named
//! after its path (`zone_defaults.soa.retry` becomes [`ZONE_DEFAULTS_SOA_RETRY`]). The
//! client checks arguments against these constants and nothing else, so a bound changes in
//! exactly one place: the fragment.

/// An inclusive range that an integer field must lie in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IntBound {
    /// The field's path in the request, such as `zone_defaults.soa.retry`.
    pub field: &'static str,
    /// The smallest allowed value.
    pub min: u64,
    /// The largest allowed value.
    pub max: u64,
}

impl IntBound {
    /// Whether `value` lies within the bound.
    pub const fn contains(&self, value: u64) -> bool {
        self.min <= value && value <= self.max
    }
}

/// The greatest length (in characters) that a string field may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LengthBound {
    /// The field's path in the request, such as `account_id`.
    pub field: &'static str,
    /// The greatest allowed length, in characters.
    pub max: u64,
}

include!(concat!(env!("OUT_DIR"), "/bounds.rs"));
