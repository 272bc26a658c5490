//! [`ClientBuilder`]: an owned builder for [`Client`].

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderName;

use super::credentials;
use super::http_client::http_client;
use super::routing::Router;
use super::{Client, Inner, Scope};
use crate::config::{ApiKey, AuthType, Codec, Config, ConfigError, Endpoint, Origin};
use crate::remote::codec::DEFAULT_GZIP_THRESHOLD;
use crate::remote::error::Error;
use crate::remote::exchange::Http;
use crate::remote::login::{DEFAULT_LOGIN_TIMEOUT, Discovery, LoginPrompt, Settings};
use crate::remote::request::RequestTemplate;
use crate::remote::retry::RetryPolicy;
use crate::remote::token::{AccessToken, StaticToken, TokenSource, TokenStore};
use crate::remote::transport::{HeaderChoice, Transport};

/// Builds a [`Client`]. Start from defaults ([`Client::builder`]) or from a loaded
/// [`Config`] ([`ClientBuilder::from_config`]); every setter overrides the config.
#[must_use]
#[derive(Debug)]
pub struct ClientBuilder {
    config: Config,
    endpoint_error: Option<ConfigError>,
    tokens: Option<Arc<dyn TokenSource>>,
    token_store: Option<Arc<dyn TokenStore>>,
    gzip_threshold: usize,
    base_backoff: Duration,
    login_auto: Option<bool>,
    login_prompt: Option<Arc<dyn LoginPrompt>>,
    login_timeout: Duration,
    redirect_uri: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ClientBuilder {
    /// Defaults only: no env var or config file is read.
    pub fn new() -> Self {
        Self::from_config(Config::default())
    }

    /// Starts from `config`.
    pub fn from_config(config: Config) -> Self {
        ClientBuilder {
            config,
            endpoint_error: None,
            tokens: None,
            token_store: None,
            gzip_threshold: DEFAULT_GZIP_THRESHOLD,
            base_backoff: Duration::from_millis(100),
            login_auto: None,
            login_prompt: None,
            login_timeout: DEFAULT_LOGIN_TIMEOUT,
            redirect_uri: None,
        }
    }

    /// The service address: `dns:///host:port`, `https://host`, `http://host:port` or `host:port`.
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        match Endpoint::parse(endpoint) {
            Ok(e) => {
                self.config.endpoint = Some(e);
                self.config.endpoint_origin = Some(Origin::Builder);
                self.endpoint_error = None;
            }
            Err(e) => self.endpoint_error = Some(e),
        }
        self
    }

