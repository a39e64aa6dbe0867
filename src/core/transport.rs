//! How a generated request reaches Cloudflare, and how its answer becomes a result.
//!
//! The progenitor client builds each request (method, path, JSON body). This module sits in
//! its hooks: it removes the `api-version` header progenitor adds, puts on the credentials
//! and the user agent, applies the timeout, reads the body up to a bound, and records what
//! it saw (status, `cf-ray`, body) in the call's [`CallContext`], so that every failure can
//! be reported with those facts. The `post` hook then stops the generated code, and
//! [`CallContext::finish`] decodes the envelope (into the generated types, by the ranges the
//! fragment declares) from the bytes already read.

use std::fmt;
use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::{AcqRel, Acquire};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use crate::core::client::{Client, Shared};
use crate::core::error::{
    ApiError, Error, InvalidResponse, OutcomeUnknown, Result, TransportError,
};
use crate::core::hooks::{Hooks, Inner, Sending};
use crate::core::response::{ApiResponse, Envelope};
use crate::core::retry::{self, Attempt, Decision, Repeat, RetryPolicy};
use crate::generated::progenitor as generated;
use crate::generated::progenitor::types::FailureEnvelope;

/// The header progenitor puts on every request; Cloudflare's API has no use for it.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");
const CF_RAY: HeaderName = HeaderName::from_static("cf-ray");
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// Settings that one call may override.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// How long opening a connection may take.
    pub(crate) connect_timeout: Option<Duration>,
    /// The per-attempt timeout.
    pub(crate) timeout: Option<Duration>,
    /// The overall deadline, across attempts.
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    /// The caller's opt-in to repeat a POST whose outcome is unknown.
    pub(crate) retry_unknown_outcome: bool,
}

impl CallOptions {
    /// Refuses a zero timeout or deadline, which would fail every attempt.
    fn check(&self) -> Result<()> {
        crate::core::client::check_durations(self.connect_timeout, self.timeout, self.deadline)
            .map_err(Error::InvalidArgument)
    }
}

/// What the transport recorded for the call: the last attempt's outcome, and whether
/// the request may have been applied despite a failure.
struct Recorded {
    outcome: Result<Seen>,
    attempts: u32,
    outcome_unknown: bool,
}

/// How one attempt ended.
enum Exchange {
    /// A whole response: what was seen, and the response (its body read).
    Complete(Seen, reqwest::Response),
    /// A failure, already turned into the caller's error.
    Failed(Error),
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
/// transport saw. It is the generated client's inner value, shared with the call.
pub(crate) struct CallContext {
    shared: Arc<Shared>,
    operation: &'static str,
    repeat: Repeat,
    options: CallOptions,
    outcome: Mutex<Option<Recorded>>,
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
    /// A generated client for one call of `operation`. Fails, before anything is sent,
    /// when the call asks for a connect timeout the client cannot give it.
    pub(crate) fn client(
        client: &Client,
        operation: &'static str,
        repeat: Repeat,
        options: CallOptions,
    ) -> Result<(generated::Client, Arc<CallContext>)> {
        options.check()?;
        let shared = client.shared.clone();
        let http = shared.http.for_call(options.connect_timeout)?;
        let context = Arc::new(CallContext {
            operation,
            repeat,
            options,
            outcome: Mutex::new(None),
            shared,
        });
        let generated = generated::Client::new_with_client(
            &context.shared.base_url,
            http,
            Inner(context.clone()),
        );
        Ok((generated, context))
    }

    fn record(&self, recorded: Recorded) {
        *self
            .outcome
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(recorded);
    }

    fn take(&self) -> Option<Recorded> {
        self.outcome
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take()
    }

    fn transport_error(
        &self,
        error: reqwest::Error,
        status: Option<StatusCode>,
        not_sent: bool,
    ) -> Error {
        let timed_out = error.is_timeout();
        let mut reason = explain(&error, status);
        if not_sent {
            reason.push_str("; nothing was sent");
        }
        let details = Box::new(TransportError {
            operation: self.operation,
            status,
            reason: self.shared.auth.redact(&reason).into_owned(),
            source: Some(error),
        });
        if timed_out {
            Error::Timeout(details)
        } else {
            Error::Transport(details)
        }
    }

