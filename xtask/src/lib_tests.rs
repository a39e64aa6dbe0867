//! The sync on synthetic schemas: Cloudflare's slice inside a larger schema (JSON and
//! YAML), and one spec change of each kind, each applied to a copy of the repository's
//! openapi/ folder.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::files::{self, CHANGELOG, COVERED, FRAGMENT, README, UPSTREAM};
use crate::spec;

/// A scratch copy of the repository's openapi/ folder.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("xtask-sync-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let from = files::repository_root().join("openapi");
        copy_dir(&from, &root.join("openapi"));
        for file in [README, CHANGELOG] {
            std::fs::copy(files::repository_root().join(file), root.join(file)).unwrap();
        }
        Scratch { root }
    }

    fn upstream(&self) -> Value {
        spec::read(&self.root.join(UPSTREAM)).unwrap()
    }

    fn text(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap()
    }

    fn fragment(&self) -> Value {
        spec::read(&self.root.join(FRAGMENT)).unwrap()
    }

    /// Writes `schema` as the input file and syncs from it.
    fn sync(&self, schema: &Value, yaml: bool, check: bool) -> Result<files::Outcome, String> {
        let input = self
            .root
            .join(if yaml { "input.yaml" } else { "input.json" });
        let text = if yaml {
            serde_yaml_ng::to_string(schema).unwrap()
        } else {
            spec::to_text(schema)
        };
        std::fs::write(&input, text).unwrap();
        files::sync(&self.root, &input, "a test", check)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The slice inside a larger schema: unrelated operations whose components share the
/// slice's name prefixes, more security schemes' users, tags.
fn larger(slice: &Value) -> Value {
    let mut schema = slice.clone();
    schema["tags"] = json!([{"name": "DNS Settings"}]);
    schema["paths"]["/accounts/{account_id}/dns_settings/views"] = json!({
        "get": {
            "operationId": "dns-views-list",
            "responses": {"200": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/dns-settings_views_response"
            }}}}}
        }
    });
    schema["paths"]["/zones/{zone_id}/dns_settings"] = json!({
        "patch": {
            "operationId": "dns-settings-for-a-zone-update",
            "requestBody": {"content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/dns-settings_dns-settings-account-patch_zone"
            }}}},
            "responses": {"200": {"description": "ok"}}
        }
    });
    let schemas = schema["components"]["schemas"].as_object_mut().unwrap();
    schemas.insert("dns-settings_views_response".into(), json!({"type": "object", "properties": {"result": {"$ref": "#/components/schemas/dns-settings_zone_mode_2"}}}));
    schemas.insert(
        "dns-settings_zone_mode_2".into(),
        json!({"type": "string", "enum": ["x"]}),
    );
    schemas.insert(
        "dns-settings_dns-settings-account-patch_zone".into(),
        json!({"type": "object"}),
    );
    schemas.insert(
        "dns-custom-nameservers_unused".into(),
        json!({"type": "string"}),
    );
    schema
}

#[test]
fn the_slice_inside_a_larger_schema_changes_nothing_as_json_and_as_yaml() {
    let scratch = Scratch::new("larger");
    let schema = larger(&scratch.upstream());
    for yaml in [false, true] {
        let outcome = scratch.sync(&schema, yaml, true).unwrap();
        assert!(
            outcome.changed.is_empty(),
            "yaml {yaml}: {:?}\n{}",
            outcome.changed,
            outcome.report
        );
        assert!(outcome.report.contains("No change"), "{}", outcome.report);
    }
}

#[test]
fn a_sync_run_twice_changes_nothing_the_second_time() {
    let scratch = Scratch::new("twice");
    let mut schema = scratch.upstream();
    schema["components"]["schemas"]["dns-settings_ns_ttl"]["maximum"] = json!(604800);
    let first = scratch.sync(&schema, false, false).unwrap();
    assert_eq!(
        first.changed.len(),
        4,
        "slice, its source, the fragment and the CHANGELOG: {:?}",
        first.changed
    );
    let second = scratch.sync(&schema, false, false).unwrap();
    assert!(second.changed.is_empty(), "{:?}", second.changed);
    assert_eq!(
        scratch.text(CHANGELOG).matches("### Spec sync of").count(),
        1
    );
}

