//! What each string `format` the crate supports means in a request: one check per format,
//! named by the generator's table of formats (`build/formats.rs`), which is the one place
//! that lists them. A format the table does not list fails the build where a request
//! carries it; in a response every format is a plain `String` (lenient where Cloudflare
//! answers).
//!
//! None of these needs a crate of its own: the standard library parses IP addresses, `url`
//! (already a dependency) parses URIs, and the grammar of a UUID or an RFC 3339 date is a
//! few lines.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A string format: its name in the fragment, and its check.
#[derive(Debug)]
pub(crate) struct Format {
    /// The OpenAPI name, such as `hostname`.
    pub(crate) name: &'static str,
    /// The rule a text breaks, as a sentence without its subject, or `None`.
    pub(crate) rule: fn(&str) -> Option<String>,
    /// Whether every text the rule admits is one path segment that cannot change a
    /// request's path (no `/`, `%`, `?`, `#`, no `..`): a path parameter of this format
    /// needs no other check.
    pub(crate) one_segment: bool,
}

/// `hostname`: RFC 1123, see [`hostname_rule`].
#[allow(dead_code)] // Each format is used when the fragment has a field of it.
pub(crate) static HOSTNAME: Format = Format {
    name: "hostname",
    one_segment: true,
    rule: hostname_rule,
};

/// `ipv4`: dotted-quad notation, as the standard library parses it (no leading zeros).
#[allow(dead_code)]
pub(crate) static IPV4: Format = Format {
    name: "ipv4",
    one_segment: true,
    rule: |text| parses::<Ipv4Addr>(text, "an IPv4 address such as 192.0.2.1"),
};

/// `ipv6`: RFC 4291 text, as the standard library parses it.
#[allow(dead_code)]
pub(crate) static IPV6: Format = Format {
    name: "ipv6",
    one_segment: true,
    rule: |text| parses::<Ipv6Addr>(text, "an IPv6 address such as 2001:db8::1"),
};

/// `uuid`: RFC 9562 text, 32 hexadecimal digits in groups of 8-4-4-4-12.
#[allow(dead_code)]
pub(crate) static UUID: Format = Format {
    name: "uuid",
    one_segment: true,
    rule: |text| {
        let groups: Vec<&str> = text.split('-').collect();
        let lengths = [8, 4, 4, 4, 12];
        let ok = groups.len() == lengths.len()
            && groups
                .iter()
                .zip(lengths)
                .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
        (!ok).then(|| "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000".to_string())
    },
};

/// `date-time`: RFC 3339 (`2024-01-31T12:00:00Z`, with an optional fraction and an offset).
#[allow(dead_code)]
pub(crate) static DATE_TIME: Format = Format {
    name: "date-time",
    one_segment: true,
    rule: |text| {
        (!is_date_time(text))
            .then(|| "must be an RFC 3339 date and time such as 2024-01-31T12:00:00Z".to_string())
    },
};

/// `date`: an RFC 3339 full date (`2024-01-31`).
#[allow(dead_code)]
pub(crate) static DATE: Format = Format {
    name: "date",
    one_segment: true,
    rule: |text| {
        (!is_date(text.as_bytes()))
            .then(|| "must be an RFC 3339 date such as 2024-01-31".to_string())
    },
};

/// `uri`: an absolute URI, as the `url` crate (WHATWG URL) parses it.
#[allow(dead_code)]
pub(crate) static URI: Format = Format {
    name: "uri",
    one_segment: false,
    rule: |text| parses::<url::Url>(text, "an absolute URI such as https://example.com/"),
};

/// The rule of a format that a type's parser checks: `must be {what}`.
fn parses<T: std::str::FromStr>(text: &str, what: &str) -> Option<String> {
    text.parse::<T>()
        .is_err()
        .then(|| format!("must be {what}"))
}

/// Digits at `at..at + n` of `bytes`, as a number.
fn digits(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = bytes.get(at..at + n)?;
    part.iter()
        .all(u8::is_ascii_digit)
        .then(|| part.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
}

/// `YYYY-MM-DD`, with a day that its month has.
fn is_date(bytes: &[u8]) -> bool {
    let (Some(year), Some(month), Some(day)) = (
        digits(bytes, 0, 4),
        digits(bytes, 5, 2),
        digits(bytes, 8, 2),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-' && (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `full-date "T" partial-time time-offset`, `T` and `Z` in either
/// case, a leap second (`:60`) admitted.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !is_date(&bytes[..10]) || !matches!(bytes[10], b'T' | b't') {
        return false;
    }
    let time = &bytes[11..];
    let (Some(hour), Some(minute), Some(second)) =
        (digits(time, 0, 2), digits(time, 3, 2), digits(time, 6, 2))
    else {
        return false;
    };
    if time[2] != b':' || time[5] != b':' || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] => {
            rest.len() == 6
                && rest[3] == b':'
                && digits(rest, 1, 2).is_some_and(|h| h <= 23)
                && digits(rest, 4, 2).is_some_and(|m| m <= 59)
        }
        _ => false,
    }
}

