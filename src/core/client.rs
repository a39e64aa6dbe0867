//! The [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::sync::Semaphore;

use crate::core::auth::{AuthHeaders, Credentials};
use crate::core::error::{Error, InvalidArgument, Result};
use crate::core::http::{HttpClients, ProxySetting};
use crate::core::rate_limit::RateLimit;
use crate::core::retry::RetryPolicy;

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
/// The largest [`ClientBuilder::max_response_bytes`] a client takes (1 GiB); a larger
/// setting is lowered to it when the client is built.
pub const MAX_RESPONSE_BYTES_CEILING: usize = 1 << 30;
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
    /// A supplied `reqwest::Client`, and whether the caller declared that it sends through
    /// no proxy.
    http: Option<(reqwest::Client, SuppliedProxy)>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
    rate_limit: Option<RateLimit>,
    max_concurrent_requests: Option<usize>,
    max_response_bytes: Option<usize>,
    allow_insecure_http: bool,
    proxy: Option<String>,
    no_proxy: Option<String>,
}

/// What the caller declared about a supplied `reqwest::Client`'s proxies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SuppliedProxy {
    /// Nothing: it may use one.
    May,
    /// It uses none.
    None,
}

/// The environment variables [`ClientBuilder::from_env`] reads for a proxy, first found
/// wins.
const ENV_HTTPS_PROXY: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
/// The environment variables [`ClientBuilder::from_env`] reads for hosts that bypass the
/// proxy.
const ENV_NO_PROXY: [&str; 2] = ["NO_PROXY", "no_proxy"];

impl ClientBuilder {
    /// A builder configured from the environment.
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `CLOUDFLARE_API_TOKEN` | an API token; wins when set |
    /// | `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY` | an email with its global API key |
    /// | `CLOUDFLARE_BASE_URL` | another base URL, such as a local fake API |
    /// | `HTTPS_PROXY` (or `https_proxy`) | an HTTPS proxy, as [`ClientBuilder::proxy`] |
    /// | `NO_PROXY` (or `no_proxy`) | hosts that bypass it, as [`ClientBuilder::no_proxy`] |
    ///
    /// `HTTP_PROXY`, `http_proxy` and `ALL_PROXY` are never read: the only plain-`http://`
    /// base URLs the client accepts are loopback ones (or ones allowed with
    /// [`ClientBuilder::danger_allow_insecure_http`]), and a proxy for them would see the
    /// credentials in clear text (`HTTP_PROXY` can also be set by a request header in CGI
    /// programs). `ALL_PROXY` often names a SOCKS proxy, which this client does not support.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] over any lookup of variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let base_url = set(ENV_BASE_URL);
        let proxy = ENV_HTTPS_PROXY.iter().find_map(|name| set(name));
        let no_proxy = ENV_NO_PROXY.iter().find_map(|name| set(name));
        let credentials = Credentials::from_lookup(&lookup)?;
        let mut builder = Self::default().credentials(credentials);
        builder.base_url = base_url;
        builder.proxy = proxy;
        builder.no_proxy = no_proxy;
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

