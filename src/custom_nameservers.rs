//! Account custom nameservers: add (`POST /accounts/{account_id}/custom_ns`), list
//! (`GET /accounts/{account_id}/custom_ns`) and delete
//! (`DELETE /accounts/{account_id}/custom_ns/{custom_ns_id}`).

use std::num::NonZeroU8;

use crate::bounds;
use crate::client::Client;
use crate::error::{Error, InvalidArgument, Result};
use crate::response::ApiResponse;
use crate::retry::Repeat;
use crate::transport::{CallContext, CallOptions};
use crate::types;
use crate::validate;

const ADD: &str = "add_account_custom_nameserver";
const LIST: &str = "list_account_custom_nameservers";
const DELETE: &str = "delete_account_custom_nameserver";

/// A request to add a custom nameserver to an account; made by
/// [`Client::add_custom_nameserver`], sent by [`AddCustomNameserver::send`].
///
/// ```no_run
/// # async fn run(client: cloudflare_account_dns::Client) -> Result<(), cloudflare_account_dns::Error> {
/// let ns = client
///     .add_custom_nameserver("023e105f4ecef8ad9ca31a8372d0c353", "ns1.example.com")
///     .ns_set(1)
///     .send()
///     .await?;
/// for record in &ns.dns_records {
///     println!("{:?} {:?}", record.type_, record.value);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct AddCustomNameserver {
    client: Client,
    account_id: String,
    ns_name: String,
    ns_set: Option<u8>,
    options: CallOptions,
}

impl AddCustomNameserver {
    pub(crate) fn new(client: Client, account_id: String, ns_name: String) -> Self {
        Self {
            client,
            account_id,
            ns_name,
            ns_set: None,
            options: CallOptions::default(),
        }
    }

    /// The set (1 to 5) this nameserver belongs to. Unset, it is not sent, and Cloudflare
    /// uses set 1.
    pub fn ns_set(mut self, ns_set: u8) -> Self {
        self.ns_set = Some(ns_set);
        self
    }

    call_option_setters!();

    /// Retry this POST even when it may already have been applied (after a 5xx, a timeout
    /// or a connection lost once the request was sent). Off by default: Cloudflare may have
    /// added the nameserver before the failure, and a repeat then fails as a duplicate. With
    /// it off, such a failure comes back at once as [`Error::OutcomeUnknown`].
    pub fn retry_when_outcome_unknown(mut self, retry: bool) -> Self {
        self.options.retry_unknown_outcome = retry;
        self
    }

    /// The body that [`send`](Self::send) would put on the wire, after the same checks.
    pub fn to_body(&self) -> Result<types::CustomNameserverInput> {
        validate::account_id(&self.account_id)?;
        validate::hostname(bounds::NS_NAME, &self.ns_name)?;
        if let Some(ns_set) = self.ns_set {
            validate::int(bounds::NS_SET, ns_set)?;
        }
        Ok(types::CustomNameserverInput {
            ns_name: types::Hostname::try_from(self.ns_name.as_str())
                .map_err(|e| InvalidArgument::new(bounds::NS_NAME.field, e.to_string()))?,
            ns_set: self.ns_set.and_then(NonZeroU8::new),
        })
    }

    /// Checks the arguments, sends the request and returns the new nameserver.
    pub async fn send(self) -> Result<types::CustomNameserver> {
        self.send_with_details()
            .await
            .map(|response| response.result)
    }

    /// Like [`send`](Self::send), with the envelope's messages and the `cf-ray` id.
    pub async fn send_with_details(self) -> Result<ApiResponse<types::CustomNameserver>> {
        let body = self.to_body()?;
        let account_id = account_id(&self.account_id)?;
        let generated = CallContext::client(&self.client, ADD, Repeat::Unsafe, self.options)?;
        let result = Box::pin(generated.add_account_custom_nameserver(&account_id, &body)).await;
        generated.inner.finish(result)
    }
}

/// The generated path-parameter type, for an id that [`validate::account_id`] accepted.
pub(crate) fn account_id(value: &str) -> Result<types::AccountId> {
    validate::account_id(value)?;
    types::AccountId::try_from(value).map_err(|e| {
        Error::InvalidArgument(InvalidArgument::new(
            bounds::ACCOUNT_ID.field,
            e.to_string(),
        ))
    })
}

/// A request to list an account's custom nameservers; made by
/// [`Client::list_custom_nameservers`], sent by [`ListCustomNameservers::send`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct ListCustomNameservers {
    client: Client,
    account_id: String,
    options: CallOptions,
}

impl ListCustomNameservers {
    pub(crate) fn new(client: Client, account_id: String) -> Self {
        Self {
            client,
            account_id,
            options: CallOptions::default(),
        }
    }

    call_option_setters!();

    /// Checks the account id, sends the request and returns every custom nameserver of
    /// the account.
    pub async fn send(self) -> Result<Vec<types::CustomNameserver>> {
        self.send_with_details()
            .await
            .map(|response| response.result)
    }

    /// Like [`send`](Self::send), with the envelope's messages and the `cf-ray` id.
    pub async fn send_with_details(self) -> Result<ApiResponse<Vec<types::CustomNameserver>>> {
        let account_id = account_id(&self.account_id)?;
        let generated = CallContext::client(&self.client, LIST, Repeat::Safe, self.options)?;
        let result = Box::pin(generated.list_account_custom_nameservers(&account_id)).await;
        generated.inner.finish(result)
    }
}

/// A request to remove a custom nameserver from an account; made by
/// [`Client::delete_custom_nameserver`], sent by [`DeleteCustomNameserver::send`].
///
/// No request body is sent (Cloudflare's schema declares one without a schema).
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct DeleteCustomNameserver {
    client: Client,
    account_id: String,
    ns_name: String,
    options: CallOptions,
}

impl DeleteCustomNameserver {
    pub(crate) fn new(client: Client, account_id: String, ns_name: String) -> Self {
        Self {
            client,
            account_id,
            ns_name,
            options: CallOptions::default(),
        }
    }

    call_option_setters!();

    /// Checks the arguments and removes the nameserver. The name must be a hostname, so it
    /// cannot change the request path either.
    pub async fn send(self) -> Result<()> {
        self.send_with_details()
            .await
            .map(|response| response.result)
    }

    /// Like [`send`](Self::send), with the envelope's messages and the `cf-ray` id.
    pub async fn send_with_details(self) -> Result<ApiResponse<()>> {
        let account_id = account_id(&self.account_id)?;
        validate::hostname(validate::CUSTOM_NS_ID, &self.ns_name)?;
        let ns_name = types::Hostname::try_from(self.ns_name.as_str())
            .map_err(|e| InvalidArgument::new(validate::CUSTOM_NS_ID.field, e.to_string()))?;
        let generated = CallContext::client(&self.client, DELETE, Repeat::Safe, self.options)?;
        let result =
            Box::pin(generated.delete_account_custom_nameserver(&account_id, &ns_name)).await;
        generated.inner.finish(result)
    }
}
