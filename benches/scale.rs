//! Many calls through one client: 1,000 and 10,000 calls with up to 256 in flight, through
//! the crate and through raw `reqwest` (the baseline), in the same run.
//!
//! The server runs in a child process (this same binary, started with `BENCH_SERVER=1`), and
//! each run in a fresh client process (`BENCH_CLIENT`), so the peak memory measured is that
//! run's client alone. For each run it reports the throughput, the peak resident memory of
//! the client process (`VmHWM`) and the number of connections the server accepted.
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

const REPEATS: usize = 3;

fn main() {
    if std::env::var_os("BENCH_SERVER").is_some() {
        return serve();
    }
    if let Ok(job) = std::env::var("BENCH_CLIENT") {
        return client(&job);
    }
    // `cargo bench` passes `--bench`; anything else (such as a filter) is ignored.
    let mut server = Command::new(std::env::current_exe().unwrap())
        .env("BENCH_SERVER", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().parse().expect("the server's address");

    println!(
        "1,000 and 10,000 calls (half add, half update) with up to {IN_FLIGHT} in flight; \
         each run in a fresh client process (median of {REPEATS}), the server in another"
    );
    println!();
    println!("| calls | client | time | calls/s | peak RSS | connections |");
    println!("|---:|---|---:|---:|---:|---:|");
    for calls in [1_000, 10_000] {
        let mut medians = Vec::new();
        for variant in ["raw", "crate"] {
            let mut runs: Vec<Run> = (0..REPEATS)
                .map(|_| run_in_child(addr, variant, calls))
                .collect();
            runs.sort_by_key(|run| run.elapsed);
            let time = runs[REPEATS / 2].elapsed;
            runs.sort_by_key(|run| run.peak_kib);
            let peak_kib = runs[REPEATS / 2].peak_kib;
            let connections = runs[REPEATS / 2].connections;
            println!(
                "| {calls} | {variant} | {:.0} ms | {:.0} | {:.1} MiB | {connections} |",
                time.as_secs_f64() * 1000.0,
                calls as f64 / time.as_secs_f64(),
                peak_kib as f64 / 1024.0,
            );
            medians.push((time, peak_kib));
        }
        let ((raw_time, raw_peak), (time, peak)) = (medians[0], medians[1]);
        println!(
            "| {calls} | crate / raw | {:.3} | {:.3} | {:.3} | |",
            time.as_secs_f64() / raw_time.as_secs_f64(),
            raw_time.as_secs_f64() / time.as_secs_f64(),
            peak as f64 / raw_peak as f64,
        );
    }
    drop(server.stdin.take());
    let _ = server.wait();
}

/// Runs one measurement in a fresh process, so that its peak memory is its own.
fn run_in_child(addr: SocketAddr, variant: &str, calls: usize) -> Run {
    let output = Command::new(std::env::current_exe().unwrap())
        .env("BENCH_CLIENT", format!("{variant} {calls} {addr}"))
        .output()
        .expect("run a client process");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().unwrap());
    let mut next = || fields.next().expect("a figure");
    Run {
        elapsed: Duration::from_nanos(next()),
        peak_kib: next(),
        connections: next() as usize,
    }
}

/// The client process: one run, its figures on stdout.
fn client(job: &str) {
    let mut parts = job.split_whitespace();
    let variant = parts.next().unwrap().to_string();
    let calls: usize = parts.next().unwrap().parse().unwrap();
    let addr: SocketAddr = parts.next().unwrap().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let run = runtime.block_on(run(addr, &variant, calls));
    println!(
        "{} {} {}",
        run.elapsed.as_nanos(),
        run.peak_kib,
        run.connections
    );
}

struct Run {
    elapsed: Duration,
    peak_kib: u64,
    connections: usize,
}

async fn run(addr: SocketAddr, variant: &str, calls: usize) -> Run {
    admin(addr, "POST /__reset").await;
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
