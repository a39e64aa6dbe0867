//! The files `sync-spec` reads and writes, and the sync itself.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::operation_list::{self, Style};
use crate::{overlay, report, slice, spec};

pub const COVERED: &str = "openapi/covered-operations.json";
pub const UPSTREAM: &str = "openapi/upstream/cloudflare-openapi.json";
pub const SOURCE: &str = "openapi/upstream/SOURCE.json";
pub const OVERLAY: &str = "openapi/overlay.yaml";
pub const FRAGMENT: &str = "openapi/cloudflare-account-dns.json";
pub const README: &str = "README.md";
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The repository: the folder above xtask/.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ sits in the repository")
        .to_path_buf()
}

/// What a sync did (or, with `check`, would do).
pub struct Outcome {
    /// Files whose content changes.
    pub changed: Vec<String>,
    pub report: String,
}

/// Slices `input`, applies the overlay, and writes (unless `check`) the upstream slice, its
/// source record and the fragment.
pub fn sync(root: &Path, input: &Path, source: &str, check: bool) -> Result<Outcome, String> {
    let covered = spec::read(&root.join(COVERED))?;
    let covered: Vec<String> = covered["operations"]
        .as_array()
        .ok_or(format!("{COVERED} has no operations list"))?
        .iter()
        .map(|op| {
            op.as_str()
                .map(|s| {
                    let (method, path) = s.split_once(' ').unwrap_or(("", s));
                    slice::operation_key(method, path)
                })
                .ok_or(format!("{COVERED}: {op} is not a string"))
        })
        .collect::<Result<_, _>>()?;
    let schema = spec::read(input)?;
    let sliced = slice::slice(&schema, &covered)?;
    let overlay_text = std::fs::read_to_string(root.join(OVERLAY))
        .map_err(|e| format!("cannot read {OVERLAY}: {e}"))?;
    let overlay = overlay::parse(&overlay_text)?;
    let fragment = overlay::apply(&overlay, &sliced)?;

    let previous_fragment = std::fs::read_to_string(root.join(FRAGMENT)).unwrap_or_default();
    let previous: Value = spec::parse(&previous_fragment).unwrap_or(Value::Null);
    let report = report::impact(&previous, &fragment);

    let mut writes = vec![
        (UPSTREAM, spec::to_text(&sliced)),
        (FRAGMENT, spec::to_text(&fragment)),
    ];
    let upstream_changed = read(root, UPSTREAM) != writes[0].1;
    if upstream_changed {
        // Where and when the slice was taken: rewritten only when the slice changes, so that
        // a sync of the same schema changes nothing.
        let record = json!({
            "description": "Where and when openapi/upstream/cloudflare-openapi.json was taken. It is a verbatim slice of Cloudflare's published OpenAPI schema (https://github.com/cloudflare/api-schemas, openapi.json), made by `cargo xtask sync-spec`: the operations of openapi/covered-operations.json with every component they reference, values as published, object keys sorted. Copyright (c) 2022, Cloudflare; BSD 3-Clause licence, see LICENSE beside it.",
            "source": source,
            "taken": today(),
        });
        writes.push((SOURCE, spec::to_text(&record)));
    }
    // The README's list of operations, between its markers (a README without them is left
    // alone).
    let list = operation_list::markdown(&fragment, Style::Readme);
    if let Some(readme) = operation_list::in_readme(&read(root, README), &list) {
        writes.push((README, readme));
    }
    // A CHANGELOG entry per spec change that users see, written when the fragment changes
    // (so a second run of the same sync adds nothing).
    let fragment_text = spec::to_text(&fragment);
    if read(root, FRAGMENT) != fragment_text
        && let Some(entry) = report::changelog_entry(&previous, &fragment, &today(), source)
    {
        writes.push((
            CHANGELOG,
            report::with_changelog_entry(&read(root, CHANGELOG), &entry),
        ));
    }
    let changed: Vec<String> = writes
        .iter()
        .filter(|(path, text)| read(root, path) != *text)
        .map(|(path, _)| path.to_string())
        .collect();
    if !check {
        for (path, text) in &writes {
            if changed.iter().any(|c| c == path) {
                let full = root.join(path);
                if let Some(dir) = full.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
                std::fs::write(&full, text).map_err(|e| format!("cannot write {path}: {e}"))?;
            }
        }
    }
    let mut report = report;
    report.push_str(&format!(
        "\n{}: {}\n",
        if check {
            "Files that would change"
        } else {
            "Files written"
        },
        if changed.is_empty() {
            "none".to_string()
        } else {
            changed.join(", ")
        }
    ));
    if !changed.is_empty() && !check {
        report.push_str(
            "Next: `cargo build`, then review the generated code in the snapshot diff \
             (`INSTA_UPDATE=always cargo test --all-features; git diff tests/snapshots/`); \
             the changes above are in CHANGELOG.md's Unreleased section, to edit into prose.\n",
        );
    }
    Ok(Outcome { changed, report })
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_default()
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