#[test]
fn a_spec_change_gets_a_changelog_entry_in_the_unreleased_section() {
    let scratch = Scratch::new("changelog");
    let mut schema = scratch.upstream();
    schemas(&mut schema)["dns-custom-nameservers_CustomNS"]["required"] =
        json!(["dns_records", "ns_name", "status"]);
    let before = scratch.text(CHANGELOG);
    scratch.sync(&schema, false, false).unwrap();
    let after = scratch.text(CHANGELOG);
    let unreleased = after.find("## [Unreleased]").unwrap();
    let entry = after.find("### Spec sync of").expect(&after);
    assert!(entry > unreleased);
    let first_section = before[before.find("## [Unreleased]").unwrap()..]
        .find("\n### ")
        .unwrap();
    assert!(
        entry <= unreleased + first_section + 1,
        "the newest entry comes first"
    );
    let text = &after[entry..];
    assert!(
        text.contains("(`cargo xtask sync-spec a test`): major"),
        "{}",
        &text[..400]
    );
    // A required response field made optional is breaking: its type becomes `Option<T>`.
    assert!(
        text.contains("[breaking] response field `CustomNameserver.zone_tag` is now optional"),
        "{}",
        &text[..400]
    );
    assert!(after.ends_with(&before[unreleased + first_section + 1..]));
}

#[test]
fn a_new_operation_reaches_the_readme_list_and_a_stale_list_fails_the_check() {
    let scratch = Scratch::new("new-operation");
    let mut schema = scratch.upstream();
    let item = schema["paths"]["/accounts/{account_id}/dns_settings"]["get"].clone();
    let mut views = item.clone();
    views["operationId"] = json!("dns-settings-for-an-account-list-views");
    views["summary"] = json!("List Internal DNS Views");
    schema["paths"]["/accounts/{account_id}/dns_settings/views"] = json!({ "get": views });
    let mut covered = spec::read(&scratch.root.join(COVERED)).unwrap();
    covered["operations"]
        .as_array_mut()
        .unwrap()
        .push(json!("GET /accounts/{}/dns_settings/views"));
    std::fs::write(scratch.root.join(COVERED), spec::to_text(&covered)).unwrap();

    let check = scratch.sync(&schema, false, true).unwrap();
    assert!(
        check.changed.iter().any(|c| c == README),
        "{:?}",
        check.changed
    );
    let outcome = scratch.sync(&schema, false, false).unwrap();
    // Its `Client` method is named from its id alone; nothing else changes for users, not
    // even the documentation of the types it shares with other operations.
    assert!(
        outcome.report.contains(
            "[addition] operation `dns_settings_for_an_account_list_views` (GET \
             /accounts/{account_id}/dns_settings/views) added: \
             `Client::dns_settings_for_an_account_list_views`"
        ),
        "{}",
        outcome.report
    );
    assert!(outcome.report.contains("1 change(s)"), "{}", outcome.report);
    let readme = scratch.text(README);
    assert!(
        readme.contains("`GET /accounts/{account_id}/dns_settings/views`, List Internal DNS Views"),
        "{readme}"
    );
    assert!(scratch.text(CHANGELOG).contains("[addition] operation"));
}

/// One change to the upstream slice, synced; returns the report.
fn report_of(name: &str, change: impl FnOnce(&mut Value)) -> String {
    let scratch = Scratch::new(name);
    let mut schema = scratch.upstream();
    change(&mut schema);
    let outcome = scratch.sync(&schema, false, false).unwrap();
    assert!(
        outcome.changed.iter().any(|c| c == FRAGMENT),
        "{name}: {:?}",
        outcome.changed
    );
    outcome.report
}

