//! Credentials, and the headers that carry them.
//!
//! Cloudflare accepts an API token (`Authorization: Bearer …`, preferred) or an account
//! email with the global API key (`X-Auth-Email` and `X-Auth-Key`). Exactly one scheme goes
//! on the wire. The token, the key and the email are held in [`secrecy::SecretString`], and
//! the copies kept to redact them (and a proxy's password) in zeroizing buffers, all wiped
//! when dropped. The header values built from them are marked sensitive but live in
//! `http::HeaderValue`, which cannot be wiped (its bytes are shared and immutable), as do
//! the copies reqwest and hyper make to send a request and the proxy URL reqwest keeps. No
//! `Debug` or `Display` output of this crate ever shows them.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::core::error::{BODY_EXCERPT_LIMIT, Error, Result};
use crate::core::text::Secrets;

/// The environment variable holding an API token.
pub const ENV_API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
/// The environment variable holding the account email that goes with a global API key.
pub const ENV_EMAIL: &str = "CLOUDFLARE_EMAIL";
/// The environment variable holding a global API key.
pub const ENV_API_KEY: &str = "CLOUDFLARE_API_KEY";

const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");

/// How the client proves who it is to Cloudflare.
///
/// `Debug` never shows the secret:
///
/// ```
/// use cloudflare_account_dns::Credentials;
/// let credentials = Credentials::api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY");
/// assert_eq!(format!("{credentials:?}"), "Credentials::ApiToken([redacted])");
/// ```
#[derive(Clone)]
pub struct Credentials(Scheme);

#[derive(Clone)]
enum Scheme {
    ApiToken(SecretString),
    ApiKey {
        email: SecretString,
        key: SecretString,
    },
}

impl Credentials {
    /// An API token, sent as `Authorization: Bearer <token>`. Cloudflare's preferred scheme.
    pub fn api_token(token: impl Into<String>) -> Self {
        Self(Scheme::ApiToken(SecretString::from(token.into())))
    }

    /// An account email with its global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    pub fn api_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Self(Scheme::ApiKey {
            email: SecretString::from(email.into()),
            key: SecretString::from(key.into()),
        })
    }

    /// Reads credentials from the environment, as Cloudflare's official SDKs do.
    ///
    /// `CLOUDFLARE_API_TOKEN` wins when it is set; otherwise `CLOUDFLARE_EMAIL` and
    /// `CLOUDFLARE_API_KEY` must both be set. Empty values count as unset.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Credentials::from_env`] over any lookup of variables, for tests and for
    /// configuration systems other than the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if let Some(token) = get(ENV_API_TOKEN) {
            return Ok(Self::api_token(token));
        }
        match (get(ENV_EMAIL), get(ENV_API_KEY)) {
            (Some(email), Some(key)) => Ok(Self::api_key(email, key)),
            (Some(_), None) => Err(Error::Config(format!(
                "{ENV_EMAIL} is set but {ENV_API_KEY} is not; set both, or set {ENV_API_TOKEN}"
            ))),
            (None, Some(_)) => Err(Error::Config(format!(
                "{ENV_API_KEY} is set but {ENV_EMAIL} is not; set both, or set {ENV_API_TOKEN}"
            ))),
            (None, None) => Err(Error::Config(format!(
                "no Cloudflare credentials: set {ENV_API_TOKEN}, or {ENV_EMAIL} and {ENV_API_KEY}"
            ))),
        }
    }

    /// The scheme's name in Cloudflare's OpenAPI document: `api_token` or `api_key`.
    pub fn scheme(&self) -> &'static str {
        match self.0 {
            Scheme::ApiToken(_) => "api_token",
            Scheme::ApiKey { .. } => "api_key",
        }
    }

    /// Builds the header values once, marked sensitive, refusing what cannot be a header.
    pub(crate) fn to_headers(&self) -> Result<AuthHeaders> {
        fn sensitive(field: &str, value: &str) -> Result<HeaderValue> {
            if value.trim().is_empty() {
                return Err(Error::Config(format!("the {field} is empty")));
            }
            let mut header = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!(
                    "the {field} holds characters that cannot go in an HTTP header"
                ))
            })?;
            header.set_sensitive(true);
            Ok(header)
        }
        let mut secrets = Secrets::default();
        match &self.0 {
            Scheme::ApiToken(token) => secrets.add(token.expose_secret().trim().as_bytes()),
            Scheme::ApiKey { email, key } => {
                secrets.add(email.expose_secret().trim().as_bytes());
                secrets.add(key.expose_secret().trim().as_bytes());
            }
        }
        let headers = match &self.0 {
            Scheme::ApiToken(token) => {
                let token = sensitive("API token", token.expose_secret().trim())?;
                let mut bearer = b"Bearer ".to_vec();
                bearer.extend_from_slice(token.as_bytes());
                let mut header = HeaderValue::from_bytes(&bearer)
                    .map_err(|_| Error::Config("the API token is not a valid header".into()))?;
                header.set_sensitive(true);
                vec![(AUTHORIZATION, header)]
            }
            Scheme::ApiKey { email, key } => vec![
                (
                    X_AUTH_EMAIL,
                    sensitive("account email", email.expose_secret().trim())?,
                ),
                (
                    X_AUTH_KEY,
                    sensitive("API key", key.expose_secret().trim())?,
                ),
            ],
        };
        Ok(AuthHeaders { headers, secrets })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Scheme::ApiToken(_) => f.write_str("Credentials::ApiToken([redacted])"),
            Scheme::ApiKey { .. } => {
                f.write_str("Credentials::ApiKey { email: [redacted], key: [redacted] }")
            }
        }
    }
}

