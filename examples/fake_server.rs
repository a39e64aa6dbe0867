//! Runs the fake Cloudflare API as a process, for clients in any language.
//!
//! ```sh
//! cargo run --example fake_server --features fake -- --port 8787
//! curl -s -H "Authorization: Bearer fake-cloudflare-api-token" \
//!   http://127.0.0.1:8787/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings
//! ```
//!
//! Options: `--port N` (default 8787; 0 picks a free port), `--token T`, `--email E`,
//! `--key K`. It listens on 127.0.0.1 only and runs until interrupted.

use cloudflare_account_dns::fake::{DEFAULT_ACCOUNT_ID, FakeCloudflare};

const USAGE: &str = "usage: fake_server [--port N] [--token TOKEN] [--email EMAIL --key KEY]";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = FakeCloudflare::builder().port(8787);
    let mut email = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        builder = match arg.as_str() {
            "--port" => builder.port(value("--port")?.parse()?),
            "--token" => builder.api_token(value("--token")?),
            "--email" => {
                email = Some(value("--email")?);
                builder
            }
            "--key" => {
                let key = value("--key")?;
                let email = email
                    .take()
                    .ok_or(format!("--key needs --email first\n{USAGE}"))?;
                builder.api_key(email, key)
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        };
    }
    let fake = builder.start().await?;
    println!("fake Cloudflare API listening on {}", fake.base_url());
    if let Some(token) = fake.api_token() {
        println!("  API token:      {token}");
    }
    if let Some((email, key)) = fake.api_key() {
        println!("  email and key:  {email} / {key}");
    }
    println!("  an account id:  {DEFAULT_ACCOUNT_ID} (any 1-32 letters and digits work)");
    println!(
        "point a client at it with CLOUDFLARE_BASE_URL={}",
        fake.base_url()
    );
    std::future::pending::<()>().await;
    Ok(())
}