fn schemas(schema: &mut Value) -> &mut Value {
    &mut schema["components"]["schemas"]
}

#[test]
fn a_field_added_is_an_addition_with_its_setter() {
    let report = report_of("added", |s| {
        schemas(s)["dns-settings_dns-settings-account-patch"]["properties"]["dnssec_default"] =
            json!({"type": "boolean"});
        schemas(s)["dns-settings_dns-settings-account-response"]["properties"]["dnssec_default"] =
            json!({"type": "boolean"});
    });
    assert!(report.contains("**minor"), "{report}");
    assert!(report.contains("[addition] request field `update_dns_settings zone_defaults.dnssec_default` added: setter `UpdateDnsSettings::zone_defaults_dnssec_default`"), "{report}");
    assert!(
        report.contains("[addition] response field `ZoneDefaults.dnssec_default` added"),
        "{report}"
    );
}

#[test]
fn a_field_removed_is_breaking() {
    let report = report_of("removed", |s| {
        let response = &mut schemas(s)["dns-settings_dns-settings-account-response"];
        response["properties"]
            .as_object_mut()
            .unwrap()
            .remove("multi_provider");
        let required = response["required"].as_array_mut().unwrap();
        required.retain(|r| r != "multi_provider");
    });
    assert!(report.contains("**major"), "{report}");
    assert!(report.contains("[breaking] response field `ZoneDefaults.multi_provider` removed: field `ZoneDefaults::multi_provider` goes"), "{report}");
}

