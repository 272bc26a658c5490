//! Configuring and preparing a server: [`Server::builder`].

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::app::{App, Limits, Routing};
use crate::auth::{Auth, InjectToken, OidcConfig, Policy, TokenSet, load_or_create_inject_token};
use crate::crypto::{KeyError, KeyRing, load_given_key, load_or_create_key};
use crate::error::StartError;
use crate::store::openbao::{OpenBaoStore, resolve_token};
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{DATABASE_FILE, SecretStore, StoreConfig};
use crate::tls::TlsFiles;

mod files;
mod prepare;
pub use files::LOCK_FILE;
use files::lock_data_dir;

/// Default listen address: loopback, port 8090.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8090);
/// Default request body limit (compressed and decompressed): 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1 << 20;
/// Default smallest response that is gzipped when the client accepts gzip.
pub const DEFAULT_COMPRESS_MIN: usize = 1024;
/// Default bytes that all in-flight request bodies may hold together: 16 MiB. Past it,
/// requests get `resource_exhausted` until others finish.
pub const DEFAULT_BODY_BUDGET: usize = 16 << 20;
/// Default time for a request body to arrive completely: 10 s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for HTTP/1 request headers to arrive: 10 s. It runs from the moment the
/// connection waits for a request, so it also closes idle HTTP/1 connections.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time a connection may stay open with no request in flight: 20 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(20);
/// Default most connections served at once: 256 (lowered to fit the open-files limit).
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Variable holding tokens inline (same format as the tokens file, `;` or newlines between
/// entries), used when neither `tokens` nor `tokens_file` is set.
pub const TOKENS_ENV: &str = "FLYTE_SERVER_TOKENS";
/// The cluster name SelectCluster answers with a [`ServerBuilder::cluster_endpoint`].
pub const ROUTED_CLUSTER: &str = "data-plane";

type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Builder of a [`Server`]. Reads the environment only through [`ServerBuilder::env`]
/// (the process environment by default).
pub struct ServerBuilder {
    data_dir: Option<PathBuf>,
    listen: SocketAddr,
    tokens: Option<TokenSet>,
    tokens_file: Option<PathBuf>,
    env: EnvLookup,
    limits: Limits,
    routing: Routing,
    advertise: bool,
    oidc: Option<OidcConfig>,
    policy: Option<Policy>,
    policy_file: Option<PathBuf>,
    tls: Option<TlsFiles>,
    allow_plaintext: bool,
    store: StoreConfig,
    key_file: Option<PathBuf>,
    store_token_file: Option<PathBuf>,
    store_ca_file: Option<PathBuf>,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("tokens", &self.tokens)
            .field("tokens_file", &self.tokens_file)
            .field("limits", &self.limits)
            .field("routing", &self.routing)
            .field("advertise", &self.advertise)
            .field("oidc", &self.oidc)
            .field("policy_file", &self.policy_file)
            .field("tls", &self.tls)
            .field("allow_plaintext", &self.allow_plaintext)
            .field("store", &self.store)
            .field("key_file", &self.key_file)
            .field("store_token_file", &self.store_token_file)
            .field("store_ca_file", &self.store_ca_file)
            .finish_non_exhaustive()
    }
}

impl Default for ServerBuilder {
    fn default() -> Self {
        ServerBuilder {
            data_dir: None,
            listen: DEFAULT_LISTEN,
            tokens: None,
            tokens_file: None,
            env: Arc::new(|k| std::env::var(k).ok()),
            limits: Limits {
                max_body: DEFAULT_MAX_BODY,
                compress_min: DEFAULT_COMPRESS_MIN,
                body_budget: DEFAULT_BODY_BUDGET,
                body_timeout: DEFAULT_BODY_TIMEOUT,
                header_timeout: DEFAULT_HEADER_TIMEOUT,
                idle_timeout: DEFAULT_IDLE_TIMEOUT,
                max_connections: DEFAULT_MAX_CONNECTIONS,
            },
            routing: Routing::default(),
            advertise: false,
            oidc: None,
            policy: None,
            policy_file: None,
            tls: None,
            allow_plaintext: false,
            store: StoreConfig::default(),
            key_file: None,
            store_token_file: None,
            store_ca_file: None,
        }
    }
}

impl ServerBuilder {
    /// Write the address file ([`ADDRESS_FILE`](crate::ADDRESS_FILE)) into the data
    /// directory once listening, and remove it on shutdown, so local clients attach to this
    /// server (`flyte serve` does; a short-lived in-process server does not, since a client
    /// attached to it would lose it when its owner exits).
    pub fn advertise(mut self, advertise: bool) -> Self {
        self.advertise = advertise;
        self
    }

    /// Directory of the database, the key file and the inject token. Default:
    /// `dirs::data_dir()/flyte` (e.g. `~/.local/share/flyte`).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Where to keep the secrets (default [`StoreConfig::Sqlite`] in the data directory).
    pub fn store(mut self, store: StoreConfig) -> Self {
        self.store = store;
        self
    }

