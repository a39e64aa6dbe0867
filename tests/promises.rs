//! The README's promises against servers, proxies and settings that try to break them
//! (issue 13). Every test runs against listeners on 127.0.0.1 that the test starts, and
//! asserts the attempts they saw and the error the caller got; for credentials, every byte
//! every listener received.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cloudflare_account_dns::{Client, Error, RateLimit, RetryPolicy};
use serde_json::json;
use support::{ACCOUNT, Recorder, Reply, TestServer, body, failure, with_header};

const TOKEN: &str = "promise-token-Sn3lZJTBX6kkg7OdcBUAxOO9";
const EMAIL: &str = "operator@example.com";
const KEY: &str = "c2547eb745079dac9320b638f5e225cf483cc5cfdda41";

fn quick() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_secs(2))
        .jitter(false)
}

fn token_client(server: &TestServer) -> Client {
    Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(quick())
        .build()
        .unwrap()
}

fn key_client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(EMAIL, KEY)
        .base_url(server.base_url())
        .retry_policy(quick())
        .build()
        .unwrap()
}

fn ok_settings() -> Reply {
    support::json(200, support::seed_dns_settings_response())
}

fn ok_list() -> Reply {
    support::json(
        200,
        json!({"success": true, "errors": [], "messages": [], "result": []}),
    )
}

fn ok_nameserver() -> Reply {
    support::json(200, support::seed_custom_nameserver_response())
}

/// Every way an error shows itself, with its whole chain.
fn shown(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n{err:#}");
    let mut next = std::error::Error::source(err);
    while let Some(cause) = next {
        text.push_str(&format!("\n{cause}\n{cause:?}"));
        next = cause.source();
    }
    text
}

/// Asserts that no credential value, nor a good part of one, is in `text`.
fn assert_no_credentials(text: &str) {
    assert_none_of(&[TOKEN, EMAIL, KEY], text);
}

fn assert_none_of(secrets: &[&str], text: &str) {
    for &secret in secrets {
        for part in [secret, &secret[..12], &secret[secret.len() - 12..]] {
            assert!(
                !text
                    .to_ascii_lowercase()
                    .contains(&part.to_ascii_lowercase()),
                "{part:?} leaked in: {text}"
            );
        }
    }
}

/// What a recorder answers to anything: a valid settings envelope.
const SETTINGS_ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 61\r\nconnection: close\r\n\r\n{\"success\":true,\"errors\":[],\"messages\":[],\"result\":[]}      ";

/// What a proxy that refuses every tunnel answers.
const PROXY_REFUSES: &[u8] =
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

fn assert_no_credential_header(text: &str) {
    let lower = text.to_ascii_lowercase();
    for name in ["authorization", "x-auth-email", "x-auth-key"] {
        assert!(!lower.contains(name), "{name} reached it: {text}");
    }
    assert_no_credentials(text);
}

// ------------------------------------------------------------ no panic, no hang

#[tokio::test]
async fn any_retry_after_value_is_safe() {
    // Huge, negative, fractional, not a number, garbage: none panics, none sleeps long.
    let huge = [
        "1e300",
        "1e309",
        "inf",
        "+Infinity",
        "18446744073709551615000",
        "340282366920938463463374607431768211456",
    ];
    for (name, value) in huge.iter().map(|v| ("retry-after-ms", *v)).chain([
        ("retry-after", "18446744073709551615"),
        ("retry-after", "99999999999999999999999999"),
    ]) {
        for status in [429, 503] {
            let server =
                TestServer::always(with_header(failure(status, &[(971, "slow")]), name, value))
                    .await;
            let started = Instant::now();
            let err = token_client(&server)
                .update_dns_settings(ACCOUNT)
                .zone_defaults_ns_ttl(3600)
                .deadline(Duration::from_secs(30))
                .send()
                .await
                .unwrap_err();
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{name}: {value}"
            );
            assert_eq!(
                server.requests().len(),
                1,
                "{name}: {value} is not slept through"
            );
            assert_eq!(err.status().unwrap().as_u16(), status);
            assert!(
                err.retry_after().unwrap() > Duration::from_secs(3600),
                "{name}: {value} gives {:?}",
                err.retry_after()
            );
        }
    }
    // Values that mean nothing count as absent: the backoff applies, and all attempts run.
    for (name, value) in [
        ("retry-after-ms", "-5"),
        ("retry-after-ms", "NaN"),
        ("retry-after-ms", "-inf"),
        ("retry-after-ms", "0x10"),
        ("retry-after", "-1"),
        ("retry-after", "1.5e3x"),
        ("retry-after", "Thu, 99 Foo 99999 99:99:99 GMT"),
        ("retry-after", ""),
    ] {
        let server = TestServer::always(with_header(failure(503, &[]), name, value)).await;
        let err = token_client(&server)
            .update_dns_settings(ACCOUNT)
            .zone_defaults_ns_ttl(3600)
            .send()
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 3, "{name}: {value:?}");
        assert_eq!(err.retry_after(), None, "{name}: {value:?}");
    }
}