    /// **Escape hatch, tied to reqwest 0.13**: send through this `reqwest::Client`. It is
    /// the one place where reqwest's type is part of this crate's API: a caller using it
    /// depends on the reqwest version this crate uses (0.13), and a future major version of
    /// this crate may move to another. Everything else is set on this builder.
    ///
    /// Its own connect timeout, proxy and TLS settings apply: [`ClientBuilder::connect_timeout`],
    /// [`ClientBuilder::proxy`] and [`ClientBuilder::no_proxy`] do not, and a call that sets
    /// a connect timeout is refused.
    ///
    /// The client cannot change how that `reqwest::Client` follows redirects or which
    /// proxies it uses, so [`ClientBuilder::build`] refuses what would let a credential
    /// reach another host or travel in clear text:
    ///
    /// - email + API key credentials: reqwest strips `Authorization` from a redirect to
    ///   another host, but not `X-Auth-Email` and `X-Auth-Key`. Use an API token with your
    ///   own client, or let this crate build its client.
    /// - a plain `http://` base URL: a `reqwest::Client` may use a proxy
    ///   (`reqwest::Client::new()` reads `HTTP_PROXY`), which would see the credentials in
    ///   clear text. The crate cannot ask reqwest which proxies a client has, so it assumes
    ///   one: build your client with `.no_proxy()` and supply it with
    ///   [`ClientBuilder::reqwest_client_without_proxy`], which declares it.
    ///
    /// With an API token, a redirect the `reqwest::Client` follows carries no credential
    /// (reqwest drops `Authorization` when the host, port or scheme changes), and its answer
    /// is never used: the call fails with [`Error::InvalidResponse`]. Build your client with
    /// `redirect(reqwest::redirect::Policy::none())` so that it is not even asked.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some((client, SuppliedProxy::May));
        self
    }

    /// **Escape hatch, tied to reqwest 0.13** (see [`ClientBuilder::reqwest_client`]):
    /// [`ClientBuilder::reqwest_client`] with a `reqwest::Client` that the caller declares
    /// sends through no proxy: built with `reqwest::ClientBuilder::no_proxy()` and no
    /// `.proxy(…)`. The declaration is taken as given (reqwest offers no way to check it),
    /// and it allows a plain `http://` base URL, such as a local fake.
    ///
    /// ```
    /// use cloudflare_account_dns::Client;
    ///
    /// let direct = reqwest::Client::builder().no_proxy().build()?;
    /// let client = Client::builder()
    ///     .api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY")
    ///     .base_url("http://127.0.0.1:8787/client/v4")
    ///     .reqwest_client_without_proxy(direct)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reqwest_client_without_proxy(mut self, client: reqwest::Client) -> Self {
        self.http = Some((client, SuppliedProxy::None));
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

    /// The largest response body read before giving up (default 8 MiB; at most
    /// [`MAX_RESPONSE_BYTES_CEILING`], 1 GiB: a larger value, `usize::MAX` included, is
    /// lowered to it). Memory follows what arrives, never what a server declares: a buffer
    /// starts small and doubles as bytes come in, so a response that declares a huge
    /// `Content-Length` and sends two bytes costs a few KiB.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Send HTTPS requests through this proxy: `http://host:port` or `https://host:port`,
    /// with `user:password@` if it asks for them (the password never appears in errors or
    /// `Debug`). Requests tunnel through it with `CONNECT`, so the proxy sees the API's
    /// host name but never a credential or a byte of the exchange.
    ///
    /// A loopback base URL (such as the fake API) and a plain `http://` base URL never go
    /// through a proxy: a proxy would see an `http://` request's credentials in clear text.
    /// Without this setting the client uses no proxy, unless it was made by
    /// [`ClientBuilder::from_env`] and `HTTPS_PROXY` is set.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Hosts that bypass the proxy, as in `NO_PROXY`: comma-separated host names (each
    /// also matching its subdomains), IP addresses or networks (`10.0.0.0/8`), or `*` for
    /// every host (no proxy at all, whatever [`ClientBuilder::proxy`] or `HTTPS_PROXY`
    /// says).
    pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
        self.no_proxy = Some(hosts.into());
        self
    }

    /// Allow a plain `http://` base URL on a host other than loopback. Credentials then
    /// cross the network in clear text; only for networks you trust.
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client. Fails, before anything is sent,
    /// when there are no credentials, the base URL or the proxy URL is unusable, a header
    /// is invalid, a timeout or deadline is zero, or a supplied `reqwest::Client` could
    /// carry the credentials where they must not go (see [`ClientBuilder::reqwest_client`]).
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(
                "no Cloudflare credentials: call api_token() or api_key(), or use from_env()"
                    .into(),
            )
        })?;
        check_durations(self.connect_timeout, self.timeout, self.deadline)
            .map_err(|e| Error::Config(format!("{}: {}", e.field, e.rule)))?;
        let mut auth = credentials.to_headers()?;
        let base_url = normalize_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL is not a URL: {e}")))?;
        // A proxy only for HTTPS to a host that is not loopback, and not bypassed by `*`.
        let bypass_all = self
            .no_proxy
            .as_deref()
            .is_some_and(|list| list.split(',').any(|host| host.trim() == "*"));
        let proxy = match &self.proxy {
            Some(raw) if !bypass_all && parsed.scheme() == "https" && !is_loopback(&parsed) => {
                let proxy = ProxySetting::parse(raw, self.no_proxy.clone())?;
                for secret in proxy.secrets() {
                    auth.also_redact(&secret);
                }
                Some(proxy)
            }
            Some(raw) => {
                // Checked all the same, so that a typo does not wait for the day it matters.
                ProxySetting::parse(raw, None)?;
                None
            }
            None => None,
        };
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::Config(format!(
                "the user agent {user_agent:?} cannot go in an HTTP header"
            ))
        })?;
        let http = match self.http {
            Some(_) if credentials.scheme() == "api_key" => {
                return Err(Error::Config(
                    "a supplied reqwest::Client cannot be used with email + API key \
                     credentials: if it follows a redirect, X-Auth-Email and X-Auth-Key go to \
                     the other host (reqwest strips only Authorization); use an API token, or \
                     let this crate build its client (proxy() sets a proxy)"
                        .into(),
                ));
            }
            Some((_, SuppliedProxy::May)) if parsed.scheme() == "http" => {
                return Err(Error::Config(
                    "a supplied reqwest::Client may use a proxy (reqwest::Client::new() reads \
                     HTTP_PROXY), which would see the credentials in clear text with a plain \
                     http:// base URL; build it with .no_proxy() and supply it with \
                     reqwest_client_without_proxy()"
                        .into(),
                ));
            }
            Some((http, _)) => HttpClients::supplied(http),
            None => HttpClients::build(
                self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                proxy.clone(),
            )?,
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
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES)
                    .min(MAX_RESPONSE_BYTES_CEILING),
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
            .field("proxy", &self.proxy.as_ref().map(|_| "[set]"))
            .field("no_proxy", &self.no_proxy)
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
        // Not `bad`: it would show the credentials.
        return Err(Error::Config(
            "the base URL must not hold credentials (user:password@)".into(),
        ));
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

