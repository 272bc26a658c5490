//! [`KeyringStore`]: store, retrieve and delete tokens per endpoint, bounded and degrading.

use std::sync::Arc;
use std::time::Duration;

use super::backend::{Backend, Backends};
use super::endpoint::strip_scheme;
use super::env::disabled_by_env;
use super::runner::Runner;
use super::{Credentials, KeyringError, item};
use crate::error::chain;

/// How long one keyring call may take before it returns without its result.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// The OS-keyring token cache. Cheap to clone (clones share one keyring thread).
///
/// Every call is bounded in time (default [`DEFAULT_TIMEOUT`]), runs the backend on a
/// dedicated thread, never panics, and degrades: [`retrieve`](Self::retrieve) gives `None`,
/// [`store`](Self::store) and [`delete`](Self::delete) log and return. Safe from plain sync
/// code and inside any tokio runtime; the `*_async` methods do not block the runtime.
///
/// Disabled (by [`FLYTE_ADMIN_DISABLEKEYRING`](super::DISABLE_KEYRING_ENV), the config key
/// `admin.disableKeyring` through [`from_config`](Self::from_config), or per call with
/// [`disabled_if`](Self::disabled_if)), no call touches a backend or starts a thread.
///
/// ```no_run
/// use flyte::remote::keyring::{Credentials, KeyringStore};
///
/// let keyring = KeyringStore::new();
/// let creds = Credentials::new("dns:///flyte.example.com", "access").with_refresh_token("refresh");
/// keyring.store(&creds);
/// if let Some(found) = keyring.retrieve("dns:///flyte.example.com") {
///     assert_eq!(found.refresh_token(), Some("refresh"));
/// }
/// keyring.disabled_if(true).delete("dns:///flyte.example.com"); // does nothing
/// ```
#[derive(Clone, Debug)]
pub struct KeyringStore {
    inner: Arc<Inner>,
    disabled: bool,
}

#[derive(Debug)]
struct Inner {
    backends: Arc<Backends>,
    runner: Runner,
    timeout: Duration,
}

/// Reads an environment variable.
type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;

/// Options for a [`KeyringStore`].
pub struct KeyringStoreBuilder {
    backend: Backend,
    timeout: Duration,
    disabled: bool,
    env: EnvLookup,
}

impl std::fmt::Debug for KeyringStoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStoreBuilder")
            .field("backend", &self.backend)
            .field("timeout", &self.timeout)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// What a [`KeyringStore::store`] or [`KeyringStore::delete`] did.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// Done (for `delete`: nothing of the endpoint is left, whether or not it existed).
    Done,
    /// The keyring is disabled; no backend was touched.
    Disabled,
    /// It failed (already logged).
    Failed(KeyringError),
}

impl Outcome {
    /// Whether the call did its job.
    pub fn is_done(&self) -> bool {
        matches!(self, Outcome::Done)
    }
}

/// What a [`KeyringStore::lookup`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum Lookup {
    /// The endpoint's tokens.
    Found(Credentials),
    /// Nothing stored for the endpoint.
    Missing,
    /// The keyring is disabled; no backend was touched.
    Disabled,
    /// The backend failed or the item is unreadable (already logged).
    Failed(KeyringError),
}

