//! When a failed attempt is tried again, and after how long.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

/// How a client retries: how many times, and how long it waits in between.
///
/// The rule is whether a repeat is safe:
///
/// | what happened | add a nameserver (POST) | show, list, update, delete |
/// |---|---|---|
/// | the connection failed before the request was sent | retried | retried |
/// | 429 Too Many Requests (refused, not applied) | retried | retried |
/// | 500, 502, 503, 504 | not retried: the outcome is unknown | retried |
/// | any other 5xx | not retried: the outcome is unknown | not retried |
/// | 408 Request Timeout | not retried | retried |
/// | a timeout, or the connection dropped after sending | not retried: the outcome is unknown | retried |
/// | a 2xx whose body cannot be read or decoded (it was applied) | not retried: the outcome is unknown | not retried |
/// | any other 4xx, any other 2xx | not retried | not retried |
///
/// The POST is the exception because Cloudflare may have added the nameserver before the
/// failure; a repeat would then fail as a duplicate, or worse. Its error says the outcome is
/// unknown ([`Error::is_outcome_unknown`](crate::Error::is_outcome_unknown)), so the
/// caller can list the nameservers before trying again, or opt in to retries for one call
/// with [`AddCustomNameserver::retry_when_outcome_unknown`](crate::operations::AddCustomNameserver::retry_when_outcome_unknown).
///
/// `Retry-After` (seconds or an HTTP date) and `retry-after-ms` lengthen the backoff, never
/// shorten it (`Retry-After: 0` still waits the policy's backoff); a wait longer than the
/// policy's ceiling is not slept through: the error comes back at once, carrying the wait
/// ([`Error::retry_after`](crate::Error::retry_after)).
///
/// No setting can make a call sleep for ever: the ceiling itself is at most
/// [`RetryPolicy::MAX_DELAY_CEILING`] (one hour), whatever `max_delay` says, and a
/// `base_delay` that doubles past it stops there.
///
/// The default retries twice, after about 0.5 s and 1 s (exponential backoff from
/// `base_delay`, capped at `max_delay`, with jitter).
///
/// ```
/// use std::time::Duration;
/// use cloudflare_account_dns::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .base_delay(Duration::from_secs(1))
///     .max_delay(Duration::from_secs(30));
/// assert_eq!(patient.max_retries, 5);
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// How many times a failed attempt may be repeated (0: never).
    pub max_retries: u32,
    /// The wait before the first retry; it doubles with each one.
    pub base_delay: Duration,
    /// The longest wait between attempts. A server asking for a longer wait
    /// (`Retry-After`) gets the error back at once instead.
    pub max_delay: Duration,
    /// Whether waits are randomized (between half and all of the backoff), so that many
    /// clients do not retry in step.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// The longest the client ever waits between two attempts, whatever
    /// [`RetryPolicy::max_delay`] says: one hour. A server asking for longer gets its error
    /// back at once, with the wait in [`Error::retry_after`](crate::Error::retry_after).
    pub const MAX_DELAY_CEILING: Duration = Duration::from_secs(3600);

    /// The ceiling that applies: `max_delay`, but never above [`Self::MAX_DELAY_CEILING`].
    fn ceiling(&self) -> Duration {
        self.max_delay.min(Self::MAX_DELAY_CEILING)
    }

    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a failed attempt may be repeated.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the wait before the first retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// Sets the longest wait between attempts (at most [`RetryPolicy::MAX_DELAY_CEILING`]
    /// applies, whatever the value).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Turns jitter on or off.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The backoff before retry number `retry` (0 for the first), before jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.base_delay.saturating_mul(factor).min(self.ceiling())
    }
}

/// Whether repeating a request could apply it twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Reads, the PATCH (it sets values) and the DELETE: a repeat is harmless.
    Safe,
    /// The POST that adds a nameserver.
    Unsafe,
}

/// What one attempt came to, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// A complete response with this status.
    Response {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be opened: nothing was sent.
    NotSent,
    /// The request may have been sent, then the connection failed or time ran out.
    Lost,
    /// A response that is no use to retry (too large, or otherwise unreadable).
    Final,
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Stop here; the result stands.
    Stop,
    /// Stop here: the request may have been applied, so the result is an
    /// outcome-unknown error.
    StopOutcomeUnknown,
}

/// Whether a failed attempt leaves the caller unable to know if the request was applied:
/// a POST that got a 5xx, whose connection failed or timed out after it was sent, or that
/// got a 2xx (it was applied) whose body could not be read or decoded. (A 2xx whose
/// envelope says `"success": false` is a failure Cloudflare reported, not an unknown
/// outcome: the caller of this rule tells them apart.)
pub(crate) fn outcome_unknown(repeat: Repeat, attempt: Attempt) -> bool {
    repeat == Repeat::Unsafe
        && match attempt {
            Attempt::Lost => true,
            Attempt::Response { status, .. } => status >= 500 || (200..300).contains(&status),
            Attempt::NotSent | Attempt::Final => false,
        }
}

