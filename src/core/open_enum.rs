//! Open enums: string enums that keep values this version of the crate does not know.
//!
//! Cloudflare adds enum values over time (`nameservers.type` gained `cloudflare.advanced`
//! after the documentation pages were written). A closed Rust enum would turn such a
//! response into a decoding error; an open enum decodes it as `Unknown`, shows it to the
//! caller, and sends it back unchanged. The generator (`build/open_enums.rs`) writes one
//! open enum per enum schema of the OpenAPI fragment, so the values live only in the
//! fragment; this module holds what they share: [`UnknownValue`], the value an `Unknown`
//! holds.
//!
//! A known value is always its variant: `Unknown` is only built by the enum's
//! `From<&str>`, `From<String>`, `FromStr` and `Deserialize`, which look the value up
//! first. So two values of an open enum are equal exactly when they send the same string,
//! and `Hash` and `Ord` (which orders by the string sent) agree with that.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A value of the open enum `E` that this version of the crate does not know, as Cloudflare
/// sent it (or as a caller wrote it).
///
/// A request sends one only when its builder says `.allow_unknown_enum_values()`, whether
/// it was read back from Cloudflare or typed: once in a request the two look alike, and a
/// typo must be refused before sending. A value read back is sent back with the same type
/// (one type per enum, in requests and responses alike), so that call is all it takes.
///
/// It can only be made by `E`'s conversions from a string, which return the known variant
/// for a known value, so an `UnknownValue` never holds a value `E` knows; and one enum's
/// unknown value cannot be put into another enum, which may know it.
///
/// ```
/// use cloudflare_account_dns::NameserverType;
///
/// let read: NameserverType = "cloudflare.next".parse().unwrap();
/// let NameserverType::Unknown(value) = &read else { unreachable!() };
/// assert_eq!(value.as_str(), "cloudflare.next");
/// // A known value is never `Unknown`:
/// assert_eq!(NameserverType::from("custom.account"), NameserverType::CustomAccount);
/// ```
pub struct UnknownValue<E> {
    value: Box<str>,
    of: PhantomData<fn() -> E>,
}

impl<E> UnknownValue<E> {
    /// Wraps a value that `E` does not know. Only `E`'s conversions call this, after
    /// looking the value up among `E`'s known values.
    pub(crate) fn new(value: impl Into<Box<str>>) -> Self {
        UnknownValue {
            value: value.into(),
            of: PhantomData,
        }
    }

    /// The value as it goes on the wire.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<E> Clone for UnknownValue<E> {
    fn clone(&self) -> Self {
        UnknownValue::new(self.value.clone())
    }
}

impl<E> fmt::Debug for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<E> fmt::Display for UnknownValue<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<E> PartialEq for UnknownValue<E> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<E> Eq for UnknownValue<E> {}

impl<E> Hash for UnknownValue<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<E> PartialOrd for UnknownValue<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for UnknownValue<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<E> AsRef<str> for UnknownValue<E> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

/// The JSON Schema of an open enum: a string, one of the known values or any other (a value
/// that Cloudflare added later).
pub(crate) fn json_schema(description: &str, known: &[&str]) -> schemars::Schema {
    schemars::json_schema!({
        "description": description,
        "type": "string",
        "anyOf": [
            { "enum": known },
            { "description": "A value that Cloudflare added after this version of the crate." }
        ]
    })
}
