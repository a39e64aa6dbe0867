//! Open enums: string enums that keep values this version of the crate does not know.
//!
//! Cloudflare adds enum values over time (`nameservers.type` gained `cloudflare.advanced`
//! after the documentation pages were written). A closed Rust enum would turn such a
//! response into a decoding error; an open enum decodes it as `Unknown(value)`, shows it
//! to the caller, and sends it back unchanged. The generator (`build/open_enums.rs`) declares one open enum per enum
//! schema of the OpenAPI fragment, with this macro, so the values live only in the fragment.

/// Declares an open string enum: known variants plus `Unknown(String)`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident: $description:literal {
            $( $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[doc = $description]
        ///
        /// This enum is open: a value that this version of the crate does not know decodes
        /// as `Unknown` with the value Cloudflare sent, and is sent back unchanged. Build
        /// values from strings with `parse` or `From<&str>`, which always pick the known
        /// variant for a known value.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $value, "`")]
                $variant,
            )+
            /// A value this version of the crate does not know, as Cloudflare sent it.
            Unknown(String),
        }

        impl $name {
            /// Every value this version of the crate knows, as they go on the wire.
            pub const KNOWN: &'static [&'static str] = &[$($value),+];

            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(value) => value,
                }
            }

            /// Whether this version of the crate knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "description": $description,
                    "type": "string",
                    "anyOf": [
                        { "enum": [$($value),+] },
                        { "description": "A value that Cloudflare added after this version of the crate." }
                    ]
                })
            }
        }
    };
}

pub(crate) use open_enum;
