//! Configuration: the Python SDK's config file and `FLYTE_*` env vars, so a user with a
//! working Python setup needs no second config.
//!
//! Precedence, highest first: explicit [`ConfigBuilder`] arguments, env vars, the config
//! file, defaults. Env vars are read even when no config file is found, and booleans are
//! parsed (`FLYTE_ADMIN_INSECURE=false` is false), unlike the Python SDK.
//!
//! | key                         | env var                          | default               |
//! |-----------------------------|----------------------------------|-----------------------|
//! | `admin.endpoint`            | `FLYTE_ADMIN_ENDPOINT`           | none                  |
//! | `admin.insecure`            | `FLYTE_ADMIN_INSECURE`           | `false`               |
//! | `admin.insecureSkipVerify`  | `FLYTE_ADMIN_INSECURESKIPVERIFY` | `false`               |
//! | `admin.caCertFilePath`      | `FLYTE_ADMIN_CACERTFILEPATH`     | none                  |
//! | `admin.disableKeyring`      | `FLYTE_ADMIN_DISABLEKEYRING`     | `false`               |
//! | `admin.clientId`            | `FLYTE_ADMIN_CLIENTID`           | `flytepropeller`      |
//! | `admin.tokenUrl`            | `FLYTE_ADMIN_TOKENURL`           | none                  |
//! | `admin.authorizationHeader` | `FLYTE_ADMIN_AUTHORIZATIONHEADER`| `authorization`       |
//! | `admin.codec`               | `FLYTE_ADMIN_CODEC`              | `proto`               |
//! | `admin.authType`            | `FLYTE_ADMIN_AUTHTYPE`           | `Pkce` ([`AuthType`]) |
//! | `admin.clientSecretLocation`| `FLYTE_ADMIN_CLIENTSECRETLOCATION`| none                 |
//! | `admin.clientSecretEnvVar`  | `FLYTE_ADMIN_CLIENTSECRETENVVAR` | none                  |
//! | `admin.command`             | `FLYTE_ADMIN_COMMAND`            | none                  |
//! | `admin.scopes`              | `FLYTE_ADMIN_SCOPES`             | the service's         |
//! | `admin.connectTimeout`      | `FLYTE_ADMIN_CONNECTTIMEOUT`     | `10s`                 |
//! | `admin.perRetryTimeout`     | `FLYTE_ADMIN_PERRETRYTIMEOUT`    | `30s`                 |
//! | `admin.maxRetries`          | `FLYTE_ADMIN_MAXRETRIES`         | `3`                   |
//! | `admin.maxBackoffDelay`     | `FLYTE_ADMIN_MAXBACKOFFDELAY`    | `5s`                  |
//! | `task.org`                  | `FLYTE_TASK_ORG`                 | from the endpoint     |
//! | `task.project`              | `FLYTE_TASK_PROJECT`             | none                  |
//! | `task.domain`               | `FLYTE_TASK_DOMAIN`              | none                  |
//! | `secrets.file`              | `FLYTE_SECRETS_FILE`             | `.flyte/secrets.env`  |
//! | (none: a credential)        | `FLYTE_API_KEY`                  | none                  |
//!
//! List values (`admin.command`, `admin.scopes`) are YAML lists in the file; in an env var a
//! JSON array of strings or words separated by spaces or commas. A client secret (from the
//! variable `admin.clientSecretEnvVar` names, else the file `admin.clientSecretLocation`)
//! selects `ClientSecret` when `admin.authType` is unset, as in the Python SDK.
//!
//! The file is found as [`ConfigBuilder::build`] describes. There is no env var naming the
//! config file other than the Python SDK's `UCTL_CONFIG` and `FLYTECTL_CONFIG`.

mod api_key;
mod auth;
mod builder;
mod endpoint;
mod error;
mod file;
mod keys;
mod origin;
mod pod;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use api_key::{ApiKey, AppCredentials};
pub(crate) use auth::ClientSecret;
pub use auth::{AuthType, ParseAuthTypeError};
pub use builder::ConfigBuilder;
pub use endpoint::{Endpoint, Scheme};
pub use error::ConfigError;
pub use keys::LOCAL_DATA_DIR_ENV;
pub use origin::Origin;

/// The default local secrets file (dotenv format), relative to the working directory.
pub const DEFAULT_SECRETS_FILE: &str = ".flyte/secrets.env";
/// The OAuth2 client id used for token refresh when none is configured (flytectl's default).
pub const DEFAULT_CLIENT_ID: &str = "flytepropeller";

