//! Logging in as Flyte users do: the flows of `admin.authType` (PKCE, device flow, client
//! secret, external command), the service's AuthMetadataService for where to log in, tokens
//! kept in the token store (the OS keyring, in the Python SDK's layout).
//!
//! [`Login`] is the client's [`TokenSource`]: it sends the stored access token; after an
//! `unauthenticated` answer it refreshes once with the stored refresh token (a refused
//! refresh deletes the stored tokens) and, when allowed, runs the configured flow. Nothing is
//! stored until a flow or a refresh completed.

mod callback;
mod claims;
mod command;
mod device;
mod pkce;
mod prompt;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use tokio::sync::Mutex;
use zeroize::Zeroizing;

pub(crate) use crate::remote::discovery::{Discovery, Settings};
pub use claims::TokenInfo;
pub use prompt::{DeviceCode, LoginPrompt, SystemBrowser};

use super::error::TokenError;
use super::keyring::BackendKind;
use super::oauth::{Granted, TokenEndpoint, basic_auth};
use super::token::{AccessToken, StoredTokens, TokenSource, TokenStore};
use crate::config::{AuthType, ClientSecret, DEFAULT_CLIENT_ID};

/// How long a person has to finish an interactive login (and a command to print a token).
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(300);

/// What a completed login got. Never holds a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginInfo {
    /// The flow that ran.
    pub flow: AuthType,
    /// What the access token claims (identity, expiry), when it is a JWT.
    pub token: TokenInfo,
    /// When the access token expires: its `exp`, else what the token endpoint said.
    pub expires_at: Option<SystemTime>,
    /// Whether a refresh token came with it.
    pub refresh_token: bool,
    /// Whether the tokens went to a token store: false when the keyring is disabled or
    /// failed ([`not_stored`](Self::not_stored) says which).
    pub stored: bool,
    /// The keyring backend that holds them, when stored there.
    pub stored_in: Option<BackendKind>,
    /// Why they were not stored (one line, no token), when not.
    pub not_stored: Option<String>,
}

/// What a [`Login`] needs besides the token endpoint.
pub(crate) struct LoginOptions {
    pub flow: AuthType,
    /// `admin.authType` (or a client secret) was configured.
    pub flow_configured: bool,
    /// Log in by itself after `unauthenticated` (interactive flows included).
    pub auto: bool,
    pub store: Option<Arc<dyn TokenStore>>,
    pub prompt: Arc<dyn LoginPrompt>,
    pub timeout: Duration,
    pub client_secret: Option<ClientSecret>,
    pub client_secret_hint: Option<String>,
    pub command: Option<Vec<String>>,
}

/// The token source that logs in (see the module docs).
pub(crate) struct Login {
    endpoint: TokenEndpoint,
    opts: LoginOptions,
    /// `None` until first loaded from the store.
    current: Mutex<Option<Option<StoredTokens>>>,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("flow", &self.opts.flow)
            .field("auto", &self.opts.auto)
            .field("store", &self.opts.store)
            .field("client_secret", &self.opts.client_secret)
            .finish_non_exhaustive()
    }
}

fn access(tokens: &Option<StoredTokens>) -> Option<AccessToken> {
    tokens
        .as_ref()
        .filter(|t| !t.access_token.is_empty())
        .map(|t| AccessToken::new(t.access_token.as_str()))
}

impl Login {
    pub(crate) fn new(endpoint: TokenEndpoint, opts: LoginOptions) -> Self {
        Login {
            endpoint,
            opts,
            current: Mutex::new(None),
        }
    }

    /// `; admin.clientSecretEnvVar ... names $S, which is not set`, when a configured secret
    /// was not found (the likely reason a non-interactive flow was not chosen).
    fn secret_hint(&self) -> String {
        self.opts
            .client_secret_hint
            .as_deref()
            .map(|h| format!("; {h}"))
            .unwrap_or_default()
    }

    /// May the flow run without being asked to ([`Login::login`])?
    fn may_log_in(&self) -> bool {
        self.opts.auto || (self.opts.flow_configured && !self.opts.flow.is_interactive())
    }

    async fn load(&self) -> Option<StoredTokens> {
        let store = self.opts.store.clone()?;
        tokio::task::spawn_blocking(move || store.load())
            .await
            .ok()
            .flatten()
    }