    fn timeout(&self, reason: String) -> Error {
        let reason = crate::core::text::escape(&reason).into_owned();
        Error::Timeout(Box::new(TransportError {
            operation: self.operation,
            status: None,
            reason,
            source: None,
        }))
    }

    fn invalid(&self, seen: &Seen, reason: impl Into<String>) -> Error {
        Error::InvalidResponse(Box::new(InvalidResponse {
            operation: self.operation,
            status: seen.status,
            cf_ray: seen.cf_ray.clone(),
            reason: self.shared.auth.redact(&reason.into()).into_owned(),
            body_excerpt: self.shared.auth.excerpt(&seen.body),
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
            errors: self.shared.auth.redact_messages(errors),
            messages: self.shared.auth.redact_messages(messages),
            cf_ray: seen.cf_ray.clone(),
            retry_after: seen.retry_after,
        }))
    }

    /// Sends the request, repeating it as the retry policy and the request's safety allow,
    /// and records the last attempt's outcome.
    /// `http` is the generated client's `reqwest::Client`, chosen for the call's connect
    /// timeout.
    async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Response {
        let span = tracing::debug_span!(
            "cloudflare_request",
            operation = self.operation,
            method = %request.method(),
            path = request.url().path(),
        );
        if span.is_disabled() {
            // No subscriber wants it: no span to enter and leave at every poll.
            return self.attempts(http, request).await;
        }
        self.attempts(http, request).instrument(span).await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Response {
        let shared = &self.shared;
        let policy = self.options.retry.as_ref().unwrap_or(&shared.retry);
        let per_attempt = self.options.timeout.unwrap_or(shared.timeout);
        let budget = self.options.deadline.or(shared.deadline);
        // A deadline too far away to represent is no deadline at all.
        let deadline = budget.and_then(|budget| Instant::now().checked_add(budget));
        let budget = budget.unwrap_or_default();
        // The body, kept to send it again and to know when an attempt starts sending it.
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(Bytes::copy_from_slice);
        let mut request = request;
        let mut retries = 0u32;
        loop {
            let attempts = retries + 1;
            // The copy for a retry; every request this crate builds has a byte body.
            let mut copy = request.try_clone();
            let mut sent = SendState::default();
            if let Some(body) = &body {
                sent = SendState::tracked();
                *request.body_mut() = Some(reqwest::Body::wrap(TrackedBody {
                    data: Some(body.clone()),
                    state: sent.clone(),
                }));
            }

            // A free in-flight slot first, then the rate limit: the request is counted at
            // the moment it really starts, so queued requests never go out in a burst.
            let Some(slot) = within(deadline, shared.slots.acquire()).await else {
                let error = self.timeout(format!(
                    "the deadline of {budget:?} passed while waiting for a free slot among the \
                     client's requests in flight (max_concurrent_requests); nothing was sent"
                ));
                return self.stop(Exchange::Failed(error), attempts, false);
            };
            if let Some(limit) = &shared.rate_limit
                && within(deadline, limit.acquire()).await.is_none()
            {
                let error = self.timeout(format!(
                    "the deadline of {budget:?} passed while waiting for the client-side rate \
                     limit ({} requests per {:?}); nothing was sent",
                    limit.requests(),
                    limit.window()
                ));
                return self.stop(Exchange::Failed(error), attempts, false);
            }

            let (limit, cut_by_deadline) = match deadline {
                Some(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    (per_attempt.min(left), left < per_attempt)
                }
                None => (per_attempt, false),
            };
            let started = Instant::now();
            let (exchange, attempt) =
                match tokio::time::timeout(limit, self.exchange(http, request, &sent)).await {
                    Ok(done) => done,
                    Err(_) => {
                        // Nothing sent yet, and now nothing ever will be: the body refuses
                        // to start once the attempt is abandoned.
                        let not_sent = sent.abandon();
                        let when = if cut_by_deadline {
                            format!("the deadline of {budget:?} passed")
                        } else {
                            format!("the timeout of {limit:?} passed")
                        };
                        if not_sent {
                            let reason = format!(
                                "could not connect: {when} before the request could be sent; \
                                 nothing was sent"
                            );
                            (Exchange::Failed(self.timeout(reason)), Attempt::NotSent)
                        } else {
                            let reason = if cut_by_deadline {
                                format!("{when} before a complete response")
                            } else {
                                format!("no complete response within {limit:?}")
                            };
                            (Exchange::Failed(self.timeout(reason)), Attempt::Lost)
                        }
                    }
                };
            drop(slot);

            let decision = retry::decide(
                self.repeat,
                attempt,
                retries,
                policy,
                self.options.retry_unknown_outcome,
                fastrand::f64(),
            );
            if let (Decision::Retry(delay), Some(at)) = (decision, deadline)
                && Instant::now()
                    .checked_add(delay)
                    .is_none_or(|end| end >= at)
            {
                // The wait would end past the deadline: the error comes back now.
                copy = None;
            }
            let (status, cf_ray) = match &exchange {
                Exchange::Complete(seen, _) => (seen.status.as_u16(), seen.cf_ray.as_deref()),
                Exchange::Failed(error) => {
                    (error.status().map_or(0, |s| s.as_u16()), error.cf_ray())
                }
            };
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            match (decision, copy) {
                (Decision::Retry(delay), Some(copy)) => {
                    tracing::info!(
                        attempt = attempts,
                        status,
                        cf_ray = cf_ray.unwrap_or(""),
                        elapsed_ms,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        outcome = describe(&exchange),
                        "attempt failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    retries += 1;
                    request = copy;
                }
                (decision, _) => {
                    tracing::debug!(
                        attempt = attempts,
                        status,
                        cf_ray = cf_ray.unwrap_or(""),
                        elapsed_ms,
                        outcome = describe(&exchange),
                        "attempt done"
                    );
                    let unknown = match decision {
                        Decision::StopOutcomeUnknown => true,
                        Decision::Stop => false,
                        Decision::Retry(_) => retry::outcome_unknown(self.repeat, attempt),
                    };
                    return self.stop(exchange, attempts, unknown);
                }
            }
        }
    }

    /// Records the final outcome and gives the generated client a response to return.
    fn stop(&self, exchange: Exchange, attempts: u32, outcome_unknown: bool) -> reqwest::Response {
        let (outcome, response) = match exchange {
            // The envelope is decoded by `finish` from the bytes already read; the generated
            // client gets the response back (its body read) and the `post` hook stops it
            // before it decodes anything.
            Exchange::Complete(seen, response) => (Ok(seen), response),
            Exchange::Failed(error) => (Err(error), recorded_failure()),
        };
        self.record(Recorded {
            outcome,
            attempts,
            outcome_unknown,
        });
        response
    }

    /// One attempt: sends the request and reads the body up to the bound. `sent` tells
    /// whether the request's bytes may have left when it fails.
    async fn exchange(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        sent: &SendState,
    ) -> (Exchange, Attempt) {
        let origin = request.url().origin();
        let mut response = match http.execute(request).await {
            Ok(response) => response,
            Err(error) => {
                let attempt = if error.is_builder() {
                    Attempt::Final
                } else if error.is_connect() || sent.abandon() {
                    Attempt::NotSent
                } else {
                    Attempt::Lost
                };
                let not_sent = attempt == Attempt::NotSent;
                return (
                    Exchange::Failed(self.transport_error(error, None, not_sent)),
                    attempt,
                );
            }
        };
        let status = response.status();
        let cf_ray = header_str(response.headers(), CF_RAY);
        let retry_after = retry_after(response.headers());
        let url = response.url();
        if !same_origin(url, &origin) {
            // Only a reqwest::Client supplied by the caller follows redirects. The answer of
            // another host is never used.
            let seen = Seen {
                status,
                cf_ray,
                retry_after,
                body: Bytes::new(),
            };
            let error = self.invalid(
                &seen,
                format!(
                    "the supplied reqwest::Client followed a redirect to {}, another host; \
                     its answer is not used (build that client with redirect::Policy::none())",
                    url.origin().ascii_serialization()
                ),
            );
            return (Exchange::Failed(error), Attempt::Final);
        }
        let limit = self.shared.max_response_bytes;
        let keep = crate::core::error::BODY_EXCERPT_LIMIT + self.shared.auth.longest_secret();
        let attempt = Attempt::Response {
            status: status.as_u16(),
            retry_after,
        };
        match read_bounded(&mut response, limit, keep).await {
            Ok(body) => {
                let seen = Seen {
                    status,
                    cf_ray,
                    retry_after,
                    body,
                };
                (Exchange::Complete(seen, response), attempt)
            }
            Err(BodyError::TooLarge(read)) => {
                let seen = Seen {
                    status,
                    cf_ray,
                    retry_after,
                    body: read,
                };
                let error = self.invalid(
                    &seen,
                    format!("the body is larger than the limit of {limit} bytes"),
                );
                // The status still says what happened to the request: a POST answered by a
                // 5xx may have been applied, whatever the size of the page that says so.
                (Exchange::Failed(error), attempt)
            }
            Err(BodyError::Transport(error)) => (
                Exchange::Failed(self.transport_error(error, Some(status), false)),
                Attempt::Lost,
            ),
        }
    }

    /// Turns what the generated client returned, and what the transport saw, into the
    /// caller's result.
    pub(crate) fn finish<E: Envelope + serde::de::DeserializeOwned>(
        &self,
        result: std::result::Result<ResponseValue<E>, progenitor_client::Error<FailureEnvelope>>,
    ) -> Result<ApiResponse<E::Result>> {
        let Some(recorded) = self.take() else {
            // The request never reached the transport: progenitor refused to build it.
            let reason = match result {
                Err(error) => error.to_string(),
                Ok(_) => "no response was recorded".to_string(),
            };
            return Err(Error::InvalidArgument(
                crate::core::error::InvalidArgument::new("request", reason),
            ));
        };
        let outcome = match recorded.outcome {
            Ok(seen) => self.decode::<E>(seen),
            Err(error) => Err(error),
        };
        match outcome {
            // A 2xx saying `"success": false` is a failure Cloudflare reported: not applied.
            Err(Error::Api(api)) if api.status.is_success() => Err(Error::Api(api)),
            Err(cause) if recorded.outcome_unknown => {
                Err(Error::OutcomeUnknown(Box::new(OutcomeUnknown {
                    operation: self.operation,
                    attempts: recorded.attempts,
                    cause,
                })))
            }
            other => other,
        }
    }

    /// Decodes the envelope as the generated client would (the declared ranges: a success
    /// envelope for 2xx, a failure envelope for 4xx and 5xx), from the body the transport
    /// read, with whole-number floats read as integers.
    fn decode<E: Envelope + serde::de::DeserializeOwned>(
        &self,
        seen: Seen,
    ) -> Result<ApiResponse<E::Result>> {
        let rewritten = crate::core::response::whole_floats_as_integers(&seen.body);
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
                        messages: self.shared.auth.redact_messages(messages),
                        status: seen.status,
                        cf_ray: seen.cf_ray,
                    }),
                    None => Err(self.invalid(&seen, "the envelope says success but has no result")),
                }
            }
            400..=599 => {
                let envelope: FailureEnvelope =
                    serde_json::from_slice(body).map_err(not_an_envelope)?;
                if envelope.success && seen.status.is_success() {
                    // Unreachable in practice: a 2xx decodes as the success envelope.
                    return Err(self.invalid(&seen, "a failure envelope that says success"));
                }
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

impl Hooks for CallContext {
    fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(USER_AGENT, self.shared.user_agent.clone());
        self.shared.auth.apply(headers);
    }

    fn send<'a>(&'a self, http: &'a reqwest::Client, request: reqwest::Request) -> Sending<'a> {
        // Boxed: the attempt loop's state is large, and every future that awaits it
        // inline would grow by that much and be copied as it is moved.
        Box::pin(self.execute(http, request))
    }
}

impl ClientHooks<Inner> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        self.inner().0.prepare(request);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        Ok(self.inner().0.send(self.client(), request).await)
    }

    /// The transport has recorded the outcome, and [`CallContext::finish`] decodes the
    /// envelope from the bytes it read: the generated client stops here, without copying
    /// the headers or decoding the body a second time. (The error never reaches the
    /// caller: `finish` reads the record.)
    async fn post<E>(
        &self,
        _result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        Err(progenitor_client::Error::Custom(String::new()))
    }
}

