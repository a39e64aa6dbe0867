//! Where the command runs: the real API with the credentials in the environment, or the
//! embedded fake with `--fake`, never one silently in place of the other.

use std::time::Duration;

use cloudflare_account_dns::{
    Client, ClientBuilder, ENV_API_KEY, ENV_API_TOKEN, ENV_BASE_URL, ENV_EMAIL, RateLimit,
};

use super::args::Global;
use super::exit::{Failure, NOT_CONFIGURED};

/// A client, and what keeps the fake alive when there is one.
pub struct Target {
    pub client: Client,
    /// `fake`, or the base URL: what a saved plan records.
    pub name: String,
    /// Whether it is the embedded fake.
    pub fake: bool,
    #[cfg(feature = "fake")]
    _fake: Option<cloudflare_account_dns::fake::FakeCloudflare>,
}

fn set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// The variables that say "the real API": what is set of them.
fn real_api_variables() -> Vec<&'static str> {
    [ENV_API_TOKEN, ENV_EMAIL, ENV_API_KEY, ENV_BASE_URL]
        .into_iter()
        .filter(|name| set(name))
        .collect()
}

fn rate_limit(global: &Global) -> RateLimit {
    RateLimit::new(global.rate_limit, Duration::from_secs(global.rate_window))
}

pub async fn connect(global: &Global) -> Result<Target, Failure> {
    if global.fake {
        let real = real_api_variables();
        if !real.is_empty() {
            return Err(Failure::new(
                NOT_CONFIGURED,
                "ambiguous_target",
                format!(
                    "--fake was given, but {} {} set, which would point at the real API: unset {} to run against the fake, or drop --fake; nothing was sent",
                    real.join(" and "),
                    if real.len() == 1 { "is" } else { "are" },
                    if real.len() == 1 { "it" } else { "them" },
                ),
            ));
        }
        return fake(global).await;
    }
    if !(set(ENV_API_TOKEN) || (set(ENV_EMAIL) && set(ENV_API_KEY))) {
        let half = if set(ENV_EMAIL) || set(ENV_API_KEY) {
            format!(" ({ENV_EMAIL} and {ENV_API_KEY} go together)")
        } else {
            String::new()
        };
        return Err(Failure::new(
            NOT_CONFIGURED,
            "no_credentials",
            format!(
                "no Cloudflare credentials in the environment{half}: set {ENV_API_TOKEN} (or {ENV_EMAIL} and {ENV_API_KEY}) to use the real API, or give --fake to try the command against an embedded fake; nothing was sent"
            ),
        ));
    }
    let client = ClientBuilder::from_env()
        .and_then(|builder| builder.rate_limit(rate_limit(global)).build())
        .map_err(|e| Failure::new(NOT_CONFIGURED, "configuration", e.to_string()))?;
    Ok(Target {
        name: client.base_url().to_string(),
        client,
        fake: false,
        #[cfg(feature = "fake")]
        _fake: None,
    })
}

#[cfg(feature = "fake")]
async fn fake(global: &Global) -> Result<Target, Failure> {
    let server = cloudflare_account_dns::fake::FakeCloudflare::start()
        .await
        .map_err(|e| {
            Failure::new(
                NOT_CONFIGURED,
                "fake",
                format!("cannot start the embedded fake: {e}"),
            )
        })?;
    let client = server
        .client_builder()
        .rate_limit(rate_limit(global))
        .build()
        .map_err(|e| Failure::new(NOT_CONFIGURED, "configuration", e.to_string()))?;
    eprintln!(
        "cloudflare-account-dns: --fake: running against an embedded fake Cloudflare API at {} that starts empty; nothing real is touched",
        server.base_url()
    );
    Ok(Target {
        client,
        name: "fake".into(),
        fake: true,
        _fake: Some(server),
    })
}

#[cfg(not(feature = "fake"))]
async fn fake(_: &Global) -> Result<Target, Failure> {
    Err(Failure::new(
        NOT_CONFIGURED,
        "fake_not_built",
        "--fake needs the embedded fake, which this build does not have: install with `cargo install cloudflare-account-dns --features cli,fake` (or run with `cargo run --features cli,fake --`); nothing was sent",
    ))
}
