//! Applying `openapi/overlay.yaml` to the upstream slice.

use roas_overlay::apply::{Apply, ApplyErrorKind, ApplyOptions};
use roas_overlay::v1_0::Overlay;
use serde_json::Value;

/// The kinds an action's description starts with: why the crate departs from upstream.
pub const KINDS: &[&str] = &["Generator need", "Wire fact", "Crate choice"];

/// Reads and checks an overlay: Overlay 1.0, and every action says which kind of departure
/// it is.
pub fn parse(text: &str) -> Result<Overlay, String> {
    let value = crate::spec::parse(text).map_err(|e| format!("openapi/overlay.yaml: {e}"))?;
    let overlay: Overlay = serde_json::from_value(value)
        .map_err(|e| format!("openapi/overlay.yaml is not an Overlay 1.0 document: {e}"))?;
    for (index, action) in overlay.actions.iter().enumerate() {
        let description = action.description.as_deref().unwrap_or("");
        if !KINDS.iter().any(|kind| description.starts_with(kind)) {
            return Err(format!(
                "openapi/overlay.yaml: action {index} (target {}) must say why it departs from \
                 upstream: its description starts with one of {KINDS:?}",
                action.target
            ));
        }
    }
    Ok(overlay)
}

/// Applies the overlay; an action whose target matches nothing fails, named by its index,
/// target and the first words of its description.
pub fn apply(overlay: &Overlay, slice: &Value) -> Result<Value, String> {
    let mut fragment = slice.clone();
    overlay
        .apply(&mut fragment, ApplyOptions::ErrorOnZeroMatch.into())
        .map_err(|e| {
            let action = &overlay.actions[e.action_index];
            let what = action
                .description
                .as_deref()
                .unwrap_or("")
                .split(". ")
                .next()
                .unwrap_or("");
            match e.kind {
                ApplyErrorKind::ZeroMatch => format!(
                    "overlay action {} no longer matches anything upstream: target {}\n  ({what}.)\n  \
                     Upstream changed what this action departs from: read the change, then \
                     update or remove the action in openapi/overlay.yaml.",
                    e.action_index, e.target
                ),
                other => format!(
                    "overlay action {} (target {}) cannot be applied: {other}\n  ({what}.)",
                    e.action_index, e.target
                ),
            }
        })?;
    Ok(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const OVERLAY: &str = r#"
overlay: 1.0.0
info: {title: t, version: "1"}
actions:
  - target: $.components.schemas.Gone
    description: "Wire fact: something about Gone."
    update: {x-note: 1}
"#;

    #[test]
    fn a_vanished_target_fails_and_names_the_action() {
        let overlay = parse(OVERLAY).unwrap();
        let err = apply(&overlay, &json!({"components": {"schemas": {}}})).unwrap_err();
        assert!(err.contains("overlay action 0"), "{err}");
        assert!(err.contains("$.components.schemas.Gone"), "{err}");
        assert!(err.contains("Wire fact: something about Gone"), "{err}");
    }

    #[test]
    fn an_action_without_a_kind_is_refused() {
        let text = OVERLAY.replace("Wire fact: something", "Something");
        let err = parse(&text).unwrap_err();
        assert!(err.contains("must say why"), "{err}");
    }
}
