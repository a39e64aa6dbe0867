//! Results on stdout: text for people, or one JSON document that says where it ran.

use serde_json::Value;

use super::exit::Failure;

/// Where results go.
pub struct Output {
    pub json: bool,
    /// `fake`, the base URL, or `None` before the client is made.
    pub target: Option<String>,
}

impl Output {
    /// Text for people (nothing with `--json`).
    pub fn text(&mut self, text: &str) {
        if !self.json {
            print!("{text}");
        }
    }

    /// The JSON result (nothing without `--json`), with where it ran.
    pub fn json(&mut self, mut value: Value) {
        if !self.json {
            return;
        }
        if let Value::Object(map) = &mut value {
            map.insert("fake".into(), Value::Bool(self.is_fake()));
            if let Some(target) = &self.target {
                map.insert("target".into(), Value::String(target.clone()));
            }
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("JSON values serialize")
        );
    }

    fn is_fake(&self) -> bool {
        self.target.as_deref() == Some("fake")
    }

    /// An error: on stderr, and as JSON on stdout with `--json`.
    pub fn failure(&mut self, failure: &Failure) {
        eprintln!("cloudflare-account-dns: {failure}");
        self.json(serde_json::json!({ "error": failure.to_json(), "exit_code": failure.code }));
    }
}

/// Every line of a text with the account's label in front, when it has one.
pub fn prefixed(label: Option<&str>, text: &str) -> String {
    match label {
        None => text.to_string(),
        Some(label) => text
            .lines()
            .map(|line| format!("[{label}] {line}\n"))
            .collect(),
    }
}
