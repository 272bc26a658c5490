//! OAuth2 against the token endpoint: refreshing cached tokens ([`RefreshingTokens`]) and the
//! client-credentials grant for app-credential API keys ([`ClientCredentials`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell};
use zeroize::Zeroizing;

use super::error::TokenError;
use super::token::{AccessToken, StoredTokens, TokenSource, TokenStore};

/// Where the token endpoint is: configured, or discovered from the service's
/// `/.well-known/oauth-authorization-server` on first use.
#[derive(Debug)]
pub(crate) struct TokenEndpoint {
    http: reqwest::Client,
    configured: Option<String>,
    base_url: String,
    timeout: Duration,
    discovered: OnceCell<String>,
}

#[derive(Deserialize)]
struct Metadata {
    token_endpoint: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
}

impl TokenEndpoint {
    pub(crate) fn new(
        http: reqwest::Client,
        configured: Option<String>,
        base_url: String,
        timeout: Duration,
    ) -> Self {
        TokenEndpoint {
            http,
            configured,
            base_url,
            timeout,
            discovered: OnceCell::new(),
        }
    }

    async fn url(&self) -> Result<String, TokenError> {
        if let Some(url) = &self.configured {
            return Ok(url.clone());
        }
        let tried = format!("{}/.well-known/oauth-authorization-server", self.base_url);
        let url = self
            .discovered
            .get_or_try_init(|| async {
                let fail = || TokenError::NoTokenEndpoint {
                    tried: tried.clone(),
                };
                let resp = self
                    .http
                    .get(&tried)
                    .timeout(self.timeout)
                    .send()
                    .await
                    .map_err(|_| fail())?;
                if !resp.status().is_success() {
                    return Err(fail());
                }
                let body = resp.bytes().await.map_err(|_| fail())?;
                let meta: Metadata = serde_json::from_slice(&body).map_err(|_| fail())?;
                Ok(meta.token_endpoint)
            })
            .await?;
        Ok(url.clone())
    }

    /// POSTs a form to the token endpoint and reads the token answer.
    async fn exchange(
        &self,
        form: &[(&str, &str)],
        basic: Option<String>,
    ) -> Result<TokenResponse, TokenError> {
        let url = self.url().await?;
        let http_err = |source| TokenError::Http {
            url: url.clone(),
            source,
        };
        let mut req = self
            .http
            .post(&url)
            .timeout(self.timeout)
            .header("accept", "application/json")
            .header("cache-control", "no-cache")
            .form(form);
        if let Some(basic) = basic {
            req = req.header("authorization", basic);
        }
        let resp = req.send().await.map_err(http_err)?;
        let status = resp.status();
        let body = Zeroizing::new(resp.bytes().await.map_err(http_err)?.to_vec());
        if !status.is_success() {
            let oauth_error = serde_json::from_slice::<OAuthError>(&body)
                .ok()
                .and_then(|e| e.error);
            return Err(TokenError::Refused {
                url,
                status: status.as_u16(),
                oauth_error,
            });
        }
        serde_json::from_slice::<TokenResponse>(&body)
            .map_err(|_| TokenError::NoAccessToken { url })
    }
}

/// Tokens from a [`TokenStore`] (the keyring cache), refreshed with the refresh token after
/// an `unauthenticated` answer. New tokens are saved back; a refused refresh deletes the
/// stored entry, as the Python SDK does.
pub(super) struct RefreshingTokens {
    store: Arc<dyn TokenStore>,
    endpoint: TokenEndpoint,
    client_id: String,
    /// `None` until first loaded from the store.
    current: Mutex<Option<Option<StoredTokens>>>,
}

impl fmt::Debug for RefreshingTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokens")
            .field("store", &self.store)
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl RefreshingTokens {
    pub(crate) fn new(
        store: Arc<dyn TokenStore>,
        endpoint: TokenEndpoint,
        client_id: String,
    ) -> Self {
        RefreshingTokens {
            store,
            endpoint,
            client_id,
            current: Mutex::new(None),
        }
    }

    async fn load(&self) -> Option<StoredTokens> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.load())
            .await
            .ok()
            .flatten()
    }

    fn access(tokens: &Option<StoredTokens>) -> Option<AccessToken> {
        tokens
            .as_ref()
            .filter(|t| !t.access_token.is_empty())
            .map(|t| AccessToken::new(t.access_token.as_str()))
    }
}

