//! Before serving: the store is connected and migrated, and its key check tells whether the
//! keys given are the ones its values were sealed with. Also the reseal after a key rotation.

use crate::Server;
use crate::crypto::{KeyError, WhichKey, value_ad};
use crate::error::StartError;
use crate::store::{Resealed, StoreError};

impl Server {
    /// Prepares the store and checks the keys against it: refuses a key that opens nothing
    /// stored, and warns while the store's key check is under an older key (a reseal is due).
    pub(crate) async fn prepare_store(&self) -> Result<(), StartError> {
        let store = &self.app.store;
        let proposed = self
            .app
            .keys
            .as_ref()
            .map(|ring| ring.key_check())
            .unwrap_or_default();
        let stored = store
            .prepare(proposed)
            .await
            .map_err(|e| self.store_error(e))?;
        let (Some(ring), Some(origin)) = (&self.app.keys, &self.key_origin) else {
            return Ok(());
        };
        match ring.opens_check(&stored) {
            Some(WhichKey::Current) => Ok(()),
            Some(WhichKey::Older) => {
                tracing::warn!(
                    store = %store.describe(),
                    "the store's values were sealed under an older key from {origin}: new \
                     values use the first key; run `flyte serve reseal` to re-encrypt the rest"
                );
                Ok(())
            }
            None => Err(KeyError::Mismatch {
                origin: origin.clone(),
                store: store.describe(),
            }
            .into()),
        }
    }

    /// Re-encrypts every stored value under the current (first) key, after a key rotation:
    /// values sealed under an older key of the ring are rewritten, the others left. Stops, and
    /// changes nothing, at a value that no key opens. Then older keys can be removed.
    pub async fn reseal(self) -> Result<Resealed, StartError> {
        self.prepare_store().await?;
        let store = &self.app.store;
        let Some(ring) = &self.app.keys else {
            return Err(self.store_error(StoreError::Reseal(format!(
                "{} encrypts values itself: there is nothing to reseal",
                store.describe()
            ))));
        };
        let origin = self.key_origin.as_deref().unwrap_or_default();
        let rewrite = |secret: &_, secret_type: i32, sealed: &[u8]| {
            let ad = value_ad(secret, secret_type);
            match ring.open(&ad, sealed) {
                Some((_, WhichKey::Current)) => Ok(None),
                Some((plaintext, WhichKey::Older)) => Ok(Some(ring.seal(&ad, &plaintext).0)),
                None => Err(format!(
                    "the value of {secret} opens with none of the keys from {origin}; nothing \
                     was changed"
                )),
            }
        };
        let done = store
            .reseal(&rewrite, ring.key_check())
            .await
            .map_err(|e| self.store_error(e))?;
        tracing::info!(
            rewritten = done.rewritten,
            unchanged = done.unchanged,
            store = %store.describe(),
            "resealed under the current key"
        );
        Ok(done)
    }

    fn store_error(&self, e: StoreError) -> StartError {
        StartError::Store {
            store: self.app.store.describe(),
            source: Box::new(e),
        }
    }
}