    /// Plaintext HTTP.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.config.insecure = insecure;
        self
    }

    /// Do not read or write the OS keyring token cache (`admin.disableKeyring`).
    pub fn disable_keyring(mut self, disable: bool) -> Self {
        self.config.disable_keyring = disable;
        self
    }

    /// TLS without certificate verification (logged as a warning when the client is built).
    pub fn insecure_skip_verify(mut self, skip: bool) -> Self {
        self.config.insecure_skip_verify = skip;
        self
    }

    /// An extra PEM root certificate (bundle).
    pub fn ca_cert_file_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.ca_cert_file_path = Some(path.into());
        self
    }

    /// The organization sent with every request (`task.org`); when unset, derived as
    /// [`Config::org`] says.
    pub fn org(mut self, org: impl Into<String>) -> Self {
        self.config.org = Some(org.into());
        self
    }

    /// The project to scope secrets to; `""` means none.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.config.project = Some(project.into()).filter(|p| !p.is_empty());
        self
    }

    /// The domain to scope secrets to; `""` means none.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.config.domain = Some(domain.into()).filter(|d| !d.is_empty());
        self
    }

    /// The wire codec (default [`Codec::Proto`]).
    pub fn codec(mut self, codec: Codec) -> Self {
        self.config.codec = codec;
        self
    }

    /// The limit for one attempt of a call (connecting, sending, reading the answer).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// The limit for a whole call, every attempt and backoff included (default
    /// [`DEFAULT_CALL_TIMEOUT`](crate::config::DEFAULT_CALL_TIMEOUT), 15 s).
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.config.call_timeout = timeout;
        self
    }

    /// The limit for opening a TCP (and TLS) connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt (for calls that are safe to repeat).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.config.max_retries = retries;
        self
    }

    /// The first backoff between attempts (doubled each retry, capped by
    /// [`max_backoff`](Self::max_backoff)). Default 100 ms.
    pub fn base_backoff(mut self, base: Duration) -> Self {
        self.base_backoff = base;
        self
    }

    /// The cap on the backoff between attempts.
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.config.max_backoff = max;
        self
    }

    /// The header carrying `Bearer <token>` (default `authorization`).
    pub fn auth_header(mut self, name: impl Into<String>) -> Self {
        self.config.auth_header = Some(name.into());
        self
    }

    /// An API key: a bearer token, or the Python SDK's encoded app credentials. Refuses an
    /// empty or padded key.
    pub fn api_key(mut self, key: impl Into<String>) -> Result<Self, Error> {
        self.config.api_key = Some(ApiKey::new(key)?);
        Ok(self)
    }

    /// A custom token source; overrides the API key and the token cache.
    pub fn token_source(mut self, tokens: Arc<dyn TokenSource>) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// A token cache (default: the OS keyring, unless disabled): its access token is sent, and refreshed with its
    /// refresh token at the token endpoint after an `unauthenticated` answer.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// The OAuth2 token endpoint (else discovered from the service).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.config.token_url = Some(url.into());
        self
    }

    /// The OAuth2 client id (`admin.clientId`; else the service's public client).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.config.client_id = Some(id.into());
        self
    }

    /// The login flow (`admin.authType`). Setting one also lets the client log in by itself
    /// after `unauthenticated` (see [`login_on_unauthenticated`](Self::login_on_unauthenticated)).
    pub fn auth_type(mut self, flow: AuthType) -> Self {
        self.config.auth_type = Some(flow);
        self
    }

    /// Whether an `unauthenticated` answer that a refresh cannot fix runs the login flow
    /// (a browser or device code for the interactive flows), as the Python SDK does. Default:
    /// when a flow is configured (`admin.authType` or a client secret); the `flyte` CLI
    /// always. Otherwise the call fails as unauthenticated and [`Client::login`] logs in.
    pub fn login_on_unauthenticated(mut self, auto: bool) -> Self {
        self.login_auto = Some(auto);
        self
    }

    /// How a person is asked to log in (default [`SystemBrowser`](crate::remote::SystemBrowser)).
    pub fn login_prompt(mut self, prompt: Arc<dyn LoginPrompt>) -> Self {
        self.login_prompt = Some(prompt);
        self
    }

    /// How long an interactive login (or the token command) may take (default
    /// [`DEFAULT_LOGIN_TIMEOUT`], 5 minutes).
    pub fn login_timeout(mut self, timeout: Duration) -> Self {
        self.login_timeout = timeout;
        self
    }

    /// The PKCE redirect URI (default: the service's, else
    /// `http://localhost:53593/callback`). A loopback `http://` URL; port 0 picks a free port.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// `admin.scopes`: the scopes to request (default: the service's).
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.config.scopes = Some(scopes);
        self
    }

    /// Request bodies of at least this many bytes are gzip-compressed (default 1024;
    /// `usize::MAX` never compresses, 0 always does).
    pub fn gzip_threshold(mut self, bytes: usize) -> Self {
        self.gzip_threshold = bytes;
        self
    }

    /// The local service's data directory, used when no endpoint is configured (see
    /// [`crate::local`]).
    pub fn local_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.local_data_dir = Some(dir.into());
        self
    }

    /// Builds the client. With no endpoint configured it uses the local secret service
    /// ([`crate::local`]): attaches to a running `flyte serve`, or starts one in-process that
    /// lives as long as the client (and its clones).
    pub fn build(mut self) -> Result<Client, Error> {
        if let Some(e) = self.endpoint_error {
            return Err(e.into());
        }
        let local = local_default(&mut self.config)?;
        let mut tokens = self.tokens;
        let mut inject_token = false;
        if tokens.is_none() && self.config.api_key.is_none() {
            tokens = local_token(&self.config, local.as_deref());
            inject_token = tokens.is_some();
        }
        let cfg = &self.config;
        let endpoint = cfg.endpoint.as_ref().ok_or(ConfigError::MissingEndpoint)?;
        let base_url = endpoint.base_url(cfg.insecure);
        let configured_header = cfg
            .auth_header
            .as_ref()
            .map(|h| {
                HeaderName::from_str(h).map_err(|_| ConfigError::InvalidValue {
                    key: "admin.authorizationHeader",
                    origin: Origin::Builder,
                    value: h.clone(),
                    expected: "an HTTP header name",
                })
            })
            .transpose()?;
        let auth_header = Arc::new(HeaderChoice::new(configured_header));
        let http = Http::new(http_client(cfg, endpoint)?, cfg, endpoint);
        let template = RequestTemplate::new(
            base_url.clone(),
            cfg.codec,
            self.gzip_threshold,
            Some(cfg.timeout),
        );
        let retry = RetryPolicy {
            max_retries: cfg.max_retries,
            base: self.base_backoff,
            max_backoff: cfg.max_backoff,
        };
        let transport = |tokens| Transport {
            http: http.clone(),
            template: template.clone(),
            endpoint: base_url.clone(),
            timeout: cfg.timeout,
            call_timeout: cfg.call_timeout,
            retry,
            tokens,
            auth_header: auth_header.clone(),
        };
        // The service's AuthMetadataService is public: asked without credentials.
        let discovery = Arc::new(Discovery::new(
            transport(None),
            Settings {
                token_endpoint: cfg.token_url.clone(),
                client_id: cfg.client_id.clone(),
                scopes: cfg.scopes.clone(),
                redirect_uri: self.redirect_uri.clone(),
                ..Settings::default()
            },
            auth_header.clone(),
        ));
        let (tokens, login) = credentials::token_source(
            cfg,
            endpoint,
            &discovery,
            credentials::Sources {
                explicit: tokens,
                store: self.token_store,
                login_auto: self.login_auto,
                prompt: self.login_prompt,
                timeout: self.login_timeout,
            },
        );
        let transport = transport(tokens);
        let scope = Scope {
            org: cfg.org().unwrap_or_default().to_owned(),
            project: cfg.project.clone().unwrap_or_default(),
            domain: cfg.domain.clone().unwrap_or_default(),
        };
        let transport = Arc::new(transport);
        Ok(Client {
            inner: Arc::new(Inner {
                router: Arc::new(Router::new(
                    transport.clone(),
                    self.config.clone(),
                    // The inject token is this one service's: a routed endpoint never gets it.
                    if inject_token {
                        None
                    } else {
                        transport.tokens.clone()
                    },
                )),
                route: std::sync::OnceLock::new(),
                transport,
                scope,
                codec: cfg.codec,
                local,
                login,
            }),
        })
    }
}

