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

/// What every handler sees.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) store: Arc<Store>,
    pub(crate) cipher: Cipher,
    pub(crate) auth: Auth,
    pub(crate) limits: Limits,
    /// The data directory lock, released when the last handler is gone.
    pub(crate) _dir_lock: std::fs::File,
}
