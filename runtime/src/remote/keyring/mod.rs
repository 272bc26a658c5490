//! The OS-keyring cache of OAuth2 tokens.
//!
//! [`KeyringStore`] keeps an endpoint's tokens in the OS keyring in the Python SDK's layout
//! (service = endpoint without scheme, username `tokens`, secret
//! `{"access_token": ..., "refresh_token": ...}`), so a login made with the Python `flyte`
//! CLI is found here and one made here is found by it. Backends: see [`Backend`].
//!
//! The cache never stands in the way: every call is bounded in time, runs the backend on a
//! dedicated thread, and degrades (no backend, no D-Bus, a locked or hung keyring, a value
//! too long for the platform, a corrupt item) to "nothing cached" with a debug log, or a
//! warning when tokens just minted could not be kept. No token is ever logged.

mod backend;
mod credentials;
mod endpoint;
mod env;
mod error;
mod item;
mod layout;
mod runner;
#[cfg(target_os = "linux")]
mod session;
mod store;
mod tokens;

pub use backend::{Backend, Kind as BackendKind};
pub use credentials::Credentials;
pub use endpoint::strip_scheme;
pub use env::DISABLE_KEYRING_ENV;
pub use error::KeyringError;
pub use store::{DEFAULT_TIMEOUT, KeyringStore, KeyringStoreBuilder, Lookup, Outcome};
pub(crate) use tokens::DISABLED_REASON;
pub use tokens::KeyringTokens;
