//! Peak memory of one call whose response is near the 8 MiB bound, measured with a counting
//! global allocator (this test binary only). The server runs on its own thread and writes
//! from a buffer allocated before the measurement, so what is counted is the client's.
//!
//! Run `cargo test --test memory -- --nocapture` to see the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudflare_account_dns::{Client, DEFAULT_MAX_RESPONSE_BYTES};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // Counted as if both blocks were live for a moment: an upper bound.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// One measuring test at a time: the counters are the whole process's.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A valid settings envelope padded with spaces to `size` bytes.
fn padded_envelope(size: usize) -> Vec<u8> {
    // The settings a new account of the fake holds: every field the fragment requires,
    // so that a field added upstream needs no edit here.
    #[cfg(feature = "fake")]
    let result = serde_json::to_value(cloudflare_account_dns::fake::default_settings()).unwrap();
    #[cfg(not(feature = "fake"))]
    let result = serde_json::json!({"zone_defaults": {
        "flatten_all_cnames": false, "foundation_dns": false, "multi_provider": false,
        "internal_dns": {"reference_zone_id": "r"},
        "nameservers": {"type": "cloudflare.standard"}, "ns_ttl": 86400,
        "secondary_overrides": false, "zone_mode": "dns_only",
        "soa": {"expire": 604800, "min_ttl": 1800, "mname": null, "refresh": 10000,
                "retry": 2400, "rname": "admin.example.com", "ttl": 3600}
    }});
    let envelope = serde_json::json!({
        "success": true, "errors": [], "messages": [], "result": result
    });
    let mut body = serde_json::to_vec(&envelope).unwrap();
    body.resize(size, b' ');
    body
}

/// A server on its own thread that answers every request with `response` (leaked, so
/// that no copy of it is made while measuring), and closes.
fn serve(response: &'static [u8]) -> std::net::SocketAddr {
    serve_parts(vec![response])
}

/// [`serve`], writing the answer in parts with a pause between them, so that the client
/// reads them as separate frames.
fn serve_parts(parts: Vec<&'static [u8]>) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = [0u8; 8192];
            let mut seen = 0;
            while !head[..seen].windows(4).any(|w| w == b"\r\n\r\n") && seen < head.len() {
                match stream.read(&mut head[seen..]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen += n,
                }
            }
            // The request body (a PATCH of one field) is small; read what is there.
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    std::thread::sleep(std::time::Duration::from_millis(30));
                }
                let _ = stream.write_all(part);
                let _ = stream.flush();
            }
        }
    });
    addr
}

fn response(body: &[u8], declared: bool) -> &'static [u8] {
    let mut bytes =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n".to_vec();
    if declared {
        bytes.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    Box::leak(bytes.into_boxed_slice())
}

/// The peak of live heap bytes during one call, above what was live before it.
fn peak_of_one_call(runtime: &tokio::runtime::Runtime, client: &Client) -> (usize, bool) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let result = runtime.block_on(
        client
            .get_dns_settings("023e105f4ecef8ad9ca31a8372d0c353")
            .send(),
    );
    if let Err(err) = &result
        && !err.to_string().contains("larger than the limit")
    {
        eprintln!("{err}");
    }
    let ok = result.is_ok();
    (PEAK.load(Ordering::SeqCst) - before, ok)
}

#[test]
fn one_response_near_the_bound_costs_about_its_size() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let size = DEFAULT_MAX_RESPONSE_BYTES - 1024;
    let body = padded_envelope(size);
    let mut report = Vec::new();
    for (case, declared, body) in [
        ("with content-length", true, &body[..]),
        ("without content-length", false, &body[..]),
    ] {
        let addr = serve(response(body, declared));
        let client = Client::builder()
            .api_token("memory-token-0123456789")
            .base_url(format!("http://{addr}/client/v4"))
            .no_retries()
            .build()
            .unwrap();
        // A first call warms up what is allocated once (the connection pool, TLS roots).
        let _ = peak_of_one_call(&runtime, &client);
        let (peak, ok) = peak_of_one_call(&runtime, &client);
        assert!(ok, "{case}: the call succeeds");
        let ratio = peak as f64 / size as f64;
        report.push(format!(
            "{case}: a {:.2} MiB body peaked at {:.2} MiB of heap ({ratio:.2}x)",
            size as f64 / MIB,
            peak as f64 / MIB
        ));
        // Near the bound: the body once, plus buffers (it was about 26 MiB, 3.1x). The
        // buffer grows by doubling from what arrived, with or without a declared length
        // (which never decides what is reserved), so the last step, from half the body to
        // all of it, counts both as live for a moment (an upper bound: a large realloc
        // usually moves no bytes).
        assert!(ratio < 1.7, "{case}: {:.2} MiB", peak as f64 / MIB);
    }
    // A body over the bound is dropped as it is read.
    let over = padded_envelope(DEFAULT_MAX_RESPONSE_BYTES + 4096);
    let addr = serve(response(&over, false));
    let client = Client::builder()
        .api_token("memory-token-0123456789")
        .base_url(format!("http://{addr}/client/v4"))
        .no_retries()
        .build()
        .unwrap();
    let _ = peak_of_one_call(&runtime, &client);
    let (peak, ok) = peak_of_one_call(&runtime, &client);
    assert!(!ok);
    report.push(format!(
        "over the bound, without content-length: peaked at {:.2} MiB of heap",
        peak as f64 / MIB
    ));
    assert!((peak as f64) < 1.7 * DEFAULT_MAX_RESPONSE_BYTES as f64);
    for line in report {
        eprintln!("{line}");
    }
}

#[test]
fn a_declared_length_reserves_nothing_and_no_setting_panics() {
    let _one_at_a_time = MEASURING.lock().unwrap_or_else(|e| e.into_inner());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut report = Vec::new();
    for (limit, declared) in [
        (usize::MAX, u64::MAX),
        (usize::MAX, u64::MAX / 2),
        (usize::MAX, 1 << 40),
        (1 << 30, 1 << 30),
        (1 << 30, (1 << 30) - 1),
    ] {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\
             content-length: {declared}\r\n\r\n{{"
        );
        let head: &'static [u8] = Box::leak(head.into_bytes().into_boxed_slice());
        // Two bytes in two frames, then the connection closes.
        let addr = serve_parts(vec![head, b"}"]);
        let client = Client::builder()
            .api_token("memory-token-0123456789")
            .base_url(format!("http://{addr}/client/v4"))
            .max_response_bytes(limit)
            .no_retries()
            .build()
            .unwrap();
        let _ = peak_of_one_call(&runtime, &client);
        let (peak, ok) = peak_of_one_call(&runtime, &client);
        assert!(!ok, "two bytes of {declared} are not a response");
        report.push(format!(
            "max_response_bytes {limit}, content-length {declared}, 2 bytes sent: peak {} KiB",
            peak / 1024
        ));
        // What arrived plus buffers: far below a MiB, whatever was declared.
        assert!(peak < 1024 * 1024, "{limit} / {declared}: {peak} bytes");
    }
    for line in report {
        eprintln!("{line}");
    }
}