#[tokio::test]
async fn extreme_settings_neither_panic_nor_hang() {
    let server = TestServer::always(ok_settings()).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .connect_timeout(Duration::MAX)
        .timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(u32::MAX)
                .base_delay(Duration::MAX)
                .max_delay(Duration::MAX),
        )
        .max_concurrent_requests(usize::MAX)
        .max_response_bytes(usize::MAX)
        .build()
        .unwrap();
    client.get_dns_settings(ACCOUNT).send().await.unwrap();
    client
        .get_dns_settings(ACCOUNT)
        .deadline(Duration::MAX)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);

    // A server wait beyond any ceiling, with max_delay(Duration::MAX): back at once.
    let server = TestServer::always(with_header(
        failure(429, &[(971, "slow")]),
        "retry-after",
        "1000000000",
    ))
    .await;
    let started = Instant::now();
    let err = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::default().max_delay(Duration::MAX))
        .build()
        .unwrap()
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1_000_000_000)));

    // A rate limit of one request per "for ever": the second call waits, within its
    // deadline, and says why.
    let server = TestServer::always(ok_settings()).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .rate_limit(RateLimit::new(1, Duration::MAX))
        .build()
        .unwrap();
    client.get_dns_settings(ACCOUNT).send().await.unwrap();
    let err = client
        .get_dns_settings(ACCOUNT)
        .deadline(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.to_string().contains("rate limit"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

// ------------------------------------------------------------ the outcome, exactly

#[tokio::test]
async fn a_post_answered_by_an_oversized_5xx_may_have_been_applied() {
    let page = "x".repeat(4096);
    let server = TestServer::always(body(500, "text/html", &page)).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(quick())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "not repeated");
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.is_invalid_response(), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 500);
    assert!(err.to_string().contains("larger than the limit"), "{err}");

    // The same 5xx to a PATCH is retried: the status still says what happened.
    let server = TestServer::always(body(503, "text/html", &page)).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(quick())
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(3600)
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert!(
        !err.is_outcome_unknown() && err.is_invalid_response(),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_post_whose_time_runs_out_while_connecting_was_not_sent_and_is_retried() {
    // An HTTPS base URL through a proxy that never opens the tunnel: the connection is
    // still opening when the attempt's timeout fires. The proxy records every byte.
    let proxy = Recorder::start(b"").await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url("https://api.cloudflare.invalid/client/v4")
        .proxy(proxy.url())
        .retry_policy(quick())
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(!err.is_outcome_unknown(), "nothing was sent: {err:?}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    // The POST was tried three times, since nothing was sent.
    let seen = proxy.text();
    assert_eq!(
        seen.matches("CONNECT api.cloudflare.invalid:443").count(),
        3,
        "{seen}"
    );
    assert_no_credential_header(&seen);

    // The same with the call's deadline cutting the first attempt.
    let proxy = Recorder::start(b"").await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url("https://api.cloudflare.invalid/client/v4")
        .proxy(proxy.url())
        .build()
        .unwrap();
    let err = client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .deadline(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout() && !err.is_outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("deadline"), "{err}");
    assert_eq!(proxy.text().matches("CONNECT ").count(), 1);
}

#[tokio::test]
async fn a_post_that_times_out_after_sending_is_still_unknown() {
    let server = TestServer::always(Reply::Delay(
        Duration::from_secs(30),
        Box::new(ok_nameserver()),
    ))
    .await;
    let err = token_client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(err.is_timeout() && err.is_outcome_unknown(), "{err:?}");
    assert!(!err.to_string().contains("nothing was sent"), "{err}");
}

// ------------------------------------------------------------ the rate limit, as started

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_when_requests_start_under_contention_stalls_and_cancellation() {
    let window = Duration::from_millis(400);
    let per_window = 3;
    let arrivals = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = arrivals.clone();
    // The first two requests stall, holding both slots, while the others queue.
    let server = TestServer::start(move |_, n| {
        seen.lock().unwrap().push(Instant::now());
        if n < 2 {
            Reply::Delay(Duration::from_millis(700), Box::new(ok_settings()))
        } else {
            ok_settings()
        }
    })
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .max_concurrent_requests(2)
        .rate_limit(RateLimit::new(per_window, window))
        .build()
        .unwrap();
    let spawn = |calls: &mut Vec<_>| {
        let clone = client.clone();
        calls.push(tokio::spawn(async move {
            clone.get_dns_settings(ACCOUNT).send().await
        }));
    };
    let mut calls = Vec::new();
    // The first two calls take both slots before the others start (spawned tasks start in
    // no particular order), so that the calls cancelled below are surely queued.
    spawn(&mut calls);
    spawn(&mut calls);
    let started = Instant::now();
    while arrivals.lock().unwrap().len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the first calls never arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for _ in 2..12 {
        spawn(&mut calls);
    }
    // Cancel three of the queued calls while they wait.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for call in &calls[8..11] {
        call.abort();
    }
    let mut done = 0;
    for call in calls {
        if let Ok(result) = call.await {
            result.unwrap();
            done += 1;
        }
    }
    assert_eq!(done, 9);
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 9, "cancelled calls sent nothing");
    // Measured where requests arrive: never more than 3 in any window, the client's
    // margin covering the trip from the client to the server.
    for (i, later) in arrivals.iter().enumerate().skip(per_window as usize) {
        let earlier = arrivals[i - per_window as usize];
        assert!(
            later.duration_since(earlier) > window,
            "requests {} and {i} started {:?} apart: {:?}",
            i - per_window as usize,
            later.duration_since(earlier),
            arrivals
                .iter()
                .map(|a| a.duration_since(arrivals[0]))
                .collect::<Vec<_>>()
        );
    }
}

#[tokio::test]
async fn a_deadline_says_what_it_was_waiting_for() {
    // A free slot, with no rate limit at all.
    let server = TestServer::always(Reply::Delay(
        Duration::from_secs(30),
        Box::new(ok_settings()),
    ))
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .max_concurrent_requests(1)
        .build()
        .unwrap();
    let stalled = client.clone();
    let first = tokio::spawn(async move { stalled.get_dns_settings(ACCOUNT).send().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = client
        .get_dns_settings(ACCOUNT)
        .deadline(Duration::from_millis(150))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("free slot") && !text.contains("rate limit"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 1, "only the stalled call was sent");
    first.abort();
}

// ------------------------------------------------------------ errors people can act on

#[tokio::test]
async fn malformed_responses_name_their_real_cause() {
    let long_header = format!(
        "HTTP/1.1 200 OK\r\nx-padding: {}\r\ncontent-length: 2\r\n\r\n{{}}",
        "a".repeat(512 * 1024)
    );
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (long_header.into_bytes(), "too large"),
        (
            b"HTTP/1.1 200 OK\r\ncontent-length: twelve\r\n\r\n{}".to_vec(),
            "content-length",
        ),
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(), "not valid HTTP"),
    ];
    for (raw, expected) in cases {
        let server = TestServer::always(Reply::Raw(raw)).await;
        let err = token_client(&server)
            .update_dns_settings(ACCOUNT)
            .zone_defaults_ns_ttl(3600)
            .no_retries()
            .send()
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1);
        let text = err.to_string();
        assert!(text.contains("not valid HTTP"), "{text}");
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("SendRequest"), "{text}");
    }
}