fn header_str(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}

/// Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date). Any value is safe:
/// a wait too long to represent (infinity included) saturates at `Duration::MAX`, which no
/// retry sleeps through, and a negative, NaN or unreadable value counts as absent.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers.get(RETRY_AFTER_MS).and_then(|v| v.to_str().ok())
        && let Ok(ms) = ms.trim().parse::<f64>()
        && ms >= 0.0
    {
        // `try_from_secs_f64` refuses what does not fit, infinity included: it saturates.
        return Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX));
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: seconds, saturating when there are too many to fit.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether a response's URL is on the request's origin (scheme, host, port), without
/// building the response URL's origin.
fn same_origin(url: &url::Url, origin: &url::Origin) -> bool {
    match origin {
        url::Origin::Tuple(scheme, host, port) => {
            url.scheme() == scheme
                && match (url.host(), host) {
                    (Some(url::Host::Domain(a)), url::Host::Domain(b)) => a == b,
                    (Some(url::Host::Ipv4(a)), url::Host::Ipv4(b)) => a == *b,
                    (Some(url::Host::Ipv6(a)), url::Host::Ipv6(b)) => a == *b,
                    _ => false,
                }
                && url.port_or_known_default() == Some(*port)
        }
        url::Origin::Opaque(_) => false,
    }
}

