//! How names in the OpenAPI fragment become Rust names: shared by the build script (`build/`, which writes
//! the code) and `xtask` (whose impact report names the Rust items a spec change touches),
//! so that both always agree.
//!
//! Every rule here is a function of one name alone (an enum value, a property name, a field
//! path), never of its neighbours or their order: adding a value or a field never renames
//! another. Where two names map to one Rust name, or a name has no usable Rust name, the
//! functions say so and the build fails with the remedy (see [`variant_names`] and
//! [`check_unique`]); nothing is suffixed or guessed.

use std::collections::BTreeMap;

pub const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// The overlay extension that names enum values whose derived name collides or does not
/// exist: a map from value to variant name on the enum schema.
pub const ENUM_VARNAMES: &str = "x-enum-varnames";

/// `zone_defaults`, `2fa` or `a-b.c` as snake case words: `zone_defaults`, `n2fa`, `a_b_c`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "field".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{out}")
    } else {
        out
    }
}

/// A snake-case identifier that is not a keyword.
pub fn ident(name: &str) -> String {
    let name = snake(name);
    if RUST_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Why a name has no Rust name of its own, or `None` when it has one: it must be ASCII
/// (a transliteration would be a guess, and a non-ASCII identifier is hard to type) and
/// hold a letter or a digit.
fn unusable(name: &str) -> Option<&'static str> {
    if !name.is_ascii() {
        Some("has characters outside ASCII")
    } else if !name.chars().any(|c| c.is_ascii_alphanumeric()) {
        Some("has no letter or digit")
    } else {
        None
    }
}

/// The words of a name in upper camel case: runs of letters and digits, split also where a
/// lower-case letter meets an upper-case one (`dnsOnly`), each with its first letter upper
/// case and the rest lower case. Two runs of digits stay apart with `_` (`1.0` is `1_0`,
/// never `10`). Only for names [`unusable`] accepts.
fn camel_words(name: &str) -> String {
    let mut runs: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            runs.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase();
        current.push(c);
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let mut out = String::new();
    for run in runs {
        let digits_meet = out.ends_with(|c: char| c.is_ascii_digit())
            && run.starts_with(|c: char| c.is_ascii_digit());
        if digits_meet {
            out.push('_');
        }
        let mut chars = run.chars();
        let first = chars.next().expect("runs are not empty");
        out.push(first.to_ascii_uppercase());
        out.extend(chars.map(|c| c.to_ascii_lowercase()));
    }
    out
}

/// The variant name of one enum value, from the value alone: `cloudflare.standard.random`,
/// `dns_only`, `dnsOnly`, `1xx`, `1.0` and `10` are `CloudflareStandardRandom`, `DnsOnly`,
/// `DnsOnly`, `V1xx`, `V1_0` and `V10`; `unknown` is `UnknownValue` (the enum's own
/// `Unknown` variant keeps its name). `Err` says why a value has no name (`über-fast`, `""`,
/// `*`): the overlay must give it one ([`ENUM_VARNAMES`]).
pub fn variant(value: &str) -> Result<String, String> {
    if let Some(why) = unusable(value) {
        return Err(format!("{value:?} {why}"));
    }
    let mut out = camel_words(value);
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" || out == "Unknown" {
        out.push_str("Value");
    }
    Ok(out)
}

/// Whether a name declared in the overlay can be a variant: an upper camel case Rust
/// identifier other than `Unknown` and `Self`.
fn declarable_variant(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.contains("__")
        && name != "Unknown"
        && name != "Self"
}

