//! What the generated client holds of a call: a handle to the transport as a trait object,
//! so that generated code depends on this leaf module and not on the transport, which in
//! turn uses the generated client.
//!
//! The contract between the generated client and the transport (stated in full in
//! [`transport`](crate::core::transport)): the transport records the call's outcome once,
//! in the call's outcome cell, and the caller reads that cell first. [`Hooks::send`]
//! returns the last response only so that the generated method can end on it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The response the call's attempts ended with, if one arrived; the outcome itself (a
/// failure too) is in the call's outcome cell.
pub(crate) type Sending<'a> = Pin<Box<dyn Future<Output = Option<reqwest::Response>> + Send + 'a>>;

/// How the requests of one call reach Cloudflare.
pub(crate) trait Hooks: Send + Sync + std::fmt::Debug {
    /// Prepares a request the generated client built: headers, credentials.
    fn prepare(&self, request: &mut reqwest::Request);

    /// Sends it, with the retries it is allowed, and writes the call's outcome cell.
    fn send<'a>(&'a self, http: &'a reqwest::Client, request: reqwest::Request) -> Sending<'a>;
}

/// The generated client's inner value: the call's hooks.
#[derive(Clone, Debug)]
pub(crate) struct Inner(pub(crate) Arc<dyn Hooks>);
