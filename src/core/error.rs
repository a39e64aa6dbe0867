//! The crate's one error type, and the details each kind of failure carries.
//!
//! Every failure says what a person needs to act on it: the field and the rule for a
//! refused argument; the HTTP status, every Cloudflare error and the `cf-ray` id for a
//! refused request; the status and an excerpt of the body for a response that is not a
//! Cloudflare envelope. Credentials never appear in any of them.
//!
//! One convention holds for every error: its `Display` tells the whole story, once, and
//! [`std::error::Error::source`] is `None`. So `{}` is enough to act on, and printing the
//! chain (`anyhow`'s `{:#}`) never repeats a cause. Text that came from a server (error
//! messages, body excerpts, `cf-ray`) is shown with control characters escaped, and with
//! any credential value it echoed replaced by `[redacted]`.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::core::text::escape;
use crate::types::ResponseMessage;

/// How many bytes of an unreadable response body an error keeps.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// Cloudflare's code for "Please wait and consider throttling your request speed".
const CODE_THROTTLED: i64 = 971;
/// Cloudflare codes that mean the credentials are missing, malformed, wrong or lack
/// permission: 9106 missing auth headers, 9109 invalid access token, 10000 authentication
/// error, 10001 unauthorized, 6003 invalid request headers with 6102 (X-Auth-Email), 6103
/// (X-Auth-Key) or 6111 (Authorization) in its `error_chain`.
const AUTH_CODES: &[i64] = &[6003, 6102, 6103, 6111, 9106, 9109, 10000, 10001];

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to Cloudflare through this crate.
///
/// `Display` names the class of failure first and holds every cause, once; `source()` is
/// always `None`, so printing the chain (`anyhow`'s `{:#}`) never repeats a cause. Text
/// that came from a server is shown with control characters escaped, and any credential
/// value it echoed is replaced by `[redacted]`.
///
/// Ask it questions rather than matching where you can: [`Error::status`],
/// [`Error::cf_ray`], [`Error::codes`], [`Error::is_rate_limited`],
/// [`Error::is_auth_error`], [`Error::is_timeout`], [`Error::is_invalid_argument`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument broke a rule; nothing was sent.
    #[error(transparent)]
    InvalidArgument(#[from] InvalidArgument),

    /// The client could not be built: no credentials, a bad base URL, and the like. Nothing
    /// was sent.
    #[error("client configuration: {0}")]
    Config(String),

    /// Cloudflare answered with its failure envelope (or with `"success": false`).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered, but not with a Cloudflare envelope this crate can read: an HTML
    /// error page, an empty or truncated body, JSON of the wrong shape, a redirect.
    #[error(transparent)]
    InvalidResponse(Box<InvalidResponse>),

    /// No complete answer arrived in time.
    #[error(transparent)]
    Timeout(Box<TransportError>),

    /// The connection failed: refused, reset, TLS, DNS.
    #[error(transparent)]
    Transport(Box<TransportError>),

    /// A request that is not safe to repeat (adding a nameserver) failed in a way that
    /// leaves open whether Cloudflare applied it: a 5xx, a timeout, or a connection lost
    /// after the request was sent. Look (list the nameservers) before trying again. The
    /// questions ([`Error::status`], [`Error::is_timeout`], …) answer for the failure
    /// inside.
    #[error(transparent)]
    OutcomeUnknown(Box<OutcomeUnknown>),
}

impl Error {
    /// The failure itself: for [`Error::OutcomeUnknown`], the failure inside it.
    fn cause(&self) -> &Error {
        match self {
            Error::OutcomeUnknown(e) => e.cause.cause(),
            other => other,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self.cause() {
            Error::Api(e) => Some(e.status),
            Error::InvalidResponse(e) => Some(e.status),
            Error::Timeout(e) | Error::Transport(e) => e.status,
            Error::InvalidArgument(_) | Error::Config(_) | Error::OutcomeUnknown(_) => None,
        }
    }

    /// The `cf-ray` id of the response, which Cloudflare support asks for.
    pub fn cf_ray(&self) -> Option<&str> {
        match self.cause() {
            Error::Api(e) => e.cf_ray.as_deref(),
            Error::InvalidResponse(e) => e.cf_ray.as_deref(),
            _ => None,
        }
    }

    /// The Cloudflare error codes of the response, outermost first (codes inside an
    /// `error_chain` follow the error they belong to).
    pub fn codes(&self) -> Vec<i64> {
        self.api_error().map(ApiError::codes).unwrap_or_default()
    }

    /// Whether the response carried the Cloudflare error `code`.
    pub fn has_code(&self, code: i64) -> bool {
        self.codes().contains(&code)
    }

    /// The details of a Cloudflare failure envelope, if that is what this is.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self.cause() {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The details of an unknown outcome, with the failure inside, if that is what this is.
    pub fn outcome_unknown(&self) -> Option<&OutcomeUnknown> {
        match self {
            Error::OutcomeUnknown(e) => Some(e),
            _ => None,
        }
    }

    /// The refused argument, if that is what this is.
    pub fn invalid_argument(&self) -> Option<&InvalidArgument> {
        match self {
            Error::InvalidArgument(e) => Some(e),
            _ => None,
        }
    }

    /// Whether Cloudflare refused the request for going too fast (HTTP 429 or code 971).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS) || self.has_code(CODE_THROTTLED)
    }

