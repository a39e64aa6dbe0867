//! The impact report: what a new fragment changes for the crate's users, from the previous
//! fragment to the new one, with the Rust items each change touches and whether a
//! dependent's code can break (semver major) or not.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::names::{ENUM_VARNAMES, ident, inline_enum, pascal, setter, variant_names};
use crate::spec::ref_target;

/// One fact about the API, keyed by where it is.
#[derive(Debug, Clone, PartialEq)]
enum Fact {
    Operation {
        method: String,
        path: String,
    },
    /// An operation's success answer: its status and what its body holds (the result
    /// schema's name, or nothing).
    Answer {
        status: String,
        body: String,
    },
    /// A parameter outside the path (query or header).
    Parameter {
        location: String,
        required: bool,
    },
    Field(Box<FieldFacts>),
}

#[derive(Debug, Clone, PartialEq, Default)]
struct FieldFacts {
    /// Request (a setter) or response (a struct field).
    request: bool,
    /// The Rust type that holds the field (`ZoneDefaults`), for responses.
    owner: String,
    /// The request builder the setter is on (`UpdateDnsSettings`), for requests.
    builder: String,
    field: String,
    type_: String,
    required: bool,
    nullable: bool,
    deprecated: bool,
    minimum: Option<f64>,
    maximum: Option<f64>,
    min_length: Option<u64>,
    /// A string's `format` and `pattern`: rules the request checks hold (every string is a
    /// `String` in Rust, whatever its format).
    string_rules: Vec<String>,
    max_length: Option<u64>,
    enum_values: Vec<String>,
    enum_type: String,
    /// The overlay's names of enum values (`x-enum-varnames`), value to variant name.
    enum_varnames: BTreeMap<String, String>,
}

/// Every fact of a fragment, keyed (`op add_custom_nameserver`, `request
/// update_dns_settings zone_defaults.ns_ttl`, `response ZoneDefaults.ns_ttl`).
fn facts(fragment: &Value) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    let paths = fragment.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            // The `Client` method's name, as the build derives it.
            let id = &ident(id);
            out.insert(
                format!("op {id}"),
                Fact::Operation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                },
            );
            let builder = pascal(id);
            for parameter in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let (_, parameter) = resolve(fragment, parameter);
                let location = parameter["in"].as_str().unwrap_or_default();
                if location != "path" {
                    out.insert(
                        format!("param {id} {}", parameter["name"].as_str().unwrap_or("")),
                        Fact::Parameter {
                            location: location.to_string(),
                            required: parameter["required"] == Value::Bool(true),
                        },
                    );
                }
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
            {
                let body = response
                    .pointer("/content/application~1json/schema")
                    .map(|schema| match resolve(fragment, schema) {
                        (Some(name), _) => name,
                        (None, _) => "an inline schema".to_string(),
                    })
                    .unwrap_or_else(|| "no body".to_string());
                out.insert(
                    format!("answer {id}"),
                    Fact::Answer {
                        status: status.clone(),
                        body,
                    },
                );
            }
            if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
                walk(
                    fragment,
                    body,
                    &mut Walk {
                        request: true,
                        key: format!("request {id}"),
                        builder: &builder,
                        owner: String::new(),
                        path: String::new(),
                        depth: 0,
                    },
                    &mut out,
                );
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !status.starts_with('2') {
                    continue;
                }
                if let Some(result) = response
                    .pointer("/content/application~1json/schema")
                    .map(|s| resolve(fragment, s).1)
                    .and_then(|envelope| envelope.pointer("/properties/result"))
                {
                    let (name, _) = resolve(fragment, result);
                    let owner = name.unwrap_or_else(|| format!("{builder}Result"));
                    walk(
                        fragment,
                        result,
                        &mut Walk {
                            request: false,
                            key: "response".to_string(),
                            builder: &builder,
                            owner,
                            path: String::new(),
                            depth: 0,
                        },
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

struct Walk<'a> {
    request: bool,
    key: String,
    builder: &'a str,
    /// The Rust type being walked (responses).
    owner: String,
    path: String,
    depth: usize,
}

/// The schema behind `$ref` (or a one-element `allOf`), with the Rust name it gets.
fn resolve<'a>(fragment: &'a Value, schema: &'a Value) -> (Option<String>, &'a Value) {
    if let Some((_, name)) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(ref_target)
    {
        let target = fragment
            .pointer(&format!(
                "/components/schemas/{}",
                name.replace('~', "~0").replace('/', "~1")
            ))
            .unwrap_or(&Value::Null);
        let rust = target
            .get("x-rust-name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| type_name(&name));
        return (Some(rust), target);
    }
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return resolve(fragment, only);
    }
    (
        schema
            .get("x-rust-name")
            .and_then(Value::as_str)
            .map(str::to_string),
        schema,
    )
}

