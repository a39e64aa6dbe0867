//! The settings one call may override: timeouts, deadline, retries.

use std::time::Duration;

use crate::core::error::{Error, Result};
use crate::core::retry::RetryPolicy;

/// How one call is sent, apart from what it sends: its connect timeout, per-attempt
/// timeout, deadline and retries, each overriding the client's. Unset, the client's
/// settings apply.
///
/// Give one to a request with `call_options`, or set each on the request itself (every
/// request builder has the same setters, grouped in their own `impl` block). One value can
/// serve many calls:
///
/// ```
/// use std::time::Duration;
/// use cloudflare_account_dns::{CallOptions, Client};
///
/// let client = Client::builder().api_token("token").build()?;
/// let patient = CallOptions::new()
///     .timeout(Duration::from_secs(120))
///     .deadline(Duration::from_secs(600));
/// let request = client
///     .get_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
///     .call_options(patient.clone());
/// # drop(request);
/// # Ok::<(), cloudflare_account_dns::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// How long opening a connection may take.
    pub(crate) connect_timeout: Option<Duration>,
    /// The per-attempt timeout.
    pub(crate) timeout: Option<Duration>,
    /// The overall deadline, across attempts.
    pub(crate) deadline: Option<Duration>,
    /// The deadline as the caller set it, named in errors when it differs from
    /// `deadline`: a composite call gives each of its requests what is left of its whole
    /// deadline, and a timeout should name the whole, not the remainder.
    pub(crate) deadline_as_set: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    /// The caller's opt-in to repeat a POST whose outcome is unknown.
    pub(crate) retry_unknown_outcome: bool,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long opening a connection may take, overriding the client's connect timeout.
    /// Calls with a connect timeout other than the client's share a second pool of
    /// connections, kept for that timeout. Refused (before anything is sent) on a client
    /// built with [`ClientBuilder::reqwest_client`](crate::ClientBuilder::reqwest_client),
    /// whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take, from sending to the end of the response body,
    /// overriding the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long the call may take across all its attempts and waits, overriding the
    /// client's deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// When the call retries, overriding the client's policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// No retries for the call.
    pub fn no_retries(self) -> Self {
        self.retry_policy(RetryPolicy::none())
    }

    /// Retry a request that is not safe to repeat (adding a nameserver) even when it may
    /// already have been applied: after a 5xx, a timeout or a connection lost once the
    /// request was sent. Off by default: Cloudflare may have applied it before the failure,
    /// and a repeat may then fail or apply it twice. With it off, such a failure comes back
    /// at once as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown). Requests that
    /// are safe to repeat are retried as the policy allows either way.
    pub fn retry_when_outcome_unknown(mut self, retry: bool) -> Self {
        self.retry_unknown_outcome = retry;
        self
    }

    /// Refuses a zero timeout or deadline, which would fail every attempt.
    pub(crate) fn check(&self) -> Result<()> {
        crate::core::client::check_durations(self.connect_timeout, self.timeout, self.deadline)
            .map_err(Error::InvalidArgument)
    }
}
