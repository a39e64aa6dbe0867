//! A client-side limit on how many requests start within a window of time.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// At most `requests` requests in any `window`, across every clone of a client.
///
/// Cloudflare allows 1,200 requests per five minutes per user (across all of that user's
/// API clients) and blocks every call for five minutes once the limit is passed. A batch
/// job that sets a limit here waits for room instead of tripping the block. Every attempt
/// counts, retries included. The limit is a sliding window: a request may start once fewer
/// than `requests` requests started in the window before it.
///
/// **The margin.** Cloudflare counts requests where they arrive; the client counts them
/// where they start. Two requests started a window apart can arrive less than a window
/// apart when the first took longer on the way (a new connection's handshakes, network
/// jitter), and a server then sees more than the limit in one window. So the client waits
/// for a slightly longer window: the window plus a [margin](RateLimit::margin) of 100 ms
/// and 1 % of the window (104 ms for 400 ms, 120 ms for 2 s, 3.1 s for Cloudflare's five
/// minutes). 100 ms covers the jitter of loopback and ordinary networks (a few ms) and a
/// TLS handshake on a nearby network with room; 1 % keeps long windows safe from clocks
/// that run at slightly different rates. A request whose trip takes more than that longer
/// than another's can still land one extra request in a window: lower `requests` if yours
/// do.
///
/// **Bounded memory.** Starts are kept in at most 1,024 groups, each the requests that
/// started within 1/1,024 of the window, counted as if they started at the end of their
/// group (so the limit only errs towards waiting, by at most that 1/1,024). A limit of any
/// size costs at most about 16 KiB, however many requests go through it.
///
/// **First come, first served.** Calls waiting for room are served in the order they
/// started waiting; none can be overtaken until its deadline.
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
    /// The waiters queue on this lock, which tokio hands out first come, first served.
    started: Arc<tokio::sync::Mutex<Starts>>,
}

/// How many groups of starts a limit keeps at most.
const GROUPS: u32 = 1024;

/// Recent starts, grouped: (when the group began, how many started in it), oldest first.
#[derive(Debug, Default)]
struct Starts {
    groups: VecDeque<(Instant, usize)>,
    total: usize,
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
            started: Arc::default(),
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

    /// What the client adds to the window so that arrival jitter cannot put more than the
    /// limit into a window at the server: 100 ms and 1 % of the window.
    pub fn margin(&self) -> Duration {
        Duration::from_millis(100) + self.window / 100
    }

    /// The window the client waits for: the window and the margin.
    fn span(&self) -> Duration {
        self.window + self.margin()
    }

    /// How long one group of starts lasts.
    fn group(&self) -> Duration {
        self.span() / GROUPS
    }

    /// Waits until a request may start (after every call that started waiting before
    /// it), and counts it.
    pub(crate) async fn acquire(&self) {
        // Held while waiting, so that the next waiter goes only after this one.
        let mut started = self.started.lock().await;
        let (span, group) = (self.span(), self.group());
        loop {
            let now = Instant::now();
            // A group's starts count as if at its end: forgotten once that is a span ago.
            while let Some(&(began, count)) = started.groups.front()
                && now.saturating_duration_since(began) >= span + group
            {
                started.groups.pop_front();
                started.total -= count;
            }
            if started.total < self.requests {
                match started.groups.back_mut() {
                    Some((began, count)) if now.saturating_duration_since(*began) < group => {
                        *count += 1;
                    }
                    _ => started.groups.push_back((now, 1)),
                }
                started.total += 1;
                return;
            }
            let oldest = started.groups.front().map_or(now, |&(began, _)| began);
            let free = oldest
                .checked_add(span + group)
                .unwrap_or_else(|| now + span);
            tracing::debug!(
                wait_ms = free.saturating_duration_since(now).as_millis() as u64,
                "waiting for the client-side rate limit"
            );
            tokio::time::sleep_until(free).await;
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

    /// tokio's timer rounds a wake-up up to the next millisecond.
    #[track_caller]
    fn about(elapsed: Duration, expected: Duration) {
        assert!(
            elapsed >= expected && elapsed <= expected + Duration::from_millis(1),
            "{elapsed:?} is not {expected:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_slides_with_its_margin() {
        let limit = RateLimit::new(2, Duration::from_secs(10));
        assert_eq!(limit.margin(), Duration::from_millis(200));
        let wait = limit.span() + limit.group();
        let start = Instant::now();
        limit.acquire().await;
        tokio::time::sleep(Duration::from_secs(4)).await;
        limit.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(4));
        // The third waits for the first to leave the window (and the margin), the fourth
        // for the second.
        limit.acquire().await;
        about(start.elapsed(), wait);
        limit.acquire().await;
        about(start.elapsed(), Duration::from_secs(4) + wait);
        // Never less than the window and the margin, never more than 1/1024 of it beyond.
        assert!(wait >= Duration::from_millis(10_200) && wait <= Duration::from_millis(10_210));
    }

    #[tokio::test(start_paused = true)]
    async fn an_endless_window_is_a_day_and_never_panics() {
        let limit = RateLimit::new(1, Duration::MAX);
        assert_eq!(limit.window(), RateLimit::MAX_WINDOW);
        let start = Instant::now();
        limit.acquire().await;
        limit.acquire().await;
        about(start.elapsed(), limit.span() + limit.group());
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_the_budget() {
        let limit = RateLimit::new(2, Duration::from_secs(60));
        let other = limit.clone();
        let start = Instant::now();
        limit.acquire().await;
        other.acquire().await;
        other.acquire().await;
        about(start.elapsed(), limit.span() + limit.group());
    }

    #[tokio::test(start_paused = true)]
    async fn memory_stays_bounded_whatever_the_limit() {
        let limit = RateLimit::new(u32::MAX, RateLimit::MAX_WINDOW);
        for _ in 0..20_000 {
            limit.acquire().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let started = limit.started.lock().await;
        assert_eq!(started.total, 20_000);
        // 20,000 starts over 1,000 s, grouped by 1/1024 of a day (about 84 s).
        assert!(started.groups.len() <= 13, "{}", started.groups.len());
        drop(started);
        // However long it runs, at most GROUPS + 1 groups.
        let limit = RateLimit::new(u32::MAX, Duration::from_secs(1));
        for _ in 0..5_000 {
            limit.acquire().await;
            tokio::time::sleep(Duration::from_micros(900)).await;
        }
        let groups = limit.started.lock().await.groups.len();
        assert!(groups <= GROUPS as usize + 1, "{groups}");
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_are_served_first_come_first_served() {
        let limit = RateLimit::new(1, Duration::from_secs(1));
        limit.acquire().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut waiters = Vec::new();
        for n in 0..5 {
            let (limit, order) = (limit.clone(), order.clone());
            waiters.push(tokio::spawn(async move {
                limit.acquire().await;
                order.lock().unwrap().push(n);
            }));
            // Let it start waiting before the next one comes.
            tokio::task::yield_now().await;
        }
        for waiter in waiters {
            waiter.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
    }
}
