//! 500 new accounts planned and applied against the fake, under Cloudflare's rate limit
//! with a faster clock: 1,200 requests per 3 s instead of per 300 s (the same requests per
//! window, the window 100 times shorter). Between the client and the fake sits a gate that
//! answers 429 as Cloudflare would to any request beyond 1,200 in a sliding 3 s window.
//!
//! It reports the wall time against the bound (the requests needed divided by the rate),
//! and how many requests the gate refused (the goal: none, and within 5 % of the bound).
//!
//! `cargo bench --features fake --bench fleet_rate`

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudflare_account_dns::converge::{DeclaredAccount, PlanOptions};
use cloudflare_account_dns::fake::FakeCloudflare;
use cloudflare_account_dns::{Client, RateLimit};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::net::TcpListener;

const ACCOUNTS: usize = 500;
/// Cloudflare's limit: 1,200 requests per 300 s.
const REQUESTS: u32 = 1200;
/// The window with the faster clock.
const WINDOW: Duration = Duration::from_secs(3);

/// Counts request starts in a sliding window, as Cloudflare's limit does.
struct Gate {
    started: Mutex<VecDeque<Instant>>,
    refused: Mutex<usize>,
    passed: Mutex<usize>,
    upstream: String,
    http: reqwest::Client,
}

async fn handle(
    gate: Arc<Gate>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let now = Instant::now();
    let allowed = {
        let mut started = gate.started.lock().unwrap();
        while started
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            started.pop_front();
        }
        if started.len() < REQUESTS as usize {
            started.push_back(now);
            true
        } else {
            false
        }
    };
    if !allowed {
        *gate.refused.lock().unwrap() += 1;
        let body = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"#;
        return Ok(hyper::Response::builder()
            .status(429)
            .header("content-type", "application/json")
            .header("retry-after", "1")
            .body(Full::new(Bytes::from(body)))
            .unwrap());
    }
    *gate.passed.lock().unwrap() += 1;
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut forwarded = gate
        .http
        .request(parts.method.clone(), format!("{}{path}", gate.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            forwarded = forwarded.header(name, value);
        }
    }
    let answer = forwarded.send().await.expect("the fake answers");
    let mut response = hyper::Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    let bytes = answer.bytes().await.unwrap_or_default();
    Ok(response.body(Full::new(bytes)).unwrap())
}

async fn start_gate(upstream: String) -> (String, Arc<Gate>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gate = Arc::new(Gate {
        started: Mutex::new(VecDeque::new()),
        refused: Mutex::new(0),
        passed: Mutex::new(0),
        upstream: upstream.trim_end_matches("/client/v4").to_string(),
        http: reqwest::Client::new(),
    });
    let shared = gate.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let gate = shared.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |r| handle(gate.clone(), r));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}/client/v4"), gate)
}

fn declared() -> Vec<DeclaredAccount> {
    (0..ACCOUNTS)
        .map(|i| {
            DeclaredAccount::new(format!("{i:032x}"))
                .nameserver(format!("ns1.a{i}.example.com"), Some(1))
                .nameserver(format!("ns2.a{i}.example.com"), Some(1))
                .setting("zone_defaults.nameservers.type", "custom.account")
                .setting("zone_defaults.ns_ttl", 3600)
        })
        .collect()
}

/// One run: a fresh fake and gate, a client limited to `client_requests` per window.
async fn run(client_requests: u32) {
    let fake = FakeCloudflare::start().await.unwrap();
    let (url, gate) = start_gate(fake.base_url()).await;
    let client: Client = fake
        .client_builder()
        .base_url(url)
        .rate_limit(RateLimit::new(client_requests, WINDOW))
        .build()
        .unwrap();
    let accounts = declared();
    let started = Instant::now();
    let plans = client
        .plan_accounts(&accounts, PlanOptions::default(), |_| {})
        .await;
    let plans: Vec<_> = plans.into_iter().map(Result::unwrap).collect();
    let reports = client.apply_plans(&plans, |_| {}).await;
    let elapsed = started.elapsed();
    let failed = reports.iter().filter(|r| r.is_err()).count();
    let passed = *gate.passed.lock().unwrap();
    let refused = *gate.refused.lock().unwrap();
    // Requests needed: 2 reads and 3 writes per new account.
    let needed = ACCOUNTS * 5;
    let rate = f64::from(REQUESTS) / WINDOW.as_secs_f64();
    let bound = needed as f64 / rate;
    println!(
        "fleet_rate: client limit {client_requests} per {:?}: {needed} requests needed, {passed} passed the gate, {refused} answered 429, {failed} accounts failed; wall time {:.2} s against the bound {bound:.2} s ({needed} / {rate:.0} per s): {:.3} x the bound",
        WINDOW,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / bound
    );
}

#[tokio::main]
async fn main() {
    println!(
        "fleet_rate: {ACCOUNTS} new accounts; the gate refuses beyond {REQUESTS} requests per {WINDOW:?}"
    );
    // The command's default (Cloudflare's limit exactly), then with 1 % and 2 % to spare,
    // alternated.
    for _ in 0..2 {
        for client_requests in [REQUESTS, REQUESTS * 99 / 100, REQUESTS * 98 / 100] {
            run(client_requests).await;
        }
    }
}
