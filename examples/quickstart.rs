//! The main job: custom nameservers and the DNS defaults of new zones, end to end.
//!
//! With no credentials in the environment it starts the embedded fake Cloudflare API and
//! walks through a realistic flow, offline. With credentials and `CLOUDFLARE_ACCOUNT_ID`
//! it talks to the real API and changes only what the command line asks for. Run it with
//! `--help` to see exactly what it would change.

use std::process::ExitCode;

use cloudflare_account_dns::fake::{DEFAULT_ACCOUNT_ID, FakeCloudflare};
use cloudflare_account_dns::operations::UpdateDnsSettings;
use cloudflare_account_dns::{
    Client, ENV_API_KEY, ENV_API_TOKEN, ENV_EMAIL, NameserverType, ZoneMode, types,
};

const HELP: &str = "\
quickstart: manage a Cloudflare account's custom nameservers and the DNS defaults of new zones

USAGE
    cargo run --example quickstart --features fake -- [CHANGES]

WHERE IT RUNS
    With no credentials in the environment, it starts an embedded fake Cloudflare API on
    127.0.0.1 and nothing real is touched. Without CHANGES it walks through a demo there:
    add ns1/ns2.example.com to set 1, switch new zones to custom.account, set ns_ttl and the
    SOA, and show a refused input. With CHANGES it applies exactly those to the fake.

    With CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY) and
    CLOUDFLARE_ACCOUNT_ID set, it talks to the real API (or CLOUDFLARE_BASE_URL). It then
    changes exactly what CHANGES ask for, in this order, and nothing else. Without CHANGES it
    only reads: it lists the account's custom nameservers and shows its DNS settings.

CHANGES (each may be given once, --add-ns many times)
    --add-ns NAME[:SET]        POST custom_ns: add the custom nameserver NAME (to set SET)
    --nameservers-type TYPE    PATCH dns_settings zone_defaults.nameservers.type
                               (TYPES)
    --ns-ttl SECONDS           PATCH zone_defaults.ns_ttl
    --zone-mode MODE           PATCH zone_defaults.zone_mode (MODES)
    --soa-rname NAME           PATCH zone_defaults.soa.rname
    --soa-ttl SECONDS          PATCH zone_defaults.soa.ttl
    --soa-mname NAME|null      PATCH zone_defaults.soa.mname (null: Cloudflare assigns it)
    All PATCH fields go in one request holding only those fields. A value the API would
    refuse (a set, a TTL out of range) is refused first, naming the field and the rule.

    -h, --help                 show this text and change nothing
";

#[derive(Default)]
struct Changes {
    add: Vec<(String, Option<u8>)>,
    nameservers_type: Option<NameserverType>,
    ns_ttl: Option<u32>,
    zone_mode: Option<ZoneMode>,
    soa_rname: Option<String>,
    soa_ttl: Option<u32>,
    soa_mname: Option<Option<String>>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.add.is_empty() && !self.patches()
    }

    fn patches(&self) -> bool {
        self.nameservers_type.is_some()
            || self.ns_ttl.is_some()
            || self.zone_mode.is_some()
            || self.soa_rname.is_some()
            || self.soa_ttl.is_some()
            || self.soa_mname.is_some()
    }

    fn apply(&self, mut update: UpdateDnsSettings) -> UpdateDnsSettings {
        if let Some(kind) = &self.nameservers_type {
            update = update.zone_defaults_nameservers_type(kind.clone());
        }
        if let Some(ttl) = self.ns_ttl {
            update = update.zone_defaults_ns_ttl(ttl);
        }
        if let Some(mode) = &self.zone_mode {
            update = update.zone_defaults_zone_mode(mode.clone());
        }
        if let Some(rname) = &self.soa_rname {
            update = update.zone_defaults_soa_rname(rname);
        }
        if let Some(ttl) = self.soa_ttl {
            update = update.zone_defaults_soa_ttl(ttl);
        }
        match &self.soa_mname {
            Some(Some(mname)) => update.zone_defaults_soa_mname(mname),
            Some(None) => update.zone_defaults_soa_mname_null(),
            None => update,
        }
    }
}

