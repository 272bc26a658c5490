//! Where bearer tokens come from: [`TokenSource`], with a static token and the seam to a
//! token cache ([`TokenStore`]).

use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use zeroize::Zeroizing;

use super::error::TokenError;

/// A bearer token. `Debug` is redacted; the bytes are zeroed when the last clone is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(Arc<Zeroizing<String>>);

impl AccessToken {
    /// Wraps the token text, without the `Bearer ` prefix (the client adds it).
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(Arc::new(Zeroizing::new(token.into())))
    }

    /// The token text; the name makes reads easy to find in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

/// Supplies the bearer token of each request, and a new one once after the server answered
/// `unauthenticated`.
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// The token to send now, `None` for no auth header. Called before every request, so
    /// implementations cache.
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, TokenError>>;

    /// Called after a request sent with `stale` was answered `unauthenticated`. Returns the
    /// token to retry with (the call is retried once), or `None` when there is no way to get a
    /// new one (the call then fails as unauthenticated). Implementations return the current
    /// token without refreshing when it already differs from `stale` (another call refreshed).
    fn refresh<'a>(
        &'a self,
        stale: Option<&'a AccessToken>,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, TokenError>>;
}

/// A fixed token (an API key used as a bearer token). Cannot refresh.
#[derive(Debug, Clone)]
pub struct StaticToken(pub AccessToken);

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move { Ok(Some(self.0.clone())) })
    }

    fn refresh<'a>(
        &'a self,
        _: Option<&'a AccessToken>,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async { Ok(None) })
    }
}

/// An access token and the refresh token that renews it, as a token cache stores them.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredTokens {
    /// `""` when only a refresh token is stored.
    pub access_token: Zeroizing<String>,
    /// The OAuth2 refresh token, when the grant gave one; without it an expired access token
    /// cannot be renewed.
    pub refresh_token: Option<Zeroizing<String>>,
}

impl fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredTokens")
            .field("access_token", &"[REDACTED]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// A persistent token cache, e.g. the OS keyring (see [`crate::remote::keyring`]). Calls are
/// blocking and are run off the async runtime's worker threads.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored tokens, `None` when there are none or the store failed.
    fn load(&self) -> Option<StoredTokens>;
    /// Replaces the stored tokens (after a refresh).
    fn save(&self, tokens: &StoredTokens);
    /// As [`save`](Self::save), saying whether the tokens were kept: `Ok` with the keyring
    /// backend that holds them (`None`: another store), or `Err` with why not (one line, no
    /// token). The default saves and reports success.
    fn try_save(
        &self,
        tokens: &StoredTokens,
    ) -> Result<Option<crate::remote::backend_kind::BackendKind>, String> {
        self.save(tokens);
        Ok(None)
    }
    /// Removes the stored tokens (after a refresh was refused).
    fn delete(&self);
}

/// A store that lives in memory only: for tests, and for processes that must not touch the
/// OS keyring.
#[derive(Debug, Default)]
pub struct MemoryTokenStore(std::sync::Mutex<Option<StoredTokens>>);

impl MemoryTokenStore {
    /// A store holding `tokens` (`None`: empty) until the process ends.
    pub fn new(tokens: Option<StoredTokens>) -> Self {
        MemoryTokenStore(std::sync::Mutex::new(tokens))
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<StoredTokens> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn save(&self, tokens: &StoredTokens) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(tokens.clone());
    }
    fn delete(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
