//! Runs the fake Cloudflare API as a process, for clients in any language.
//!
//! ```sh
//! cargo run --example fake_server --features fake -- --port 8787
//! curl -s -H "Authorization: Bearer fake-cloudflare-api-token" \
//!   http://127.0.0.1:8787/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings
//! ```
//!
//! `--help` lists the options, the credentials it accepts and the control interface
//! (`/__fake/`). The command line and the run loop live in the library
//! ([`cloudflare_account_dns::fake::standalone`]), so that any binary can embed the fake.

fn main() -> std::process::ExitCode {
    cloudflare_account_dns::fake::standalone::run("fake_server", std::env::args().skip(1))
}
