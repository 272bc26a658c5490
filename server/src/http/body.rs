//! Reading request bodies within the size limit (before and after gzip), and compressing
//! responses.

use std::io::{Read, Write};

use axum::body::Body;
use axum::http::{HeaderMap, header};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flyte_idl::connect::Code;
use http_body_util::BodyExt;
use zeroize::Zeroizing;

use super::RpcError;

fn too_large(limit: usize, what: &str) -> RpcError {
    RpcError::new(
        Code::ResourceExhausted,
        format!("{what} is larger than the limit of {limit} bytes"),
    )
}

/// Reads the whole body, refusing more than `limit` bytes on the wire and, for gzip, more
/// than `limit` bytes decompressed (so a gzip bomb stops at `limit + 1` bytes).
pub(super) async fn read(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, RpcError> {
    let gzip = match headers.get(header::CONTENT_ENCODING).map(|v| v.to_str()) {
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
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit, "the request body"));
    }
    let mut raw = Zeroizing::new(Vec::with_capacity(declared.unwrap_or(0) as usize));
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|_| RpcError::new(Code::Canceled, "reading the request body failed"))?;
        if let Ok(data) = frame.into_data() {
            if raw.len() + data.len() > limit {
                return Err(too_large(limit, "the request body"));
            }
            raw.extend_from_slice(&data);
        }
    }
    if !gzip || raw.is_empty() {
        return Ok(raw);
    }
    let mut out = Zeroizing::new(Vec::with_capacity((raw.len() * 4).min(limit + 1)));
    GzDecoder::new(raw.as_slice())
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| RpcError::invalid("the request body is not valid gzip"))?;
    if out.len() > limit {
        return Err(too_large(limit, "the decompressed request body"));
    }
    Ok(out)
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
    async fn gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; 8 << 20]);
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        let err = read(&headers, Body::from(bomb.clone()), 1 << 20)
            .await
            .unwrap_err();
        assert_eq!(err.code, Code::ResourceExhausted);
        assert!(err.message.contains("decompressed"), "{}", err.message);
        let ok = read(&headers, Body::from(bomb), 9 << 20).await.unwrap();
        assert_eq!(ok.len(), 8 << 20);
    }
}
