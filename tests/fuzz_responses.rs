//! A bounded property test of the response path: arbitrary status lines, headers and bodies
//! from a server on 127.0.0.1, decoded by the client. None may panic, and each must come
//! back as a result or one of the typed errors of a response.

mod support;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use cloudflare_account_dns::{Client, Error};
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
        let client = Client::builder()
            .api_token(TOKEN)
            .base_url(server.base_url())
            .timeout(Duration::from_secs(2))
            .no_retries()
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

/// A header: a name the client reads, or another, with a value of arbitrary visible bytes.
fn headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        Just("content-type"),
        Just("cf-ray"),
        Just("retry-after"),
        Just("retry-after-ms"),
        Just("location"),
        Just("x-other"),
    ];
    let value = proptest::collection::vec(
        any::<u8>().prop_filter("a header value byte", |b| {
            *b == b'\t' || (*b >= 0x20 && *b != 0x7f)
        }),
        0..40,
    );
    proptest::collection::vec((name.prop_map(str::to_string), value), 0..5)
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
    #![proptest_config(Config { cases: 1000, failure_persistence: None, ..Config::default() })]

    #[test]
    fn any_response_is_a_result_or_a_typed_error(
        status in prop_oneof![200u16..=204, 100u16..=999],
        headers in headers(),
        length in any::<bool>(),
        body in bodies(),
    ) {
        let harness = harness();
        let sent = response(status, &headers, length, &body);
        *harness.reply.lock().unwrap() = sent;
        let outcome = harness.runtime.block_on(
            harness.client.update_dns_settings("023e105f4ecef8ad9ca31a8372d0c353").zone_defaults_ns_ttl(60).send(),
        );
        match outcome {
            Ok(settings) => prop_assert!((200..300).contains(&status), "{status} gave {settings:?}"),
            Err(err) => {
                prop_assert!(
                    matches!(err, Error::Api(_) | Error::InvalidResponse(_) | Error::Transport(_) | Error::Timeout(_)),
                    "not a response error: {err:?}"
                );
                if let Some(seen) = err.status() {
                    prop_assert_eq!(seen.as_u16(), status);
                }
                let shown = format!("{err} {err:?}");
                prop_assert!(!shown.contains(TOKEN));
            }
        }
    }
}
