//! Shared state of the request handlers.

use std::sync::Arc;

use crate::auth::Auth;
use crate::crypto::Cipher;
use crate::store::Store;

/// Size limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Largest request body, compressed and decompressed.
    pub(crate) max_body: usize,
    /// Smallest response worth gzipping.
    pub(crate) compress_min: usize,
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
    pub(crate) store: Arc<Store>,
    pub(crate) cipher: Cipher,
    pub(crate) auth: Auth,
    pub(crate) limits: Limits,
    pub(crate) routing: Routing,
    /// The data directory lock, released when the last handler is gone.
    pub(crate) _dir_lock: std::fs::File,
}
