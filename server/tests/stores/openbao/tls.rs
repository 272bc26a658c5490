//! HTTPS to a `bao server -dev -dev-tls`: refused clearly without its CA, served with it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Child;
use std::time::Duration;

use flyte_test_backends::needs;

use super::bao::{Bao, free_port, start_bao};
use super::chain;
use crate::common::*;

/// `bao server -dev -dev-tls` of its own (a CA and certificate for 127.0.0.1 made in `dir`),
/// killed at the end of the test.
struct TlsBao {
    bao: Bao,
    ca: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for TlsBao {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[needs(openbao)]
#[tokio::test]
async fn https_with_the_ca_file_and_a_clear_refusal_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let token = format!("tls-root-{}", std::process::id());
    let child = start_bao(
        &[
            "-dev",
            "-dev-tls",
            &format!("-dev-tls-cert-dir={}", dir.path().display()),
            &format!("-dev-root-token-id={token}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            "-dev-no-store-token",
        ],
        &dir.path().join("bao.log"),
    );
    let tls = TlsBao {
        bao: Bao {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            token,
        },
        ca: dir.path().join("vault-ca.pem"),
        child,
        _dir: dir,
    };
    // Up once the CA is written and the TLS listener answers.
    let mut up = false;
    for _ in 0..600 {
        if let Ok(pem) = std::fs::read(&tls.ca)
            && let Ok(ca) = reqwest::Certificate::from_pem(&pem)
            && let Ok(http) = reqwest::Client::builder().add_root_certificate(ca).build()
            && let Ok(r) = http
                .get(format!("https://127.0.0.1:{port}/v1/sys/health"))
                .send()
                .await
            && r.status() == 200
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "bao -dev-tls did not come up");
    let store: flyte_server::StoreConfig = format!("openbao://127.0.0.1:{port}/secret")
        .parse()
        .unwrap();
    let token = tls.bao.token.clone();
    let env = move |k: &str| (k == "BAO_TOKEN").then(|| token.clone());

    let data = private_tempdir();
    let e = builder(data.path())
        .store(store.clone())
        .env(env.clone())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    let e = chain(&e);
    assert!(
        e.contains("TLS with OpenBao at https://127.0.0.1") && e.contains("--store-ca-file"),
        "{e}"
    );

    let server = builder(data.path())
        .store(store)
        .env(env)
        .store_ca_file(&tls.ca)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    c.create_str(pid("over-tls"), "tls-value").await.unwrap();
    assert_eq!(c.list_all(PROJ, 0).await, ["over-tls"]);
    server.shutdown().await.unwrap();
}
