//! The fragment's request schemas as data, and the one checker that both the client (before
//! sending) and the fake (on receiving) run over a JSON value.
//!
//! The generator (`build/schema_table.rs`) turns every request body and path parameter schema of
//! `openapi/cloudflare-account-dns.json` into the statics included below, and fails the
//! build on any keyword this checker does not understand, so a constraint cannot sit in the
//! fragment unchecked. What a schema cannot say is written once, for every field, in
//! [`formats`](super::formats): what each string format means, and how a `pattern` matches.

use serde_json::Value;

pub(crate) use super::formats::{Format, Pattern};

/// One schema of the fragment.
#[derive(Debug)]
pub(crate) struct Schema {
    pub(crate) kind: Kind,
    /// `null` is allowed.
    pub(crate) nullable: bool,
    /// Cloudflare deprecated the field: sending it logs a warning.
    pub(crate) deprecated: bool,
    pub(crate) description: &'static str,
    /// The schema's `example`, as JSON.
    pub(crate) example: Option<&'static str>,
    /// The schema's `default`, as JSON: the value the server uses when the field is absent.
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub(crate) default: Option<&'static str>,
}

/// What a value of a schema must be.
#[derive(Debug)]
#[allow(dead_code)] // A variant is built when the fragment has a schema of its kind.
pub(crate) enum Kind {
    /// Anything.
    Any,
    Boolean,
    /// A whole number within the bounds (the format's range included).
    Integer {
        min: Option<i128>,
        max: Option<i128>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
    },
    String {
        min_length: Option<u64>,
        max_length: Option<u64>,
        /// The format (`build/formats.rs` lists those the crate checks).
        format: Option<&'static Format>,
        /// The `pattern`, an ECMA-262 regular expression the text must match.
        pattern: Option<&'static Pattern>,
        /// The enum's values, if it is one.
        values: &'static [&'static str],
        /// Whether the client refuses other values too (only for enums that no response
        /// carries; the fake always refuses them).
        closed: bool,
    },
    Array {
        items: &'static Schema,
    },
    Object {
        properties: &'static [Property],
        /// Whether fields the schema does not name are allowed.
        additional: bool,
    },
    /// The same as another schema (`allOf: [$ref]`), possibly nullable here.
    Same(&'static Schema),
}

/// A property of an object schema.
#[derive(Debug)]
pub(crate) struct Property {
    pub(crate) name: &'static str,
    pub(crate) schema: &'static Schema,
    pub(crate) required: bool,
}

/// A path parameter of an operation.
#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) name: &'static str,
    pub(crate) schema: &'static Schema,
}

/// One operation of the fragment.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The operationId, which is also the `Client` method's name.
    pub(crate) id: &'static str,
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub(crate) method: &'static str,
    /// The path template, such as `/accounts/{account_id}/custom_ns`.
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub(crate) path: &'static str,
    /// Path parameters, in path order.
    pub(crate) params: &'static [Param],
    pub(crate) body: Option<&'static Schema>,
    /// Safe to repeat (from the method, or `x-idempotent`).
    #[allow(dead_code)]
    pub(crate) idempotent: bool,
    /// An example of the result, built from the fragment's examples.
    #[allow(dead_code)]
    pub(crate) result_example: Option<&'static str>,
}

/// A value of a request field that Cloudflare is known to refuse, although the schema
/// allows it: declared in the overlay (`x-known-refusals`) with its evidence, so that it
/// goes when the field goes.
#[derive(Debug)]
pub(crate) struct KnownRefusal {
    /// The operation whose request carries the field.
    pub(crate) operation: &'static str,
    /// The field's dotted path in the request body (`zone_defaults.flatten_all_cnames`).
    pub(crate) field: &'static str,
    /// The refused value, as JSON.
    pub(crate) value: &'static str,
    /// Cloudflare's answer: the HTTP status, its code and message.
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) message: &'static str,
}

