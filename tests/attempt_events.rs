//! Each attempt is a `tracing` event inside a span for the call, with what an operator needs
//! (operation, method, path, attempt, status, delay, `cf-ray`), and never a credential.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudflare_account_dns::{Client, RetryPolicy};
use support::{ACCOUNT, TestServer, failure, json, with_header};

const TOKEN: &str = "tracing-token-Sn3lZJTBX6kkg7OdcBUAxOO9";
const KEY: &str = "tracing-key-144c9defac04969c7bfad8efaa8ea194";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn every_attempt_is_an_event_without_credentials() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::sequence(vec![
        with_header(failure(503, &[(1000, "busy")]), "retry-after-ms", "10"),
        json(200, support::seed_dns_settings_response()),
    ])
    .await;
    for client in [
        Client::builder().api_token(TOKEN),
        Client::builder().api_key("ops@example.com", KEY),
    ] {
        let client = client
            .base_url(server.base_url())
            .retry_policy(
                RetryPolicy::default()
                    .base_delay(std::time::Duration::from_millis(5))
                    .jitter(false),
            )
            .build()
            .unwrap();
        client
            .update_dns_settings(ACCOUNT)
            .zone_defaults_ns_ttl(3600)
            .send()
            .await
            .unwrap();
    }

    let text = captured.text();
    for expected in [
        "cloudflare_request{operation=\"update_dns_settings\" method=PATCH path=\"/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings\"}",
        "attempt failed; retrying operation=\"update_dns_settings\" method=\"PATCH\" \
         path=\"/accounts/{account_id}/dns_settings\" attempt=1 status=503 \
         cf_ray=\"8f1e2d3c4b5a6978-SJC\"",
        "delay_ms=10",
        "attempt done attempt=2 status=200",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for secret in [TOKEN, KEY, "Bearer", "ops@example.com"] {
        assert!(
            !text.contains(secret),
            "{secret:?} leaked into the events:\n{text}"
        );
    }
}

/// At INFO, where the call's span (DEBUG) does not show, every retry and give-up event
/// names the operation, the method and the path template on its own (issue 22).
#[tokio::test]
async fn retries_and_give_ups_name_the_operation_at_info() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::sequence(vec![failure(503, &[(1000, "busy")]); 4]).await;
    let client = Client::builder()
        .api_token(TOKEN)
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .base_delay(std::time::Duration::from_millis(5))
                .jitter(false),
        )
        .build()
        .unwrap();
    client.get_dns_settings(ACCOUNT).send().await.unwrap_err();
    // The POST is not retried on a 503: no give-up event, its error says the outcome is
    // unknown.
    client
        .add_custom_nameserver(ACCOUNT, "ns1.example.com")
        .send()
        .await
        .unwrap_err();

    let text = captured.text();
    let named = "operation=\"get_dns_settings\" method=\"GET\" \
                 path=\"/accounts/{account_id}/dns_settings\"";
    for expected in [
        format!("attempt failed; retrying {named} attempt=1 status=503"),
        format!(
            "attempt failed; giving up: no retries left, or the server asked for a longer \
             wait {named} attempt=2 status=503"
        ),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("cloudflare_request{"),
        "the span is DEBUG: {text}"
    );
    assert!(!text.contains("add_custom_nameserver"), "{text}");
}