/// Whether the policy would repeat an attempt that ended so, retries left: not sent, 429,
/// and, when a repeat is safe (or the caller opted in), 408, 500, 502, 503, 504 and a
/// lost attempt.
pub(crate) fn retryable(repeat: Repeat, attempt: Attempt, unknown_outcome_ok: bool) -> bool {
    let may_repeat = repeat == Repeat::Safe || unknown_outcome_ok;
    match attempt {
        Attempt::NotSent | Attempt::Response { status: 429, .. } => true,
        Attempt::Response { status, .. } => {
            may_repeat && matches!(status, 408 | 500 | 502 | 503 | 504)
        }
        Attempt::Lost => may_repeat,
        Attempt::Final => false,
    }
}

/// Decides, from what happened, whether attempt number `retry + 1` follows.
///
/// `unknown_outcome_ok` is the caller's opt-in to repeat a POST whose outcome is unknown.
/// `random` is a number in `[0, 1)` for jitter.
pub(crate) fn decide(
    repeat: Repeat,
    attempt: Attempt,
    retry: u32,
    policy: &RetryPolicy,
    unknown_outcome_ok: bool,
    random: f64,
) -> Decision {
    let retryable = retryable(repeat, attempt, unknown_outcome_ok);
    let server_wait = match attempt {
        Attempt::Response { retry_after, .. } => retry_after,
        _ => None,
    };
    let stop = if outcome_unknown(repeat, attempt) {
        Decision::StopOutcomeUnknown
    } else {
        Decision::Stop
    };
    if !retryable || retry >= policy.max_retries {
        return stop;
    }
    let backoff = policy.backoff(retry);
    // The backoff is at most an hour and the factor at most 1: no overflow.
    let factor = if random.is_finite() {
        0.5 + random.clamp(0.0, 1.0) / 2.0
    } else {
        1.0
    };
    let backoff = if policy.jitter {
        backoff.mul_f64(factor)
    } else {
        backoff
    };
    match server_wait {
        Some(wait) if wait > policy.ceiling() => stop,
        // A server may lengthen the wait, never shorten it: `Retry-After: 0` still waits
        // the policy's backoff, so that three attempts never go out within milliseconds.
        Some(wait) => Decision::Retry(wait.max(backoff)),
        None => Decision::Retry(backoff),
    }
}

