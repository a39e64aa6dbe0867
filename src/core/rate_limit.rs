//! A client-side limit on how many requests start within a window of time.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// At most `requests` requests in any `window`, across every clone of a client.
///
/// Cloudflare allows 1,200 requests per five minutes per user (across all of that user's
/// API clients) and blocks every call for five minutes once the limit is passed. A batch
/// job that sets a limit here waits for room instead of tripping the block. Every attempt
/// counts, retries included. The limit is a sliding window: a request may start once fewer
/// than `requests` requests started in the `window` before it.
///
/// A request is counted at the moment it starts: after it got one of the client's
/// in-flight slots ([`ClientBuilder::max_concurrent_requests`](crate::ClientBuilder::max_concurrent_requests)),
/// right before its bytes go out. Requests queued behind a slow one therefore never go
/// out in a burst once it finishes, and a call dropped while it waits is not counted.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_account_dns::{Client, RateLimit};
///
/// let client = Client::builder()
///     .api_token("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY")
///     // Leave room for the other tools that use the same user's credentials.
///     .rate_limit(RateLimit::new(1000, Duration::from_secs(300)))
///     .build()?;
/// # Ok::<(), cloudflare_account_dns::Error>(())
/// ```
#[derive(Clone)]
pub struct RateLimit {
    requests: usize,
    window: Duration,
    started: Arc<Mutex<VecDeque<Instant>>>,
}

impl RateLimit {
    /// The longest window: one day. A longer one counts as one day, so that no setting
    /// makes a call wait for ever (a deadline cuts any wait shorter).
    pub const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

    /// At most `requests` requests (at least 1) in any `window` (at most
    /// [`RateLimit::MAX_WINDOW`]).
    pub fn new(requests: u32, window: Duration) -> Self {
        let requests = requests.max(1) as usize;
        let window = window.min(Self::MAX_WINDOW);
        Self {
            requests,
            window,
            started: Arc::new(Mutex::new(VecDeque::with_capacity(requests.min(4096)))),
        }
    }

    /// Cloudflare's published global limit: 1,200 requests per five minutes.
    pub fn cloudflare() -> Self {
        Self::new(1200, Duration::from_secs(300))
    }

    /// How many requests may start in one window.
    pub fn requests(&self) -> u32 {
        self.requests as u32
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Waits until a request may start, and counts it.
    pub(crate) async fn acquire(&self) {
        loop {
            let wait = {
                let mut started = self.started.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                while started
                    .front()
                    .is_some_and(|&at| now.duration_since(at) >= self.window)
                {
                    started.pop_front();
                }
                if started.len() < self.requests {
                    started.push_back(now);
                    return;
                }
                match started.front() {
                    Some(&oldest) => oldest
                        .checked_add(self.window)
                        .map_or(self.window, |free| free.saturating_duration_since(now)),
                    None => Duration::ZERO,
                }
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for the client-side rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("requests", &self.requests)
            .field("window", &self.window)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_window_slides() {
        let limit = RateLimit::new(2, Duration::from_secs(10));
        let start = Instant::now();
        limit.acquire().await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        limit.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(4));
        // The third waits for the first to leave the window, the fourth for the second.
        limit.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        limit.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(14));
    }

    #[tokio::test(start_paused = true)]
    async fn an_endless_window_is_a_day_and_never_panics() {
        let limit = RateLimit::new(1, Duration::MAX);
        assert_eq!(limit.window(), RateLimit::MAX_WINDOW);
        let start = Instant::now();
        limit.acquire().await;
        limit.acquire().await;
        assert_eq!(start.elapsed(), RateLimit::MAX_WINDOW);
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_the_budget() {
        let limit = RateLimit::new(2, Duration::from_secs(60));
        let other = limit.clone();
        let start = Instant::now();
        limit.acquire().await;
        other.acquire().await;
        other.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }
}
