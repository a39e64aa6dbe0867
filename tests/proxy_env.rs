//! The proxy variables of a careless environment, set for real in this process (a test
//! binary of its own, with one test, so that no other test sees them). Every byte the
//! "proxy" (a listener on 127.0.0.1) receives is recorded.

mod support;

use cloudflare_account_dns::Client;
use support::{ACCOUNT, Recorder, TestServer};

const TOKEN: &str = "proxy-env-token-0123456789abcdef";

#[test]
fn proxy_variables_are_honoured_only_for_https_and_never_carry_credentials() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let proxy = Recorder::start(
            b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        )
        .await;
        let server =
            TestServer::always(support::json(200, support::seed_dns_settings_response())).await;
        // SAFETY: this binary has one test, which sets the variables before any client
        // (or thread that reads the environment) exists.
        unsafe {
            for name in [
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "ALL_PROXY",
                "all_proxy",
            ] {
                std::env::set_var(name, proxy.url());
            }
            std::env::remove_var("NO_PROXY");
            std::env::remove_var("no_proxy");
            std::env::set_var("CLOUDFLARE_API_TOKEN", TOKEN);
            std::env::set_var("CLOUDFLARE_BASE_URL", server.base_url());
        }

        // A loopback base URL: straight to the server, whatever the variables say; and so
        // for a client made by the builder, which reads no proxy variable at all.
        Client::from_env()
            .unwrap()
            .get_dns_settings(ACCOUNT)
            .send()
            .await
            .unwrap();
        Client::builder()
            .api_token(TOKEN)
            .base_url(server.base_url())
            .build()
            .unwrap()
            .get_dns_settings(ACCOUNT)
            .send()
            .await
            .unwrap();
        assert_eq!(server.requests().len(), 2);
        assert_eq!(proxy.connections(), 0, "the proxy got: {}", proxy.text());

        // An HTTPS base URL (a reserved name that never resolves): through HTTPS_PROXY, as a
        // CONNECT tunnel only. The proxy, on 127.0.0.1, never opens the tunnel.
        unsafe {
            std::env::set_var(
                "CLOUDFLARE_BASE_URL",
                "https://api.cloudflare.invalid/client/v4",
            )
        };
        let err = Client::from_env()
            .unwrap()
            .add_custom_nameserver(ACCOUNT, "ns1.example.com")
            .no_retries()
            .send()
            .await
            .unwrap_err();
        assert!(err.is_transport() && !err.is_outcome_unknown(), "{err:?}");
        let seen = proxy.text();
        assert_eq!(proxy.connections(), 1);
        assert!(
            seen.starts_with("CONNECT api.cloudflare.invalid:443 HTTP/1.1\r\n"),
            "{seen}"
        );
        let lower = seen.to_ascii_lowercase();
        assert!(
            !lower.contains("authorization") && !seen.contains(TOKEN),
            "{seen}"
        );

        // NO_PROXY=* turns it off (and then nothing may leave this machine: base URL on
        // loopback again).
        unsafe {
            std::env::set_var("NO_PROXY", "*");
            std::env::set_var("CLOUDFLARE_BASE_URL", server.base_url());
        }
        Client::from_env()
            .unwrap()
            .get_dns_settings(ACCOUNT)
            .send()
            .await
            .unwrap();
        assert_eq!(proxy.connections(), 1);
    });
}
