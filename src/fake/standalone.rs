//! The fake as a process, for test suites in any language: its command line, and the run
//! loop behind `examples/fake_server.rs`.
//!
//! ```sh
//! cargo run --example fake_server --features fake -- --port 0
//! ```
//!
//! For harnesses:
//!
//! - `--port 0` picks a free port, and the **first line on stdout** says where it listens,
//!   ending with the base URL: `fake Cloudflare API listening on
//!   http://127.0.0.1:41234/client/v4`;
//! - it exits with status 0 on SIGTERM or SIGINT (Ctrl-C), after saying so on stderr;
//!   usage errors exit with 2, a failure to listen with 1;
//! - the control interface (`/__fake/`, see [`control`](super::control)) injects faults,
//!   resets or seeds accounts and reads recent requests; `--fault` queues faults at start;
//! - it remembers no request unless `--record N` asks it to, and then only the `N` most
//!   recent ones with bodies cut to `--record-body-bytes`, so its memory stays flat
//!   however long a test suite keeps it running.
//!
//! [`run`] takes the arguments after the program name and returns the exit code, so that
//! any binary can embed the fake as a subcommand.

use std::process::ExitCode;
use std::time::Duration;

use super::record::{DEFAULT_RECORDED_BODY_BYTES, RecordLimits};
use super::{
    DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_API_TOKEN, DEFAULT_EMAIL, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_REQUEST_TIMEOUT, FakeCloudflare, Fault,
};

/// Writes a line, ignoring a closed stdout or stderr.
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
/// The port it listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8787;

fn usage_line(program: &str) -> String {
    format!(
        "usage: {program} [--port N] [--token TOKEN] [--email EMAIL --key KEY] [--quiet] \
         [--record N] [--fault JSON]..."
    )
}

