//! The keyring cache ([`KeyringStore`]) seen as a [`TokenStore`], so cached logins
//! (ours or the Python SDK's) authenticate the client and refreshed tokens are written back.

use super::{Credentials, KeyringStore};
use crate::remote::token::{StoredTokens, TokenStore};
use zeroize::Zeroizing;

/// The tokens stored in the OS keyring for one endpoint.
#[derive(Debug, Clone)]
pub struct KeyringTokens {
    keyring: KeyringStore,
    endpoint: String,
}

impl KeyringTokens {
    /// `endpoint` in any form (`dns:///x`, `https://x`, `x`): the keyring item is named by
    /// the endpoint without its scheme (a path kept: `https://x/p` is `x/p`), as in the
    /// Python SDK.
    pub fn new(keyring: KeyringStore, endpoint: impl Into<String>) -> Self {
        KeyringTokens {
            keyring,
            endpoint: endpoint.into(),
        }
    }
}

impl TokenStore for KeyringTokens {
    fn load(&self) -> Option<StoredTokens> {
        let creds = self.keyring.retrieve(&self.endpoint)?;
        Some(StoredTokens {
            access_token: Zeroizing::new(creds.access_token().to_owned()),
            refresh_token: creds.refresh_token().map(|r| Zeroizing::new(r.to_owned())),
        })
    }

    fn save(&self, tokens: &StoredTokens) {
        let mut creds = Credentials::new(&self.endpoint, tokens.access_token.as_str());
        if let Some(r) = &tokens.refresh_token {
            creds = creds.with_refresh_token(r.as_str());
        }
        self.keyring.store(&creds);
    }

    fn delete(&self) {
        self.keyring.delete(&self.endpoint);
    }
}
