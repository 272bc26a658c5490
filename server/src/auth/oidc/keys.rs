//! The issuer's signing keys (JWKS): fetched, kept, and fetched again when a token names a key
//! id the set does not hold (key rotation), at most once per [`REFETCH_EVERY`].

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};
use tokio::sync::{Mutex, RwLock};
use tokio::time::Instant;

/// The least time between two fetches of the JWKS (an unknown `kid` must not let anyone make
/// the server hammer the identity provider).
pub(crate) const REFETCH_EVERY: Duration = Duration::from_secs(10);

/// The least time between two fetches while no key could be fetched at all.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// One usable key: what it verifies and with which algorithm.
pub(crate) struct Key {
    pub decoding: DecodingKey,
    /// The JWK's `alg`; `None`: any asymmetric algorithm of the key's type.
    pub alg: Option<Algorithm>,
}

/// Keys by `kid` (keys without one under `""`).
#[derive(Default)]
pub(crate) struct KeySet {
    by_kid: HashMap<String, Arc<Key>>,
}

impl KeySet {
    /// The keys of a JWKS document; keys of unknown types or for other uses are skipped.
    pub(crate) fn parse(doc: &serde_json::Value) -> KeySet {
        let mut by_kid = HashMap::new();
        for raw in doc["keys"].as_array().into_iter().flatten() {
            if raw["use"].as_str().is_some_and(|u| u != "sig") {
                continue;
            }
            let Ok(jwk) = serde_json::from_value::<Jwk>(raw.clone()) else {
                continue;
            };
            let alg = jwk
                .common
                .key_algorithm
                .and_then(|a| Algorithm::from_str(&format!("{a:?}")).ok());
            let Ok(decoding) = DecodingKey::from_jwk(&jwk) else {
                continue;
            };
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            by_kid.insert(kid, Arc::new(Key { decoding, alg }));
        }
        KeySet { by_kid }
    }

    pub(crate) fn get(&self, kid: &str) -> Option<Arc<Key>> {
        self.by_kid.get(kid).cloned()
    }

    /// The only key, for tokens without a `kid`.
    pub(crate) fn only(&self) -> Option<Arc<Key>> {
        (self.by_kid.len() == 1)
            .then(|| self.by_kid.values().next().cloned())
            .flatten()
    }

    pub(crate) fn len(&self) -> usize {
        self.by_kid.len()
    }
}

/// Why keys could not be had.
#[derive(Debug, Clone)]
pub(crate) struct FetchError(pub String);

/// The cached key set and when it was last fetched.
pub(crate) struct Keys {
    http: reqwest::Client,
    url: String,
    set: RwLock<Option<Arc<KeySet>>>,
    last_fetch: Mutex<Option<Instant>>,
}

impl Keys {
    pub(crate) fn new(http: reqwest::Client, url: String) -> Self {
        Keys {
            http,
            url,
            set: RwLock::new(None),
            last_fetch: Mutex::new(None),
        }
    }

    /// The key for `kid`, fetching the set first when it is not held (at most once per
    /// [`REFETCH_EVERY`]). `Ok(None)`: the issuer has no such key.
    pub(crate) async fn find(&self, kid: Option<&str>) -> Result<Option<Arc<Key>>, FetchError> {
        let lookup = |set: &KeySet| match kid {
            Some(k) => set.get(k),
            None => set.only(),
        };
        if let Some(set) = self.set.read().await.as_ref()
            && let Some(k) = lookup(set)
        {
            return Ok(Some(k));
        }
        let mut last = self.last_fetch.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(set) = self.set.read().await.as_ref()
            && let Some(k) = lookup(set)
        {
            return Ok(Some(k));
        }
        let have_keys = self.set.read().await.is_some();
        if have_keys && last.is_some_and(|t| t.elapsed() < REFETCH_EVERY) {
            return Ok(None);
        }
        if !have_keys && last.is_some_and(|t| t.elapsed() < RETRY_EVERY) {
            return Err(FetchError(format!(
                "the identity provider's keys ({}) could not be fetched; retrying shortly",
                self.url
            )));
        }
        *last = Some(Instant::now());
        let set = Arc::new(self.fetch().await?);
        tracing::info!(url = %self.url, keys = set.len(), "fetched the identity provider's keys");
        let found = lookup(&set);
        *self.set.write().await = Some(set);
        Ok(found)
    }

    /// Fetches the set now (at start). Does not count against [`REFETCH_EVERY`], which
    /// limits fetches that requests cause.
    pub(crate) async fn prefetch(&self) -> Result<(), FetchError> {
        let _guard = self.last_fetch.lock().await;
        let set = Arc::new(self.fetch().await?);
        *self.set.write().await = Some(set);
        Ok(())
    }

    async fn fetch(&self) -> Result<KeySet, FetchError> {
        let fail =
            |why: String| FetchError(format!("cannot fetch the keys at {}: {why}", self.url));
        let resp = self
            .http
            .get(&self.url)
            .send()
            .await
            .map_err(|e| fail(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(fail(format!("HTTP {}", resp.status())));
        }
        let doc: serde_json::Value =
            serde_json::from_slice(&resp.bytes().await.map_err(|e| fail(e.to_string()))?)
                .map_err(|_| fail("not a JWKS document".into()))?;
        let set = KeySet::parse(&doc);
        if set.len() == 0 {
            return Err(fail("no usable signing key".into()));
        }
        Ok(set)
    }
}
