//! Progress on stderr (a bar on a terminal, a line per account otherwise), and the count
//! of requests sent.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber, span};

/// A bar on a terminal, a line per account otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: AtomicUsize,
    verb: &'static str,
}

impl Progress {
    pub fn new(total: usize, verb: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_message(verb);
            bar
        });
        Self {
            bar,
            total,
            done: AtomicUsize::new(0),
            verb,
        }
    }

    pub fn tell(&self, account: &str, label: Option<&str>, ok: bool) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => eprintln!(
                "cloudflare-account-dns: {} {n}/{}: {}{account} {}",
                self.verb,
                self.total,
                label.map(|l| format!("[{l}] ")).unwrap_or_default(),
                if ok { "ok" } else { "failed" }
            ),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Requests sent: one per attempt the client makes (each attempt is a `tracing` event of
/// the library with an `attempt` field).
static REQUESTS: AtomicU64 = AtomicU64::new(0);

pub fn requests_sent() -> u64 {
    REQUESTS.load(Ordering::Relaxed)
}

/// Counts the library's attempt events; records nothing else.
struct CountAttempts;

fn is_attempt(metadata: &Metadata<'_>) -> bool {
    metadata.is_event()
        && metadata.target().starts_with("cloudflare_account_dns")
        && metadata.fields().field("attempt").is_some()
}

impl Subscriber for CountAttempts {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if is_attempt(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        is_attempt(metadata)
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        if is_attempt(event.metadata()) {
            REQUESTS.fetch_add(1, Ordering::Relaxed);
        }
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// Starts counting requests.
pub fn count_requests() {
    // Fails only when a subscriber is already set, which this command never does.
    let _ = tracing::subscriber::set_global_default(CountAttempts);
}
