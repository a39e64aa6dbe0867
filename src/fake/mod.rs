//! An embedded fake of Cloudflare's account DNS API, for tests and offline demos
//! (feature `fake`).
//!
//! [`FakeCloudflare`] serves the crate's operations over real HTTP on 127.0.0.1, under
//! `/client/v4`, with Cloudflare's envelopes and a `cf-ray` header on every response. It
//! keeps state per account, checks credentials and request bodies as Cloudflare documents
//! them, records what it received (credentials redacted), and can inject faults. Any client
//! that follows Cloudflare's published API works against it, not only this crate's.
//!
//! ```
//! use cloudflare_account_dns::fake::FakeCloudflare;
//! use cloudflare_account_dns::NameserverType;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeCloudflare::start().await?;
//! let client = fake.client()?; // base URL and token of the fake
//! let account = "023e105f4ecef8ad9ca31a8372d0c353";
//!
//! client.add_custom_nameserver(account, "ns1.example.com").ns_set(1).send().await?;
//! client
//!     .update_dns_settings(account)
//!     .zone_defaults_nameservers_type(NameserverType::CustomAccount)
//!     .send()
//!     .await?;
//!
//! assert_eq!(fake.custom_nameservers(account)[0].ns_name, "ns1.example.com");
//! assert_eq!(
//!     fake.dns_settings(account).zone_defaults.nameservers.type_,
//!     NameserverType::CustomAccount
//! );
//! assert_eq!(fake.requests().len(), 2);
//! # Ok(()) }
//! ```
//!
//! # How it answers
//!
//! | request | answer |
//! |---|---|
//! | no credentials | 400, code 9106 "Missing X-Auth-Key, X-Auth-Email or Authorization headers" |
//! | malformed `Authorization` / `X-Auth-Email` / `X-Auth-Key` | 400, code 6003 "Invalid request headers", `error_chain` 6111 / 6102 / 6103 |
//! | a well-formed but wrong token | 403, code 9109 "Invalid access token" |
//! | a wrong email or key | 403, code 10000 "Authentication error" |
//! | an account id that is not 1–32 letters and digits | 404, code 7003 "Could not route to …" |
//! | an unknown path | 404, code 7000 "No route for that URI" |
//! | a body that breaks the schema (wrong type, a bound, an enum value, hostname syntax; fields the schema does not name are accepted and stored, as Cloudflare's schema admits them) | 400, one error per problem, code 1004, `source.pointer` naming the field |
//! | a value Cloudflare is known to refuse (the overlay's `x-known-refusals`: today `zone_defaults.flatten_all_cnames: true`, an account-level default) | Cloudflare's answer: 400, code 1011 "Setting an account-level default for CNAME flattening is not supported." |
//! | adding a nameserver the account already has | 409, code 1409 |
//! | deleting a nameserver the account does not have | 404, code 1404 |
//! | a method a path does not serve | 405, code 10405, with an `Allow` header naming the methods it serves |
//! | a body whose `Content-Type` is missing or not JSON (`application/json`, or `application/…+json`) | 415, code 10415 (checked before the path and the credentials) |
//!
//! The `Bearer` scheme of `Authorization` is matched in any case, as HTTP defines schemes
//! (RFC 9110, section 11.1): `bearer …` works too. The codes mimic those seen from Cloudflare where they are
//! known (9106, 6003 with 6102, 6103 and 6111, 9109, 10000, 7000, 7003, 1004, 971); 1409,
//! 1404, 10405 and 10415 are the fake's own, as Cloudflare publishes no list.
//!
//! Requests are routed, and their bodies checked, from the same OpenAPI fragment the client
//! is generated from: a field the fragment adds is accepted, stored and returned with no
//! change to the fake. A new account starts with example values (see [`default_settings`]):
//! each field's `example` in Cloudflare's schema, else its `default`, else a value its type
//! and bounds allow, except where the overlay states what Cloudflare answers with evidence
//! (`"mname": null` for a primary nameserver it assigns). They are not Cloudflare's
//! defaults. A PATCH merges its body into them, field by field, an explicit `null` included.
//! Any well-formed account id works; its account is created on first use. State changes are
//! atomic per request, and the fake answers concurrent requests.
//!
//! # Bounds: memory, slow clients, connections
//!
//! A fake can run as long as a test suite does at a flat cost:
//!
//! - it remembers at most [`RecordLimits::requests`] recent requests (default 1000; the
//!   [standalone] fake: none unless `--record N`), each body cut to
//!   [`RecordLimits::body_bytes`] (default 64 KiB); [`requests_received`](FakeCloudflare::requests_received)
//!   still counts them all;
//! - it reads request heads of at most 64 KiB (a larger one gets 431) and bodies of at most
//!   1 MiB (413; a malformed chunked body gets 400);
//! - a request head must arrive within the [request timeout](FakeCloudflareBuilder::request_timeout)
//!   (default 10 s) of the connection opening or of the previous answer: a stalled head is
//!   closed with `408 Request Timeout`, an idle keep-alive connection closed silently, and a
//!   body that stalls gets a 408;
//! - it serves at most [`max_connections`](FakeCloudflareBuilder::max_connections) at once
//!   (default 512); more wait in the listen queue.
//!
//! # Control from any language
//!
//! Under `/__fake/`, a path no Cloudflare path can take (they are all under `/client/v4/`),
//! plain HTTP and JSON inject faults, reset or seed accounts and read the recent requests:
//! see [`control`]. [`standalone`] runs the fake as a process, for test suites in any
//! language.