#[tokio::test]
async fn each_cause_appears_once_and_there_is_no_source_chain() {
    let server = TestServer::always(failure(503, &[(1000, "Internal error")])).await;
    let err = token_client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(err.is_outcome_unknown());
    assert!(std::error::Error::source(&err).is_none());
    let text = err.to_string();
    assert_eq!(text.matches("1000 Internal error").count(), 1, "{text}");
    assert!(
        text.starts_with("the outcome of add_custom_nameserver is unknown"),
        "{text}"
    );

    let server = TestServer::always(Reply::Reset(
        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{\"success\":true,".to_vec(),
    ))
    .await;
    let err = token_client(&server)
        .get_dns_settings(ACCOUNT)
        .no_retries()
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(std::error::Error::source(&err).is_none());
    let text = err.to_string();
    assert!(
        text.contains("before the end of the response body")
            || text.contains("reading the response body"),
        "{text}"
    );
    // No part of the text repeats (the causes of reqwest and hyper appear once each).
    let parts: Vec<&str> = text.split(": ").collect();
    for (i, part) in parts.iter().enumerate() {
        assert!(!parts[i + 1..].contains(part), "{part:?} twice in {text}");
    }
}

#[tokio::test]
async fn server_text_is_shown_with_control_characters_escaped() {
    let evil = "bad\r\nX-Injected: yes\u{1b}[2J\u{1b}]0;owned\u{7}\u{202e}";
    let server = TestServer::always(failure(400, &[(1004, evil)])).await;
    let err = token_client(&server)
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(3600)
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let text = err.to_string();
    assert!(
        !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("bad\\r\\nX-Injected: yes\\u{1b}[2J"),
        "{text}"
    );

    let server = TestServer::always(body(502, "text/html", evil)).await;
    let err = token_client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let text = format!("{err} {err:?}");
    assert!(
        !text.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{text:?}"
    );
}

// ------------------------------------------------------------ credentials

/// A server that echoes every request head into its error body and message.
async fn echoing_server(status: u16, html: bool) -> TestServer {
    TestServer::start(move |request, _| {
        let mut echo = String::new();
        for (name, value) in &request.headers {
            echo.push_str(&format!("{name}: {value}\n"));
        }
        if html {
            // Put a credential across the excerpt's cut, too.
            let padding = "p".repeat(cloudflare_account_dns::BODY_EXCERPT_LIMIT - 20);
            let cut = format!("{padding}{TOKEN} {KEY} {EMAIL}\n{echo}");
            body(status, "text/html", &cut)
        } else {
            let envelope = json!({
                "success": false,
                "errors": [{
                    "code": 10000,
                    "message": format!("Authentication error for {echo}"),
                    "documentation_url": format!("https://example.com/?t={TOKEN}&k={KEY}"),
                    "source": {"pointer": format!("/{EMAIL}")},
                    "error_chain": [{"code": 6111, "message": format!("bad header {echo}")}],
                    "echo": {"headers": echo, TOKEN: [KEY, EMAIL]},
                }],
                "messages": [{"code": 1, "message": format!("seen {TOKEN}")}],
                "result": null,
            });
            support::json(status, envelope)
        }
    })
    .await
}

#[tokio::test]
async fn echoed_credentials_never_reach_display_debug_or_the_returned_details() {
    for status in [400, 403, 502] {
        for html in [false, true] {
            let server = echoing_server(status, html).await;
            for (client, secrets) in [
                (token_client(&server), &[TOKEN][..]),
                (key_client(&server), &[EMAIL, KEY][..]),
            ] {
                let err = client
                    .update_dns_settings(ACCOUNT)
                    .zone_defaults_ns_ttl(3600)
                    .no_retries()
                    .send()
                    .await
                    .unwrap_err();
                let mut text = shown(&err);
                if let Some(api) = err.api_error() {
                    text.push_str(&serde_json::to_string(&api.errors).unwrap());
                    text.push_str(&serde_json::to_string(&api.messages).unwrap());
                }
                assert_none_of(secrets, &text);
                // (The key and the email come after the excerpt's cut in the HTML page.)
                if !html || secrets.contains(&TOKEN) {
                    assert!(text.contains("[redacted]"), "{text}");
                }
            }
            assert_eq!(server.requests().len(), 2, "one attempt per client");
        }
    }
}

#[tokio::test]
async fn a_loopback_base_url_never_goes_through_a_proxy() {
    let proxy = Recorder::start(PROXY_REFUSES).await;
    let server = TestServer::always(ok_settings()).await;
    // Explicitly, and from variables a careless environment sets.
    let explicit = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .proxy(proxy.url())
        .build()
        .unwrap();
    let url = proxy.url();
    let base = server.base_url();
    let from_env = cloudflare_account_dns::ClientBuilder::from_lookup(move |name| match name {
        "CLOUDFLARE_API_TOKEN" => Some(TOKEN.into()),
        "CLOUDFLARE_BASE_URL" => Some(base.clone()),
        "HTTPS_PROXY" | "https_proxy" | "HTTP_PROXY" | "http_proxy" | "ALL_PROXY" => {
            Some(url.clone())
        }
        _ => None,
    })
    .unwrap()
    .build()
    .unwrap();
    for client in [explicit, from_env] {
        client.get_dns_settings(ACCOUNT).send().await.unwrap();
    }
    assert_eq!(server.requests().len(), 2);
    assert_eq!(proxy.connections(), 0, "the proxy got: {}", proxy.text());
}

#[tokio::test]
async fn https_goes_through_the_proxy_only_as_a_connect_tunnel() {
    // An HTTPS base URL on a reserved name that never resolves; the proxy, on 127.0.0.1,
    // never opens the tunnel.
    const HTTPS_BASE: &str = "https://api.cloudflare.invalid/client/v4";
    let proxy = Recorder::start(PROXY_REFUSES).await;
    for client in [
        Client::builder()
            .api_key(EMAIL, KEY)
            .base_url(HTTPS_BASE)
            .proxy(proxy.url())
            .retry_policy(quick())
            .build()
            .unwrap(),
        cloudflare_account_dns::ClientBuilder::from_lookup({
            let url = proxy.url();
            move |name| match name {
                "CLOUDFLARE_API_TOKEN" => Some(TOKEN.into()),
                "CLOUDFLARE_BASE_URL" => Some(HTTPS_BASE.into()),
                "https_proxy" => Some(url.clone()),
                _ => None,
            }
        })
        .unwrap()
        .retry_policy(quick())
        .build()
        .unwrap(),
    ] {
        let err = client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send()
            .await
            .unwrap_err();
        // The tunnel never opened: nothing was sent, so even the POST was retried.
        assert!(err.is_transport() && !err.is_outcome_unknown(), "{err:?}");
        assert!(err.to_string().contains("could not connect"), "{err}");
    }
    let seen = proxy.text();
    assert_eq!(
        seen.matches("CONNECT api.cloudflare.invalid:443 HTTP/1.1")
            .count(),
        6,
        "{seen}"
    );
    assert!(!seen.contains("POST"), "{seen}");
    assert_no_credential_header(&seen);

    // no_proxy("*") turns it off; a proxy URL with a password never shows it.
    let err = Client::builder()
        .api_token(TOKEN)
        .proxy("socks5://user:hunter2@127.0.0.1:1080")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn a_supplied_reqwest_client_never_carries_credentials_to_another_host() {
    let elsewhere = Recorder::start(SETTINGS_ANSWER).await;
    let follows_redirects = || reqwest::Client::builder().no_proxy().build().unwrap();

    // Email + API key through a client that may follow redirects: refused before sending.
    let server = TestServer::always(ok_settings()).await;
    let err = Client::builder()
        .api_key(EMAIL, KEY)
        .base_url(server.base_url())
        .reqwest_client(follows_redirects())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("X-Auth-Key"), "{err}");
    assert_no_credentials(&shown(&err));

    // A token: each redirect the client follows reaches the other host without it, and its
    // answer is never used.
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/client/v4/accounts/{ACCOUNT}/custom_ns", elsewhere.url());
        let server = TestServer::always(with_header(
            body(status, "text/plain", ""),
            "location",
            &location,
        ))
        .await;
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(server.base_url())
            .reqwest_client_without_proxy(follows_redirects())
            .retry_policy(quick())
            .build()
            .unwrap();
        let err = client
            .list_custom_nameservers(ACCOUNT)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_response(), "{status}: {err:?}");
        assert!(err.to_string().contains("redirect"), "{err}");
        let err = client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_response(), "{status}: {err:?}");
        assert_eq!(server.requests().len(), 2, "{status}: one GET, one POST");
    }
    assert!(elsewhere.connections() > 0, "the redirects were followed");
    assert_no_credential_header(&elsewhere.text());

    // A plain-http base URL with a client that may use a proxy is refused.
    let server = TestServer::always(ok_settings()).await;
    let err = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .reqwest_client(reqwest::Client::new())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("proxy"), "{err}");
    assert!(server.requests().is_empty());

    // Whether a supplied client may proxy is the caller's declaration, never read from
    // reqwest's Debug text: without it, even a client built with no_proxy() is assumed to
    // proxy; with it, the plain-http base URL is accepted.
    let direct = || reqwest::Client::builder().no_proxy().build().unwrap();
    let err = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .reqwest_client(direct())
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("reqwest_client_without_proxy()"),
        "{err}"
    );
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .reqwest_client_without_proxy(direct())
        .build()
        .unwrap();
    client.get_dns_settings(ACCOUNT).send().await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

