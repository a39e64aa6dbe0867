//! The fake's HTTP side: hyper on 127.0.0.1, routing, envelopes, recording, faults.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};

use super::check::{self, Accepted, Issue};
use super::control::{self, CONTROL_PREFIX};
use super::fault::{Fault, FaultKind};
use super::record::{ReceivedRequest, Record, RecordLimits};
use super::state::State;
use crate::request::schema::{OPERATIONS, Operation};

/// The largest request body the fake reads.
pub(crate) const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// The largest request head the fake reads (hyper's read buffer; a larger head gets 431).
pub(crate) const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Code of the fake's answer to a body that is not declared as JSON (the fake's own).
const CODE_MEDIA_TYPE: i64 = 10415;

/// What the server tasks and the handle share.
pub(crate) struct Shared {
    pub(crate) accepted: Accepted,
    pub(crate) state: Mutex<State>,
    pub(crate) record: Mutex<Record>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    rays: AtomicU64,
    /// Print one line per request to stderr.
    log_requests: bool,
    pub(crate) connections: ConnectionLimits,
    /// Connections open now.
    pub(crate) open: AtomicUsize,
}

/// How long a client may take and how many connections it may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ConnectionLimits {
    /// A request head must be complete within this time of the connection opening or of
    /// the previous answer (so an idle keep-alive connection is closed after it too), and
    /// a request body within this time of its head.
    pub(crate) request_timeout: Duration,
    /// Connections served at once; further ones wait in the listen queue.
    pub(crate) max_connections: usize,
}

/// Locks a mutex, carrying on after a panic elsewhere (the data stays consistent: every
/// change is made under one lock).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Shared {
    pub(crate) fn new(
        accepted: Accepted,
        log_requests: bool,
        record: RecordLimits,
        connections: ConnectionLimits,
    ) -> Self {
        Self {
            accepted,
            state: Mutex::default(),
            record: Mutex::new(Record::new(record)),
            faults: Mutex::default(),
            rays: AtomicU64::new(0),
            log_requests,
            connections,
            open: AtomicUsize::new(0),
        }
    }

    fn next_ray(&self) -> String {
        let n = self.rays.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{:016x}-FAKE", n.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until `shutdown` changes or its sender is dropped, at most
/// [`ConnectionLimits::max_connections`] at once: while that many are open, new ones wait
/// in the listen queue.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(shared.connections.max_connections.max(1)));
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            _ = shutdown.changed() => return,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => {
                    // Out of descriptors, most likely: wait a little rather than spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        let shared = shared.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            shared.open.fetch_add(1, Ordering::Relaxed);
            tokio::select! {
                _ = connection(stream, peer, shared.clone()) => {}
                _ = shutdown.changed() => {}
            }
            shared.open.fetch_sub(1, Ordering::Relaxed);
            drop(slot);
        });
    }
}

/// Serves one connection; one whose request head stalls past the request timeout is
/// closed, with a 408 when part of a request had arrived.
async fn connection(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let stream = Arc::new(stream);
    let io = SharedStream::new(stream.clone());
    let unanswered = io.unanswered.clone();
    let timeout = shared.connections.request_timeout;
    let service = {
        let shared = shared.clone();
        hyper::service::service_fn(move |request| handle(shared.clone(), peer, request))
    };
    let served = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(MAX_REQUEST_HEAD)
        .serve_connection(hyper_util::rt::TokioIo::new(io), service)
        .await;
    if let Err(error) = served
        && error.is_timeout()
        && unanswered.load(Ordering::Relaxed) > 0
    {
        // Part of a request head arrived and the rest did not in time: say so before
        // closing, as RFC 9110 (15.5.9) describes. An idle connection is closed silently.
        let answer =
            b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
        let _ = tokio::time::timeout(Duration::from_secs(1), write_all(&stream, answer)).await;
    }
}