/// What `format: hostname` means: at most 253 characters in dot-separated labels of 1 to
/// 63 ASCII letters, digits and hyphens, none starting or ending with a hyphen (RFC 1123),
/// and an optional final dot.
/// Returns the rule broken, if any.
pub(crate) fn hostname_rule(value: &str) -> Option<String> {
    // A fully qualified name may end with the root's dot (`ns1.example.com.`): the JSON
    // Schema `hostname` format Cloudflare's schema names admits it, as DNS does.
    let value = value
        .strip_suffix('.')
        .filter(|v| !v.is_empty())
        .unwrap_or(value);
    if value.is_empty() {
        return Some("must not be empty".to_string());
    }
    if value.len() > 253 {
        return Some(format!(
            "must be a hostname of at most 253 characters (got {})",
            value.chars().count()
        ));
    }
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
                "must be a hostname of ASCII letters, digits, hyphens and dots (found {}; \
                 write internationalized names in punycode)",
                super::schema::escape_char(bad)
            ))
        } else if label.starts_with('-') || label.ends_with('-') {
            Some(format!(
                "must not have a label that starts or ends with a hyphen ({label:?})"
            ))
        } else {
            None
        };
        if rule.is_some() {
            return rule;
        }
    }
    None
}

/// A `pattern` of the fragment: an ECMA-262 regular expression (the dialect OpenAPI and
/// JSON Schema write patterns in), compiled by `regress` on first use. The build compiled
/// it already with the same crate, so a pattern that does not compile fails the build.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) source: &'static str,
    pub(crate) compiled: std::sync::OnceLock<Option<regress::Regex>>,
}

impl Pattern {
    /// A pattern of the schema table.
    #[allow(dead_code)] // Used when the fragment has a request field with a pattern.
    pub(crate) const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The rule `text` breaks, if any: a pattern matches anywhere in the text unless it
    /// anchors itself (`^…$`), as JSON Schema says.
    pub(crate) fn rule(&self, text: &str) -> Option<String> {
        let regex = self
            .compiled
            .get_or_init(|| regress::Regex::new(self.source).ok());
        match regex {
            Some(regex) if regex.find(text).is_some() => None,
            Some(_) => Some(format!("must match the pattern {}", self.source)),
            // Compiled by the build with the same crate; never reached.
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        let ok = |v: &str| hostname_rule(v).is_none();
        assert!(ok("ns1.example.com"));
        assert!(ok("a"));
        assert!(ok("xn--bcher-kva.example"));
        assert!(ok(&format!("{}.com", "a".repeat(63))));
        assert!(!ok(&format!("{}.com", "a".repeat(64))));
        // The root's final dot, which JSON Schema's `hostname` (RFC 1123) admits.
        assert!(ok("ns1.example.com."));
        assert!(!ok("ns1.example.com.."));
        assert!(!ok("."));
        assert!(!ok(".example.com"));
        assert!(!ok("ns1..example.com"));
        assert!(!ok("ns_1.example.com"));
        assert!(!ok("-ns1.example.com"));
        assert!(!ok("ns1-.example.com"));
        assert!(!ok("bücher.example"));
        assert!(!ok(""));
    }

    fn ok(format: &Format, text: &str) -> bool {
        (format.rule)(text).is_none()
    }

    #[test]
    fn addresses_and_uuids() {
        assert!(ok(&IPV4, "192.0.2.1"));
        assert!(!ok(&IPV4, "192.0.2.256"));
        assert!(!ok(&IPV4, "192.0.2.01"));
        assert!(!ok(&IPV4, "2001:db8::1"));
        assert!(ok(&IPV6, "2001:db8::1"));
        assert!(!ok(&IPV6, "192.0.2.1"));
        assert!(ok(&UUID, "123e4567-e89b-12d3-a456-426614174000"));
        assert!(ok(&UUID, "123E4567-E89B-12D3-A456-426614174000"));
        assert!(!ok(&UUID, "123e4567e89b12d3a456426614174000"));
        assert!(!ok(&UUID, "123e4567-e89b-12d3-a456-42661417400g"));
        assert!(ok(&URI, "https://example.com/a?b"));
        assert!(!ok(&URI, "/relative"));
    }

    #[test]
    fn dates_and_times() {
        for good in [
            "2024-01-31T12:00:00Z",
            "2024-02-29t23:59:60.123z",
            "2024-01-31T12:00:00+05:30",
            "2024-01-31T12:00:00.5-00:00",
        ] {
            assert!(ok(&DATE_TIME, good), "{good}");
        }
        for bad in [
            "2023-02-29T12:00:00Z",
            "2024-01-31 12:00:00Z",
            "2024-01-31T24:00:00Z",
            "2024-01-31T12:00:00",
            "2024-01-31T12:00:00.Z",
            "2024-01-31T12:00:00+0530",
            "2024-1-31T12:00:00Z",
        ] {
            assert!(!ok(&DATE_TIME, bad), "{bad}");
        }
        assert!(ok(&DATE, "2024-02-29"));
        assert!(!ok(&DATE, "2024-13-01"));
        assert!(!ok(&DATE, "2024-01-31T00:00:00Z"));
    }

    #[test]
    fn patterns_search_unless_anchored() {
        let p = Pattern::new("^[a-z]+$");
        assert_eq!(p.rule("abc"), None);
        assert_eq!(
            p.rule("abc1").as_deref(),
            Some("must match the pattern ^[a-z]+$")
        );
        let p = Pattern::new("[0-9]");
        assert_eq!(p.rule("a1b"), None);
    }
}