/// Runs `future` until the deadline, if there is one; `None` when the deadline passed first.
async fn within<F: std::future::Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(at) => tokio::time::timeout_at(at, future).await.ok(),
        None => Some(future.await),
    }
}

/// Whether an attempt's bytes may have left for the server.
///
/// A request with a body sends it through a [`TrackedBody`]. hyper writes the request head
/// into its buffer and polls the body in the same step, before it flushes anything, so
/// until the body is first polled no byte of the request has left. An attempt that fails
/// or times out before that marks the state abandoned, and the body then refuses to start
/// (hyper drops the buffered head with the connection). The two marks race through one
/// compare-and-swap, so "nothing was sent" is exact.
#[derive(Clone, Default)]
struct SendState(Option<Arc<AtomicU8>>);

const IDLE: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

impl SendState {
    /// A state for a request with a body.
    fn tracked() -> Self {
        Self(Some(Arc::new(AtomicU8::new(IDLE))))
    }

    /// The body is about to be written: false when the attempt was abandoned first.
    fn start(&self) -> bool {
        match &self.0 {
            Some(state) => match state.compare_exchange(IDLE, STARTED, AcqRel, Acquire) {
                Ok(_) => true,
                Err(now) => now == STARTED,
            },
            None => true,
        }
    }

    /// The attempt failed: true when nothing was sent, and now nothing ever will be. A
    /// request without a body is not tracked, so it may always have been sent.
    fn abandon(&self) -> bool {
        self.0.as_ref().is_some_and(|state| {
            state
                .compare_exchange(IDLE, ABANDONED, AcqRel, Acquire)
                .is_ok()
        })
    }
}