/// The authentication headers of a client, built once and marked sensitive, and the
/// secret values that must never appear in anything the crate prints or returns.
#[derive(Clone)]
pub(crate) struct AuthHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
    /// The token, or the email and the key; and a proxy's password, if one was given.
    secrets: Secrets,
}

impl AuthHeaders {
    /// Also redacts this value (a proxy's password) from text the crate shows.
    pub(crate) fn also_redact(&mut self, secret: &str) {
        self.secrets.add(secret.as_bytes());
    }

    /// The length of the longest secret, so that an excerpt cut at a bound can be redacted
    /// before it is cut.
    pub(crate) fn longest_secret(&self) -> usize {
        self.secrets.longest()
    }

    /// Text with every credential value replaced by `[redacted]`.
    pub(crate) fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        self.secrets.redact(text)
    }

    /// Bytes with every credential value replaced by `[redacted]`.
    pub(crate) fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        self.secrets.redact_bytes(bytes)
    }

    /// Cloudflare errors or messages with every credential value redacted from every text
    /// they hold (message, documentation URL, source pointer, `error_chain`, extra fields).
    pub(crate) fn redact_messages(
        &self,
        mut messages: Vec<crate::types::ResponseMessage>,
    ) -> Vec<crate::types::ResponseMessage> {
        fn text(auth: &AuthHeaders, value: &mut String) {
            if let std::borrow::Cow::Owned(redacted) = auth.redact(value) {
                *value = redacted;
            }
        }
        fn json(auth: &AuthHeaders, value: &mut serde_json::Value) {
            match value {
                serde_json::Value::String(s) => text(auth, s),
                serde_json::Value::Array(items) => items.iter_mut().for_each(|v| json(auth, v)),
                serde_json::Value::Object(map) => object(auth, map),
                _ => {}
            }
        }
        fn object(auth: &AuthHeaders, map: &mut serde_json::Map<String, serde_json::Value>) {
            let redacted: serde_json::Map<String, serde_json::Value> = std::mem::take(map)
                .into_iter()
                .map(|(mut key, mut value)| {
                    text(auth, &mut key);
                    json(auth, &mut value);
                    (key, value)
                })
                .collect();
            *map = redacted;
        }
        fn walk(auth: &AuthHeaders, messages: &mut [crate::types::ResponseMessage]) {
            for message in messages {
                text(auth, &mut message.message);
                if let Some(url) = &mut message.documentation_url {
                    text(auth, url);
                }
                if let Some(pointer) = message.source.as_mut().and_then(|s| s.pointer.as_mut()) {
                    text(auth, pointer);
                }
                walk(auth, &mut message.error_chain);
                object(auth, &mut message.extra);
            }
        }
        walk(self, &mut messages);
        messages
    }

    /// Puts this scheme's headers on a request and removes the other scheme's, so that
    /// exactly one scheme goes on the wire.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        for name in [&AUTHORIZATION, &X_AUTH_EMAIL, &X_AUTH_KEY] {
            headers.remove(name);
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// The start of a body for an error (at most [`BODY_EXCERPT_LIMIT`] bytes), redacted
    /// before it is cut, so that a credential across the cut cannot leave half of itself.
    pub(crate) fn excerpt(&self, body: &[u8]) -> String {
        let window = &body[..body.len().min(BODY_EXCERPT_LIMIT + self.longest_secret())];
        let redacted = self.redact_bytes(window);
        let cut = redacted.len().min(BODY_EXCERPT_LIMIT);
        let mut excerpt = String::from_utf8_lossy(&redacted[..cut]).into_owned();
        if redacted.len() > cut || body.len() > window.len() {
            excerpt.push('…');
        }
        excerpt
    }
}

