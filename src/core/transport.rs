//! How a generated request reaches Cloudflare, and how its answer becomes a result.
//!
//! The progenitor client builds each request (method, path, JSON body) and calls its hooks
//! ([`ClientHooks`], below): `pre` puts on the credentials, the user agent and `Accept`;
//! `exec` hands the request to the transport, which runs the attempt loop. Each attempt is
//! three steps: **acquire** (an in-flight slot, then room under the rate limit),
//! **attempt** (send, and read the body up to a bound), and **next step** (retry after a
//! wait, or stop).
//!
//! # The outcome cell
//!
//! A call's outcome is recorded once, in its [`CallContext`]'s `outcome` cell (a
//! [`OnceLock<Outcome>`]):
//!
//! - **written once, by the transport**, when the attempts end: the last attempt's status,
//!   `cf-ray` and body (already read, up to the bound), or the error it failed with; how
//!   many attempts it took; and whether the request may have been applied despite a
//!   failure;
//! - **read first, by the caller** ([`CallContext::outcome_of`], [`CallContext::finish`]),
//!   which decodes the envelope from the bytes the transport read. What the generated
//!   method returns is read only when the cell is empty, which means the request never
//!   reached the transport (progenitor could not build it).
//!
//! The generated client decodes nothing: progenitor sees the operations' responses without
//! content (`build/progenitor.rs`), so when a response arrived, `exec` returns it and the
//! generated method ends on its status (`ResponseValue<()>`). When none arrived (no
//! connection, a timeout, the deadline), `exec` has nothing to return (it must return a
//! `reqwest::Response` or a `reqwest::Error`, and a timeout is neither), so it never
//! resumes: the caller polls the generated call, finds the cell written, and drops the
//! call. No placeholder response and no hook error stand in for the outcome.
//!
//! What the loop does not own lives beside what it belongs to: the per-call settings in
//! [`call_options`](crate::core::call_options), reading and decoding a response in
//! [`response`](crate::core::response), `Retry-After` in [`retry`](crate::core::retry),
//! the wording of transport errors in [`error`](crate::core::error), and the request body
//! that tells whether it was sent in [`tracked_body`](crate::core::tracked_body).

use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use tokio::time::Instant;
use tracing::Instrument;

use crate::core::call_options::CallOptions;
use crate::core::client::{Client, Shared};
use crate::core::error::{Error, OutcomeUnknown, Result, TransportError, explain};
use crate::core::hooks::{Hooks, Inner, Sending};
use crate::core::response::decode::{Reporter, Seen};
use crate::core::response::read::{BodyError, read_bounded};
use crate::core::response::{ApiResponse, Envelope};
use crate::core::retry::{self, Attempt, Decision, Repeat, RetryPolicy};
use crate::core::tracked_body::{SendState, TrackedBody};
use crate::generated::progenitor as generated;

const CF_RAY: HeaderName = HeaderName::from_static("cf-ray");

/// What the transport recorded for the call (the outcome cell's value): the last attempt's
/// outcome, how many attempts there were, and whether the request may have been applied
/// despite a failure.
struct Outcome {
    result: Result<Seen>,
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

/// What stays the same across the attempts of one call.
struct Plan {
    policy: RetryPolicy,
    /// The timeout of one attempt.
    per_attempt: Duration,
    /// The deadline the caller set for the whole call, as given, for error messages.
    budget: Option<Duration>,
    /// When that deadline passes; `None` without one, or when it is too far away to
    /// represent (no deadline at all, then).
    deadline: Option<Instant>,
    /// The request body, kept to send it again and to know when an attempt sends it.
    body: Option<Bytes>,
    /// The request's method, for events.
    method: reqwest::Method,
}

/// What comes after an attempt.
enum Next {
    /// Wait this long, then send this copy of the request.
    Retry(Duration, reqwest::Request),
    /// The call ends with this exchange; whether its outcome is unknown.
    Stop(Exchange, bool),
}

/// The context of one call: the client's shared state, the call's options, and the cell
/// where the transport records the call's outcome (see the module's docs). It is the
/// generated client's inner value, shared with the caller.
pub(crate) struct CallContext {
    shared: Arc<Shared>,
    operation: &'static str,
    /// The operation's path template, such as `/accounts/{account_id}/custom_ns`.
    path_template: &'static str,
    repeat: Repeat,
    options: CallOptions,
    /// Written once by the transport ([`CallContext::stop`]), read first by the caller.
    outcome: OnceLock<Outcome>,
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
        let path_template = crate::request::schema::OPERATIONS
            .iter()
            .find(|op| op.id == operation)
            .map_or("", |op| op.path);
        let context = Arc::new(CallContext {
            operation,
            path_template,
            repeat,
            options,
            outcome: OnceLock::new(),
            shared,
        });
        let generated = generated::Client::new_with_client(
            &context.shared.base_url,
            http,
            Inner(context.clone()),
        );
        Ok((generated, context))
    }

