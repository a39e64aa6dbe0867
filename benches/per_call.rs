//! The cost of one call through the crate next to the same call by hand with raw `reqwest`
//! and `serde_json`, against a minimal HTTP server on 127.0.0.1 started by the bench.
//!
//! `cargo bench --bench per_call` prints criterion's figures for each, then the ratio of the
//! medians (crate / raw) measured in this same run.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;

fn output_directory() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// The median time of one iteration that criterion recorded for a benchmark, in ns.
fn median_ns(group: &str, function: &str) -> Option<f64> {
    let path = output_directory()
        .join(group)
        .join(function)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Runs `iters` calls one after another and returns the time they took.
fn time<F, Fut>(runtime: &tokio::runtime::Runtime, iters: u64, call: F) -> Duration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            call().await;
        }
        start.elapsed()
    })
}

fn main() {
    // The server shares the calls' single-threaded runtime: no wake-ups across threads,
    // so the round trip is short and steady and the client's own cost stands out.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (addr, _) = runtime.block_on(common::start_server());
    let client = common::crate_client(addr, 64);
    let raw = common::Raw::new(addr);

    // `PER_CALL_ONLY=crate_add|raw_add|crate_update|raw_update` makes 50,000 calls of one
    // kind and nothing else: a steady workload for `perf stat` or `perf record`.
    if let Ok(only) = std::env::var("PER_CALL_ONLY") {
        runtime.block_on(async {
            for _ in 0..50_000 {
                match only.as_str() {
                    "crate_add" => drop(black_box(common::crate_add(&client).await)),
                    "raw_add" => drop(black_box(raw.add().await)),
                    "crate_update" => drop(black_box(common::crate_update(&client).await)),
                    "raw_update" => drop(black_box(raw.update().await)),
                    other => panic!("PER_CALL_ONLY={other}: not a call"),
                }
            }
        });
        return;
    }

    // Both decode the same answer to the same result.
    runtime.block_on(async {
        assert_eq!(common::crate_add(&client).await, raw.add().await);
        assert_eq!(common::crate_update(&client).await, raw.update().await);
    });

    let mut criterion = Criterion::default()
        .output_directory(&output_directory())
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();

    let (client, raw, runtime) = (&client, &raw, &runtime);
    let mut group = criterion.benchmark_group("add_custom_nameserver");
    group.bench_function("crate", |b| {
        b.iter_custom(|iters| {
            time(runtime, iters, move || async move {
                black_box(common::crate_add(client).await);
            })
        })
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            time(runtime, iters, move || async move {
                black_box(raw.add().await);
            })
        })
    });
    group.finish();

    let mut group = criterion.benchmark_group("update_dns_settings");
    group.bench_function("crate", |b| {
        b.iter_custom(|iters| {
            time(runtime, iters, move || async move {
                black_box(common::crate_update(client).await);
            })
        })
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            time(runtime, iters, move || async move {
                black_box(raw.update().await);
            })
        })
    });
    group.finish();

    criterion.final_summary();

    println!("\nratio of criterion's medians (crate / raw), this run:");
    for group in ["add_custom_nameserver", "update_dns_settings"] {
        match (median_ns(group, "crate"), median_ns(group, "raw")) {
            (Some(ours), Some(raw)) => println!(
                "  {group:<24} crate {:>8.1} µs   raw {:>8.1} µs   ratio {:.3}",
                ours / 1000.0,
                raw / 1000.0,
                ours / raw
            ),
            _ => println!("  {group:<24} (not measured in this run)"),
        }
    }

    const CALLS: usize = 20_000;
    println!("\nratio of the medians of {CALLS} calls each, crate and raw in alternation:");
    interleaved_report(runtime, CALLS, "server on the same thread", client, raw);

    // The same against a server on its own thread: a longer, more realistic round trip.
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let server_runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        server_runtime.block_on(async {
            let (addr, _) = common::start_server().await;
            addr_tx.send(addr).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let other = addr_rx.recv().unwrap();
    let (client, raw) = (&common::crate_client(other, 64), &common::Raw::new(other));
    interleaved_report(runtime, CALLS, "server on another thread", client, raw);
}

fn interleaved_report(
    runtime: &tokio::runtime::Runtime,
    calls: usize,
    setting: &str,
    client: &cloudflare_account_dns::Client,
    raw: &common::Raw,
) {
    println!("  {setting}:");
    let (ours, base) = interleaved_medians(
        runtime,
        calls,
        || async {
            black_box(common::crate_add(client).await);
        },
        || async {
            black_box(raw.add().await);
        },
    );
    report("add_custom_nameserver", ours, base);
    let (ours, base) = interleaved_medians(
        runtime,
        calls,
        || async {
            black_box(common::crate_update(client).await);
        },
        || async {
            black_box(raw.update().await);
        },
    );
    report("update_dns_settings", ours, base);
}

fn report(group: &str, ours: Duration, raw: Duration) {
    println!(
        "    {group:<24} crate {:>8.1} µs   raw {:>8.1} µs   ratio {:.3}",
        ours.as_secs_f64() * 1e6,
        raw.as_secs_f64() * 1e6,
        ours.as_secs_f64() / raw.as_secs_f64()
    );
}

/// The median of one call of each kind, measured in alternation (crate, raw, crate, raw…) so
/// that drift in the machine's speed hits both alike.
fn interleaved_medians<A, FA, B, FB>(
    runtime: &tokio::runtime::Runtime,
    calls: usize,
    ours: A,
    raw: B,
) -> (Duration, Duration)
where
    A: Fn() -> FA,
    FA: Future<Output = ()>,
    B: Fn() -> FB,
    FB: Future<Output = ()>,
{
    runtime.block_on(async {
        let mut ours_times = Vec::with_capacity(calls);
        let mut raw_times = Vec::with_capacity(calls);
        for _ in 0..calls {
            let start = Instant::now();
            ours().await;
            ours_times.push(start.elapsed());
            let start = Instant::now();
            raw().await;
            raw_times.push(start.elapsed());
        }
        ours_times.sort();
        raw_times.sort();
        (ours_times[calls / 2], raw_times[calls / 2])
    })
}