/// Writes all of `bytes` through a shared stream.
async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A TCP stream that hyper reads and writes while the connection task keeps a handle on
/// it, to answer 408 after hyper gave up on a stalled head. It counts the bytes read since
/// the last write: more than zero when the peer sent part of a request not yet answered.
struct SharedStream {
    stream: Arc<TcpStream>,
    unanswered: Arc<AtomicUsize>,
}

impl SharedStream {
    fn new(stream: Arc<TcpStream>) -> Self {
        Self {
            stream,
            unanswered: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl tokio::io::AsyncRead for SharedStream {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        loop {
            if let Err(e) = std::task::ready!(self.stream.poll_read_ready(cx)) {
                return Poll::Ready(Err(e));
            }
            match self.stream.try_read(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    self.unanswered.fetch_add(n, Ordering::Relaxed);
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl tokio::io::AsyncWrite for SharedStream {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::task::Poll;
        loop {
            if let Err(e) = std::task::ready!(self.stream.poll_write_ready(cx)) {
                return Poll::Ready(Err(e));
            }
            match self.stream.try_write(buf) {
                Ok(n) => {
                    self.unanswered.store(0, Ordering::Relaxed);
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        // Writes go straight to the socket.
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        // The socket closes (FIN) when the connection task drops its last handle, right
        // after hyper finishes.
        std::task::Poll::Ready(Ok(()))
    }
}

/// Answers one request, and logs it when asked.
async fn handle(
    shared: Arc<Shared>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let log = shared.log_requests.then(|| RequestLog::new(&request, peer));
    let answer = respond(shared, request).await;
    if let Some(log) = log {
        // A closed stderr loses the line; it never stops the fake.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            log.line(answer.as_ref().ok().map(Response::status))
        );
    }
    answer
}

async fn respond(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let ray = shared.next_ray();
    let timeout = shared.connections.request_timeout;
    let body =
        match tokio::time::timeout(timeout, Limited::new(body, MAX_REQUEST_BODY).collect()).await {
            Ok(Ok(collected)) => collected.to_bytes(),
            Ok(Err(error)) => {
                let (status, message) = if error.is::<http_body_util::LengthLimitError>() {
                    (
                        413,
                        format!("the request body is larger than {MAX_REQUEST_BODY} bytes"),
                    )
                } else {
                    (
                        400,
                        format!(
                            "the request body could not be read: {}",
                            printable(&error.to_string())
                        ),
                    )
                };
                let issue = Issue::new(check::CODE_INVALID_BODY, message);
                return Ok(closing(json_response(
                    status,
                    failure(&[issue]),
                    &ray,
                    None,
                )));
            }
            Err(_) => {
                let issue = Issue::new(
                    check::CODE_INVALID_BODY,
                    format!("the request body did not arrive within {timeout:?}"),
                );
                return Ok(closing(json_response(408, failure(&[issue]), &ray, None)));
            }
        };
    if let Some(path) = parts
        .uri
        .path()
        .strip_prefix(CONTROL_PREFIX)
        .or_else(|| (parts.uri.path() == CONTROL_PREFIX.trim_end_matches('/')).then_some(""))
    {
        let (status, answer) = control::handle(&shared, &parts.method, path, &body);
        return Ok(response(
            status,
            "application/json",
            answer.to_string().into(),
            &ray,
        ));
    }
    let operation = match find(&parts.method, parts.uri.path()) {
        Routed::Found(op, _) => Some(op),
        _ => None,
    };
    lock(&shared.record)
        .push(|cut| ReceivedRequest::new(&parts, &body, operation.map(|op| op.id), cut));

    // The first queued fault meant for this request, if any.
    let fault = {
        let mut faults = lock(&shared.faults);
        let method = parts.method.as_str();
        faults
            .iter()
            .position(|f| f.applies_to(operation.map(|op| op.id), method))
            .and_then(|at| faults.remove(at))
    };
    let retry_after = fault.as_ref().and_then(|f| f.retry_after.clone());
    let mut after = None;
    if let Some(fault) = fault {
        if let FaultKind::Delay(delay) = fault.kind {
            tokio::time::sleep(delay).await;
        }
        if fault.after_applying {
            after = Some(fault);
        } else if let Some(answer) = faulty_answer(fault, &ray) {
            return answer;
        }
    }
    if let Some(issue) = not_json(&parts.headers, &body) {
        return Ok(json_response(
            415,
            failure(&[issue]),
            &ray,
            retry_after.as_deref(),
        ));
    }

    let (status, body, allow) = route(
        &shared,
        &parts.method,
        parts.uri.path(),
        &parts.headers,
        &body,
    );
    if let Some(fault) = after
        && let Some(answer) = faulty_answer(fault, &ray)
    {
        // The change is applied; the answer is the fault's.
        return answer;
    }
    let mut response = json_response(status, body, &ray, retry_after.as_deref());
    if let Some(allow) = allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
        response.headers_mut().insert(http::header::ALLOW, allow);
    }
    Ok(response)
}

/// The answer a fault gives instead of the real one; `None` for a delay, after which the
/// request is handled as usual.
fn faulty_answer(fault: Fault, ray: &str) -> Option<Result<Response<Full<Bytes>>, Dropped>> {
    let retry_after = fault.retry_after;
    match fault.kind {
        FaultKind::Drop => Some(Err(Dropped)),
        FaultKind::Delay(_) => None,
        FaultKind::Status { status, body } => {
            let body = body.unwrap_or_else(|| failure(&[fault_issue(status)]));
            Some(Ok(json_response(status, body, ray, retry_after.as_deref())))
        }
        FaultKind::Html { status } => {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            let page = format!(
                "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\
                 <body><h1>{status} {reason}</h1><p>cloudflare (fake)</p></body></html>\n"
            );
            let mut response = response(status, "text/html; charset=UTF-8", page.into(), ray);
            add_retry_after(&mut response, retry_after.as_deref());
            Some(Ok(response))
        }
    }
}

/// An answer after which the connection closes: what is left of the request cannot be
/// read.
fn closing(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A non-empty body must be declared as JSON (`application/json`, or a `+json` type such
/// as `application/merge-patch+json`); `Some(issue)` when it is not.
fn not_json(headers: &http::HeaderMap, body: &[u8]) -> Option<Issue> {
    if body.is_empty() {
        return None;
    }
    let fix = "send it with Content-Type: application/json";
    let message = match headers.get(http::header::CONTENT_TYPE) {
        None => format!(
            "The request body must be JSON, but the request has no Content-Type header; {fix}"
        ),
        Some(value) => {
            let text = String::from_utf8_lossy(value.as_bytes());
            let essence = text
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
            {
                return None;
            }
            format!(
                "The request body must be JSON, but its Content-Type is {}; {fix}",
                printable(&text)
            )
        }
    };
    Some(Issue::new(CODE_MEDIA_TYPE, message))
}

/// Text a client sent, made safe to print: at most 100 characters, anything but printable
/// ASCII as `?`.
fn printable(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(100)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    if text.chars().nth(100).is_some() {
        out.push('…');
    }
    out
}

/// What the request log says about one request, taken before it is answered.
struct RequestLog {
    method: Method,
    target: String,
    credentials: &'static str,
    peer: SocketAddr,
    user_agent: Option<String>,
}

impl RequestLog {
    fn new<B>(request: &Request<B>, peer: SocketAddr) -> Self {
        let uri = request.uri();
        let headers = request.headers();
        Self {
            method: request.method().clone(),
            target: printable(uri.path_and_query().map_or(uri.path(), |pq| pq.as_str())),
            credentials: credential_kind(headers),
            peer,
            user_agent: headers
                .get(http::header::USER_AGENT)
                .map(|v| printable(&String::from_utf8_lossy(v.as_bytes()))),
        }
    }

    /// One line: `None` when the connection was dropped without an answer.
    fn line(&self, status: Option<StatusCode>) -> String {
        let outcome = match status {
            Some(status) => match status.canonical_reason() {
                Some(reason) => format!("{} {reason}", status.as_u16()),
                None => status.as_u16().to_string(),
            },
            None => "no answer, the connection was dropped by an injected fault".to_string(),
        };
        let user_agent = match &self.user_agent {
            Some(agent) => format!("user-agent \"{agent}\""),
            None => "no user-agent".to_string(),
        };
        format!(
            "fake-cloudflare: {} {} -> {outcome} (credentials: {}; from {}, {user_agent})",
            self.method, self.target, self.credentials, self.peer
        )
    }
}

/// Which credentials a request carries, never their values.
fn credential_kind(headers: &http::HeaderMap) -> &'static str {
    let email = headers.contains_key("x-auth-email");
    let key = headers.contains_key("x-auth-key");
    if let Some(authorization) = headers.get(http::header::AUTHORIZATION) {
        let scheme = authorization.as_bytes().split(|b| *b == b' ').next();
        let bearer = scheme.is_some_and(|s| s.eq_ignore_ascii_case(b"bearer"));
        return match (bearer, email || key) {
            (true, false) => "token",
            (true, true) => "token (email/key ignored)",
            (false, _) => "Authorization without Bearer",
        };
    }
    match (email, key) {
        (true, true) => "email+key",
        (true, false) => "email without key",
        (false, true) => "key without email",
        (false, false) => "none",
    }
}

fn fault_issue(status: u16) -> Issue {
    match status {
        429 => Issue::new(
            971,
            "Please wait and consider throttling your request speed",
        ),
        500..=599 => Issue::new(1000, "Internal server error (injected by the fake)"),
        _ => Issue::new(1000, "Request failed (injected by the fake)"),
    }
}

fn response(status: u16, content_type: &str, body: Bytes, ray: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("a content type"),
    );
    headers.insert("cf-ray", HeaderValue::from_str(ray).expect("a ray id"));
    response
}

fn add_retry_after(response: &mut Response<Full<Bytes>>, retry_after: Option<&str>) {
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, value);
    }
}

fn json_response(
    status: u16,
    body: Value,
    ray: &str,
    retry_after: Option<&str>,
) -> Response<Full<Bytes>> {
    let mut response = response(status, "application/json", body.to_string().into(), ray);
    add_retry_after(&mut response, retry_after);
    response
}

/// Cloudflare's success envelope.
fn success(result: Value) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": result})
}

/// Cloudflare's failure envelope.
fn failure(issues: &[Issue]) -> Value {
    let errors: Vec<Value> = issues.iter().map(Issue::to_json).collect();
    json!({"success": false, "errors": errors, "messages": [], "result": null})
}

fn refuse(status: u16, issue: Issue) -> (u16, Value) {
    (status, failure(&[issue]))
}

/// Where a method and path go among the fragment's operations.
enum Routed {
    /// The operation, and the values of its path parameters in path order.
    Found(&'static Operation, Vec<String>),
    /// The path is an operation's, the method is not.
    WrongMethod,
    NoRoute,
}

/// The operations whose path template a path under `/client/v4` matches, with the values
/// of their path parameters.
fn matching(path: &str) -> Vec<(&'static Operation, Vec<String>)> {
    let Some(rest) = path.strip_prefix("/client/v4/") else {
        return Vec::new();
    };
    let segments: Vec<String> = rest
        .trim_end_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let mut found = Vec::new();
    for op in OPERATIONS {
        let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let matches = template.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                params.push(s.clone());
                true
            } else {
                t == s
            }
        });
        if matches {
            found.push((*op, params));
        }
    }
    found
}

/// The methods the fragment has on a path, for the `Allow` header of a 405.
fn allowed_methods(path: &str) -> Option<String> {
    let mut methods: Vec<&str> = matching(path).iter().map(|(op, _)| op.method).collect();
    methods.sort_unstable();
    methods.dedup();
    (!methods.is_empty()).then(|| methods.join(", "))
}

/// Matches a request under `/client/v4` against the path templates of the fragment.
fn find(method: &Method, path: &str) -> Routed {
    let candidates = matching(path);
    if candidates.is_empty() {
        return Routed::NoRoute;
    }
    match candidates
        .into_iter()
        .find(|(op, _)| op.method == method.as_str())
    {
        Some((op, params)) => Routed::Found(op, params),
        None => Routed::WrongMethod,
    }
}

/// Routes a request under `/client/v4` to its operation: `(status, body, Allow header)`.
fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> (u16, Value, Option<String>) {
    let answer = |(status, body): (u16, Value)| (status, body, None);
    let routed = find(method, path);
    if let Routed::NoRoute = routed {
        return answer(refuse(404, Issue::new(7000, "No route for that URI")));
    }
    if let Err((status, issue)) = check::credentials(&shared.accepted, headers) {
        return answer(refuse(status, issue));
    }
    let (op, values) = match routed {
        Routed::Found(op, values) => (op, values),
        Routed::WrongMethod => {
            let (status, body) = refuse(
                405,
                Issue::new(
                    check::CODE_METHOD,
                    format!("Method {method} not allowed on {path}"),
                ),
            );
            return (status, body, allowed_methods(path));
        }
        Routed::NoRoute => unreachable!("answered above"),
    };
    for (param, value) in op.params.iter().zip(&values) {
        if !check::identifier(param, value) {
            return answer(refuse(
                404,
                Issue::new(
                    check::CODE_NO_ROUTE,
                    format!(
                        "Could not route to {path}, perhaps your object identifier is invalid?"
                    ),
                ),
            ));
        }
    }
    let param = |name: &str| {
        op.params
            .iter()
            .position(|p| p.name == name)
            .map_or("", |i| values[i].as_str())
    };
    let body = if op.body.is_some() {
        match check::body(op, body) {
            Ok(body) => body,
            Err(issues) => return answer((400, failure(&issues))),
        }
    } else {
        Value::Null
    };
    let account_id = param("account_id");
    let mut state = lock(&shared.state);
    answer(match op.id {
        "list_custom_nameservers" => {
            let list = &state.account(account_id).nameservers;
            let count = list.len();
            let mut body = success(Value::Array(list.clone()));
            body["result_info"] = json!({
                "count": count, "page": 1, "per_page": count.max(20),
                "total_count": count, "total_pages": 1
            });
            (200, body)
        }
        "add_custom_nameserver" => match state.add(account_id, &body) {
            Some(ns) => (200, success(ns)),
            None => refuse(
                409,
                Issue {
                    pointer: Some("/ns_name".into()),
                    ..Issue::new(
                        check::CODE_DUPLICATE,
                        format!(
                            "The custom nameserver {} already exists on this account",
                            body["ns_name"].as_str().unwrap_or_default()
                        ),
                    )
                },
            ),
        },
        "delete_custom_nameserver" => {
            let ns_name = param("custom_ns_id");
            if state.delete(account_id, ns_name) {
                (200, success(json!([])))
            } else {
                refuse(
                    404,
                    Issue::new(
                        check::CODE_NOT_FOUND,
                        format!("The custom nameserver {ns_name} does not exist on this account"),
                    ),
                )
            }
        }
        "get_dns_settings" => (200, success(state.account(account_id).settings.clone())),
        // What Cloudflare is known to refuse although the schema allows it (the overlay's
        // `x-known-refusals`, with their evidence), answered as Cloudflare does.
        id if let Some(refusal) = known_refusal(id, &body) => {
            refuse(refusal.status, Issue::new(refusal.code, refusal.message))
        }
        "update_dns_settings" => (200, success(state.update(account_id, &body))),
        other => refuse(
            501,
            Issue::new(
                check::CODE_NOT_IMPLEMENTED,
                format!("The fake does not implement the operation {other} yet"),
            ),
        ),
    })
}

/// The first known refusal that `body` of operation `id` runs into.
fn known_refusal(id: &str, body: &Value) -> Option<&'static crate::request::schema::KnownRefusal> {
    let body = body.as_object()?;
    crate::request::schema::KNOWN_REFUSALS
        .iter()
        .find(|r| r.operation == id && r.refuses(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn allowed_methods_follow_the_routes() {
        let account = "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353";
        for (path, allowed) in [
            (format!("{account}/custom_ns"), Some("GET, POST")),
            (format!("{account}/custom_ns/"), Some("GET, POST")),
            (format!("{account}/custom%5Fns"), Some("GET, POST")),
            (
                format!("{account}/custom_ns/ns1.example.com"),
                Some("DELETE"),
            ),
            (format!("{account}/dns_settings"), Some("GET, PATCH")),
            (format!("{account}/zones"), None),
            ("/client/v4/zones".to_string(), None),
        ] {
            assert_eq!(allowed_methods(&path).as_deref(), allowed, "{path}");
        }
    }

    #[test]
    fn only_json_bodies_pass() {
        let body = b"{}";
        for accepted in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            "application/merge-patch+json",
        ] {
            let map = headers(&[("content-type", accepted)]);
            assert_eq!(not_json(&map, body), None, "{accepted}");
        }
        let refused = not_json(&headers(&[("content-type", "text/plain")]), body).unwrap();
        assert_eq!(refused.code, CODE_MEDIA_TYPE);
        assert_eq!(
            refused.message,
            "The request body must be JSON, but its Content-Type is text/plain; send it with \
             Content-Type: application/json"
        );
        let missing = not_json(&headers(&[]), body).unwrap();
        assert!(
            missing.message.contains("no Content-Type header"),
            "{missing:?}"
        );
        assert_eq!(
            not_json(&headers(&[]), b""),
            None,
            "no body, nothing to declare"
        );
    }

    #[test]
    fn the_log_names_the_kind_of_credentials_never_their_values() {
        let secret = "s3cret-value";
        let request = Request::builder()
            .method("PATCH")
            .uri("/client/v4/accounts/abc/dns_settings?x=1")
            .header("authorization", format!("bearer {secret}"))
            .header(
                "user-agent",
                HeaderValue::from_bytes(b"curl/8.5.0\xff").unwrap(),
            )
            .body(())
            .unwrap();
        let log = RequestLog::new(&request, "127.0.0.1:40112".parse().unwrap());
        let line = log.line(Some(StatusCode::OK));
        assert_eq!(
            line,
            "fake-cloudflare: PATCH /client/v4/accounts/abc/dns_settings?x=1 -> 200 OK \
             (credentials: token; from 127.0.0.1:40112, user-agent \"curl/8.5.0?\")"
        );
        assert!(!line.contains(secret));
        assert_eq!(
            log.line(None),
            "fake-cloudflare: PATCH /client/v4/accounts/abc/dns_settings?x=1 -> no answer, the \
             connection was dropped by an injected fault (credentials: token; from \
             127.0.0.1:40112, user-agent \"curl/8.5.0?\")"
        );
        for (pairs, kind) in [
            (
                vec![("x-auth-email", "a@b.c"), ("x-auth-key", "k")],
                "email+key",
            ),
            (vec![("x-auth-email", "a@b.c")], "email without key"),
            (vec![("x-auth-key", "k")], "key without email"),
            (
                vec![("authorization", "Token k")],
                "Authorization without Bearer",
            ),
            (
                vec![("authorization", "Bearer k"), ("x-auth-key", "k")],
                "token (email/key ignored)",
            ),
            (vec![], "none"),
        ] {
            assert_eq!(credential_kind(&headers(&pairs)), kind, "{pairs:?}");
        }
    }

    #[test]
    fn printable_cuts_long_text_and_hides_control_characters() {
        assert_eq!(printable("a\tb\u{7f}ü"), "a?b??");
        assert_eq!(printable(&"x".repeat(101)), format!("{}…", "x".repeat(100)));
    }
}
