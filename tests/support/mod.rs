//! A scripted HTTP/1.1 server on 127.0.0.1 for wire tests.
//!
//! It records every request (method, path, headers, body) and answers each with a
//! [`Reply`] chosen by the test: a well-formed response, raw bytes, a stall, or a closed
//! connection. It is deliberately hand-rolled so that tests can send what no well-behaved
//! server would.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of a header (name compared case-insensitively), if present once or more.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// How many times a header appears.
    pub fn header_count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .count()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("the request body is UTF-8")
    }
}

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A well-formed response; `content-length` is added.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes exactly, then the connection is closed.
    Raw(Vec<u8>),
    /// Sleep, then answer with the inner reply.
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering.
    Close,
    /// These bytes, then nothing more: the connection stays open, silent.
    Stall(Vec<u8>),
    /// These bytes, then a TCP reset.
    Reset(Vec<u8>),
}

/// A TCP listener on 127.0.0.1 that records every byte it receives, on every connection,
/// and answers each request head with `answer`, then closes.
pub struct Recorder {
    addr: std::net::SocketAddr,
    bytes: Arc<Mutex<Vec<u8>>>,
    connections: Arc<Mutex<usize>>,
}

impl Recorder {
    pub async fn start(answer: &'static [u8]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(Mutex::new(0));
        let (all, count) = (bytes.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                *count.lock().unwrap() += 1;
                let all = all.clone();
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let read = tokio::time::timeout(
                            Duration::from_millis(300),
                            stream.read(&mut chunk),
                        )
                        .await;
                        let Ok(Ok(n)) = read else { break };
                        if n == 0 {
                            break;
                        }
                        all.lock().unwrap().extend_from_slice(&chunk[..n]);
                        seen.extend_from_slice(&chunk[..n]);
                        // With no answer, stay silent (a proxy that never opens its tunnel).
                        if !answer.is_empty() && seen.windows(4).any(|w| w == b"\r\n\r\n") {
                            let _ = stream.write_all(answer).await;
                            let _ = stream.shutdown().await;
                            break;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            bytes,
            connections,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }

    pub fn connections(&self) -> usize {
        *self.connections.lock().unwrap()
    }
}

/// A JSON reply with a `cf-ray` header.
pub fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::Http {
        status,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("cf-ray".into(), "8f1e2d3c4b5a6978-SJC".into()),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// A reply with any content type and body.
pub fn body(status: u16, content_type: &str, body: &str) -> Reply {
    Reply::Http {
        status,
        headers: vec![
            ("content-type".into(), content_type.into()),
            ("cf-ray".into(), "8f1e2d3c4b5a6978-SJC".into()),
        ],
        body: body.as_bytes().to_vec(),
    }
}

/// Adds a header to an `Http` reply.
pub fn with_header(reply: Reply, name: &str, value: &str) -> Reply {
    match reply {
        Reply::Http {
            status,
            mut headers,
            body,
        } => {
            headers.push((name.into(), value.into()));
            Reply::Http {
                status,
                headers,
                body,
            }
        }
        other => other,
    }
}

/// Cloudflare's failure envelope with these `(code, message)` errors.
pub fn failure(status: u16, errors: &[(i64, &str)]) -> Reply {
    let errors: Vec<_> = errors
        .iter()
        .map(|(code, message)| serde_json::json!({"code": code, "message": message}))
        .collect();
    json(
        status,
        serde_json::json!({"success": false, "errors": errors, "messages": [], "result": null}),
    )
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A running test server; it stops when the test's runtime ends.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
}

impl TestServer {
    /// Starts a server that answers request number `n` (from 0) with `handler(request, n)`.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::start_at("127.0.0.1:0".parse().unwrap(), handler).await
    }

    /// [`TestServer::start`] on a chosen address.
    pub async fn start_at(
        addr: std::net::SocketAddr,
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind(addr).await.expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, conns) = (requests.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, handler.clone(), reqs.clone()));
            }
        });
        Self {
            addr,
            requests,
            connections,
        }
    }

    /// A server that gives every request the same reply.
    pub async fn always(reply: Reply) -> Self {
        Self::start(move |_, _| reply.clone()).await
    }

    /// A server that gives the replies in order, repeating the last one.
    pub async fn sequence(replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty());
        Self::start(move |_, n| replies[n.min(replies.len() - 1)].clone()).await
    }

    /// The base URL a client should use: `http://127.0.0.1:<port>/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// Every request seen so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, handler: Arc<Handler>, requests: Arc<Mutex<Vec<Recorded>>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let index = {
            let mut all = requests.lock().unwrap();
            all.push(request.clone());
            all.len() - 1
        };
        let mut reply = handler(&request, index);
        loop {
            match reply {
                Reply::Delay(duration, inner) => {
                    tokio::time::sleep(duration).await;
                    reply = *inner;
                }
                Reply::Close => return,
                Reply::Stall(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.flush().await;
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                Reply::Reset(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.flush().await;
                    let _ = stream.set_zero_linger();
                    return;
                }
                Reply::Raw(bytes) => {
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.shutdown().await;
                    return;
                }
                Reply::Http {
                    status,
                    headers,
                    body,
                } => {
                    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                    for (name, value) in &headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                    if stream.write_all(head.as_bytes()).await.is_err()
                        || stream.write_all(&body).await.is_err()
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// The success response of the Add Account Custom Nameserver documentation page.
pub fn seed_custom_nameserver_response() -> serde_json::Value {
    serde_json::json!({
      "errors": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
      "messages": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
      "success": true,
      "result": {
        "dns_records": [{"type": "A", "value": "1.1.1.1"}],
        "ns_name": "ns1.example.com",
        "status": "verified",
        "zone_tag": "023e105f4ecef8ad9ca31a8372d0c353",
        "ns_set": 1
      }
    })
}

/// The success response of the Update DNS Settings documentation page. With the fake
/// feature, fields the page predates (required upstream since) hold the fake's example
/// values, so that a required field added upstream does not break every test that answers
/// this page.
pub fn seed_dns_settings_response() -> serde_json::Value {
    let mut page = seed_dns_settings_page();
    #[cfg(feature = "fake")]
    {
        let mut result =
            serde_json::to_value(cloudflare_account_dns::fake::default_settings()).unwrap();
        merge(&mut result, &page["result"]);
        page["result"] = result;
    }
    page
}

#[cfg(feature = "fake")]
fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                merge(
                    target.entry(key.clone()).or_insert(serde_json::Value::Null),
                    value,
                );
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

fn seed_dns_settings_page() -> serde_json::Value {
    serde_json::json!({
      "errors": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
      "messages": [{"code": 1000, "message": "message", "documentation_url": "documentation_url", "source": {"pointer": "pointer"}}],
      "success": true,
      "result": {
        "zone_defaults": {
          "flatten_all_cnames": false,
          "foundation_dns": false,
          "internal_dns": {"reference_zone_id": "reference_zone_id"},
          "multi_provider": false,
          "nameservers": {"type": "cloudflare.standard"},
          "ns_ttl": 86400,
          "secondary_overrides": false,
          "soa": {
            "expire": 604800, "min_ttl": 1800, "mname": "kristina.ns.cloudflare.com",
            "refresh": 10000, "retry": 2400, "rname": "admin.example.com", "ttl": 3600
          },
          "zone_mode": "dns_only"
        }
      }
    })
}

/// A client for a test server, with an API token.
pub fn client(server: &TestServer) -> cloudflare_account_dns::Client {
    cloudflare_account_dns::Client::builder()
        .api_token("test-token-0123456789")
        .base_url(server.base_url())
        .build()
        .expect("a client")
}

/// The account id the tests use.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