    /// Whether the credentials are missing, wrong or lack a permission (HTTP 401 or 403, or
    /// one of Cloudflare's authentication codes).
    pub fn is_auth_error(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        ) || self.codes().iter().any(|code| AUTH_CODES.contains(code))
    }

    /// Whether the account or resource was not found (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether no complete answer arrived in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self.cause(), Error::Timeout(_))
    }

    /// Whether the connection itself failed.
    pub fn is_transport(&self) -> bool {
        matches!(self.cause(), Error::Transport(_))
    }

    /// Whether the request may or may not have been applied (see
    /// [`Error::OutcomeUnknown`]): look before trying again.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown(_))
    }

    /// Whether an argument was refused before anything was sent.
    pub fn is_invalid_argument(&self) -> bool {
        matches!(self, Error::InvalidArgument(_))
    }

    /// Whether the server answered with something that is not a Cloudflare envelope.
    pub fn is_invalid_response(&self) -> bool {
        matches!(self.cause(), Error::InvalidResponse(_))
    }

    /// How long the server asked the client to wait (`Retry-After` or `retry-after-ms`).
    /// When the wait was longer than the retry policy allows, the client did not sleep
    /// through it: the error came back at once with the wait here.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.cause() {
            Error::Api(e) => e.retry_after,
            Error::InvalidResponse(e) => e.retry_after,
            _ => None,
        }
    }
}

/// An argument that broke a rule. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid argument `{field}`: {rule}")]
#[non_exhaustive]
pub struct InvalidArgument {
    /// The field's path in the request, such as `zone_defaults.soa.retry` or `account_id`.
    pub field: String,
    /// The rule it broke, in words, with the value where that helps.
    pub rule: String,
}

