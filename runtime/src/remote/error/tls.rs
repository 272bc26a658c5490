//! [`TlsProblem`]: a connection that failed because the two ends disagree about TLS, told by
//! the type of the cause (rustls, hyper), not by its text.

use std::error::Error as StdError;

/// Why a connection failed, when TLS is the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsProblem {
    /// The service's certificate is issued by a CA this machine does not trust (rustls
    /// `CertificateError::UnknownIssuer`): `admin.caCertFilePath` names one to trust.
    UnknownIssuer,
    /// This end spoke TLS and the service answered in plaintext (rustls
    /// `InvalidMessage::InvalidContentType`: the first bytes are no TLS record).
    PlaintextAnswer,
    /// This end spoke plaintext HTTP and the answer does not begin like HTTP, as a TLS
    /// service's alert does not (hyper's parse error of the version).
    TlsAnswer,
}

impl TlsProblem {
    /// The problem behind `err`: it or any of its causes. A `std::io::Error`'s `source()`
    /// skips the error it wraps (where rustls errors arrive, an io::Error in another at
    /// times), so the walk goes through that one instead.
    pub fn of(err: &(dyn StdError + 'static)) -> Option<TlsProblem> {
        let mut cause = Some(err);
        while let Some(c) = cause {
            if let Some(problem) = Self::of_one(c) {
                return Some(problem);
            }
            cause = match c
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
                None => c.source(),
            };
        }
        None
    }

    fn of_one(err: &(dyn StdError + 'static)) -> Option<TlsProblem> {
        use rustls::{CertificateError, InvalidMessage};
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return match tls {
                rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
                    Some(TlsProblem::UnknownIssuer)
                }
                rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType) => {
                    Some(TlsProblem::PlaintextAnswer)
                }
                _ => None,
            };
        }
        // hyper has `is_parse()` but no kind for the version: its own message tells a bad
        // version (a TLS record's first bytes) from bad headers.
        err.downcast_ref::<hyper::Error>()
            .filter(|h| h.is_parse() && h.to_string() == "invalid HTTP version parsed")
            .map(|_| TlsProblem::TlsAnswer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::{CertificateError, InvalidMessage};

    /// What a connector hands up: the rustls error inside an `io::Error`, inside a wrapper.
    #[derive(Debug, thiserror::Error)]
    #[error("connect")]
    struct Wrapper(#[source] std::io::Error);

    /// As reqwest's connector gives it: an `io::Error` in an `io::Error`.
    fn wrapped(tls: rustls::Error) -> Wrapper {
        let handshake = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        Wrapper(std::io::Error::other(handshake))
    }

    #[test]
    fn an_unknown_issuer_inside_an_io_error() {
        let err = wrapped(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ));
        assert_eq!(TlsProblem::of(&err), Some(TlsProblem::UnknownIssuer));
        // Both payloads are skipped by `source()`: the walk cannot follow it alone.
        assert!(StdError::source(&err).unwrap().source().is_none());
    }

    #[test]
    fn a_plaintext_answer_to_tls() {
        let err = wrapped(rustls::Error::InvalidMessage(
            InvalidMessage::InvalidContentType,
        ));
        assert_eq!(TlsProblem::of(&err), Some(TlsProblem::PlaintextAnswer));
    }

    #[test]
    fn other_errors_are_no_tls_problem() {
        let expired = wrapped(rustls::Error::InvalidCertificate(CertificateError::Expired));
        assert_eq!(TlsProblem::of(&expired), None);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(TlsProblem::of(&refused), None);
    }

    /// A real hyper client reading a TLS alert where an HTTP answer should be.
    #[tokio::test]
    async fn a_tls_answer_to_plaintext() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut request = [0u8; 1024];
            let _ = server.read(&mut request).await;
            // A TLS 1.2 alert record: fatal, protocol_version.
            server
                .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])
                .await
                .unwrap();
        });
        let io = hyper_util::rt::TokioIo::new(client);
        let (mut send, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(conn);
        let req = http::Request::get("http://localhost/")
            .body(http_body_util::Empty::<hyper::body::Bytes>::new())
            .unwrap();
        let err = send.send_request(req).await.unwrap_err();
        assert_eq!(TlsProblem::of(&err), Some(TlsProblem::TlsAnswer), "{err:?}");

        // Another parse error of the answer (a bad header) is not taken for TLS.
        let (client, mut server) = tokio::io::duplex(4096);
        tokio::spawn(async move {
            let mut request = [0u8; 1024];
            let _ = server.read(&mut request).await;
            server
                .write_all(b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n")
                .await
                .unwrap();
        });
        let io = hyper_util::rt::TokioIo::new(client);
        let (mut send, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
        tokio::spawn(conn);
        let req = http::Request::get("http://localhost/")
            .body(http_body_util::Empty::<hyper::body::Bytes>::new())
            .unwrap();
        let err = send.send_request(req).await.unwrap_err();
        assert!(err.is_parse(), "{err:?}");
        assert_eq!(TlsProblem::of(&err), None, "{err:?}");
    }
}
