//! Timeouts, retries, rate limits and hostile servers, each against a server on 127.0.0.1
//! that misbehaves on purpose. Every test counts the attempts the server saw.

mod support;

use std::time::{Duration, Instant};

use cloudflare_account_dns::{Client, Error, RateLimit, RetryPolicy};
use serde_json::json;
use support::{ACCOUNT, Reply, TestServer, body, failure, json, with_header};

const TOKEN: &str = "reliability-token-0123456789";

/// Retries after a few milliseconds, so the suite stays fast.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(5))
        .max_delay(Duration::from_secs(2))
        .jitter(false)
}

fn client_for(server: &TestServer) -> Client {
    Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(quick_retries())
        .build()
        .expect("a client")
}

fn ok_settings() -> Reply {
    json(200, support::seed_dns_settings_response())
}

fn ok_nameserver() -> Reply {
    json(200, support::seed_custom_nameserver_response())
}

fn ok_list() -> Reply {
    json(
        200,
        json!({"success": true, "errors": [], "messages": [], "result": []}),
    )
}

fn ok_deleted() -> Reply {
    json(
        200,
        json!({"success": true, "errors": [], "messages": [], "result": null}),
    )
}

fn add(client: &Client) -> cloudflare_account_dns::operations::AddCustomNameserver {
    client.add_custom_nameserver(ACCOUNT, "ns1.example.com")
}

fn update(client: &Client) -> cloudflare_account_dns::operations::UpdateDnsSettings {
    client
        .update_dns_settings(ACCOUNT)
        .zone_defaults_ns_ttl(3600)
}

// ---------------------------------------------------------------- what is retried

#[tokio::test]
async fn the_post_is_not_repeated_after_a_5xx_and_says_the_outcome_is_unknown() {
    for status in [500, 502, 503, 504] {
        let server = TestServer::always(failure(status, &[(1000, "Internal error")])).await;
        let err = add(&client_for(&server)).send().await.unwrap_err();
        assert_eq!(server.requests().len(), 1, "{status}");
        assert!(err.is_outcome_unknown(), "{status}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.codes(), vec![1000]);
        let text = err.to_string();
        assert!(
            text.contains("outcome of add_custom_nameserver is unknown"),
            "{text}"
        );
        assert!(text.contains("1000 Internal error"), "{text}");
    }
}

#[tokio::test]
async fn the_post_retries_5xx_when_the_caller_opts_in() {
    let failing = failure(503, &[(1000, "busy")]);
    let server = TestServer::sequence(vec![failing.clone(), failing, ok_nameserver()]).await;
    let ns = add(&client_for(&server))
        .retry_when_outcome_unknown(true)
        .send()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(ns.ns_name, "ns1.example.com");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn the_patch_and_the_reads_retry_transient_statuses() {
    for status in [408, 500, 502, 503, 504] {
        let server = TestServer::sequence(vec![failure(status, &[]), ok_settings()]).await;
        let client = client_for(&server);
        update(&client).send().await.expect("the retry succeeds");
        assert_eq!(server.requests().len(), 2, "PATCH after {status}");

        let server = TestServer::sequence(vec![failure(status, &[]), ok_settings()]).await;
        let client = client_for(&server);
        client.get_dns_settings(ACCOUNT).send().await.unwrap();
        assert_eq!(server.requests().len(), 2, "GET settings after {status}");

        let server = TestServer::sequence(vec![failure(status, &[]), ok_list()]).await;
        let client = client_for(&server);
        client
            .list_custom_nameservers(ACCOUNT)
            .send()
            .await
            .unwrap();
        assert_eq!(server.requests().len(), 2, "GET list after {status}");

        let server = TestServer::sequence(vec![failure(status, &[]), ok_deleted()]).await;
        let client = client_for(&server);
        client
            .delete_custom_nameserver(ACCOUNT, "ns1.example.com")
            .send()
            .await
            .unwrap();
        assert_eq!(server.requests().len(), 2, "DELETE after {status}");
    }
}

#[tokio::test]
async fn the_post_is_not_repeated_after_a_408() {
    let server = TestServer::sequence(vec![failure(408, &[]), ok_nameserver()]).await;
    let err = add(&client_for(&server)).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.status().unwrap().as_u16(), 408);
    assert!(
        !err.is_outcome_unknown(),
        "a 408 was not processed: {err:?}"
    );
}

#[tokio::test]
async fn every_request_retries_a_429() {
    let throttled = with_header(
        failure(
            429,
            &[(
                971,
                "Please wait and consider throttling your request speed",
            )],
        ),
        "retry-after-ms",
        "20",
    );
    let server = TestServer::sequence(vec![throttled.clone(), ok_nameserver()]).await;
    add(&client_for(&server))
        .send()
        .await
        .expect("the POST is retried after a 429");
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::sequence(vec![throttled, ok_settings()]).await;
    update(&client_for(&server)).send().await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn other_4xx_are_never_retried() {
    for status in [400, 401, 403, 404, 405, 409, 413, 422] {
        let server = TestServer::always(failure(status, &[(1004, "no")])).await;
        let client = client_for(&server);
        let err = update(&client).send().await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        let err = add(&client).send().await.unwrap_err();
        assert!(!err.is_outcome_unknown(), "{status}");
        assert_eq!(
            server.requests().len(),
            2,
            "one PATCH and one POST after {status}"
        );
    }
}

#[tokio::test]
async fn other_5xx_are_not_retried() {
    let server = TestServer::always(failure(501, &[])).await;
    let err = update(&client_for(&server)).send().await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 501);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_stop_at_the_policy_s_count() {
    let server = TestServer::always(failure(503, &[(1000, "busy")])).await;
    let err = update(&client_for(&server)).send().await.unwrap_err();
    assert_eq!(
        server.requests().len(),
        3,
        "the first attempt and 2 retries"
    );
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert!(!err.is_outcome_unknown(), "a PATCH is safe to repeat");

    let server = TestServer::always(failure(503, &[])).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(quick_retries().max_retries(5))
        .build()
        .unwrap();
    update(&client).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 6);
}

#[tokio::test]
async fn retries_are_off_with_one_call() {
    let server = TestServer::always(failure(503, &[])).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .no_retries()
        .build()
        .unwrap();
    update(&client).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "off on the client");

    let server = TestServer::always(failure(503, &[])).await;
    update(&client_for(&server))
        .no_retries()
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1, "off for one call");
}