impl InvalidArgument {
    pub(crate) fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// Cloudflare's answer to a request it refused.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that was called, such as `add_custom_nameserver`.
    pub operation: &'static str,
    /// The HTTP status (a 2xx when the envelope said `"success": false`).
    pub status: StatusCode,
    /// Every error of the envelope, with its code, message, documentation URL, source
    /// pointer, `error_chain` and any field no schema names.
    pub errors: Vec<ResponseMessage>,
    /// The envelope's non-fatal messages.
    pub messages: Vec<ResponseMessage>,
    /// The `cf-ray` id of the response.
    pub cf_ray: Option<String>,
    /// How long the server asked the client to wait, if it said.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// The Cloudflare error codes, outermost first, each followed by its `error_chain`.
    pub fn codes(&self) -> Vec<i64> {
        fn walk(messages: &[ResponseMessage], codes: &mut Vec<i64>) {
            for message in messages {
                codes.push(message.code);
                walk(&message.error_chain, codes);
            }
        }
        let mut codes = Vec::new();
        walk(&self.errors, &mut codes);
        codes
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Cloudflare refused {} (HTTP {}",
            self.operation,
            self.status.as_u16()
        )?;
        if let Some(ray) = &self.cf_ray {
            write!(f, ", cf-ray {}", escape(ray))?;
        }
        f.write_str(")")?;
        if self.errors.is_empty() {
            f.write_str(": no error details in the envelope")?;
        }
        for (i, error) in self.errors.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{} {}", error.code, escape(&error.message))?;
            if let Some(pointer) = error.source.as_ref().and_then(|s| s.pointer.as_deref()) {
                write!(f, " (at {})", escape(pointer))?;
            }
            for inner in &error.error_chain {
                write!(f, " [{} {}]", inner.code, escape(&inner.message))?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A response that is not a Cloudflare envelope this crate can read.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InvalidResponse {
    /// The operation that was called.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// The `cf-ray` id of the response, if it had one.
    pub cf_ray: Option<String>,
    /// What was wrong with it.
    pub reason: String,
    /// The start of the body (at most [`BODY_EXCERPT_LIMIT`] bytes, lossily decoded), with
    /// any credential value it echoed replaced by `[redacted]`. As the server sent it
    /// otherwise: `Display` escapes its control characters.
    pub body_excerpt: String,
    /// How long the server asked the client to wait, if it said.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unreadable response to {} (HTTP {}",
            self.operation,
            self.status.as_u16()
        )?;
        if let Some(ray) = &self.cf_ray {
            write!(f, ", cf-ray {}", escape(ray))?;
        }
        write!(f, "): {}", escape(&self.reason))?;
        if !self.body_excerpt.is_empty() {
            write!(f, "; body starts: {:?}", self.body_excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidResponse {}

/// A failure of the connection, or a deadline that passed.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// The operation that was called.
    pub operation: &'static str,
    /// The HTTP status, if headers arrived before the failure.
    pub status: Option<StatusCode>,
    /// What happened, in words.
    pub reason: String,
    /// The underlying reqwest error, when there is one (see
    /// [`TransportError::reqwest_error`]).
    pub(crate) reqwest: Option<reqwest::Error>,
}

impl TransportError {
    /// **Escape hatch, tied to reqwest 0.13**: the underlying `reqwest::Error`, when there
    /// is one, for code that wants to inspect it. Its causes are already in
    /// [`reason`](Self::reason) (and so in `Display`), and it is not returned by
    /// [`std::error::Error::source`]. Code that uses it depends on the reqwest version this
    /// crate uses (0.13); a future major version of this crate may move to another.
    pub fn reqwest_error(&self) -> Option<&reqwest::Error> {
        self.reqwest.as_ref()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.operation, escape(&self.reason))?;
        if let Some(status) = self.status {
            write!(f, " (after HTTP {} headers)", status.as_u16())?;
        }
        Ok(())
    }
}

/// No `source()`: `Display` already holds every cause.
impl std::error::Error for TransportError {}

/// A failure that leaves open whether the request was applied. See
/// [`Error::OutcomeUnknown`].
#[derive(Debug)]
#[non_exhaustive]
pub struct OutcomeUnknown {
    /// The operation that was called.
    pub operation: &'static str,
    /// How many attempts were made.
    pub attempts: u32,
    /// The failure of the last attempt. Its text is part of this error's `Display`; it is
    /// not returned by [`std::error::Error::source`].
    pub cause: Error,
}

impl fmt::Display for OutcomeUnknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the outcome of {} is unknown: Cloudflare may have applied it; look before \
             trying again (after {} attempt{}): {}",
            self.operation,
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.cause
        )
    }
}

/// No `source()`: `Display` already holds the cause.
impl std::error::Error for OutcomeUnknown {}
/// Words for a failed exchange: the class of failure first, then the causes reqwest and
/// hyper gave, each once, with control characters escaped.
pub(crate) fn explain(error: &reqwest::Error, status: Option<StatusCode>) -> String {
    use std::error::Error as _;
    let mut hyper_error = None;
    let mut causes: Vec<String> = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        if let Some(h) = cause.downcast_ref::<hyper::Error>() {
            hyper_error = Some(h);
        }
        let text = cause.to_string();
        // hyper-util's wrappers ("client error (SendRequest)") say nothing of the cause.
        let wrapper = text.starts_with("client error (") && cause.source().is_some();
        if !wrapper && !text.is_empty() && !causes.iter().any(|seen| seen.contains(&text)) {
            causes.push(text);
        }
        next = cause.source();
    }
    let class = if error.is_connect() {
        "could not connect"
    } else if error.is_timeout() {
        "no complete response in time"
    } else if hyper_error.is_some_and(|h| h.is_parse() || h.is_parse_status()) {
        // hyper's own words follow: "message head is too large", "invalid content-length
        // parsed", "invalid HTTP version parsed"…
        "the server's answer is not valid HTTP"
    } else if hyper_error.is_some_and(|h| h.is_incomplete_message()) {
        if status.is_some() {
            "the connection closed before the end of the response body"
        } else {
            "the connection closed before a complete response"
        }
    } else if status.is_some() {
        "the connection failed while reading the response body"
    } else {
        "the connection failed"
    };
    let mut reason = class.to_string();
    for cause in causes {
        reason.push_str(": ");
        reason.push_str(&crate::core::text::escape(&cause));
    }
    reason
}