/// The Rust name of a component without `x-rust-name`, as typify makes it
/// (`dns-settings_zone_mode` → `DnsSettingsZoneMode`, `CustomNameserver` unchanged).
fn type_name(component: &str) -> String {
    component
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().expect("non-empty").to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

fn walk(fragment: &Value, schema: &Value, at: &mut Walk, out: &mut BTreeMap<String, Fact>) {
    if at.depth > 12 {
        return;
    }
    let (_, resolved) = resolve(fragment, schema);
    let required: Vec<&str> = resolved
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in resolved
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (type_name, target) = resolve(fragment, property);
        let field_path = if at.path.is_empty() {
            name.clone()
        } else {
            format!("{}.{name}", at.path)
        };
        let get = |key: &str| property.get(key).or_else(|| target.get(key));
        let enum_values: Vec<String> = get("enum")
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let is_object = target.get("properties").is_some();
        let facts = FieldFacts {
            request: at.request,
            owner: at.owner.clone(),
            // A response type may be reached from several operations: it belongs to none.
            builder: if at.request {
                at.builder.to_string()
            } else {
                String::new()
            },
            field: field_path.clone(),
            type_: match (
                get("type").and_then(Value::as_str),
                get("format").and_then(Value::as_str),
            ) {
                // A number's format picks its Rust type (`u8`, `u32`); a string's does not.
                (Some(t), Some(f)) if t != "string" => format!("{t} ({f})"),
                (Some(t), _) => t.to_string(),
                (None, _) if is_object => "object".to_string(),
                (None, _) => "any".to_string(),
            },
            required: required.contains(&name.as_str()),
            nullable: get("nullable") == Some(&Value::Bool(true)),
            deprecated: get("deprecated") == Some(&Value::Bool(true)),
            minimum: get("minimum").and_then(Value::as_f64),
            maximum: get("maximum").and_then(Value::as_f64),
            min_length: get("minLength").and_then(Value::as_u64),
            string_rules: ["format", "pattern"]
                .into_iter()
                .filter(|_| get("type").and_then(Value::as_str) == Some("string"))
                .filter_map(|key| {
                    get(key)
                        .and_then(Value::as_str)
                        .map(|v| format!("{key} {v}"))
                })
                .collect(),
            max_length: get("maxLength").and_then(Value::as_u64),
            enum_values: enum_values.clone(),
            enum_type: if enum_values.is_empty() {
                String::new()
            } else {
                // An inline enum is named from its property (build/prepare.rs).
                type_name
                    .clone()
                    .unwrap_or_else(|| inline_enum(name, false))
            },
            enum_varnames: get(ENUM_VARNAMES)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(value, name)| Some((value.clone(), name.as_str()?.to_string())))
                .collect(),
        };
        let key = if at.request {
            format!("{} {field_path}", at.key)
        } else {
            format!("{} {}.{name}", at.key, at.owner)
        };
        out.insert(key, Fact::Field(Box::new(facts)));
        if is_object || target.get("items").is_some() {
            let inner = if is_object {
                property
            } else {
                target.get("items").expect("items")
            };
            let (inner_name, inner_target) = resolve(fragment, inner);
            if inner_target.get("properties").is_none() {
                continue;
            }
            let mut next = Walk {
                request: at.request,
                key: at.key.clone(),
                builder: at.builder,
                owner: inner_name.unwrap_or_else(|| format!("{}{}", at.owner, pascal(name))),
                path: field_path,
                depth: at.depth + 1,
            };
            walk(fragment, inner, &mut next, out);
        }
    }
}

/// Whether a change can break a dependent's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Semver {
    Patch,
    Minor,
    Major,
}

struct Change {
    semver: Semver,
    text: String,
}

