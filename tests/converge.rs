//! Plan and apply a declared state, against the embedded fake.

#![cfg(feature = "fake")]

use std::sync::atomic::{AtomicUsize, Ordering};

use cloudflare_account_dns::converge::{
    DeclaredAccount, DeclaredAccounts, Plan, PlanOptions, Step,
};
use cloudflare_account_dns::fake::{DEFAULT_ACCOUNT_ID as ACCOUNT, FakeCloudflare, Fault};
use cloudflare_account_dns::{Client, Error, NameserverType};
use serde_json::{Value, json};

async fn fake_and_client() -> (FakeCloudflare, Client) {
    let fake = FakeCloudflare::start().await.unwrap();
    let client = fake.client_builder().no_retries().build().unwrap();
    (fake, client)
}

fn declared() -> DeclaredAccount {
    DeclaredAccount::new(ACCOUNT)
        .nameserver("ns1.example.com", Some(1))
        .nameserver("ns2.example.com", Some(1))
        .setting("zone_defaults.nameservers.type", "custom.account")
        .setting("zone_defaults.ns_ttl", 3600)
        .setting("zone_defaults.soa.ttl", 1800)
}

/// `METHOD operation` of every request the fake received.
fn calls(fake: &FakeCloudflare) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.operation.unwrap_or("?")))
        .collect()
}

#[tokio::test]
async fn a_fresh_account_converges_with_one_patch_and_a_second_plan_is_empty() {
    let (fake, client) = fake_and_client().await;
    let plan = client
        .plan(&declared(), PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(
        calls(&fake),
        ["GET list_custom_nameservers", "GET get_dns_settings"]
    );
    let names: Vec<&str> = plan.add.iter().map(|ns| ns.name.as_str()).collect();
    assert_eq!(names, ["ns1.example.com", "ns2.example.com"]);
    let fields: Vec<&str> = plan.settings.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "zone_defaults.nameservers.type",
            "zone_defaults.ns_ttl",
            "zone_defaults.soa.ttl"
        ]
    );
    assert_eq!(plan.settings[1].current, json!(86400));
    assert_eq!(plan.settings[1].declared, json!(3600));
    let text = plan.to_string();
    assert!(
        text.contains("  + custom nameserver ns1.example.com (set 1)"),
        "{text}"
    );
    assert!(
        text.contains("  ~ zone_defaults.ns_ttl: 86400 -> 3600"),
        "{text}"
    );
    // The plan is data: JSON out and back.
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);

    fake.clear_requests();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        [
            "POST add_custom_nameserver",
            "POST add_custom_nameserver",
            "PATCH update_dns_settings"
        ],
        "nameservers first, then one PATCH"
    );
    assert_eq!(
        fake.requests()[2].json().unwrap(),
        json!({"zone_defaults": {"nameservers": {"type": "custom.account"}, "ns_ttl": 3600, "soa": {"ttl": 1800}}})
    );
    assert_eq!(report.done.len(), 3);
    assert_eq!(report.added.len(), 2);
    assert_eq!(
        report.settings.unwrap().zone_defaults.nameservers.type_,
        NameserverType::CustomAccount
    );

    fake.clear_requests();
    let again = client
        .plan(&declared(), PlanOptions::default())
        .await
        .unwrap();
    assert!(again.is_empty(), "{again}");
    assert!(again.to_string().contains("no changes"));
    let report = client.apply(&again).await.unwrap();
    assert!(!report.changed());
    assert_eq!(
        calls(&fake),
        ["GET list_custom_nameservers", "GET get_dns_settings"]
    );
}

#[tokio::test]
async fn a_converged_account_only_gets_reads() {
    let (fake, client) = fake_and_client().await;
    client
        .converge(&declared(), PlanOptions::default())
        .await
        .unwrap();
    fake.clear_requests();
    let (plan, report) = client
        .converge(&declared(), PlanOptions::default())
        .await
        .unwrap();
    assert!(plan.is_empty() && !plan.has_warnings(), "{plan}");
    assert!(report.done.is_empty());
    assert!(
        fake.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        calls(&fake)
    );
}

