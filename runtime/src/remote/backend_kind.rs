//! [`BackendKind`]: which OS keyring store holds the cached tokens, for messages. Its own
//! module: the token stores name it, and the keyring implements them.

/// The OS keyring store a token cache opened to (see `flyte::remote::keyring`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendKind {
    /// The freedesktop Secret Service.
    SecretService,
    /// The Linux kernel keyring.
    Keyutils,
    /// The macOS login keychain.
    MacosKeychain,
    /// The Windows Credential Manager.
    WindowsCredentialManager,
    /// A store the program chose itself (`Backend::Store`).
    Custom,
}

impl BackendKind {
    /// Whether the Python SDK's `keyring` package looks there by default: it has no
    /// kernel-keyring backend, and a custom store is unknown to it.
    pub fn shared_with_python(self) -> bool {
        matches!(
            self,
            BackendKind::SecretService
                | BackendKind::MacosKeychain
                | BackendKind::WindowsCredentialManager
        )
    }

    /// The backend's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::SecretService => "Secret Service",
            BackendKind::Keyutils => "keyutils",
            BackendKind::MacosKeychain => "macOS keychain",
            BackendKind::WindowsCredentialManager => "Windows Credential Manager",
            BackendKind::Custom => "custom store",
        }
    }
}
