//! What both benchmarks share: a minimal HTTP/1.1 server on 127.0.0.1 with canned
//! Cloudflare answers, the crate's calls, and the same calls written by hand with raw
//! `reqwest` and `serde_json` (the baseline).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudflare_account_dns::{Client, NameserverType, types};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const TOKEN: &str = "bench-token-Sn3lZJTBX6kkg7OdcBUAxOO963GE";

const NAMESERVER: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"dns_records":[{"type":"A","value":"1.1.1.1"},{"type":"AAAA","value":"2400:cb00:2049:1::a29f:1804"}],"ns_name":"ns1.example.com","ns_set":1,"status":"verified","zone_tag":"023e105f4ecef8ad9ca31a8372d0c353"}}"#;
const SETTINGS: &str = r#"{"success":true,"errors":[],"messages":[],"result":{"enforce_dns_only":false,"zone_defaults":{"flatten_all_cnames":false,"foundation_dns":false,"internal_dns":{"reference_zone_id":"reference_zone_id"},"multi_provider":false,"nameservers":{"type":"custom.account"},"ns_ttl":86400,"secondary_overrides":false,"soa":{"expire":604800,"min_ttl":1800,"mname":"kristina.ns.cloudflare.com","refresh":10000,"retry":2400,"rname":"admin.example.com","ttl":3600},"zone_mode":"standard"}}}"#;

/// The server's counters.
#[derive(Clone, Default)]
pub struct Counters {
    pub connections: Arc<AtomicUsize>,
    pub requests: Arc<AtomicUsize>,
}

/// Starts the server on the current runtime; it answers until the runtime ends.
pub async fn start_server() -> (SocketAddr, Counters) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let counters = Counters::default();
    let shared = counters.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            shared.connections.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(serve(stream, shared.clone()));
        }
    });
    (addr, counters)
}

fn response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncf-ray: 8f1e2d3c4b5a6978-BENCH\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(mut stream: TcpStream, counters: Counters) {
    let nameserver = response(NAMESERVER);
    let settings = response(SETTINGS);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request: the head, then `content-length` bytes of body.
        let (head_end, body_len) = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (end + 4, len);
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + body_len {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let reply = if buffer.starts_with(b"GET /__stats") {
            let stats = format!(
                "{} {}",
                counters.connections.load(Ordering::Relaxed),
                counters.requests.load(Ordering::Relaxed)
            );
            response(&stats)
        } else if buffer.starts_with(b"POST /__reset") {
            counters.connections.store(0, Ordering::Relaxed);
            counters.requests.store(0, Ordering::Relaxed);
            response("")
        } else {
            counters.requests.fetch_add(1, Ordering::Relaxed);
            if buffer.starts_with(b"POST") {
                nameserver.clone()
            } else {
                settings.clone()
            }
        };
        buffer.drain(..head_end + body_len);
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

/// A reqwest client configured as the crate configures its own.
pub fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(5))
        .no_proxy()
        .build()
        .unwrap()
}

/// The crate's client for the server, on the same kind of reqwest client.
pub fn crate_client(addr: SocketAddr, max_in_flight: usize) -> Client {
    Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}/client/v4"))
        .reqwest_client_without_proxy(reqwest_client())
        .max_concurrent_requests(max_in_flight)
        .build()
        .unwrap()
}

pub async fn crate_add(client: &Client) -> types::CustomNameserver {
    client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .ns_set(1)
        .send()
        .await
        .expect("the crate's add")
}

pub async fn crate_update(client: &Client) -> types::DnsSettings {
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(86400)
        .zone_defaults_nameservers_type(NameserverType::CustomAccount)
        .send()
        .await
        .expect("the crate's update")
}

/// The baseline: the same requests by hand, decoded into the same result types.
pub struct Raw {
    http: reqwest::Client,
    add_url: String,
    settings_url: String,
    auth: HeaderValue,
    user_agent: HeaderValue,
}

#[derive(Deserialize)]
struct Envelope<T> {
    success: bool,
    result: Option<T>,
}

#[derive(Serialize)]
struct AddBody<'a> {
    ns_name: &'a str,
    ns_set: u8,
}

#[derive(Serialize)]
struct UpdateBody {
    zone_defaults: ZoneDefaults,
}

#[derive(Serialize)]
struct ZoneDefaults {
    nameservers: Nameservers,
    ns_ttl: u32,
}

#[derive(Serialize)]
struct Nameservers {
    #[serde(rename = "type")]
    type_: &'static str,
}

impl Raw {
    pub fn new(addr: SocketAddr) -> Self {
        let base = format!("http://{addr}/client/v4/accounts/{ACCOUNT}");
        let mut auth = HeaderValue::from_str(&format!("Bearer {TOKEN}")).unwrap();
        auth.set_sensitive(true);
        Self {
            http: reqwest_client(),
            add_url: format!("{base}/custom_ns"),
            settings_url: format!("{base}/dns_settings"),
            auth,
            user_agent: HeaderValue::from_static("raw-baseline"),
        }
    }

    async fn call<T: for<'de> Deserialize<'de>>(&self, request: reqwest::RequestBuilder) -> T {
        let response = request
            .header(AUTHORIZATION, self.auth.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .send()
            .await
            .expect("raw send");
        let status = response.status();
        let bytes = response.bytes().await.expect("raw body");
        let envelope: Envelope<T> = serde_json::from_slice(&bytes).expect("raw decode");
        assert!(status.is_success() && envelope.success);
        envelope.result.expect("a result")
    }

    pub async fn add(&self) -> types::CustomNameserver {
        let body = AddBody {
            ns_name: "ns1.example.com",
            ns_set: 1,
        };
        self.call(self.http.post(&self.add_url).json(&body)).await
    }

    pub async fn update(&self) -> types::DnsSettings {
        let body = UpdateBody {
            zone_defaults: ZoneDefaults {
                nameservers: Nameservers {
                    type_: "custom.account",
                },
                ns_ttl: 86400,
            },
        };
        self.call(self.http.patch(&self.settings_url).json(&body))
            .await
    }
}