#[tokio::test]
async fn a_partial_failure_reports_what_was_done_and_a_rerun_finishes() {
    let (fake, client) = fake_and_client().await;
    fake.inject(Fault::status(403).on_method("PATCH"), 1);
    let plan = client
        .plan(&declared(), PlanOptions::default())
        .await
        .unwrap();
    let err = client.apply(&plan).await.unwrap_err();
    assert_eq!(err.report.done.len(), 2, "both adds were done");
    assert!(matches!(
        err.report.failed,
        Some(Step::UpdateSettings { .. })
    ));
    assert!(err.report.not_done.is_empty());
    assert_eq!(err.error.status().map(|s| s.as_u16()), Some(403));
    let message = err.to_string();
    assert!(message.contains("stopped after 2 of 3 steps"), "{message}");

    // Rerun: only what is left.
    let plan = client
        .plan(&declared(), PlanOptions::default())
        .await
        .unwrap();
    assert!(plan.add.is_empty());
    assert_eq!(plan.settings.len(), 3);
    client.apply(&plan).await.unwrap();
    assert!(
        client
            .plan(&declared(), PlanOptions::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_unknown_outcome_on_the_post_is_looked_up_before_anything_is_repeated() {
    let (fake, client) = fake_and_client().await;
    let only_ns = DeclaredAccount::new(ACCOUNT).nameserver("ns1.example.com", Some(1));

    // Applied, then the connection dropped: the read finds it; no second POST.
    fake.inject(
        Fault::drop_connection()
            .on_operation("add_custom_nameserver")
            .after_applying(),
        1,
    );
    let plan = client.plan(&only_ns, PlanOptions::default()).await.unwrap();
    fake.clear_requests();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        ["POST add_custom_nameserver", "GET list_custom_nameservers"]
    );
    assert_eq!(report.recovered.len(), 1);
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 1);

    // Not applied (a 502 before anything happened): the read does not find it, and the add
    // is repeated once.
    let other = DeclaredAccount::new(ACCOUNT)
        .nameserver("ns1.example.com", Some(1))
        .nameserver("ns2.example.com", Some(1));
    fake.inject(Fault::status(502).on_operation("add_custom_nameserver"), 1);
    let plan = client.plan(&other, PlanOptions::default()).await.unwrap();
    fake.clear_requests();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        [
            "POST add_custom_nameserver",
            "GET list_custom_nameservers",
            "POST add_custom_nameserver"
        ]
    );
    assert!(report.recovered.is_empty());
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 2);
}

#[tokio::test]
async fn a_nameserver_in_another_set_is_flagged_and_replaced_only_with_prune() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 2);
    let wanted = DeclaredAccount::new(ACCOUNT).nameserver("ns1.example.com", Some(1));

    let plan = client.plan(&wanted, PlanOptions::default()).await.unwrap();
    assert_eq!(plan.set_mismatches.len(), 1);
    let mismatch = &plan.set_mismatches[0];
    assert_eq!(
        (
            mismatch.declared_set,
            mismatch.current_set,
            mismatch.replace
        ),
        (1, Some(2), false)
    );
    assert!(plan.is_empty() && plan.has_warnings());
    assert!(
        plan.to_string().contains("the API cannot move it"),
        "{plan}"
    );

    let plan = client
        .plan(&wanted, PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert!(!plan.is_empty());
    fake.clear_requests();
    client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        [
            "DELETE delete_custom_nameserver",
            "POST add_custom_nameserver"
        ]
    );
    assert_eq!(fake.custom_nameservers(ACCOUNT)[0].ns_set, 1);
}

#[tokio::test]
async fn extras_are_listed_and_removed_only_with_prune_after_the_switch() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let plan = client
        .plan(&declared(), PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(plan.extra[0].name, "old.example.com");
    assert!(plan.remove.is_empty());
    assert!(
        plan.to_string()
            .contains("old.example.com (set 1) is not declared: kept")
    );

    let plan = client
        .plan(&declared(), PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert_eq!(plan.remove, ["old.example.com"]);
    assert!(
        plan.to_string()
            .contains("  - custom nameserver old.example.com (set 1)")
    );
    fake.clear_requests();
    client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        [
            "POST add_custom_nameserver",
            "POST add_custom_nameserver",
            "PATCH update_dns_settings",
            "DELETE delete_custom_nameserver"
        ],
        "removed last, after new zones use the declared ones"
    );
    let names: Vec<String> = fake
        .custom_nameservers(ACCOUNT)
        .into_iter()
        .map(|ns| ns.ns_name)
        .collect();
    assert_eq!(names, ["ns1.example.com", "ns2.example.com"]);
}

