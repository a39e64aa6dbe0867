//! A response body read up to a bound, with memory that follows what arrives.

use bytes::Bytes;

/// Why a body could not be read whole.
pub(crate) enum BodyError {
    /// Over the limit; the first bytes, kept for an excerpt.
    TooLarge(Bytes),
    Transport(reqwest::Error),
}

/// Reads a body frame by frame, giving up once it passes `limit` bytes, and keeps the first
/// `keep` bytes of a body that does. A body that comes in one frame is kept as it is,
/// without a copy; otherwise the buffer starts at most [`INITIAL_RESERVE`] bytes and
/// doubles as bytes arrive, never past the limit. A declared `Content-Length` only refuses
/// a body over the limit early and caps the last doubling step: it never decides what is
/// reserved, so a server that declares a huge length and sends two bytes costs nothing.
pub(crate) async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
    keep: usize,
) -> std::result::Result<Bytes, BodyError> {
    let declared = response
        .headers()
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge(Bytes::new()));
    }
    // At most the limit, so it fits in usize.
    let declared = declared.map(|len| len as usize);
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    // `chunk` reads the body frame by frame (trailers skipped), leaving the response whole.
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        let read = first.as_ref().map_or(joined.len(), Bytes::len);
        if chunk.len() > limit.saturating_sub(read) {
            let mut excerpt = first.map_or(joined, |b| b.to_vec());
            excerpt.truncate(keep);
            let more = keep.saturating_sub(excerpt.len()).min(chunk.len());
            excerpt.extend_from_slice(&chunk[..more]);
            return Err(BodyError::TooLarge(Bytes::from(excerpt)));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => {
                grow(&mut joined, chunk.len(), declared, limit);
                joined.extend_from_slice(&chunk);
            }
            Some(head) => {
                grow(&mut joined, head.len() + chunk.len(), declared, limit);
                joined.extend_from_slice(&head);
                drop(head);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}

/// The most a body buffer reserves before bytes arrive to fill it.
const INITIAL_RESERVE: usize = 16 * 1024;

/// Makes room for `extra` more bytes, from what has arrived: at least
/// [`INITIAL_RESERVE`], otherwise doubling, never past the declared length (when the bytes
/// fit in it) nor the limit. `buffer.len() + extra` never exceeds the limit (the caller
/// checked), so no step can overflow or reserve more than about twice what arrived.
fn grow(buffer: &mut Vec<u8>, extra: usize, declared: Option<usize>, limit: usize) {
    let needed = buffer.len().saturating_add(extra);
    if needed <= buffer.capacity() {
        return;
    }
    let mut target = needed
        .max(buffer.capacity().saturating_mul(2))
        .max(INITIAL_RESERVE);
    if let Some(len) = declared
        && len >= needed
    {
        target = target.min(len);
    }
    // Close to the limit, go to the limit: one more step just short of it would hold two
    // near-limit buffers at once.
    if target >= limit - limit / 4 {
        target = limit;
    }
    let target = target.max(needed);
    buffer.reserve_exact(target - buffer.len());
}