#[cfg(feature = "local")]
pub(crate) type Local = Arc<crate::local::LocalService>;
#[cfg(not(feature = "local"))]
pub(crate) type Local = std::convert::Infallible;

/// With no endpoint: the local service, whose URL becomes the endpoint (plaintext loopback,
/// no keyring: it is not an OAuth2 service).
#[cfg(feature = "local")]
fn local_default(config: &mut Config) -> Result<Option<Local>, Error> {
    if config.endpoint.is_some() {
        return Ok(None);
    }
    let local = crate::local::LocalService::open(config.local_data_dir.as_deref())?;
    config.endpoint = Some(Endpoint::parse(local.url())?);
    config.insecure = true;
    config.disable_keyring = true;
    Ok(Some(local))
}

#[cfg(not(feature = "local"))]
fn local_default(_: &mut Config) -> Result<Option<Local>, Error> {
    Ok(None)
}

/// The local service's inject token: the one this client uses, or, for a configured loopback
/// endpoint, the advertised `flyte serve`'s when it is that endpoint.
#[cfg(feature = "local")]
fn local_token(
    config: &Config,
    local: Option<&crate::local::LocalService>,
) -> Option<Arc<dyn TokenSource>> {
    let token = match local {
        Some(l) => l.token().cloned(),
        None => {
            crate::local::token_for(config.endpoint.as_ref()?, config.local_data_dir.as_deref())
        }
    }?;
    Some(Arc::new(StaticToken(AccessToken::new(token.expose()))))
}

#[cfg(not(feature = "local"))]
fn local_token(_: &Config, _: Option<&Local>) -> Option<Arc<dyn TokenSource>> {
    None
}