impl TokenSource for RefreshingTokens {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if current.is_none() {
                *current = Some(self.load().await);
            }
            Ok(current.as_ref().and_then(Self::access))
        })
    }

    fn refresh<'a>(
        &'a self,
        stale: Option<&'a AccessToken>,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            let tokens = match current.take() {
                Some(t) => t,
                None => self.load().await,
            };
            let now = Self::access(&tokens);
            if now.is_some() && now.as_ref() != stale {
                *current = Some(tokens);
                return Ok(now);
            }
            let Some(refresh) = tokens.as_ref().and_then(|t| t.refresh_token.clone()) else {
                *current = Some(tokens);
                return Ok(None);
            };
            let form = [
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", self.client_id.as_str()),
            ];
            match self.endpoint.exchange(&form, None).await {
                Ok(TokenResponse {
                    access_token: Some(access),
                    refresh_token,
                }) if !access.is_empty() => {
                    let fresh = StoredTokens {
                        access_token: Zeroizing::new(access),
                        refresh_token: refresh_token.map(Zeroizing::new).or(Some(refresh)),
                    };
                    let store = self.store.clone();
                    let saved = fresh.clone();
                    let _ = tokio::task::spawn_blocking(move || store.save(&saved)).await;
                    let token = Self::access(&Some(fresh.clone()));
                    *current = Some(Some(fresh));
                    Ok(token)
                }
                Ok(_) => {
                    *current = Some(tokens);
                    Err(TokenError::NoAccessToken {
                        url: self.endpoint.url().await.unwrap_or_default(),
                    })
                }
                Err(e) => {
                    if matches!(e, TokenError::Refused { .. }) {
                        tracing::debug!("token refresh refused; deleting the cached tokens");
                        let store = self.store.clone();
                        let _ = tokio::task::spawn_blocking(move || store.delete()).await;
                        *current = Some(None);
                    } else {
                        *current = Some(tokens);
                    }
                    Err(e)
                }
            }
        })
    }
}

/// The OAuth2 client-credentials grant, for an API key in the Python SDK's encoded form.
pub(super) struct ClientCredentials {
    endpoint: TokenEndpoint,
    client_id: String,
    client_secret: Zeroizing<String>,
    current: Mutex<Option<AccessToken>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    pub(crate) fn new(
        endpoint: TokenEndpoint,
        client_id: String,
        client_secret: Zeroizing<String>,
    ) -> Self {
        ClientCredentials {
            endpoint,
            client_id,
            client_secret,
            current: Mutex::new(None),
        }
    }

    async fn fetch(&self) -> Result<AccessToken, TokenError> {
        // RFC 6749 2.3.1: the secret is form-urlencoded before Basic encoding, as Python does.
        let secret: String = form_urlencode(&self.client_secret);
        let joined = Zeroizing::new(format!("{}:{}", self.client_id, secret));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(joined.as_bytes())
        );
        let answer = self
            .endpoint
            .exchange(&[("grant_type", "client_credentials")], Some(basic))
            .await?;
        match answer.access_token {
            Some(t) if !t.is_empty() => Ok(AccessToken::new(t)),
            _ => Err(TokenError::NoAccessToken {
                url: self.endpoint.url().await.unwrap_or_default(),
            }),
        }
    }
}

fn form_urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl TokenSource for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(t) = current.as_ref() {
                return Ok(Some(t.clone()));
            }
            let fresh = self.fetch().await?;
            *current = Some(fresh.clone());
            Ok(Some(fresh))
        })
    }

    fn refresh<'a>(
        &'a self,
        stale: Option<&'a AccessToken>,
    ) -> BoxFuture<'a, Result<Option<AccessToken>, TokenError>> {
        Box::pin(async move {
            let mut current = self.current.lock().await;
            if let Some(t) = current.as_ref().filter(|t| Some(*t) != stale) {
                return Ok(Some(t.clone()));
            }
            let fresh = self.fetch().await?;
            *current = Some(fresh.clone());
            Ok(Some(fresh))
        })
    }
}
