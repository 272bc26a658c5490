//! Shared state of the request handlers.

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::auth::Auth;
use crate::crypto::{KeyRing, value_ad};
use crate::scope::SecretRef;
use crate::store::{SecretStore, StoredValue};

/// Size, time and connection limits (defaults and meaning in [`crate::builder`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest request body, compressed and decompressed.
    pub(crate) max_body: usize,
    /// Smallest response worth gzipping.
    pub(crate) compress_min: usize,
    /// Bytes all in-flight request bodies may hold together.
    pub(crate) body_budget: usize,
    /// Time for a request body to arrive completely, from the end of its headers.
    pub(crate) body_timeout: Duration,
    /// Time for a request's headers to arrive (HTTP/1).
    pub(crate) header_timeout: Duration,
    /// Time a connection may stay open with no request in flight.
    pub(crate) idle_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub(crate) max_connections: usize,
}

/// Called with each SelectCluster request (tests count and inspect them).
pub(crate) type SelectObserver = Arc<dyn Fn(&flyte_idl::SelectClusterRequest) + Send + Sync>;

/// How SelectCluster answers.
#[derive(Default, Clone)]
pub(crate) struct Routing {
    /// Answered for `OPERATION_USE_SECRETS`; `None`: the empty answer ("this endpoint").
    pub(crate) secrets_endpoint: Option<String>,
    pub(crate) observer: Option<SelectObserver>,
}

impl std::fmt::Debug for Routing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Routing")
            .field("secrets_endpoint", &self.secrets_endpoint)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// What every handler sees.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) store: Arc<dyn SecretStore>,
    /// `None` when the store encrypts values itself.
    pub(crate) keys: Option<KeyRing>,
    pub(crate) auth: Auth,
    pub(crate) limits: Limits,
    pub(crate) routing: Routing,
    /// [`Limits::body_budget`] as permits of one byte each.
    pub(crate) body_budget: Arc<tokio::sync::Semaphore>,
    /// The data directory lock, released when the last handler is gone.
    pub(crate) _dir_lock: std::fs::File,
}

impl App {
    /// What the store keeps for `plaintext`: sealed under the current key, bound to the secret
    /// and its type, unless the store encrypts itself.
    pub(crate) fn protect(
        &self,
        secret: &SecretRef,
        secret_type: i32,
        plaintext: &[u8],
    ) -> StoredValue {
        match &self.keys {
            Some(ring) => StoredValue::new(ring.seal(&value_ad(secret, secret_type), plaintext).0),
            None => StoredValue::new(plaintext.to_vec()),
        }
    }

    /// The plaintext of a stored value; `None` when it fails authentication.
    pub(crate) fn reveal(
        &self,
        secret: &SecretRef,
        secret_type: i32,
        stored: &StoredValue,
    ) -> Option<Zeroizing<Vec<u8>>> {
        match &self.keys {
            Some(ring) => ring
                .open(&value_ad(secret, secret_type), &stored.0)
                .map(|(plaintext, _)| plaintext),
            None => Some(stored.0.clone()),
        }
    }
}
