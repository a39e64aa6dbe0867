//! Runs the fake Cloudflare API as a process, for clients in any language.
//!
//! ```sh
//! cargo run --example fake_server --features fake -- --port 8787
//! curl -s -H "Authorization: Bearer fake-cloudflare-api-token" \
//!   http://127.0.0.1:8787/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/dns_settings
//! ```
//!
//! `--help` lists the options and the credentials it accepts. It listens on 127.0.0.1
//! only, logs one line per request to stderr (unless `--quiet`), and runs until
//! interrupted. Usage errors exit with status 2, a failure to listen with status 1.

use std::process::ExitCode;

use cloudflare_account_dns::fake::{
    DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_API_TOKEN, DEFAULT_EMAIL, FakeCloudflare,
};

/// The port it listens on unless told otherwise.
const DEFAULT_PORT: u16 = 8787;

const USAGE: &str =
    "usage: fake_server [--port N] [--token TOKEN] [--email EMAIL --key KEY] [--quiet]";

fn help() -> String {
    format!(
        "\
fake_server: a fake of Cloudflare's account DNS API on 127.0.0.1, for clients in any language

USAGE
    cargo run --example fake_server --features fake -- [OPTIONS]

OPTIONS
    --port N         listen on 127.0.0.1:N (default {DEFAULT_PORT}; 0 picks a free port)
    --token TOKEN    the API token it accepts (default {DEFAULT_API_TOKEN})
    --email EMAIL    the account email it accepts with KEY (default {DEFAULT_EMAIL})
    --key KEY        the global API key it accepts with EMAIL
                     (default {DEFAULT_API_KEY})
                     --email and --key replace the defaults together: give both or neither,
                     in any order
    -q, --quiet      do not log requests (by default: one line per request on stderr with
                     the method, path, status and kind of credentials, never their values)
    -h, --help       show this text

    A value may also follow an = (--port=8787). TOKEN, EMAIL and KEY travel in HTTP
    headers, so they must be non-empty printable ASCII without spaces; EMAIL needs an @.

CREDENTIALS IT ACCEPTS (both schemes at once)
    API token:        Authorization: Bearer TOKEN
    email and key:    X-Auth-Email: EMAIL and X-Auth-Key: KEY
    Anything else is refused as Cloudflare refuses it (400 for missing or malformed
    headers, 403 for wrong values).

ACCOUNTS
    Any account id of 1-32 letters and digits works, such as {DEFAULT_ACCOUNT_ID};
    each account starts with Cloudflare's documented default DNS settings and no custom
    nameservers. State lives in memory and is lost when the process stops.

POINT A CLIENT AT IT (with the defaults)
    CLOUDFLARE_BASE_URL=http://127.0.0.1:{DEFAULT_PORT}/client/v4
    CLOUDFLARE_API_TOKEN={DEFAULT_API_TOKEN}
    curl -H \"Authorization: Bearer {DEFAULT_API_TOKEN}\" \\
      http://127.0.0.1:{DEFAULT_PORT}/client/v4/accounts/{DEFAULT_ACCOUNT_ID}/dns_settings
"
    )
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// Print the help text.
    Help,
    /// Serve with these options.
    Serve(Options),
}

/// How to serve.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    port: u16,
    /// `None`: the default token.
    token: Option<String>,
    /// `None`: the default email and key.
    api_key: Option<(String, String)>,
    quiet: bool,
}