// ------------------------------------------------------------ a composite call's deadline

#[tokio::test]
async fn a_deadline_bounds_the_whole_use_custom_nameservers_call() {
    // Each request takes 150 ms: within a 400 ms deadline each, but not all four.
    let server = TestServer::start(|request, _| {
        let reply = match (request.method.as_str(), request.path.ends_with("custom_ns")) {
            ("GET", true) => ok_list(),
            ("POST", _) => ok_nameserver(),
            ("GET", false) => ok_settings(),
            _ => ok_settings(),
        };
        Reply::Delay(Duration::from_millis(150), Box::new(reply))
    })
    .await;
    let started = Instant::now();
    let err = token_client(&server)
        .use_custom_nameservers(ACCOUNT, ["ns1.example.com", "ns2.example.com"])
        .deadline(Duration::from_millis(400))
        .send()
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.to_string().contains("deadline"), "{err}");
    // It names the deadline the caller set, not what was left of it when the last request
    // started.
    assert!(err.to_string().contains("400ms"), "{err}");
    assert!(took < Duration::from_millis(900), "{took:?}");
    // The list and the first add answered; the second add was cut (sent, so its outcome is
    // unknown) or never started.
    let requests = server.requests();
    assert!(
        (2..=3).contains(&requests.len()),
        "{} requests",
        requests.len()
    );
    assert!(requests.iter().all(|r| r.method != "PATCH"));
}

