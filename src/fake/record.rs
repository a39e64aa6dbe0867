//! The fake's record of the requests it received: a ring of the most recent ones, with
//! bodies cut to a bound, so that its memory stays flat however long it runs.

use std::collections::VecDeque;

use serde_json::{Value, json};

/// How many requests an in-process fake remembers unless told otherwise.
pub const DEFAULT_RECORDED_REQUESTS: usize = 1000;
/// How many bytes of each recorded body a fake keeps unless told otherwise.
pub const DEFAULT_RECORDED_BODY_BYTES: usize = 64 * 1024;

/// Headers whose values the fake never keeps.
const REDACTED: &[&str] = &["authorization", "x-auth-key", "x-auth-email"];

/// How much of what it receives a fake remembers.
///
/// At most `requests` requests are kept (the oldest is forgotten first), each with at most
/// `body_bytes` bytes of its body. The request head is bounded by the server (64 KiB, see
/// the [module documentation](super)), so a record holds at most about
/// `requests × (body_bytes + 64 KiB)` bytes; with the defaults of an in-process fake (1000
/// requests, 64 KiB of body) that is about 128 MiB in the worst case and a few hundred KiB
/// for this API's real requests, whose bodies are well under 1 KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordLimits {
    /// How many recent requests are kept; 0 keeps none (recording off).
    pub requests: usize,
    /// How many bytes of each body are kept; the rest is cut (see
    /// [`ReceivedRequest::body_len`]).
    pub body_bytes: usize,
}

impl RecordLimits {
    /// Keep the `requests` most recent requests, with at most `body_bytes` bytes of each
    /// body.
    pub fn new(requests: usize, body_bytes: usize) -> Self {
        Self {
            requests,
            body_bytes,
        }
    }

    /// Keep nothing.
    pub fn off() -> Self {
        Self::new(0, 0)
    }
}

impl Default for RecordLimits {
    fn default() -> Self {
        Self::new(DEFAULT_RECORDED_REQUESTS, DEFAULT_RECORDED_BODY_BYTES)
    }
}

/// A request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The operation of the fragment it was routed to (its operationId, which is also the
    /// `Client` method's name), if any.
    pub operation: Option<&'static str>,
    /// The method, such as `PATCH`.
    pub method: String,
    /// The path, such as `/client/v4/accounts/…/dns_settings` (with the query, if any).
    pub path: String,
    /// Every header, lowercase names in order; credentials read `[redacted]`.
    pub headers: Vec<(String, String)>,
    /// The body as received, cut to the record's
    /// [`body_bytes`](RecordLimits::body_bytes).
    pub body: Vec<u8>,
    /// The length of the whole body as received; larger than `body.len()` when the body
    /// was cut.
    pub body_len: usize,
}

impl ReceivedRequest {
    pub(crate) fn new(
        parts: &http::request::Parts,
        body: &[u8],
        operation: Option<&'static str>,
        body_bytes: usize,
    ) -> Self {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if REDACTED.contains(&name.as_str()) {
                    "[redacted]".to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_string(), value)
            })
            .collect();
        Self {
            operation,
            method: parts.method.to_string(),
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_string(), |pq| pq.to_string()),
            headers,
            body: body[..body.len().min(body_bytes)].to_vec(),
            body_len: body.len(),
        }
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON (a cut body is not).
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the body was cut to the record's bound.
    pub fn body_truncated(&self) -> bool {
        self.body.len() < self.body_len
    }

    /// This request as the control interface shows it (`GET /__fake/requests`).
    pub(crate) fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> =
            self.headers
                .iter()
                .fold(serde_json::Map::new(), |mut map, (name, value)| {
                    // A repeated header reads as its values joined, as HTTP allows.
                    match map.get_mut(name) {
                        Some(Value::String(existing)) => {
                            existing.push_str(", ");
                            existing.push_str(value);
                        }
                        _ => {
                            map.insert(name.clone(), Value::from(value.as_str()));
                        }
                    }
                    map
                });
        json!({
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": String::from_utf8_lossy(&self.body),
            "json": self.json(),
            "body_len": self.body_len,
            "body_truncated": self.body_truncated(),
        })
    }
}

/// The ring of recent requests.
#[derive(Debug)]
pub(crate) struct Record {
    limits: RecordLimits,
    recent: VecDeque<ReceivedRequest>,
    /// How many requests were received in all (those forgotten included).
    received: u64,
}

impl Record {
    pub(crate) fn new(limits: RecordLimits) -> Self {
        Self {
            limits,
            recent: VecDeque::new(),
            received: 0,
        }
    }

    pub(crate) fn limits(&self) -> RecordLimits {
        self.limits
    }

    /// Counts a request, and keeps it when recording is on, forgetting the oldest one
    /// when the ring is full. `make` builds the record only when it is kept.
    pub(crate) fn push(&mut self, make: impl FnOnce(usize) -> ReceivedRequest) {
        self.received += 1;
        if self.limits.requests == 0 {
            return;
        }
        while self.recent.len() >= self.limits.requests {
            self.recent.pop_front();
        }
        self.recent.push_back(make(self.limits.body_bytes));
    }

    pub(crate) fn recent(&self) -> impl Iterator<Item = &ReceivedRequest> {
        self.recent.iter()
    }

    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    pub(crate) fn clear(&mut self) {
        self.recent.clear();
    }

    /// What `GET /__fake/requests` answers.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "recording": self.limits.requests > 0,
            "capacity": self.limits.requests,
            "body_bytes": self.limits.body_bytes,
            "received": self.received,
            "requests": self.recent.iter().map(ReceivedRequest::to_json).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(path: &str) -> http::request::Parts {
        let (parts, ()) = http::Request::builder()
            .method("PATCH")
            .uri(path)
            .header("authorization", "Bearer secret")
            .header("x-a", "1")
            .header("x-a", "2")
            .body(())
            .unwrap()
            .into_parts();
        parts
    }

    #[test]
    fn the_ring_keeps_the_most_recent_and_cuts_bodies() {
        let mut record = Record::new(RecordLimits::new(3, 4));
        for i in 0..10 {
            record.push(|cut| {
                ReceivedRequest::new(&parts(&format!("/{i}")), b"0123456789", None, cut)
            });
        }
        let paths: Vec<_> = record.recent().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["/7", "/8", "/9"]);
        let last = record.recent().last().unwrap();
        assert_eq!(last.body, b"0123");
        assert_eq!(last.body_len, 10);
        assert!(last.body_truncated());
        assert_eq!(record.received(), 10);
        let shown = last.to_json();
        assert_eq!(shown["headers"]["authorization"], "[redacted]");
        assert_eq!(shown["headers"]["x-a"], "1, 2");
        assert_eq!(shown["body_truncated"], true);
    }

    #[test]
    fn recording_off_keeps_nothing_but_counts() {
        let mut record = Record::new(RecordLimits::off());
        record.push(|_| unreachable!("not built when recording is off"));
        assert_eq!(record.recent().count(), 0);
        assert_eq!(record.received(), 1);
        assert_eq!(record.to_json()["recording"], false);
    }
}
