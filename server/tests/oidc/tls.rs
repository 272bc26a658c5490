//! `--tls-cert/--tls-key`: HTTPS with HTTP/1.1 and h2 through ALPN; bad files and plaintext
//! on a public address refused.

use flyte_idl::connect::Code;
use flyte_server::StartError;

use super::certs;
use super::common::*;
use super::private_dir;

fn https(ca: &std::path::Path, http1: bool) -> reqwest::Client {
    let pem = std::fs::read(ca).unwrap();
    let b = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .tls_built_in_root_certs(false);
    let b = if http1 { b.http1_only() } else { b };
    b.build().unwrap()
}

#[tokio::test]
async fn tls_serves_http1_and_h2_by_alpn() {
    let certs = certs::generate();
    let dir = private_dir();
    let server = builder(dir.path())
        .tls(&certs.cert, &certs.key)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    assert!(
        server.ready_line().contains("https://"),
        "{}",
        server.ready_line()
    );
    for host in ["127.0.0.1", "localhost"] {
        for (http1, version) in [
            (true, reqwest::Version::HTTP_11),
            (false, reqwest::Version::HTTP_2),
        ] {
            let mut c = Client::new(server.addr());
            c.http = https(&certs.ca, http1);
            c.base = format!("https://{host}:{}", server.addr().port());
            let err = c
                .get(flyte_idl::SecretIdentifier {
                    name: "nope".into(),
                    organization: ORG.into(),
                    ..Default::default()
                })
                .await
                .unwrap_err();
            assert_eq!(err.code(), Code::NotFound);
            let resp = c
                .http
                .post(format!(
                    "{}{}",
                    c.base,
                    flyte_idl::paths::GET_OAUTH2_METADATA
                ))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            assert_eq!(resp.version(), version, "{host} http1={http1}");
        }
    }
    // Plain HTTP to the TLS port is no request at all.
    let plain = reqwest::Client::new()
        .post(format!(
            "http://{}{}",
            server.addr(),
            flyte_idl::paths::GET_SECRET
        ))
        .send()
        .await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    // A client trusting another CA refuses the server.
    let other = https(&certs.other_ca, false)
        .post(format!("{}{}", server.url(), flyte_idl::paths::GET_SECRET))
        .send()
        .await;
    assert!(other.is_err(), "an unknown CA must be refused");
    server.shutdown().await.unwrap();
}

#[test]
fn unusable_tls_files_and_plaintext_on_a_public_address_are_refused() {
    let certs = certs::generate();
    let dir = private_dir();
    let tokens = flyte_server::TokenSet::parse("admin-token-0123456789 * all").unwrap();
    let err = builder(&dir.path().join("a"))
        .listen("0.0.0.0:0".parse().unwrap())
        .tokens(tokens.clone())
        .build()
        .unwrap_err();
    assert!(matches!(err, StartError::NeedsTls(_)), "{err}");
    // The key as certificate, the certificate as key, a missing file.
    for (cert, key, want) in [
        (&certs.key, &certs.key, "CERTIFICATE"),
        (&certs.cert, &certs.cert, "private key"),
        (&dir.path().join("missing.pem"), &certs.key, "cannot read"),
    ] {
        let err = builder(&dir.path().join("b"))
            .tls(cert, key)
            .build()
            .unwrap_err();
        assert!(matches!(err, StartError::Tls { .. }), "{err}");
        assert!(err.to_string().contains(want), "{want}: {err}");
    }
    // A key that does not belong to the certificate.
    let others = certs::generate();
    let err = builder(&dir.path().join("c"))
        .tls(&certs.cert, &others.key)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("does not fit"), "{err}");
    // A key others can read is refused before it is read.
    std::fs::set_permissions(
        &certs.key,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let err = builder(&dir.path().join("d"))
        .tls(&certs.cert, &certs.key)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("TLS key file"), "{err}");
    // With TLS, a public address starts.
    std::fs::set_permissions(
        &certs.key,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    builder(&dir.path().join("e"))
        .listen("0.0.0.0:0".parse().unwrap())
        .tokens(tokens)
        .tls(&certs.cert, &certs.key)
        .build()
        .unwrap();
}