    async fn save(&self, tokens: &StoredTokens) -> Result<Option<BackendKind>, String> {
        let Some(store) = self.opts.store.clone() else {
            return Err(crate::remote::keyring::DISABLED_REASON.into());
        };
        let saved = tokens.clone();
        tokio::task::spawn_blocking(move || store.try_save(&saved))
            .await
            .unwrap_or_else(|_| Err("the token store panicked".into()))
    }

    async fn delete(&self) {
        if let Some(store) = self.opts.store.clone() {
            let _ = tokio::task::spawn_blocking(move || store.delete()).await;
        }
    }

    /// The refresh grant with the stored refresh token.
    async fn refresh_grant(&self, refresh: &str) -> Result<StoredTokens, TokenError> {
        let local = self.endpoint.discovery.local();
        let client_id = match (&local.token_endpoint, &local.client_id) {
            (Some(_), Some(id)) => id.clone(),
            _ => self
                .endpoint
                .discovery
                .settings()
                .await?
                .client_id
                .clone()
                .unwrap_or_else(|| DEFAULT_CLIENT_ID.to_owned()),
        };
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", client_id.as_str()),
        ];
        let url = self.endpoint.url().await?;
        let granted = self.endpoint.post(&url, &form, None).await?;
        let Some(access) = granted.access_token else {
            return Err(TokenError::NoAccessToken { url });
        };
        Ok(StoredTokens {
            access_token: access,
            // An answer without a new refresh token keeps the old one.
            refresh_token: granted
                .refresh_token
                .or_else(|| Some(Zeroizing::new(refresh.to_owned()))),
        })
    }

    /// Runs the configured flow to its end.
    async fn run_flow(&self) -> Result<(StoredTokens, Option<u64>), TokenError> {
        let flow = self.opts.flow;
        let timeout = self.opts.timeout;
        let granted: Granted = match flow {
            AuthType::ExternalCommand => {
                let command = self.opts.command.as_deref().unwrap_or_default();
                if command.is_empty() {
                    return Err(TokenError::NotConfigured {
                        flow,
                        missing: "no command: set admin.command (a list: program and arguments)"
                            .into(),
                    });
                }
                Granted {
                    access_token: Some(command::token(command, timeout).await?),
                    ..Granted::default()
                }
            }
            AuthType::ClientSecret => {
                let secret =
                    self.opts
                        .client_secret
                        .as_ref()
                        .ok_or_else(|| TokenError::NotConfigured {
                            flow,
                            missing: format!(
                                "no client secret: set admin.clientSecretLocation (a file) or \
                             admin.clientSecretEnvVar (a variable holding it){}",
                                self.secret_hint()
                            ),
                        })?;
                let Some(client_id) = self.endpoint.discovery.local().client_id.clone() else {
                    return Err(TokenError::NotConfigured {
                        flow,
                        missing: "no client id: set admin.clientId".into(),
                    });
                };
                let s = self.endpoint.discovery.settings().await?;
                let basic = basic_auth(&client_id, &secret.value);
                let scope = s.scopes.as_ref().map(|s| s.join(" "));
                let mut form = vec![("grant_type", "client_credentials")];
                if let Some(scope) = scope.as_deref().filter(|s| !s.is_empty()) {
                    form.push(("scope", scope));
                }
                if let Some(aud) = s.audience.as_deref() {
                    form.push(("audience", aud));
                }
                self.endpoint.grant(&form, Some(&basic)).await?
            }
            AuthType::Pkce => {
                // After discovery: a service that needs no login says so first.
                let s = self.endpoint.discovery.settings().await?;
                // Waiting out the deadline for a browser nobody can open helps no one (a CI
                // job, a cron job): say so, and what logs in without a person.
                if let Some(why) = self.opts.prompt.unattended() {
                    return Err(TokenError::NotConfigured {
                        flow,
                        missing: format!(
                            "nobody can log in here: {why}; to log in without a person set \
                             admin.authType: ClientSecret (admin.clientId with \
                             admin.clientSecretEnvVar or admin.clientSecretLocation), or \
                             ExternalCommand (admin.command), or set FLYTE_API_KEY; for a person \
                             on another screen use DeviceFlow, or set $BROWSER{}",
                            self.secret_hint()
                        ),
                    });
                }
                pkce::login(&self.endpoint, &s, &self.opts.prompt, timeout).await?
            }
            AuthType::DeviceFlow => {
                let s = self.endpoint.discovery.settings().await?;
                device::login(&self.endpoint, &s, &self.opts.prompt, timeout).await?
            }
        };
        let Some(access) = granted.access_token else {
            return Err(TokenError::NoAccessToken {
                url: self.endpoint.url().await.unwrap_or_default(),
            });
        };
        Ok((
            StoredTokens {
                access_token: access,
                refresh_token: granted.refresh_token,
            },
            granted.expires_in,
        ))
    }

    /// Runs the flow now, whatever is stored, and stores what it got.
    pub(crate) async fn login(&self) -> Result<LoginInfo, TokenError> {
        let mut current = self.current.lock().await;
        let (tokens, expires_in) = self.run_flow().await?;
        let saved = self.save(&tokens).await;
        let info = self.info(&tokens, expires_in, saved);
        *current = Some(Some(tokens));
        Ok(info)
    }

    fn info(
        &self,
        tokens: &StoredTokens,
        expires_in: Option<u64>,
        saved: Result<Option<BackendKind>, String>,
    ) -> LoginInfo {
        let token = TokenInfo::peek(&tokens.access_token).unwrap_or_default();
        let expires_at = token.expires_at.or_else(|| {
            expires_in.and_then(|s| SystemTime::now().checked_add(Duration::from_secs(s)))
        });
        LoginInfo {
            flow: self.opts.flow,
            token,
            expires_at,
            refresh_token: tokens.refresh_token.is_some(),
            stored: saved.is_ok(),
            stored_in: saved.as_ref().ok().copied().flatten(),
            not_stored: saved.err(),
        }
    }

    /// After the stored access token was refused: refresh, else log in when allowed.
    /// `tokens` becomes `None` when the stored tokens were deleted.
    async fn renew(
        &self,
        tokens: &mut Option<StoredTokens>,
    ) -> Result<Option<StoredTokens>, TokenError> {
        if let Some(refresh) = tokens.as_ref().and_then(|t| t.refresh_token.clone()) {
            match self.refresh_grant(&refresh).await {
                Ok(fresh) => return Ok(Some(fresh)),
                Err(e @ TokenError::Refused { .. }) => {
                    tracing::debug!("token refresh refused; deleting the stored tokens");
                    self.delete().await;
                    *tokens = None;
                    if !self.may_log_in() {
                        return Err(e);
                    }
                    tracing::info!("the refresh token was refused; logging in again");
                }
                // The provider is down or unreachable: the refresh token may still be good.
                Err(e) => return Err(e),
            }
        } else if tokens.is_some() && self.may_log_in() {
            // Refused and nothing to refresh with: the stored token is of no use.
            self.delete().await;
            *tokens = None;
        }
        if !self.may_log_in() {
            return Ok(None);
        }
        match self.run_flow().await {
            Ok((fresh, _)) => Ok(Some(fresh)),
            // Nothing to log in to: the call fails as unauthenticated.
            Err(TokenError::NoIdentityProvider { endpoint }) if !self.opts.flow_configured => {
                tracing::debug!(%endpoint, "unauthenticated, and no identity provider to log in with");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

impl TokenSource for Login {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if current.is_none() {
                *current = Some(self.load().await);
            }
            let tokens = current.as_ref().and_then(|t| t.as_ref());
            if tokens.is_none() && self.opts.flow_configured && !self.opts.flow.is_interactive() {
                // As the Python SDK: a non-interactive flow gets its token before the first
                // call instead of after an `unauthenticated` answer.
                let (fresh, _) = self.run_flow().await?;
                let _ = self.save(&fresh).await;
                *current = Some(Some(fresh));
            }
            Ok(current.as_ref().and_then(access))
        })
    }

    fn refresh<'a>(
        &'a self,
        stale: Option<&'a AccessToken>,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            let mut tokens = match current.take() {
                Some(t) => t,
                None => self.load().await,
            };
            let now = access(&tokens);
            if now.is_some() && now.as_ref() != stale {
                // Another call renewed it meanwhile.
                *current = Some(tokens);
                return Ok(now);
            }
            match self.renew(&mut tokens).await {
                Ok(Some(fresh)) => {
                    let _ = self.save(&fresh).await;
                    let token = access(&Some(fresh.clone()));
                    *current = Some(Some(fresh));
                    Ok(token)
                }
                Ok(None) => {
                    *current = Some(tokens);
                    Ok(None)
                }
                Err(e) => {
                    *current = Some(tokens);
                    Err(e)
                }
            }
        })
    }
}
