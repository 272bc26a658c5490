//! The Postgres store: a private cluster ([`cluster`]), one database per test; the
//! conformance suite, and what only a store shared by several servers must do: replicas ([`replicas`]), the shared key and its
//! rotation ([`keys`]), a replica or the database failing under load ([`faults`]).

// Loaded with #[path] from stores.rs, so this file's modules are named by path too.
#[path = "postgres/cluster.rs"]
mod cluster;
#[path = "postgres/faults.rs"]
mod faults;
#[path = "postgres/keys.rs"]
mod keys;
#[path = "postgres/replicas.rs"]
mod replicas;

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use flyte_server::{KEY_ENV, RunningServer, ServerBuilder, StoreConfig};
use flyte_test_backends::needs;

use crate::common;
use crate::stores::conformance::conformance_suite;
use crate::stores::harness::StoreUnderTest;
pub(crate) use cluster::Cluster;

/// The store of one conformance test: a new database of the shared cluster, and one key
/// given to every server the test starts (replicas included).
pub(crate) async fn setup() -> StoreUnderTest {
    static N: AtomicUsize = AtomicUsize::new(0);
    let url = database(&format!("conformance_{}", N.fetch_add(1, Ordering::SeqCst))).await;
    let store: StoreConfig = url.parse().unwrap();
    let keys = key(1);
    let configure = move |builder: ServerBuilder| {
        let keys = keys.clone();
        builder
            .store(store.clone())
            .env(move |k| (k == KEY_ENV).then(|| keys.clone()))
    };
    StoreUnderTest::new("postgres", true, configure, ())
}

conformance_suite!(setup, #[needs(postgres)]);

/// The cluster this test binary shares (started on first use, stopped when it ends).
pub(crate) fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// A new database of the shared cluster, named after the test; its `--store` URL.
pub(crate) async fn database(name: &str) -> String {
    cluster().database(name).await
}

/// A key as `FLYTE_SERVER_KEY` holds it: base64 of 32 bytes `n`.
pub(crate) fn key(n: u8) -> String {
    base64::engine::general_purpose::STANDARD.encode([n; 32])
}

/// A server on the database at `url`, with `keys` (`FLYTE_SERVER_KEY`, the current one first)
/// and its own data directory `dir`.
pub(crate) fn builder(url: &str, keys: &str, dir: &Path) -> ServerBuilder {
    let keys = keys.to_owned();
    common::builder(dir)
        .store(url.parse().unwrap())
        .env(move |k| (k == KEY_ENV).then(|| keys.clone()))
}

/// A reseal of the database at `url` with `keys`, by a server that is not started.
pub(crate) async fn reseal(url: &str, keys: &str) -> flyte_server::Resealed {
    let dir = common::private_tempdir();
    builder(url, keys, dir.path())
        .build()
        .unwrap()
        .reseal()
        .await
        .unwrap()
}

/// Checks that a server on `url` with `keys` refuses to start for its key.
pub(crate) async fn refused_for_its_key(url: &str, keys: &str) {
    let dir = common::private_tempdir();
    let err = builder(url, keys, dir.path())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, flyte_server::StartError::Key(_)),
        "{}",
        chain(&err)
    );
}

/// A running replica, a client of its Flyte API and one of its inject extension.
#[derive(Debug)]
pub(crate) struct Replica {
    pub(crate) server: RunningServer,
    pub(crate) client: common::Client,
    pub(crate) injector: common::Client,
    _dir: tempfile::TempDir,
}

/// Starts a replica on `url` with `keys`.
pub(crate) async fn replica(url: &str, keys: &str) -> Replica {
    let dir = common::private_tempdir();
    let server = builder(url, keys, dir.path())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let client = common::Client::new(server.addr());
    let injector =
        common::Client::new(server.addr()).token(server.inject_token().unwrap().expose());
    Replica {
        server,
        client,
        injector,
        _dir: dir,
    }
}

impl Replica {
    /// The value of a string secret, read through the inject extension.
    pub(crate) async fn value(
        &self,
        id: flyte_idl::SecretIdentifier,
    ) -> Result<String, common::Failure> {
        let spec = self.injector.read_value(id).await?.secret_spec.unwrap();
        match spec.value {
            Some(flyte_idl::secret_spec::Value::StringValue(s)) => Ok(s),
            other => panic!("not a string value: {}", other.is_some()),
        }
    }
}

/// Whether `text` shows a secret: the cluster's password or any of `secrets`.
pub(crate) fn leaks(text: &str, secrets: &[&str]) -> Option<String> {
    std::iter::once(cluster::PASSWORD)
        .chain(secrets.iter().copied())
        .find(|s| text.contains(s))
        .map(str::to_owned)
}

/// An error and its causes on one line, as `flyte serve` prints them.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}
