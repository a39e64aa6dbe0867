//! The fake's HTTP side: hyper on 127.0.0.1, routing, envelopes, recording, faults.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::ReceivedRequest;
use super::check::{self, Accepted, Issue};
use super::fault::{Fault, FaultKind};
use super::state::State;
use crate::request::schema::{OPERATIONS, Operation};

/// The largest request body the fake reads.
const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// What the server tasks and the handle share.
pub(crate) struct Shared {
    pub(crate) accepted: Accepted,
    pub(crate) state: Mutex<State>,
    pub(crate) requests: Mutex<Vec<ReceivedRequest>>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    rays: AtomicU64,
}

/// Locks a mutex, carrying on after a panic elsewhere (the data stays consistent: every
/// change is made under one lock).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Shared {
    pub(crate) fn new(accepted: Accepted) -> Self {
        Self {
            accepted,
            state: Mutex::default(),
            requests: Mutex::default(),
            faults: Mutex::default(),
            rays: AtomicU64::new(0),
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

/// Accepts connections until `shutdown` changes or its sender is dropped.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = shutdown.changed() => return,
        };
        let shared = shared.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |request| handle(shared.clone(), request));
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let ray = shared.next_ray();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let issue = Issue::new(check::CODE_INVALID_BODY, "the request body is too large");
            return Ok(json_response(413, failure(&[issue]), &ray, None));
        }
    };
    let operation = match find(&parts.method, parts.uri.path()) {
        Routed::Found(op, _) => Some(op),
        _ => None,
    };
    lock(&shared.requests).push(ReceivedRequest::new(&parts, &body, operation));

    let fault = lock(&shared.faults).pop_front();
    let mut retry_after = None;
    if let Some(fault) = fault {
        retry_after = fault.retry_after;
        match fault.kind {
            FaultKind::Drop => return Err(Dropped),
            FaultKind::Delay(delay) => tokio::time::sleep(delay).await,
            FaultKind::Status { status, body } => {
                let body = body.unwrap_or_else(|| failure(&[fault_issue(status)]));
                return Ok(json_response(status, body, &ray, retry_after.as_deref()));
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
                let mut response = response(status, "text/html; charset=UTF-8", page.into(), &ray);
                add_retry_after(&mut response, retry_after.as_deref());
                return Ok(response);
            }
        }
    }

    let (status, body, allow) = route(
        &shared,
        &parts.method,
        parts.uri.path(),
        &parts.headers,
        &body,
    );
    let mut response = json_response(status, body, &ray, retry_after.as_deref());
    if let Some(allow) = allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
        response.headers_mut().insert(http::header::ALLOW, allow);
    }
    Ok(response)
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
    /// The path is an operation's, the method is not: the methods it has.
    WrongMethod(Vec<&'static str>),
    NoRoute,
}

/// Matches a request under `/client/v4` against the path templates of the fragment.
fn find(method: &Method, path: &str) -> Routed {
    let Some(rest) = path.strip_prefix("/client/v4/") else {
        return Routed::NoRoute;
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
    let mut allowed = Vec::new();
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
        if !matches {
            continue;
        }
        if op.method == method.as_str() {
            return Routed::Found(op, params);
        }
        allowed.push(op.method);
    }
    if allowed.is_empty() {
        Routed::NoRoute
    } else {
        Routed::WrongMethod(allowed)
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
        Routed::WrongMethod(allowed) => {
            let (status, body) = refuse(
                405,
                Issue::new(
                    check::CODE_METHOD,
                    format!("Method {method} not allowed on {path}"),
                ),
            );
            return (status, body, Some(allowed.join(", ")));
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