mod check;
pub mod control;
mod fault;
mod record;
mod server;
pub mod standalone;
mod state;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use fault::Fault;
pub use record::{
    DEFAULT_RECORDED_BODY_BYTES, DEFAULT_RECORDED_REQUESTS, ReceivedRequest, RecordLimits,
};
pub use state::{default_settings, default_soa_mname};

use crate::types;
use check::Accepted;
use server::{ConnectionLimits, Shared, lock};

/// How long a client may take to send a request unless told otherwise (see
/// [`FakeCloudflareBuilder::request_timeout`]).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How many connections a fake serves at once unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// The API token a fake accepts unless told otherwise.
pub const DEFAULT_API_TOKEN: &str = "fake-cloudflare-api-token";
/// The account email a fake accepts unless told otherwise.
pub const DEFAULT_EMAIL: &str = "user@example.com";
/// The global API key a fake accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "fake0global0api0key0144c9defac04";
/// An account id to use with the fake (any well-formed id works).
pub const DEFAULT_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// A running fake Cloudflare API on 127.0.0.1. It stops when dropped.
///
/// See the [module documentation](self) for an example and how it answers.
pub struct FakeCloudflare {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: watch::Sender<()>,
}

/// Configures a [`FakeCloudflare`] before it starts.
#[derive(Clone)]
#[must_use]
pub struct FakeCloudflareBuilder {
    port: u16,
    api_token: Option<String>,
    api_key: Option<(String, String)>,
    log_requests: bool,
    record: RecordLimits,
    connections: ConnectionLimits,
    faults: Vec<(Fault, usize)>,
}

impl Default for FakeCloudflareBuilder {
    fn default() -> Self {
        Self {
            port: 0,
            api_token: Some(DEFAULT_API_TOKEN.to_string()),
            api_key: Some((DEFAULT_EMAIL.to_string(), DEFAULT_API_KEY.to_string())),
            log_requests: false,
            record: RecordLimits::default(),
            connections: ConnectionLimits {
                request_timeout: DEFAULT_REQUEST_TIMEOUT,
                max_connections: DEFAULT_MAX_CONNECTIONS,
            },
            faults: Vec::new(),
        }
    }
}

impl fmt::Debug for FakeCloudflareBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeCloudflareBuilder")
            .field("port", &self.port)
            .field("api_token", &self.api_token.as_ref().map(|_| "[redacted]"))
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("log_requests", &self.log_requests)
            .field("record", &self.record)
            .field("connections", &self.connections)
            .field("faults", &self.faults)
            .finish()
    }
}