impl Lookup {
    /// The credentials, if found.
    pub fn found(self) -> Option<Credentials> {
        match self {
            Lookup::Found(creds) => Some(creds),
            _ => None,
        }
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyringStore {
    /// [`Backend::Auto`], [`DEFAULT_TIMEOUT`], disabled when the process environment says
    /// so ([`DISABLE_KEYRING_ENV`](super::DISABLE_KEYRING_ENV)).
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// As [`new`](Self::new), also disabled when the config key `admin.disableKeyring` is.
    pub fn from_config(disable_keyring: bool) -> Self {
        Self::builder().disabled(disable_keyring).build()
    }

    /// Options: backend, timeout, disable flag, environment.
    pub fn builder() -> KeyringStoreBuilder {
        KeyringStoreBuilder {
            backend: Backend::Auto,
            timeout: DEFAULT_TIMEOUT,
            disabled: false,
            env: Box::new(|name| std::env::var(name).ok()),
        }
    }

    /// This store, disabled when `disable` is true: the per-call switch
    /// (`keyring.disabled_if(no_cache).store(&creds)`). A store that is already disabled
    /// stays disabled.
    pub fn disabled_if(&self, disable: bool) -> KeyringStore {
        KeyringStore {
            inner: Arc::clone(&self.inner),
            disabled: self.disabled || disable,
        }
    }

    /// Whether calls are skipped.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }

    /// Stores `creds` under its endpoint (replacing what was there). A failure is logged at
    /// warning level, because the tokens just minted are lost; never panics, never blocks
    /// longer than the timeout.
    pub fn store(&self, creds: &Credentials) -> Outcome {
        let outcome = self.store_quiet(creds);
        log_store(creds.for_endpoint(), &outcome);
        outcome
    }

    /// The backend the last calls used (`None` before the first, or after one that closed
    /// it): where [`store`](Self::store) put the tokens when it returned [`Outcome::Done`].
    pub fn backend_in_use(&self) -> Option<super::BackendKind> {
        self.inner.backends.opened_kind()
    }

    /// The tokens stored for `endpoint`, or `None` when there are none, the keyring is
    /// disabled, or anything went wrong. The item is the endpoint without its scheme, as in
    /// the Python SDK ([`strip_scheme`]): `dns:///x`, `https://x` and `x` all find `x`, but
    /// `https://x/p` is item `x/p` and does not find tokens stored for `x`.
    pub fn retrieve(&self, endpoint: &str) -> Option<Credentials> {
        self.lookup(endpoint).found()
    }

    /// As [`retrieve`](Self::retrieve), saying why nothing was found.
    pub fn lookup(&self, endpoint: &str) -> Lookup {
        let lookup = self.lookup_quiet(endpoint);
        log_lookup(endpoint, &lookup);
        lookup
    }

    /// Removes the endpoint's tokens item and the older per-token items.
    pub fn delete(&self, endpoint: &str) -> Outcome {
        let outcome = self.delete_quiet(endpoint);
        log_delete(endpoint, &outcome);
        outcome
    }

    /// [`store`](Self::store) without blocking the async runtime.
    pub async fn store_async(&self, creds: &Credentials) -> Outcome {
        let (this, creds_owned) = (self.clone(), creds.clone());
        let outcome = off_runtime(
            move || this.store_quiet(&creds_owned),
            || Outcome::Failed(KeyringError::Panicked),
        )
        .await;
        log_store(creds.for_endpoint(), &outcome);
        outcome
    }

    /// [`retrieve`](Self::retrieve) without blocking the async runtime.
    pub async fn retrieve_async(&self, endpoint: &str) -> Option<Credentials> {
        self.lookup_async(endpoint).await.found()
    }

    /// [`lookup`](Self::lookup) without blocking the async runtime.
    pub async fn lookup_async(&self, endpoint: &str) -> Lookup {
        let (this, owned) = (self.clone(), endpoint.to_owned());
        let lookup = off_runtime(
            move || this.lookup_quiet(&owned),
            || Lookup::Failed(KeyringError::Panicked),
        )
        .await;
        log_lookup(endpoint, &lookup);
        lookup
    }

    /// [`delete`](Self::delete) without blocking the async runtime.
    pub async fn delete_async(&self, endpoint: &str) -> Outcome {
        let (this, owned) = (self.clone(), endpoint.to_owned());
        let outcome = off_runtime(
            move || this.delete_quiet(&owned),
            || Outcome::Failed(KeyringError::Panicked),
        )
        .await;
        log_delete(endpoint, &outcome);
        outcome
    }

    // The *_quiet methods do the work and log nothing, so that logging happens on the
    // caller's thread (where its tracing subscriber is), whichever thread did the work.

    fn store_quiet(&self, creds: &Credentials) -> Outcome {
        if self.disabled {
            return Outcome::Disabled;
        }
        let service = creds.for_endpoint().to_owned();
        let secret = item::encode(creds);
        let backends = Arc::clone(&self.inner.backends);
        let job = move || backends.with(|store| store.set(&service, &secret));
        match self.inner.runner.run(self.inner.timeout, job) {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Failed(e),
        }
    }

    fn lookup_quiet(&self, endpoint: &str) -> Lookup {
        if self.disabled {
            return Lookup::Disabled;
        }
        let service = strip_scheme(endpoint);
        let backends = Arc::clone(&self.inner.backends);
        let job = move || backends.with(|store| store.get(&service));
        match self.inner.runner.run(self.inner.timeout, job) {
            Ok(None) => Lookup::Missing,
            Ok(Some(bytes)) => match item::decode(endpoint, &bytes) {
                Ok(creds) => Lookup::Found(creds),
                Err(e) => Lookup::Failed(e),
            },
            Err(e) => Lookup::Failed(e),
        }
    }

    fn delete_quiet(&self, endpoint: &str) -> Outcome {
        if self.disabled {
            return Outcome::Disabled;
        }
        let service = strip_scheme(endpoint);
        let backends = Arc::clone(&self.inner.backends);
        let job = move || backends.with(|store| store.delete(&service));
        match self.inner.runner.run(self.inner.timeout, job) {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Failed(e),
        }
    }
}

impl KeyringStoreBuilder {
    /// The store to use (default [`Backend::Auto`]).
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// The bound on each call (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Disable the cache, e.g. with the config's `admin.disableKeyring`. The env var
    /// disables it as well; neither can re-enable what the other disabled.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }

    /// Where environment variables are read (default: the process environment). Read once,
    /// in [`build`](Self::build): [`DISABLE_KEYRING_ENV`](super::DISABLE_KEYRING_ENV) and
    /// `DBUS_SESSION_BUS_ADDRESS` (whether a D-Bus session is configured).
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String> + 'static) -> Self {
        self.env = Box::new(lookup);
        self
    }

    /// The store. Starts no thread and touches no backend until the first call.
    pub fn build(self) -> KeyringStore {
        let disabled = self.disabled || disabled_by_env(&*self.env);
        let dbus_session =
            (self.env)("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.trim().is_empty());
        KeyringStore {
            inner: Arc::new(Inner {
                backends: Arc::new(Backends::new(self.backend, dbus_session)),
                runner: Runner::default(),
                timeout: self.timeout,
            }),
            disabled,
        }
    }
}

/// Runs blocking `work` on tokio's blocking pool when inside a runtime, else inline
/// (it is bounded either way).
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
    on_panic: impl FnOnce() -> T,
) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle
            .spawn_blocking(work)
            .await
            .unwrap_or_else(|_| on_panic()),
        Err(_) => work(),
    }
}

