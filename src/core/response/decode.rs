//! A Cloudflare envelope decoded from the bytes the transport read, into the result or
//! the caller's error.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::core::auth::AuthHeaders;
use crate::core::error::{ApiError, Error, InvalidResponse, Result};
use crate::core::response::{ApiResponse, Envelope, whole_floats_as_integers};
use crate::generated::progenitor::types::FailureEnvelope;
use crate::types::ResponseMessage;

/// What the transport saw of a response, its body read.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    pub(crate) status: StatusCode,
    pub(crate) cf_ray: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Bytes,
}

/// Who reports a response's errors: the operation, and the credentials kept out of them.
pub(crate) struct Reporter<'a> {
    pub(crate) operation: &'static str,
    pub(crate) auth: &'a AuthHeaders,
}

impl Reporter<'_> {
    /// A response that is not what the operation expects.
    pub(crate) fn invalid(&self, seen: &Seen, reason: impl Into<String>) -> Error {
        Error::InvalidResponse(Box::new(InvalidResponse {
            operation: self.operation,
            status: seen.status,
            cf_ray: seen.cf_ray.clone(),
            reason: self.auth.redact(&reason.into()).into_owned(),
            body_excerpt: self.auth.excerpt(&seen.body),
            retry_after: seen.retry_after,
        }))
    }

    /// Cloudflare's failure envelope.
    fn api_error(
        &self,
        seen: &Seen,
        errors: Vec<ResponseMessage>,
        messages: Vec<ResponseMessage>,
    ) -> Error {
        Error::Api(Box::new(ApiError {
            operation: self.operation,
            status: seen.status,
            errors: self.auth.redact_messages(errors),
            messages: self.auth.redact_messages(messages),
            cf_ray: seen.cf_ray.clone(),
            retry_after: seen.retry_after,
        }))
    }

    /// Decodes the envelope as the generated client would (the declared ranges: a success
    /// envelope for 2xx, a failure envelope for 4xx and 5xx), with whole-number floats read
    /// as integers.
    pub(crate) fn decode<E: Envelope + serde::de::DeserializeOwned>(
        &self,
        seen: Seen,
    ) -> Result<ApiResponse<E::Result>> {
        let rewritten = whole_floats_as_integers(&seen.body);
        let body: &[u8] = rewritten.as_deref().unwrap_or(&seen.body);
        let not_an_envelope = |error: serde_json::Error| {
            let reason = if seen.body.is_empty() {
                "the body is empty".to_string()
            } else {
                format!("the body is not a Cloudflare envelope: {error}")
            };
            self.invalid(&seen, reason)
        };
        match seen.status.as_u16() {
            200..=299 => {
                let value: E = serde_json::from_slice(body).map_err(not_an_envelope)?;
                let (success, errors, messages, result) = value.into_parts();
                if !success {
                    return Err(self.api_error(&seen, errors, messages));
                }
                match result {
                    Some(result) => Ok(ApiResponse {
                        result,
                        messages: self.auth.redact_messages(messages),
                        status: seen.status,
                        cf_ray: seen.cf_ray,
                    }),
                    None => Err(self.invalid(&seen, "the envelope says success but has no result")),
                }
            }
            400..=599 => {
                let envelope: FailureEnvelope =
                    serde_json::from_slice(body).map_err(not_an_envelope)?;
                Err(self.api_error(&seen, envelope.errors, envelope.messages))
            }
            _ => {
                let reason = if seen.status.is_redirection() {
                    "a redirect, which the client does not follow".to_string()
                } else {
                    format!("an unexpected status {}", seen.status)
                };
                Err(self.invalid(&seen, reason))
            }
        }
    }
}