/// The text `--help` prints, for a program called `program`.
pub fn help(program: &str) -> String {
    let timeout = DEFAULT_REQUEST_TIMEOUT.as_secs();
    format!(
        "\
{program}: a fake of Cloudflare's account DNS API on 127.0.0.1, for clients in any language

USAGE
    {program} [OPTIONS]

OPTIONS
    --port N         listen on 127.0.0.1:N (default {DEFAULT_PORT}; 0 picks a free port). The
                     first line on stdout ends with the base URL it serves:
                     fake Cloudflare API listening on http://127.0.0.1:PORT/client/v4
    --token TOKEN    the API token it accepts (default {DEFAULT_API_TOKEN})
    --email EMAIL    the account email it accepts with KEY (default {DEFAULT_EMAIL})
    --key KEY        the global API key it accepts with EMAIL
                     (default {DEFAULT_API_KEY})
                     --email and --key replace the defaults together: give both or neither,
                     in any order
    -q, --quiet      do not log requests (by default: one line per request on stderr with
                     the method, path, status and kind of credentials, never their values)
    --record N       remember the N most recent requests for GET /__fake/requests
                     (default 0: none, so memory stays flat however long it runs)
    --record-body-bytes B
                     keep at most B bytes of each remembered body (default {DEFAULT_RECORDED_BODY_BYTES})
    --request-timeout SECS
                     a request head must arrive within SECS of the connection opening or of
                     the previous answer, a body within SECS of its head (default {timeout});
                     a stalled head is closed with 408, an idle connection silently
    --max-connections N
                     serve at most N connections at once; more wait in the listen queue
                     (default {DEFAULT_MAX_CONNECTIONS})
    --fault JSON     queue a fault at start, as POST /__fake/faults does; repeatable
    -h, --help       show this text

    A value may also follow an = (--port=8787). TOKEN, EMAIL and KEY travel in HTTP
    headers, so they must be non-empty printable ASCII without spaces; EMAIL needs an @.
    SIGTERM and SIGINT stop it with exit status 0; usage errors exit with 2, a failure
    to listen with 1.

CREDENTIALS IT ACCEPTS (both schemes at once)
    API token:        Authorization: Bearer TOKEN
    email and key:    X-Auth-Email: EMAIL and X-Auth-Key: KEY
    Anything else is refused as Cloudflare refuses it (400 for missing or malformed
    headers, 403 for wrong values).

ACCOUNTS
    Any account id of 1-32 letters and digits works, such as {DEFAULT_ACCOUNT_ID};
    each account starts with example values (each field's example in Cloudflare's schema;
    not Cloudflare's defaults; a Cloudflare-assigned soa.mname reads null, as Cloudflare
    answers) and no custom nameservers. State lives in memory and is lost when the
    process stops.

CONTROL INTERFACE (plain HTTP and JSON; no credentials; never recorded)
    POST   /__fake/faults          queue a fault (JSON below)
    GET    /__fake/faults          the faults not yet used
    DELETE /__fake/faults          forget them
    GET    /__fake/requests        the recent requests (with --record N)
    DELETE /__fake/requests        forget them
    GET    /__fake/accounts/ID     an account's custom nameservers and DNS settings
    PUT    /__fake/accounts/ID     reset, then seed it:
                                   {{\"custom_nameservers\":[{{\"ns_name\":\"ns1.example.com\"}}],
                                    \"dns_settings\":{{\"zone_defaults\":{{\"ns_ttl\":300}}}}}}
    DELETE /__fake/accounts/ID     reset it; DELETE /__fake/accounts resets all

    A fault has exactly one of \"status\" (with an optional JSON \"body\", or
    \"html\": true), \"drop\": true or \"delay_ms\"; and optionally \"retry_after\",
    \"operation\" (such as add_custom_nameserver) or \"method\" (such as POST),
    \"after_applying\": true (apply the change, then fail), \"times\" (default 1).

    curl -X POST http://127.0.0.1:{DEFAULT_PORT}/__fake/faults \\
      -d '{{\"status\": 503, \"retry_after\": \"1\", \"operation\": \"add_custom_nameserver\"}}'

POINT A CLIENT AT IT (with the defaults)
    CLOUDFLARE_BASE_URL=http://127.0.0.1:{DEFAULT_PORT}/client/v4
    CLOUDFLARE_API_TOKEN={DEFAULT_API_TOKEN}
    curl -H \"Authorization: Bearer {DEFAULT_API_TOKEN}\" \\
      http://127.0.0.1:{DEFAULT_PORT}/client/v4/accounts/{DEFAULT_ACCOUNT_ID}/dns_settings
"
    )
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    /// Print the help text.
    Help,
    /// Serve with these options.
    Serve(Options),
}

/// How to serve.
#[derive(Debug)]
struct Options {
    port: u16,
    /// `None`: the default token.
    token: Option<String>,
    /// `None`: the default email and key.
    api_key: Option<(String, String)>,
    quiet: bool,
    record: RecordLimits,
    request_timeout: Duration,
    max_connections: usize,
    faults: Vec<(Fault, usize)>,
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
    let mut record = None;
    let mut body_bytes = None;
    let mut request_timeout = None;
    let mut max_connections = None;
    let mut faults = Vec::new();
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
            "--record" => {
                let n = count("--record", &value("--record")?)?;
                set_once(&mut record, "--record", n)?;
            }
            "--record-body-bytes" => {
                let n = count("--record-body-bytes", &value("--record-body-bytes")?)?;
                set_once(&mut body_bytes, "--record-body-bytes", n)?;
            }
            "--request-timeout" => {
                let text = value("--request-timeout")?;
                let secs = text
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.001 && *s <= 86_400.0)
                    .ok_or_else(|| {
                        usage(format!(
                            "--request-timeout must be seconds from 0.001 to 86400, not \"{text}\""
                        ))
                    })?;
                set_once(
                    &mut request_timeout,
                    "--request-timeout",
                    Duration::from_secs_f64(secs),
                )?;
            }
            "--max-connections" => {
                let n = count("--max-connections", &value("--max-connections")?)?;
                if n == 0 {
                    return Err(usage("--max-connections must be at least 1"));
                }
                set_once(&mut max_connections, "--max-connections", n)?;
            }
            "--fault" => {
                let text = value("--fault")?;
                let fault = super::control::parse_fault(text.as_bytes())
                    .map_err(|message| usage(format!("--fault {text}: {message}")))?;
                faults.push(fault);
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
        record: RecordLimits::new(
            record.unwrap_or(0),
            body_bytes.unwrap_or(DEFAULT_RECORDED_BODY_BYTES),
        ),
        request_timeout: request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
        max_connections: max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
        faults,
    }))
}

