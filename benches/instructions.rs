//! Instructions per call, pinned calls per second and peak memory: the crate against the
//! same call written by hand with raw `reqwest` + `serde_json` (the baseline in
//! `common/mod.rs`), in the same run, against one server.
//!
//! - **Instructions per call**: each client runs in its own process under
//!   `valgrind --tool=callgrind`, once with `SHORT` calls and once with `LONG` calls of one
//!   kind; the difference of the two totals divided by the difference in calls is the cost
//!   of one call, with start-up, the runtime and the first connection cancelled out. The
//!   count is deterministic: the same binary and inputs give the same figure.
//! - **Calls per second**: the server and each client process pinned to one CPU
//!   (`taskset -c 0`), crate and raw runs in alternation, the median of `ROUNDS` each.
//! - **Peak RSS**: the client process's `VmHWM` in those runs (median).
//!
//! The server is a child process (this same binary with `BENCH_SERVER=1`); the clients are
//! children too (`BENCH_CLIENT=kind:calls`), so every figure is the client's alone.
//!
//! `cargo bench --bench instructions` (needs valgrind for the first table; taskset for
//! pinning, otherwise the runs are unpinned and say so).

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Instant;

const KINDS: [&str; 4] = ["crate_add", "raw_add", "crate_update", "raw_update"];
const SHORT: u64 = 1_000;
const LONG: u64 = 5_000;
const TIMED_CALLS: u64 = 20_000;
const ROUNDS: usize = 5;

fn main() {
    if std::env::var_os("BENCH_SERVER").is_some() {
        return serve();
    }
    if let Ok(job) = std::env::var("BENCH_CLIENT") {
        return client(&job);
    }
    let pin = have("taskset");
    let (mut server, addr) = start_server(pin);

    if have("valgrind") {
        println!(
            "Instructions per call (callgrind, client process only; ({LONG}-call run - \
             {SHORT}-call run) / {}):",
            LONG - SHORT
        );
        println!();
        println!("| call | crate | raw | crate / raw |");
        println!("|---|---:|---:|---:|");
        for op in ["add", "update"] {
            let ours = per_call_instructions(addr, &format!("crate_{op}"));
            let raw = per_call_instructions(addr, &format!("raw_{op}"));
            println!(
                "| {op} | {:.1} k | {:.1} k | {:.3} |",
                ours / 1000.0,
                raw / 1000.0,
                ours / raw
            );
        }
        println!();
    } else {
        println!("(valgrind not found: no instruction counts)\n");
    }

    println!(
        "Calls per second, {TIMED_CALLS} calls one after another per client process, {}; \
         crate and raw in alternation, median of {ROUNDS} rounds; peak RSS of the client \
         process (median):",
        if pin {
            "server and client pinned to CPU 0 (taskset -c 0)"
        } else {
            "UNPINNED (taskset not found)"
        }
    );
    println!();
    println!(
        "| call | crate calls/s | raw calls/s | crate / raw | crate peak RSS | raw peak RSS | crate / raw |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for op in ["add", "update"] {
        let mut ours = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..ROUNDS {
            ours.push(timed_run(addr, &format!("crate_{op}"), pin));
            raw.push(timed_run(addr, &format!("raw_{op}"), pin));
        }
        let (ours_rate, ours_rss) = medians(&ours);
        let (raw_rate, raw_rss) = medians(&raw);
        println!(
            "| {op} | {ours_rate:.0} | {raw_rate:.0} | {:.3} | {:.1} MiB | {:.1} MiB | {:.2} |",
            ours_rate / raw_rate,
            ours_rss / 1024.0,
            raw_rss / 1024.0,
            ours_rss / raw_rss
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn command(pin: bool) -> Command {
    let exe = std::env::current_exe().unwrap();
    if pin {
        let mut command = Command::new("taskset");
        command.arg("-c").arg("0").arg(exe);
        command
    } else {
        Command::new(exe)
    }
}

fn start_server(pin: bool) -> (std::process::Child, SocketAddr) {
    let mut server = command(pin)
        .env("BENCH_SERVER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (server, line.trim().parse().expect("the server's address"))
}

/// Total instructions of a client process making `calls` calls of `kind`, under callgrind.
fn instructions(addr: SocketAddr, kind: &str, calls: u64) -> u64 {
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--callgrind-out-file=/dev/null")
        .arg(std::env::current_exe().unwrap())
        .env("BENCH_CLIENT", format!("{kind}:{calls}"))
        .env("BENCH_ADDR", addr.to_string())
        .output()
        .expect("run valgrind");
    assert!(output.status.success(), "{kind} under callgrind failed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in callgrind's output:\n{stderr}"))
}

fn per_call_instructions(addr: SocketAddr, kind: &str) -> f64 {
    let short = instructions(addr, kind, SHORT);
    let long = instructions(addr, kind, LONG);
    (long as f64 - short as f64) / (LONG - SHORT) as f64
}

/// One timed client process: (calls per second, peak RSS in KiB).
fn timed_run(addr: SocketAddr, kind: &str, pin: bool) -> (f64, f64) {
    let output = command(pin)
        .env("BENCH_CLIENT", format!("{kind}:{TIMED_CALLS}"))
        .env("BENCH_ADDR", addr.to_string())
        .output()
        .expect("run a client");
    assert!(output.status.success(), "{kind} failed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut fields = stdout.split_whitespace();
    let nanos: f64 = fields.next().unwrap().parse().unwrap();
    let peak_kib: f64 = fields.next().unwrap().parse().unwrap();
    (TIMED_CALLS as f64 / (nanos / 1e9), peak_kib)
}

fn medians(runs: &[(f64, f64)]) -> (f64, f64) {
    let mut rates: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let mut rss: Vec<f64> = runs.iter().map(|r| r.1).collect();
    rates.sort_by(f64::total_cmp);
    rss.sort_by(f64::total_cmp);
    (rates[rates.len() / 2], rss[rss.len() / 2])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The server process: prints its address, answers until its stdin closes.
fn serve() {
    let runtime = runtime();
    runtime.block_on(async {
        let (addr, _) = common::start_server().await;
        println!("{addr}");
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
        })
        .await
        .ok();
    });
}

/// A client process: `calls` calls of one kind, one after another on a single-threaded
/// runtime; prints the nanoseconds they took and the process's peak RSS in KiB.
fn client(job: &str) {
    let (kind, calls) = job.split_once(':').expect("kind:calls");
    let calls: u64 = calls.parse().expect("a number of calls");
    let addr: SocketAddr = std::env::var("BENCH_ADDR").unwrap().parse().unwrap();
    let runtime = runtime();
    assert!(KINDS.contains(&kind), "{kind}: not one of {KINDS:?}");
    // Only the client that runs is built, so that the peak memory is its own.
    let ours = kind
        .starts_with("crate")
        .then(|| common::crate_client(addr, 64));
    let raw = kind.starts_with("raw").then(|| common::Raw::new(addr));
    let elapsed = runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..calls {
            match (kind, &ours, &raw) {
                ("crate_add", Some(client), _) => {
                    drop(std::hint::black_box(common::crate_add(client).await))
                }
                ("crate_update", Some(client), _) => {
                    drop(std::hint::black_box(common::crate_update(client).await))
                }
                ("raw_add", _, Some(raw)) => drop(std::hint::black_box(raw.add().await)),
                ("raw_update", _, Some(raw)) => drop(std::hint::black_box(raw.update().await)),
                _ => unreachable!(),
            }
        }
        start.elapsed()
    });
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("{} {peak_kib}", elapsed.as_nanos());
}
