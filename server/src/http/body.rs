//! Reading request bodies within the size limit (before and after gzip), and compressing
//! responses.

use std::io::{Read, Write};
use std::sync::Arc;

use axum::body::{Body, HttpBody as _};
use axum::http::{HeaderMap, header};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flyte_idl::connect::Code;
use http_body_util::BodyExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zeroize::Zeroizing;

use crate::rpc_error::RpcError;

fn too_large(limit: usize, what: &str) -> RpcError {
    RpcError::new(
        Code::ResourceExhausted,
        format!("{what} is larger than the limit of {limit} bytes"),
    )
}

/// Reads the whole body, refusing more than `limit` bytes on the wire and, for gzip, more
/// than `limit` bytes decompressed (so a gzip bomb stops at `limit + 1` bytes). Every byte
/// held is first taken from the shared `budget`; the permits go back when the returned
/// buffer is dropped.
pub(super) async fn read<'b>(
    headers: crate::headers::Headers<'_>,
    body: Body,
    limit: usize,
    budget: &'b Arc<Semaphore>,
) -> Result<Held<'b>, RpcError> {
    let gzip = match headers.content_encoding().map(|v| v.to_str()) {
        None => false,
        Some(Ok(v)) if v.eq_ignore_ascii_case("identity") => false,
        Some(Ok(v)) if v.eq_ignore_ascii_case("gzip") => true,
        Some(v) => {
            let shown: String = v.unwrap_or("<non-ASCII>").chars().take(40).collect();
            return Err(RpcError::new(
                Code::Unimplemented,
                format!("unsupported content-encoding `{shown}`: use gzip or identity"),
            ));
        }
    };
    let declared = headers
        .map()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit, "the request body"));
    }
    // Grown as bytes arrive, never to the declared length up front: a client that declares
    // 1 MiB and sends nothing holds nothing.
    let mut raw = Held::new(budget, limit, "the request body");
    let mut body = body;
    // Done once the declared length is in (hyper delivers no more): waiting for the end of
    // the stream instead would cost every request another wake-up, with its body timer
    // registered meanwhile.
    while !body.is_end_stream() {
        let Some(frame) = body.frame().await else {
            break;
        };
        let frame =
            frame.map_err(|_| RpcError::new(Code::Canceled, "reading the request body failed"))?;
        if let Ok(data) = frame.into_data() {
            raw.extend(&data)?;
        }
    }
    if !gzip || raw.is_empty() {
        return Ok(raw);
    }
    // Every member of a multi-member body, as gzip(1) and Go's reader do; anything after a
    // member that is not another member is an error, not silently ignored.
    let mut out = Held::new(budget, limit, "the decompressed request body");
    let mut decoder = MultiGzDecoder::new(&raw[..]);
    let mut chunk = Zeroizing::new([0u8; 16 * 1024]);
    loop {
        let n = decoder
            .read(chunk.as_mut())
            .map_err(|_| RpcError::invalid("the request body is not valid gzip"))?;
        if n == 0 {
            break;
        }
        out.extend(&chunk[..n])?;
    }
    Ok(out)
}

/// Bytes of each buffer not charged to the budget, so that small requests are served while
/// large uploads hold it all; bounded by the connection cap (256 x 16 KiB = 4 MiB).
const UNCHARGED: usize = 16 << 10;

/// A request buffer whose capacity beyond [`UNCHARGED`] is paid for from the shared budget, zeroed when dropped
/// (also the old copies when it grows: `Vec` would free them as they are).
pub(super) struct Held<'b> {
    data: Zeroizing<Vec<u8>>,
    permit: Option<OwnedSemaphorePermit>,
    /// Borrowed: a clone would be one more write to a count every connection shares.
    budget: &'b Arc<Semaphore>,
    limit: usize,
    what: &'static str,
}