/// What a spec change does to the crate: every change, the most severe first.
fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let before = facts(old);
    let after = facts(new);
    let mut changes = Vec::new();
    // The builders of operations that are new: their fields come with them.
    let new_builders: Vec<String> = after
        .keys()
        .filter(|key| key.starts_with("op ") && !before.contains_key(*key))
        .map(|key| pascal(where_(key)))
        .collect();
    for (key, fact) in &after {
        match before.get(key) {
            // An answer comes and goes with its operation.
            None if matches!(fact, Fact::Answer { .. }) => {}
            None => changes.push(added(key, fact, &new_builders)),
            Some(previous) if previous != fact => changes.extend(changed(key, previous, fact)),
            Some(_) => {}
        }
    }
    for (key, fact) in &before {
        if !after.contains_key(key) && !matches!(fact, Fact::Answer { .. }) {
            changes.push(removed(key, fact));
        }
    }
    changes.sort_by(|a, b| b.semver.cmp(&a.semver).then(a.text.cmp(&b.text)));
    changes
}

/// The release a set of changes needs, in words.
fn release(changes: &[Change]) -> Option<&'static str> {
    changes
        .iter()
        .map(|c| c.semver)
        .max()
        .map(|worst| match worst {
            Semver::Major => "major (a dependent's code can break)",
            Semver::Minor => "minor (additions only)",
            Semver::Patch => "patch (no API change)",
        })
}

/// One line per change, tagged with what it means for dependents.
fn bullets(changes: &[Change], out: &mut String) {
    for change in changes {
        let tag = match change.semver {
            Semver::Major => "breaking",
            Semver::Minor => "addition",
            Semver::Patch => "behaviour",
        };
        let _ = writeln!(out, "- [{tag}] {}", change.text);
    }
}

/// The report, as Markdown that a CHANGELOG entry can start from.
pub fn impact(old: &Value, new: &Value) -> String {
    let changes = changes(old, new);
    let mut out = String::from("## Impact on the crate (cargo xtask sync-spec)\n\n");
    let Some(release) = release(&changes) else {
        out.push_str("No change to operations, fields, enum values or bounds.\n");
        return out;
    };
    let _ = writeln!(
        out,
        "{} change(s); the release they need: **{release}**.\n",
        changes.len()
    );
    bullets(&changes, &mut out);
    out
}

/// The CHANGELOG entry of a spec change (`None` when users see no change): a heading with
/// the date, the source and the release it needs, then one tagged line per change.
pub fn changelog_entry(old: &Value, new: &Value, date: &str, source: &str) -> Option<String> {
    let changes = changes(old, new);
    let release = release(&changes)?;
    let mut out =
        format!("### Spec sync of {date} (`cargo xtask sync-spec {source}`): {release}\n\n");
    bullets(&changes, &mut out);
    out.push('\n');
    Some(out)
}

/// `changelog` with `entry` as the first section of its `## [Unreleased]` part (which is
/// added when missing).
pub fn with_changelog_entry(changelog: &str, entry: &str) -> String {
    const UNRELEASED: &str = "## [Unreleased]";
    let Some(at) = changelog.find(UNRELEASED) else {
        let at = changelog.find("\n## ").map_or(changelog.len(), |i| i + 1);
        return format!(
            "{}{UNRELEASED}\n\n{entry}{}",
            &changelog[..at],
            &changelog[at..]
        );
    };
    let body = at + UNRELEASED.len();
    // Before the first section of the Unreleased part (or before the next release).
    let next = [
        changelog[body..].find("\n### "),
        changelog[body..].find("\n## "),
    ]
    .into_iter()
    .flatten()
    .min()
    .map_or(changelog.len(), |i| body + i + 1);
    format!("{}{entry}{}", &changelog[..next], &changelog[next..])
}

fn item(facts: &FieldFacts) -> String {
    if facts.request {
        let path: Vec<&str> = facts.field.split('.').collect();
        format!(
            "setter `{}::{}`",
            facts.builder,
            setter(&path).unwrap_or_else(|why| format!("(none: {why})"))
        )
    } else {
        let name = facts.field.rsplit('.').next().unwrap_or(&facts.field);
        format!("field `{}::{}`", facts.owner, ident(name))
    }
}

