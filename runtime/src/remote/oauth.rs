//! OAuth2 at the token endpoint: posting a grant and reading the answer ([`TokenEndpoint`]),
//! and the client-credentials grant for app-credential API keys ([`ClientCredentials`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::sync::Mutex;
use zeroize::Zeroizing;

use super::discovery::Discovery;
use super::error::TokenError;
use super::token::{AccessToken, TokenSource};

/// A token endpoint answer. The tokens are zeroed on drop.
#[derive(Default)]
pub(crate) struct Granted {
    pub access_token: Option<Zeroizing<String>>,
    pub refresh_token: Option<Zeroizing<String>>,
    pub expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
    error_description: Option<String>,
}

/// The longest `error_description` kept, so an IdP cannot flood messages.
const MAX_DESCRIPTION: usize = 200;

/// Posts grants to the identity provider: the token endpoint configured (`admin.tokenUrl`)
/// or discovered.
#[derive(Debug)]
pub(crate) struct TokenEndpoint {
    pub(crate) discovery: Arc<Discovery>,
    pub(crate) timeout: Duration,
}

impl TokenEndpoint {
    pub(crate) fn new(discovery: Arc<Discovery>, timeout: Duration) -> Self {
        TokenEndpoint { discovery, timeout }
    }

    /// The token endpoint: local, else discovered.
    pub(crate) async fn url(&self) -> Result<String, TokenError> {
        if let Some(url) = &self.discovery.local().token_endpoint {
            return Ok(url.clone());
        }
        let settings = self.discovery.settings().await?;
        settings
            .token_endpoint
            .clone()
            .ok_or_else(|| TokenError::NoTokenEndpoint {
                tried: format!(
                    "AuthMetadataService and /.well-known/oauth-authorization-server of {}",
                    self.discovery.endpoint()
                ),
            })
    }

    /// POSTs a grant to the token endpoint.
    pub(crate) async fn grant(
        &self,
        form: &[(&str, &str)],
        basic: Option<&str>,
    ) -> Result<Granted, TokenError> {
        let url = self.url().await?;
        self.post(&url, form, basic).await
    }

    /// POSTs `form` to `url` (a token or device endpoint) and reads the JSON answer; a
    /// non-2xx answer is [`TokenError::Refused`] with the OAuth2 error code.
    pub(crate) async fn post(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<&str>,
    ) -> Result<Granted, TokenError> {
        let body = self.post_json(url, form, basic).await?;
        let t: TokenResponse =
            serde_json::from_slice(&body).map_err(|_| TokenError::NoAccessToken {
                url: url.to_owned(),
            })?;
        Ok(Granted {
            access_token: t.access_token.filter(|a| !a.is_empty()).map(Zeroizing::new),
            refresh_token: t
                .refresh_token
                .filter(|r| !r.is_empty())
                .map(Zeroizing::new),
            expires_in: t.expires_in.as_ref().and_then(seconds),
        })
    }

    /// The raw JSON body of a successful POST (zeroed on drop).
    pub(crate) async fn post_json(
        &self,
        url: &str,
        form: &[(&str, &str)],
        basic: Option<&str>,
    ) -> Result<Zeroizing<Vec<u8>>, TokenError> {
        let http_err = |source| TokenError::Http {
            url: url.to_owned(),
            source,
        };
        let request = || -> Result<reqwest::RequestBuilder, TokenError> {
            let mut req = self
                .discovery
                .http()
                .post(url)
                .timeout(self.timeout)
                .header("accept", "application/json")
                .header("cache-control", "no-cache")
                .form(form);
            if let Some(basic) = basic {
                let mut value = http::HeaderValue::from_str(basic)
                    .map_err(|_| TokenError::Other("unusable client credentials".into()))?;
                value.set_sensitive(true);
                req = req.header("authorization", value);
            }
            Ok(req)
        };
        // Once more after a connection that failed without an answer: a pooled connection the
        // IdP closed while idle (Node closes them after 5 s, the device flow polls every 5 s
        // or more). Repeating is safe for these grants: at worst the IdP refuses a used code.
        let resp = match request()?.send().await {
            Err(e) if !e.is_timeout() && (e.is_request() || e.is_connect()) => {
                tracing::debug!(
                    url,
                    "token request failed on a closed connection; retrying once"
                );
                request()?.send().await.map_err(http_err)?
            }
            other => other.map_err(http_err)?,
        };
        let status = resp.status();
        let body = Zeroizing::new(resp.bytes().await.map_err(http_err)?.to_vec());
        if !status.is_success() {
            let e = serde_json::from_slice::<OAuthError>(&body).ok();
            return Err(TokenError::Refused {
                url: url.to_owned(),
                status: status.as_u16(),
                oauth_error: e.as_ref().and_then(|e| e.error.clone()).map(shorten),
                description: e.and_then(|e| e.error_description).map(shorten),
            });
        }
        Ok(body)
    }
}

/// `expires_in` as a number or a numeric string (some IdPs send strings).
pub(crate) fn seconds(v: &serde_json::Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn shorten(mut s: String) -> String {
    if s.len() > MAX_DESCRIPTION {
        let mut cut = MAX_DESCRIPTION;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

/// `Basic base64(id:secret)`, the secret form-urlencoded first (RFC 6749 2.3.1, as Python).
pub(crate) fn basic_auth(client_id: &str, secret: &str) -> Zeroizing<String> {
    let joined = Zeroizing::new(format!("{}:{}", client_id, form_urlencode(secret).as_str()));
    Zeroizing::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(joined.as_bytes())
    ))
}

/// `application/x-www-form-urlencoded` for one value, into a zeroed buffer: `form_urlencoded`
/// builds a plain `String`, which would leave client secrets and codes behind.
fn form_urlencode(s: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(3 * s.len()));
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
        let basic = basic_auth(&self.client_id, &self.client_secret);
        let url = self.endpoint.url().await?;
        let answer = self
            .endpoint
            .post(&url, &[("grant_type", "client_credentials")], Some(&basic))
            .await?;
        match answer.access_token {
            Some(t) => Ok(AccessToken::new(t.as_str())),
            None => Err(TokenError::NoAccessToken { url }),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_urlencodes_the_secret_as_python_does() {
        // base64("app-id:app%2Bsecret"), as urllib.parse.quote_plus + b64encode give.
        assert_eq!(
            basic_auth("app-id", "app+secret").as_str(),
            "Basic YXBwLWlkOmFwcCUyQnNlY3JldA=="
        );
    }

    #[test]
    fn expires_in_as_number_or_string() {
        assert_eq!(seconds(&serde_json::json!(300)), Some(300));
        assert_eq!(seconds(&serde_json::json!("300")), Some(300));
        assert_eq!(seconds(&serde_json::json!("soon")), None);
    }
}
