//! Reading a request's body: within its route's limit and the request's deadline, charged to
//! the body budget as it arrives (`budget`), never for what `Content-Length` announces.

use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::time::Instant;

use super::budget::{Budget, Charge, Short};

/// What a refused request's body may be read and thrown away, so the client is reading when
/// the refusal comes (closing with unread bytes would reset the connection under it).
const DISCARD_LIMIT: usize = 64 * 1024 * 1024;
/// A body's buffer grows by at least this much at a time (and by a quarter of what it holds),
/// so it is charged and reallocated a bounded number of times.
const GROWTH: usize = 256 * 1024;
/// Memory a request holds per byte of its buffer: the buffer, and what decoding builds from it
/// (strings as long as the body's, lists bounded in count, a send's message) — measured with
/// 10 MB SendEmail bodies: see docs/endpoint.md, "Connections and limits".
pub const MEMORY_PER_BYTE: usize = 2;

pub enum BodyError {
    TooLarge,
    Late,
    Busy,
    Broken,
}

impl BodyError {
    /// The answer to a body that could not be read: status, code and words.
    pub fn refusal(self, limit: usize) -> (u16, &'static str, String) {
        match self {
            BodyError::TooLarge => (
                413,
                "RequestEntityTooLargeException",
                format!(
                    "the request body is larger than {limit} bytes, the most this operation takes"
                ),
            ),
            BodyError::Late => (
                408,
                "RequestTimeoutException",
                "the request body took too long to arrive".into(),
            ),
            BodyError::Busy => (
                503,
                "ServiceUnavailable",
                "sesm is holding as many request bodies as it takes at once; retry".into(),
            ),
            BodyError::Broken => (
                400,
                "BadRequestException",
                "the request body ended early or was malformed".into(),
            ),
        }
    }
}

/// Reads and throws away what a refused request sends, up to `DISCARD_LIMIT` bytes and the
/// deadline; whether it all arrived (so the connection may stay open).
pub async fn discard(mut body: Incoming, deadline: Instant) -> bool {
    let mut seen = 0usize;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    seen += data.len();
                    if seen > DISCARD_LIMIT {
                        return false;
                    }
                }
            }
            Ok(None) => return true,
            Ok(Some(Err(_))) | Err(_) => return false,
        }
    }
}

/// The body, whole, within `limit` bytes and the deadline, with its charge (released when
/// dropped, after the request is answered). The buffer grows with what arrives, up to the
/// declared length, and is charged `MEMORY_PER_BYTE` times its capacity before it grows.
pub async fn read(
    mut body: Incoming,
    declared: Option<u64>,
    limit: usize,
    deadline: Instant,
    budget: &std::sync::Arc<Budget>,
) -> Result<(Vec<u8>, Charge), BodyError> {
    let mut charge = budget.holder();
    let mut out: Vec<u8> = Vec::new();
    let cap = declared.map_or(limit, |n| (n as usize).min(limit));
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Late),
            Ok(None) => return Ok((out, charge)),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Some(data) = frame.data_ref() else {
            continue;
        };
        let needed = out.len() + data.len();
        if needed > limit {
            return Err(BodyError::TooLarge);
        }
        if needed > out.capacity() {
            let grown = (out.capacity() + GROWTH.max(out.capacity() / 4)).min(cap.max(needed));
            let capacity = grown.max(needed);
            charge
                .grow_to(capacity * MEMORY_PER_BYTE, deadline)
                .await
                .map_err(|e| match e {
                    Short::Busy | Short::TooLarge => BodyError::Busy,
                })?;
            out.reserve_exact(capacity - out.len());
        }
        out.extend_from_slice(data);
    }
}