/// The variant name of each enum value (value to name), as the build names them.
fn variants(facts: &FieldFacts) -> Result<BTreeMap<String, String>, String> {
    if facts.enum_values.is_empty() {
        return Ok(BTreeMap::new());
    }
    let values: Vec<&str> = facts.enum_values.iter().map(String::as_str).collect();
    let names = variant_names(&facts.enum_type, &values, &facts.enum_varnames)?;
    Ok(facts.enum_values.iter().cloned().zip(names).collect())
}

fn variant_of(names: &Result<BTreeMap<String, String>, String>, value: &str) -> String {
    names
        .as_ref()
        .ok()
        .and_then(|names| names.get(value).cloned())
        .unwrap_or_else(|| "(none until the overlay names it)".to_string())
}

fn where_(key: &str) -> &str {
    key.split_once(' ').map(|(_, rest)| rest).unwrap_or(key)
}

fn added(key: &str, fact: &Fact, new_builders: &[String]) -> Change {
    match fact {
        Fact::Operation { method, path } => Change {
            semver: Semver::Minor,
            text: format!(
                "operation `{}` ({method} {path}) added: `Client::{}` and its builder `{}`",
                where_(key),
                where_(key),
                pascal(where_(key))
            ),
        },
        Fact::Answer { .. } => unreachable!("answers are compared, never added"),
        Fact::Parameter { location, required } => Change {
            semver: if *required && !new_builders.contains(&pascal(first_word(where_(key)))) {
                Semver::Major
            } else {
                Semver::Minor
            },
            text: format!(
                "{} {location} parameter `{}` added",
                if *required { "required" } else { "optional" },
                where_(key)
            ),
        },
        Fact::Field(f) if f.request && new_builders.contains(&f.builder) => Change {
            semver: Semver::Minor,
            text: format!(
                "request field `{}` of the new operation: {}",
                where_(key),
                item(f)
            ),
        },
        Fact::Field(f) if f.request => Change {
            semver: if f.required {
                Semver::Major
            } else {
                Semver::Minor
            },
            text: format!(
                "request field `{}` added{}: {}",
                where_(key),
                if f.required {
                    " as required (calls without it are now refused)"
                } else {
                    ""
                },
                item(f)
            ),
        },
        Fact::Field(f) => Change {
            semver: Semver::Minor,
            text: format!(
                "response field `{}` added: {} ({}; the type is #[non_exhaustive])",
                where_(key),
                item(f),
                if f.required { "required" } else { "optional" }
            ),
        },
    }
}

fn removed(key: &str, fact: &Fact) -> Change {
    Change {
        semver: Semver::Major,
        text: match fact {
            Fact::Operation { .. } => format!(
                "operation `{}` removed: `Client::{}` and its builder go",
                where_(key),
                where_(key)
            ),
            Fact::Answer { .. } => unreachable!("answers are compared, never removed"),
            Fact::Parameter { location, .. } => {
                format!("{location} parameter `{}` removed", where_(key))
            }
            Fact::Field(f) => format!(
                "{} field `{}` removed: {} goes",
                if f.request { "request" } else { "response" },
                where_(key),
                item(f)
            ),
        },
    }
}

/// The first word of a key's place (`update_dns_settings` of `update_dns_settings page`).
fn first_word(place: &str) -> &str {
    place.split(' ').next().unwrap_or(place)
}