impl KnownRefusal {
    /// Whether `body` (a request body of [`Self::operation`]) holds the refused value.
    pub(crate) fn refuses(&self, body: &serde_json::Map<String, Value>) -> bool {
        let mut parts = self.field.split('.');
        let Some(first) = parts.next() else {
            return false;
        };
        let mut value = body.get(first);
        for part in parts {
            value = value.and_then(|v| v.get(part));
        }
        value.is_some_and(|v| serde_json::from_str::<Value>(self.value).is_ok_and(|r| r == *v))
    }
}

include!(concat!(env!("OUT_DIR"), "/schema_table.rs"));

/// Who checks: the client refuses what the fragment refuses (enum values it does not list
/// only when the request has not allowed them); the fake, as the server of this version of
/// the schema, refuses every enum value it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// The client, before sending: enum values are checked against the fragment unless the
    /// request says it means to send values newer than the crate.
    Client { unknown_values: bool },
    /// A file a person wrote (a declared state): like the client, and a field the fragment
    /// does not know is refused as a typo, although Cloudflare's schema admits it.
    Typed,
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    Server,
}

/// One value that breaks its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where: property names and array indexes from the root.
    pub(crate) path: Vec<String>,
    /// The rule, as a sentence without its subject: `must be at most 5 (got 6)`.
    pub(crate) rule: String,
}

impl Problem {
    /// The path with dots, `zone_defaults.soa.ttl`, or `body` at the root.
    pub(crate) fn dotted(&self, root: &str) -> String {
        if self.path.is_empty() {
            return root.to_string();
        }
        let shown: Vec<String> = self
            .path
            .iter()
            .map(|segment| {
                let plain = !segment.is_empty()
                    && segment
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                if plain {
                    segment.clone()
                } else {
                    quoted(segment)
                }
            })
            .collect();
        shown.join(".")
    }

    /// The path as a JSON pointer, `/zone_defaults/soa/ttl`.
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub(crate) fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
            .collect()
    }
}

/// Checks `value` against `schema`, adding every problem found under `path`.
pub(crate) fn check(
    schema: &Schema,
    value: &Value,
    side: Side,
    path: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) {
    let mut walk = Walk::new(path, side, problems);
    walk.value(schema, schema.nullable, value);
}

/// Checks a JSON object against `schema` without making a `Value` of it first: what the
/// client does with a request body before sending it.
pub(crate) fn check_object(
    schema: &Schema,
    object: &serde_json::Map<String, Value>,
    side: Side,
    problems: &mut Vec<Problem>,
) {
    let mut root = Vec::new();
    let mut walk = Walk::new(&mut root, side, problems);
    let before = walk.problems.len();
    walk.by_fields = true;
    walk.object(schema, object);
    if walk.problems.len() > before {
        walk.problems.truncate(before);
        walk.by_fields = false;
        walk.object(schema, object);
    }
}

/// Checks a string against `schema`, as [`check`] does with a JSON string, without making a
/// `Value` of it: what the client does with a path parameter.
pub(crate) fn check_str(schema: &Schema, text: &str, side: Side, problems: &mut Vec<Problem>) {
    let mut root = Vec::new();
    let mut walk = Walk::new(&mut root, side, problems);
    walk.str(schema, text);
}

/// One walk over a value: where it is (borrowed names, so that a value that keeps its
/// schema allocates nothing), and the problems found, each with its path made owned.
struct Walk<'p, 'v> {
    /// The path the caller started from.
    prefix: &'p [String],
    /// Where the walk is below it.
    path: Vec<std::borrow::Cow<'v, str>>,
    side: Side,
    problems: &'p mut Vec<Problem>,
    /// Walk an object's own fields rather than its schema's properties: much less work for
    /// the few fields a request sets, but problems come in another order. A walk that finds
    /// one is run again in schema order, so that the first problem reported never changes.
    by_fields: bool,
}

impl<'p, 'v> Walk<'p, 'v> {
    fn new(prefix: &'p mut Vec<String>, side: Side, problems: &'p mut Vec<Problem>) -> Self {
        Self {
            prefix,
            path: Vec::new(),
            side,
            problems,
            by_fields: false,
        }
    }