impl<'b> Held<'b> {
    fn new(budget: &'b Arc<Semaphore>, limit: usize, what: &'static str) -> Held<'b> {
        Held {
            data: Zeroizing::new(Vec::new()),
            permit: None,
            budget,
            limit,
            what,
        }
    }

    fn extend(&mut self, bytes: &[u8]) -> Result<(), RpcError> {
        let need = self.data.len() + bytes.len();
        if need > self.limit {
            return Err(too_large(self.limit, self.what));
        }
        if need > self.data.capacity() {
            // Exactly the first frame's size at first: most bodies are one small frame, and
            // a large allocation would make glibc consolidate its free lists every request.
            let cap = need.max(self.data.capacity() * 2).min(self.limit);
            let charged = |c: usize| c.saturating_sub(UNCHARGED);
            let more = charged(cap) - charged(self.data.capacity());
            // Nothing to take for a buffer within the uncharged part (most requests): the
            // semaphore, shared by every connection, is then not touched at all.
            if more > 0 {
                let more = u32::try_from(more).unwrap_or(u32::MAX);
                let permit = Arc::clone(self.budget)
                    .try_acquire_many_owned(more)
                    .map_err(|_| {
                        RpcError::new(
                            Code::ResourceExhausted,
                            "the server is holding as many request bodies as it allows; retry later",
                        )
                    })?;
                match &mut self.permit {
                    Some(p) => p.merge(permit),
                    None => self.permit = Some(permit),
                }
            }
            if self.data.capacity() == 0 {
                // Nothing held yet: no old copy to wipe.
                self.data.reserve_exact(cap);
            } else {
                let mut grown = Zeroizing::new(Vec::with_capacity(cap));
                grown.extend_from_slice(&self.data);
                self.data = grown;
            }
        }
        self.data.extend_from_slice(bytes);
        Ok(())
    }
}

impl std::fmt::Debug for Held<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Held({} bytes)", self.data.len())
    }
}

impl std::ops::Deref for Held<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.data
    }
}

/// True when the client lists gzip in `accept-encoding` (and not with `q=0`).
pub(super) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                    && !parts.any(|p| {
                        p.replace(' ', "")
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                            == Some(0.0)
                    })
            })
        })
}

/// Gzips a response body.
pub(super) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 2 + 32), Compression::fast());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::Headers;
    use axum::http::HeaderValue;

    fn h(v: &'static str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
        m
    }

    #[test]
    fn accept_encoding_parsing() {
        assert!(accepts_gzip(&h("gzip")));
        assert!(accepts_gzip(&h("gzip,identity")));
        assert!(accepts_gzip(&h("br, GZIP;q=0.5")));
        assert!(!accepts_gzip(&h("gzip;q=0")));
        assert!(!accepts_gzip(&h("gzip; q=0.0")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[tokio::test]
    async fn the_shared_budget_caps_bytes_held() {
        let budget = Arc::new(Semaphore::new(100_000));
        let small = read(
            Headers::new(&HeaderMap::new()),
            Body::from(vec![1u8; 9_000]),
            1 << 20,
            &budget,
        )
        .await
        .unwrap();
        assert_eq!(
            budget.available_permits(),
            100_000,
            "small bodies are not charged"
        );
        let first = read(
            Headers::new(&HeaderMap::new()),
            Body::from(vec![1u8; 80_000]),
            1 << 20,
            &budget,
        )
        .await
        .unwrap();
        let err = read(
            Headers::new(&HeaderMap::new()),
            Body::from(vec![1u8; 80_000]),
            1 << 20,
            &budget,
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, Code::ResourceExhausted);
        assert!(err.message.contains("retry later"), "{}", err.message);
        drop((first, small));
        read(
            Headers::new(&HeaderMap::new()),
            Body::from(vec![1u8; 80_000]),
            1 << 20,
            &budget,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 8 << 20]);
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        let budget = Arc::new(Semaphore::new(64 << 20));
        let err = read(
            Headers::new(&headers),
            Body::from(bomb.clone()),
            1 << 20,
            &budget,
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, Code::ResourceExhausted);
        assert!(err.message.contains("decompressed"), "{}", err.message);
        let ok = read(Headers::new(&headers), Body::from(bomb), 9 << 20, &budget)
            .await
            .unwrap();
        assert_eq!(ok.len(), 8 << 20);
        assert!(budget.available_permits() < 64 << 20, "held while in use");
        drop(ok);
        assert_eq!(
            budget.available_permits(),
            64 << 20,
            "returned when dropped"
        );
    }
}