fn changed(key: &str, old: &Fact, new: &Fact) -> Vec<Change> {
    match (old, new) {
        (
            Fact::Answer {
                status: s1,
                body: b1,
            },
            Fact::Answer {
                status: s2,
                body: b2,
            },
        ) => {
            let mut out = Vec::new();
            if s1 != s2 {
                // The client takes the one 2xx an operation declares, whichever it is.
                out.push(Change {
                    semver: Semver::Patch,
                    text: format!("operation `{}` answers {s2} instead of {s1}", where_(key)),
                });
            }
            if b1 != b2 {
                out.push(Change {
                    semver: Semver::Major,
                    text: format!(
                        "operation `{}`'s success body is {b2} instead of {b1}: what `send` returns changes",
                        where_(key)
                    ),
                });
            }
            return out;
        }
        (Fact::Parameter { location, .. }, Fact::Parameter { required, .. }) => {
            return vec![Change {
                semver: if *required {
                    Semver::Major
                } else {
                    Semver::Minor
                },
                text: format!(
                    "{location} parameter `{}` is now {}",
                    where_(key),
                    if *required { "required" } else { "optional" }
                ),
            }];
        }
        _ => {}
    }
    let (Fact::Field(a), Fact::Field(b)) = (old, new) else {
        if let (
            Fact::Operation {
                method: m1,
                path: p1,
            },
            Fact::Operation {
                method: m2,
                path: p2,
            },
        ) = (old, new)
            && m1 == m2
            && crate::slice::operation_key(m1, p1) == crate::slice::operation_key(m2, p2)
        {
            // Path parameters are positional arguments: a new name breaks nobody.
            return vec![Change {
                semver: Semver::Patch,
                text: format!(
                    "operation `{}` path parameters renamed: {p1} → {p2}",
                    where_(key)
                ),
            }];
        }
        return vec![Change {
            semver: Semver::Major,
            text: format!("operation `{}` moved: {old:?} → {new:?}", where_(key)),
        }];
    };
    let at = where_(key);
    let mut out = Vec::new();
    let mut push = |semver, text: String| out.push(Change { semver, text });
    if a.type_ != b.type_ {
        push(
            Semver::Major,
            format!(
                "`{at}` type {} → {}: {} changes type",
                a.type_,
                b.type_,
                item(b)
            ),
        );
    }
    if a.required != b.required {
        let text = match (b.request, b.required) {
            (true, true) => {
                format!("request field `{at}` is now required: calls without it are refused")
            }
            (true, false) => format!("request field `{at}` is now optional"),
            (false, true) => format!(
                "response field `{at}` is now required: {} changes from Option<T> to T",
                item(b)
            ),
            (false, false) => format!(
                "response field `{at}` is now optional: {} changes from T to Option<T>",
                item(b)
            ),
        };
        let semver = if b.request && !b.required {
            Semver::Minor
        } else {
            Semver::Major
        };
        push(semver, text);
    }
    if a.nullable != b.nullable {
        let semver = if b.request == b.nullable {
            Semver::Minor
        } else {
            Semver::Major
        };
        push(
            semver,
            format!("`{at}` nullable {} → {}", a.nullable, b.nullable),
        );
    }
    if a.deprecated != b.deprecated {
        push(
            Semver::Minor,
            format!(
                "`{at}` deprecated {} → {}: {} {}",
                a.deprecated,
                b.deprecated,
                item(b),
                if b.deprecated {
                    "warns"
                } else {
                    "no longer warns"
                }
            ),
        );
    }
    let (names_a, names_b) = (variants(a), variants(b));
    if let Err(why) = &names_b {
        push(Semver::Major, format!("`{at}`: the build will fail: {why}"));
    }
    for value in b.enum_values.iter().filter(|v| !a.enum_values.contains(v)) {
        push(
            Semver::Minor,
            format!(
                "`{at}` gains the value {value:?}: variant `{}::{}` (the enum is #[non_exhaustive]; a value that decoded as `Unknown({value:?})` now decodes as the variant)",
                b.enum_type,
                variant_of(&names_b, value)
            ),
        );
    }
    if a.enum_varnames != b.enum_varnames {
        push(
            Semver::Patch,
            format!(
                "`{at}`: the overlay names values ({ENUM_VARNAMES}) {:?} → {:?}",
                a.enum_varnames, b.enum_varnames
            ),
        );
    }
    if let (Ok(names_a), Ok(names_b)) = (&names_a, &names_b) {
        for (value, old) in names_a {
            if let Some(new) = names_b.get(value).filter(|new| *new != old) {
                push(
                    Semver::Major,
                    format!(
                        "`{at}`: the variant of {value:?} is renamed `{}::{old}` → `{}::{new}` (x-enum-varnames)",
                        a.enum_type, b.enum_type
                    ),
                );
            }
        }
    }
    for value in a.enum_values.iter().filter(|v| !b.enum_values.contains(v)) {
        push(
            Semver::Major,
            format!(
                "`{at}` loses the value {value:?}: variant `{}::{}` goes",
                a.enum_type,
                variant_of(&names_a, value)
            ),
        );
    }
    if a.string_rules != b.string_rules {
        let show = |rules: &[String]| {
            if rules.is_empty() {
                "none".to_string()
            } else {
                rules.join(", ")
            }
        };
        // In a request, a new or different rule can refuse values once accepted; one that
        // goes accepts more. A response field is a `String` whatever its rules.
        let stricter = b
            .string_rules
            .iter()
            .any(|rule| !a.string_rules.contains(rule));
        let semver = match (b.request, stricter) {
            (true, true) => Semver::Major,
            (true, false) => Semver::Minor,
            (false, _) => Semver::Patch,
        };
        push(
            semver,
            format!(
                "`{at}` string rules {} → {}{}",
                show(&a.string_rules),
                show(&b.string_rules),
                match (b.request, stricter) {
                    (true, true) => ": values once accepted may be refused before sending",
                    (true, false) => "",
                    (false, _) => " (still a String; nothing is checked in a response)",
                }
            ),
        );
    }
    let bounds = [
        ("minimum", a.minimum, b.minimum, true),
        ("maximum", a.maximum, b.maximum, false),
        (
            "minLength",
            a.min_length.map(|v| v as f64),
            b.min_length.map(|v| v as f64),
            true,
        ),
        (
            "maxLength",
            a.max_length.map(|v| v as f64),
            b.max_length.map(|v| v as f64),
            false,
        ),
    ];
    for (name, before, after, lower) in bounds {
        if before == after {
            continue;
        }
        let show = |v: Option<f64>| {
            v.map(|v| v.to_string())
                .unwrap_or_else(|| "none".to_string())
        };
        // Wider for a request: values once refused are accepted. Narrower: values once
        // accepted are refused before sending.
        let wider = match (before, after) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(x), Some(y)) => {
                if lower {
                    y < x
                } else {
                    y > x
                }
            }
        };
        let semver = if !b.request || wider {
            Semver::Minor
        } else {
            Semver::Major
        };
        push(
            semver,
            format!(
                "`{at}` {name} {} → {}{}",
                show(before),
                show(after),
                if b.request && !wider {
                    ": values once accepted are now refused before sending"
                } else {
                    ""
                }
            ),
        );
    }
    if out.is_empty() {
        // Only what the report does not classify (a description) changed.
        let what = if a.enum_type != b.enum_type {
            format!(
                "its enum type is now `{}` (was `{}`)",
                b.enum_type, a.enum_type
            )
        } else {
            "documentation changed".to_string()
        };
        out.push(Change {
            semver: Semver::Patch,
            text: format!("`{at}` {what}"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fragment(soa: Value, required: Value) -> Value {
        json!({
            "paths": {"/a/{id}/s": {
                "patch": {"operationId": "update_s",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/up"}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/env"}}}}}}
            }},
            "components": {"schemas": {
                "up": {"type": "object", "properties": {"soa": soa.clone()}},
                "env": {"type": "object", "properties": {"result": {"$ref": "#/components/schemas/res"}}},
                "res": {"x-rust-name": "Res", "type": "object", "required": required, "properties": {"soa": soa}}
            }}
        })
    }

    #[test]
    fn kinds_of_change_are_classified() {
        let old = fragment(
            json!({"type": "object", "properties": {"ttl": {"type": "integer", "minimum": 300, "maximum": 86400}, "mode": {"type": "string", "enum": ["a"]}}}),
            json!(["soa"]),
        );
        let new = fragment(
            json!({"type": "object", "properties": {"ttl": {"type": "integer", "minimum": 60, "maximum": 86400}, "mode": {"type": "string", "enum": ["a", "b"]}, "new": {"type": "boolean"}}}),
            json!([]),
        );
        let report = impact(&old, &new);
        assert!(report.contains("**major"), "{report}");
        assert!(
            report.contains("[breaking] response field `Res.soa` is now optional"),
            "{report}"
        );
        assert!(
            report.contains(
                "[addition] request field `update_s soa.new` added: setter `UpdateS::soa_new`"
            ),
            "{report}"
        );
        assert!(report.contains("gains the value \"b\""), "{report}");
        assert!(
            report.contains("`update_s soa.ttl` minimum 300 → 60"),
            "{report}"
        );
        assert_eq!(
            impact(&new, &new).lines().nth(2),
            Some("No change to operations, fields, enum values or bounds.")
        );
    }
}
