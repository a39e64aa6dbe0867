//! The standalone fake as a process, as a harness in any language runs it: `--port 0` and
//! the first line on stdout, SIGTERM and SIGINT, memory that stays flat under load,
//! stalled connections closed, and the control interface driven by curl.
//!
//! The process is `cloudflare-account-dns fake` (which calls
//! `cloudflare_account_dns::fake::standalone::run`, as `examples/fake_server` does), built
//! by cargo for this test. Everything runs on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TOKEN: &str = "fake-cloudflare-api-token";
const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// The installed command, whose `fake` subcommand is the standalone fake (cargo builds it
/// for this test: `required-features = ["cli", "fake"]`).
const BIN: &str = env!("CARGO_BIN_EXE_cloudflare-account-dns");

struct Process {
    child: Child,
    base_url: String,
    /// `http://127.0.0.1:PORT`
    origin: String,
    addr: String,
}

impl Process {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args(["fake", "--port", "0", "--quiet"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the fake starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("a first line");
        // The rest is not read: the fake carries on when its stdout is closed.
        drop(stdout);
        let base_url = first
            .trim_end()
            .strip_prefix("fake Cloudflare API listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_string();
        let origin = base_url
            .strip_suffix("/client/v4")
            .expect("the base URL ends with /client/v4")
            .to_string();
        let addr = origin.trim_start_matches("http://").to_string();
        Self {
            child,
            base_url,
            origin,
            addr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The resident set size of the process, from /proc, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("/proc/PID/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmRSS line")
    }

    /// How many file descriptors the process holds.
    fn descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }

    /// Sends a signal with kill(1) and waits for the exit; the exit status and stderr.
    fn stop_with(mut self, signal: &str) -> (std::process::ExitStatus, String) {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "still running 10 s after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("stderr");
        }
        (status, stderr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One request with curl: (status, body).
fn curl(args: &[&str]) -> (u16, String) {
    let output = Command::new("curl")
        .args(["-s", "-S", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs (install it: apt-get install curl)");
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let (body, status) = text.rsplit_once('\n').expect("a status line");
    (status.parse().expect("a status"), body.to_string())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn port_zero_names_the_url_on_the_first_line_and_signals_stop_it_cleanly() {
    for signal in ["TERM", "INT"] {
        let fake = Process::start(&[]);
        assert!(
            fake.base_url.starts_with("http://127.0.0.1:") && !fake.base_url.contains(":0/"),
            "{}",
            fake.base_url
        );
        let auth = format!("Authorization: Bearer {TOKEN}");
        let (status, _) = curl(&[
            "-H",
            &auth,
            &format!("{}/accounts/{ACCOUNT}/dns_settings", fake.base_url),
        ]);
        assert_eq!(status, 200);
        let (status, stderr) = fake.stop_with(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?} {stderr}");
        assert!(
            stderr.contains(&format!("stopping on SIG{signal}")),
            "{stderr}"
        );
    }
}

#[test]
fn the_control_interface_works_from_curl() {
    let fake = Process::start(&["--record", "5"]);
    let control = |method: &str, path: &str, body: Option<&str>| {
        let url = format!("{}/__fake/{path}", fake.origin);
        let mut args = vec!["-X", method, url.as_str()];
        if let Some(body) = body {
            args.extend(["-H", "Content-Type: application/json", "-d", body]);
        }
        let (status, text) = curl(&args);
        (status, json(&text))
    };
    let auth = format!("Authorization: Bearer {TOKEN}");
    let settings_url = format!("{}/accounts/{ACCOUNT}/dns_settings", fake.base_url);
    let get_settings = || curl(&["-H", &auth, &settings_url]);

    // The index lists the routes.
    let (status, index) = control("GET", "", None);
    assert_eq!(status, 200);
    assert!(index["routes"].as_array().unwrap().len() >= 9);

    // A fault for one operation, twice, with Retry-After; others pass it by.
    let (status, queued) = control(
        "POST",
        "faults",
        Some(r#"{"status": 503, "retry_after": "7", "operation": "get_dns_settings", "times": 2}"#),
    );
    assert_eq!((status, queued["queued"].as_u64()), (200, Some(2)));
    let list_url = format!("{}/accounts/{ACCOUNT}/custom_ns", fake.base_url);
    assert_eq!(curl(&["-H", &auth, &list_url]).0, 200, "another operation");
    let (status, body) = get_settings();
    assert_eq!(status, 503);
    assert_eq!(json(&body)["errors"][0]["code"], 1000);
    let (_, pending) = control("GET", "faults", None);
    assert_eq!(pending["faults"].as_array().unwrap().len(), 1);
    assert_eq!(pending["faults"][0]["retry_after"], "7");
    let (status, cleared) = control("DELETE", "faults", None);
    assert_eq!((status, cleared["cleared"].as_u64()), (200, Some(1)));
    assert_eq!(get_settings().0, 200);

    // A fault with a body of one's own, after applying: the nameserver exists, the answer
    // is the fault's.
    control(
        "POST",
        "faults",
        Some(
            r#"{"status": 500, "body": {"oops": true}, "method": "POST", "after_applying": true}"#,
        ),
    );
    let (status, body) = curl(&[
        "-H",
        &auth,
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"ns_name": "ns1.example.com"}"#,
        &list_url,
    ]);
    assert_eq!(
        (status, json(&body)),
        (500, serde_json::json!({"oops": true}))
    );
    let (_, account) = control("GET", &format!("accounts/{ACCOUNT}"), None);
    assert_eq!(
        account["custom_nameservers"][0]["ns_name"], "ns1.example.com",
        "applied before the fault"
    );

    // A dropped connection: curl sees no answer at all.
    control("POST", "faults", Some(r#"{"drop": true}"#));
    let dropped = Command::new("curl")
        .args(["-s", "-H", &auth, &settings_url])
        .output()
        .expect("curl");
    assert!(
        !dropped.status.success(),
        "curl fails on a dropped connection"
    );

    // Seed, then reset.
    let (status, seeded) = control(
        "PUT",
        &format!("accounts/{ACCOUNT}"),
        Some(
            r#"{"custom_nameservers": [{"ns_name": "ns2.example.com", "ns_set": 2}],
                "dns_settings": {"zone_defaults": {"ns_ttl": 300}}}"#,
        ),
    );
    assert_eq!(status, 200, "{seeded}");
    let (_, body) = get_settings();
    assert_eq!(json(&body)["result"]["zone_defaults"]["ns_ttl"], 300);
    let (_, body) = curl(&["-H", &auth, &list_url]);
    let names: Vec<_> = json(&body)["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ns| (ns["ns_name"].clone(), ns["ns_set"].clone()))
        .collect();
    assert_eq!(names, [("ns2.example.com".into(), 2.into())]);
    control("DELETE", &format!("accounts/{ACCOUNT}"), None);
    let (_, body) = get_settings();
    assert_eq!(json(&body)["result"]["zone_defaults"]["ns_ttl"], 86400);

    // The recent requests: Cloudflare requests only, credentials redacted.
    let (status, recent) = control("GET", "requests", None);
    assert_eq!(status, 200);
    assert_eq!(recent["recording"], true);
    let requests = recent["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 5, "the ring holds the 5 most recent");
    assert!(
        requests
            .iter()
            .all(|r| r["path"].as_str().unwrap().starts_with("/client/v4/"))
    );
    assert!(
        requests
            .iter()
            .all(|r| r["headers"]["authorization"] == "[redacted]")
    );
    assert_eq!(recent["received"], 8, "every Cloudflare request is counted");

    // Mistakes get a 4xx that says what is wrong.
    let (status, refused) = control("POST", "faults", Some(r#"{"status": 503, "drop": true}"#));
    assert_eq!(status, 400);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("exactly one of")
    );
    assert_eq!(control("GET", "nothing", None).0, 404);
    assert_eq!(control("PATCH", "faults", None).0, 405);
}

#[test]
fn faults_from_the_command_line_come_first() {
    let fake = Process::start(&[
        "--fault",
        r#"{"status": 429, "retry_after": "3", "times": 2}"#,
    ]);
    let auth = format!("Authorization: Bearer {TOKEN}");
    let url = format!("{}/accounts/{ACCOUNT}/dns_settings", fake.base_url);
    let statuses: Vec<u16> = (0..3).map(|_| curl(&["-H", &auth, &url]).0).collect();
    assert_eq!(statuses, [429, 429, 200]);
}

#[test]
fn stalled_heads_and_idle_connections_are_closed() {
    let timeout = Duration::from_secs(1);
    let fake = Process::start(&["--request-timeout", "1"]);
    let before = fake.descriptors();
    let started = Instant::now();
    let mut stalled: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut stream = TcpStream::connect(&fake.addr).expect("connect");
            stream
                .write_all(
                    format!(
                        "GET /client/v4/accounts/{ACCOUNT}/dns_settings HTTP/1.1\r\nHost: x\r\n"
                    )
                    .as_bytes(),
                )
                .expect("half a head");
            stream
        })
        .collect();
    let idle: Vec<TcpStream> = (0..10)
        .map(|_| TcpStream::connect(&fake.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let open = fake.descriptors();
    assert!(open >= before + 60, "{before} -> {open} descriptors");

    // Everything the fake sends until it closes the connection.
    let until_closed = |stream: &mut TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .expect("closed, not timed out");
        (
            String::from_utf8_lossy(&answer).into_owned(),
            started.elapsed(),
        )
    };
    let mut closed_after = Vec::new();
    for stream in &mut stalled {
        let (answer, after) = until_closed(stream);
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{answer:?}"
        );
        closed_after.push(after);
    }
    for mut stream in idle {
        let (answer, after) = until_closed(&mut stream);
        assert!(answer.is_empty(), "an idle connection is closed silently");
        closed_after.push(after);
    }
    let last = closed_after.iter().max().unwrap();
    let first = closed_after.iter().min().unwrap();
    eprintln!(
        "60 stalled or idle connections closed between {first:?} and {last:?} after opening \
         (request timeout {timeout:?}); descriptors {before} -> {open} -> {}",
        fake.descriptors()
    );
    assert!(*first >= timeout, "none closed before the timeout");
    // Generous: the point is that they are closed, not how fast a loaded machine does it.
    assert!(*last < timeout * 10, "{last:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while fake.descriptors() > before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(fake.descriptors() <= before, "every descriptor is released");

    // A well-behaved client is served as before.
    let auth = format!("Authorization: Bearer {TOKEN}");
    assert_eq!(
        curl(&[
            "-H",
            &auth,
            &format!("{}/accounts/{ACCOUNT}/dns_settings", fake.base_url)
        ])
        .0,
        200
    );
}

#[test]
fn connections_over_the_cap_wait_their_turn() {
    let fake = Process::start(&["--max-connections", "2", "--request-timeout", "2"]);
    // Two idle connections take both slots.
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&fake.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let auth = format!("Authorization: Bearer {TOKEN}");
    let (status, _) = curl(&[
        "-H",
        &auth,
        &format!("{}/accounts/{ACCOUNT}/dns_settings", fake.base_url),
    ]);
    let waited = started.elapsed();
    assert_eq!(status, 200, "served once a slot freed");
    eprintln!("a third connection over a cap of 2 was served after {waited:?}");
    assert!(
        waited >= Duration::from_millis(1500),
        "it waited for an idle connection to time out: {waited:?}"
    );
    drop(held);
}

/// A request on a kept-alive connection; the status.
fn exchange(stream: &mut BufReader<TcpStream>, head: &str, body: &[u8]) -> u16 {
    let writer = stream.get_mut();
    writer.write_all(head.as_bytes()).unwrap();
    writer.write_all(body).unwrap();
    let mut status_line = String::new();
    stream.read_line(&mut status_line).unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{status_line:?}"));
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut rest = vec![0; length];
    stream.read_exact(&mut rest).unwrap();
    status
}

#[test]
fn memory_stays_flat_however_many_requests_it_records() {
    // Recording on, at small bounds: the ring and the cut keep memory flat. (Off, the
    // default of the standalone fake, keeps nothing at all.)
    let fake = Process::start(&["--record", "100", "--record-body-bytes", "1024"]);
    let get = format!(
        "GET /client/v4/accounts/{ACCOUNT}/dns_settings HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {TOKEN}\r\n\r\n"
    );
    // A 0.9 MB PATCH body: a valid JSON object that the fake refuses (an enum value it
    // does not know), so that nothing of it is stored.
    let large = format!(
        r#"{{"zone_defaults": {{"zone_mode": "{}"}}}}"#,
        "x".repeat(900_000)
    );
    let patch = format!(
        "PATCH /client/v4/accounts/{ACCOUNT}/dns_settings HTTP/1.1\r\nHost: x\r\n\
         Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        large.len()
    );
    let connect = || BufReader::new(TcpStream::connect(&fake.addr).expect("connect"));
    let run = |gets: usize, patches: usize| {
        // Four connections in parallel, keep-alive.
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    let mut stream = connect();
                    for _ in 0..gets / 4 {
                        assert_eq!(exchange(&mut stream, &get, b""), 200);
                    }
                    for _ in 0..patches / 4 {
                        assert_eq!(exchange(&mut stream, &patch, large.as_bytes()), 400);
                    }
                });
            }
        });
    };

    let at_start = fake.rss_kib();
    // Warm up: the allocator's arenas, hyper's buffers, the ring filled once.
    run(2_000, 40);
    let warm = fake.rss_kib();
    let started = Instant::now();
    run(20_000, 0);
    let after_gets = fake.rss_kib();
    run(0, 300);
    let after_bodies = fake.rss_kib();
    eprintln!(
        "fake RSS: {at_start} KiB at start, {warm} KiB warm (2,000 GETs, 40 bodies of \
         0.9 MB), {after_gets} KiB after 20,000 more GETs, {after_bodies} KiB after 300 more \
         bodies ({:?})",
        started.elapsed()
    );
    let (_, recent) = curl(&[&format!("{}/__fake/requests", fake.origin)]);
    let recent = json(&recent);
    assert_eq!(recent["requests"].as_array().unwrap().len(), 100);
    assert_eq!(recent["received"], 2_000 + 40 + 20_000 + 300);
    let last = &recent["requests"][99];
    assert_eq!(last["body_len"], large.len());
    assert_eq!(last["body"].as_str().unwrap().len(), 1024);
    assert_eq!(last["body_truncated"], true);
    // Flat: growth past the warm-up stays within a few MiB (the unbounded record grew by
    // 15 MiB for 20,000 GETs and by 329 MiB for 300 such bodies).
    let limit = 8 * 1024;
    assert!(
        after_gets.saturating_sub(warm) < limit,
        "{warm} -> {after_gets} KiB"
    );
    assert!(
        after_bodies.saturating_sub(warm) < limit,
        "{warm} -> {after_bodies} KiB"
    );
}
