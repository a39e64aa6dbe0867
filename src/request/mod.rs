//! What every generated request builder shares: the JSON body it assembles, and the checks
//! it runs before anything is sent, against the fragment's schema table ([`schema`]).

use serde_json::{Map, Value};

use crate::core::error::{Error, InvalidArgument, Result};
pub(crate) mod formats;
pub(crate) mod schema;

use self::schema::{Operation, Side};

/// A request body as the builder's setters assemble it: exactly the fields that were set,
/// an explicit `null` where one was asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Body {
    map: Map<String, Value>,
    /// The first value that could not become JSON, reported by `check`: `(field, why)`.
    error: Option<(String, String)>,
    /// Whether enum values that the fragment does not list may be sent (values newer than
    /// the crate), as the request asked.
    unknown_values: bool,
    /// Whether a person typed it in a file (a declared state): a field the fragment does not
    /// know is then a typo, refused.
    typed: bool,
}

/// A value as JSON, or why it cannot be.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(
    value: &T,
) -> std::result::Result<Value, serde_json::Error> {
    serde_json::to_value(value)
}

impl Body {
    /// A body holding exactly this JSON object.
    pub(crate) fn from_map(map: Map<String, Value>) -> Self {
        Self {
            map,
            ..Self::default()
        }
    }

