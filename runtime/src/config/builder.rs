//! [`ConfigBuilder`]: explicit values on top of env vars on top of the config file.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::error::ConfigError;
use super::file::{ConfigFile, SearchInputs, search};
use super::keys::{self, Raw};
use super::origin::Origin;
use super::pod::Pod;
use super::sources::{Sources, client_secret, codec, header_name, pick, string};
use super::{ApiKey, AuthType, Codec, Config, Endpoint};

type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Builds a [`Config`]. Owned: each method takes and returns the builder.
///
/// ```no_run
/// # fn main() -> Result<(), flyte::config::ConfigError> {
/// let config = flyte::Config::builder()
///     .endpoint("dns:///127.0.0.1:8090")
///     .insecure(true)
///     .project("flytesnacks")
///     .build()?;
/// # Ok(()) }
/// ```
///
/// By default [`build`](ConfigBuilder::build) reads the process env and searches for a config
/// file; tests point both elsewhere with [`env_lookup`](ConfigBuilder::env_lookup),
/// [`cwd`](ConfigBuilder::cwd) and [`home`](ConfigBuilder::home), so they never write the
/// process environment.
#[must_use]
#[derive(Default)]
pub struct ConfigBuilder {
    file: Option<PathBuf>,
    no_file_search: bool,
    env: Option<EnvLookup>,
    cwd: Option<PathBuf>,
    home: Option<PathBuf>,
    endpoint: Option<String>,
    insecure: Option<bool>,
    insecure_skip_verify: Option<bool>,
    ca_cert_file_path: Option<PathBuf>,
    disable_keyring: Option<bool>,
    client_id: Option<String>,
    token_url: Option<String>,
    auth_header: Option<String>,
    codec: Option<Codec>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_backoff: Option<Duration>,
    org: Option<String>,
    project: Option<String>,
    domain: Option<String>,
    secrets_file: Option<PathBuf>,
    local_data_dir: Option<PathBuf>,
    api_key: Option<String>,
    auth_type: Option<AuthType>,
    client_secret: Option<String>,
    command: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty => $conv:expr;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            let conv: fn($ty) -> _ = $conv;
            self.$name = Some(conv(value.into()));
            self
        }
    )*};
}

impl ConfigBuilder {
    /// A builder with nothing set: [`build`](ConfigBuilder::build) then reads the process
    /// env and searches for a config file, as [`Config::load`] does.
    pub fn new() -> Self {
        ConfigBuilder::default()
    }

    /// Read this config file instead of searching (it must exist).
    pub fn file(mut self, path: impl Into<PathBuf>) -> Self {
        self.file = Some(path.into());
        self
    }

    /// Do not search for a config file (an explicit [`file`](Self::file) is still read).
    pub fn no_file_search(mut self) -> Self {
        self.no_file_search = true;
        self
    }