#[test]
fn a_field_made_required_is_breaking() {
    let report = report_of("required", |s| {
        schemas(s)["dns-custom-nameservers_CustomNSInput"]["required"] =
            json!(["ns_name", "ns_set"]);
        schemas(s)["dns-custom-nameservers_CustomNS"]["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("ns_set"));
    });
    assert!(
        report.contains("[breaking] request field `add_custom_nameserver ns_set` is now required"),
        "{report}"
    );
    assert!(report.contains("[breaking] response field `CustomNameserver.ns_set` is now required: field `CustomNameserver::ns_set` changes from Option<T> to T"), "{report}");
}

#[test]
fn an_enum_value_added_is_an_addition_with_its_variant() {
    let report = report_of("enum", |s| {
        schemas(s)["dns-settings_zone_mode"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("dns_only.v2"));
    });
    assert!(
        report.contains("gains the value \"dns_only.v2\": variant `ZoneMode::DnsOnlyV2`"),
        "{report}"
    );
    assert!(!report.contains("[breaking]"), "{report}");
}

#[test]
fn a_bound_widened_is_an_addition_and_narrowed_is_breaking() {
    let report = report_of("bounds", |s| {
        schemas(s)["dns-settings_ns_ttl"]["minimum"] = json!(1);
        schemas(s)["dns-settings_soa-base"]["properties"]["ttl"]["maximum"] = json!(3600);
    });
    assert!(
        report.contains("[addition] `update_dns_settings zone_defaults.ns_ttl` minimum 30 → 1"),
        "{report}"
    );
    assert!(report.contains("[breaking] `update_dns_settings zone_defaults.soa.ttl` maximum 86400 → 3600: values once accepted are now refused before sending"), "{report}");
}

#[test]
fn an_overlay_target_that_vanished_fails_the_sync_and_names_the_action() {
    let scratch = Scratch::new("vanished");
    let mut schema = scratch.upstream();
    // Upstream drops the field the 1011 refusal is about.
    schemas(&mut schema)["dns-settings_dns-settings-account-patch"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("flatten_all_cnames");
    let err = scratch
        .sync(&schema, false, false)
        .err()
        .expect("the sync fails");
    assert!(err.contains("no longer matches anything upstream"), "{err}");
    assert!(err.contains("flatten_all_cnames"), "{err}");
    assert!(
        err.contains("Wire fact: Cloudflare refuses an account-level CNAME flattening default"),
        "{err}"
    );
    // Nothing was written.
    assert_eq!(
        scratch.fragment(),
        spec::read(&files::repository_root().join(FRAGMENT)).unwrap()
    );
}

#[test]
fn a_missing_operation_fails_the_sync() {
    let scratch = Scratch::new("missing");
    let mut schema = scratch.upstream();
    schema["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/accounts/{account_id}/dns_settings");
    let err = scratch
        .sync(&schema, false, true)
        .err()
        .expect("the sync fails");
    assert!(err.contains("GET /accounts/{}/dns_settings"), "{err}");
}

#[test]
fn a_renamed_path_parameter_is_still_found() {
    let scratch = Scratch::new("renamed");
    let mut schema = scratch.upstream();
    let paths = schema["paths"].as_object_mut().unwrap();
    let item = paths
        .remove("/accounts/{account_id}/custom_ns/{custom_ns_id}")
        .unwrap();
    paths.insert("/accounts/{account_id}/custom_ns/{ns_name}".into(), item);
    // Upstream renamed `{custom_ns_id}` to `{ns_name}` once the other way round: the
    // operation is still sliced and the overlay still finds it by its id.
    let outcome = scratch.sync(&schema, false, false).unwrap();
    assert!(
        outcome
            .report
            .contains("[behaviour] operation `delete_custom_nameserver` path parameters renamed"),
        "{}",
        outcome.report
    );
    assert!(!outcome.report.contains("[breaking]"), "{}", outcome.report);
    assert!(
        scratch.fragment()["paths"]["/accounts/{account_id}/custom_ns/{ns_name}"]["delete"]["operationId"]
            == "delete_custom_nameserver"
    );
}

#[test]
fn the_repository_is_what_its_overlay_makes() {
    let root = files::repository_root();
    let outcome = files::sync(&root, &root.join(UPSTREAM), "check", true).unwrap();
    assert!(
        outcome.changed.is_empty(),
        "{:?} differ from what `cargo xtask sync-spec` makes: edit openapi/overlay.yaml, not the fragment",
        outcome.changed
    );
}

#[test]
fn a_new_success_status_and_a_query_parameter_are_reported() {
    let report = report_of("answers", |s| {
        let paths = &mut s["paths"];
        let post = &mut paths["/accounts/{account_id}/custom_ns"]["post"];
        let ok = post["responses"]
            .as_object_mut()
            .unwrap()
            .remove("200")
            .unwrap();
        post["responses"]["202"] = ok;
        let list = &mut paths["/accounts/{account_id}/custom_ns"]["get"];
        list["parameters"].as_array_mut().unwrap().push(json!({
            "in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}
        }));
    });
    assert!(
        report.contains("[behaviour] operation `add_custom_nameserver` answers 202 instead of 200"),
        "{report}"
    );
    assert!(
        report.contains("[addition] optional query parameter `list_custom_nameservers page` added"),
        "{report}"
    );
}

#[test]
fn a_format_or_pattern_is_a_rule_not_a_type() {
    let report = report_of("formats", |s| {
        let schemas = schemas(s);
        schemas["dns-custom-nameservers_CustomNS"]["properties"]["zone_tag"]["format"] =
            json!("uuid");
        schemas["dns-custom-nameservers_ns_name"]["pattern"] = json!("^[a-z0-9.-]+$");
    });
    assert!(!report.contains("changes type"), "{report}");
    assert!(
        report.contains("[behaviour] `CustomNameserver.zone_tag` string rules none → format uuid (still a String"),
        "{report}"
    );
    assert!(
        report.contains("[breaking] `add_custom_nameserver ns_name` string rules format hostname → format hostname, pattern ^[a-z0-9.-]+$: values once accepted may be refused"),
        "{report}"
    );
}