/// A request body that marks its [`SendState`] when hyper first asks for it.
struct TrackedBody {
    data: Option<Bytes>,
    state: SendState,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<std::result::Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.data.is_some() && !this.state.start() {
            return std::task::Poll::Ready(Some(Err(std::io::Error::other(
                "the attempt was abandoned before its request was sent",
            ))));
        }
        std::task::Poll::Ready(
            this.data
                .take()
                .map(|data| Ok(http_body::Frame::data(data))),
        )
    }

    fn is_end_stream(&self) -> bool {
        // Never "empty" before the first poll, so that hyper always polls it (and the
        // state is always marked) before it sends anything.
        self.data.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

/// Words for a failed exchange: the class of failure first, then the causes reqwest and
/// hyper gave, each once, with control characters escaped.
fn explain(error: &reqwest::Error, status: Option<StatusCode>) -> String {
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

enum BodyError {
    /// Over the limit; the first bytes, kept for an excerpt.
    TooLarge(Bytes),
    Transport(reqwest::Error),
}

/// Reads a body frame by frame, giving up once it passes `limit` bytes, and keeps the first
/// `keep` bytes of a body that does. A body that comes in one frame is kept as it is,
/// without a copy; otherwise the buffer starts at most [`INITIAL_RESERVE`] bytes and
/// doubles as bytes arrive, never past the limit. A declared `Content-Length` only refuses
/// a body over the limit early and caps the last doubling step: it never decides what is
/// reserved, so a server that declares a huge length and sends two bytes costs nothing.
async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
    keep: usize,
) -> std::result::Result<Bytes, BodyError> {
    let declared = response
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge(Bytes::new()));
    }
    // At most the limit, so it fits in usize.
    let declared = declared.map(|len| len as usize);
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    // `chunk` reads the body frame by frame (trailers skipped), leaving the response whole.
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        let read = first.as_ref().map_or(joined.len(), Bytes::len);
        if chunk.len() > limit.saturating_sub(read) {
            let mut excerpt = first.map_or(joined, |b| b.to_vec());
            excerpt.truncate(keep);
            let more = keep.saturating_sub(excerpt.len()).min(chunk.len());
            excerpt.extend_from_slice(&chunk[..more]);
            return Err(BodyError::TooLarge(Bytes::from(excerpt)));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => {
                grow(&mut joined, chunk.len(), declared, limit);
                joined.extend_from_slice(&chunk);
            }
            Some(head) => {
                grow(&mut joined, head.len() + chunk.len(), declared, limit);
                joined.extend_from_slice(&head);
                drop(head);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}

/// The most a body buffer reserves before bytes arrive to fill it.
const INITIAL_RESERVE: usize = 16 * 1024;

/// Makes room for `extra` more bytes, from what has arrived: at least
/// [`INITIAL_RESERVE`], otherwise doubling, never past the declared length (when the bytes
/// fit in it) nor the limit. `buffer.len() + extra` never exceeds the limit (the caller
/// checked), so no step can overflow or reserve more than about twice what arrived.
fn grow(buffer: &mut Vec<u8>, extra: usize, declared: Option<usize>, limit: usize) {
    let needed = buffer.len().saturating_add(extra);
    if needed <= buffer.capacity() {
        return;
    }
    let mut target = needed
        .max(buffer.capacity().saturating_mul(2))
        .max(INITIAL_RESERVE);
    if let Some(len) = declared
        && len >= needed
    {
        target = target.min(len);
    }
    // Close to the limit, go to the limit: one more step just short of it would hold two
    // near-limit buffers at once.
    if target >= limit - limit / 4 {
        target = limit;
    }
    let target = target.max(needed);
    buffer.reserve_exact(target - buffer.len());
}

/// A word for the tracing events about how an attempt ended.
fn describe(exchange: &Exchange) -> &'static str {
    match exchange {
        Exchange::Complete(..) => "response",
        Exchange::Failed(Error::Timeout(_)) => "timeout",
        Exchange::Failed(Error::Transport(_)) => "connection failed",
        Exchange::Failed(_) => "unreadable response",
    }
}

/// What the generated client gets when the real failure is already recorded in the call's
/// context. [`CallContext::finish`] reads the record first, so this response is never
/// shown to anyone; it only lets the generated code run to its end.
fn recorded_failure() -> reqwest::Response {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    reqwest::Response::from(response)
}
