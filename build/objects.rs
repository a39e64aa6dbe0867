//! One rule for every object, written inline or named: a field the schema does not name is
//! admitted unless the schema closes the object (`additionalProperties: false`, which only
//! the overlay may declare, with its reason). The request checks and the fake read
//! `additionalProperties` from the schema table (`build/schema_table.rs`); here, the types
//! progenitor generates get the same rule: each public object keeps such fields in `extra`
//! (named objects got it from the overlay, inline ones dropped them).

use serde_json::{Value, json};

use crate::api::Api;

impl Api {
    /// Opens every public object type of the spec progenitor sees that does not say
    /// otherwise, so that fields newer than the crate are kept in `extra`.
    pub(crate) fn open_objects(&self, spec: &mut Value) {
        let public = self.public_types();
        let Some(schemas) = spec
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        for (name, schema) in schemas.iter_mut() {
            let object = schema.get("properties").is_some();
            if public.contains(name) && object && schema.get("additionalProperties").is_none() {
                schema["additionalProperties"] = json!({});
            }
        }
    }
}
