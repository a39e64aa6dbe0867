//! A bounded property test of the response path: arbitrary status lines, headers and bodies
//! from a server on 127.0.0.1, decoded by the client. None may panic or hang, and each must
//! come back as a result or one of the typed errors of a response.
//!
//! Header values span their whole range: huge, negative, fractional, NaN and infinities,
//! dates valid and not, and arbitrary bytes. Nothing is filtered, so a long run works:
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz_responses` (CI runs the
//! default, 500 cases).

mod support;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cloudflare_account_dns::{Client, Error, RetryPolicy};
use proptest::prelude::*;
use proptest::test_runner::Config;
use support::{Reply, TestServer};

const TOKEN: &str = "fuzz-token-0123456789abcdef";

/// One runtime and one server for every case; the server answers with the current case.
struct Harness {
    runtime: tokio::runtime::Runtime,
    client: Client,
    reply: Arc<Mutex<Vec<u8>>>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let reply = Arc::new(Mutex::new(Vec::new()));
        let current = reply.clone();
        let server = runtime.block_on(TestServer::start(move |_, _| {
            Reply::Raw(current.lock().unwrap().clone())
        }));
        // Retries on, with a ceiling so low that any server wait above it comes back at
        // once, and a deadline: the waits and the deadline arithmetic see every value.
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(server.base_url())
            .timeout(Duration::from_secs(2))
            .deadline(Duration::from_secs(5))
            .retry_policy(
                RetryPolicy::default()
                    .max_retries(1)
                    .base_delay(Duration::from_millis(1))
                    .max_delay(Duration::from_millis(20)),
            )
            .build()
            .unwrap();
        std::mem::forget(server);
        Harness {
            runtime,
            client,
            reply,
        }
    })
}

/// A body: a valid envelope, a cut or bent one, or bytes.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let valid = serde_json::to_vec(&support::seed_dns_settings_response()).unwrap();
    let cut = valid.clone();
    let bent = valid.clone();
    prop_oneof![
        Just(valid),
        (0..cut.len()).prop_map(move |at| cut[..at].to_vec()),
        (0..bent.len(), any::<u8>()).prop_map(move |(at, byte)| {
            let mut body = bent.clone();
            body[at] = byte;
            body
        }),
        proptest::collection::vec(any::<u8>(), 0..600),
        Just(br#"{"success":false,"errors":[{"code":"x"}]}"#.to_vec()),
        Just(br#"{"success":true,"errors":[],"messages":[],"result":null}"#.to_vec()),
        Just(b"<html>502 Bad Gateway</html>".to_vec()),
    ]
}

/// Digits, as many as `digits` says: beyond what any integer type holds when long.
fn digits(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(b'0'..=b'9', 1..max).prop_map(|d| String::from_utf8(d).unwrap())
}

/// A header value: numbers across their whole range (huge, negative, fractional, NaN,
/// infinities, exponents), HTTP dates valid and not, and arbitrary bytes a header may hold.
fn values() -> impl Strategy<Value = Vec<u8>> {
    let numbers = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:e}")),
        digits(60),
        (digits(30), digits(10)).prop_map(|(a, b)| format!("{a}.{b}")),
        (digits(5), any::<i16>()).prop_map(|(a, e)| format!("{a}e{e}")),
        prop_oneof![
            Just("NaN"),
            Just("nan"),
            Just("inf"),
            Just("-inf"),
            Just("Infinity"),
            Just("+1"),
            Just("-0"),
            Just(" 1 "),
            Just("0x10"),
            Just("1_000"),
            Just(""),
            Just("18446744073709551615"),
            Just("18446744073709551616"),
            Just("1e300"),
            Just("1e309"),
            Just("-1e309"),
            Just("4.9e-324"),
        ]
        .prop_map(str::to_string),
    ];
    let dates = prop_oneof![
        any::<u32>().prop_map(|secs| {
            httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(secs.into()))
        }),
        (0u32..100, 0u32..100_000, 0u32..100)
            .prop_map(|(d, y, h)| { format!("Mon, {d:02} Jan {y} {h:02}:61:99 GMT") }),
    ];
    let bytes = proptest::collection::vec(
        // Every byte a header value may hold: tab, visible ASCII and space, obs-text.
        prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff],
        0..40,
    );
    prop_oneof![
        4 => numbers.prop_map(String::into_bytes),
        1 => dates.prop_map(String::into_bytes),
        2 => bytes,
    ]
}

/// A header: a name the client reads, or another, with any value.
fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        Just("content-type"),
        Just("cf-ray"),
        Just("retry-after"),
        Just("retry-after-ms"),
        Just("location"),
        Just("x-other"),
    ];
    proptest::collection::vec((name.prop_map(str::to_string), values()), 0..5)
}

fn response(status: u16, headers: &[(String, Vec<u8>)], length: bool, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status} X\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    if length {
        bytes.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    bytes.extend_from_slice(b"connection: close\r\n\r\n");
    bytes.extend_from_slice(body);
    bytes
}

proptest! {
    // PROPTEST_CASES sets the number of cases (500 unless set); nothing is rejected, so
    // any number runs.
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(500),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn any_response_is_a_result_or_a_typed_error(
        status in prop_oneof![200u16..=204, 429u16..=429, 500u16..=504, 100u16..=999],
        headers in headers(),
        length in any::<bool>(),
        body in bodies(),
        post in any::<bool>(),
    ) {
        let harness = harness();
        let sent = response(status, &headers, length, &body);
        *harness.reply.lock().unwrap() = sent;
        let started = std::time::Instant::now();
        let outcome = harness.runtime.block_on(async {
            if post {
                harness.client.add_custom_nameserver("023e105f4ecef8ad9ca31a8372d0c353", "ns1.example.com")
                    .send().await.map(|_| ())
            } else {
                harness.client.update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353").zone_defaults_ns_ttl(60)
                    .send().await.map(|_| ())
            }
        });
        // No hang: within the deadline (5 s), with room for a slow machine.
        prop_assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
        match outcome {
            Ok(()) => prop_assert!((200..300).contains(&status), "{status} gave a result"),
            Err(err) => {
                let inner = err.outcome_unknown().map_or(&err, |unknown| &unknown.cause);
                prop_assert!(
                    matches!(inner, Error::Api(_) | Error::InvalidResponse(_) | Error::Transport(_) | Error::Timeout(_)),
                    "not a response error: {err:?}"
                );
                if err.is_outcome_unknown() {
                    prop_assert!(post, "only the POST has an unknown outcome: {err:?}");
                }
                if let Some(seen) = err.status() {
                    prop_assert_eq!(seen.as_u16(), status);
                }
                let shown = format!("{err} {err:?}");
                prop_assert!(!shown.contains(TOKEN));
                prop_assert!(!err.to_string().chars().any(char::is_control), "{err}");
            }
        }
    }
}
