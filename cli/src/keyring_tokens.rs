//! The OS keyring as the client's token cache: [`KeyringTokens`] adapts
//! [`flyte::remote::auth::KeyringStore`] (one endpoint) to [`flyte::remote::TokenStore`].

use flyte::remote::auth::{Credentials, KeyringStore};
use flyte::remote::{StoredTokens, TokenStore};
use zeroize::Zeroizing;

/// The tokens of one endpoint in the OS keyring, in the Python SDK's layout, so a login made
/// with the Python CLI is used here and a refresh made here is seen there.
#[derive(Debug, Clone)]
pub struct KeyringTokens {
    store: KeyringStore,
    endpoint: String,
}

impl KeyringTokens {
    pub fn new(store: KeyringStore, endpoint: String) -> Self {
        KeyringTokens { store, endpoint }
    }
}

impl TokenStore for KeyringTokens {
    fn load(&self) -> Option<StoredTokens> {
        let creds = self.store.retrieve(&self.endpoint)?;
        Some(StoredTokens {
            access_token: Zeroizing::new(creds.access_token().to_owned()),
            refresh_token: creds.refresh_token().map(|r| Zeroizing::new(r.to_owned())),
        })
    }

    fn save(&self, tokens: &StoredTokens) {
        let mut creds = Credentials::new(&self.endpoint, tokens.access_token.as_str());
        if let Some(refresh) = &tokens.refresh_token {
            creds = creds.with_refresh_token(refresh.as_str());
        }
        self.store.store(&creds);
    }

    fn delete(&self) {
        self.store.delete(&self.endpoint);
    }
}