/// After a 2xx to the POST, the nameserver was added: any failure to read or decode the
/// answer leaves the caller not knowing it, and the error says so (issue 22).
#[tokio::test]
async fn an_unreadable_2xx_to_the_post_is_an_unknown_outcome() {
    let padded = format!(
        "{{\"success\": true, \"errors\": [], \"messages\": [], \"result\": null, \"pad\": \"{}\"}}",
        "x".repeat(4096)
    );
    for (case, reply, limit) in [
        (
            "an HTML 200",
            body(200, "text/html", "<html>ok</html>"),
            None,
        ),
        (
            "a 200 that is not JSON",
            body(200, "application/json", "{\"succ"),
            None,
        ),
        (
            "a 200 over max_response_bytes",
            body(200, "application/json", &padded),
            Some(1024),
        ),
    ] {
        let server = TestServer::always(reply.clone()).await;
        let mut builder = Client::builder()
            .api_token(TOKEN)
            .base_url(server.base_url())
            .retry_policy(quick());
        if let Some(limit) = limit {
            builder = builder.max_response_bytes(limit);
        }
        let client = builder.build().unwrap();
        let err = client
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send()
            .await
            .unwrap_err();
        assert_eq!(server.requests().len(), 1, "{case}: not repeated");
        assert!(err.is_outcome_unknown(), "{case}: {err:?}");
        assert!(err.is_invalid_response(), "{case}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{case}");

        // A request safe to repeat gets the plain error.
        let err = client
            .update_dns_settings(ACCOUNT)
            .zone_defaults_ns_ttl(3600)
            .send()
            .await
            .unwrap_err();
        assert!(
            !err.is_outcome_unknown() && err.is_invalid_response(),
            "{case}: {err:?}"
        );
    }
    // A 2xx whose envelope says `"success": false` is a failure Cloudflare reported.
    let refused = support::json(
        200,
        json!({"success": false, "errors": [{"code": 1000, "message": "no"}], "messages": [], "result": null}),
    );
    let server = TestServer::always(refused).await;
    let err = token_client(&server)
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();
    assert!(
        !err.is_outcome_unknown() && matches!(err, Error::Api(_)),
        "{err:?}"
    );
}

