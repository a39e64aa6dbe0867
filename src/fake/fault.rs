//! Faults the fake injects into its next answers.

use std::time::Duration;

/// Something to go wrong with one answer of the fake, for testing how code copes.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_account_dns::fake::Fault;
///
/// let throttled = Fault::status(429).retry_after("30");
/// let slow = Fault::delay(Duration::from_millis(200));
/// let outage = Fault::html(502);
/// let reset = Fault::drop_connection();
/// # let _ = (throttled, slow, outage, reset);
/// ```
#[derive(Clone, Debug)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    pub(crate) retry_after: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    /// Answer with this status and body instead of handling the request.
    Status {
        status: u16,
        body: Option<serde_json::Value>,
    },
    /// Answer with an HTML error page, as Cloudflare's edge does when an origin fails.
    Html { status: u16 },
    /// Wait, then handle the request as usual.
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
}

impl Fault {
    /// Answer with `status` and a Cloudflare failure envelope (code 1000 for 5xx, 971 for
    /// 429, else 1000), instead of handling the request.
    pub fn status(status: u16) -> Self {
        Self {
            kind: FaultKind::Status { status, body: None },
            retry_after: None,
        }
    }

    /// Answer with `status` and exactly this JSON body.
    pub fn status_with_body(status: u16, body: serde_json::Value) -> Self {
        Self {
            kind: FaultKind::Status {
                status,
                body: Some(body),
            },
            retry_after: None,
        }
    }

    /// Answer with an HTML error page (`text/html`) and this status.
    pub fn html(status: u16) -> Self {
        Self {
            kind: FaultKind::Html { status },
            retry_after: None,
        }
    }

    /// Wait this long, then handle the request as usual.
    pub fn delay(delay: Duration) -> Self {
        Self {
            kind: FaultKind::Delay(delay),
            retry_after: None,
        }
    }

    /// Close the connection without answering (the request was read).
    pub fn drop_connection() -> Self {
        Self {
            kind: FaultKind::Drop,
            retry_after: None,
        }
    }

    /// Add a `Retry-After` header (seconds or an HTTP date) to the answer.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }
}