/// A command line that cannot be served: a sentence saying why.
#[derive(Debug, PartialEq, Eq)]
struct UsageError(String);

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// Parses the arguments after the program name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, UsageError> {
    let mut port = None;
    let mut token = None;
    let mut email = None;
    let mut key = None;
    let mut quiet = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, UsageError> {
            if let Some(value) = inline {
                return Ok(value.to_string());
            }
            match args.next() {
                Some(next) if next.starts_with("--") => Err(usage(format!(
                    "{name} needs a value, but the next argument is the option {next}"
                ))),
                Some(next) => Ok(next),
                None => Err(usage(format!("{name} needs a value"))),
            }
        };
        match name.as_str() {
            "--port" => {
                let text = value("--port")?;
                let parsed = text.parse().map_err(|_| {
                    usage(format!(
                        "--port must be a number from 0 to 65535, not \"{text}\""
                    ))
                })?;
                set_once(&mut port, "--port", parsed)?;
            }
            "--token" => {
                let text = value("--token")?;
                check_header_value("--token", &text)?;
                set_once(&mut token, "--token", text)?;
            }
            "--email" => {
                let text = value("--email")?;
                check_header_value("--email", &text)?;
                if !text.contains('@') {
                    return Err(usage(format!(
                        "--email must be an email address (with an @), not \"{text}\""
                    )));
                }
                set_once(&mut email, "--email", text)?;
            }
            "--key" => {
                let text = value("--key")?;
                check_header_value("--key", &text)?;
                set_once(&mut key, "--key", text)?;
            }
            "--quiet" | "-q" if inline.is_none() => quiet = true,
            "-h" | "--help" if inline.is_none() => return Ok(Command::Help),
            "--quiet" | "--help" => return Err(usage(format!("{name} takes no value"))),
            _ if arg.starts_with('-') => return Err(usage(format!("unknown option {arg}"))),
            _ => return Err(usage(format!("unexpected argument \"{arg}\""))),
        }
    }
    let api_key = match (email, key) {
        (Some(email), Some(key)) => Some((email, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(usage(
                "--email needs --key too: the fake accepts an email only with its global API key",
            ));
        }
        (None, Some(_)) => {
            return Err(usage(
                "--key needs --email too: the fake accepts a global API key only with its email",
            ));
        }
    };
    Ok(Command::Serve(Options {
        port: port.unwrap_or(DEFAULT_PORT),
        token,
        api_key,
        quiet,
    }))
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), UsageError> {
    if slot.replace(value).is_some() {
        return Err(usage(format!("{name} is given more than once")));
    }
    Ok(())
}

/// Credentials travel in HTTP headers: refuse values a client could not send, or that the
/// fake would refuse as malformed.
fn check_header_value(name: &str, value: &str) -> Result<(), UsageError> {
    if value.is_empty() {
        return Err(usage(format!(
            "{name} must not be empty: no request could ever match it"
        )));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(usage(format!(
            "{name} must be printable ASCII without spaces, as it travels in an HTTP header"
        )));
    }
    Ok(())
}