/// The default limit for a whole call (every attempt and backoff): a server that accepts
/// and never answers fails in this time.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// The wire codec of the secret-service client (Connect unary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Codec {
    /// `application/proto`: binary protobuf, as the Python SDK sends. The default: it
    /// measured faster than JSON in `cargo bench -p flyte --bench remote`.
    #[default]
    Proto,
    /// `application/json`: the proto3 JSON mapping; readable on the wire.
    Json,
}

impl Codec {
    /// The `content-type` for this codec.
    pub fn content_type(self) -> &'static str {
        match self {
            Codec::Proto => "application/proto",
            Codec::Json => "application/json",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Codec> {
        match s.trim().to_ascii_lowercase().as_str() {
            "proto" | "protobuf" | "application/proto" => Some(Codec::Proto),
            "json" | "application/json" => Some(Codec::Json),
            _ => None,
        }
    }
}

/// Everything the client and the secret sources need to know. Build one with
/// [`Config::load`] (env + file, as the Python SDK) or [`Config::builder`].
///
/// `Debug` never shows the API key.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) endpoint_origin: Option<Origin>,
    pub(crate) insecure: bool,
    pub(crate) insecure_skip_verify: bool,
    pub(crate) ca_cert_file_path: Option<PathBuf>,
    pub(crate) disable_keyring: bool,
    /// `None`: not configured (the service's public client, else [`DEFAULT_CLIENT_ID`]).
    pub(crate) client_id: Option<String>,
    pub(crate) token_url: Option<String>,
    /// `None`: not configured (the service's `authorization_metadata_key`, else
    /// `authorization`).
    pub(crate) auth_header: Option<String>,
    pub(crate) codec: Codec,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) max_backoff: Duration,
    pub(crate) org: Option<String>,
    pub(crate) project: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) secrets_file: PathBuf,
    pub(crate) local_data_dir: Option<PathBuf>,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) auth_type: Option<AuthType>,
    pub(crate) client_secret: Option<ClientSecret>,
    /// Why no client secret was found although one was pointed at.
    pub(crate) client_secret_hint: Option<String>,
    pub(crate) command: Option<Vec<String>>,
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) source: Option<PathBuf>,
    /// Where each value not left at its default came from, by key (`admin.endpoint`, ...).
    pub(crate) origins: Vec<(&'static str, Origin)>,
}

impl Default for Config {
    /// No endpoint, no scope, no credentials; every other value at its documented default.
    fn default() -> Self {
        Config {
            endpoint: None,
            endpoint_origin: None,
            insecure: false,
            insecure_skip_verify: false,
            ca_cert_file_path: None,
            disable_keyring: false,
            client_id: None,
            token_url: None,
            auth_header: None,
            codec: Codec::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_retries: 3,
            max_backoff: Duration::from_secs(5),
            org: None,
            project: None,
            domain: None,
            secrets_file: PathBuf::from(DEFAULT_SECRETS_FILE),
            local_data_dir: None,
            origins: Vec::new(),
            api_key: None,
            auth_type: None,
            client_secret: None,
            client_secret_hint: None,
            command: None,
            scopes: None,
            source: None,
        }
    }
}

impl Config {
    /// Reads the process env and the first config file found (see [`ConfigBuilder::build`]).
    pub fn load() -> Result<Config, ConfigError> {
        ConfigBuilder::new().build()
    }

    /// Reads the given config file (it must exist) and the process env.
    pub fn from_file(path: impl Into<PathBuf>) -> Result<Config, ConfigError> {
        ConfigBuilder::new().file(path).build()
    }