fn count(name: &str, text: &str) -> Result<usize, UsageError> {
    text.parse::<u32>().map(|n| n as usize).map_err(|_| {
        usage(format!(
            "{name} must be a whole number from 0 to {}, not \"{text}\"",
            u32::MAX
        ))
    })
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
            "port {port} on 127.0.0.1 is already in use (another fake?); \
             choose another with --port N, or --port 0 for any free port"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "not allowed to listen on port {port} of 127.0.0.1 (ports below 1024 usually \
             need privileges); choose another with --port N"
        ),
        _ => format!("cannot listen on 127.0.0.1:{port}: {error}"),
    }
}

/// Runs the fake as a process called `program` (for its messages) with `args`, the
/// arguments after the program name, until SIGTERM or SIGINT; returns the exit code.
///
/// It starts a tokio runtime of its own; from async code, use [`serve`].
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     cloudflare_account_dns::fake::standalone::run("fake_server", std::env::args().skip(1))
/// }
/// ```
pub fn run(program: &str, args: impl IntoIterator<Item = String>) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(serve(program, args)),
        Err(error) => {
            eprintln!("{program}: cannot start an async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// [`run`] on the current tokio runtime.
pub async fn serve(program: &str, args: impl IntoIterator<Item = String>) -> ExitCode {
    let options = match parse(args) {
        Ok(Command::Help) => {
            print!("{}", help(program));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Serve(options)) => options,
        Err(UsageError(message)) => {
            eprintln!(
                "{program}: {message}\n{}\nRun with --help for the options and the credentials it accepts.",
                usage_line(program)
            );
            return ExitCode::from(2);
        }
    };
    // Signals first: one that comes while the fake starts is not lost.
    let stop = match Stop::listen() {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("{program}: cannot listen for signals: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = FakeCloudflare::builder()
        .port(options.port)
        .log_requests(!options.quiet)
        .record(options.record)
        .request_timeout(options.request_timeout)
        .max_connections(options.max_connections);
    if let Some(token) = options.token {
        builder = builder.api_token(token);
    }
    if let Some((email, key)) = options.api_key {
        builder = builder.api_key(email, key);
    }
    let queued = options.faults.iter().map(|(_, times)| times).sum::<usize>();
    for (fault, times) in options.faults {
        builder = builder.fault(fault, times);
    }
    let fake = match builder.start().await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("{program}: {}", listen_error(options.port, &error));
            return ExitCode::FAILURE;
        }
    };
    // The first line: a harness reads the base URL from its end. A harness may close
    // stdout once it has it: what follows is then lost, never fatal.
    let mut out = std::io::stdout().lock();
    say!(out, "fake Cloudflare API listening on {}", fake.base_url());
    if let Some(token) = fake.api_token() {
        say!(out, "  API token:      {token}");
    }
    if let Some((email, key)) = fake.api_key() {
        say!(out, "  email and key:  {email} / {key}");
    }
    say!(
        out,
        "  an account id:  {DEFAULT_ACCOUNT_ID} (any 1-32 letters and digits work)"
    );
    say!(
        out,
        "  control:        http://{}/__fake/ (faults, accounts, recent requests)",
        fake.addr()
    );
    say!(
        out,
        "point a client at it with CLOUDFLARE_BASE_URL={}",
        fake.base_url()
    );
    let limits = fake.record_limits();
    if limits.requests == 0 {
        say!(
            out,
            "requests are not remembered (--record N to keep the N most recent)"
        );
    } else {
        say!(
            out,
            "the {} most recent requests are remembered, {} bytes of each body",
            limits.requests,
            limits.body_bytes
        );
    }
    if queued > 0 {
        say!(out, "{queued} fault(s) queued from --fault");
    }
    if options.quiet {
        say!(out, "requests are not logged (--quiet)");
    } else {
        say!(out, "each request is logged on stderr (--quiet to stop)");
    }
    drop(out);
    let signal = stop.wait().await;
    say!(std::io::stderr(), "{program}: stopping on {signal}");
    drop(fake);
    ExitCode::SUCCESS
}

/// The signals that stop the fake.
struct Stop {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Stop {
    fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for a signal; its name.
    async fn wait(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
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
    fn no_arguments_serve_the_defaults_on_8787_recording_nothing() {
        let options = serve(&[]);
        assert_eq!(options.port, 8787);
        assert_eq!(options.token, None);
        assert_eq!(options.api_key, None);
        assert!(!options.quiet);
        assert_eq!(options.record.requests, 0, "recording is off unless asked");
        assert_eq!(options.request_timeout, DEFAULT_REQUEST_TIMEOUT);
        assert_eq!(options.max_connections, DEFAULT_MAX_CONNECTIONS);
        assert!(options.faults.is_empty());
    }

    #[test]
    fn every_option_in_both_spellings() {
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
            "--record",
            "50",
            "--record-body-bytes",
            "10",
            "--request-timeout",
            "0.5",
            "--max-connections",
            "7",
            "--fault",
            r#"{"status": 503, "times": 2}"#,
        ];
        let joined = [
            "--port=0",
            "--token=t0k",
            "--email=me@example.com",
            "--key=k3y",
            "-q",
            "--record=50",
            "--record-body-bytes=10",
            "--request-timeout=0.5",
            "--max-connections=7",
            r#"--fault={"status": 503, "times": 2}"#,
        ];
        for args in [&spaced[..], &joined[..]] {
            let options = serve(args);
            assert_eq!(options.port, 0);
            assert_eq!(options.token.as_deref(), Some("t0k"));
            assert_eq!(
                options.api_key,
                Some(("me@example.com".into(), "k3y".into()))
            );
            assert!(options.quiet);
            assert_eq!(options.record, RecordLimits::new(50, 10));
            assert_eq!(options.request_timeout, Duration::from_millis(500));
            assert_eq!(options.max_connections, 7);
            assert_eq!(options.faults.len(), 1);
            assert_eq!(options.faults[0].1, 2);
        }
    }

    #[test]
    fn email_and_key_in_either_order() {
        let email_first = serve(&["--email", "me@example.com", "--key", "k"]);
        let key_first = serve(&["--key", "k", "--email", "me@example.com"]);
        assert_eq!(email_first.api_key, key_first.api_key);
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
    fn numbers_out_of_range_say_so() {
        for bad in ["abc", "-1", "65536", "80.5", ""] {
            assert_eq!(
                refused(&["--port", bad]),
                format!("--port must be a number from 0 to 65535, not \"{bad}\""),
            );
        }
        assert_eq!(serve(&["--port", "65535"]).port, 65535);
        for bad in ["0", "-1", "nan", "inf", "1e9"] {
            assert!(
                refused(&["--request-timeout", bad]).starts_with("--request-timeout must be"),
                "{bad}"
            );
        }
        assert_eq!(
            refused(&["--max-connections", "0"]),
            "--max-connections must be at least 1"
        );
        assert!(refused(&["--record", "-3"]).starts_with("--record must be a whole number"));
    }

    #[test]
    fn a_bad_fault_is_named() {
        let message = refused(&["--fault", r#"{"status": 5}"#]);
        assert_eq!(
            message,
            r#"--fault {"status": 5}: "status" must be from 100 to 999, not 5"#
        );
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
    fn help_wins_and_lists_options_credentials_and_the_control_interface() {
        assert!(matches!(run(&["--port", "1", "--help"]), Ok(Command::Help)));
        assert!(matches!(run(&["-h"]), Ok(Command::Help)));
        let text = help("fake_server");
        for needle in [
            "--port N",
            "--token TOKEN",
            "--email EMAIL",
            "--key KEY",
            "--quiet",
            "--record N",
            "--request-timeout",
            "--max-connections",
            "--fault JSON",
            "/__fake/faults",
            "/__fake/accounts/ID",
            "/__fake/requests",
            "curl -X POST",
            "SIGTERM",
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
            "port 8787 on 127.0.0.1 is already in use (another fake?); choose another \
             with --port N, or --port 0 for any free port"
        );
    }
}
