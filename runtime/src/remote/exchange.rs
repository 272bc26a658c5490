//! The HTTP exchange of one RPC attempt. A plaintext endpoint that no proxy applies to is
//! spoken to with hyper directly ([`Pool`]): reqwest's own per-request work (URL parsing
//! and conversions, clones of its client and connector) costs about as much CPU as the whole
//! round trip on a kept local connection. TLS and proxied endpoints, and the OAuth flows,
//! go through reqwest.

use http::HeaderMap;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::proxy::matcher::Matcher;

use super::codec::MAX_RESPONSE_BYTES;
use super::error::{Code, DecodeError};
use super::pool::Pool;
use super::retry::FailureKind;
use crate::config::{Config, Endpoint};

/// One failed attempt.
pub(super) enum Failure {
    Status {
        code: Code,
        message: String,
    },
    Timeout,
    Http {
        kind: FailureKind,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    Decode(DecodeError),
}

/// The connections one endpoint's RPCs use.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    /// Every request when `direct` is `None`; the OAuth flows always.
    pub reqwest: reqwest::Client,
    pub direct: Option<Pool>,
}

impl Http {
    /// `reqwest`, plus a direct client when `endpoint` is plaintext and reqwest would send to
    /// it without a proxy (loopback, or no proxy variable matches it: the rule reqwest applies).
    pub(crate) fn new(reqwest: reqwest::Client, cfg: &Config, endpoint: &Endpoint) -> Http {
        let uri: Option<http::Uri> = endpoint.base_url(cfg.insecure).parse().ok();
        let direct = uri
            .filter(|u| u.scheme_str() == Some("http"))
            .filter(|u| endpoint.is_loopback() || Matcher::from_system().intercept(u).is_none())
            .and_then(|u| Pool::new(&u, cfg.connect_timeout));
        Http { reqwest, direct }
    }
}

/// A complete answer, body inflated when it came gzipped.
pub(super) struct Answer {
    pub status: u16,
    pub content_type: Option<http::HeaderValue>,
    pub body: Vec<u8>,
}

/// Sends `req` and reads the whole answer, refusing more than [`MAX_RESPONSE_BYTES`].
pub(super) async fn send(http: &Http, req: http::Request<Vec<u8>>) -> Result<Answer, Failure> {
    let (status, mut headers, body) = match &http.direct {
        Some(pool) => {
            let (resp, conn) = pool
                .send(req.map(|b| Full::new(Bytes::from(b))))
                .await
                .map_err(|(kind, source)| Failure::Http { kind, source })?;
            let (parts, mut body) = resp.into_parts();
            let mut buf = start(&parts.headers)?;
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| failure(FailureKind::Broken, e))?;
                if let Ok(chunk) = frame.into_data() {
                    append(&mut buf, &chunk)?;
                }
            }
            conn.release();
            (parts.status, parts.headers, buf)
        }
        None => {
            let req = reqwest::Request::try_from(req)
                .map_err(|_| Failure::Decode(DecodeError::Missing("a valid request URL")))?;
            let mut resp = http.reqwest.execute(req).await.map_err(reqwest_failure)?;
            let mut buf = start(resp.headers())?;
            while let Some(chunk) = resp.chunk().await.map_err(reqwest_failure)? {
                append(&mut buf, &chunk)?;
            }
            (resp.status(), std::mem::take(resp.headers_mut()), buf)
        }
    };
    let gzipped = headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    let body = if gzipped {
        super::codec::gunzip(&body).map_err(Failure::Decode)?
    } else {
        body
    };
    Ok(Answer {
        status: status.as_u16(),
        content_type: headers.remove(CONTENT_TYPE),
        body,
    })
}

/// An empty buffer for the body the headers announce, or `TooLarge`.
fn start(headers: &HeaderMap) -> Result<Vec<u8>, Failure> {
    let len = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if len.is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
        return Err(too_large());
    }
    Ok(Vec::with_capacity(len.unwrap_or(0) as usize))
}

fn append(buf: &mut Vec<u8>, chunk: &[u8]) -> Result<(), Failure> {
    if buf.len() + chunk.len() > MAX_RESPONSE_BYTES {
        return Err(too_large());
    }
    buf.extend_from_slice(chunk);
    Ok(())
}

fn too_large() -> Failure {
    Failure::Decode(DecodeError::TooLarge {
        limit: MAX_RESPONSE_BYTES,
    })
}

fn failure(kind: FailureKind, e: impl std::error::Error + Send + Sync + 'static) -> Failure {
    Failure::Http {
        kind,
        source: Box::new(e),
    }
}

fn reqwest_failure(e: reqwest::Error) -> Failure {
    let kind = if e.is_connect() {
        FailureKind::Connect
    } else {
        FailureKind::Broken
    };
    failure(kind, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http_for(url: &str, insecure: bool) -> Http {
        let cfg = Config {
            insecure,
            ..Config::default()
        };
        let endpoint = Endpoint::parse(url).unwrap();
        Http::new(reqwest::Client::new(), &cfg, &endpoint)
    }

    #[test]
    fn direct_only_for_plaintext() {
        assert!(http_for("http://127.0.0.1:8090", false).direct.is_some());
        assert!(http_for("dns:///localhost:8090", true).direct.is_some());
        assert!(http_for("https://127.0.0.1:8090", false).direct.is_none());
        assert!(
            http_for("dns:///flyte.example.com:443", false)
                .direct
                .is_none()
        );
    }
}