    fn problem(&mut self, rule: String) {
        let path = self
            .prefix
            .iter()
            .cloned()
            .chain(self.path.iter().map(|segment| segment.to_string()))
            .collect();
        self.problems.push(Problem { path, rule });
    }

    /// An object at the root: its own schema's properties, through `allOf: [$ref]`.
    fn object(&mut self, schema: &'v Schema, object: &'v serde_json::Map<String, Value>) {
        match &schema.kind {
            Kind::Object {
                properties,
                additional,
            } => self.properties(properties, *additional, object),
            Kind::Same(inner) => self.object(inner, object),
            _ => self.other(schema, Value::Object(object.clone())),
        }
    }

    /// A string at the root.
    fn str(&mut self, schema: &'v Schema, text: &str) {
        match &schema.kind {
            Kind::String { .. } | Kind::Any => self.string(schema, text, None),
            Kind::Same(inner) => self.str(inner, text),
            _ => self.other(schema, Value::String(text.to_string())),
        }
    }

    /// A root value of another kind than its schema expects: checked as JSON.
    fn other(&mut self, schema: &Schema, value: Value) {
        let mut path = self.prefix.to_vec();
        check(schema, &value, self.side, &mut path, self.problems);
    }

    fn value(&mut self, schema: &'v Schema, nullable: bool, value: &'v Value) {
        if value.is_null() {
            if !nullable {
                self.problem("must not be null".to_string());
            }
            return;
        }
        match &schema.kind {
            Kind::Any => {}
            Kind::Same(inner) => self.value(inner, nullable || inner.nullable, value),
            Kind::Boolean => {
                if !value.is_boolean() {
                    self.problem(format!("must be true or false (got {})", shown(value)));
                }
            }
            Kind::Integer { min, max } => match whole_number(value) {
                // A whole number too large for any integer (2^64 + 1 arrives as a float):
                // out of range, not a fraction.
                None if value
                    .as_f64()
                    .is_some_and(|f| f.is_finite() && f.fract() == 0.0) =>
                {
                    self.problem(match (min, max) {
                        (Some(min), Some(max)) => format!(
                            "must be between {min} and {max} inclusive (got {})",
                            shown(value)
                        ),
                        _ => format!("is out of range (got {})", shown(value)),
                    })
                }
                None => self.problem(format!("must be a whole number (got {})", shown(value))),
                Some(n) => {
                    if let Some(rule) = range_rule(n, *min, *max) {
                        self.problem(rule);
                    }
                }
            },
            Kind::Number { min, max } => match value.as_f64().filter(|v| v.is_finite()) {
                None => self.problem(format!("must be a number (got {})", shown(value))),
                Some(n) => {
                    if let Some(rule) = range_rule(n, *min, *max) {
                        self.problem(rule);
                    }
                }
            },
            Kind::String { .. } => match value.as_str() {
                Some(text) => self.string(schema, text, Some(value)),
                None => self.problem(format!("must be a string (got {})", shown(value))),
            },
            Kind::Array { items } => {
                let Some(array) = value.as_array() else {
                    self.problem(format!("must be an array (got {})", shown(value)));
                    return;
                };
                for (i, item) in array.iter().enumerate() {
                    self.path.push(i.to_string().into());
                    self.value(items, items.nullable, item);
                    self.path.pop();
                }
            }
            Kind::Object {
                properties,
                additional,
            } => {
                let Some(object) = value.as_object() else {
                    self.problem(format!("must be an object (got {})", shown(value)));
                    return;
                };
                self.properties(properties, *additional, object);
            }
        }
    }