#[tokio::test]
async fn a_cloudflare_assigned_mname_and_differently_written_names_are_stable() {
    let (fake, client) = fake_and_client().await;
    let first = DeclaredAccount::new(ACCOUNT)
        .nameserver("NS1.Example.com.", None)
        .setting("zone_defaults.soa.mname", Value::Null);
    let (plan, _) = client
        .converge(&first, PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(plan.add[0].name, "ns1.example.com");
    // A new account's primary nameserver is already Cloudflare-assigned (it reads null, the
    // overlay's wire fact), so declaring null changes nothing.
    assert!(
        plan.settings
            .iter()
            .all(|s| s.field != "zone_defaults.soa.mname"),
        "{plan}"
    );
    assert_eq!(
        fake.dns_settings_json(ACCOUNT)["zone_defaults"]["soa"]["mname"],
        Value::Null
    );
    let again = DeclaredAccount::new(ACCOUNT)
        .nameserver("ns1.EXAMPLE.com", None)
        .setting("zone_defaults.soa.mname", Value::Null);
    let plan = client.plan(&again, PlanOptions::default()).await.unwrap();
    assert!(plan.is_empty(), "{plan}");

    // `mname` is plain text in Cloudflare's schema (no hostname format), so it compares as
    // written: another spelling is a change, and a final dot is sent as given.
    let hostname =
        DeclaredAccount::new(ACCOUNT).setting("zone_defaults.soa.mname", "NS9.example.com");
    client
        .converge(&hostname, PlanOptions::default())
        .await
        .unwrap();
    assert!(
        client
            .plan(&hostname, PlanOptions::default())
            .await
            .unwrap()
            .is_empty()
    );
    let written_otherwise =
        DeclaredAccount::new(ACCOUNT).setting("zone_defaults.soa.mname", "ns9.example.com.");
    let plan = client
        .plan(&written_otherwise, PlanOptions::default())
        .await
        .unwrap();
    assert_eq!(plan.settings.len(), 1, "{plan}");
    assert_eq!(plan.settings[0].declared, "ns9.example.com.");
}

/// A plan with a setting added by hand (as an edited saved plan would have it).
fn with_setting(plan: &Plan, field: &str, declared: Value) -> Plan {
    let mut json = serde_json::to_value(plan).unwrap();
    json["settings"]
        .as_array_mut()
        .unwrap()
        .push(json!({"field": field, "current": null, "declared": declared}));
    serde_json::from_value(json).unwrap()
}

#[tokio::test]
async fn a_known_refusal_blocks_only_its_own_field() {
    let (fake, client) = fake_and_client().await;
    let refused = DeclaredAccount::new(ACCOUNT)
        .nameserver("ns1.example.com", None)
        .setting("zone_defaults.flatten_all_cnames", true)
        .setting("zone_defaults.ns_ttl", 3600);
    let plan = client.plan(&refused, PlanOptions::default()).await.unwrap();
    assert_eq!(plan.refusals.len(), 1);
    assert_eq!(plan.refusals[0].code, 1011);
    assert!(plan.is_blocked() && plan.has_warnings());
    let fields: Vec<&str> = plan.settings.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        ["zone_defaults.ns_ttl"],
        "the refused field is not sent"
    );
    assert!(
        plan.to_string().contains("Cloudflare refuses this"),
        "{plan}"
    );
    fake.clear_requests();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        ["POST add_custom_nameserver", "PATCH update_dns_settings"]
    );
    assert_eq!(
        fake.requests()[1].json().unwrap(),
        json!({"zone_defaults": {"ns_ttl": 3600}})
    );
    assert_eq!(report.done.len(), 2);

    // A plan edited to send it is refused whole, before anything is sent.
    let edited = with_setting(&plan, "zone_defaults.flatten_all_cnames", json!(true));
    assert!(edited.check().is_err());
    fake.clear_requests();
    let err = client.apply(&edited).await.unwrap_err();
    assert!(err.report.done.is_empty() && err.report.failed.is_none());
    assert_eq!(
        err.error.invalid_argument().unwrap().field,
        "dns_settings.zone_defaults.flatten_all_cnames"
    );
    assert!(fake.requests().is_empty(), "nothing was sent");

    // A direct call is refused before sending too (the fake's own 1011 answer is tested
    // in tests/fake_raw.rs).
    let err = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_flatten_all_cnames(true)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.invalid_argument().unwrap().rule.contains("1011"),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_plan_from_a_file_is_checked_and_never_panics() {
    let plan = Plan::from_state(
        &DeclaredAccount::new(ACCOUNT).setting("zone_defaults.ns_ttl", 3600),
        &Default::default(),
        PlanOptions::default(),
    );
    plan.check().unwrap();
    // A field and a field inside it, in both orders: refused by the check, and the body
    // is made without a panic.
    let both = with_setting(&plan, "zone_defaults", json!(5));
    let err = both.check().unwrap_err();
    let arg = err.invalid_argument().unwrap();
    assert_eq!(arg.field, "settings[1].field", "{err}");
    assert!(arg.rule.contains("overlaps"), "{err}");
    assert!(both.update_body().is_some());
    let mut json = serde_json::to_value(&plan).unwrap();
    json["settings"].as_array_mut().unwrap().insert(
        0,
        json!({"field": "zone_defaults", "current": null, "declared": 5}),
    );
    let other_order: Plan = serde_json::from_value(json).unwrap();
    assert!(other_order.check().is_err());
    assert!(other_order.update_body().is_some());
    // A value the fragment refuses, a field it does not know, a bad account id.
    let bound = with_setting(&plan, "zone_defaults.soa.ttl", json!(1));
    assert_eq!(
        bound.check().unwrap_err().invalid_argument().unwrap().field,
        "settings.zone_defaults.soa.ttl"
    );
    // A field the fragment does not know may be in a plan (declared under
    // `newer_dns_settings`), as Cloudflare's schema admits it; the saved plan's own
    // declaration is what refuses typos.
    let unknown = with_setting(&plan, "zone_defaults.ns_tll", json!(60));
    assert!(unknown.check().is_ok());
    let mut json = serde_json::to_value(&plan).unwrap();
    json["account_id"] = json!("x".repeat(40));
    let id: Plan = serde_json::from_value(json).unwrap();
    assert_eq!(
        id.check().unwrap_err().invalid_argument().unwrap().field,
        "account_id"
    );
}