impl FakeCloudflareBuilder {
    /// Listen on this port of 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Accept this API token (default [`DEFAULT_API_TOKEN`]).
    pub fn api_token(mut self, token: impl Into<String>) -> Self {
        self.api_token = Some(token.into());
        self
    }

    /// Accept this email and global API key (default [`DEFAULT_EMAIL`] and
    /// [`DEFAULT_API_KEY`]).
    pub fn api_key(mut self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.api_key = Some((email.into(), key.into()));
        self
    }

    /// Accept no API token at all.
    pub fn without_api_token(mut self) -> Self {
        self.api_token = None;
        self
    }

    /// Accept no email and key at all.
    pub fn without_api_key(mut self) -> Self {
        self.api_key = None;
        self
    }

    /// Print one line per request to stderr (default `false`): the method, the path, the
    /// status of the answer, the kind of credentials it carried (`token`, `email+key`,
    /// `none`, …, never their values), the client's address and its `User-Agent`. For a
    /// fake running as a process, so that every client it serves shows.
    ///
    /// ```text
    /// fake-cloudflare: GET /client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings -> 200 OK (credentials: token; from 127.0.0.1:40112, user-agent "curl/8.5.0")
    /// ```
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// How much of what it receives the fake remembers for
    /// [`requests`](FakeCloudflare::requests) and `GET /__fake/requests` (default
    /// [`RecordLimits::default`]: the 1000 most recent requests, 64 KiB of each body).
    /// [`RecordLimits::off`] keeps nothing.
    pub fn record(mut self, limits: RecordLimits) -> Self {
        self.record = limits;
        self
    }

    /// How long a client may take to send a request (default
    /// [`DEFAULT_REQUEST_TIMEOUT`], 10 s): its head must be complete within this time of
    /// the connection opening or of the previous answer, and its body within this time of
    /// its head. A connection whose head stalls is closed, with a `408 Request Timeout`
    /// when part of a request arrived; an idle keep-alive connection is closed after the
    /// same time (hyper's header read timeout covers both), and a stalled body gets a 408.
    /// A zero duration is taken as 1 ms.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.connections.request_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How many connections the fake serves at once (default
    /// [`DEFAULT_MAX_CONNECTIONS`]); further ones wait in the operating system's listen
    /// queue until one closes. Zero is taken as one.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.connections.max_connections = max.max(1);
        self
    }

    /// Queues a fault from the start, as [`FakeCloudflare::inject`] would.
    pub fn fault(mut self, fault: Fault, times: usize) -> Self {
        self.faults.push((fault, times));
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeCloudflare> {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(
            Accepted {
                api_token: self.api_token,
                api_key: self.api_key,
            },
            self.log_requests,
            self.record,
            self.connections,
        ));
        {
            let mut faults = lock(&shared.faults);
            for (fault, times) in self.faults {
                faults.extend(std::iter::repeat_n(fault, times));
            }
        }
        let (shutdown, watcher) = watch::channel(());
        tokio::spawn(server::serve(listener, shared.clone(), watcher));
        Ok(FakeCloudflare {
            addr,
            shared,
            _shutdown: shutdown,
        })
    }
}

