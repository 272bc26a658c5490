//! The Python SDK's item layout in each store: service = endpoint without scheme,
//! username `tokens`, older per-token items under `access_token` and `refresh_token`.
//! Runs on the keyring thread.

use std::collections::HashMap;

use keyring_core::{Entry, Error as CoreError};
use zeroize::Zeroizing;

use super::KeyringError;
use super::backend::{Kind, Opened};

/// Username of the one item holding both tokens.
pub(crate) const TOKENS_USER: &str = "tokens";
/// Usernames of the per-token items older SDKs wrote; `delete` removes them too.
pub(crate) const LEGACY_USERS: [&str; 2] = ["access_token", "refresh_token"];
/// The Python `keyring` package marks its Secret Service items with this `application`
/// attribute. Ours carry it too: gnome-keyring replaces an item on write only when all
/// attributes match, so without it a Python login would add a second item next to ours.
const PYTHON_KEYRING_APPID: &str = "Python keyring library";

impl Opened {
    fn entry(&self, service: &str, user: &str) -> Result<Entry, KeyringError> {
        #[cfg(target_os = "linux")]
        if self.kind == Kind::Keyutils {
            super::session::join_session_keyring();
        }
        let entry = if self.kind == Kind::SecretService {
            // The label the Python keyring package gives its items.
            let label = format!("Password for '{user}' on '{service}'");
            let mods = HashMap::from([("label", label.as_str())]);
            Entry::new_in_store_with_modifiers(&self.store, service, user, &mods)
        } else {
            Entry::new_in_store(&self.store, service, user)
        };
        entry.map_err(KeyringError::from_core)
    }

    /// The tokens item's bytes, `None` when there is none.
    pub(crate) fn get(&self, service: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        let entry = match self.python_windows_target(service)? {
            Some(python) => python,
            None => self.entry(service, TOKENS_USER)?,
        };
        match entry.get_secret() {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(CoreError::NoEntry) => Ok(None),
            Err(e) => Err(KeyringError::from_core(e)),
        }
    }

    /// Writes the tokens item.
    pub(crate) fn set(&self, service: &str, secret: &str) -> Result<(), KeyringError> {
        let entry = match self.python_windows_target(service)? {
            Some(python) => python,
            None => self.entry(service, TOKENS_USER)?,
        };
        match entry.set_password(secret) {
            Ok(()) => {}
            Err(CoreError::Ambiguous(duplicates)) => {
                // Several items answer to this endpoint (Secret Service, after some other
                // client wrote with other attributes): keep none of them, write one.
                delete_all(duplicates)?;
                entry
                    .set_password(secret)
                    .map_err(KeyringError::from_core)?;
            }
            Err(e) => return Err(KeyringError::from_core(e)),
        }
        if self.kind == Kind::SecretService {
            let attrs = entry.get_attributes().map_err(KeyringError::from_core)?;
            if attrs.get("application").map(String::as_str) != Some(PYTHON_KEYRING_APPID) {
                let mark = HashMap::from([("application", PYTHON_KEYRING_APPID)]);
                entry
                    .update_attributes(&mark)
                    .map_err(KeyringError::from_core)?;
            }
        }
        Ok(())
    }

    /// Removes the tokens item and the legacy per-token items; absent ones are fine.
    /// Every item is tried; the first failure is returned.
    pub(crate) fn delete(&self, service: &str) -> Result<(), KeyringError> {
        let mut first_error = None;
        if let Some(python) = self.python_windows_target(service).unwrap_or(None)
            && let Err(e) = delete_entry(python)
        {
            first_error.get_or_insert(e);
        }
        for user in std::iter::once(TOKENS_USER).chain(LEGACY_USERS) {
            if let Err(e) = self.entry(service, user).and_then(delete_entry) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// On Windows the Python keyring package stores `(service, user)` under target name
    /// `service` (user name field `user`), falling back to `user@service`, which is where
    /// ours go. Its own item, when present, wins for reads and is updated in place.
    fn python_windows_target(&self, service: &str) -> Result<Option<Entry>, KeyringError> {
        if self.kind != Kind::WindowsCredentialManager {
            return Ok(None);
        }
        let mods = HashMap::from([("target", service)]);
        let entry = Entry::new_in_store_with_modifiers(&self.store, service, TOKENS_USER, &mods)
            .map_err(KeyringError::from_core)?;
        match entry.get_attributes() {
            Ok(attrs) if attrs.get("username").map(String::as_str) == Some(TOKENS_USER) => {
                Ok(Some(entry))
            }
            Ok(_) | Err(CoreError::NoEntry) => Ok(None),
            Err(e) => Err(KeyringError::from_core(e)),
        }
    }
}

fn delete_entry(entry: Entry) -> Result<(), KeyringError> {
    match entry.delete_credential() {
        Ok(()) | Err(CoreError::NoEntry) => Ok(()),
        Err(CoreError::Ambiguous(duplicates)) => delete_all(duplicates),
        Err(e) => Err(KeyringError::from_core(e)),
    }
}

fn delete_all(entries: Vec<Entry>) -> Result<(), KeyringError> {
    for entry in entries {
        match entry.delete_credential() {
            Ok(()) | Err(CoreError::NoEntry) => {}
            Err(e) => return Err(KeyringError::from_core(e)),
        }
    }
    Ok(())
}
