//! A careful client for Cloudflare's account-level DNS API.
//!
//! Every operation of Cloudflare's schema that the crate covers is a [`Client`] method that
//! returns a request builder, checked before sending and sent by `send().await` (this list is
//! generated from the OpenAPI fragment):
//!
#![doc = include_str!(concat!(env!("OUT_DIR"), "/operation_list.md"))]
//!
//! and [`Client::use_custom_nameservers`] is one call that adds the missing nameservers and
//! switches new zones to them, reporting what it changed.
//!
//! ```no_run
//! use cloudflare_account_dns::{Client, NameserverType};
//!
//! # async fn run() -> Result<(), cloudflare_account_dns::Error> {
//! // CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY.
//! let client = Client::from_env()?;
//! let account = "023e105f4ecef8ad9ca31a8372d0c353";
//!
//! client.add_custom_nameserver(account, "ns1.example.com").ns_set(1).send().await?;
//! client.add_custom_nameserver(account, "ns2.example.com").ns_set(1).send().await?;
//!
//! let settings = client
//!     .update_dns_settings(account)
//!     .zone_defaults_nameservers_type(NameserverType::CustomAccount)
//!     .zone_defaults_ns_ttl(86400)
//!     .send()
//!     .await?;
//! println!("new zones use {}", settings.zone_defaults.nameservers.type_);
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`]. Arguments are checked before anything is sent (the error
//! names the field path and the rule); Cloudflare's failure envelope, and a
//! `"success": false` on a 2xx, become [`Error::Api`] with the HTTP status, every
//! Cloudflare error and the `cf-ray` id; a body that is not an envelope (an HTML 502, an
//! empty or truncated body) becomes [`Error::InvalidResponse`] with the status and an
//! excerpt. Credentials never appear in `Debug` output, errors or logs, even when a server
//! echoes them (they are redacted); server text is shown with control characters escaped;
//! and each error's `Display` holds every cause once (`source()` is `None`).
//!
//! ```
//! # async fn run() {
//! use cloudflare_account_dns::Client;
//!
//! let client = Client::builder().api_token("token").build().unwrap();
//! let err = client
//!     .update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
//!     .zone_defaults_soa_retry(599)
//!     .send()
//!     .await
//!     .unwrap_err();
//! assert_eq!(err.invalid_argument().unwrap().field, "zone_defaults.soa.retry");
//! assert_eq!(
//!     err.to_string(),
//!     "invalid argument `zone_defaults.soa.retry`: must be between 600 and 86400 inclusive (got 599)"
//! );
//! # }
//! ```
//!
//! # Timeouts, retries and rate limits
//!
//! Opening a connection may take 5 s ([`ClientBuilder::connect_timeout`]), each attempt
//! 60 s ([`ClientBuilder::timeout`]), and a call can have an overall
//! [`ClientBuilder::deadline`]; a single call can override each of them (its request
//! builder's call options, or a [`CallOptions`] value). Failed attempts
//! are retried by [`RetryPolicy`] (twice by default) only when a repeat is safe: adding a
//! nameserver is not repeated after a 5xx, a timeout or a connection lost once the request
//! was sent, and its error is then [`Error::OutcomeUnknown`]. `Retry-After` is honoured. A
//! [`RateLimit`] shared by every clone of a client keeps a batch job under Cloudflare's
//! limit, and at most [`DEFAULT_MAX_CONCURRENT_REQUESTS`] requests are in flight unless told
//! otherwise; a request is counted against the rate limit when it really starts. Nothing a
//! server sends and no setting can panic or hang a call: all time arithmetic saturates or is
//! bounded. HTTPS can go through a proxy ([`ClientBuilder::proxy`], or `HTTPS_PROXY` with
//! [`Client::from_env`]) as a `CONNECT` tunnel; loopback and plain-`http://` base URLs never
//! do. Each call is a `tracing` span and each attempt an event in it.
//!
//! # Generated code
//!
//! Everything this crate knows about the API comes from Cloudflare's published OpenAPI
//! schema: a verbatim slice of it (`openapi/upstream/`) and a declared overlay
//! (`openapi/overlay.yaml`, each departure with its reason) make the fragment
//! `openapi/cloudflare-account-dns.json` (`cargo xtask sync-spec` writes it), which
//! the generator in `build/` turns into code at build time: the request and
//! result [`types`] (by progenitor), the open enums ([`NameserverType`], [`ZoneMode`],
//! [`CustomNameserverStatus`], [`DnsRecordType`], and any enum the fragment gains), the
//! request builders in [`operations`] with a setter for every request field, their `Client`
//! methods, and the argument checks. Edit the fragment, not the generated code; the build
//! reruns code generation when anything under `openapi/` changes.

