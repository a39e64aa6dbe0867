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
    /// Only requests of this operation (its operationId) get the fault.
    pub(crate) operation: Option<String>,
    /// Only requests with this method get the fault.
    pub(crate) method: Option<String>,
    /// Handle the request first (apply it), then answer with the fault.
    pub(crate) after_applying: bool,
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
            operation: None,
            method: None,
            after_applying: false,
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
            operation: None,
            method: None,
            after_applying: false,
        }
    }

    /// Answer with an HTML error page (`text/html`) and this status.
    pub fn html(status: u16) -> Self {
        Self {
            kind: FaultKind::Html { status },
            retry_after: None,
            operation: None,
            method: None,
            after_applying: false,
        }
    }

    /// Wait this long, then handle the request as usual.
    pub fn delay(delay: Duration) -> Self {
        Self {
            kind: FaultKind::Delay(delay),
            retry_after: None,
            operation: None,
            method: None,
            after_applying: false,
        }
    }

    /// Close the connection without answering (the request was read).
    pub fn drop_connection() -> Self {
        Self {
            kind: FaultKind::Drop,
            retry_after: None,
            operation: None,
            method: None,
            after_applying: false,
        }
    }

    /// Add a `Retry-After` header (seconds or an HTTP date) to the answer.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    /// Only for requests of this operation (its operationId, the `Client` method's name,
    /// such as `add_custom_nameserver`); other requests pass it by.
    pub fn on_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Only for requests with this method (`POST`, `PATCH`, …); other requests pass it by.
    pub fn on_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into().to_ascii_uppercase());
        self
    }

    /// Carry out the request first (the change is applied), then answer with the fault
    /// (a status, an HTML page or a dropped connection): what a client sees when Cloudflare
    /// applied a change but the answer was lost.
    ///
    /// ```
    /// use cloudflare_account_dns::fake::Fault;
    ///
    /// // The next add is applied, and its connection dropped before the answer.
    /// let lost = Fault::drop_connection().on_operation("add_custom_nameserver").after_applying();
    /// # let _ = lost;
    /// ```
    pub fn after_applying(mut self) -> Self {
        self.after_applying = true;
        self
    }

    /// Whether a request gets this fault.
    pub(crate) fn applies_to(&self, operation: Option<&str>, method: &str) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|wanted| operation == Some(wanted))
            && self.method.as_deref().is_none_or(|wanted| wanted == method)
    }
}