    /// Read env vars through `lookup` instead of the process environment.
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Box::new(lookup));
        self
    }

    /// Ignore env vars altogether.
    pub fn no_env(self) -> Self {
        self.env_lookup(|_| None)
    }

    /// The working directory the file search starts from (default: the process's).
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// The home directory for `~/.union` and `~/.flyte` (default: the user's).
    pub fn home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home = Some(dir.into());
        self
    }

    setters! {
        /// `admin.endpoint`, parsed by [`Endpoint::parse`] at build time.
        endpoint: String => |v| v;
        /// `admin.insecure`: plaintext HTTP.
        insecure: bool => |v| v;
        /// `admin.insecureSkipVerify`: TLS without certificate verification.
        insecure_skip_verify: bool => |v| v;
        /// `admin.caCertFilePath`: an extra PEM root certificate.
        ca_cert_file_path: PathBuf => |v| v;
        /// `admin.disableKeyring`.
        disable_keyring: bool => |v| v;
        /// `admin.clientId`.
        client_id: String => |v| v;
        /// `admin.tokenUrl`.
        token_url: String => |v| v;
        /// `admin.authorizationHeader`.
        auth_header: String => |v| v;
        /// `admin.codec`.
        codec: Codec => |v| v;
        /// `admin.connectTimeout`.
        connect_timeout: Duration => |v| v;
        /// `admin.perRetryTimeout`: the limit for one attempt of a call.
        timeout: Duration => |v| v;
        /// The limit for a whole call, every attempt and backoff included (default
        /// [`DEFAULT_CALL_TIMEOUT`](crate::config::DEFAULT_CALL_TIMEOUT); no file key).
        call_timeout: Duration => |v| v;
        /// `admin.maxRetries`.
        max_retries: u32 => |v| v;
        /// `admin.maxBackoffDelay`.
        max_backoff: Duration => |v| v;
        /// `task.org`.
        org: String => |v| v;
        /// `task.project`.
        project: String => |v| v;
        /// `task.domain`.
        domain: String => |v| v;
        /// `secrets.file`.
        secrets_file: PathBuf => |v| v;
        /// The local secret service's data directory, used when no endpoint is configured
        /// (else `FLYTE_SERVER_DATA_DIR`, else the user's data directory + `/flyte`).
        local_data_dir: PathBuf => |v| v;
        /// The API key (else `FLYTE_API_KEY`).
        api_key: String => |v| v;
        /// `admin.authType`: the flow that logs in.
        auth_type: AuthType => |v| v;
        /// The client secret of the `ClientSecret` flow (else `admin.clientSecretEnvVar`,
        /// else `admin.clientSecretLocation`).
        client_secret: String => |v| v;
        /// `admin.command`: the `ExternalCommand` flow's command and its arguments.
        command: Vec<String> => |v| v;
        /// `admin.scopes`: the scopes to request (else those the service advertises).
        scopes: Vec<String> => |v| v;
    }

    /// Resolves every value: builder argument, else env var, else the config file, else the
    /// default. The config file is the explicit [`file`](Self::file), else the first of
    /// `./.flyte/config.yaml`, `<git root>/.flyte/config.yaml`, `$UCTL_CONFIG`,
    /// `$FLYTECTL_CONFIG`, `~/.union/config.yaml`, `~/.flyte/config.yaml`.
    pub fn build(self) -> Result<Config, ConfigError> {
        let process_env = |name: &str| std::env::var(name).ok();
        let env: &dyn Fn(&str) -> Option<String> = match &self.env {
            Some(f) => f.as_ref(),
            None => &process_env,
        };
        let cwd = self.cwd.clone().or_else(|| std::env::current_dir().ok());
        let home = self.home.clone().or_else(dirs::home_dir);
        let inputs = SearchInputs {
            explicit: self.file.as_deref(),
            cwd: if self.no_file_search {
                None
            } else {
                cwd.as_deref()
            },
            home: if self.no_file_search {
                None
            } else {
                home.as_deref()
            },
            env: if self.no_file_search { &|_| None } else { env },
        };
        let file = search(&inputs)?.map(|p| ConfigFile::read(&p)).transpose()?;
        let src = Sources {
            env,
            file: file.as_ref(),
            origins: std::cell::RefCell::new(Vec::new()),
        };

        // In a task pod, the control plane's key when nothing else is configured to log in.
        let pod = Pod::detect(&src);
        let logs_in_otherwise = self.auth_type.is_some() || src.get(keys::AUTH_TYPE)?.is_some();
        let (api_key, api_key_origin) = match self.api_key {
            Some(k) => (Some(ApiKey::new(k)?), Origin::Builder),
            None => match src.env_raw(keys::API_KEY_ENV).or_else(|| {
                pod.as_ref()
                    .filter(|_| !logs_in_otherwise)
                    .and_then(Pod::api_key)
            }) {
                Some(r) => (Some(ApiKey::new(r.value)?), r.origin),
                None => (None, Origin::Builder),
            },
        };
        let app = api_key.as_ref().and_then(ApiKey::app_credentials);

        // The API key's endpoint stands in for a config-file endpoint, as in the Python CLI;
        // an env var or a builder argument still wins.
        // A pod without an API key takes the platform's endpoint override first, as Python.
        let pod_endpoint = pod
            .as_ref()
            .filter(|_| api_key.is_none())
            .and_then(Pod::endpoint);
        let endpoint = match self.endpoint {
            Some(e) => Some((e, Origin::Builder)),
            None => match pod_endpoint.or_else(|| src.env_only(keys::ENDPOINT)) {
                Some(r) => Some((r.value, r.origin)),
                None => match &app {
                    Some(app) => Some((app.endpoint.clone(), api_key_origin.clone())),
                    None => src.file_only(keys::ENDPOINT)?.map(|r| (r.value, r.origin)),
                },
            },
        };
        let (endpoint, endpoint_origin) = match endpoint {
            Some((e, origin)) => (Some(Endpoint::parse(&e)?), Some(origin)),
            None => (None, None),
        };
        let org = match self.org {
            Some(o) => Some((o, Origin::Builder)),
            None => match src.get(keys::ORG)? {
                Some(r) => Some((r.value, r.origin)),
                None => match app.and_then(|a| a.org) {
                    Some(o) => Some((o, api_key_origin.clone())),
                    None => pod.as_ref().and_then(Pod::org).map(|r| (r.value, r.origin)),
                },
            },
        };
        let org = org.map(|(o, origin)| {
            src.origins.borrow_mut().push((keys::ORG.0, origin));
            o
        });
        if let Some(origin) = &endpoint_origin {
            src.origins
                .borrow_mut()
                .push((keys::ENDPOINT.0, origin.clone()));
        }

        let auth_type = match self.auth_type {
            Some(t) => Some(t),
            None => src
                .get(keys::AUTH_TYPE)?
                .map(|raw| {
                    raw.value
                        .parse::<AuthType>()
                        .map_err(|source| ConfigError::InvalidAuthType {
                            origin: raw.origin.clone(),
                            source,
                        })
                })
                .transpose()?,
        };
        let (client_secret, client_secret_hint) = client_secret(self.client_secret, &src)?;
        let command = match self.command {
            Some(c) => Some(c),
            None => src.get_list(keys::COMMAND)?,
        };
        let scopes = match self.scopes {
            Some(s) => Some(s),
            None => src.get_list(keys::SCOPES)?,
        };

        let d = Config::default();
        let mut config = Config {
            endpoint,
            endpoint_origin,
            insecure: pick(self.insecure, &src, keys::INSECURE, Raw::to_bool)?
                .unwrap_or(d.insecure),
            insecure_skip_verify: pick(
                self.insecure_skip_verify,
                &src,
                keys::INSECURE_SKIP_VERIFY,
                Raw::to_bool,
            )?
            .unwrap_or(d.insecure_skip_verify),
            ca_cert_file_path: pick(
                self.ca_cert_file_path,
                &src,
                keys::CA_CERT_FILE_PATH,
                |r, _| Ok(PathBuf::from(&r.value)),
            )?,
            disable_keyring: pick(
                self.disable_keyring,
                &src,
                keys::DISABLE_KEYRING,
                Raw::to_bool,
            )?
            // A pod has no one's keychain, and its tokens die with it (Python's in-cluster init).
            .unwrap_or(d.disable_keyring || pod.is_some()),
            client_id: pick(self.client_id, &src, keys::CLIENT_ID, string)?,
            token_url: pick(self.token_url, &src, keys::TOKEN_URL, string)?,
            auth_header: pick(self.auth_header, &src, keys::AUTH_HEADER, header_name)?,
            codec: pick(self.codec, &src, keys::CODEC, codec)?.unwrap_or(d.codec),
            connect_timeout: pick(
                self.connect_timeout,
                &src,
                keys::CONNECT_TIMEOUT,
                Raw::to_duration,
            )?
            .unwrap_or(d.connect_timeout),
            timeout: pick(
                self.timeout,
                &src,
                keys::PER_RETRY_TIMEOUT,
                Raw::to_duration,
            )?
            .unwrap_or(d.timeout),
            call_timeout: self.call_timeout.unwrap_or(d.call_timeout),
            max_retries: pick(self.max_retries, &src, keys::MAX_RETRIES, Raw::to_u32)?
                .unwrap_or(d.max_retries),
            max_backoff: pick(
                self.max_backoff,
                &src,
                keys::MAX_BACKOFF_DELAY,
                Raw::to_duration,
            )?
            .unwrap_or(d.max_backoff),
            org,
            project: pick(self.project, &src, keys::PROJECT, string)?
                .or_else(|| from_pod(&src, keys::PROJECT, pod.as_ref().and_then(Pod::project))),
            domain: pick(self.domain, &src, keys::DOMAIN, string)?
                .or_else(|| from_pod(&src, keys::DOMAIN, pod.as_ref().and_then(Pod::domain))),
            secrets_file: pick(self.secrets_file, &src, keys::SECRETS_FILE, |r, _| {
                Ok(PathBuf::from(&r.value))
            })?
            .unwrap_or(d.secrets_file),
            local_data_dir: self.local_data_dir.or_else(|| {
                src.env_raw(keys::LOCAL_DATA_DIR_ENV)
                    .map(|r| r.value.into())
            }),
            api_key,
            auth_type,
            client_secret,
            client_secret_hint,
            command,
            scopes,
            source: file.as_ref().map(|f| f.path().to_owned()),
            origins: Vec::new(),
        };
        config.origins = src.origins.into_inner();
        Ok(config)
    }
}

/// A pod's value for `key`, with where it came from.
fn from_pod(src: &Sources<'_>, key: keys::Key, raw: Option<Raw>) -> Option<String> {
    let raw = raw?;
    src.origins.borrow_mut().push((key.0, raw.origin));
    Some(raw.value)
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("file", &self.file)
            .field("endpoint", &self.endpoint)
            .field("project", &self.project)
            .field("domain", &self.domain)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("auth_type", &self.auth_type)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .finish_non_exhaustive()
    }
}
