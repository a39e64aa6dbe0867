//! The [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::sync::Semaphore;

use crate::auth::{AuthHeaders, Credentials};
use crate::error::{Error, Result};
use crate::http::HttpClients;
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;

/// Cloudflare's API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// The environment variable that overrides the base URL.
pub const ENV_BASE_URL: &str = "CLOUDFLARE_BASE_URL";
/// The `User-Agent` the client sends unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("cloudflare-account-dns/", env!("CARGO_PKG_VERSION"));
/// How long a connection may take to open, unless told otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one request may take, from sending to the end of the body, unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest response body the client reads before giving up.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// How many requests one client (with all its clones) has in flight at most, unless told
/// otherwise; further calls wait for a free slot.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;

/// A client for Cloudflare's account-level DNS API.
///
/// It has one method per operation of the OpenAPI fragment (generated: see
/// [`operations`](crate::operations)), each returning a request builder that ends in
/// `.send().await`. Cheap to clone (clones share one connection pool), `Send` and `Sync`.
///
/// ```no_run
/// # async fn run() -> Result<(), cloudflare_account_dns::Error> {
/// use cloudflare_account_dns::{Client, NameserverType};
///
/// let client = Client::from_env()?;
/// let ns = client
///     .add_custom_nameserver("023e105f4ecef8ad9ca31a8372d0c353", "ns1.example.com")
///     .ns_set(1)
///     .send()
///     .await?;
/// println!("{} is {}", ns.ns_name, ns.status);
///
/// let settings = client
///     .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
///     .zone_defaults_nameservers_type(NameserverType::CustomAccount)
///     .zone_defaults_ns_ttl(86400)
///     .send()
///     .await?;
/// println!("new zones get {}", settings.zone_defaults.nameservers.type_);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// What every clone of a client shares.
pub(crate) struct Shared {
    pub(crate) base_url: String,
    /// The reqwest clients: the client's own, and one per other connect timeout a call asked for.
    pub(crate) http: HttpClients,
    pub(crate) auth: AuthHeaders,
    pub(crate) scheme: &'static str,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit: Option<RateLimit>,
    /// One permit per request in flight.
    pub(crate) slots: Semaphore,
    pub(crate) max_response_bytes: usize,
}

impl Client {
    /// A builder, for a base URL, user agent, timeouts or your own `reqwest::Client`.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for Cloudflare's API with these credentials and every default.
    pub fn new(credentials: Credentials) -> Result<Self> {
        Self::builder().credentials(credentials).build()
    }

    /// A client configured from the environment: see [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("auth", &self.shared.scheme)
            .field("connect_timeout", &self.shared.http.connect_timeout())
            .field("timeout", &self.shared.timeout)
            .field("deadline", &self.shared.deadline)
            .field("retry", &self.shared.retry)
            .field("rate_limit", &self.shared.rate_limit)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use cloudflare_account_dns::Client;
///
/// let client = Client::builder()
///     .api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY")
///     .base_url("http://127.0.0.1:8787/client/v4/")
///     .user_agent("my-infra-job/1.0")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8787/client/v4");
/// # Ok::<(), cloudflare_account_dns::Error>(())
/// ```
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimit>,
    max_concurrent_requests: Option<usize>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
}

