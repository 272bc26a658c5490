//! [`ConfigError`]: why a configuration could not be loaded or used.

use std::path::PathBuf;

use super::origin::Origin;

/// A configuration that could not be loaded or used. Messages name the key, the file or the
/// env var and the rule; they never show an API key or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A config file named explicitly (builder or `$UCTL_CONFIG` / `$FLYTECTL_CONFIG`) does
    /// not exist.
    #[error("config file {} (from {from}) does not exist", path.display())]
    FileNotFound {
        /// The path as named.
        path: PathBuf,
        /// What named it, e.g. `$UCTL_CONFIG` or `the explicit config path`.
        from: String,
    },

    /// A config file exists but could not be read.
    #[error("could not read config file {}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// Why reading it failed.
        #[source]
        source: std::io::Error,
    },

    /// A config file is not valid YAML.
    #[error("config file {} is not valid YAML", path.display())]
    Parse {
        /// The config file.
        path: PathBuf,
        /// Where and why the YAML parser stopped.
        #[source]
        source: serde_norway::Error,
    },

    /// A value has the wrong form, e.g. `FLYTE_ADMIN_INSECURE=maybe`.
    #[error("{key} from {origin}: `{value}` is not {expected}")]
    InvalidValue {
        /// The setting, as the config file names it, e.g. `admin.insecure`.
        key: &'static str,
        /// Where the value came from.
        origin: Origin,
        /// The value as given (never a credential).
        value: String,
        /// What the setting takes, e.g. `` `proto` or `json` ``.
        expected: &'static str,
    },

    /// `admin.authType` names no known flow.
    #[error("admin.authType from {origin}")]
    InvalidAuthType {
        /// Where the value came from.
        origin: Origin,
        /// The value and the accepted spellings.
        #[source]
        source: super::auth::ParseAuthTypeError,
    },

    /// The file `admin.clientSecretLocation` names could not be read.
    #[error("cannot read the client secret file {} (admin.clientSecretLocation from {origin})", path.display())]
    ClientSecretFile {
        /// The file named.
        path: PathBuf,
        /// Where `admin.clientSecretLocation` was set.
        origin: Origin,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },

    /// The endpoint cannot be used.
    #[error(
        "endpoint `{endpoint}` {reason}; expected dns:///host:port, https://host, http://host:port or host:port"
    )]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it, e.g. `has no host`.
        reason: &'static str,
    },

    /// No endpoint is configured but a client needs one.
    #[error(
        "no endpoint configured: set admin.endpoint in a config file, FLYTE_ADMIN_ENDPOINT, FLYTE_API_KEY or the builder's endpoint()"
    )]
    MissingEndpoint,

    /// The API key could not be used.
    #[error("FLYTE_API_KEY / api_key: {reason}")]
    InvalidApiKey {
        /// What is wrong with it, e.g. `is empty`; never the key itself.
        reason: &'static str,
    },

    /// `admin.caCertFilePath` could not be read or holds no usable certificate.
    #[error("CA certificate file {} (admin.caCertFilePath) is unusable", path.display())]
    CaCert {
        /// The certificate file.
        path: PathBuf,
        /// Why it is unusable: unreadable, not PEM, or no certificate in it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The HTTP client could not be set up (TLS backend).
    #[error("could not set up the HTTP client")]
    HttpClient {
        /// The error from `reqwest`.
        #[source]
        source: reqwest::Error,
    },
}
