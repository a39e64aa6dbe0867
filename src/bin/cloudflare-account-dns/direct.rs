//! Direct calls for scripts, `export` and `schema`.

use cloudflare_account_dns::Error;
use serde_json::{Value, json};

use super::args::{Format, Nameservers, Settings};
use super::connect::Target;
use super::exit::{Failure, OK};
use super::files;
use super::output::Output;

fn failed(error: &Error) -> Failure {
    Failure::from_error("", error)
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("results serialize") + "\n"
}

pub async fn nameservers(
    target: &Target,
    out: &mut Output,
    command: &Nameservers,
) -> Result<u8, Failure> {
    let client = &target.client;
    match command {
        Nameservers::List { account_id } => {
            let list = client
                .list_custom_nameservers(account_id)
                .send()
                .await
                .map_err(|e| failed(&e))?;
            for ns in &list {
                let set = format!(" (set {})", ns.ns_set);
                out.text(&format!("{}{set} {}\n", ns.ns_name, ns.status));
            }
            out.json(json!({ "result": list }));
        }
        Nameservers::Add {
            account_id,
            name,
            set,
        } => {
            let ns = client
                .add_custom_nameserver(account_id, name.as_str())
                .set_ns_set(*set)
                .send()
                .await
                .map_err(|e| failed(&e))?;
            out.text(&format!("added {}\n", ns.ns_name));
            for record in &ns.dns_records {
                let kind = serde_json::to_value(&record.type_).unwrap_or(Value::Null);
                out.text(&format!(
                    "  glue: {} {} {} (register it at the registrar)\n",
                    ns.ns_name,
                    kind.as_str().unwrap_or("?"),
                    record.value.as_deref().unwrap_or("?")
                ));
            }
            out.json(json!({ "result": ns }));
        }
        Nameservers::Delete { account_id, name } => {
            client
                .delete_custom_nameserver(account_id, name.as_str())
                .send()
                .await
                .map_err(|e| failed(&e))?;
            out.text(&format!("deleted {name}\n"));
            out.json(json!({ "result": null }));
        }
    }
    Ok(OK)
}

/// `PATH=VALUE`: the value as JSON, or else as a string.
fn field(text: &str) -> Result<(&str, Value), Failure> {
    let (path, value) = text.split_once('=').ok_or_else(|| {
        Failure::invalid(format!(
            "{text:?} is not PATH=VALUE (such as zone_defaults.ns_ttl=3600)"
        ))
    })?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok((path, value))
}

pub async fn settings(
    target: &Target,
    out: &mut Output,
    command: &Settings,
) -> Result<u8, Failure> {
    let client = &target.client;
    let settings = match command {
        Settings::Get { account_id } => client.get_dns_settings(account_id).send().await,
        Settings::Update { account_id, fields } => {
            let mut update = client.update_dns_settings(account_id);
            for text in fields {
                let (path, value) = field(text)?;
                update = update.set_field(path, value);
            }
            update.send().await
        }
    }
    .map_err(|e| failed(&e))?;
    out.text(&pretty(&settings));
    out.json(json!({ "result": settings }));
    Ok(OK)
}

pub async fn export(
    target: &Target,
    out: &mut Output,
    account_ids: &[String],
    format: Format,
) -> Result<u8, Failure> {
    let mut accounts = Vec::new();
    for account_id in account_ids {
        let account = target
            .client
            .export(account_id)
            .await
            .map_err(|e| Failure::from_error(&format!("account {account_id}: "), &e))?;
        accounts.push(account);
    }
    // The declaration itself is the result: with --json, in JSON.
    let format = if out.json { Format::Json } else { format };
    print!("{}", files::render(accounts, format)?);
    Ok(OK)
}

/// The schema itself is the result, also with --json.
pub fn schema() -> u8 {
    let schema = cloudflare_account_dns::converge::declaration_schema();
    print!("{}", pretty(&schema));
    OK
}
