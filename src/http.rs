//! The `reqwest` clients a [`Client`](crate::Client) sends with: the one it was built
//! with, and one per other connect timeout that single calls asked for.
//!
//! reqwest sets the connect timeout on its connector, so a call that wants another one
//! needs another `reqwest::Client`. Those are built on first use, kept (each with its own
//! connection pool, shared by every clone of the client) and reused by later calls with
//! the same timeout.

use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, InvalidArgument, Result};

/// How many connect timeouts other than the client's keep a `reqwest::Client`; past that,
/// the oldest is dropped (its connections close once the calls using it are done).
const KEPT: usize = 8;

pub(crate) struct HttpClients {
    default: reqwest::Client,
    /// The connect timeout `default` was built with; `None` when the caller supplied it.
    connect_timeout: Option<Duration>,
    others: Mutex<Vec<(Duration, reqwest::Client)>>,
}

impl HttpClients {
    /// Clients built by this crate, connecting within `connect_timeout` by default.
    pub(crate) fn build(connect_timeout: Duration) -> Result<Self> {
        Ok(Self::new(build(connect_timeout)?, Some(connect_timeout)))
    }

    /// The caller's own client; its settings are not known, so calls cannot change them.
    pub(crate) fn supplied(client: reqwest::Client) -> Self {
        Self::new(client, None)
    }

    fn new(default: reqwest::Client, connect_timeout: Option<Duration>) -> Self {
        Self {
            default,
            connect_timeout,
            others: Mutex::new(Vec::new()),
        }
    }

    /// The client's connect timeout, when this crate built its `reqwest::Client`.
    pub(crate) fn connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The `reqwest::Client` for a call that may override the connect timeout.
    pub(crate) fn for_call(&self, connect_timeout: Option<Duration>) -> Result<reqwest::Client> {
        let Some(wanted) = connect_timeout.filter(|&t| Some(t) != self.connect_timeout) else {
            return Ok(self.default.clone());
        };
        if self.connect_timeout.is_none() {
            return Err(Error::InvalidArgument(InvalidArgument::new(
                "connect_timeout",
                "cannot be set for one call on a client built with http_client(); set it on \
                 that reqwest::Client",
            )));
        }
        let mut others = self
            .others
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some((_, client)) = others.iter().find(|(t, _)| *t == wanted) {
            return Ok(client.clone());
        }
        let client = build(wanted)?;
        if others.len() == KEPT {
            others.remove(0);
        }
        others.push((wanted, client.clone()));
        Ok(client)
    }
}

/// A `reqwest::Client` as this crate configures it.
fn build(connect_timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Cloudflare's API does not redirect; a redirect would carry the X-Auth-Key header
        // to another host, which reqwest does not strip.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_clients_own_timeout_needs_no_other_client() {
        let clients = HttpClients::build(ms(100)).unwrap();
        clients.for_call(None).unwrap();
        clients.for_call(Some(ms(100))).unwrap();
        assert!(clients.others.lock().unwrap().is_empty());
    }

    #[test]
    fn other_timeouts_are_kept_and_reused_up_to_a_bound() {
        let clients = HttpClients::build(ms(100)).unwrap();
        clients.for_call(Some(ms(200))).unwrap();
        clients.for_call(Some(ms(200))).unwrap();
        assert_eq!(clients.others.lock().unwrap().len(), 1);
        for n in 0..20 {
            clients.for_call(Some(ms(1000 + n))).unwrap();
        }
        let others = clients.others.lock().unwrap();
        assert_eq!(others.len(), KEPT);
        assert_eq!(others.last().unwrap().0, ms(1019), "the newest is kept");
    }

    #[test]
    fn a_supplied_client_refuses_a_per_call_connect_timeout() {
        let clients = HttpClients::supplied(reqwest::Client::new());
        clients.for_call(None).unwrap();
        let err = clients.for_call(Some(ms(100))).unwrap_err();
        assert_eq!(err.invalid_argument().unwrap().field, "connect_timeout");
    }
}
