//! A store under test: every server it starts keeps its secrets in the same store, so a
//! test can restart the server, or (for stores several servers share) run replicas.

use std::any::Any;
use std::path::PathBuf;
use std::sync::Mutex;

use flyte_server::{RunningServer, Server, ServerBuilder};
use tempfile::TempDir;

use crate::common::{Client, private_tempdir};

/// Adds the store's settings (`store`, `env`, `key_file`) to a builder.
type Configure = Box<dyn Fn(ServerBuilder) -> ServerBuilder + Send + Sync>;

pub(crate) struct StoreUnderTest {
    pub(crate) name: &'static str,
    /// Whether several servers may use the store at once (replicas). A store that is not
    /// shared lives in the data directory, so every server gets the same one.
    pub(crate) shared: bool,
    configure: Configure,
    dirs: Mutex<Vec<TempDir>>,
    /// What keeps the store alive (a database, a mount); dropped after the data dirs.
    _keep: Box<dyn Any + Send + Sync>,
}

impl StoreUnderTest {
    pub(crate) fn new(
        name: &'static str,
        shared: bool,
        configure: impl Fn(ServerBuilder) -> ServerBuilder + Send + Sync + 'static,
        keep: impl Any + Send + Sync,
    ) -> Self {
        StoreUnderTest {
            name,
            shared,
            configure: Box::new(configure),
            dirs: Mutex::new(Vec::new()),
            _keep: Box::new(keep),
        }
    }

    /// A data directory: the one of every server for a store that is not shared, a fresh
    /// one per server otherwise (each replica has its own lock and inject token).
    fn data_dir(&self) -> PathBuf {
        let mut dirs = self.dirs.lock().unwrap();
        if dirs.is_empty() || self.shared {
            dirs.push(private_tempdir());
        }
        dirs.last().unwrap().path().to_owned()
    }

    /// A builder on this store, listening on a free loopback port, with a fixed environment
    /// (the store's configuration may give it one).
    pub(crate) fn builder(&self) -> ServerBuilder {
        let builder = Server::builder()
            .data_dir(self.data_dir())
            .listen("127.0.0.1:0".parse().unwrap())
            .env(|_| None);
        (self.configure)(builder)
    }

    pub(crate) async fn start(&self) -> RunningServer {
        let builder = self.builder();
        match builder.build() {
            Ok(server) => server.start().await,
            Err(e) => Err(e),
        }
        .unwrap_or_else(|e| panic!("{} store: the server does not start: {e}", self.name))
    }
}

/// A client of `server` that also holds its inject token (to read values).
pub(crate) fn injector(server: &RunningServer) -> Client {
    let token = server
        .inject_token()
        .expect("open mode has an inject token")
        .expose()
        .to_owned();
    Client::new(server.addr()).token(&token)
}