#[tokio::test]
async fn a_delete_that_finds_nothing_is_done_and_said_so() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let wanted = DeclaredAccount::new(ACCOUNT).nameserver("ns1.example.com", Some(1));
    let plan = client
        .plan(&wanted, PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert_eq!(plan.remove, ["old.example.com"]);
    // Someone (or an attempt whose answer was lost) removed it since.
    client
        .delete_custom_nameserver(ACCOUNT, "old.example.com")
        .send()
        .await
        .unwrap();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(report.done.len(), 2);
    assert_eq!(
        report.recovered,
        [Step::RemoveNameserver {
            name: "old.example.com".into()
        }]
    );
    assert!(
        report.notes[0].contains("already gone"),
        "{:?}",
        report.notes
    );
}

#[tokio::test]
async fn an_add_whose_lookup_fails_stays_an_unknown_outcome() {
    let (fake, client) = fake_and_client().await;
    let only_ns = DeclaredAccount::new(ACCOUNT).nameserver("ns1.example.com", Some(1));
    let plan = client.plan(&only_ns, PlanOptions::default()).await.unwrap();
    fake.inject(
        Fault::drop_connection()
            .on_operation("add_custom_nameserver")
            .after_applying(),
        1,
    );
    fake.inject(
        Fault::status(500).on_operation("list_custom_nameservers"),
        1,
    );
    let err = client.apply(&plan).await.unwrap_err();
    assert!(err.error.is_outcome_unknown(), "{}", err.error);
    assert!(
        err.report.notes[0].contains("looking for it failed"),
        "{err}"
    );
    assert!(!err.to_string().contains("refused"), "{err}");
}

