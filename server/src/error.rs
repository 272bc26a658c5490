//! Errors that stop the server from starting.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A non-loopback listen address without any bearer token configured.
    #[error(
        "refusing to listen on {0} without authentication: a non-loopback address needs bearer \
         tokens (--tokens FILE or FLYTE_SERVER_TOKENS) or an identity provider (--oidc-issuer); \
         use 127.0.0.1 to serve this machine only"
    )]
    NeedsTokens(SocketAddr),
    /// A non-loopback listen address with authentication but without TLS: the tokens would
    /// cross the network in the clear.
    #[error(
        "refusing to serve bearer tokens in plain HTTP on {0}: a non-loopback address needs TLS \
         (--tls-cert PEM --tls-key PEM), or --allow-plaintext behind a proxy that terminates TLS"
    )]
    NeedsTls(SocketAddr),
    /// The TLS certificate or key cannot be used.
    #[error("TLS: {}: {reason}", path.display())]
    Tls {
        /// The PEM file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The identity provider's configuration is wrong (its metadata names another issuer,
    /// it has no JWKS).
    #[error("identity provider {issuer}: {reason}")]
    Oidc {
        /// The configured issuer.
        issuer: String,
        /// What is wrong.
        reason: String,
    },
    /// The policy file is malformed.
    #[error("invalid policy in {origin}")]
    Policy {
        /// The policy file.
        origin: String,
        /// What is wrong.
        #[source]
        source: crate::auth::TokensError,
    },
    /// The tokens file or variable is malformed.
    #[error("invalid tokens in {origin}")]
    Tokens {
        /// Where the tokens came from (a path or the variable name).
        origin: String,
        /// What is wrong.
        #[source]
        source: crate::auth::TokensError,
    },
    /// No data directory was given and the platform has no user data directory.
    #[error("no data directory: pass --data-dir (the platform has no user data directory)")]
    NoDataDir,
    /// Creating or reading a file in the data directory failed.
    #[error("{what} {}", path.display())]
    Io {
        /// What was being done, e.g. "cannot create the data directory".
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A data directory, key, tokens or database file that other users own or can access.
    #[error(transparent)]
    Unsafe(#[from] crate::private::UnsafeFile),
    /// A directory given for a file (the tokens, policy, key or TLS key file).
    #[error(transparent)]
    NotAFile(#[from] crate::private::NotAFile),
    /// Another server holds the data directory.
    #[error(
        "the data directory {} is in use by another flyte serve; stop it or pick another --data-dir",
        .0.display()
    )]
    DataDirInUse(PathBuf),
    /// The encryption key is malformed, unsafe, or does not match the database.
    #[error(transparent)]
    Key(#[from] crate::crypto::KeyError),
    /// Opening or preparing the database failed.
    #[error("cannot open the database {}", path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The secret store could not be reached or prepared (connected, migrated) at start.
    #[error("cannot prepare {store}")]
    Store {
        /// The store, e.g. `the Postgres database db.internal:5432/flyte`.
        store: String,
        /// What failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Binding the listen address failed.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The background server thread could not start its runtime or died while starting.
    #[error("the background server thread failed to start")]
    Background(#[source] std::io::Error),
}

impl From<crate::private::PrivateError> for StartError {
    fn from(e: crate::private::PrivateError) -> Self {
        match e {
            crate::private::PrivateError::Io { what, path, source } => {
                StartError::Io { what, path, source }
            }
            crate::private::PrivateError::Unsafe(e) => StartError::Unsafe(e),
            crate::private::PrivateError::NotAFile(e) => StartError::NotAFile(e),
        }
    }
}