/// The header some servers use for a wait in milliseconds.
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date). Any value is safe:
/// a wait too long to represent (infinity included) saturates at `Duration::MAX`, which no
/// retry sleeps through, and a negative, NaN or unreadable value counts as absent.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers.get(RETRY_AFTER_MS).and_then(|v| v.to_str().ok())
        && let Ok(ms) = ms.trim().parse::<f64>()
        && ms >= 0.0
    {
        // `try_from_secs_f64` refuses what does not fit, infinity included: it saturates.
        return Some(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX));
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: seconds, saturating when there are too many to fit.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(
        date.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_jitter() -> RetryPolicy {
        RetryPolicy::default().jitter(false)
    }

    fn response(status: u16) -> Attempt {
        Attempt::Response {
            status,
            retry_after: None,
        }
    }

    fn decide_default(repeat: Repeat, attempt: Attempt) -> Decision {
        decide(repeat, attempt, 0, &no_jitter(), false, 0.0)
    }

    const HALF_SECOND: Decision = Decision::Retry(Duration::from_millis(500));

    #[test]
    fn every_request_retries_what_was_never_applied() {
        for repeat in [Repeat::Safe, Repeat::Unsafe] {
            assert_eq!(decide_default(repeat, Attempt::NotSent), HALF_SECOND);
            assert_eq!(decide_default(repeat, response(429)), HALF_SECOND);
        }
    }

    #[test]
    fn safe_requests_retry_server_errors_and_lost_attempts() {
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(
                decide_default(Repeat::Safe, response(status)),
                HALF_SECOND,
                "{status}"
            );
        }
        assert_eq!(decide_default(Repeat::Safe, Attempt::Lost), HALF_SECOND);
        assert_eq!(decide_default(Repeat::Safe, response(501)), Decision::Stop);
        assert_eq!(decide_default(Repeat::Safe, response(505)), Decision::Stop);
    }

    #[test]
    fn the_post_stops_with_an_unknown_outcome() {
        for status in [500, 501, 502, 503, 504, 599] {
            assert_eq!(
                decide_default(Repeat::Unsafe, response(status)),
                Decision::StopOutcomeUnknown,
                "{status}"
            );
        }
        assert_eq!(
            decide_default(Repeat::Unsafe, Attempt::Lost),
            Decision::StopOutcomeUnknown
        );
        assert_eq!(
            decide_default(Repeat::Unsafe, response(408)),
            Decision::Stop
        );
    }

    #[test]
    fn the_post_retries_when_the_caller_opts_in() {
        let opt_in = |attempt| decide(Repeat::Unsafe, attempt, 0, &no_jitter(), true, 0.0);
        assert_eq!(opt_in(response(503)), HALF_SECOND);
        assert_eq!(opt_in(Attempt::Lost), HALF_SECOND);
        // Not a transient status: no retry, and still possibly applied.
        assert_eq!(opt_in(response(501)), Decision::StopOutcomeUnknown);
        let exhausted = decide(Repeat::Unsafe, response(503), 2, &no_jitter(), true, 0.0);
        assert_eq!(exhausted, Decision::StopOutcomeUnknown);
    }

    #[test]
    fn other_statuses_are_final() {
        for repeat in [Repeat::Safe, Repeat::Unsafe] {
            for status in [301, 400, 401, 403, 404, 409, 422] {
                assert_eq!(
                    decide_default(repeat, response(status)),
                    Decision::Stop,
                    "{status}"
                );
            }
            // A 2xx is final too; if its body cannot be read or decoded, a POST was
            // applied all the same: its outcome is unknown to the caller.
            for status in [200, 204] {
                let expected = match repeat {
                    Repeat::Safe => Decision::Stop,
                    Repeat::Unsafe => Decision::StopOutcomeUnknown,
                };
                assert_eq!(decide_default(repeat, response(status)), expected);
            }
            assert_eq!(decide_default(repeat, Attempt::Final), Decision::Stop);
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_ceiling_and_the_budget() {
        let policy = RetryPolicy::default()
            .jitter(false)
            .max_retries(10)
            .max_delay(Duration::from_secs(3));
        let delays: Vec<_> = (0..5)
            .map(|retry| decide(Repeat::Safe, Attempt::NotSent, retry, &policy, false, 0.0))
            .collect();
        assert_eq!(
            delays,
            [500, 1000, 2000, 3000, 3000].map(|ms| Decision::Retry(Duration::from_millis(ms)))
        );
        let policy = no_jitter();
        assert_eq!(
            decide(Repeat::Safe, Attempt::NotSent, 2, &policy, false, 0.0),
            Decision::Stop
        );
        assert_eq!(
            decide(
                Repeat::Safe,
                Attempt::NotSent,
                0,
                &RetryPolicy::none(),
                false,
                0.0
            ),
            Decision::Stop
        );
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_backoff() {
        let policy = RetryPolicy::default();
        for random in [0.0, 0.25, 0.5, 0.999] {
            let Decision::Retry(delay) =
                decide(Repeat::Safe, Attempt::NotSent, 1, &policy, false, random)
            else {
                panic!("a retry");
            };
            assert!(
                delay >= Duration::from_millis(500) && delay <= Duration::from_millis(1000),
                "{delay:?}"
            );
        }
    }

    #[test]
    fn no_setting_or_server_wait_overflows_or_exceeds_the_ceiling() {
        let extreme = RetryPolicy::default()
            .max_retries(u32::MAX)
            .base_delay(Duration::MAX)
            .max_delay(Duration::MAX);
        for retry in [0, 1, 31, 32, 1000, u32::MAX - 1] {
            for random in [0.0, 0.5, 1.0, f64::NAN, f64::INFINITY, -1.0] {
                let Decision::Retry(delay) = decide(
                    Repeat::Safe,
                    Attempt::NotSent,
                    retry,
                    &extreme,
                    false,
                    random,
                ) else {
                    panic!("a retry");
                };
                assert!(delay <= RetryPolicy::MAX_DELAY_CEILING, "{delay:?}");
            }
        }
        for wait in [Duration::from_secs(3601), Duration::MAX] {
            let asked = Attempt::Response {
                status: 429,
                retry_after: Some(wait),
            };
            assert_eq!(
                decide(Repeat::Safe, asked, 0, &extreme, false, 0.0),
                Decision::Stop,
                "a wait of {wait:?} is not slept through"
            );
        }
    }

    #[test]
    fn retry_after_lengthens_the_backoff_unless_it_is_too_long() {
        let asked = |secs| Attempt::Response {
            status: 429,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide_default(Repeat::Unsafe, asked(3)),
            Decision::Retry(Duration::from_secs(3))
        );
        assert_eq!(decide_default(Repeat::Safe, asked(9)), Decision::Stop);
        let unavailable = Attempt::Response {
            status: 503,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(
            decide_default(Repeat::Safe, unavailable),
            Decision::Retry(Duration::from_secs(1))
        );
        // Shorter than the backoff (0.5 s for the first retry, 1 s for the second): the
        // backoff wins, so `Retry-After: 0` never makes attempts go out back to back.
        for retry_after in [Duration::ZERO, Duration::from_millis(100)] {
            let now = Attempt::Response {
                status: 503,
                retry_after: Some(retry_after),
            };
            assert_eq!(decide_default(Repeat::Safe, now), HALF_SECOND);
            assert_eq!(
                decide(Repeat::Safe, now, 1, &no_jitter(), false, 0.0),
                Decision::Retry(Duration::from_secs(1))
            );
        }
    }
}