impl fmt::Debug for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.headers
                    .iter()
                    .map(|(name, _)| format!("{name}: [redacted]")),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn token_wins_over_email_and_key() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_API_TOKEN, "tok"),
            (ENV_EMAIL, "a@example.com"),
            (ENV_API_KEY, "key"),
        ]))
        .unwrap();
        assert_eq!(c.scheme(), "api_token");
    }

    #[test]
    fn email_and_key_without_token() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_EMAIL, "a@example.com"),
            (ENV_API_KEY, "key"),
        ]))
        .unwrap();
        assert_eq!(c.scheme(), "api_key");
    }

    #[test]
    fn empty_token_counts_as_unset() {
        let c = Credentials::from_lookup(lookup(&[
            (ENV_API_TOKEN, " "),
            (ENV_EMAIL, "a@example.com"),
            (ENV_API_KEY, "key"),
        ]))
        .unwrap();
        assert_eq!(c.scheme(), "api_key");
    }

    #[test]
    fn half_a_key_pair_names_the_missing_variable() {
        let err = Credentials::from_lookup(lookup(&[(ENV_EMAIL, "a@example.com")])).unwrap_err();
        assert!(err.to_string().contains(ENV_API_KEY), "{err}");
        let err = Credentials::from_lookup(lookup(&[(ENV_API_KEY, "k")])).unwrap_err();
        assert!(err.to_string().contains(ENV_EMAIL), "{err}");
    }

    #[test]
    fn nothing_set_is_a_config_error() {
        let err = Credentials::from_lookup(lookup(&[])).unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(err.to_string().contains(ENV_API_TOKEN));
    }

    #[test]
    fn header_values_are_sensitive_and_debug_is_redacted() {
        let headers = Credentials::api_key("a@example.com", "secret-key")
            .to_headers()
            .unwrap();
        let mut map = HeaderMap::new();
        map.insert(AUTHORIZATION, HeaderValue::from_static("Bearer stale"));
        headers.apply(&mut map);
        assert!(map.get(AUTHORIZATION).is_none());
        assert!(map.get(X_AUTH_KEY).unwrap().is_sensitive());
        assert!(map.get(X_AUTH_EMAIL).unwrap().is_sensitive());
        let debug = format!("{headers:?} {map:?}");
        assert!(!debug.contains("secret-key"), "{debug}");
        assert!(!debug.contains("a@example.com"), "{debug}");
    }

    #[test]
    fn a_newline_in_a_token_is_refused_without_echoing_it() {
        let err = Credentials::api_token("abc\ndef").to_headers().unwrap_err();
        assert!(!err.to_string().contains("abc"), "{err}");
    }
}