    /// A string value's rules; `value` is its JSON, when there is one, for messages.
    fn string(&mut self, schema: &Schema, text: &str, value: Option<&Value>) {
        let Kind::String {
            min_length,
            max_length,
            format,
            pattern,
            values,
            closed,
        } = &schema.kind
        else {
            return;
        };
        let shown_text = || match value {
            Some(value) => shown(value),
            None => shown(&Value::String(text.to_string())),
        };
        // Lengths count characters; a string's bytes bound its characters from above and,
        // divided by four, from below, so most strings need no count.
        let bytes = text.len() as u64;
        let exceeds = max_length.is_some_and(|max| bytes > max);
        let short = min_length.is_some_and(|min| bytes.div_ceil(4) < min);
        if exceeds || short {
            let count = text.chars().count() as u64;
            if let Some(max) = max_length
                && count > *max
            {
                self.problem(format!("must be at most {max} characters (got {count})"));
                return;
            }
            if let Some(min) = min_length
                && count < *min
            {
                self.problem(format!("must be at least {min} characters (got {count})"));
                return;
            }
        }
        if let Some(format) = format
            && let Some(rule) = (format.rule)(text)
        {
            self.problem(rule);
            return;
        }
        if let Some(pattern) = pattern
            && let Some(rule) = pattern.rule(text)
        {
            self.problem(rule);
            return;
        }
        let refuse_unknown = match self.side {
            Side::Client { unknown_values } => *closed && !unknown_values,
            Side::Typed | Side::Server => true,
        };
        if !values.is_empty() && refuse_unknown && !values.contains(&text) {
            let rule = format!(
                "must be one of {} (got {})",
                values.join(", "),
                shown_text()
            );
            self.problem(rule);
        }
    }

    fn properties(
        &mut self,
        properties: &'v [Property],
        additional: bool,
        object: &'v serde_json::Map<String, Value>,
    ) {
        let additional = additional && self.side != Side::Typed;
        if self.by_fields {
            for (key, value) in object {
                match properties.iter().find(|p| p.name == key) {
                    Some(property) => {
                        self.path.push(property.name.into());
                        self.value(property.schema, property.schema.nullable, value);
                        self.path.pop();
                    }
                    // Reported (in schema order) by the walk that follows.
                    None if !additional => self.problem(String::new()),
                    None => {}
                }
            }
            for property in properties.iter().filter(|p| p.required) {
                if !object.contains_key(property.name) {
                    self.problem(String::new());
                }
            }
            return;
        }
        for property in properties {
            self.path.push(property.name.into());
            match object.get(property.name) {
                Some(value) => self.value(property.schema, property.schema.nullable, value),
                None if property.required => self.problem("is required".to_string()),
                None => {}
            }
            self.path.pop();
        }
        if !additional {
            let known = |key: &str| properties.iter().any(|p| p.name == key);
            for key in object.keys().filter(|k| !known(k)) {
                self.path.push(key.as_str().into());
                let names: Vec<&str> = properties.iter().map(|p| p.name).collect();
                self.problem(format!(
                    "is not a field of this request (known fields: {})",
                    names.join(", ")
                ));
                self.path.pop();
            }
        }
    }
}

/// The dotted paths of the fields of `object` (a value of `schema`) that Cloudflare
/// deprecated, at any depth: only the fields the object holds are visited.
pub(crate) fn deprecated_fields(
    schema: &Schema,
    object: &serde_json::Map<String, Value>,
    prefix: &str,
    out: &mut Vec<(String, &'static str)>,
) {
    let Kind::Object { properties, .. } = &resolved(schema).kind else {
        return;
    };
    for (key, value) in object {
        let Some(property) = properties.iter().find(|p| p.name == key) else {
            continue;
        };
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let mut schema = property.schema;
        let mut deprecated = schema.deprecated;
        let mut description = schema.description;
        while let Kind::Same(inner) = &schema.kind {
            schema = inner;
            deprecated |= schema.deprecated;
            if description.is_empty() {
                description = schema.description;
            }
        }
        if deprecated {
            out.push((path.clone(), description));
        }
        if let Value::Object(inner) = value {
            deprecated_fields(schema, inner, &path, out);
        }
    }
}

/// Rewrites, in the field `key` of an object of `schema`, every whole number written as a
/// float (`86400.0`) where the schema says integer as an integer (`86400`).
pub(crate) fn integers_in(schema: &Schema, key: &str, value: &mut Value) {
    let schema = resolved(schema);
    if let Kind::Object { properties, .. } = &schema.kind
        && let Some(property) = properties.iter().find(|p| p.name == key)
    {
        integers(property.schema, value);
    }
}

fn resolved(mut schema: &Schema) -> &Schema {
    while let Kind::Same(inner) = &schema.kind {
        schema = inner;
    }
    schema
}

fn integers(schema: &Schema, value: &mut Value) {
    let schema = resolved(schema);
    match (&schema.kind, value) {
        (Kind::Integer { .. }, value @ Value::Number(_)) if value.is_f64() => {
            if let Some(n) = whole_number(value) {
                *value = if let Ok(n) = i64::try_from(n) {
                    Value::from(n)
                } else if let Ok(n) = u64::try_from(n) {
                    Value::from(n)
                } else {
                    return;
                };
            }
        }
        (Kind::Object { .. }, Value::Object(object)) => {
            for (key, inner) in object.iter_mut() {
                integers_in(schema, key, inner);
            }
        }
        (Kind::Array { items }, Value::Array(array)) => {
            array.iter_mut().for_each(|item| integers(items, item));
        }
        _ => {}
    }
}

/// A JSON number that is a whole number: `86400` or `86400.0`.
pub(crate) fn whole_number(value: &Value) -> Option<i128> {
    if let Some(n) = value.as_i64() {
        return Some(n.into());
    }
    if let Some(n) = value.as_u64() {
        return Some(n.into());
    }
    let f = value.as_f64()?;
    // Within ±2^63, where f64 still holds whole numbers exactly enough to compare.
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i128)
}

