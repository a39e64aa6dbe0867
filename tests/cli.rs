//! The `cloudflare-account-dns` command, run as a process against a fake Cloudflare API on
//! 127.0.0.1 that the test starts: real exit codes, stdout and stderr. The environment is
//! cleared for every run, so no credential of the machine's reaches the command.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cloudflare_account_dns::fake::{DEFAULT_ACCOUNT_ID as ACCOUNT, FakeCloudflare};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_cloudflare-account-dns");

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Runs the command with only these variables set.
fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.env_clear().args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the command runs")
}

/// Runs it against the fake, as the real API would be given (base URL and token), off the async runtime's threads (the fake serves on them).
async fn against_async(fake: &FakeCloudflare, args: &[&str]) -> Output {
    let url = fake.base_url();
    let token = fake.api_token().unwrap().to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(
            &[
                ("CLOUDFLARE_BASE_URL", url.as_str()),
                ("CLOUDFLARE_API_TOKEN", token.as_str()),
            ],
            &args,
        )
    })
    .await
    .unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

#[test]
fn help_version_and_usage_errors() {
    let help = run(&[], &["--help"]);
    assert_eq!(code(&help), 0);
    insta::assert_snapshot!("help", stdout(&help));
    let plan_help = run(&[], &["plan", "--help"]);
    assert_eq!(code(&plan_help), 0);
    insta::assert_snapshot!("plan_help", stdout(&plan_help));
    let version = run(&[], &["--version"]);
    assert_eq!(code(&version), 0);
    assert_eq!(
        stdout(&version),
        format!("cloudflare-account-dns {}\n", env!("CARGO_PKG_VERSION"))
    );
    // Usage errors exit 64, not clap's 2 (which means "changes planned" here).
    for args in [
        &["plan"][..],
        &["frobnicate"],
        &["plan", "a.toml", "--yes"],
        &[],
        &["plan", "a.toml", "--rate-window", "0"],
        &["plan", "a.toml", "--rate-limit", "0"],
    ] {
        let output = run(&[], args);
        assert_eq!(code(&output), 64, "{args:?}: {}", stderr(&output));
        assert!(stdout(&output).is_empty());
    }
    let output = run(&[], &["plan", "--json"]);
    assert_eq!(code(&output), 64);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["error"]["kind"], "usage");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("<FILE>"),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_credentials_it_refuses_and_sends_nothing() {
    let fake = FakeCloudflare::start().await.unwrap();
    let url = fake.base_url();
    let file = example("accounts.toml");
    let file = file.to_str().unwrap();
    // A base URL alone (or an email alone) is not credentials.
    for email in [None, Some("user@example.com")] {
        let (url, file) = (url.clone(), file.to_string());
        let output = tokio::task::spawn_blocking(move || {
            let mut env = vec![("CLOUDFLARE_BASE_URL", url.as_str())];
            env.extend(email.map(|e| ("CLOUDFLARE_EMAIL", e)));
            run(&env, &["apply", &file])
        })
        .await
        .unwrap();
        assert_eq!(code(&output), 6, "{email:?}");
        assert!(
            stderr(&output).contains("no Cloudflare credentials"),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
    // With --json the error is JSON on stdout.
    let output = run(&[], &["plan", "--json", file]);
    assert_eq!(code(&output), 6);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["error"]["kind"], "no_credentials");
    assert_eq!(json["exit_code"], 6);
}

#[test]
fn fake_is_explicit_and_never_mixed_with_the_real_api() {
    let file = example("accounts.toml");
    let file = file.to_str().unwrap();
    let output = run(&[], &["--fake", "plan", file]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("embedded fake"),
        "{}",
        stderr(&output)
    );
    let json = run(&[], &["plan", "--fake", "--json", file]);
    let json: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(json["fake"], true);
    assert_eq!(json["target"], "fake");
    // Credentials or a base URL with --fake: refused, whichever it is.
    for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_BASE_URL"] {
        let output = run(&[(var, "x")], &["--fake", "plan", file]);
        assert_eq!(code(&output), 6, "{var}");
        assert!(stderr(&output).contains(var), "{}", stderr(&output));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_and_a_second_plan_against_the_fake() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("accounts.toml");
    let file = file.to_str().unwrap();
    let plan = against_async(&fake, &["plan", file]).await;
    assert_eq!(code(&plan), 2, "{}", stderr(&plan));
    insta::assert_snapshot!("plan_accounts_toml", stdout(&plan));
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    let apply = against_async(&fake, &["apply", "--verify", file]).await;
    assert_eq!(code(&apply), 0, "{}\n{}", stdout(&apply), stderr(&apply));
    let text = stdout(&apply);
    assert!(
        text.contains("3 account(s): 3 changed (8 change(s) done), 0 failed"),
        "{text}"
    );
    assert!(text.contains("nothing left to change"), "{text}");
    assert!(text.contains("  glue: ns1.example.com A "), "{text}");
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 2);

    let again = against_async(&fake, &["plan", "--json", file]).await;
    assert_eq!(code(&again), 0);
    let json: Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(json["fake"], false);
    assert_eq!(json["summary"]["with_changes"], 0);
    assert_eq!(json["summary"]["requests_sent"], 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_applied_as_made_and_refused_when_stale() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("accounts.toml");
    let saved = temp("saved.json");
    let saved = saved.to_str().unwrap();
    let plan = against_async(&fake, &["plan", file.to_str().unwrap(), "--out", saved]).await;
    assert_eq!(code(&plan), 2, "{}", stderr(&plan));

    // The account changes after the plan: applying it is refused, with what changed, and
    // nothing but reads is sent.
    fake.seed_custom_nameserver(ACCOUNT, "ns9.example.org", 1);
    fake.clear_requests();
    let stale = against_async(&fake, &["apply", "--json", saved]).await;
    assert_eq!(code(&stale), 5, "{}", stderr(&stale));
    let json: Value = serde_json::from_str(&stdout(&stale)).unwrap();
    assert_eq!(json["error"]["kind"], "stale_plan");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("ns9.example.org was added"), "{message}");
    assert!(fake.requests().iter().all(|r| r.method == "GET"));

    // Planned again, it is carried out exactly (the undeclared ns9 is kept without
    // --prune, which both say with exit 4).
    let plan = against_async(&fake, &["plan", file.to_str().unwrap(), "--out", saved]).await;
    assert_eq!(code(&plan), 4);
    assert!(stdout(&plan).contains("ns9.example.org (set 1) is not declared: kept"));
    let apply = against_async(&fake, &["apply", saved]).await;
    assert_eq!(code(&apply), 4, "{}\n{}", stdout(&apply), stderr(&apply));
    assert!(
        stdout(&apply).contains("3 changed (8 change(s) done), 0 failed"),
        "{}",
        stdout(&apply)
    );
    let names: Vec<String> = fake
        .custom_nameservers(ACCOUNT)
        .into_iter()
        .map(|ns| ns.ns_name)
        .collect();
    assert_eq!(
        names,
        ["ns9.example.org", "ns1.example.com", "ns2.example.com"]
    );

    // Applied once, it is stale.
    let twice = against_async(&fake, &["apply", saved]).await;
    assert_eq!(code(&twice), 5, "{}", stderr(&twice));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_file_is_checked_when_read() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("accounts.toml");
    let saved = temp("edited.json");
    let plan = against_async(
        &fake,
        &[
            "plan",
            file.to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&plan), 2);
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    /// `(name, the edit, the field the error names)`.
    type Edit = (&'static str, fn(&mut Value), &'static str);
    let edits: [Edit; 4] = [
        ("version", |v| v["plan_format"] = json!(9), "plan_format"),
        (
            "prefix",
            |v| {
                // First, so that the index does not depend on how many settings the
                // example values make the plan change.
                v["accounts"][0]["plan"]["settings"]
                    .as_array_mut()
                    .unwrap()
                    .insert(
                        0,
                        json!({"field": "zone_defaults", "current": null, "declared": 1}),
                    )
            },
            "accounts[0].plan.settings[1].field",
        ),
        (
            "bound",
            |v| v["accounts"][0]["plan"]["settings"][1]["declared"] = json!(5),
            "accounts[0].plan.settings.zone_defaults.soa.rname",
        ),
        (
            "edited",
            |v| v["accounts"][1]["plan"]["add"][0]["name"] = json!("ns7.example.net"),
            "accounts[1].plan",
        ),
    ];
    for (name, edit, field) in edits {
        let mut value = original.clone();
        edit(&mut value);
        let path = temp(&format!("{name}.json"));
        std::fs::write(&path, value.to_string()).unwrap();
        fake.clear_requests();
        let output = against_async(&fake, &["apply", "--json", path.to_str().unwrap()]).await;
        assert_eq!(code(&output), 3, "{name}: {}", stderr(&output));
        let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(json["error"]["field"], field, "{name}: {json}");
        assert!(fake.requests().is_empty(), "{name}: nothing was sent");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_and_known_refusals_have_their_own_exit_codes() {
    let fake = FakeCloudflare::start().await.unwrap();
    let typo = temp("typo.toml");
    std::fs::write(
        &typo,
        format!(
            "[[accounts]]\naccount_id = \"{ACCOUNT}\"\n[accounts.dns_settings.zone_defaults]\nns_tll = 60\n"
        ),
    )
    .unwrap();
    let output = against_async(&fake, &["plan", "--json", typo.to_str().unwrap()]).await;
    assert_eq!(code(&output), 3);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json["error"]["field"],
        "accounts[0].dns_settings.zone_defaults.ns_tll"
    );
    // Refused before any credential is looked at.
    let output = run(&[], &["plan", typo.to_str().unwrap()]);
    assert_eq!(code(&output), 3);
    let missing = run(&[], &["plan", "/nonexistent/accounts.toml"]);
    assert_eq!(code(&missing), 3);

    let refused = temp("refused.toml");
    std::fs::write(
        &refused,
        format!(
            "[[accounts]]\naccount_id = \"{ACCOUNT}\"\nlabel = \"prod\"\n[accounts.dns_settings.zone_defaults]\nflatten_all_cnames = true\nns_ttl = 3600\n"
        ),
    )
    .unwrap();
    let plan = against_async(&fake, &["plan", refused.to_str().unwrap()]).await;
    assert_eq!(code(&plan), 4, "{}", stderr(&plan));
    let text = stdout(&plan);
    for line in text.lines().take_while(|l| !l.is_empty()) {
        assert!(line.starts_with("[prod] "), "{text}");
    }
    let apply = against_async(&fake, &["apply", refused.to_str().unwrap()]).await;
    assert_eq!(code(&apply), 4, "{}", stdout(&apply));
    assert!(
        stdout(&apply).contains("1 changed (1 change(s) done)"),
        "{}",
        stdout(&apply)
    );
    assert_eq!(
        fake.dns_settings_json(ACCOUNT)["zone_defaults"]["ns_ttl"],
        3600
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_plans_empty() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("fleet.toml");
    let apply = against_async(&fake, &["apply", file.to_str().unwrap()]).await;
    assert_eq!(code(&apply), 0, "{}", stderr(&apply));
    for format in ["toml", "json", "yaml"] {
        let export = against_async(
            &fake,
            &[
                "export",
                ACCOUNT,
                "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
                "--format",
                format,
            ],
        )
        .await;
        assert_eq!(code(&export), 0, "{}", stderr(&export));
        let path = temp(&format!("exported.{format}"));
        std::fs::write(&path, stdout(&export)).unwrap();
        let plan = against_async(&fake, &["plan", path.to_str().unwrap()]).await;
        assert_eq!(
            code(&plan),
            0,
            "{format}: {}\n{}",
            stdout(&export),
            stdout(&plan)
        );
    }
}

#[test]
fn the_schema_validates_the_examples_and_refuses_mistakes() {
    let output = run(&[], &["schema"]);
    assert_eq!(code(&output), 0);
    let schema: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for name in ["accounts.toml", "fleet.toml"] {
        let text = std::fs::read_to_string(example(name)).unwrap();
        let value: Value = toml::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let ns_ttl =
        &schema["$defs"]["dns_settings"]["properties"]["zone_defaults"]["properties"]["ns_ttl"];
    // The bounds are the fragment's (read from it, so that a bound changed upstream needs
    // no edit here).
    let fragment: Value =
        serde_json::from_str(include_str!("../openapi/cloudflare-account-dns.json")).unwrap();
    let resolve = |mut schema: Value| {
        while let Some(name) = schema["$ref"]
            .as_str()
            .map(|r| r.rsplit('/').next().unwrap().to_string())
        {
            schema = fragment["components"]["schemas"][name].clone();
        }
        schema
    };
    let patch = fragment["paths"]["/accounts/{account_id}/dns_settings"]["patch"].clone();
    let mut field = resolve(patch["requestBody"]["content"]["application/json"]["schema"].clone());
    for part in ["zone_defaults", "ns_ttl"] {
        field = resolve(field["properties"][part].clone());
    }
    assert_eq!(
        (ns_ttl["minimum"].as_f64(), ns_ttl["maximum"].as_f64()),
        (field["minimum"].as_f64(), field["maximum"].as_f64())
    );
    assert!(ns_ttl["minimum"].is_number() && ns_ttl["maximum"].is_number());
    for bad in [
        json!({"accounts": [{"account_id": ACCOUNT, "dns_settings": {"zone_defaults": {"ns_ttl": -1}}}]}),
        json!({"accounts": [{"account_id": ACCOUNT, "dns_settings": {"zone_defaults": {"ns_tll": 60}}}]}),
        json!({"accounts": [{"account_id": ACCOUNT, "custom_nameservers": [{"name": "ns1.example.com", "set": 256}]}]}),
        json!({"accounts": [{"label": "no id"}]}),
        json!({"defaults": {"account_id": ACCOUNT}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_made_against_the_fake_is_never_applied_to_another_api() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("accounts.toml");
    let saved = temp("fake-plan.json");
    let plan = run(
        &[],
        &[
            "--fake",
            "plan",
            file.to_str().unwrap(),
            "--out",
            saved.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&plan), 2, "{}", stderr(&plan));
    let apply = against_async(&fake, &["apply", saved.to_str().unwrap()]).await;
    assert_eq!(code(&apply), 3, "{}", stderr(&apply));
    assert!(
        stderr(&apply).contains("the plan was made against fake"),
        "{}",
        stderr(&apply)
    );
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn direct_calls_for_scripts() {
    let fake = FakeCloudflare::start().await.unwrap();
    let add = against_async(
        &fake,
        &[
            "nameservers",
            "add",
            ACCOUNT,
            "ns1.example.com",
            "--set",
            "2",
        ],
    )
    .await;
    assert_eq!(code(&add), 0, "{}", stderr(&add));
    assert!(
        stdout(&add).contains("glue: ns1.example.com A "),
        "{}",
        stdout(&add)
    );
    let list = against_async(&fake, &["nameservers", "list", ACCOUNT, "--json"]).await;
    assert_eq!(code(&list), 0);
    let json: Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(json["result"][0]["ns_name"], "ns1.example.com");
    assert_eq!(json["result"][0]["ns_set"], 2);

    let update = against_async(
        &fake,
        &[
            "settings",
            "update",
            ACCOUNT,
            "zone_defaults.ns_ttl=3600",
            "zone_defaults.soa.rname=hostmaster.example.com",
        ],
    )
    .await;
    assert_eq!(code(&update), 0, "{}", stderr(&update));
    assert_eq!(
        fake.requests().last().unwrap().json().unwrap(),
        json!({"zone_defaults": {"ns_ttl": 3600, "soa": {"rname": "hostmaster.example.com"}}})
    );
    let get = against_async(&fake, &["settings", "get", ACCOUNT, "--json"]).await;
    let json: Value = serde_json::from_str(&stdout(&get)).unwrap();
    assert_eq!(json["result"]["zone_defaults"]["ns_ttl"], 3600);

    // Refused before sending, with the field: invalid input.
    fake.clear_requests();
    let bad = against_async(
        &fake,
        &[
            "settings",
            "update",
            ACCOUNT,
            "zone_defaults.ns_ttl=-1",
            "--json",
        ],
    )
    .await;
    assert_eq!(code(&bad), 3);
    let json: Value = serde_json::from_str(&stdout(&bad)).unwrap();
    assert_eq!(json["error"]["field"], "zone_defaults.ns_ttl");
    assert!(fake.requests().is_empty());

    let delete = against_async(
        &fake,
        &["nameservers", "delete", ACCOUNT, "ns1.example.com"],
    )
    .await;
    assert_eq!(code(&delete), 0);
    assert!(fake.custom_nameservers(ACCOUNT).is_empty());
    // A failed call: exit 1.
    let again = against_async(
        &fake,
        &["nameservers", "delete", ACCOUNT, "ns1.example.com"],
    )
    .await;
    assert_eq!(code(&again), 1, "{}", stderr(&again));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_difference_only_prune_changes_is_not_reported_as_converged() {
    let fake = FakeCloudflare::start().await.unwrap();
    fake.seed_custom_nameserver(ACCOUNT, "ns1.example.com", 1);
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let file = temp("extra.toml");
    std::fs::write(
        &file,
        format!(
            "[[accounts]]\naccount_id = \"{ACCOUNT}\"\ncustom_nameservers = [{{ name = \"ns1.example.com\", set = 1 }}]\n"
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let plan = against_async(&fake, &["plan", file]).await;
    assert_eq!(code(&plan), 4, "{}", stdout(&plan));
    assert!(
        stdout(&plan).contains("plan with prune to remove it"),
        "{}",
        stdout(&plan)
    );
    let pruned = against_async(&fake, &["plan", "--prune", file]).await;
    assert_eq!(code(&pruned), 2, "{}", stdout(&pruned));
    let apply = against_async(&fake, &["apply", "--prune", file]).await;
    assert_eq!(code(&apply), 0, "{}", stdout(&apply));
    assert_eq!(fake.custom_nameservers(ACCOUNT).len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_failed_account_exits_1_and_the_others_still_run() {
    let fake = FakeCloudflare::start().await.unwrap();
    let file = example("accounts.toml");
    // The only account that manages settings without nameservers reads settings alone.
    fake.inject(
        cloudflare_account_dns::fake::Fault::status(403).on_operation("get_dns_settings"),
        1,
    );
    let apply = against_async(&fake, &["apply", "--json", file.to_str().unwrap()]).await;
    assert_eq!(code(&apply), 1, "{}", stderr(&apply));
    let json: Value = serde_json::from_str(&stdout(&apply)).unwrap();
    assert_eq!(json["summary"]["failed"], 1, "{json}");
    assert_eq!(json["summary"]["changed"], 2, "{json}");
    assert_eq!(json["exit_code"], 1);
    let failed: Vec<&Value> = json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["error"].is_null())
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("failed to plan: "),
        "{json}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_output_names_the_account_on_every_line_and_shows_the_glue() {
    let fake = FakeCloudflare::start().await.unwrap();
    fake.seed_custom_nameserver(ACCOUNT, "old.example.com", 1);
    let file = temp("one.toml");
    std::fs::write(
        &file,
        format!(
            "[defaults]\ncustom_nameservers = [{{ name = \"ns1.example.com\", set = 1 }}]\n[defaults.dns_settings.zone_defaults]\nnameservers = {{ type = \"custom.account\" }}\n\n[[accounts]]\naccount_id = \"{ACCOUNT}\"\nlabel = \"production\"\ndns_settings.zone_defaults.flatten_all_cnames = true\n"
        ),
    )
    .unwrap();
    let apply = against_async(
        &fake,
        &["apply", "--prune", "--verify", file.to_str().unwrap()],
    )
    .await;
    assert_eq!(code(&apply), 4, "{}", stderr(&apply));
    insta::assert_snapshot!("apply_one_labelled_account", stdout(&apply));
}

/// Starts `cloudflare-account-dns fake --port 0` with these options: the process and the
/// base URL its first line of stdout names.
fn standalone_fake(options: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(BIN)
        .args(["fake", "--port", "0", "--quiet"])
        .args(options)
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().rsplit(' ').next().unwrap().to_string();
    (child, base)
}

/// `cloudflare-account-dns fake` is the standalone fake: on a free port, its address on the
/// first line of stdout, answering an official-looking client, stopped by the test.
#[tokio::test]
async fn the_fake_subcommand_serves_the_standalone_fake() {
    let (mut child, base) = standalone_fake(&[]);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let client = cloudflare_account_dns::Client::builder()
        .api_token(cloudflare_account_dns::fake::DEFAULT_API_TOKEN)
        .base_url(&base)
        .build()
        .unwrap();
    let settings = client
        .get_dns_settings(cloudflare_account_dns::fake::DEFAULT_ACCOUNT_ID)
        .send()
        .await;
    child.kill().unwrap();
    let _ = child.wait();
    assert!(settings.is_ok(), "{settings:?}");
}

/// The whole round trip with both sides as processes, as an operator would run them: the
/// standalone fake (`cloudflare-account-dns fake`) and the command pointed at it with
/// `CLOUDFLARE_BASE_URL` and a token. Plan (2), apply (0), plan again (0), and the fake's
/// control interface shows what reached it.
#[test]
fn plan_and_apply_against_the_standalone_fake_process() {
    use std::io::{Read, Write};
    let (mut fake, base) = standalone_fake(&["--record", "100"]);
    let env = [
        ("CLOUDFLARE_BASE_URL", base.as_str()),
        (
            "CLOUDFLARE_API_TOKEN",
            cloudflare_account_dns::fake::DEFAULT_API_TOKEN,
        ),
    ];
    let file = example("accounts.toml");
    let file = file.to_str().unwrap();
    let plan = run(&env, &["plan", file]);
    let apply = run(&env, &["apply", file]);
    let again = run(&env, &["plan", file]);
    // What the fake received, from its control interface.
    let origin = base
        .trim_end_matches("/client/v4")
        .trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(origin).unwrap();
    write!(
        stream,
        "GET /__fake/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let _ = fake.kill();
    let _ = fake.wait();
    assert_eq!(code(&plan), 2, "{}", stderr(&plan));
    assert_eq!(code(&apply), 0, "{}{}", stdout(&apply), stderr(&apply));
    assert_eq!(code(&again), 0, "{}", stdout(&again));
    assert!(
        !stderr(&apply).contains("--fake"),
        "a real run, not the embedded fake"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("PATCH"), "{answer}");
    assert!(answer.contains("POST"), "{answer}");
}
