//! The storage seam: every store keeps secrets behind [`SecretStore`], so the RPC layer, auth
//! and encryption are the same whichever engine holds them.
//!
//! - [`sqlite`]: one file in the data directory (the default; one server per file).
//! - [`postgres`]: a PostgreSQL database shared by several servers (replicas).
//! - [`openbao`]: a KV v2 mount of OpenBao or Vault, which encrypts values itself.
//!
//! A store is given values as [`StoredValue`] bytes: sealed ciphertext when the server
//! encrypts them, the plaintext for an engine that encrypts itself (the builder decides which,
//! per kind of store). It never sees a key.

mod config;
pub(crate) mod openbao;
pub(crate) mod postgres;
pub(crate) mod sqlite;

pub use config::{StoreConfig, StoreConfigError};
pub use openbao::OpenBaoAddress;
pub use postgres::PostgresConfig;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use flyte_idl::Timestamp;
use zeroize::Zeroizing;

use crate::scope::{Scope, SecretRef};

pub use sqlite::DATABASE_FILE;

/// Metadata of a stored secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredMeta {
    pub(crate) secret_type: i32,
    pub(crate) created: Timestamp,
}

/// One row of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedSecret {
    pub(crate) name: String,
    pub(crate) meta: StoredMeta,
}

/// Plaintext prefix byte of a string value: a value's plaintext is this byte, then the text.
pub(crate) const KIND_STRING: u8 = 1;
/// Plaintext prefix byte of a binary value.
pub(crate) const KIND_BINARY: u8 = 2;

/// A value as the store keeps it: sealed bytes, or the plaintext for a store that encrypts
/// itself. Wiped on drop; never printed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct StoredValue(pub(crate) Zeroizing<Vec<u8>>);

impl StoredValue {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        StoredValue(Zeroizing::new(bytes))
    }
}

impl fmt::Debug for StoredValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoredValue(<{} bytes>)", self.0.len())
    }
}

/// A storage failure. `Unavailable` reaches clients as `unavailable` with its message (they
/// may retry); the rest as `internal`, with the details only in the server's log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum StoreError {
    /// The engine cannot be reached or is not serving (down, sealed, restarting).
    #[error("the secret store is unavailable: {0}")]
    Unavailable(String),
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database task panicked or was cancelled")]
    Task(#[from] tokio::task::JoinError),
    /// The write transaction of a batch failed: none of its writes happened.
    #[error("the write transaction failed: {0}")]
    Commit(String),
    #[error("the writer thread has stopped")]
    WriterGone,
    /// The store's schema cannot be used by this server (e.g. newer than it).
    #[error("{0}")]
    Schema(String),
    /// A reseal stopped at a value it could not re-encrypt; nothing was changed.
    #[error("{0}")]
    Reseal(String),
    /// Any other failure of the engine or its client.
    #[error("storage engine error")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// What a store call returns: boxed, so that stores can sit behind `dyn SecretStore`.
pub(crate) type StoreFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A secret's type and value, as read for injection.
pub(crate) type Found = (SecretRef, i32, StoredValue);

/// Re-encrypts one value: given the secret, its type and its stored bytes, the bytes to store
/// instead (`None`: already under the current key, leave it).
pub(crate) type Rewrite<'a> =
    &'a (dyn Fn(&SecretRef, i32, &[u8]) -> Result<Option<Vec<u8>>, String> + Sync);

/// What [`Server::reseal`](crate::Server::reseal) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Resealed {
    /// Values that were sealed under an older key and are now under the current one.
    pub rewritten: u64,
    /// Values already under the current key.
    pub unchanged: u64,
}

/// A place to keep secrets. Every call is one atomic step: a write either happened and is
/// durable when it returns `Ok`, or did not happen.
pub(crate) trait SecretStore: Send + Sync + fmt::Debug + 'static {
    /// Metadata of one secret.
    fn meta<'a>(&'a self, secret: &'a SecretRef) -> StoreFuture<'a, Option<StoredMeta>>;

    /// [`meta`](Self::meta) at once, for a store that holds metadata in memory: no future
    /// (an allocation and a dynamic poll per lookup). `None`: call `meta`.
    fn meta_now(&self, _secret: &SecretRef) -> Option<Result<Option<StoredMeta>, StoreError>> {
        None
    }

    /// Up to `limit` secrets of `scope` whose name sorts after `after` (byte order), in name
    /// order.
    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        after: &'a str,
        limit: usize,
    ) -> StoreFuture<'a, Vec<ListedSecret>>;

    /// Inserts a new secret; `false` when the name is taken in its scope (also when another
    /// server inserted it at the same moment: exactly one insert of a name wins).
    fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool>;

    /// Replaces the value and type of a secret; `false` when it does not exist.
    fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool>;

    /// Deletes a secret; `false` when it does not exist.
    fn delete(&self, secret: SecretRef) -> StoreFuture<'_, bool>;

    /// The first of `candidates` that exists, with its type and value.
    fn read_first(&self, candidates: Vec<SecretRef>) -> StoreFuture<'_, Option<Found>>;

    /// The store for messages, e.g. `the SQLite database /data/secrets.db`; never a
    /// password or token.
    fn describe(&self) -> String;

    /// Gets the store ready before the server listens (connect, migrate) and returns the key
    /// check it holds, storing `proposed` first when it holds none (the first server to store
    /// one wins). A store that encrypts itself keeps none and returns `proposed`.
    fn prepare(&self, proposed: Vec<u8>) -> StoreFuture<'_, Vec<u8>>;

    /// Passes every stored value through `rewrite` and stores what it returns, then stores
    /// `key_check` as the new key check. Only for stores the server encrypts for.
    fn reseal<'a>(&'a self, rewrite: Rewrite<'a>, key_check: Vec<u8>) -> StoreFuture<'a, Resealed>;
}