    /// Sets the field at `path`, creating the objects on the way.
    pub(crate) fn set(
        &mut self,
        path: &[&str],
        value: std::result::Result<Value, serde_json::Error>,
    ) {
        let value = match value {
            Ok(value) => value,
            Err(error) => {
                self.error.get_or_insert_with(|| {
                    (path.join("."), format!("cannot be sent as JSON: {error}"))
                });
                return;
            }
        };
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut map = &mut self.map;
        for parent in parents {
            let entry = map
                .entry(parent.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            map = entry.as_object_mut().expect("made an object above");
        }
        map.insert(last.to_string(), value);
    }

    /// Sets the field at a dotted path such as `zone_defaults.soa.ttl`.
    pub(crate) fn set_dotted(
        &mut self,
        path: &str,
        value: std::result::Result<Value, serde_json::Error>,
    ) {
        let parts: Vec<&str> = path.split('.').collect();
        if parts.iter().any(|part| part.is_empty()) {
            self.error.get_or_insert_with(|| {
                (
                    path.to_string(),
                    "is not a field path (write names separated by single dots, such as `zone_defaults.soa.ttl`)"
                        .to_string(),
                )
            });
            return;
        }
        self.set(&parts, value);
    }

    /// Leaves the field at `path` out, and any object that it leaves empty.
    pub(crate) fn remove(&mut self, path: &[&str]) {
        fn remove_in(map: &mut Map<String, Value>, path: &[&str]) {
            match path {
                [] => {}
                [last] => {
                    map.remove(*last);
                }
                [first, rest @ ..] => {
                    if let Some(Value::Object(inner)) = map.get_mut(*first) {
                        remove_in(inner, rest);
                        if inner.is_empty() {
                            map.remove(*first);
                        }
                    }
                }
            }
        }
        remove_in(&mut self.map, path);
    }

    /// Replaces the whole body with a value's JSON.
    pub(crate) fn replace<T: serde::Serialize>(&mut self, body: &T) {
        match serde_json::to_value(body) {
            Ok(Value::Object(map)) => self.map = map,
            Ok(other) => {
                self.error = Some((
                    "body".into(),
                    format!("must be a JSON object (got {other})"),
                ));
            }
            Err(error) => {
                self.error = Some(("body".into(), format!("cannot be sent as JSON: {error}")));
            }
        }
    }

    /// A body a person typed in a file: fields the fragment does not know are refused.
    pub(crate) fn typed(mut self) -> Self {
        self.typed = true;
        self
    }

    /// Lets enum values that the fragment does not list through the checks.
    pub(crate) fn allow_unknown_values(&mut self) {
        self.unknown_values = true;
    }

    /// Writes whole numbers given as floats (`3600.0`, from `set_field` or a typed body)
    /// as integers where the schema says integer, so that the wire carries `3600`.
    pub(crate) fn integers(&mut self, schema: Option<&schema::Schema>) {
        if let Some(schema) = schema {
            for (key, value) in self.map.iter_mut() {
                schema::integers_in(schema, key, value);
            }
        }
    }

    /// The body as JSON.
    pub(crate) fn to_value(&self) -> Value {
        Value::Object(self.map.clone())
    }

    /// The body's JSON object, for the generated client.
    pub(crate) fn into_map(self) -> Map<String, Value> {
        self.map
    }
}

/// Checks a request's path parameters and body against the operation's schemas: the first
/// problem becomes [`Error::InvalidArgument`] naming the field's path.
pub(crate) fn check(op: &Operation, params: &[&str], body: Option<&Body>) -> Result<()> {
    for (param, value) in op.params.iter().zip(params) {
        let mut problems = Vec::new();
        schema::check_str(
            param.schema,
            value,
            Side::Client {
                unknown_values: false,
            },
            &mut problems,
        );
        first_problem(problems, param.name)?;
        path_segment(param, value)?;
    }
    if let Some(body) = body {
        if let Some((field, rule)) = &body.error {
            return Err(InvalidArgument::new(field.clone(), rule.clone()).into());
        }
        if let Some(schema) = op.body {
            let mut problems = Vec::new();
            let side = if body.typed {
                Side::Typed
            } else {
                Side::Client {
                    unknown_values: body.unknown_values,
                }
            };
            schema::check_object(schema, &body.map, side, &mut problems);
            first_problem(problems, "body")?;
        }
    }
    Ok(())
}

/// What a request builder checks before sending: [`check`], and then what Cloudflare is
/// known to refuse although the schema allows it (the overlay's `x-known-refusals`, with
/// their evidence there), so that a call that would only fail is not sent. A declared state
/// is checked by [`check`] alone: its plan reports a known refusal and goes on without it.
pub(crate) fn check_call(op: &Operation, params: &[&str], body: Option<&Body>) -> Result<()> {
    check(op, params, body)?;
    if let (Some(body), Some(schema)) = (body, op.body) {
        warn_deprecated(op, schema, &body.map);
    }
    if let Some(body) = body
        && let Some(refusal) = schema::KNOWN_REFUSALS
            .iter()
            .find(|r| r.operation == op.id && r.refuses(&body.map))
    {
        return Err(InvalidArgument::new(
            refusal.field,
            format!(
                "Cloudflare refuses {} here (code {}: {}); nothing was sent",
                refusal.value, refusal.code, refusal.message
            ),
        )
        .into());
    }
    Ok(())
}

/// Logs a warning for each field of a request body that Cloudflare deprecated, however it
/// was set (a setter, which is also `#[deprecated]`; a whole body through `.body()`;
/// `set_field`): the field still goes out, as asked.
fn warn_deprecated(op: &Operation, schema: &schema::Schema, body: &Map<String, Value>) {
    let mut found = Vec::new();
    schema::deprecated_fields(schema, body, "", &mut found);
    for (field, note) in found {
        tracing::warn!(
            operation = op.id,
            field = field.as_str(),
            "the request sets `{field}`, which Cloudflare deprecated{}{note}",
            if note.is_empty() { "" } else { ": " },
        );
    }
}

/// The first problem found, as [`Error::InvalidArgument`] naming the field under `root`.
fn first_problem(problems: Vec<schema::Problem>, root: &str) -> Result<()> {
    match problems.into_iter().next() {
        None => Ok(()),
        Some(problem) => {
            let field = if root == "body" {
                problem.dotted(root)
            } else if problem.path.is_empty() {
                root.to_string()
            } else {
                format!("{root}.{}", problem.path.join("."))
            };
            Err(Error::InvalidArgument(InvalidArgument::new(
                field,
                problem.rule,
            )))
        }
    }
}

/// What the schema cannot say about a path parameter: it must stay one path segment. A
/// parameter without a format is limited to ASCII letters, digits, `-` and `_`, so that `..`,
/// `/`, `%2F`, `?`, `#` and spaces can never change the request's path; a format whose
/// rule keeps it to one segment (a hostname, an address) needs no more.
fn path_segment(param: &schema::Param, value: &str) -> Result<()> {
    let one_segment = matches!(
        &param.schema.kind,
        schema::Kind::String {
            format: Some(format),
            ..
        } if format.one_segment
    );
    if one_segment {
        return Ok(());
    }
    let field = param.name;
    if value.is_empty() {
        return Err(InvalidArgument::new(field, "must not be empty").into());
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        let example = param
            .schema
            .example
            .and_then(|e| serde_json::from_str::<String>(e).ok())
            .map(|e| format!("; for example {e}"))
            .unwrap_or_default();
        return Err(InvalidArgument::new(
            field,
            format!(
                "may hold only ASCII letters, digits, '-' and '_' (found {}){example}",
                schema::escape_char(bad)
            ),
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_and_remove_keep_only_what_was_set() {
        let mut body = Body::default();
        body.set(&["a", "b", "c"], Ok(json!(1)));
        body.set(&["a", "d"], Ok(json!(null)));
        assert_eq!(body.to_value(), json!({"a": {"b": {"c": 1}, "d": null}}));
        body.remove(&["a", "b", "c"]);
        assert_eq!(body.to_value(), json!({"a": {"d": null}}));
        body.remove(&["a", "d"]);
        assert_eq!(body.to_value(), json!({}));
    }

    #[test]
    fn a_dotted_path_must_name_fields() {
        let mut body = Body::default();
        body.set_dotted("a..b", Ok(json!(1)));
        assert_eq!(body.error.unwrap().0, "a..b");
    }
}
