//! The string formats the crate supports, in one table: each with its Rust type and the
//! check a request field of it gets. What the table does not list never reaches generated
//! code:
//!
//! - in a response (and in every type progenitor generates), `format` and `pattern` are
//!   taken out of the spec progenitor sees, so that every string is a `String`: typify would
//!   otherwise turn `date-time` into a chrono type and `uuid` into a uuid type (crates this
//!   crate does not depend on: the build failed inside generated code), `ipv4` into
//!   `Ipv4Addr` (a field's type changed by one word upstream, and an answer Cloudflare
//!   really sends, such as `""`, would fail the whole call), and `pattern` into a newtype
//!   checked with regress on decoding. Lenient where Cloudflare answers;
//! - in a request (a body field or a path parameter), a format of the table is checked
//!   before sending and by the fake (`src/request/formats.rs`); any other format fails the
//!   build, naming the field and the remedy; a `pattern` is checked with `regress`
//!   (ECMA-262, the dialect OpenAPI writes patterns in), and one regress cannot compile
//!   fails the build.

use serde_json::Value;

use crate::FRAGMENT;

/// A string format the crate supports.
pub(crate) struct StringFormat {
    /// The OpenAPI name.
    pub(crate) name: &'static str,
    /// The Rust type of a field of this format, in requests and responses alike.
    pub(crate) rust_type: &'static str,
    /// The static of `src/request/formats.rs` that checks it.
    pub(crate) check: &'static str,
    /// What the check admits, for a setter's documentation.
    pub(crate) doc: &'static str,
}

/// Every string format the crate supports. All are `String`s: a `String` decodes whatever
/// Cloudflare answers, and a request is checked by text, so no format needs a crate of its
/// own (the checks use the standard library's address parsers and `url`).
pub(crate) const STRING_FORMATS: &[StringFormat] = &[
    StringFormat {
        name: "hostname",
        rust_type: "String",
        check: "HOSTNAME",
        doc: "A hostname: dot-separated labels of letters, digits and hyphens.",
    },
    StringFormat {
        name: "ipv4",
        rust_type: "String",
        check: "IPV4",
        doc: "An IPv4 address, such as `192.0.2.1`.",
    },
    StringFormat {
        name: "ipv6",
        rust_type: "String",
        check: "IPV6",
        doc: "An IPv6 address, such as `2001:db8::1`.",
    },
    StringFormat {
        name: "uuid",
        rust_type: "String",
        check: "UUID",
        doc: "A UUID, such as `123e4567-e89b-12d3-a456-426614174000`.",
    },
    StringFormat {
        name: "date-time",
        rust_type: "String",
        check: "DATE_TIME",
        doc: "An RFC 3339 date and time, such as `2024-01-31T12:00:00Z`.",
    },
    StringFormat {
        name: "date",
        rust_type: "String",
        check: "DATE",
        doc: "An RFC 3339 date, such as `2024-01-31`.",
    },
    StringFormat {
        name: "uri",
        rust_type: "String",
        check: "URI",
        doc: "An absolute URI, such as `https://example.com/`.",
    },
];

/// The check of a request field's `format` (the name of its static in
/// src/request/formats.rs), `None` without a format; a format the table does not list fails
/// the build, naming the field and the remedy.
pub(crate) fn request_format(format: Option<&str>, where_: &str) -> Option<&'static str> {
    let format = format?;
    match STRING_FORMATS.iter().find(|f| f.name == format) {
        Some(known) => {
            assert_eq!(
                known.rust_type, "String",
                "build/formats.rs: only String fields are generated"
            );
            Some(known.check)
        }
        None => {
            let known: Vec<&str> = STRING_FORMATS.iter().map(|f| f.name).collect();
            panic!(
                "{FRAGMENT}: {where_} has `format: {format}`, which the request checks do not \
                 know (they know {}). Either teach the crate the format (a row in the table of \
                 build/formats.rs and its check in src/request/formats.rs), or, if Cloudflare \
                 accepts any text there, take the format out with an action in \
                 openapi/overlay.yaml (\"Crate choice: …\" or \"Wire fact: …\") and run \
                 `cargo xtask sync-spec`",
                known.join(", ")
            )
        }
    }
}

/// What a request field's format and pattern admit, for its setter's documentation.
pub(crate) fn setter_rules(schema: &Value) -> Vec<String> {
    let mut rules = Vec::new();
    if schema["type"] == "string"
        && let Some(format) = schema["format"].as_str()
        && let Some(known) = STRING_FORMATS.iter().find(|f| f.name == format)
    {
        rules.push(known.doc.to_string());
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        rules.push(format!("Matches the pattern `{pattern}`."));
    }
    rules
}

/// A request field's `pattern`, compiled here with the crate the checks run it with, so
/// that a pattern they could not run fails the build.
pub(crate) fn request_pattern(pattern: &Value, where_: &str) -> String {
    let Some(source) = pattern.as_str() else {
        panic!("{FRAGMENT}: {where_}: `pattern` must be a string, not {pattern}");
    };
    if let Err(error) = regress::Regex::new(source) {
        panic!(
            "{FRAGMENT}: {where_} has `pattern: {source}`, which is not an ECMA-262 regular \
             expression regress can run ({error}); fix or remove it with an action in \
             openapi/overlay.yaml and run `cargo xtask sync-spec`"
        );
    }
    source.to_string()
}

/// Takes `format` and the lengths out of every string schema, and `pattern` out of every
/// schema, of the spec progenitor sees: every string field is a `String` (see the module's
/// documentation).
/// Values (`example`, `default`, `enum`, the overlay's `x-` facts) are left as they are.
pub(crate) fn plain_strings(value: &mut Value) {
    match value {
        // A map from names to schemas: a property may be named `format` or `example`.
        Value::Object(object) if object.contains_key("properties") => {
            strip_keywords(object);
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                properties.values_mut().for_each(plain_strings);
            }
            for (key, inner) in object.iter_mut() {
                if key != "properties" && keeps_schemas(key) {
                    plain_strings(inner);
                }
            }
        }
        Value::Object(object) => {
            strip_keywords(object);
            for (key, inner) in object.iter_mut() {
                if keeps_schemas(key) {
                    plain_strings(inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(plain_strings),
        _ => {}
    }
}

fn strip_keywords(object: &mut serde_json::Map<String, Value>) {
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    let string_format = text("format").is_some_and(|f| !is_number_format(&f));
    let string_type = matches!(text("type").as_deref(), Some("string") | None);
    let pattern = text("pattern").is_some();
    // Lengths are the checks' business too: given to typify, they make a newtype named
    // after the field's path (`CustomNameserverZoneTag`) that the crate does not export.
    let string_only = text("type").as_deref() == Some("string");
    if string_format && string_type {
        object.remove("format");
    }
    if string_only {
        object.remove("minLength");
        object.remove("maxLength");
    }
    if pattern {
        object.remove("pattern");
    }
}

/// Whether a keyword's value may hold schemas: not a value (`example`, `default`, `enum`)
/// nor one of the overlay's facts (`x-…`).
fn keeps_schemas(key: &str) -> bool {
    !(["example", "default", "enum"].contains(&key) || key.starts_with("x-"))
}

/// An integer or number format (`uint32`, `double`), which picks the Rust number type.
fn is_number_format(format: &str) -> bool {
    matches!(format, "float" | "double") || format.starts_with("int") || format.starts_with("uint")
}