/// `Retry-After: 0` does not make attempts go out back to back: the policy's backoff is
/// the floor (issue 22).
#[tokio::test]
async fn retry_after_zero_still_waits_the_backoff() {
    let server = TestServer::always(with_header(
        failure(503, &[(1000, "busy")]),
        "retry-after",
        "0",
    ))
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(100))
                .jitter(false),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_dns_settings(ACCOUNT).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests().len(), 3);
    // 100 ms, then 200 ms: at least 300 ms in all.
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

/// A one-letter proxy password neither garbles the error nor shows where it is; a longer
/// secret holding a shorter one is redacted whole (issue 22).
#[tokio::test]
async fn a_short_proxy_password_garbles_nothing() {
    // A port nothing listens on: the proxy refuses the connection.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url("https://api.cloudflare.invalid/client/v4")
        .proxy(format!("http://user:e@127.0.0.1:{port}"))
        .no_retries()
        .build()
        .unwrap();
    let err = client.get_dns_settings(ACCOUNT).send().await.unwrap_err();
    let text = shown(&err);
    assert!(
        err.to_string()
            .starts_with("get_dns_settings failed: could not connect"),
        "{err}"
    );
    assert!(!text.contains("[r[redacted]"), "{text}");
    assert!(!text.contains("conn[redacted]ct"), "{text}");
}

