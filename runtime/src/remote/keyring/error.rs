//! Why a keyring call did not do its job. Never carries a token or an item's bytes.

use std::time::Duration;

/// A keyring call that failed. The cache degrades on every one of these (the call returns,
/// [`retrieve`](super::KeyringStore::retrieve) gives `None`); the value says why, for logs
/// and tests. Messages hold no token and no item content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// No backend could be opened (no D-Bus session, no native store on this platform, ...).
    #[error("no keyring backend is available: {reason}")]
    NoBackend {
        /// What was tried, or why there was nothing to try.
        reason: String,
        /// Why the backend tried did not open, when it said (a [`KeyringError`]).
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The backend chosen explicitly does not exist on this platform.
    #[error("the {backend} backend is not available on this platform")]
    Unsupported {
        /// The backend's name.
        backend: &'static str,
    },

    /// The keyring is locked, or the platform denied access.
    #[error("the keyring is locked or access was denied")]
    Locked {
        /// The platform's error (D-Bus, keyutils, Keychain), as the backend gave it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The backend did not answer in time; its thread was left behind and the call returned.
    #[error("the keyring backend did not answer within {0:?}; the call was abandoned")]
    TimedOut(Duration),

    /// An earlier call is still hung in the backend, so this one was not queued behind it.
    #[error("an earlier keyring call is still hung in the backend; skipped")]
    Stalled,

    /// The item is longer than the platform allows.
    #[error("the tokens are longer than the keyring backend allows (limit {limit})")]
    TooLong {
        /// The platform's limit, as it reports it.
        limit: u32,
    },

    /// The backend refused a value (keyutils says this for a payload over 32 KiB).
    #[error("the keyring backend rejected the {what}: {reason}")]
    Rejected {
        /// Which value (`password`, `description`, ...).
        what: String,
        /// The platform's words.
        reason: String,
    },

    /// The stored item is not the tokens JSON.
    #[error("the stored keyring item is not the tokens JSON ({reason})")]
    Corrupt {
        /// Where parsing failed; never the content.
        reason: String,
    },

    /// More than one item matches the endpoint (Secret Service); the next store cleans up.
    #[error("{count} keyring items match the endpoint")]
    Ambiguous {
        /// How many.
        count: usize,
    },

    /// The platform failed (a D-Bus connection lost, a keyutils call refused, ...).
    #[error("the keyring backend failed")]
    Platform {
        /// The platform's error, as the backend gave it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Any other backend failure: one keyring-core describes in words, with no error under it.
    #[error("the keyring backend failed: {message}")]
    Backend {
        /// keyring-core's words.
        message: String,
    },

    /// The backend panicked; the panic was contained in the keyring thread.
    #[error("the keyring backend panicked")]
    Panicked,

    /// The keyring thread could not be started.
    #[error("could not start the keyring thread")]
    Thread(#[source] std::io::Error),
}

impl KeyringError {
    /// Translates a keyring-core error, dropping any payload bytes it carries
    /// (`BadEncoding` and `BadDataFormat` hold the raw item).
    pub(crate) fn from_core(err: keyring_core::Error) -> Self {
        use keyring_core::Error as E;
        match err {
            E::NoStorageAccess(source) => Self::Locked { source },
            E::TooLong(_, limit) => Self::TooLong { limit },
            E::Invalid(what, reason) => Self::Rejected { what, reason },
            E::BadEncoding(_) => Self::Corrupt {
                reason: "not UTF-8".into(),
            },
            E::BadDataFormat(_, _) => Self::Corrupt {
                reason: "the backend could not decode it".into(),
            },
            E::Ambiguous(entries) => Self::Ambiguous {
                count: entries.len(),
            },
            E::NoDefaultStore => Self::NoBackend {
                reason: "no store".into(),
                source: None,
            },
            E::NotSupportedByStore(what) => Self::Backend {
                message: format!("unsupported: {what}"),
            },
            E::PlatformFailure(source) => Self::Platform { source },
            E::BadStoreFormat(why) => Self::Backend {
                message: format!("store data is malformed: {why}"),
            },
            E::NoEntry => Self::Backend {
                message: "no entry".into(),
            },
            other => Self::Backend {
                message: other.to_string(),
            },
        }
    }

    /// Whether the backend connection is suspect, so the next call opens it again.
    pub(crate) fn reopen(&self) -> bool {
        matches!(
            self,
            Self::Platform { .. } | Self::Backend { .. } | Self::Panicked
        )
    }
}
