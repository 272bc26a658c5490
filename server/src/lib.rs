//! The local Flyte secret service: `flyteidl2.secret.SecretService` over Connect (HTTP/1.1
//! and h2c, or HTTPS with h2 through ALPN; `application/proto` and `application/json`, gzip),
//! on SQLite, with values encrypted at rest; bearer tokens or an identity provider's JWTs. The stock Python `flyte` SDK and this project's Rust client both talk
//! to it; see `server/README.md` for the protocol, the auth model and the inject extension.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = flyte_server::Server::builder()
//!     .data_dir("/tmp/flyte-data")
//!     .listen("127.0.0.1:0".parse()?)
//!     .build()?
//!     .start()
//!     .await?;
//! println!("{}", server.ready_line());
//! server.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! Synchronous callers use [`Server::start_background`], which runs the server on its own
//! thread and runtime.

mod address;
mod app;
pub mod auth;
mod builder;
mod conn;
mod crypto;
mod error;
mod headers;
mod http;
mod private;
mod rpc_error;
mod running;
mod scope;
mod service;
mod store;
mod tls;

pub use address::{ADDRESS_FILE, Address, read_address};
pub use auth::{
    DEFAULT_LEEWAY, DEFAULT_OIDC_CLIENT_ID, DEFAULT_REDIRECT_URI, INJECT_TOKEN_FILE, InjectToken,
    OidcConfig, Policy, Right, TokenSet, TokensError, read_inject_token,
};
pub use builder::{
    DEFAULT_BODY_BUDGET, DEFAULT_BODY_TIMEOUT, DEFAULT_COMPRESS_MIN, DEFAULT_HEADER_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT, DEFAULT_LISTEN, DEFAULT_MAX_BODY, DEFAULT_MAX_CONNECTIONS, LOCK_FILE,
    ROUTED_CLUSTER, Server, ServerBuilder, TOKENS_ENV,
};
pub use crypto::{KEY_ENV, KEY_FILE, KeyError};
pub use error::StartError;
pub use private::{NotAFile, UnsafeFile};
pub use running::{BackgroundServer, RunningServer, SHUTDOWN_GRACE};
pub use service::validate::{MAX_NAME_LEN, NAME_RULE};
pub use service::{DEFAULT_PAGE_SIZE, LOCAL_CLUSTER, MAX_PAGE_SIZE};
pub use store::{
    DATABASE_FILE, OpenBaoAddress, PostgresConfig, Resealed, StoreConfig, StoreConfigError,
};
pub use tls::TlsFiles;
