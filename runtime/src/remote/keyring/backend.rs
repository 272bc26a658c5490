//! Which OS store holds the tokens, and how to open it. Item layout per store is in
//! [`super::layout`].

use std::sync::{Arc, Mutex, PoisonError};

use keyring_core::CredentialStore;

use super::KeyringError;
pub use crate::remote::backend_kind::BackendKind as Kind;

/// Where the tokens are kept.
///
/// [`Backend::Auto`] picks, once per [`KeyringStore`](super::KeyringStore), in this order:
/// - Linux: the Secret Service when a D-Bus session bus is configured
///   (`DBUS_SESSION_BUS_ADDRESS`) and a Secret Service answers on it, because that is where
///   the Python `keyring` package keeps the Python SDK's login; else the kernel keyutils
///   store, which works headless (see [`Backend::Keyutils`]).
/// - macOS: the login keychain (where the Python SDK's `/usr/bin/security` writes).
/// - Windows: the Credential Manager.
/// - elsewhere: none; every call degrades.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Backend {
    /// The platform's order above.
    #[default]
    Auto,
    /// The freedesktop Secret Service over D-Bus (gnome-keyring, KWallet); Linux only.
    /// Needs `DBUS_SESSION_BUS_ADDRESS`: no D-Bus daemon is ever auto-launched.
    SecretService,
    /// The Linux kernel key retention service, in the session keyring. A process that has
    /// no session keyring of its own is given the user's session keyring (`_uid_ses.<uid>`)
    /// by the kernel on first use, shared by all the user's processes in that state, and
    /// keys are also linked into the user's persistent keyring when the kernel has one, so a
    /// login outlives the process that made it (until reboot). Nothing here creates a new
    /// anonymous session keyring, which would die with the process. Linux only.
    Keyutils,
    /// The macOS login keychain (generic passwords, service and account as in the Python SDK).
    MacosKeychain,
    /// The Windows Credential Manager, with the Python `keyring` package's target names.
    WindowsCredentialManager,
    /// Any keyring-core store: a store crate of your choice, or a mock in tests.
    Store(Arc<CredentialStore>),
}

/// An open store.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) kind: Kind,
    pub(crate) store: Arc<CredentialStore>,
}

/// The chosen backend, opened on first use (on the keyring thread: opening can block) and
/// opened again after a failure that may have broken the connection.
#[derive(Debug)]
pub(crate) struct Backends {
    choice: Backend,
    dbus_session: bool,
    opened: Mutex<Option<Arc<Opened>>>,
}

impl Backends {
    pub(crate) fn new(choice: Backend, dbus_session: bool) -> Self {
        Backends {
            choice,
            dbus_session,
            opened: Mutex::new(None),
        }
    }

    /// The kind of the open store, if one is open.
    pub(crate) fn opened_kind(&self) -> Option<Kind> {
        let slot = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref().map(|o| o.kind)
    }

    /// Runs `f` on the open store.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&Opened) -> Result<T, KeyringError>,
    ) -> Result<T, KeyringError> {
        let opened = {
            let mut slot = self.opened.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.as_ref() {
                Some(open) => Arc::clone(open),
                None => {
                    let open = Arc::new(self.open()?);
                    tracing::debug!(backend = open.kind.name(), "keyring backend opened");
                    *slot = Some(Arc::clone(&open));
                    open
                }
            }
        };
        let result = f(&opened);
        if let Err(e) = &result
            && e.reopen()
        {
            *self.opened.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
        result
    }

    fn open(&self) -> Result<Opened, KeyringError> {
        let (kind, store) = match &self.choice {
            Backend::Store(store) => (Kind::Custom, Arc::clone(store)),
            Backend::SecretService => (Kind::SecretService, secret_service(self.dbus_session)?),
            Backend::Keyutils => (Kind::Keyutils, keyutils()?),
            Backend::MacosKeychain => (Kind::MacosKeychain, macos_keychain()?),
            Backend::WindowsCredentialManager => {
                (Kind::WindowsCredentialManager, windows_credentials()?)
            }
            Backend::Auto => auto(self.dbus_session)?,
        };
        Ok(Opened { kind, store })
    }
}

#[cfg(target_os = "linux")]
fn auto(dbus_session: bool) -> Result<(Kind, Arc<CredentialStore>), KeyringError> {
    if dbus_session {
        match secret_service(true) {
            Ok(store) => return Ok((Kind::SecretService, store)),
            Err(e) => tracing::debug!(
                "Secret Service unavailable ({}); using keyutils",
                crate::error::chain(&e)
            ),
        }
    }
    Ok((Kind::Keyutils, keyutils()?))
}

#[cfg(target_os = "macos")]
fn auto(_: bool) -> Result<(Kind, Arc<CredentialStore>), KeyringError> {
    Ok((Kind::MacosKeychain, macos_keychain()?))
}

#[cfg(target_os = "windows")]
fn auto(_: bool) -> Result<(Kind, Arc<CredentialStore>), KeyringError> {
    Ok((Kind::WindowsCredentialManager, windows_credentials()?))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn auto(_: bool) -> Result<(Kind, Arc<CredentialStore>), KeyringError> {
    Err(KeyringError::NoBackend {
        reason: "no OS keyring is supported on this platform".into(),
        source: None,
    })
}

#[cfg(target_os = "linux")]
fn secret_service(dbus_session: bool) -> Result<Arc<CredentialStore>, KeyringError> {
    if !dbus_session {
        return Err(KeyringError::NoBackend {
            reason: "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)".into(),
            source: None,
        });
    }
    let store =
        dbus_secret_service_keyring_store::Store::new().map_err(|e| KeyringError::NoBackend {
            reason: "Secret Service".into(),
            source: Some(KeyringError::from_core(e).into()),
        })?;
    Ok(store)
}

#[cfg(target_os = "linux")]
fn keyutils() -> Result<Arc<CredentialStore>, KeyringError> {
    let store = linux_keyutils_keyring_store::Store::new().map_err(KeyringError::from_core)?;
    Ok(store)
}

#[cfg(not(target_os = "linux"))]
fn secret_service(_: bool) -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::Unsupported {
        backend: Kind::SecretService.name(),
    })
}

#[cfg(not(target_os = "linux"))]
fn keyutils() -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::Unsupported {
        backend: Kind::Keyutils.name(),
    })
}

#[cfg(target_os = "macos")]
fn macos_keychain() -> Result<Arc<CredentialStore>, KeyringError> {
    let store =
        apple_native_keyring_store::keychain::Store::new().map_err(KeyringError::from_core)?;
    Ok(store)
}

#[cfg(not(target_os = "macos"))]
fn macos_keychain() -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::Unsupported {
        backend: Kind::MacosKeychain.name(),
    })
}

#[cfg(target_os = "windows")]
fn windows_credentials() -> Result<Arc<CredentialStore>, KeyringError> {
    // Target `tokens@<service>`: the name the Python keyring package falls back to.
    let config = std::collections::HashMap::from([("divider", "@")]);
    let store = windows_native_keyring_store::Store::new_with_configuration(&config)
        .map_err(KeyringError::from_core)?;
    Ok(store)
}

#[cfg(not(target_os = "windows"))]
fn windows_credentials() -> Result<Arc<CredentialStore>, KeyringError> {
    Err(KeyringError::Unsupported {
        backend: Kind::WindowsCredentialManager.name(),
    })
}