/// Why the fake could not start, as a sentence.
fn listen_error(port: u16, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {port} on 127.0.0.1 is already in use (another fake_server?); \
             choose another with --port N, or --port 0 for any free port"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {port} of 127.0.0.1 (ports below 1024 usually \
             need privileges); choose another with --port N"
        ),
        _ => format!("cannot listen on 127.0.0.1:{port}: {error}"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Ok(Command::Serve(options)) => options,
        Err(UsageError(message)) => {
            eprintln!(
                "fake_server: {message}\n{USAGE}\nRun with --help for the options and the credentials it accepts."
            );
            return ExitCode::from(2);
        }
    };
    let mut builder = FakeCloudflare::builder()
        .port(options.port)
        .log_requests(!options.quiet);
    if let Some(token) = options.token {
        builder = builder.api_token(token);
    }
    if let Some((email, key)) = options.api_key {
        builder = builder.api_key(email, key);
    }
    let fake = match builder.start().await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("fake_server: {}", listen_error(options.port, &error));
            return ExitCode::FAILURE;
        }
    };
    println!("fake Cloudflare API listening on {}", fake.base_url());
    if let Some(token) = fake.api_token() {
        println!("  API token:      {token}");
    }
    if let Some((email, key)) = fake.api_key() {
        println!("  email and key:  {email} / {key}");
    }
    println!("  an account id:  {DEFAULT_ACCOUNT_ID} (any 1-32 letters and digits work)");
    println!(
        "point a client at it with CLOUDFLARE_BASE_URL={}",
        fake.base_url()
    );
    if options.quiet {
        println!("requests are not logged (--quiet)");
    } else {
        println!("each request is logged on stderr (--quiet to stop)");
    }
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, UsageError> {
        parse(args.iter().map(|a| a.to_string()))
    }

    fn serve(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Serve(options)) => options,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn refused(args: &[&str]) -> String {
        match run(args) {
            Err(UsageError(message)) => message,
            other => panic!("{args:?} was accepted: {other:?}"),
        }
    }

    #[test]
    fn no_arguments_serve_the_defaults_on_8787() {
        assert_eq!(
            serve(&[]),
            Options {
                port: 8787,
                token: None,
                api_key: None,
                quiet: false
            }
        );
    }

    #[test]
    fn every_option_in_both_spellings() {
        let expected = Options {
            port: 0,
            token: Some("t0k".into()),
            api_key: Some(("me@example.com".into(), "k3y".into())),
            quiet: true,
        };
        let spaced = [
            "--port",
            "0",
            "--token",
            "t0k",
            "--email",
            "me@example.com",
            "--key",
            "k3y",
            "--quiet",
        ];
        assert_eq!(serve(&spaced), expected);
        let joined = [
            "--port=0",
            "--token=t0k",
            "--email=me@example.com",
            "--key=k3y",
            "-q",
        ];
        assert_eq!(serve(&joined), expected);
    }

    #[test]
    fn email_and_key_in_either_order() {
        let email_first = serve(&["--email", "me@example.com", "--key", "k"]);
        let key_first = serve(&["--key", "k", "--email", "me@example.com"]);
        assert_eq!(email_first, key_first);
        assert_eq!(
            key_first.api_key,
            Some(("me@example.com".into(), "k".into()))
        );
        let apart = serve(&["--key", "k", "--port", "1", "--email", "me@example.com"]);
        assert_eq!(apart.api_key, key_first.api_key);
    }

    #[test]
    fn email_without_key_and_key_without_email_are_refused() {
        assert_eq!(
            refused(&["--email", "me@example.com"]),
            "--email needs --key too: the fake accepts an email only with its global API key"
        );
        assert_eq!(
            refused(&["--key", "k"]),
            "--key needs --email too: the fake accepts a global API key only with its email"
        );
    }

    #[test]
    fn empty_or_unsendable_credentials_are_refused() {
        assert_eq!(
            refused(&["--token", ""]),
            "--token must not be empty: no request could ever match it"
        );
        assert_eq!(
            refused(&["--token="]),
            "--token must not be empty: no request could ever match it"
        );
        assert_eq!(
            refused(&["--key", "", "--email", "me@example.com"]),
            "--key must not be empty: no request could ever match it"
        );
        assert_eq!(
            refused(&["--token", "two words"]),
            "--token must be printable ASCII without spaces, as it travels in an HTTP header"
        );
        assert_eq!(
            refused(&["--email", "nobody", "--key", "k"]),
            "--email must be an email address (with an @), not \"nobody\""
        );
    }

    #[test]
    fn a_port_that_is_not_a_number_says_so() {
        for bad in ["abc", "-1", "65536", "80.5", ""] {
            assert_eq!(
                refused(&["--port", bad]),
                format!("--port must be a number from 0 to 65535, not \"{bad}\""),
            );
        }
        assert_eq!(serve(&["--port", "65535"]).port, 65535);
    }

    #[test]
    fn missing_values_unknown_options_and_repeats_are_named() {
        assert_eq!(refused(&["--port"]), "--port needs a value");
        assert_eq!(
            refused(&["--token", "--quiet"]),
            "--token needs a value, but the next argument is the option --quiet"
        );
        assert_eq!(refused(&["--verbose"]), "unknown option --verbose");
        assert_eq!(refused(&["--quiet=yes"]), "--quiet takes no value");
        assert_eq!(refused(&["8787"]), "unexpected argument \"8787\"");
        assert_eq!(
            refused(&["--port", "1", "--port", "2"]),
            "--port is given more than once"
        );
    }

    #[test]
    fn help_wins_and_lists_options_and_credentials() {
        assert_eq!(run(&["--port", "1", "--help"]), Ok(Command::Help));
        assert_eq!(run(&["-h"]), Ok(Command::Help));
        let text = help();
        for needle in [
            "--port N",
            "--token TOKEN",
            "--email EMAIL",
            "--key KEY",
            "--quiet",
            DEFAULT_API_TOKEN,
            DEFAULT_EMAIL,
            DEFAULT_API_KEY,
            DEFAULT_ACCOUNT_ID,
            "Authorization: Bearer",
            "X-Auth-Email",
        ] {
            assert!(text.contains(needle), "{needle} missing from the help");
        }
        assert!(text.lines().all(|line| line.len() <= 100), "{text}");
    }

    #[test]
    fn a_port_in_use_is_named() {
        let error = std::io::Error::from(std::io::ErrorKind::AddrInUse);
        assert_eq!(
            listen_error(8787, &error),
            "port 8787 on 127.0.0.1 is already in use (another fake_server?); choose another \
             with --port N, or --port 0 for any free port"
        );
    }
}