/// Counted where requests arrive, with a few milliseconds of tolerance, a burst never puts
/// more than the limit into a window: the client's margin absorbs the jitter (issue 22:
/// 22 of 20 arrived within one window, 37 with 2 ms of tolerance).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_never_puts_more_than_the_limit_into_a_window_at_the_server() {
    let window = Duration::from_secs(1);
    let per_window = 10usize;
    let arrivals = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = arrivals.clone();
    let server = TestServer::start(move |_, _| {
        seen.lock().unwrap().push(Instant::now());
        ok_settings()
    })
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .rate_limit(RateLimit::new(per_window as u32, window))
        .build()
        .unwrap();
    let calls: Vec<_> = (0..25)
        .map(|_| {
            let clone = client.clone();
            tokio::spawn(async move { clone.get_dns_settings(ACCOUNT).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let mut arrivals = arrivals.lock().unwrap().clone();
    arrivals.sort();
    assert_eq!(arrivals.len(), 25);
    let tolerance = Duration::from_millis(2);
    let closest = arrivals
        .windows(per_window + 1)
        .map(|w| w[per_window].duration_since(w[0]))
        .min()
        .unwrap();
    assert!(
        closest > window + tolerance,
        "{} requests arrived within {closest:?}",
        per_window + 1
    );
}