#[tokio::test]
async fn a_prune_that_would_leave_new_zones_without_nameservers_is_held_back() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let mut none =
        DeclaredAccount::new(ACCOUNT).setting("zone_defaults.nameservers.type", "custom.account");
    none.custom_nameservers = Some(Vec::new());
    let plan = client
        .plan(&none, PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert!(plan.remove.is_empty(), "{plan}");
    assert_eq!(plan.held_back.len(), 1);
    assert!(plan.is_blocked());
    assert!(plan.to_string().contains("held back"), "{plan}");
    // With new zones on Cloudflare's nameservers, the prune goes ahead.
    let mut standard = DeclaredAccount::new(ACCOUNT)
        .setting("zone_defaults.nameservers.type", "cloudflare.standard");
    standard.custom_nameservers = Some(Vec::new());
    let plan = client
        .plan(&standard, PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert_eq!(plan.remove, ["old.example.com"]);
}

#[test]
fn declared_state_files_are_strict_about_keys_and_values() {
    let field = |result: Result<DeclaredAccounts, Error>| {
        result
            .unwrap_err()
            .invalid_argument()
            .map(|arg| arg.field.clone())
            .unwrap()
    };
    let json = r#"{"accounts":[{"account_id":"023e105f4ecef8ad9ca31a8372d0c353","custom_nameservers":[{"nmae":"ns1.example.com"}]}]}"#;
    assert_eq!(
        field(DeclaredAccounts::from_json(json)),
        "accounts[0].custom_nameservers[0].nmae"
    );
    let toml = r#"
[[accounts]]
account_id = "023e105f4ecef8ad9ca31a8372d0c353"
nameservers = []
"#;
    let err =
        DeclaredAccounts::from_deserializer(toml::Deserializer::parse(toml).unwrap()).unwrap_err();
    let arg = err.invalid_argument().unwrap();
    assert_eq!(arg.field, "accounts[0].nameservers", "{err}");
    assert!(arg.rule.contains("unknown field `nameservers`"), "{err}");
    let yaml = "accounts:\n  - account_id: 023e105f4ecef8ad9ca31a8372d0c353\n    dns_settings:\n      zone_defaults:\n        ns_tll: 60\n";
    assert_eq!(
        field(DeclaredAccounts::from_deserializer(
            serde_yaml_ng::Deserializer::from_str(yaml)
        )),
        "accounts[0].dns_settings.zone_defaults.ns_tll"
    );
    let bound = r#"{"accounts":[{"account_id":"023e105f4ecef8ad9ca31a8372d0c353","dns_settings":{"zone_defaults":{"ns_ttl":-1}}}]}"#;
    assert_eq!(
        field(DeclaredAccounts::from_json(bound)),
        "accounts[0].dns_settings.zone_defaults.ns_ttl"
    );
    let twice = r#"{"accounts":[{"account_id":"a1","custom_nameservers":[{"name":"ns1.example.com"},{"name":"NS1.example.com."}]}]}"#;
    assert_eq!(
        field(DeclaredAccounts::from_json(twice)),
        "accounts[0].custom_nameservers[1].name"
    );
    let good = r#"
[[accounts]]
account_id = "023e105f4ecef8ad9ca31a8372d0c353"
custom_nameservers = [{ name = "ns1.example.com", set = 1 }]
[accounts.dns_settings.zone_defaults]
nameservers = { type = "custom.account" }
ns_ttl = 86400
"#;
    let accounts =
        DeclaredAccounts::from_deserializer(toml::Deserializer::parse(good).unwrap()).unwrap();
    assert_eq!(
        accounts.accounts[0]
            .custom_nameservers
            .as_ref()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn many_accounts_run_concurrently_and_one_failure_stops_no_other() {
    let (fake, client) = fake_and_client().await;
    let accounts: Vec<DeclaredAccount> = (0..6)
        .map(|i| {
            let account = DeclaredAccount::new(format!("{i:032x}"))
                .nameserver(format!("ns1.a{i}.example.com"), Some(1))
                .setting("zone_defaults.nameservers.type", "custom.account");
            if i == 3 {
                account.setting("zone_defaults.flatten_all_cnames", true)
            } else {
                account
            }
        })
        .collect();
    let seen = AtomicUsize::new(0);
    let plans = client
        .plan_accounts(&accounts, PlanOptions::default(), |_| {
            seen.fetch_add(1, Ordering::Relaxed);
        })
        .await;
    assert_eq!(seen.load(Ordering::Relaxed), 6);
    let mut plans: Vec<Plan> = plans.into_iter().map(Result::unwrap).collect();
    // The refused field is not in the plan; one edited to send it fails alone.
    plans[3] = with_setting(&plans[3], "zone_defaults.flatten_all_cnames", json!(true));
    for (plan, account) in plans.iter().zip(&accounts) {
        assert_eq!(plan.account_id, account.account_id, "in order");
    }
    let failed = AtomicUsize::new(0);
    let results = client
        .apply_plans(&plans, |done| {
            if !done.ok {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        })
        .await;
    assert_eq!(failed.load(Ordering::Relaxed), 1);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result.is_ok(), i != 3, "account {i}: {result:?}");
    }
    assert_eq!(fake.custom_nameservers(&format!("{:032x}", 5)).len(), 1);
    assert!(fake.custom_nameservers(&format!("{:032x}", 3)).is_empty());
}

#[test]
fn defaults_are_merged_into_every_account_and_its_own_values_win() {
    let toml = r#"
[defaults]
custom_nameservers = [{ name = "ns1.example.com", set = 1 }]
[defaults.dns_settings.zone_defaults]
ns_ttl = 86400
soa = { rname = "hostmaster.example.com", ttl = 3600 }

[[accounts]]
account_id = "023e105f4ecef8ad9ca31a8372d0c353"
label = "production"

[[accounts]]
account_id = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
custom_nameservers = []
dns_settings.zone_defaults.soa.ttl = 1800
"#;
    let accounts =
        DeclaredAccounts::from_deserializer(toml::Deserializer::parse(toml).unwrap()).unwrap();
    let [first, second] = &accounts.accounts[..] else {
        panic!("two accounts")
    };
    assert_eq!(first.label.as_deref(), Some("production"));
    assert_eq!(first.custom_nameservers.as_ref().unwrap().len(), 1);
    assert_eq!(
        Value::Object(second.dns_settings.clone().unwrap()),
        json!({"zone_defaults": {"ns_ttl": 86400, "soa": {"rname": "hostmaster.example.com", "ttl": 1800}}})
    );
    assert_eq!(
        second.custom_nameservers,
        Some(Vec::new()),
        "its own list wins"
    );

    // The defaults are checked like an account, with their own path.
    let refused_at = |text: &str| {
        DeclaredAccounts::from_deserializer(toml::Deserializer::parse(text).unwrap())
            .unwrap_err()
            .invalid_argument()
            .unwrap()
            .field
            .clone()
    };
    assert_eq!(
        refused_at("[defaults.dns_settings.zone_defaults]\nns_ttl = -1\n"),
        "defaults.dns_settings.zone_defaults.ns_ttl"
    );
    assert_eq!(
        refused_at("[defaults]\ncustom_nameserver = []\n"),
        "defaults.custom_nameserver"
    );
}

#[tokio::test]
async fn an_export_plans_empty_and_leaves_out_what_cannot_be_set() {
    let (fake, client) = fake_and_client().await;
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 2);
    let mut settings = fake.dns_settings_json(ACCOUNT);
    settings["zone_defaults"]["flatten_all_cnames"] = json!(true);
    settings["zone_defaults"]["soa"]["mname"] = Value::Null;
    fake.seed_dns_settings_json(ACCOUNT, settings);
    let exported = client.export(ACCOUNT).await.unwrap();
    exported.check().unwrap();
    let settings = exported.dns_settings.clone().unwrap();
    assert!(
        settings["zone_defaults"]
            .get("flatten_all_cnames")
            .is_none()
    );
    assert_eq!(settings["zone_defaults"]["soa"]["mname"], Value::Null);
    assert_eq!(
        exported.custom_nameservers.as_ref().unwrap()[0].set,
        Some(2)
    );
    let plan = client
        .plan(&exported, PlanOptions::default().prune(true))
        .await
        .unwrap();
    assert!(plan.is_empty() && !plan.has_warnings(), "{plan}");
}

#[tokio::test]
async fn a_retried_delete_that_finds_nothing_after_a_lost_answer_is_done() {
    let fake = FakeCloudflare::start().await.unwrap();
    // Retries on (the transport repeats a DELETE whose answer was lost).
    let client = fake.client().unwrap();
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let wanted = DeclaredAccount::new(ACCOUNT).nameserver("ns1.example.com", Some(1));
    let plan = client
        .plan(&wanted, PlanOptions::default().prune(true))
        .await
        .unwrap();
    fake.inject(
        Fault::drop_connection()
            .on_operation("delete_custom_nameserver")
            .after_applying(),
        1,
    );
    fake.clear_requests();
    let report = client.apply(&plan).await.unwrap();
    assert_eq!(
        calls(&fake),
        [
            "POST add_custom_nameserver",
            "DELETE delete_custom_nameserver",
            "DELETE delete_custom_nameserver"
        ]
    );
    assert_eq!(report.done.len(), 2);
    assert_eq!(report.recovered.len(), 1);
    assert!(
        report.notes[0].contains("already gone"),
        "{:?}",
        report.notes
    );
    let names: Vec<String> = fake
        .custom_nameservers(ACCOUNT)
        .into_iter()
        .map(|ns| ns.ns_name)
        .collect();
    assert_eq!(names, ["ns1.example.com"]);
}

/// A typo under `dns_settings` is refused with its path; a field newer than the crate is
/// declared under `newer_dns_settings`, planned, sent, and then plans empty.
#[tokio::test]
async fn fields_newer_than_the_crate_have_their_own_section() {
    let refused_at = |text: &str| {
        DeclaredAccounts::from_json(text)
            .unwrap_err()
            .invalid_argument()
            .unwrap()
            .field
            .clone()
    };
    let typo = r#"{"accounts": [{"account_id": "023e105f4ecef8ad9ca31a8372d0c353",
        "dns_settings": {"zone_defaults": {"ns_tll": 60}}}]}"#;
    assert_eq!(
        refused_at(typo),
        "accounts[0].dns_settings.zone_defaults.ns_tll"
    );
    let overlapping = r#"{"accounts": [{"account_id": "023e105f4ecef8ad9ca31a8372d0c353",
        "dns_settings": {"zone_defaults": {"ns_ttl": 60}},
        "newer_dns_settings": {"zone_defaults": {"ns_ttl": 120}}}]}"#;
    assert_eq!(
        refused_at(overlapping),
        "accounts[0].newer_dns_settings.zone_defaults.ns_ttl"
    );
    let newer = r#"{"accounts": [{"account_id": "023e105f4ecef8ad9ca31a8372d0c353",
        "dns_settings": {"zone_defaults": {"ns_ttl": 3600}},
        "newer_dns_settings": {"zone_defaults": {"dnssec_default": true}}}]}"#;
    let declared = DeclaredAccounts::from_json(newer).unwrap();
    let (fake, client) = fake_and_client().await;
    let account = &declared.accounts[0];
    let plan = client.plan(account, PlanOptions::default()).await.unwrap();
    let fields: Vec<&str> = plan.settings.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(
        fields,
        ["zone_defaults.dnssec_default", "zone_defaults.ns_ttl"],
        "{plan}"
    );
    client.apply(&plan).await.unwrap();
    assert_eq!(
        fake.dns_settings_json(ACCOUNT)["zone_defaults"]["dnssec_default"],
        Value::Bool(true)
    );
    let again = client.plan(account, PlanOptions::default()).await.unwrap();
    assert!(again.is_empty(), "{again}");
}