/// The variant names of an enum's values, in the values' order: each value's [`variant`],
/// or the name the overlay declares for it (`declared`, the enum's [`ENUM_VARNAMES`]).
/// `Err` is the whole message for a build failure: which values have no name or collide,
/// and how to name them.
pub fn variant_names(
    enum_name: &str,
    values: &[&str],
    declared: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let remedy = |example: &str| {
        format!(
            "name the values on the enum schema in openapi/overlay.yaml with \
             `{ENUM_VARNAMES}: {{{example}}}` (a map from value to variant name), then run \
             `cargo xtask sync-spec openapi/upstream/cloudflare-openapi.json`"
        )
    };
    for (value, name) in declared {
        if !values.contains(&value.as_str()) {
            return Err(format!(
                "enum {enum_name}: {ENUM_VARNAMES} names the value {value:?}, which the enum \
                 does not have (its values: {values:?}); remove it from openapi/overlay.yaml"
            ));
        }
        if !declarable_variant(name) {
            return Err(format!(
                "enum {enum_name}: {ENUM_VARNAMES} names the value {value:?} `{name}`, which is \
                 not an upper camel case Rust identifier (nor `Unknown` or `Self`)"
            ));
        }
    }
    let mut names = Vec::new();
    let mut nameless = Vec::new();
    for value in values {
        match declared.get(*value) {
            Some(name) => names.push(name.clone()),
            None => match variant(value) {
                Ok(name) => names.push(name),
                Err(why) => {
                    nameless.push(why);
                    names.push(String::new());
                }
            },
        }
    }
    if !nameless.is_empty() {
        let example = values
            .iter()
            .zip(&names)
            .filter(|(_, name)| name.is_empty())
            .map(|(value, _)| format!("{value:?}: SomeName"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!(
            "enum {enum_name}: no variant name can be derived from a value: {}; {}",
            nameless.join(", "),
            remedy(&example)
        ));
    }
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (value, name) in values.iter().zip(&names) {
        by_name.entry(name).or_default().push(value);
    }
    let collisions: Vec<String> = by_name
        .iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|(name, values)| format!("{values:?} would all be the variant `{name}`"))
        .collect();
    if !collisions.is_empty() {
        let example = by_name
            .iter()
            .filter(|(_, values)| values.len() > 1)
            .flat_map(|(name, values)| {
                values
                    .iter()
                    .map(move |value| format!("{value:?}: {name}…"))
            })
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!(
            "enum {enum_name}: the values {}; {} (a value that a released version already \
             named keeps that name)",
            collisions.join(", and the values "),
            remedy(&example)
        ));
    }
    Ok(names)
}

/// `add_custom_nameserver` or `ns_set` in upper camel case (`AddCustomNameserver`,
/// `NsSet`), by the same rule as [`variant`]: for type names made of operation ids and
/// property names. A name with no usable Rust name fails the build, asking for
/// `x-rust-name`.
pub fn pascal(name: &str) -> String {
    if let Some(why) = unusable(name) {
        panic!(
            "the name {name:?} {why}, so no Rust type name can be made of it; give the schema \
             a name with `x-rust-name` in openapi/overlay.yaml"
        );
    }
    let out = camel_words(name);
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{out}")
    } else {
        out
    }
}

/// The Rust name of a string enum written inline at a property (`tier` → `Tier`; the items
/// of an array property `tiers` → `TiersItem`), from the property's name alone: the same
/// enum written in a request and a response is one type.
pub fn inline_enum(property: &str, items: bool) -> String {
    let name = pascal(property);
    if items { format!("{name}Item") } else { name }
}

/// The setter of the request field at `path` (`["zone_defaults", "ns_ttl"]` →
/// `zone_defaults_ns_ttl`): each property name in [`snake`] case, joined with `_`, with
/// `_` after a keyword. From the path alone. `Err` says which property has no usable name
/// (not ASCII, or without a letter or digit).
pub fn setter<S: AsRef<str>>(path: &[S]) -> Result<String, String> {
    let mut parts = Vec::new();
    for property in path {
        let property = property.as_ref();
        if let Some(why) = unusable(property) {
            return Err(format!("the property {property:?} {why}"));
        }
        parts.push(snake(property));
    }
    let name = parts.join("_");
    Ok(if RUST_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    })
}

/// Fails when two sources want one Rust name (`a_b.c` and `a.b_c` both want the setter
/// `a_b_c`): `items` are (Rust name, where it comes from); `what` says where the names
/// live (`setters of update_dns_settings`), `remedy` how to name them apart. The build
/// calls it for every set of names that share a namespace, and fails with the message.
pub fn check_unique<I>(what: &str, remedy: &str, items: I) -> Result<(), String>
where
    I: IntoIterator<Item = (String, String)>,
{
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, source) in items {
        if let Some(other) = seen.insert(name.clone(), source.clone()) {
            return Err(format!(
                "{what}: {other} and {source} would both be named `{name}`; {remedy}"
            ));
        }
    }
    Ok(())
}