#[tokio::test]
async fn a_connection_that_never_opened_is_retried_even_for_the_post() {
    // Nothing listens on the port for the first attempt; a server starts there before the
    // retry.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}/client/v4"))
        .retry_policy(quick_retries().base_delay(Duration::from_millis(300)))
        .build()
        .unwrap();
    let call = tokio::spawn(async move { add(&client).send().await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let server = TestServer::start_at(addr, |_, _| ok_nameserver()).await;
    call.await
        .unwrap()
        .expect("the POST is retried when nothing was sent");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_unknown_for_the_post_and_retried_otherwise() {
    let server = TestServer::sequence(vec![Reply::Close, ok_nameserver()]).await;
    let err = add(&client_for(&server)).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(err.is_outcome_unknown() && err.is_transport(), "{err:?}");

    let server = TestServer::sequence(vec![Reply::Close, ok_settings()]).await;
    update(&client_for(&server)).send().await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------- Retry-After

#[tokio::test]
async fn retry_after_replaces_the_backoff() {
    let server = TestServer::sequence(vec![
        with_header(failure(429, &[]), "retry-after", "1"),
        ok_settings(),
    ])
    .await;
    let started = Instant::now();
    update(&client_for(&server)).send().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::sequence(vec![
        with_header(failure(503, &[]), "retry-after-ms", "150"),
        ok_settings(),
    ])
    .await;
    let started = Instant::now();
    update(&client_for(&server)).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_wait_longer_than_the_ceiling_comes_back_at_once_with_the_wait() {
    let server = TestServer::always(with_header(
        failure(429, &[(971, "slow down")]),
        "retry-after",
        "120",
    ))
    .await;
    let started = Instant::now();
    let err = update(&client_for(&server)).send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(server.requests().len(), 1);
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));

    // An HTTP date an hour away.
    let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
    let server = TestServer::always(with_header(failure(503, &[]), "retry-after", &later)).await;
    let err = update(&client_for(&server)).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let wait = err.retry_after().expect("the date is read");
    assert!(
        wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
        "{wait:?}"
    );
}

// ---------------------------------------------------------------- timeouts

fn silent() -> Reply {
    Reply::Delay(Duration::from_secs(30), Box::new(ok_settings()))
}

/// A response head promising 1000 bytes, then 10 of them, then silence.
fn stalled_body() -> Reply {
    Reply::Stall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"success\""
            .to_vec(),
    )
}

#[tokio::test]
async fn a_silent_server_times_out_within_the_timeout_plus_a_margin() {
    let server = TestServer::always(silent()).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .no_retries()
        .build()
        .unwrap();
    let started = Instant::now();
    let err = update(&client).send().await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(800),
        "{took:?}"
    );
    assert!(err.to_string().contains("300ms"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_body_that_stalls_midway_times_out_too() {
    let server = TestServer::always(stalled_body()).await;
    let started = Instant::now();
    let err = update(&client_for(&server))
        .timeout(Duration::from_millis(300))
        .no_retries()
        .send()
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(took < Duration::from_millis(800), "{took:?}");
}

#[tokio::test]
async fn a_post_that_times_out_is_not_repeated() {
    let server = TestServer::always(silent()).await;
    let err = add(&client_for(&server))
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout() && err.is_outcome_unknown(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_patch_that_times_out_is_retried() {
    let server = TestServer::sequence(vec![silent(), ok_settings()]).await;
    update(&client_for(&server))
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect("the second attempt answers");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_deadline_bounds_every_attempt_and_wait() {
    let server = TestServer::always(failure(503, &[])).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(
            quick_retries()
                .max_retries(100)
                .base_delay(Duration::from_millis(200)),
        )
        .deadline(Duration::from_millis(700))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = update(&client).send().await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1000), "{took:?}");
    assert_eq!(err.status().unwrap().as_u16(), 503);
    // 0 ms, then waits of 200 and 400 ms; the next wait (800 ms) would pass the deadline.
    // (On a slow machine the second wait may already be cut.)
    let attempts = server.requests().len();
    assert!((2..=3).contains(&attempts), "{attempts} attempts");

    // A deadline shorter than the per-attempt timeout cuts the attempt.
    let server = TestServer::always(silent()).await;
    let started = Instant::now();
    let err = update(&client_for(&server))
        .deadline(Duration::from_millis(250))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.to_string().contains("deadline"), "{err}");
    assert!(started.elapsed() < Duration::from_millis(750));
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------- rate limit

#[tokio::test]
async fn the_rate_limit_is_shared_by_every_clone() {
    let server = TestServer::always(ok_settings()).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .rate_limit(RateLimit::new(3, Duration::from_millis(400)))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut calls = Vec::new();
    for _ in 0..6 {
        let clone = client.clone();
        calls.push(tokio::spawn(async move { update(&clone).send().await }));
    }
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(400),
        "six calls at three per 400 ms: {took:?}"
    );
    assert!(took < Duration::from_millis(1200), "{took:?}");
    assert_eq!(server.requests().len(), 6);
}

// ---------------------------------------------------------------- hostile servers

fn raw_response(head: &str, body: &[u8]) -> Reply {
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

async fn update_once(reply: Reply) -> Error {
    let server = TestServer::always(reply).await;
    let err = update(&client_for(&server))
        .no_retries()
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    err
}

#[tokio::test]
async fn a_body_over_the_bound_is_cut_off() {
    // Declared too large: refused before reading.
    let huge = vec![b' '; 9 * 1024 * 1024];
    let err = update_once(body(
        200,
        "application/json",
        std::str::from_utf8(&huge).unwrap(),
    ))
    .await;
    assert!(err.is_invalid_response(), "{err:?}");
    assert!(err.to_string().contains("larger than the limit"), "{err}");

    // No length: read up to the bound, then refused.
    let server = TestServer::always(raw_response(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
        &vec![b'x'; 64 * 1024],
    ))
    .await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .max_response_bytes(4096)
        .build()
        .unwrap();
    let err = update(&client).send().await.unwrap_err();
    let Error::InvalidResponse(details) = &err else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert!(details.reason.contains("4096"), "{}", details.reason);
    assert!(details.body_excerpt.len() <= cloudflare_account_dns::BODY_EXCERPT_LIMIT + 3);
    assert_eq!(
        server.requests().len(),
        1,
        "an oversized body is not retried"
    );
}

#[tokio::test]
async fn a_reset_mid_body_is_a_transport_error_with_the_status() {
    let err = update_once(Reply::Reset(
        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{\"success\":true,".to_vec(),
    ))
    .await;
    assert!(err.is_transport(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_body_shorter_than_its_length_is_a_transport_error() {
    let err = update_once(raw_response(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n",
        b"{\"success\":true,\"errors\":[]",
    ))
    .await;
    assert!(err.is_transport(), "{err:?}");
    assert!(
        err.to_string().contains("reading the response body"),
        "{err}"
    );
}

#[tokio::test]
async fn non_utf8_bytes_are_an_invalid_response() {
    let err = update_once(raw_response(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 6\r\n\r\n",
        &[0xff, 0xfe, b'{', 0x80, b'}', 0xc3],
    ))
    .await;
    let Error::InvalidResponse(details) = &err else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert!(details.body_excerpt.contains('\u{fffd}'), "{details:?}");
}

#[tokio::test]
async fn an_html_page_with_a_200_is_an_invalid_response() {
    let page = "<!DOCTYPE html><html><body>Attention Required! | Cloudflare</body></html>";
    let err = update_once(body(200, "text/html", page)).await;
    let Error::InvalidResponse(details) = &err else {
        panic!("expected an invalid response, got {err:?}");
    };
    assert_eq!(details.status.as_u16(), 200);
    assert_eq!(details.body_excerpt, page);
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_an_invalid_response() {
    let err = update_once(json(
        200,
        json!({"success": true, "result": {"zone_defaults": 7}}),
    ))
    .await;
    assert!(err.is_invalid_response(), "{err:?}");
    let err = update_once(json(200, json!([1, 2, 3]))).await;
    assert!(err.is_invalid_response(), "{err:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_gets_no_request_and_no_credentials() {
    let elsewhere = TestServer::always(ok_settings()).await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("{}/accounts/{ACCOUNT}/dns_settings", elsewhere.base_url());
        let err = update_once(with_header(
            body(status, "text/plain", ""),
            "location",
            &location,
        ))
        .await;
        assert!(err.is_invalid_response(), "{status}: {err:?}");
        assert!(err.to_string().contains("redirect"), "{err}");
    }
    let api_key_client = |server: &TestServer| {
        Client::builder()
            .api_key("user@example.com", TOKEN)
            .base_url(server.base_url())
            .build()
            .unwrap()
    };
    let location = format!("{}/accounts/{ACCOUNT}/custom_ns", elsewhere.base_url());
    let server = TestServer::always(with_header(
        body(307, "text/plain", ""),
        "location",
        &location,
    ))
    .await;
    add(&api_key_client(&server)).send().await.unwrap_err();
    assert!(
        elsewhere.requests().is_empty(),
        "the other host saw a request"
    );
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed() {
    let err = Client::builder()
        .api_token(TOKEN)
        .base_url("http://api.example.com/client/v4")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("clear text"), "{err}");
    assert!(!err.to_string().contains(TOKEN));
    Client::builder()
        .api_token(TOKEN)
        .base_url("http://api.example.com/client/v4")
        .danger_allow_insecure_http(true)
        .build()
        .expect("allowed on purpose");
}

// ---------------------------------------------------------------- concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_share_a_few_connections() {
    let server = TestServer::always(ok_settings()).await;
    let client = client_for(&server);
    let mut calls = Vec::with_capacity(1000);
    for i in 0..1000 {
        let clone = client.clone();
        calls.push(tokio::spawn(async move {
            if i % 2 == 0 {
                update(&clone).send().await.map(|_| ())
            } else {
                clone.get_dns_settings(ACCOUNT).send().await.map(|_| ())
            }
        }));
    }
    for call in calls {
        call.await.unwrap().expect("every call completes");
    }
    assert_eq!(server.requests().len(), 1000);
    let connections = server.connections();
    // The in-flight cap (64) bounds the connections, give or take the few a new request
    // opens in the instant before a finished one is back in the pool.
    assert!(
        connections <= 2 * cloudflare_account_dns::DEFAULT_MAX_CONCURRENT_REQUESTS,
        "{connections} connections for 1000 calls"
    );
    eprintln!("1000 calls over {connections} connections");
}

// ---------------------------------------------------------------- connect timeout

/// An address whose connections never open: a listener that never accepts, with its
/// accept queue already full, so the kernel drops further handshakes.
async fn unanswered_address() -> (tokio::net::TcpListener, Vec<std::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100))
        {
            fillers.push(stream);
        }
    }
    (listener, fillers)
}

#[tokio::test]
async fn a_connection_that_does_not_open_times_out_and_even_the_post_retries_it() {
    let (listener, _fillers) = unanswered_address().await;
    let addr = listener.local_addr().unwrap();
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}/client/v4"))
        .connect_timeout(Duration::from_millis(200))
        .retry_policy(quick_retries().max_retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = add(&client).send().await.unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    // Nothing was sent, so the POST was tried twice and its outcome is known.
    assert!(!err.is_outcome_unknown(), "{err:?}");
    assert!(err.to_string().contains("could not connect"), "{err}");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_millis(1500),
        "{took:?}"
    );
}

#[tokio::test]
async fn one_call_can_shorten_or_lengthen_the_connect_timeout() {
    let (listener, _fillers) = unanswered_address().await;
    let addr = listener.local_addr().unwrap();
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(format!("http://{addr}/client/v4"))
        .connect_timeout(Duration::from_millis(700))
        .no_retries()
        .build()
        .unwrap();

    for (per_call, at_least, below) in [(150, 150, 600), (1200, 1200, 2500)] {
        let started = Instant::now();
        let err = client
            .get_dns_settings(ACCOUNT)
            .connect_timeout(Duration::from_millis(per_call))
            .send()
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(err.is_timeout(), "{err:?}");
        assert!(err.to_string().contains("could not connect"), "{err}");
        assert!(
            took >= Duration::from_millis(at_least) && took < Duration::from_millis(below),
            "a connect timeout of {per_call} ms took {took:?}"
        );
    }
}

#[tokio::test]
async fn calls_with_the_same_connect_timeout_share_connections_across_clones() {
    let server = TestServer::always(ok_settings()).await;
    let client = client_for(&server);
    for clone in [client.clone(), client.clone(), client] {
        clone
            .get_dns_settings(ACCOUNT)
            .connect_timeout(Duration::from_secs(2))
            .send()
            .await
            .expect("settings");
    }
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        server.connections(),
        1,
        "one kept connection for that timeout"
    );
}

#[tokio::test]
async fn a_connect_timeout_for_one_call_is_refused_on_a_supplied_reqwest_client() {
    let server = TestServer::always(ok_settings()).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        // Without a proxy: a plain http:// base URL refuses a client that may use one.
        .reqwest_client_without_proxy(reqwest::Client::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    let err = client
        .get_dns_settings(ACCOUNT)
        .connect_timeout(Duration::from_secs(1))
        .send()
        .await
        .unwrap_err();
    let invalid = err.invalid_argument().expect("an invalid argument");
    assert_eq!(invalid.field, "connect_timeout");
    assert!(invalid.rule.contains("reqwest_client()"), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
    // Without it, the supplied client works.
    client
        .get_dns_settings(ACCOUNT)
        .send()
        .await
        .expect("settings");
}