/// Refuses a connect timeout, timeout or deadline set to zero.
pub(crate) fn check_durations(
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
) -> std::result::Result<(), InvalidArgument> {
    for (field, value) in [
        ("connect_timeout", connect_timeout),
        ("timeout", timeout),
        ("deadline", deadline),
    ] {
        if value.is_some_and(|value| value.is_zero()) {
            return Err(InvalidArgument::new(field, "must be greater than zero"));
        }
    }
    Ok(())
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
    fn a_proxy_is_used_only_for_https_to_a_host_that_is_not_loopback() {
        let proxied = |base: &str, allow: bool, no_proxy: Option<&str>| {
            let mut builder = Client::builder()
                .api_token("t")
                .base_url(base)
                .danger_allow_insecure_http(allow)
                .proxy("http://user:pw@proxy.corp:3128");
            if let Some(list) = no_proxy {
                builder = builder.no_proxy(list);
            }
            let client = builder.build().unwrap();
            let proxy = client
                .shared
                .http
                .proxy()
                .map(|p| p.url.host_str().unwrap().to_string());
            assert!(!format!("{client:?}").contains("pw"));
            proxy
        };
        assert_eq!(
            proxied(DEFAULT_BASE_URL, false, None).as_deref(),
            Some("proxy.corp")
        );
        assert_eq!(
            proxied("https://127.0.0.1:8443/client/v4", false, None),
            None
        );
        assert_eq!(proxied("https://localhost/client/v4", false, None), None);
        assert_eq!(
            proxied("http://127.0.0.1:8787/client/v4", false, None),
            None
        );
        assert_eq!(
            proxied("http://api.internal.example/client/v4", true, None),
            None
        );
        assert_eq!(
            proxied(DEFAULT_BASE_URL, false, Some("example.com, *")),
            None
        );
        assert!(proxied(DEFAULT_BASE_URL, false, Some("example.com")).is_some());
    }

    #[test]
    fn the_environment_s_http_proxy_is_ignored_and_https_proxy_read() {
        let builder = ClientBuilder::from_lookup(|name| match name {
            "CLOUDFLARE_API_TOKEN" => Some("t".into()),
            "HTTP_PROXY" | "http_proxy" | "ALL_PROXY" => Some("http://wrong.corp:1".into()),
            "https_proxy" => Some("http://right.corp:3128".into()),
            _ => None,
        })
        .unwrap();
        let client = builder.build().unwrap();
        let proxy = client.shared.http.proxy().unwrap();
        assert_eq!(proxy.url.host_str(), Some("right.corp"));
        let client = ClientBuilder::from_lookup(|name| match name {
            "CLOUDFLARE_API_TOKEN" => Some("t".into()),
            "HTTP_PROXY" => Some("http://wrong.corp:1".into()),
            _ => None,
        })
        .unwrap()
        .build()
        .unwrap();
        assert!(client.shared.http.proxy().is_none());
    }

    #[test]
    fn a_base_url_with_credentials_is_refused_without_showing_them() {
        let err = normalize_base_url("https://user:hunter2@api.example.com/client/v4", false)
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
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