fn log_store(endpoint: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Done => tracing::debug!(endpoint, "tokens cached in the keyring"),
        Outcome::Disabled => tracing::debug!(endpoint, "keyring disabled; tokens not cached"),
        Outcome::Failed(e @ KeyringError::NoBackend { .. }) => {
            tracing::debug!(endpoint, "no keyring; tokens not cached: {}", chain(e))
        }
        Outcome::Failed(e) => tracing::warn!(
            endpoint,
            "failed to cache tokens in the keyring, so the next run will have to log in again: {}",
            chain(e)
        ),
    }
}

fn log_lookup(endpoint: &str, lookup: &Lookup) {
    match lookup {
        Lookup::Found(_) => tracing::debug!(endpoint, "tokens found in the keyring"),
        Lookup::Missing => tracing::debug!(endpoint, "no tokens in the keyring"),
        Lookup::Disabled => tracing::debug!(endpoint, "keyring disabled; not looked up"),
        Lookup::Failed(e) => {
            tracing::debug!(
                endpoint,
                "could not read tokens from the keyring: {}",
                chain(e)
            )
        }
    }
}

fn log_delete(endpoint: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Done => tracing::debug!(endpoint, "tokens removed from the keyring"),
        Outcome::Disabled => tracing::debug!(endpoint, "keyring disabled; nothing removed"),
        Outcome::Failed(e @ KeyringError::NoBackend { .. }) => {
            tracing::debug!(endpoint, "no keyring; nothing removed: {}", chain(e))
        }
        // A stale item left behind keeps failing every later run until removed by hand.
        Outcome::Failed(e) => tracing::warn!(
            endpoint,
            "failed to remove stale tokens from the keyring; authentication may keep failing \
             until they are deleted: {}",
            chain(e)
        ),
    }
}