fn range_rule<T: PartialOrd + std::fmt::Display + Copy>(
    n: T,
    min: Option<T>,
    max: Option<T>,
) -> Option<String> {
    match (min, max) {
        (Some(min), Some(max)) if n < min || n > max => Some(format!(
            "must be between {min} and {max} inclusive (got {n})"
        )),
        (Some(min), None) if n < min => Some(format!("must be at least {min} (got {n})")),
        (None, Some(max)) if n > max => Some(format!("must be at most {max} (got {n})")),
        _ => None,
    }
}

/// A value for a message: JSON, cut short, so that control characters show escaped.
fn shown(value: &Value) -> String {
    let text = crate::core::text::escape(&value.to_string()).into_owned();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Text quoted for a message, JSON style: `"a.b"`, with `"`, `\\` and every character that
/// does not print escaped (`\u007f`).
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character quoted for a message: `'_'`, or `U+007F` for one that does not print.
pub(crate) fn escape_char(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_may_be_written_as_floats() {
        assert_eq!(whole_number(&serde_json::json!(86400)), Some(86400));
        assert_eq!(whole_number(&serde_json::json!(86400.0)), Some(86400));
        assert_eq!(whole_number(&serde_json::json!(1.5)), None);
        assert_eq!(whole_number(&serde_json::json!(1e300)), None);
        assert_eq!(whole_number(&serde_json::json!("1")), None);
    }

    /// Every `example` and `default` of a request schema (Cloudflare's, through the fragment)
    /// is a value its own schema accepts: the fake and the docs show them.
    #[test]
    fn every_request_example_and_default_passes_its_own_schema() {
        fn walk(schema: &Schema, at: &str, checked: &mut usize) {
            for (what, value) in [("example", schema.example), ("default", schema.default)] {
                let Some(text) = value else { continue };
                let value: Value = serde_json::from_str(text).unwrap();
                let mut problems = Vec::new();
                check(schema, &value, Side::Server, &mut Vec::new(), &mut problems);
                assert!(problems.is_empty(), "{at}: {what} {value}: {problems:?}");
                *checked += 1;
            }
            match &schema.kind {
                Kind::Same(inner) => walk(inner, at, checked),
                Kind::Array { items } => walk(items, &format!("{at}[]"), checked),
                Kind::Object { properties, .. } => {
                    for p in properties.iter() {
                        walk(p.schema, &format!("{at}.{}", p.name), checked);
                    }
                }
                _ => {}
            }
        }
        let mut checked = 0;
        for op in OPERATIONS {
            for param in op.params {
                walk(
                    param.schema,
                    &format!("{}:{}", op.id, param.name),
                    &mut checked,
                );
            }
            if let Some(body) = op.body {
                walk(body, &format!("{}:body", op.id), &mut checked);
            }
        }
        assert!(checked > 10, "only {checked} examples");
    }

    #[test]
    fn a_whole_number_beyond_every_integer_is_out_of_range() {
        let schema = Schema {
            kind: Kind::Integer {
                min: Some(30),
                max: Some(86400),
            },
            nullable: false,
            deprecated: false,
            description: "",
            example: None,
            default: None,
        };
        let value: Value = serde_json::from_str("18446744073709551617").unwrap();
        let mut problems = Vec::new();
        check(
            &schema,
            &value,
            Side::Server,
            &mut Vec::new(),
            &mut problems,
        );
        assert!(
            problems[0]
                .rule
                .starts_with("must be between 30 and 86400 inclusive (got 1"),
            "{problems:?}"
        );
    }

    fn leaf(kind: Kind, deprecated: bool, description: &'static str) -> Schema {
        Schema {
            kind,
            nullable: false,
            deprecated,
            description,
            example: None,
            default: None,
        }
    }

    #[test]
    fn formats_and_patterns_are_checked_with_the_field_named() {
        static PATTERN: Pattern = Pattern::new("^[a-z]+$");
        let schema = leaf(
            Kind::String {
                min_length: None,
                max_length: None,
                format: Some(&super::super::formats::UUID),
                pattern: None,
                values: &[],
                closed: false,
            },
            false,
            "",
        );
        let mut problems = Vec::new();
        check_str(&schema, "not-a-uuid", Side::Server, &mut problems);
        assert!(
            problems[0].rule.starts_with("must be a UUID"),
            "{problems:?}"
        );
        let schema = leaf(
            Kind::String {
                min_length: None,
                max_length: None,
                format: None,
                pattern: Some(&PATTERN),
                values: &[],
                closed: false,
            },
            false,
            "",
        );
        let mut problems = Vec::new();
        check_str(&schema, "abc", Side::Server, &mut problems);
        check_str(&schema, "ABC", Side::Server, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].rule, "must match the pattern ^[a-z]+$");
    }

    #[test]
    fn deprecated_fields_are_found_at_any_depth_through_same() {
        static OLD: Schema = Schema {
            kind: Kind::Boolean,
            nullable: false,
            deprecated: true,
            description: "Use b instead.",
            example: None,
            default: None,
        };
        static NEW: Schema = Schema {
            kind: Kind::Boolean,
            nullable: false,
            deprecated: false,
            description: "",
            example: None,
            default: None,
        };
        static INNER: Schema = Schema {
            kind: Kind::Object {
                properties: &[
                    Property {
                        name: "old",
                        schema: &OLD,
                        required: false,
                    },
                    Property {
                        name: "new",
                        schema: &NEW,
                        required: false,
                    },
                ],
                additional: true,
            },
            nullable: false,
            deprecated: false,
            description: "",
            example: None,
            default: None,
        };
        static SAME: Schema = Schema {
            kind: Kind::Same(&INNER),
            nullable: true,
            deprecated: false,
            description: "",
            example: None,
            default: None,
        };
        static ROOT: [Property; 2] = [
            Property {
                name: "inner",
                schema: &SAME,
                required: false,
            },
            Property {
                name: "old",
                schema: &OLD,
                required: false,
            },
        ];
        let root = leaf(
            Kind::Object {
                properties: &ROOT,
                additional: true,
            },
            false,
            "",
        );
        let body = serde_json::json!({"inner": {"old": true, "new": true}, "unknown": 1});
        let mut found = Vec::new();
        deprecated_fields(&root, body.as_object().unwrap(), "", &mut found);
        assert_eq!(found, [("inner.old".to_string(), "Use b instead.")]);
    }

    #[test]
    fn every_operation_has_a_unique_id_and_its_parameters_are_in_its_path() {
        let mut ids: Vec<&str> = OPERATIONS.iter().map(|op| op.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OPERATIONS.len());
        for op in OPERATIONS {
            for param in op.params {
                assert!(op.path.contains(&format!("{{{}}}", param.name)), "{op:?}");
            }
        }
    }
}