#![warn(missing_docs)]
// On docs.rs (`--cfg docsrs`, see `[package.metadata.docs.rs]`), items that need a feature
// say so.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The call options of a request builder (each has an `options: CallOptions` field), in an
/// `impl` block of their own, so that the docs show them apart from the field setters.
/// `retry_when_outcome_unknown` is there for requests not safe to repeat.
macro_rules! call_option_setters {
    ($builder:ty) => {
        call_option_setters!($builder; );
    };
    ($builder:ty, not_safe_to_repeat) => {
        call_option_setters!($builder;
            /// Retry this request even when it may already have been applied (after a
            /// 5xx, a timeout or a connection lost once the request was sent). Off by
            /// default: Cloudflare may have applied it before the failure, and a repeat
            /// may then fail or apply it twice. With it off, such a failure comes back at
            /// once as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
            pub fn retry_when_outcome_unknown(mut self, retry: bool) -> Self {
                self.options = self.options.retry_when_outcome_unknown(retry);
                self
            }
        );
    };
    ($builder:ty; $($extra:item)*) => {
        /// **Call options**: how this call is sent (timeouts, deadline, retries), apart
        /// from what it sends. Each overrides the client's setting for this call; a
        /// [`CallOptions`](crate::CallOptions) value sets them all at once.
        impl $builder {
            /// Replaces this call's options with `options`.
            pub fn call_options(mut self, options: crate::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// How long opening a connection may take for this call, overriding the
            /// client's connect timeout (see [`CallOptions::connect_timeout`](crate::CallOptions::connect_timeout)).
            pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.connect_timeout(timeout);
                self
            }

            /// How long one attempt of this call may take, from sending to the end of the
            /// response body, overriding the client's timeout.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options = self.options.timeout(timeout);
                self
            }

            /// How long this call may take across all its attempts and waits, overriding
            /// the client's deadline.
            pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
                self.options = self.options.deadline(deadline);
                self
            }

            /// When this call retries, overriding the client's policy.
            pub fn retry_policy(mut self, policy: crate::RetryPolicy) -> Self {
                self.options = self.options.retry_policy(policy);
                self
            }

            /// No retries for this call.
            pub fn no_retries(mut self) -> Self {
                self.options = self.options.no_retries();
                self
            }

            $($extra)*
        }
    };
}

// The layout is the architecture, each layer using only those below it:
//
// - `generated`: what the generator (`build/`) derives from the OpenAPI fragment (progenitor's client and
//   types, the open enums), included and never edited;
// - `core`: the hand-written client core: auth, the client and its settings, transport,
//   retries, rate limits, errors, responses;
// - `request` and `operations`: the per-operation surface: the generated request builders,
//   and the body and checks they share (from the fragment's schema table);
// - `workflows`: calls made of several operations, with the rules a schema cannot say;
// - `fake`: the embedded fake Cloudflare API (feature `fake`).
mod core;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod generated;
pub mod operations;
mod request;
mod workflows;

pub use crate::core::auth::{Credentials, ENV_API_KEY, ENV_API_TOKEN, ENV_EMAIL};
pub use crate::core::call_options::CallOptions;
pub use crate::core::client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, ENV_BASE_URL, MAX_RESPONSE_BYTES_CEILING,
};
pub use crate::core::error::{
    ApiError, BODY_EXCERPT_LIMIT, Error, InvalidArgument, InvalidResponse, OutcomeUnknown, Result,
    TransportError,
};
pub use crate::core::rate_limit::RateLimit;
pub use crate::core::response::ApiResponse;
pub use crate::core::retry::RetryPolicy;
pub use generated::enums::*;
pub use generated::types;
pub use workflows::converge;
pub use workflows::use_custom_nameservers::{CustomNameserversReport, UseCustomNameservers};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
