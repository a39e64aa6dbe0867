//! Many calls through one client: 1,000 and 10,000 calls with up to 256 in flight, through
//! the crate and through raw `reqwest` (the baseline), in the same run.
//!
//! The server runs in a child process (this same binary, started with `BENCH_SERVER=1`), so
//! the peak memory measured here is the client's alone. For each run it reports the
//! throughput, the peak resident memory (`VmHWM`, reset before the run) and the number of
//! connections the server accepted.
//!
//! `cargo bench --bench scale`

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const IN_FLIGHT: usize = 256;

fn main() {
    if std::env::var_os("BENCH_SERVER").is_some() {
        return serve();
    }
    // `cargo bench` passes `--bench`; anything else (such as a filter) is ignored.
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("BENCH_SERVER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().parse().expect("the server's address");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "1,000 and 10,000 calls (half add, half update) with up to {IN_FLIGHT} in flight, \
         server in a child process"
    );
    println!();
    println!("| calls | client | time | calls/s | peak RSS | RSS growth | connections |");
    println!("|---:|---|---:|---:|---:|---:|---:|");
    for calls in [1_000, 10_000] {
        let mut results = Vec::new();
        for variant in ["raw", "crate"] {
            let run = runtime.block_on(run(addr, variant, calls));
            println!(
                "| {calls} | {variant} | {:.0} ms | {:.0} | {:.1} MiB | {:+.1} MiB | {} |",
                run.elapsed.as_secs_f64() * 1000.0,
                calls as f64 / run.elapsed.as_secs_f64(),
                run.peak_kib as f64 / 1024.0,
                (run.peak_kib as f64 - run.before_kib as f64) / 1024.0,
                run.connections
            );
            results.push(run);
        }
        let (raw, ours) = (&results[0], &results[1]);
        println!(
            "| {calls} | crate / raw | {:.3} | {:.3} | {:.3} | | |",
            ours.elapsed.as_secs_f64() / raw.elapsed.as_secs_f64(),
            raw.elapsed.as_secs_f64() / ours.elapsed.as_secs_f64(),
            ours.peak_kib as f64 / raw.peak_kib as f64,
        );
    }
    drop(child.stdin.take());
    let _ = child.wait();
}

struct Run {
    elapsed: Duration,
    before_kib: u64,
    peak_kib: u64,
    connections: usize,
}

async fn run(addr: SocketAddr, variant: &str, calls: usize) -> Run {
    admin(addr, "POST /__reset").await;
    reset_peak_rss();
    let before_kib = status_kib("VmRSS");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(IN_FLIGHT);
    if variant == "crate" {
        let client = common::crate_client(addr, IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            let (client, next) = (client.clone(), next.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls {
                        break;
                    }
                    if i % 2 == 0 {
                        std::hint::black_box(common::crate_add(&client).await);
                    } else {
                        std::hint::black_box(common::crate_update(&client).await);
                    }
                }
            }));
        }
    } else {
        let raw = Arc::new(common::Raw::new(addr));
        for _ in 0..IN_FLIGHT {
            let (raw, next) = (raw.clone(), next.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls {
                        break;
                    }
                    if i % 2 == 0 {
                        std::hint::black_box(raw.add().await);
                    } else {
                        std::hint::black_box(raw.update().await);
                    }
                }
            }));
        }
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed();
    let peak_kib = status_kib("VmHWM");
    let stats = admin(addr, "GET /__stats").await;
    let mut numbers = stats
        .split_whitespace()
        .map(|n| n.parse::<usize>().unwrap());
    let (connections, requests) = (numbers.next().unwrap(), numbers.next().unwrap());
    assert_eq!(requests, calls, "the server saw every call");
    Run {
        elapsed,
        before_kib,
        peak_kib,
        // Less the connection of this stats request.
        connections: connections - 1,
    }
}

/// Sends one request on its own connection and returns the body.
async fn admin(addr: SocketAddr, request_line: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            format!("{request_line} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n").as_bytes(),
        )
        .await
        .unwrap();
    let mut response = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        response.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&response);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            if response.len() >= end + 4 + length {
                return text[end + 4..end + 4 + length].to_string();
            }
        }
        if n == 0 {
            panic!("the server closed the admin connection");
        }
    }
}

/// A line of `/proc/self/status`, in KiB (0 where there is no procfs).
fn status_kib(field: &str) -> u64 {
    let mut text = String::new();
    if std::fs::File::open("/proc/self/status")
        .and_then(|mut f| f.read_to_string(&mut text))
        .is_err()
    {
        return 0;
    }
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets `VmHWM` to the current RSS (Linux), so each run's peak is its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The child process: the server, until the parent closes stdin.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (addr, _) = common::start_server().await;
        println!("{addr}");
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
    });
}
