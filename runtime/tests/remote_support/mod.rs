//! Shared by the `remote_*` tests: the real local server, started in-process on
//! 127.0.0.1:0 with a temp data dir and no process env.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use flyte::config::Codec;
use flyte::remote::{Client, ClientBuilder};
use flyte_server::{RunningServer, Server, ServerBuilder, TokenSet};

pub(crate) struct Local {
    pub server: RunningServer,
    _dir: tempfile::TempDir,
}

impl Local {
    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    /// A client scoped to project `p`, domain `d`, without the keyring.
    pub(crate) fn client(&self, codec: Codec) -> ClientBuilder {
        builder(&self.url()).codec(codec).project("p").domain("d")
    }

    /// The token that unlocks the inject extension (open mode).
    pub(crate) fn inject_token(&self) -> String {
        self.server
            .inject_token()
            .expect("open mode")
            .expose()
            .to_owned()
    }
}

/// Options that keep tests fast and hermetic.
pub(crate) fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(url)
        .disable_keyring(true)
        .timeout(Duration::from_secs(20))
        .base_backoff(Duration::from_millis(5))
}

pub(crate) async fn start() -> Local {
    start_on("127.0.0.1:0".parse().unwrap(), None).await
}

pub(crate) async fn start_with_tokens(tokens: &str) -> Local {
    start_on(
        "127.0.0.1:0".parse().unwrap(),
        Some(TokenSet::parse(tokens).unwrap()),
    )
    .await
}

pub(crate) async fn start_on(addr: SocketAddr, tokens: Option<TokenSet>) -> Local {
    start_with(|b| match tokens {
        Some(t) => b.listen(addr).tokens(t),
        None => b.listen(addr),
    })
    .await
}

/// The error behind a SelectCluster failure (asked before every first call of a scope), else
/// `err` itself.
pub(crate) fn unrouted(err: &flyte::remote::Error) -> &flyte::remote::Error {
    match err {
        flyte::remote::Error::SelectCluster { source, .. } => source,
        other => other,
    }
}

/// A server on 127.0.0.1:0 with extra builder settings.
pub(crate) async fn start_with(configure: impl FnOnce(ServerBuilder) -> ServerBuilder) -> Local {
    let dir = tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap();
    let b = Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None);
    let server = configure(b).build().unwrap().start().await.unwrap();
    Local { server, _dir: dir }
}

/// The SelectCluster requests a server was asked, recorded by its observer.
#[derive(Clone, Default)]
pub(crate) struct Selects(std::sync::Arc<std::sync::Mutex<Vec<flyte_idl::SelectClusterRequest>>>);

impl Selects {
    /// A control plane whose SelectCluster sends secret calls to `cluster_endpoint`,
    /// recording what it is asked here.
    pub(crate) async fn control_plane(&self, cluster_endpoint: &str) -> Local {
        let seen = self.clone();
        let endpoint = cluster_endpoint.to_owned();
        start_with(move |b| {
            b.cluster_endpoint(endpoint)
                .on_select_cluster(move |r| seen.0.lock().unwrap().push(r.clone()))
        })
        .await
    }

    /// The requests so far, clearing the record.
    pub(crate) fn take(&self) -> Vec<flyte_idl::SelectClusterRequest> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The test CA's PEM (signs the TLS front's certificate).
pub(crate) const TEST_CA: &str = include_str!("tls/ca.pem");

/// The test CA in a file (`ca.pem` in a private temp dir, kept while the dir lives), for
/// `admin.caCertFilePath`.
pub(crate) fn ca_file() -> (tempfile::TempDir, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, TEST_CA).unwrap();
    (dir, ca)
}

/// A TLS front for `backend`: terminates TLS with the test certificate (for `localhost` and
/// `127.0.0.1`) and relays bytes to the plaintext server.
pub(crate) async fn tls_front(backend: SocketAddr) -> SocketAddr {
    use std::sync::Arc;
    use tokio_rustls::rustls::{self, pki_types};

    let der = |pem: &str| -> Vec<Vec<u8>> {
        use base64::Engine as _;
        pem.split("-----BEGIN ")
            .skip(1)
            .map(|block| {
                let body: String = block
                    .lines()
                    .skip(1)
                    .take_while(|l| !l.starts_with("-----END"))
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .unwrap()
            })
            .collect()
    };
    let certs = der(include_str!("tls/localhost.pem"))
        .into_iter()
        .map(pki_types::CertificateDer::from)
        .collect();
    let key =
        pki_types::PrivateKeyDer::Pkcs8(der(include_str!("tls/localhost.key")).remove(0).into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    addr
}
