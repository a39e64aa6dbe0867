//! The `reqwest` clients a [`Client`](crate::Client) sends with: the one it was built
//! with, and one per other connect timeout that single calls asked for.
//!
//! reqwest sets the connect timeout on its connector, so a call that wants another one
//! needs another `reqwest::Client`. Those are built on first use, kept (each with its own
//! connection pool, shared by every clone of the client) and reused by later calls with
//! the same timeout.

use std::sync::Mutex;
use std::time::Duration;

use crate::core::error::{Error, InvalidArgument, Result};

/// How many connect timeouts other than the client's keep a `reqwest::Client`; past that,
/// the oldest is dropped (its connections close once the calls using it are done).
const KEPT: usize = 8;

pub(crate) struct HttpClients {
    default: reqwest::Client,
    /// The connect timeout `default` was built with; `None` when the caller supplied it.
    connect_timeout: Option<Duration>,
    /// The proxy the clients this crate builds go through, if any.
    proxy: Option<ProxySetting>,
    others: Mutex<Vec<(Duration, reqwest::Client)>>,
}

/// An HTTPS proxy, and the hosts that bypass it.
#[derive(Clone, Debug)]
pub(crate) struct ProxySetting {
    /// The proxy's URL, checked: `http://` or `https://`, a host, nothing after it.
    pub(crate) url: url::Url,
    /// A `NO_PROXY`-style list of hosts that bypass the proxy.
    pub(crate) no_proxy: Option<String>,
}

impl ProxySetting {
    /// Checks a proxy URL. The error never shows its password.
    pub(crate) fn parse(raw: &str, no_proxy: Option<String>) -> Result<Self> {
        let shown = |url: &url::Url| {
            let mut url = url.clone();
            let _ = url.set_password(None);
            url.to_string()
        };
        let url = url::Url::parse(raw.trim())
            .map_err(|e| Error::Config(format!("the proxy URL is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::Config(format!(
                "the proxy URL {} must be http://host:port or https://host:port (a SOCKS proxy \
                 is not supported)",
                shown(&url)
            )));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "the proxy URL {} must have nothing after host:port",
                shown(&url)
            )));
        }
        Ok(Self { url, no_proxy })
    }

    /// The proxy's password as written and decoded, to redact from what the crate shows.
    pub(crate) fn secrets(&self) -> Vec<secrecy::zeroize::Zeroizing<String>> {
        let Some(password) = self.url.password() else {
            return Vec::new();
        };
        let decoded = percent_decode(password);
        vec![password.to_string().into(), decoded.into()]
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl HttpClients {
    /// Clients built by this crate, connecting within `connect_timeout` by default, through
    /// `proxy` when there is one.
    pub(crate) fn build(connect_timeout: Duration, proxy: Option<ProxySetting>) -> Result<Self> {
        Ok(Self::new(
            build(connect_timeout, proxy.as_ref())?,
            Some(connect_timeout),
            proxy,
        ))
    }

    /// The caller's own client; its settings are not known, so calls cannot change them.
    pub(crate) fn supplied(client: reqwest::Client) -> Self {
        Self::new(client, None, None)
    }

    fn new(
        default: reqwest::Client,
        connect_timeout: Option<Duration>,
        proxy: Option<ProxySetting>,
    ) -> Self {
        Self {
            default,
            connect_timeout,
            proxy,
            others: Mutex::new(Vec::new()),
        }
    }

    /// The proxy this crate's clients go through, if any.
    #[cfg(test)]
    pub(crate) fn proxy(&self) -> Option<&ProxySetting> {
        self.proxy.as_ref()
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
                "cannot be set for one call on a client built with reqwest_client(); set it on \
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
        let client = build(wanted, self.proxy.as_ref())?;
        if others.len() == KEPT {
            others.remove(0);
        }
        others.push((wanted, client.clone()));
        Ok(client)
    }
}

/// A `reqwest::Client` as this crate configures it: no redirects, and no proxy but the one
/// given (for HTTPS only, through `CONNECT`).
fn build(connect_timeout: Duration, proxy: Option<&ProxySetting>) -> Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        // Cloudflare's API does not redirect; a redirect would carry the X-Auth-Key header
        // to another host, which reqwest does not strip.
        .redirect(reqwest::redirect::Policy::none())
        // reqwest reads HTTP_PROXY, HTTPS_PROXY and ALL_PROXY by default; this crate decides
        // which proxy, if any, a request goes through.
        .no_proxy();
    let builder = match proxy {
        Some(proxy) => {
            // `https` only: an http:// destination never goes through a proxy, which would
            // see its credentials in clear text.
            let mut https = reqwest::Proxy::https(proxy.url.as_str()).map_err(|_| {
                Error::Config("the proxy URL cannot be used by the HTTP client".into())
            })?;
            if let Some(list) = &proxy.no_proxy {
                https = https.no_proxy(reqwest::NoProxy::from_string(list));
            }
            builder.proxy(https)
        }
        None => builder,
    };
    let builder = with_tls(builder)?;
    builder
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// rustls with the crypto provider the crate's features pick: `aws-lc-rs` when that feature
/// is on, otherwise `ring`. The certificates are checked by the platform's verifier, HTTP/1.1
/// is offered by ALPN, TLS 1.2 and 1.3 only: what reqwest's own rustls configuration does,
/// with the provider chosen here rather than installed for the whole process.
#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    use std::sync::Arc;
    #[cfg(feature = "aws-lc-rs")]
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(not(feature = "aws-lc-rs"))]
    let provider = rustls::crypto::ring::default_provider();
    let provider = Arc::new(provider);
    let tls_error = |e: rustls::Error| Error::Config(format!("cannot set up TLS: {e}"));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// Native TLS (or no TLS at all, when no TLS feature is on: then only `http://` URLs, such
/// as the fake's, or a supplied `reqwest::Client` work): reqwest's own setup.
#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_clients_own_timeout_needs_no_other_client() {
        let clients = HttpClients::build(ms(100), None).unwrap();
        clients.for_call(None).unwrap();
        clients.for_call(Some(ms(100))).unwrap();
        assert!(clients.others.lock().unwrap().is_empty());
    }

    #[test]
    fn other_timeouts_are_kept_and_reused_up_to_a_bound() {
        let clients = HttpClients::build(ms(100), None).unwrap();
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
    fn a_proxy_url_is_checked_without_showing_its_password() {
        let proxy = ProxySetting::parse("http://user:s3cr%2Ft@proxy.corp:3128", None).unwrap();
        let secrets = proxy.secrets();
        let shown: Vec<&str> = secrets.iter().map(|s| s.as_str()).collect();
        assert_eq!(shown, ["s3cr%2Ft", "s3cr/t"]);
        for bad in [
            "socks5://user:hunter2@proxy.corp:1080",
            "http://user:hunter2@proxy.corp:3128/path",
            "not a url hunter2",
        ] {
            let err = ProxySetting::parse(bad, None).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn a_supplied_client_refuses_a_per_call_connect_timeout() {
        let clients = HttpClients::supplied(reqwest::Client::new());
        clients.for_call(None).unwrap();
        let err = clients.for_call(Some(ms(100))).unwrap_err();
        assert_eq!(err.invalid_argument().unwrap().field, "connect_timeout");
    }
}
