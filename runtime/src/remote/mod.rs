//! The client of the Flyte secret service, and the OAuth2 token cache.
//!
//! Speaks Connect (unary HTTP POST) to `flyteidl2.secret.SecretService`, with binary protobuf
//! (`application/proto`, the default) or JSON (`admin.codec: json`), gzip request bodies
//! above 1 KiB, and gzip responses.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use flyte::remote::{Secret, SecretType, StoredSecret};
//!
//! flyte::init(flyte::Config::load()?)?;
//! Secret::create("database-password", "super-secret-string").await?;
//! Secret::create_with("registry-creds", br#"{"auths":{}}"#, SecretType::ImagePull).await?;
//! let s = Secret::get("database-password").await?;
//! println!("{} {:?} {}", s.name(), s.project(), s.secret_type());
//! let mut all = Secret::listall(20);
//! while let Some(s) = all.try_next().await? {
//!     println!("{}", s.name());
//! }
//! let every: Vec<StoredSecret> = Secret::listall(100).try_collect().await?;
//! Secret::update("database-password", "rotated").await?;
//! Secret::delete("database-password").await?;
//! # Ok(()) }
//! ```
//!
//! The README's example, with only `flyte` as a dependency:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use flyte::remote::{Secret, SecretType, StoredSecret};
//! flyte::init(flyte::Config::load()?)?;
//! Secret::create("database-password", "super-secret-string").await?;
//! let s = Secret::get("database-password").await?; // metadata, never the value
//! println!("{} {} {:?}", s.name(), s.secret_type(), s.created_time().map(|t| t.to_string()));
//! let mut all = Secret::listall(20); // lazy, one page at a time
//! while let Some(s) = all.try_next().await? {
//!     println!("{}", s.name());
//! }
//! let ty: SecretType = "image_pull".parse()?;
//! Secret::create_with("registry-creds", br#"{"auths":{}}"#, ty).await?;
//! flyte::remote::blocking::Secret::delete("database-password")?;
//! # Ok(()) }
//! ```
//!
//! - [`Client`]: an explicit client (cheap `Clone`) for code that talks to several endpoints;
//!   the free functions on [`Secret`] use the one set by [`init`].
//! - [`blocking`]: the same without an async runtime.
//! - Retries: get, list, delete and read-value are retried with jittered exponential backoff
//!   on connection errors, timeouts and `unavailable`; create and update only when the
//!   connection could not be made (nothing was sent), never after the request may have
//!   reached the server.
//! - Auth: an API key (`FLYTE_API_KEY`, a bearer token or the Python SDK's app credentials),
//!   a custom [`TokenSource`], or a login ([`AuthType`]: PKCE, device flow, client secret,
//!   external command; [`Client::login`]) whose tokens are kept in a [`TokenStore`] (the
//!   keyring), refreshed once after `unauthenticated`. Where to log in comes from the
//!   service's `AuthMetadataService` (else its `/.well-known/oauth-authorization-server`),
//!   local settings first; the token goes in the header the service names.
//! - Routing: as in the Python SDK, each secret call first asks the configured endpoint's
//!   `ClusterService/SelectCluster` (operation `OPERATION_USE_SECRETS`, resource: the call's
//!   project+domain, else domain, else organization) which endpoint serves it, and goes
//!   there with the same credentials and settings. Answers are cached per resource and shared
//!   by the clients [`Client::with_scope`] derives; an empty answer or `unimplemented` keeps
//!   the configured endpoint; any other SelectCluster failure is [`Error::SelectCluster`].
//!   [`Client::build_request`] always builds for the configured endpoint.

mod backend_kind;
pub mod blocking;
mod client;
mod codec;
mod discovery;
mod error;
mod exchange;
mod global;
pub mod keyring;
mod login;
mod oauth;
mod pool;
mod request;
mod retry;
mod secret;
mod token;
mod transport;

pub use crate::config::AuthType;
pub use client::{Client, ClientBuilder, Operation, SecretList};
pub use error::{Call, Code, DecodeError, Error, Op, TlsProblem, TokenError, printable};
pub use global::{Secret, client, config, init};
pub use login::{
    DEFAULT_LOGIN_TIMEOUT, DeviceCode, LoginInfo, LoginPrompt, SystemBrowser, TokenInfo,
};
pub use retry::RetryPolicy;
pub use secret::{
    ParseSecretTypeError, SecretData, SecretStatus, SecretType, StoredSecret, Timestamp,
};
pub use token::{
    AccessToken, MemoryTokenStore, StaticToken, StoredTokens, TokenSource, TokenStore,
};
pub use transport::routed_endpoint;
