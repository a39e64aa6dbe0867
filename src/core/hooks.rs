//! What the generated client holds of a call: a handle to the transport as a trait object,
//! so that generated code depends on this leaf module and not on the transport, which in
//! turn uses the generated client.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The response a call's attempts ended with (failures are recorded by the transport).
pub(crate) type Sending<'a> = Pin<Box<dyn Future<Output = reqwest::Response> + Send + 'a>>;

/// How the requests of one call reach Cloudflare.
pub(crate) trait Hooks: Send + Sync + std::fmt::Debug {
    /// Prepares a request the generated client built: headers, credentials.
    fn prepare(&self, request: &mut reqwest::Request);

    /// Sends it, with the retries it is allowed.
    fn send<'a>(&'a self, http: &'a reqwest::Client, request: reqwest::Request) -> Sending<'a>;
}

/// The generated client's inner value: the call's hooks.
#[derive(Clone, Debug)]
pub(crate) struct Inner(pub(crate) Arc<dyn Hooks>);
