//! The keyring cache ([`KeyringStore`]) seen as a [`TokenStore`], so cached logins
//! (ours or the Python SDK's) authenticate the client and refreshed tokens are written back.

use super::{BackendKind, Credentials, KeyringStore, Outcome};
use crate::remote::token::{StoredTokens, TokenStore};

/// Why nothing is cached when the keyring is off.
pub(crate) const DISABLED_REASON: &str =
    "the keyring is disabled (admin.disableKeyring / FLYTE_ADMIN_DISABLEKEYRING)";
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
        let _ = self.try_save(tokens);
    }

    fn try_save(&self, tokens: &StoredTokens) -> Result<Option<BackendKind>, String> {
        let mut creds = Credentials::new(&self.endpoint, tokens.access_token.as_str());
        if let Some(r) = &tokens.refresh_token {
            creds = creds.with_refresh_token(r.as_str());
        }
        match self.keyring.store(&creds) {
            Outcome::Done => Ok(self.keyring.backend_in_use()),
            Outcome::Disabled => Err(DISABLED_REASON.into()),
            Outcome::Failed(e) => Err(format!(
                "the OS keyring failed: {}",
                crate::error::chain(&e)
            )),
        }
    }

    fn delete(&self) {
        self.keyring.delete(&self.endpoint);
    }
}