fn parse(args: Vec<String>) -> Result<Option<Changes>, String> {
    let mut changes = Changes::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{arg} needs a value (see --help)"))?;
        let number = |v: &str| {
            v.parse::<u32>()
                .map_err(|_| format!("{arg} takes a number, not {v:?}"))
        };
        match arg.as_str() {
            "--add-ns" => {
                let (name, set) = match value.split_once(':') {
                    Some((name, set)) => {
                        let set = set
                            .parse::<u8>()
                            .map_err(|_| format!("--add-ns {value}: the set must be a number"))?;
                        (name.to_string(), Some(set))
                    }
                    None => (value, None),
                };
                changes.add.push((name, set));
            }
            "--nameservers-type" => changes.nameservers_type = Some(value.as_str().into()),
            "--ns-ttl" => changes.ns_ttl = Some(number(&value)?),
            "--zone-mode" => changes.zone_mode = Some(value.as_str().into()),
            "--soa-rname" => changes.soa_rname = Some(value),
            "--soa-ttl" => changes.soa_ttl = Some(number(&value)?),
            "--soa-mname" => {
                changes.soa_mname = Some((value != "null").then_some(value));
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    Ok(Some(changes))
}

#[tokio::main]
async fn main() -> ExitCode {
    let changes = match parse(std::env::args().skip(1).collect()) {
        Ok(Some(changes)) => changes,
        Ok(None) => {
            // The values come from the OpenAPI fragment, through the generated enums.
            print!(
                "{}",
                HELP.replace("TYPES", &NameserverType::KNOWN.join(", "))
                    .replace("MODES", &ZoneMode::KNOWN.join(", "))
            );
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("quickstart: {message}");
            return ExitCode::from(2);
        }
    };
    match run(changes).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quickstart: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(changes: Changes) -> Result<(), String> {
    let credentials_set = [ENV_API_TOKEN, ENV_EMAIL, ENV_API_KEY]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()));
    if credentials_set {
        let client = Client::from_env().map_err(|e| e.to_string())?;
        let account = std::env::var("CLOUDFLARE_ACCOUNT_ID")
            .ok()
            .filter(|id| !id.is_empty())
            .ok_or("credentials are set but CLOUDFLARE_ACCOUNT_ID is not")?;
        println!(
            "Using the API at {} for account {account}.",
            client.base_url()
        );
        return apply_or_show(&client, &account, &changes).await;
    }
    let fake = FakeCloudflare::start()
        .await
        .map_err(|e| format!("cannot start the fake API: {e}"))?;
    let client = fake.client().map_err(|e| e.to_string())?;
    println!(
        "No Cloudflare credentials in the environment ({ENV_API_TOKEN}, or {ENV_EMAIL} and {ENV_API_KEY}),"
    );
    println!(
        "so this runs against the embedded fake API at {}: nothing real is touched.\n",
        fake.base_url()
    );
    if changes.is_empty() {
        walkthrough(&client, DEFAULT_ACCOUNT_ID).await
    } else {
        apply_or_show(&client, DEFAULT_ACCOUNT_ID, &changes).await
    }
}

/// Applies exactly the requested changes, or only reads when there are none.
async fn apply_or_show(client: &Client, account: &str, changes: &Changes) -> Result<(), String> {
    if changes.is_empty() {
        println!("No changes requested: reading only.\n");
        let list = client
            .list_custom_nameservers(account)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if list.is_empty() {
            println!("The account has no custom nameservers.");
        }
        for ns in &list {
            println!("custom nameserver {}", describe_ns(ns));
        }
        let settings = client
            .get_dns_settings(account)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        show_settings(&settings);
        return Ok(());
    }
    for (name, set) in &changes.add {
        let mut add = client.add_custom_nameserver(account, name);
        if let Some(set) = set {
            add = add.ns_set(*set);
        }
        let ns = add.send().await.map_err(|e| e.to_string())?;
        println!("added {}", describe_ns(&ns));
    }
    if changes.patches() {
        let settings = changes
            .apply(client.update_dns_settings(account))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!("updated the DNS settings.");
        show_settings(&settings);
    }
    Ok(())
}

/// The offline demo against the fake.
async fn walkthrough(client: &Client, account: &str) -> Result<(), String> {
    println!("1. Add two custom nameservers to set 1 of account {account}:");
    for name in ["ns1.example.com", "ns2.example.com"] {
        let ns = client
            .add_custom_nameserver(account, name)
            .ns_set(1)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        println!("   added {}", describe_ns(&ns));
    }

    println!("\n2. Make new zones use them, with a one-hour NS TTL and our own SOA:");
    let settings = client
        .update_dns_settings(account)
        .zone_defaults_nameservers_type(NameserverType::CustomAccount)
        .zone_defaults_ns_ttl(3600)
        .zone_defaults_soa_rname("hostmaster.example.com")
        .zone_defaults_soa_ttl(1800)
        .zone_defaults_soa_refresh(7200)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    println!("   sent only: nameservers.type, ns_ttl, soa.rname, soa.ttl, soa.refresh");

    println!("\n3. The result:");
    show_settings(&settings);

    println!("\n4. What a refused input looks like:");
    let err = client
        .update_dns_settings(account)
        .zone_defaults_ns_ttl(10)
        .send()
        .await
        .expect_err("an NS TTL of 10 s is below the minimum");
    println!("   ns_ttl 10 -> refused before sending: {err}");
    let err = client
        .add_custom_nameserver(account, "ns1..example.com")
        .send()
        .await
        .expect_err("an empty label is not a hostname");
    println!("   \"ns1..example.com\" -> refused before sending: {err}");
    let err = client
        .add_custom_nameserver(account, "ns1.example.com")
        .ns_set(1)
        .send()
        .await
        .expect_err("the nameserver exists already");
    println!("   adding ns1.example.com again -> the API refused it:");
    println!("     {err}");
    println!(
        "     (status {}, codes {:?}, cf-ray {})",
        err.status().map_or(0, |s| s.as_u16()),
        err.codes(),
        err.cf_ray().unwrap_or("-")
    );
    println!("\nDone. Point the same code at the real API by setting CLOUDFLARE_API_TOKEN and");
    println!("CLOUDFLARE_ACCOUNT_ID; see --help for what it would change there.");
    Ok(())
}

fn describe_ns(ns: &types::CustomNameserver) -> String {
    let records: Vec<String> = ns
        .dns_records
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.type_.as_ref().map_or("?", |t| t.as_str()),
                r.value.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let set = ns.ns_set.to_string();
    format!("{} (set {set}) -> {}", ns.ns_name, records.join(", "))
}

fn show_settings(settings: &types::DnsSettings) {
    let zd = &settings.zone_defaults;
    let secs = |v: Option<u32>| v.map_or("-".to_string(), |v| format!("{v} s"));
    let yes_no = |v: bool| if v { "yes" } else { "no" };
    println!(
        "   new zones: nameservers {}, NS TTL {} s, zone mode {}",
        zd.nameservers.type_, zd.ns_ttl, zd.zone_mode
    );
    println!(
        "   SOA: mname {}, rname {}, ttl {}, refresh {}, retry {}, expire {}, min TTL {}",
        zd.soa.mname.as_deref().unwrap_or("(Cloudflare-assigned)"),
        zd.soa.rname.as_deref().unwrap_or("-"),
        secs(zd.soa.ttl),
        secs(zd.soa.refresh),
        secs(zd.soa.retry),
        secs(zd.soa.expire),
        secs(zd.soa.min_ttl),
    );
    println!(
        "   flatten all CNAMEs: {}, multi-provider: {}, secondary overrides: {}, enforce DNS-only: {}",
        yes_no(zd.flatten_all_cnames),
        yes_no(zd.multi_provider),
        yes_no(zd.secondary_overrides),
        yes_no(settings.enforce_dns_only.unwrap_or(false)),
    );
}