    fn reporter(&self) -> Reporter<'_> {
        Reporter {
            operation: self.operation,
            auth: &self.shared.auth,
        }
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
            reqwest: Some(error),
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
            reqwest: None,
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
    ) -> Option<reqwest::Response> {
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

    /// The attempt loop: acquire, attempt, next step.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> Option<reqwest::Response> {
        let plan = self.plan(&request);
        let mut retries = 0u32;
        loop {
            let number = retries + 1;
            // The copy a retry sends; every request this crate builds has a byte body, so
            // it can always be copied.
            let copy = request.try_clone();
            let sent = match &plan.body {
                Some(body) => {
                    let sent = SendState::tracked();
                    *request.body_mut() = Some(reqwest::Body::wrap(TrackedBody::new(
                        body.clone(),
                        sent.clone(),
                    )));
                    sent
                }
                None => SendState::default(),
            };
            let in_flight = match self.acquire(&plan).await {
                Ok(in_flight) => in_flight,
                Err(error) => return self.stop(Exchange::Failed(error), number, false),
            };
            let started = Instant::now();
            let (exchange, attempt) = self.attempt(http, request, &sent, &plan).await;
            drop(in_flight);
            match self.next_step(&plan, exchange, attempt, retries, copy, started) {
                Next::Retry(delay, copy) => {
                    tokio::time::sleep(delay).await;
                    retries += 1;
                    request = copy;
                }
                Next::Stop(exchange, unknown) => return self.stop(exchange, number, unknown),
            }
        }
    }

    /// What stays the same across the call's attempts.
    fn plan(&self, request: &reqwest::Request) -> Plan {
        let deadline = self.options.deadline.or(self.shared.deadline);
        Plan {
            policy: self
                .options
                .retry
                .clone()
                .unwrap_or_else(|| self.shared.retry.clone()),
            per_attempt: self.options.timeout.unwrap_or(self.shared.timeout),
            budget: self.options.deadline_as_set.or(deadline),
            deadline: deadline.and_then(|left| Instant::now().checked_add(left)),
            body: request
                .body()
                .and_then(reqwest::Body::as_bytes)
                .map(Bytes::copy_from_slice),
            method: request.method().clone(),
        }
    }

    /// Acquire: a free in-flight slot first, then room under the rate limit, so that the
    /// request is counted at the moment it really starts and queued requests never go out
    /// in a burst. The slot is held until the attempt ends.
    async fn acquire(&self, plan: &Plan) -> Result<Option<tokio::sync::SemaphorePermit<'_>>> {
        let shared = &self.shared;
        let budget = plan.budget.unwrap_or_default();
        let Some(in_flight) = within(plan.deadline, shared.slots.acquire()).await else {
            return Err(self.timeout(format!(
                "the deadline of {budget:?} passed while waiting for a free slot among the \
                 client's requests in flight (max_concurrent_requests); nothing was sent"
            )));
        };
        if let Some(limit) = &shared.rate_limit
            && within(plan.deadline, limit.acquire()).await.is_none()
        {
            return Err(self.timeout(format!(
                "the deadline of {budget:?} passed while waiting for the client-side rate \
                 limit ({} requests per {:?}); nothing was sent",
                limit.requests(),
                limit.window()
            )));
        }
        // The client never closes its semaphore; if it were closed, there would be no slot
        // to hold.
        Ok(in_flight.ok())
    }

    /// Attempt: the exchange, cut at the attempt's timeout or the call's deadline,
    /// whichever comes first.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        sent: &SendState,
        plan: &Plan,
    ) -> (Exchange, Attempt) {
        let left = plan
            .deadline
            .map(|at| at.saturating_duration_since(Instant::now()));
        let limit = left.map_or(plan.per_attempt, |left| plan.per_attempt.min(left));
        let cut_by_deadline = left.is_some_and(|left| left < plan.per_attempt);
        if let Ok(done) = tokio::time::timeout(limit, self.exchange(http, request, sent)).await {
            return done;
        }
        let when = if cut_by_deadline {
            format!(
                "the deadline of {:?} passed",
                plan.budget.unwrap_or_default()
            )
        } else {
            format!("the timeout of {limit:?} passed")
        };
        // Nothing sent yet, and now nothing ever will be: the body refuses to start once
        // the attempt is abandoned.
        if sent.abandon() {
            let reason = format!(
                "could not connect: {when} before the request could be sent; nothing was sent"
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

    /// Next step: retry after a wait, or stop. Every retry, and every stop that gives up
    /// on a failure the policy would retry, is an INFO event naming the operation, the
    /// method and the path template.
    fn next_step(
        &self,
        plan: &Plan,
        exchange: Exchange,
        attempt: Attempt,
        retries: u32,
        copy: Option<reqwest::Request>,
        started: Instant,
    ) -> Next {
        let number = retries + 1;
        let decision = retry::decide(
            self.repeat,
            attempt,
            retries,
            &plan.policy,
            self.options.retry_unknown_outcome,
            fastrand::f64(),
        );
        let (status, cf_ray) = match &exchange {
            Exchange::Complete(seen, _) => (seen.status.as_u16(), seen.cf_ray.clone()),
            Exchange::Failed(error) => (
                error.status().map_or(0, |s| s.as_u16()),
                error.cf_ray().map(str::to_string),
            ),
        };
        let cf_ray = cf_ray.unwrap_or_default();
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let outcome = describe(&exchange);
        let (operation, method, path) = (self.operation, plan.method.as_str(), self.path_template);
        // An INFO event that names the operation, method and path template itself: the
        // call's span, which has them too, is DEBUG.
        macro_rules! at_info {
            ($message:expr $(, $name:ident = $value:expr)*) => {
                tracing::info!(
                    operation, method, path, attempt = number, status, cf_ray, elapsed_ms,
                    $($name = $value,)* outcome, $message
                )
            };
        }
        if let Decision::Retry(delay) = decision {
            // The wait must end before the deadline, or the error comes back now.
            let in_time = plan.deadline.is_none_or(|at| {
                Instant::now()
                    .checked_add(delay)
                    .is_some_and(|end| end < at)
            });
            if let Some(copy) = copy.filter(|_| in_time) {
                let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                at_info!("attempt failed; retrying", delay_ms = delay_ms);
                return Next::Retry(delay, copy);
            }
            at_info!("attempt failed; giving up: the wait before a retry would pass the deadline");
            return Next::Stop(exchange, retry::outcome_unknown(self.repeat, attempt));
        }
        let unknown = decision == Decision::StopOutcomeUnknown;
        let failed = !matches!(&exchange, Exchange::Complete(seen, _) if seen.status.is_success());
        if failed && retry::retryable(self.repeat, attempt, self.options.retry_unknown_outcome) {
            at_info!(
                "attempt failed; giving up: no retries left, or the server asked for a longer wait"
            );
        } else {
            tracing::debug!(
                attempt = number,
                status,
                cf_ray,
                elapsed_ms,
                outcome,
                "attempt done"
            );
        }
        Next::Stop(exchange, unknown)
    }

    /// Writes the outcome cell, once, and gives back the last response, if one arrived
    /// (its body already read), for the generated client to end on.
    fn stop(
        &self,
        exchange: Exchange,
        attempts: u32,
        outcome_unknown: bool,
    ) -> Option<reqwest::Response> {
        let (result, response) = match exchange {
            Exchange::Complete(seen, response) => (Ok(seen), Some(response)),
            Exchange::Failed(error) => (Err(error), None),
        };
        let written = self.outcome.set(Outcome {
            result,
            attempts,
            outcome_unknown,
        });
        // The generated client calls `exec` once per call, and `stop` ends it.
        debug_assert!(written.is_ok(), "the outcome cell is written once");
        response
    }

    /// One exchange: sends the request and reads the body up to the bound. `sent` tells
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
        let retry_after = retry::retry_after(response.headers());
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
            let error = self.reporter().invalid(
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
                let error = self.reporter().invalid(
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

    /// Runs the generated call until it returns or the outcome cell is written, whichever
    /// comes first: `Some` with what the generated method returned, `None` when the
    /// transport recorded a failure with no response (the generated call then never
    /// resumes, and is dropped here).
    pub(crate) async fn outcome_of<F: Future>(&self, call: F) -> Option<F::Output> {
        // Boxed: the generated call holds the attempt loop's future, which is large.
        let mut call = Box::pin(call);
        std::future::poll_fn(|cx| match call.as_mut().poll(cx) {
            Poll::Ready(returned) => Poll::Ready(Some(returned)),
            Poll::Pending if self.outcome.get().is_some() => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        })
        .await
    }

    /// The caller's result: the outcome cell first, the envelope decoded from the bytes
    /// the transport read. `returned` (what the generated method returned) only explains
    /// an empty cell. `self` must be the last handle to the context: the generated client
    /// that held the other is dropped.
    pub(crate) fn finish<E: Envelope + serde::de::DeserializeOwned>(
        self: Arc<Self>,
        returned: Option<std::result::Result<ResponseValue<()>, progenitor_client::Error>>,
    ) -> Result<ApiResponse<E::Result>> {
        let operation = self.operation;
        // The generated client, which held the other handle, is dropped: this handle is
        // the last, and the cell the caller's to take.
        let mut context = Arc::into_inner(self);
        let recorded = context.as_mut().and_then(|context| context.outcome.take());
        let (Some(context), Some(recorded)) = (context, recorded) else {
            // The request never reached the transport: progenitor refused to build it.
            let reason = match returned {
                Some(Err(error)) => error.to_string(),
                _ => format!("{operation}: no outcome was recorded"),
            };
            return Err(Error::InvalidArgument(
                crate::core::error::InvalidArgument::new("request", reason),
            ));
        };
        let outcome = match recorded.result {
            Ok(seen) => context.reporter().decode::<E>(seen),
            Err(error) => Err(error),
        };
        match outcome {
            // A 2xx saying `"success": false` is a failure Cloudflare reported: not applied.
            Err(Error::Api(api)) if api.status.is_success() => Err(Error::Api(api)),
            Err(cause) if recorded.outcome_unknown => {
                Err(Error::OutcomeUnknown(Box::new(OutcomeUnknown {
                    operation,
                    attempts: recorded.attempts,
                    cause,
                })))
            }
            other => other,
        }
    }
}

impl Hooks for CallContext {
    fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
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

    /// The transport runs the call's attempts and writes the outcome cell. When a response
    /// arrived, the generated method ends on it; when none did, there is nothing to return
    /// and the call never resumes: the caller, which reads the cell first, drops it (see
    /// [`CallContext::outcome_of`]).
    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match self.inner().0.send(self.client(), request).await {
            Some(response) => Ok(response),
            None => std::future::pending().await,
        }
    }
}

fn header_str(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
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

/// A word for the tracing events about how an attempt ended.
fn describe(exchange: &Exchange) -> &'static str {
    match exchange {
        Exchange::Complete(..) => "response",
        Exchange::Failed(Error::Timeout(_)) => "timeout",
        Exchange::Failed(Error::Transport(_)) => "connection failed",
        Exchange::Failed(_) => "unreadable response",
    }
}