impl FakeCloudflare {
    /// Starts a fake on a free port of 127.0.0.1 with the default credentials.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder, for a fixed port or other credentials.
    pub fn builder() -> FakeCloudflareBuilder {
        FakeCloudflareBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client: `http://127.0.0.1:<port>/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// The API token it accepts, if any.
    pub fn api_token(&self) -> Option<&str> {
        self.shared.accepted.api_token.as_deref()
    }

    /// The email and global API key it accepts, if any.
    pub fn api_key(&self) -> Option<(&str, &str)> {
        self.shared
            .accepted
            .api_key
            .as_ref()
            .map(|(email, key)| (email.as_str(), key.as_str()))
    }

    /// A client builder pointed at this fake with its credentials (the token when it has
    /// one).
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let builder = crate::Client::builder().base_url(self.base_url());
        match (self.api_token(), self.api_key()) {
            (Some(token), _) => builder.api_token(token),
            (None, Some((email, key))) => builder.api_key(email, key),
            (None, None) => builder,
        }
    }

    /// A client pointed at this fake with its credentials.
    pub fn client(&self) -> crate::Result<crate::Client> {
        self.client_builder().build()
    }

    /// The most recent requests received (at most [`RecordLimits::requests`] of them,
    /// bodies cut to [`RecordLimits::body_bytes`]), oldest first, with credentials
    /// redacted. Requests to the control interface (`/__fake/`) are not recorded.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.record).recent().cloned().collect()
    }

    /// How many requests were received in all, those the record forgot included.
    pub fn requests_received(&self) -> u64 {
        lock(&self.shared.record).received()
    }

    /// The bounds of the record of requests.
    pub fn record_limits(&self) -> RecordLimits {
        lock(&self.shared.record).limits()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.record).clear();
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.shared.open.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Resets an account to a new one's state (the default DNS settings, no custom
    /// nameservers).
    pub fn reset_account(&self, account_id: &str) {
        lock(&self.shared.state).reset_account(account_id);
    }

    /// Resets every account.
    pub fn reset_accounts(&self) {
        lock(&self.shared.state).reset_all();
    }

    /// Answers the next `times` requests that `fault` applies to (all of them, or those of
    /// one [operation](Fault::on_operation) or [method](Fault::on_method)) with it, after
    /// any faults already queued for them.
    pub fn inject(&self, fault: Fault, times: usize) {
        let mut faults = lock(&self.shared.faults);
        faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Forgets the faults not yet used.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The custom nameservers of an account, in the order they were added.
    pub fn custom_nameservers(&self, account_id: &str) -> Vec<types::CustomNameserver> {
        state::typed_nameservers(&lock(&self.shared.state).account(account_id).nameservers)
    }

    /// The DNS settings of an account, as the API would return them.
    pub fn dns_settings_json(&self, account_id: &str) -> serde_json::Value {
        lock(&self.shared.state)
            .account(account_id)
            .settings
            .clone()
    }

    /// The DNS settings of an account.
    ///
    /// # Panics
    ///
    /// If the settings were seeded as JSON that the crate's types cannot read (see
    /// [`seed_dns_settings_json`](Self::seed_dns_settings_json)); use
    /// [`dns_settings_json`](Self::dns_settings_json) then.
    pub fn dns_settings(&self, account_id: &str) -> types::DnsSettings {
        serde_json::from_value(self.dns_settings_json(account_id))
            .expect("the fake's settings decode as the crate's DnsSettings")
    }

    /// Adds a custom nameserver to an account as if a client had; `None` if the account
    /// already has one of that name. The name is not checked.
    pub fn seed_custom_nameserver(
        &self,
        account_id: &str,
        ns_name: &str,
        ns_set: u8,
    ) -> Option<types::CustomNameserver> {
        let body = serde_json::json!({ "ns_name": ns_name, "ns_set": ns_set });
        let ns = lock(&self.shared.state).add(account_id, &body)?;
        serde_json::from_value(ns).ok()
    }

    /// Replaces an account's DNS settings.
    pub fn seed_dns_settings(&self, account_id: &str, settings: types::DnsSettings) {
        let settings = serde_json::to_value(settings).unwrap_or_default();
        self.seed_dns_settings_json(account_id, settings);
    }

    /// Replaces an account's DNS settings with any JSON, such as a response of a newer or
    /// misbehaving API.
    pub fn seed_dns_settings_json(&self, account_id: &str, settings: serde_json::Value) {
        lock(&self.shared.state).account(account_id).settings = settings;
    }
}

impl fmt::Debug for FakeCloudflare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeCloudflare")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}