impl ClientBuilder {
    /// A builder configured from the environment.
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `CLOUDFLARE_API_TOKEN` | an API token; wins when set |
    /// | `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY` | an email with its global API key |
    /// | `CLOUDFLARE_BASE_URL` | another base URL, such as a local fake API |
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] over any lookup of variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let base_url = lookup(ENV_BASE_URL).filter(|url| !url.trim().is_empty());
        let credentials = Credentials::from_lookup(lookup)?;
        let mut builder = Self::default().credentials(credentials);
        builder.base_url = base_url;
        Ok(builder)
    }

    /// Authenticate with an API token (`Authorization: Bearer …`).
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::api_token(token))
    }

    /// Authenticate with an account email and its global API key.
    pub fn api_key(self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials(Credentials::api_key(email, key))
    }

    /// Authenticate with these credentials (replacing any set before).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Send requests here instead of `https://api.cloudflare.com/client/v4`. A trailing
    /// slash makes no difference. Plain `http://` is accepted only for loopback addresses,
    /// unless [`ClientBuilder::danger_allow_insecure_http`] says otherwise.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `User-Agent` header (default `cloudflare-account-dns/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Use this `reqwest::Client` (its own connect timeout, proxy and TLS settings apply;
    /// [`ClientBuilder::connect_timeout`] does not, and a call that sets a connect timeout
    /// is refused). Turn off redirects on it: the client treats any redirect as an invalid
    /// response and never follows one with credentials.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How long opening a connection may take (default 5 s). A single call can override it;
    /// it then connects through a second pool of connections, kept for that timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take, from sending to the end of the response body
    /// (default 60 s). A single call can override it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long a whole call may take, across every attempt and wait (default: no limit
    /// beyond the per-attempt timeout and the retry policy). A single call can override it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// When failed attempts are tried again (default [`RetryPolicy::default`]: twice).
    /// See the [`retry`](crate::RetryPolicy) rules for what is safe to repeat.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Never retry: the same as `retry_policy(RetryPolicy::none())`.
    pub fn no_retries(self) -> Self {
        self.retry_policy(RetryPolicy::none())
    }

    /// Limit how many requests start per window, across every clone of the client (default:
    /// no limit). Every attempt counts.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// How many requests the client, with all its clones, has in flight at most (default
    /// [`DEFAULT_MAX_CONCURRENT_REQUESTS`], at least 1). Further calls wait for a free slot,
    /// so a burst of calls reuses a bounded number of connections.
    pub fn max_concurrent_requests(mut self, max: usize) -> Self {
        self.max_concurrent_requests = Some(max);
        self
    }

    /// The largest response body read before giving up (default 8 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Allow a plain `http://` base URL on a host other than loopback. Credentials then
    /// cross the network in clear text; only for networks you trust.
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client. Fails, before anything is sent,
    /// when there are no credentials, the base URL is unusable, a header is invalid, or a
    /// timeout or deadline is zero.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(
                "no Cloudflare credentials: call api_token() or api_key(), or use from_env()"
                    .into(),
            )
        })?;
        crate::transport::check_durations(self.connect_timeout, self.timeout, self.deadline)
            .map_err(|e| Error::Config(format!("{}: {}", e.field, e.rule)))?;
        let auth = credentials.to_headers()?;
        let base_url = normalize_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::Config(format!(
                "the user agent {user_agent:?} cannot go in an HTTP header"
            ))
        })?;
        let http = match self.http {
            Some(http) => HttpClients::supplied(http),
            None => HttpClients::build(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        Ok(Client {
            shared: Arc::new(Shared {
                base_url,
                http,
                scheme: credentials.scheme(),
                auth,
                user_agent,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                deadline: self.deadline,
                retry: self.retry.unwrap_or_default(),
                rate_limit: self.rate_limit,
                slots: Semaphore::new(
                    self.max_concurrent_requests
                        .unwrap_or(DEFAULT_MAX_CONCURRENT_REQUESTS)
                        .clamp(1, Semaphore::MAX_PERMITS),
                ),
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

/// Checks a base URL and drops trailing slashes.
fn normalize_base_url(raw: &str, allow_insecure_http: bool) -> Result<String> {
    let bad = |why: &str| Error::Config(format!("base URL {raw:?} {why}"));
    let url = url::Url::parse(raw.trim()).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or a fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not hold credentials"));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "uses plain http to a host that is not loopback; credentials would travel in \
                 clear text (use https, or danger_allow_insecure_http(true))",
            ));
        }
        _ => return Err(bad("must use https (or http on loopback)")),
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slashes_do_not_matter() {
        for raw in [
            "http://127.0.0.1:9/client/v4",
            "http://127.0.0.1:9/client/v4/",
            "http://127.0.0.1:9/client/v4//",
        ] {
            assert_eq!(
                normalize_base_url(raw, false).unwrap(),
                "http://127.0.0.1:9/client/v4"
            );
        }
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        assert!(normalize_base_url("http://localhost:1/client/v4", false).is_ok());
        assert!(normalize_base_url("http://[::1]:1/client/v4", false).is_ok());
        let err = normalize_base_url("http://api.example.com/client/v4", false).unwrap_err();
        assert!(err.to_string().contains("clear text"), "{err}");
        assert!(normalize_base_url("http://api.example.com/client/v4", true).is_ok());
        assert!(normalize_base_url("ftp://example.com", true).is_err());
        assert!(normalize_base_url("https://example.com/?a=b", false).is_err());
    }

    #[test]
    fn no_credentials_no_client() {
        let err = Client::builder().build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err}");
    }

    #[test]
    fn base_url_from_the_environment() {
        let builder = ClientBuilder::from_lookup(|name| match name {
            "CLOUDFLARE_API_TOKEN" => Some("t".into()),
            "CLOUDFLARE_BASE_URL" => Some("http://127.0.0.1:4/client/v4/".into()),
            _ => None,
        })
        .unwrap();
        let client = builder.build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:4/client/v4");
        let debug = format!("{client:?}");
        assert!(!debug.contains("Bearer"), "{debug}");
    }
}
