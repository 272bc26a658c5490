//! The Postgres store: a private cluster ([`cluster`]), one database per test, and what only
//! a store shared by several servers must do: replicas ([`replicas`]), the shared key and its
//! rotation ([`keys`]), a replica or the database failing under load ([`faults`]).

mod cluster;
mod faults;
mod keys;
mod replicas;

use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;
use flyte_server::{KEY_ENV, RunningServer, ServerBuilder};

use crate::common;
pub(crate) use cluster::Cluster;

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
