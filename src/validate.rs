//! Checks of arguments, before anything is sent.
//!
//! Numeric bounds and length limits come from [`crate::bounds`], which `build.rs` reads
//! from the OpenAPI fragment; this module adds the rules a schema cannot say (hostname
//! syntax, characters that could change the request path).

use crate::bounds::{self, IntBound, LengthBound};
use crate::error::InvalidArgument;

type Checked = Result<(), InvalidArgument>;

/// `zone_defaults.soa.mname` is a hostname: the fragment's hostname length limit applies.
pub(crate) const SOA_MNAME: LengthBound = LengthBound {
    field: "zone_defaults.soa.mname",
    max: bounds::NS_NAME.max,
};

/// The `custom_ns_id` path parameter of a delete is a nameserver's name.
pub(crate) const CUSTOM_NS_ID: LengthBound = LengthBound {
    field: "custom_ns_id",
    max: bounds::NS_NAME.max,
};

/// An account id: non-empty, within the fragment's length limit, and made only of ASCII
/// letters, digits, `-` and `_`, so that it can never change the request path (`..`, `/`,
/// `%2F`, `?`, `#` and spaces are all refused).
pub(crate) fn account_id(value: &str) -> Checked {
    path_segment(bounds::ACCOUNT_ID, value)
}

fn path_segment(bound: LengthBound, value: &str) -> Checked {
    if value.is_empty() {
        return Err(InvalidArgument::new(bound.field, "must not be empty"));
    }
    length(bound, value)?;
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(InvalidArgument::new(
            bound.field,
            format!(
                "may hold only ASCII letters, digits, '-' and '_' (found {bad:?}); \
                 Cloudflare account ids are 32 hexadecimal characters"
            ),
        ));
    }
    Ok(())
}

/// A string no longer than its bound, counted in characters.
pub(crate) fn length(bound: LengthBound, value: &str) -> Checked {
    let count = value.chars().count() as u64;
    if count > bound.max {
        return Err(InvalidArgument::new(
            bound.field,
            format!("must be at most {} characters (got {count})", bound.max),
        ));
    }
    Ok(())
}

/// An integer within its inclusive bound.
pub(crate) fn int(bound: IntBound, value: impl Into<u64>) -> Checked {
    let value = value.into();
    if !bound.contains(value) {
        return Err(InvalidArgument::new(
            bound.field,
            format!(
                "must be between {} and {} inclusive (got {value})",
                bound.min, bound.max
            ),
        ));
    }
    Ok(())
}

/// An optional integer within its bound when it is set.
pub(crate) fn opt_int(bound: IntBound, value: Option<impl Into<u64>>) -> Checked {
    value.map_or(Ok(()), |value| int(bound, value))
}

/// A hostname: at most `bound.max` characters, dot-separated labels of 1 to 63 ASCII
/// letters, digits and hyphens, none starting or ending with a hyphen.
pub(crate) fn hostname(bound: LengthBound, value: &str) -> Checked {
    let field = bound.field;
    if value.is_empty() {
        return Err(InvalidArgument::new(field, "must not be empty"));
    }
    length(bound, value)?;
    for label in value.split('.') {
        let rule = if label.is_empty() {
            Some("must not have an empty label (no leading, trailing or double dots)".to_string())
        } else if label.len() > 63 {
            Some(format!(
                "must have labels of at most 63 characters (label {label:?} has {})",
                label.len()
            ))
        } else if let Some(bad) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            Some(format!(
                "must be a hostname of ASCII letters, digits, hyphens and dots (found {bad:?}; \
                 write internationalized names in punycode)"
            ))
        } else if label.starts_with('-') || label.ends_with('-') {
            Some(format!(
                "must not have a label that starts or ends with a hyphen ({label:?})"
            ))
        } else {
            None
        };
        if let Some(rule) = rule {
            return Err(InvalidArgument::new(field, rule));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        let ok = |v: &str| hostname(bounds::NS_NAME, v).is_ok();
        assert!(ok("ns1.example.com"));
        assert!(ok("a"));
        assert!(ok("xn--bcher-kva.example"));
        assert!(ok(&format!("{}.com", "a".repeat(63))));
        assert!(!ok(&format!("{}.com", "a".repeat(64))));
        assert!(!ok("ns1.example.com."));
        assert!(!ok(".example.com"));
        assert!(!ok("ns1..example.com"));
        assert!(!ok("ns_1.example.com"));
        assert!(!ok("-ns1.example.com"));
        assert!(!ok("ns1-.example.com"));
        assert!(!ok("bücher.example"));
        assert!(!ok(""));
    }
}
