//! How a generated request reaches Cloudflare, and how its answer becomes a result.
//!
//! The progenitor client builds each request (method, path, JSON body) and decodes each
//! envelope. This module sits in its hooks: it removes the `api-version` header progenitor
//! adds, puts on the credentials and the user agent, applies the timeout, reads the body
//! up to a bound, and records what it saw (status, `cf-ray`, body) in the call's
//! [`CallContext`], so that every failure can be reported with those facts.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, USER_AGENT};

use crate::client::{Client, Shared};
use crate::error::{ApiError, Error, InvalidResponse, Result, TransportError};
use crate::generated;
use crate::response::{ApiResponse, Envelope};
use crate::types::FailureEnvelope;

/// The header progenitor puts on every request; Cloudflare's API has no use for it.
const API_VERSION: &str = "api-version";

/// Settings that one call may override.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    pub(crate) timeout: Option<Duration>,
}

/// What the transport saw of the final response.
#[derive(Clone, Debug)]
struct Seen {
    status: StatusCode,
    cf_ray: Option<String>,
    retry_after: Option<Duration>,
    body: Bytes,
}

/// The context of one call: the client's shared state, the call's options, and what the
/// transport saw. It is the generated client's inner value.
#[derive(Clone)]
pub(crate) struct CallContext {
    shared: Arc<Shared>,
    operation: &'static str,
    options: CallOptions,
    outcome: Arc<Mutex<Option<Result<Seen>>>>,
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl CallContext {
    /// A generated client for one call of `operation`.
    pub(crate) fn client(
        client: &Client,
        operation: &'static str,
        options: CallOptions,
    ) -> generated::Client {
        let shared = client.shared.clone();
        let context = CallContext {
            operation,
            options,
            outcome: Arc::default(),
            shared: shared.clone(),
        };
        generated::Client::new_with_client(&shared.base_url, shared.http.clone(), context)
    }

    fn record(&self, outcome: Result<Seen>) {
        *self
            .outcome
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(outcome);
    }

    fn take(&self) -> Option<Result<Seen>> {
        self.outcome
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take()
    }

    fn transport_error(&self, error: reqwest::Error, status: Option<StatusCode>) -> Error {
        let timed_out = error.is_timeout();
        let reason = if timed_out {
            let limit = self.options.timeout.unwrap_or(self.shared.timeout);
            format!("no complete response within {limit:?}")
        } else if error.is_connect() {
            "could not connect".to_string()
        } else if status.is_some() {
            "the connection failed while reading the response body".to_string()
        } else {
            "the connection failed".to_string()
        };
        let reason = match std::error::Error::source(&error) {
            Some(cause) => format!("{reason}: {cause}"),
            None => reason,
        };
        let details = Box::new(TransportError {
            operation: self.operation,
            status,
            reason,
            source: Some(error),
        });
        if timed_out {
            Error::Timeout(details)
        } else {
            Error::Transport(details)
        }
    }

    fn invalid(&self, seen: &Seen, reason: impl Into<String>) -> Error {
        Error::InvalidResponse(Box::new(InvalidResponse {
            operation: self.operation,
            status: seen.status,
            cf_ray: seen.cf_ray.clone(),
            reason: reason.into(),
            body_excerpt: InvalidResponse::excerpt(&seen.body),
            retry_after: seen.retry_after,
        }))
    }

    fn api_error(
        &self,
        seen: &Seen,
        errors: Vec<crate::types::ResponseMessage>,
        messages: Vec<crate::types::ResponseMessage>,
    ) -> Error {
        Error::Api(Box::new(ApiError {
            operation: self.operation,
            status: seen.status,
            errors,
            messages,
            cf_ray: seen.cf_ray.clone(),
            retry_after: seen.retry_after,
        }))
    }

    /// Sends one request and reads its body up to the bound.
    async fn execute(&self, mut request: reqwest::Request) -> reqwest::Result<reqwest::Response> {
        let timeout = self.options.timeout.unwrap_or(self.shared.timeout);
        *request.timeout_mut() = Some(timeout);
        let method = request.method().clone();
        let path = request.url().path().to_string();

        let response = match self.shared.http.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(operation = self.operation, %method, %path, error = %error, "request failed");
                let mapped = self.transport_error(error, None);
                self.record(Err(mapped));
                return Ok(recorded_failure());
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let cf_ray = header_str(&headers, "cf-ray");
        tracing::debug!(
            operation = self.operation,
            %method,
            %path,
            status = status.as_u16(),
            cf_ray = cf_ray.as_deref().unwrap_or(""),
            "response"
        );
        let retry_after = retry_after(&headers);
        match read_bounded(response, self.shared.max_response_bytes).await {
            Ok(body) => {
                self.record(Ok(Seen {
                    status,
                    cf_ray,
                    retry_after,
                    body: body.clone(),
                }));
                let mut rebuilt = http::Response::new(body);
                *rebuilt.status_mut() = status;
                *rebuilt.headers_mut() = headers;
                Ok(reqwest::Response::from(rebuilt))
            }
            Err(BodyError::TooLarge(read)) => {
                let seen = Seen {
                    status,
                    cf_ray,
                    retry_after,
                    body: read,
                };
                let limit = self.shared.max_response_bytes;
                self.record(Err(self.invalid(
                    &seen,
                    format!("the body is larger than the limit of {limit} bytes"),
                )));
                Ok(recorded_failure())
            }
            Err(BodyError::Transport(error)) => {
                self.record(Err(self.transport_error(error, Some(status))));
                Ok(recorded_failure())
            }
        }
    }

    /// Turns what the generated client returned, and what the transport saw, into the
    /// caller's result.
    pub(crate) fn finish<E: Envelope>(
        &self,
        result: std::result::Result<ResponseValue<E>, progenitor_client::Error<FailureEnvelope>>,
    ) -> Result<ApiResponse<E::Result>> {
        let seen = match self.take() {
            Some(Ok(seen)) => seen,
            Some(Err(error)) => return Err(error),
            None => {
                // The request never reached the transport: progenitor refused to build it.
                let reason = match result {
                    Err(error) => error.to_string(),
                    Ok(_) => "no response was recorded".to_string(),
                };
                return Err(Error::InvalidArgument(crate::error::InvalidArgument::new(
                    "request", reason,
                )));
            }
        };
        match result {
            Ok(value) => {
                let (success, errors, messages, result) = value.into_inner().into_parts();
                if !success {
                    return Err(self.api_error(&seen, errors, messages));
                }
                match result {
                    Some(result) => Ok(ApiResponse {
                        result,
                        messages,
                        status: seen.status,
                        cf_ray: seen.cf_ray,
                    }),
                    None => Err(self.invalid(&seen, "the envelope says success but has no result")),
                }
            }
            Err(progenitor_client::Error::ErrorResponse(value)) => {
                let envelope = value.into_inner();
                if envelope.success && seen.status.is_success() {
                    // Unreachable in practice: a 2xx decodes as the success envelope.
                    return Err(self.invalid(&seen, "a failure envelope that says success"));
                }
                Err(self.api_error(&seen, envelope.errors, envelope.messages))
            }
            Err(progenitor_client::Error::InvalidResponsePayload(_, error)) => {
                let reason = if seen.body.is_empty() {
                    "the body is empty".to_string()
                } else {
                    format!("the body is not a Cloudflare envelope: {error}")
                };
                Err(self.invalid(&seen, reason))
            }
            Err(progenitor_client::Error::UnexpectedResponse(_)) => {
                let reason = if seen.status.is_redirection() {
                    "a redirect, which the client does not follow".to_string()
                } else {
                    format!("an unexpected status {}", seen.status)
                };
                Err(self.invalid(&seen, reason))
            }
            Err(other) => Err(self.invalid(&seen, other.to_string())),
        }
    }
}

impl ClientHooks<CallContext> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        let context = self.inner();
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(USER_AGENT, context.shared.user_agent.clone());
        context.shared.auth.apply(headers);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().execute(request).await
    }
}

fn header_str(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = header_str(headers, "retry-after-ms")
        && let Ok(ms) = ms.trim().parse::<f64>()
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = header_str(headers, "retry-after")?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

enum BodyError {
    TooLarge(Bytes),
    Transport(reqwest::Error),
}

/// Reads a body chunk by chunk, giving up once it passes `limit` bytes.
async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> std::result::Result<Bytes, BodyError> {
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(BodyError::TooLarge(Bytes::new()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            body.truncate(crate::error::BODY_EXCERPT_LIMIT);
            return Err(BodyError::TooLarge(Bytes::from(body)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// What the generated client gets when the real failure is already recorded in the call's
/// context. [`CallContext::finish`] reads the record first, so this response is never
/// shown to anyone; it only lets the generated code run to its end.
fn recorded_failure() -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    reqwest::Response::from(response)
}
