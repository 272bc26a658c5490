//! TLS with rustls: the local server behind a TLS front with a test CA. Unknown CA refused;
//! `caCertFilePath` adds the root; `insecureSkipVerify` skips verification and warns; each
//! TLS failure is told apart by `Error::tls_problem`.

use crate::remote_support;

use std::sync::{Arc, Mutex};

use flyte::config::Codec;
use flyte::remote::{Error, TlsProblem};

/// Captures what tracing writes, to check the warning.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn tls_verification_ca_file_and_skip_verify() {
    let local = remote_support::start().await;
    let front = remote_support::tls_front(local.server.addr()).await;
    let (_dir, ca) = remote_support::ca_file();

    for endpoint in [
        format!("https://127.0.0.1:{}", front.port()),
        format!("dns:///localhost:{}", front.port()),
    ] {
        // The web PKI roots do not know the test CA.
        let plain = remote_support::builder(&endpoint)
            .max_retries(0)
            .build()
            .unwrap();
        let err = plain.get("x").await.unwrap_err();
        assert!(
            matches!(remote_support::unrouted(&err), Error::Transport { .. }),
            "{endpoint}: {err:?}"
        );
        assert_eq!(
            err.tls_problem(),
            Some(TlsProblem::UnknownIssuer),
            "{endpoint}: {err:?}"
        );

        // With the CA file, every operation works over TLS.
        let trusted = remote_support::builder(&endpoint)
            .ca_cert_file_path(&ca)
            .codec(Codec::Json)
            .build()
            .unwrap();
        assert!(
            trusted.endpoint().starts_with("https://"),
            "{}",
            trusted.endpoint()
        );
        let name = format!("tls-{}", front.port() as usize + endpoint.len());
        trusted.create(&name, "over-tls").await.unwrap();
        assert_eq!(trusted.get(&name).await.unwrap().name(), name);
        trusted.delete(&name).await.unwrap();
    }

    // Skipping verification works without the CA, and says so.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let endpoint = format!("https://127.0.0.1:{}", front.port());
    let skip = tracing::subscriber::with_default(subscriber, || {
        remote_support::builder(&endpoint)
            .insecure_skip_verify(true)
            .build()
            .unwrap()
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("WARN") && log.contains("insecureSkipVerify") && log.contains("NOT verified"),
        "{log}"
    );
    skip.create("skip-verify", "v").await.unwrap();

    // `insecure` means plaintext: the TLS port does not speak it.
    let plaintext = remote_support::builder(&endpoint)
        .insecure(true)
        .max_retries(0)
        .build()
        .unwrap();
    assert!(plaintext.endpoint().starts_with("http://"));
    let err = plaintext.get("x").await.unwrap_err();
    assert_eq!(err.tls_problem(), Some(TlsProblem::TlsAnswer), "{err:?}");

    // TLS to the plaintext server: its answer is no TLS record.
    let https = local.url().replace("http://", "https://");
    let tls = remote_support::builder(&https)
        .max_retries(0)
        .build()
        .unwrap();
    let err = tls.get("x").await.unwrap_err();
    assert_eq!(
        err.tls_problem(),
        Some(TlsProblem::PlaintextAnswer),
        "{err:?}"
    );

    // A refused connection is none of these.
    let err = remote_support::builder("http://127.0.0.1:1")
        .max_retries(0)
        .build()
        .unwrap()
        .get("x")
        .await
        .unwrap_err();
    assert_eq!(err.tls_problem(), None, "{err:?}");
}

#[tokio::test]
async fn a_routed_cluster_endpoint_uses_the_session_tls_settings() {
    let b = remote_support::start().await;
    let b_front = remote_support::tls_front(b.server.addr()).await;
    let selects = remote_support::Selects::default();
    let a = selects
        .control_plane(&format!("dns:///localhost:{}", b_front.port()))
        .await;
    let a_front = remote_support::tls_front(a.server.addr()).await;
    let (_dir, ca) = remote_support::ca_file();

    let endpoint = format!("https://127.0.0.1:{}", a_front.port());
    let c = remote_support::builder(&endpoint)
        .ca_cert_file_path(&ca)
        .build()
        .unwrap();
    // B's certificate is trusted only through the CA file: the routed client has it too.
    c.create("routed-over-tls", "v").await.unwrap();
    let on_b = remote_support::builder(&b.url()).build().unwrap();
    assert_eq!(
        on_b.get("routed-over-tls").await.unwrap().name(),
        "routed-over-tls"
    );
    assert_eq!(selects.take().len(), 1);
}

/// A TLS control plane answering a plaintext `cluster_endpoint` must not downgrade the
/// session: nothing (no bearer token, no value) is sent to it, and the error names both.
#[tokio::test]
async fn a_plaintext_cluster_endpoint_for_a_tls_session_is_refused() {
    let b = remote_support::start_with_tokens("the-bearer-token-0123 127/*/* read,write").await;
    let selects = remote_support::Selects::default();
    let a = selects.control_plane(&b.url()).await;
    let a_front = remote_support::tls_front(a.server.addr()).await;
    let (_dir, ca) = remote_support::ca_file();

    let endpoint = format!("https://127.0.0.1:{}", a_front.port());
    let c = remote_support::builder(&endpoint)
        .ca_cert_file_path(&ca)
        .api_key("the-bearer-token-0123")
        .unwrap()
        .build()
        .unwrap();
    let err = c.create("downgraded", "the-value-0123").await.unwrap_err();
    let text = format!("{err} / {}", remote_support::unrouted(&err));
    assert!(
        matches!(err, flyte::remote::Error::SelectCluster { .. }),
        "{err:?}"
    );
    for part in [&*b.url(), &*endpoint, "plaintext", "uses TLS", "insecure"] {
        assert!(text.contains(part), "{part} in {text}");
    }
    for value in ["the-bearer-token-0123", "the-value-0123"] {
        assert!(!format!("{text} {err:?}").contains(value), "{text}");
    }
    // Nothing reached B.
    let on_b = remote_support::builder(&b.url())
        .api_key("the-bearer-token-0123")
        .unwrap()
        .build()
        .unwrap();
    assert!(matches!(
        on_b.get("downgraded").await.unwrap_err(),
        flyte::remote::Error::NotFound { .. }
    ));
}