    /// A builder: explicit values, where to look, and what to skip.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
    }

    /// The service address (`admin.endpoint`).
    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// Plaintext HTTP instead of TLS (`admin.insecure`, or an `http://` endpoint).
    pub fn insecure(&self) -> bool {
        self.insecure
            || self
                .endpoint
                .as_ref()
                .is_some_and(|e| e.is_plaintext(false))
    }

    /// TLS without certificate verification (`admin.insecureSkipVerify`).
    pub fn insecure_skip_verify(&self) -> bool {
        self.insecure_skip_verify
    }

    /// An extra root certificate, PEM (`admin.caCertFilePath`).
    pub fn ca_cert_file_path(&self) -> Option<&Path> {
        self.ca_cert_file_path.as_deref()
    }

    /// Whether the OS keyring token cache is off (`admin.disableKeyring`).
    pub fn disable_keyring(&self) -> bool {
        self.disable_keyring
    }

    /// The OAuth2 client id (`admin.clientId`); when unset, the public client the service
    /// names, else [`DEFAULT_CLIENT_ID`].
    pub fn client_id(&self) -> &str {
        self.client_id.as_deref().unwrap_or(DEFAULT_CLIENT_ID)
    }

    /// The OAuth2 token endpoint (`admin.tokenUrl`); when unset, it is discovered from the
    /// endpoint's `/.well-known/oauth-authorization-server` if a token is needed.
    pub fn token_url(&self) -> Option<&str> {
        self.token_url.as_deref()
    }

    /// The request header carrying the bearer token (`admin.authorizationHeader`); when
    /// unset, the one the service names (`authorization_metadata_key`), else `authorization`.
    pub fn auth_header(&self) -> &str {
        self.auth_header.as_deref().unwrap_or("authorization")
    }

    /// The flow that logs in: `admin.authType`; when unset, `ClientSecret` if a client secret
    /// is configured (as in the Python SDK), else `Pkce`.
    pub fn auth_type(&self) -> AuthType {
        match (self.auth_type, &self.client_secret) {
            (Some(t), _) => t,
            (None, Some(_)) => AuthType::ClientSecret,
            (None, None) => AuthType::Pkce,
        }
    }

    /// Whether a flow was chosen (`admin.authType`, or a client secret): then clients log in
    /// by themselves when the service says `unauthenticated`.
    pub fn auth_type_configured(&self) -> bool {
        self.auth_type.is_some() || self.client_secret.is_some()
    }

    /// Whether a client secret was found (the value itself is never exposed).
    pub fn has_client_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// `admin.command`: the `ExternalCommand` flow's program and arguments.
    pub fn command(&self) -> Option<&[String]> {
        self.command.as_deref()
    }

    /// `admin.scopes`: scopes to request instead of the ones the service advertises.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// The wire codec (`admin.codec`: `proto` or `json`).
    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// How long to wait for a TCP (and TLS) connection (`admin.connectTimeout`).
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// How long one attempt of a call may take (`admin.perRetryTimeout`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The limit for a whole call, every attempt and backoff included (default 15 s; set with
    /// [`ConfigBuilder::call_timeout`](crate::config::ConfigBuilder::call_timeout), no file key).
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// Retries after the first attempt, for calls that are safe to repeat (`admin.maxRetries`).
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The cap on the backoff between retries (`admin.maxBackoffDelay`).
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// `task.org`, else the org carried by an app-credentials API key, else derived from the
    /// endpoint as the Python SDK does (see [`Endpoint::derived_org`]).
    pub fn org(&self) -> Option<&str> {
        self.org
            .as_deref()
            .or_else(|| self.endpoint.as_ref().and_then(Endpoint::derived_org))
    }

    /// The project secrets are scoped to (`task.project`, `FLYTE_TASK_PROJECT`), if set.
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// The domain secrets are scoped to (`task.domain`, `FLYTE_TASK_DOMAIN`), if set.
    pub fn domain(&self) -> Option<&str> {
        self.domain.as_deref()
    }

    /// The local dotenv secrets file (`secrets.file`, `FLYTE_SECRETS_FILE`).
    pub fn secrets_file(&self) -> &Path {
        &self.secrets_file
    }

    /// Where the value of `key` (as written in the config file, e.g. `admin.endpoint`,
    /// `task.project`, `secrets.file`) came from: a builder argument, an env var or the config
    /// file; `None` when it is the default.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.origins.iter().find(|(k, _)| *k == key).map(|(_, o)| o)
    }

    /// Where [`endpoint`](Self::endpoint) was set: a builder argument, an env var
    /// (`FLYTE_ADMIN_ENDPOINT`, or `FLYTE_API_KEY` for the endpoint inside app credentials),
    /// or the config file.
    pub fn endpoint_origin(&self) -> Option<&Origin> {
        self.endpoint_origin.as_ref()
    }

    /// The local secret service's data directory, as configured (`FLYTE_SERVER_DATA_DIR` or
    /// the builder); `None` means the default, the user's data directory + `/flyte`.
    pub fn local_data_dir(&self) -> Option<&Path> {
        self.local_data_dir.as_deref()
    }

    /// The API key (`FLYTE_API_KEY` or the builder).
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The config file that was read, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }
}