/// What [`check_unique`] asks for when two request fields want one setter.
pub const SETTER_REMEDY: &str = "the generator has no overlay extension that names a setter \
    yet (build/builders.rs would read one, such as `x-rust-setter` on the property); until \
    then the fragment cannot hold both fields";

pub fn upper(name: &str) -> String {
    snake(name).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(values: &[&str]) -> Result<Vec<String>, String> {
        variant_names("E", values, &BTreeMap::new())
    }

    #[test]
    fn a_variant_name_depends_on_its_value_alone() {
        assert_eq!(
            variant("cloudflare.standard.random").unwrap(),
            "CloudflareStandardRandom"
        );
        assert_eq!(variant("dns_only").unwrap(), "DnsOnly");
        assert_eq!(variant("dnsOnly").unwrap(), "DnsOnly");
        assert_eq!(variant("AAAA").unwrap(), "Aaaa");
        assert_eq!(variant("1xx").unwrap(), "V1xx");
        assert_eq!(variant("1.0").unwrap(), "V1_0");
        assert_eq!(variant("10").unwrap(), "V10");
        assert_eq!(variant("unknown").unwrap(), "UnknownValue");
        assert_eq!(
            names(&["13", "15", "10", "ed25519"]).unwrap(),
            ["V13", "V15", "V10", "Ed25519"]
        );
    }

    #[test]
    fn values_without_a_name_or_with_one_name_fail_with_the_remedy() {
        for bad in ["über-fast", "", "*"] {
            let err = names(&["a", bad]).unwrap_err();
            assert!(
                err.contains("x-enum-varnames") && err.contains("enum E"),
                "{err}"
            );
        }
        let err = names(&["10", "ed25519", "ed 25519"]).unwrap_err();
        assert!(
            err.contains(r#"["ed25519", "ed 25519"] would all be the variant `Ed25519`"#),
            "{err}"
        );
        assert!(
            err.contains(r#"{"ed25519": Ed25519…, "ed 25519": Ed25519…}"#),
            "{err}"
        );
        assert_eq!(names(&["1.0", "10"]).unwrap(), ["V1_0", "V10"]);
    }

    #[test]
    fn the_overlay_names_what_the_rule_cannot() {
        let declared = BTreeMap::from([
            ("über-fast".to_string(), "UberFast".to_string()),
            ("ed 25519".to_string(), "Ed25519Spaced".to_string()),
        ]);
        assert_eq!(
            variant_names("E", &["ed25519", "ed 25519", "über-fast"], &declared).unwrap(),
            ["Ed25519", "Ed25519Spaced", "UberFast"]
        );
        let unknown = BTreeMap::from([("x".to_string(), "Unknown".to_string())]);
        assert!(variant_names("E", &["x"], &unknown).is_err());
        let absent = BTreeMap::from([("y".to_string(), "Y".to_string())]);
        assert!(variant_names("E", &["x"], &absent).is_err());
        let collide = BTreeMap::from([("x".to_string(), "Y".to_string())]);
        assert!(variant_names("E", &["x", "y"], &collide).is_err());
    }

    #[test]
    fn setters_come_from_the_path_and_collisions_fail() {
        assert_eq!(
            setter(&["zone_defaults", "ns_ttl"]).unwrap(),
            "zone_defaults_ns_ttl"
        );
        assert_eq!(setter(&["type"]).unwrap(), "type_");
        assert!(setter(&["über"]).is_err());
        let err = check_unique(
            "setters of X",
            SETTER_REMEDY,
            [
                (setter(&["a_b", "c"]).unwrap(), "a_b.c".to_string()),
                (setter(&["a", "b_c"]).unwrap(), "a.b_c".to_string()),
            ],
        )
        .unwrap_err();
        assert!(
            err.contains("a_b.c and a.b_c would both be named `a_b_c`"),
            "{err}"
        );
    }
}
