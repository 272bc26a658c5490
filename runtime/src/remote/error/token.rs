//! [`TokenError`]: why a token could not be obtained.

use std::time::Duration;

use crate::config::AuthType;

/// Why a token could not be obtained. Never carries a token, a code or a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint (or another identity-provider endpoint) could not be reached or
    /// answered garbage.
    #[error("identity provider endpoint {url} failed")]
    Http {
        /// The token endpoint.
        url: String,
        /// The error from `reqwest`.
        #[source]
        source: reqwest::Error,
    },
    /// The token endpoint refused (`invalid_grant`, an expired refresh token...).
    #[error("token endpoint {url} refused: HTTP {status}{}{}", oauth_error.as_deref().map(|e| format!(", {e}")).unwrap_or_default(), description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        /// The token endpoint.
        url: String,
        /// The HTTP status it answered with.
        status: u16,
        /// The OAuth2 `error` field of the answer, e.g. `invalid_grant`, if it had one.
        oauth_error: Option<String>,
        /// The provider's `error_description`, shortened.
        description: Option<String>,
    },
    /// The token endpoint's answer has no `access_token`.
    #[error("token endpoint {url} answered without an access token")]
    NoAccessToken {
        /// The token endpoint.
        url: String,
    },
    /// No token endpoint is configured and none could be discovered.
    #[error("no token endpoint: set admin.tokenUrl (discovery at {tried} failed)")]
    NoTokenEndpoint {
        /// The discovery URL that was tried (`.../.well-known/oauth-authorization-server`).
        tried: String,
    },
    /// The service advertises no identity provider (its AuthMetadataService is unimplemented
    /// and it has no `/.well-known/oauth-authorization-server`): there is nothing to log in to.
    #[error(
        "{endpoint} names no identity provider (AuthMetadataService is unimplemented and \
         /.well-known/oauth-authorization-server is missing); it needs no login, or set \
         admin.tokenUrl"
    )]
    NoIdentityProvider {
        /// The service asked.
        endpoint: String,
    },
    /// Asking the service where its identity provider is failed.
    #[error("could not learn how to log in to {endpoint}")]
    Discovery {
        /// The service asked.
        endpoint: String,
        /// What the discovery call failed with.
        #[source]
        source: Box<super::Error>,
    },
    /// The flow needs a setting nobody provided (e.g. a client secret, or an IdP without a
    /// device endpoint for the device flow).
    #[error("{flow} login: {missing}")]
    NotConfigured {
        /// The flow chosen.
        flow: AuthType,
        /// The missing setting, and where to set it.
        missing: String,
    },
    /// The person logging in refused (consent denied, login cancelled, device code aborted).
    #[error("login refused at the identity provider: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        /// The OAuth2 `error` code, e.g. `access_denied`.
        error: String,
        /// The identity provider's `error_description`, if any.
        description: Option<String>,
    },
    /// The device code expired before anyone entered it.
    #[error("the device code expired before the login was completed; run the login again")]
    DeviceCodeExpired,
    /// Nobody finished the login in time.
    #[error("no login within {after:?}; run the login again")]
    LoginTimedOut {
        /// How long it waited.
        after: Duration,
    },
    /// The browser came back to the callback with a `state` other than the one sent: a
    /// forged or stale redirect. Nothing was exchanged.
    #[error(
        "the login callback carried the wrong `state` (a stale or forged redirect); nothing was \
         exchanged, run the login again"
    )]
    StateMismatch,
    /// The browser came back with an authorization response from another issuer (`iss`).
    #[error("the login callback came from issuer `{got}`, not `{want}`")]
    IssuerMismatch {
        /// The issuer the login started with.
        want: String,
        /// The issuer the callback named.
        got: String,
    },
    /// The callback came back without a code, or the redirect URI is unusable.
    #[error("login callback: {problem}")]
    Callback {
        /// What was wrong with it.
        problem: String,
    },
    /// The loopback server for the PKCE callback could not listen.
    #[error("cannot listen for the login callback on {addr}")]
    CallbackServer {
        /// The redirect URI's host and port.
        addr: String,
        /// Why it could not listen.
        #[source]
        source: std::io::Error,
    },
    /// The `ExternalCommand` command could not run or failed.
    #[error("the token command `{command}` {problem}; run it in a terminal to see why")]
    Command {
        /// The command, as configured.
        command: String,
        /// What went wrong (exit status, no output, not found).
        problem: String,
    },
    /// A custom token source failed.
    #[error("{0}")]
    Other(String),
}
