//! Request bodies that tell whether an attempt's bytes may have left for the server, so
//! that "nothing was sent" is exact and a POST that never left can be repeated safely.

use std::sync::Arc;
use std::sync::atomic::AtomicU8;
use std::sync::atomic::Ordering::{AcqRel, Acquire};

use bytes::Bytes;

/// Whether an attempt's bytes may have left for the server.
///
/// A request with a body sends it through a [`TrackedBody`]. hyper writes the request head
/// into its buffer and polls the body in the same step, before it flushes anything, so
/// until the body is first polled no byte of the request has left. An attempt that fails
/// or times out before that marks the state abandoned, and the body then refuses to start
/// (hyper drops the buffered head with the connection). The two marks race through one
/// compare-and-swap, so "nothing was sent" is exact.
#[derive(Clone, Default)]
pub(crate) struct SendState(Option<Arc<AtomicU8>>);

const IDLE: u8 = 0;
const STARTED: u8 = 1;
const ABANDONED: u8 = 2;

impl SendState {
    /// A state for a request with a body.
    pub(crate) fn tracked() -> Self {
        Self(Some(Arc::new(AtomicU8::new(IDLE))))
    }

    /// The body is about to be written: false when the attempt was abandoned first.
    fn start(&self) -> bool {
        match &self.0 {
            Some(state) => match state.compare_exchange(IDLE, STARTED, AcqRel, Acquire) {
                Ok(_) => true,
                Err(now) => now == STARTED,
            },
            None => true,
        }
    }

    /// The attempt failed: true when nothing was sent, and now nothing ever will be. A
    /// request without a body is not tracked, so it may always have been sent.
    pub(crate) fn abandon(&self) -> bool {
        self.0.as_ref().is_some_and(|state| {
            state
                .compare_exchange(IDLE, ABANDONED, AcqRel, Acquire)
                .is_ok()
        })
    }
}

/// A request body that marks its [`SendState`] when hyper first asks for it.
pub(crate) struct TrackedBody {
    data: Option<Bytes>,
    state: SendState,
}

impl TrackedBody {
    /// A body of `data` that marks `state` when hyper first asks for it.
    pub(crate) fn new(data: Bytes, state: SendState) -> Self {
        Self {
            data: Some(data),
            state,
        }
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<std::result::Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.data.is_some() && !this.state.start() {
            return std::task::Poll::Ready(Some(Err(std::io::Error::other(
                "the attempt was abandoned before its request was sent",
            ))));
        }
        std::task::Poll::Ready(
            this.data
                .take()
                .map(|data| Ok(http_body::Frame::data(data))),
        )
    }

    fn is_end_stream(&self) -> bool {
        // Never "empty" before the first poll, so that hyper always polls it (and the
        // state is always marked) before it sends anything.
        self.data.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}