    /// Read the encryption keys from this file (base64, one or more, the current one first)
    /// instead of `<data dir>/server.key`; it must exist and be private. `FLYTE_SERVER_KEY`
    /// still takes precedence.
    pub fn key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.key_file = Some(path.into());
        self
    }

    /// Read the store's token from this file (private to the server's user) instead of
    /// `BAO_TOKEN` or `VAULT_TOKEN`: for [`StoreConfig::OpenBao`].
    pub fn store_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.store_token_file = Some(path.into());
        self
    }

    /// Also trust the CA certificates of this PEM file for the store's HTTPS (beside the
    /// public roots built in): for [`StoreConfig::OpenBao`].
    pub fn store_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.store_ca_file = Some(path.into());
        self
    }

    /// Address to listen on (default [`DEFAULT_LISTEN`]; port 0 picks a free port).
    /// A non-loopback address requires tokens or an identity provider, and TLS.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Bearer tokens (takes precedence over `tokens_file` and `FLYTE_SERVER_TOKENS`).
    pub fn tokens(mut self, tokens: TokenSet) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// A tokens file (format in [`crate::auth`]); takes precedence over `FLYTE_SERVER_TOKENS`.
    pub fn tokens_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.tokens_file = Some(path.into());
        self
    }

    /// Accept bearer JWTs from this identity provider (and serve AuthMetadataService from
    /// its metadata). Static tokens, when also configured, are accepted too.
    pub fn oidc(mut self, config: OidcConfig) -> Self {
        self.oidc = Some(config);
        self
    }

    /// Narrow what identity-provider tokens may do (format in [`crate::auth::Policy`]).
    /// Without one, every valid token may use every RPC in every scope.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// A policy file; must be private to the server's user, like the tokens file.
    pub fn policy_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.policy_file = Some(path.into());
        self
    }

    /// Serve HTTPS (HTTP/1.1 and h2 through ALPN) with this certificate chain and key.
    pub fn tls(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.tls = Some(TlsFiles {
            cert: cert.into(),
            key: key.into(),
        });
        self
    }

    /// Allow tokens over plain HTTP on a non-loopback address: only behind a proxy that
    /// terminates TLS in front of this server.
    pub fn allow_plaintext(mut self, allow: bool) -> Self {
        self.allow_plaintext = allow;
        self
    }

    /// How to read environment variables (`FLYTE_SERVER_KEY`, `FLYTE_SERVER_TOKENS`).
    /// Tests pass a map lookup here instead of touching the process environment.
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.env = Arc::new(lookup);
        self
    }

    /// Request body limit in bytes, compressed and decompressed (default 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.limits.max_body = limit;
        self
    }

    /// Smallest response body gzipped for clients that accept gzip (default 1024).
    pub fn compress_min_bytes(mut self, min: usize) -> Self {
        self.limits.compress_min = min;
        self
    }

    /// Answer SelectCluster for `OPERATION_USE_SECRETS` with this `cluster_endpoint` (and
    /// cluster name [`ROUTED_CLUSTER`]), as a control plane that sends secret calls to a data
    /// plane does; clients such as the Python SDK then send their secret calls there. Any
    /// endpoint form clients accept (`dns:///host:port`, `http://host:port`, ...); it is not
    /// checked here. Default: the empty answer ("use this endpoint"). Other operations always
    /// get the empty answer.
    pub fn cluster_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.routing.secrets_endpoint = Some(endpoint.into()).filter(|e| !e.is_empty());
        self
    }

    /// Calls `observer` with every SelectCluster request the server answers, e.g. to count
    /// them in tests. It runs on the request path: keep it quick.
    pub fn on_select_cluster(
        mut self,
        observer: impl Fn(&flyte_idl::SelectClusterRequest) + Send + Sync + 'static,
    ) -> Self {
        self.routing.observer = Some(Arc::new(observer));
        self
    }

    /// Bytes all in-flight request bodies may hold together (default
    /// [`DEFAULT_BODY_BUDGET`]); raised to the body limit if lower.
    pub fn body_budget_bytes(mut self, bytes: usize) -> Self {
        self.limits.body_budget = bytes;
        self
    }

    /// Time for a request body to arrive completely (default [`DEFAULT_BODY_TIMEOUT`]);
    /// later: `deadline_exceeded` and the connection is closed.
    pub fn body_timeout(mut self, limit: Duration) -> Self {
        self.limits.body_timeout = limit;
        self
    }

    /// Time for HTTP/1 request headers to arrive, also while idle between requests (default
    /// [`DEFAULT_HEADER_TIMEOUT`]); later the connection is closed.
    pub fn header_timeout(mut self, limit: Duration) -> Self {
        self.limits.header_timeout = limit;
        self
    }

    /// Time a connection (HTTP/1 or HTTP/2) may stay open with no request in flight
    /// (default [`DEFAULT_IDLE_TIMEOUT`]).
    pub fn idle_timeout(mut self, limit: Duration) -> Self {
        self.limits.idle_timeout = limit;
        self
    }

    /// Most connections served at once (default [`DEFAULT_MAX_CONNECTIONS`]); further
    /// connections wait in the kernel's listen backlog until one closes.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.limits.max_connections = n.max(1);
        self
    }

    /// Prepares the server: data directory, key, database, auth, TLS. Does not bind yet.
    pub fn build(self) -> Result<Server, StartError> {
        let tokens = self.resolve_tokens()?;
        let loopback = self.listen.ip().to_canonical().is_loopback();
        if tokens.is_none() && self.oidc.is_none() && !loopback {
            return Err(StartError::NeedsTokens(self.listen));
        }
        if !loopback && self.tls.is_none() && !self.allow_plaintext {
            return Err(StartError::NeedsTls(self.listen));
        }
        let policy = self.resolve_policy()?;
        let tls = self
            .tls
            .as_ref()
            .map(crate::tls::server_config)
            .transpose()?;
        let data_dir = match &self.data_dir {
            Some(d) => d.clone(),
            None => dirs::data_dir().ok_or(StartError::NoDataDir)?.join("flyte"),
        };
        crate::private::create_dir(&data_dir).map_err(|source| StartError::Io {
            what: "cannot create the data directory",
            path: data_dir.clone(),
            source,
        })?;
        // Before any file in it is read or written: a directory another user owns or can
        // write could hold a planted key or inject token.
        crate::private::check_dir(&data_dir, "data directory")?;
        let dir_lock = lock_data_dir(&data_dir)?;
        let (store, keys): (Arc<dyn SecretStore>, _) = match &self.store {
            StoreConfig::Sqlite => {
                let key = load_or_create_key(
                    &data_dir,
                    &data_dir.join(DATABASE_FILE),
                    self.key_file.as_deref(),
                    &*self.env,
                )?;
                let store = SqliteStore::open(&data_dir)?;
                (Arc::new(store), Some((KeyRing::new(&key.keys), key.origin)))
            }
            StoreConfig::Postgres(config) => {
                // Every replica must seal with the same key: it is given, never made up here.
                let key = load_given_key(self.key_file.as_deref(), &*self.env)?
                    .ok_or(KeyError::Required { store: "postgres" })?;
                let store = PostgresStore::new(config)?;
                (Arc::new(store), Some((KeyRing::new(&key.keys), key.origin)))
            }
            // OpenBao encrypts values itself: no key is loaded or created.
            StoreConfig::OpenBao(address) => {
                if self.key_file.is_some() {
                    tracing::warn!("the key file is not used: OpenBao encrypts values itself");
                }
                let token = resolve_token(self.store_token_file.as_deref(), &*self.env)?;
                let store = OpenBaoStore::new(address, token, self.store_ca_file.as_deref())?;
                (Arc::new(store), None)
            }
        };
        let (keys, key_origin) = keys.unzip();
        let (auth, inject_token) = match (self.oidc.clone(), tokens) {
            (Some(cfg), tokens) => {
                let issuer = cfg.issuer.clone();
                let oidc = crate::auth::oidc::Oidc::new(cfg).map_err(|e| StartError::Oidc {
                    issuer,
                    reason: format!("cannot set up its HTTP client ({e})"),
                })?;
                let auth = Auth::Oidc {
                    oidc: Arc::new(oidc),
                    policy: policy.map(Arc::new),
                    tokens,
                };
                (auth, None)
            }
            (None, Some(set)) => (Auth::Tokens(set), None),
            (None, None) => {
                crate::private::tighten(
                    &data_dir.join(crate::auth::INJECT_TOKEN_FILE),
                    "inject token file",
                )?;
                let token =
                    load_or_create_inject_token(&data_dir).map_err(|source| StartError::Io {
                        what: "cannot create or read the inject token",
                        path: data_dir.join(crate::auth::INJECT_TOKEN_FILE),
                        source,
                    })?;
                let inject_digest = crate::auth::digest(token.expose());
                (Auth::Open { inject_digest }, Some(token))
            }
        };
        let mut limits = self.limits;
        limits.body_budget = limits.body_budget.max(limits.max_body);
        limits.max_connections = crate::conn::fit_open_files_limit(limits.max_connections);
        let app = App {
            store,
            keys,
            auth,
            limits,
            body_budget: Arc::new(tokio::sync::Semaphore::new(limits.body_budget)),
            routing: self.routing,
            _dir_lock: dir_lock,
        };
        Ok(Server {
            app: Arc::new(app),
            listen: self.listen,
            data_dir,
            inject_token,
            advertise: self.advertise,
            tls,
            key_origin,
        })
    }
}

/// A prepared server: call [`Server::start`] (async) or [`Server::start_background`].
pub struct Server {
    pub(crate) app: Arc<App>,
    pub(crate) listen: SocketAddr,
    pub(crate) data_dir: PathBuf,
    pub(crate) inject_token: Option<InjectToken>,
    pub(crate) advertise: bool,
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
    /// Where the keys came from, for messages; `None` when the store encrypts itself.
    pub(crate) key_origin: Option<String>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("auth", &self.app.auth)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A builder with the defaults.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}
