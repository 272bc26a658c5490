//! [`ApiKey`]: the `FLYTE_API_KEY` credential. Never printed.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::error::ConfigError;

/// An API key, as `FLYTE_API_KEY` holds it. Two forms are accepted:
///
/// - the Python SDK's encoded app credentials, base64 of `endpoint:client_id:client_secret:org`,
///   exchanged for a token with the OAuth2 client-credentials grant. The endpoint may contain
///   `:` (a scheme or a port); unlike the Python SDK we split from the right, so
///   `dns:///host:443` survives (the Python SDK splits it wrongly);
/// - anything else: a bearer token sent as is.
///
/// `Debug` shows only the form, never the key; the bytes are zeroed on drop.
#[derive(Clone)]
pub struct ApiKey(Arc<Zeroizing<String>>);

/// The parts of an encoded app-credentials key.
#[derive(Clone)]
pub struct AppCredentials {
    /// The secret service the key is for; used when no endpoint is configured otherwise.
    pub endpoint: String,
    /// The OAuth2 client id for the client-credentials grant.
    pub client_id: String,
    /// The OAuth2 client secret; `Debug` shows `[REDACTED]`, zeroed on drop.
    pub client_secret: Zeroizing<String>,
    /// `None` when the key carries no org (Python's `"None"`).
    pub org: Option<String>,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("endpoint", &self.endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("org", &self.org)
            .finish()
    }
}

impl ApiKey {
    /// Takes the key as given; refuses an empty one, or one with surrounding whitespace or a
    /// line break ([`ConfigError::InvalidApiKey`]). Which form it is is decided when used.
    pub fn new(key: impl Into<String>) -> Result<Self, ConfigError> {
        let key = Zeroizing::new(key.into());
        if key.trim().is_empty() {
            return Err(ConfigError::InvalidApiKey { reason: "is empty" });
        }
        if key.trim() != key.as_str() || key.contains(['\r', '\n']) {
            return Err(ConfigError::InvalidApiKey {
                reason: "has surrounding whitespace or a line break",
            });
        }
        Ok(ApiKey(Arc::new(key)))
    }

    /// The key as given; the name makes reads easy to find in review.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The app credentials when the key is in the Python SDK's encoded form.
    pub fn app_credentials(&self) -> Option<AppCredentials> {
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(self.0.as_bytes())
                .ok()?,
        );
        let text = std::str::from_utf8(&bytes).ok()?;
        let mut parts = text.rsplitn(4, ':');
        let org = parts.next()?;
        let client_secret = parts.next()?;
        let client_id = parts.next()?;
        let endpoint = parts.next()?;
        if endpoint.is_empty() || client_id.is_empty() || client_secret.is_empty() {
            return None;
        }
        Some(AppCredentials {
            endpoint: endpoint.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: Zeroizing::new(client_secret.to_owned()),
            org: (!org.is_empty() && org != "None").then(|| org.to_owned()),
        })
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let form = if self.app_credentials().is_some() {
            "app-credentials"
        } else {
            "bearer"
        };
        write!(f, "ApiKey({form}, [REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn decodes_app_credentials_with_colons_in_the_endpoint() {
        let key = ApiKey::new(encode(
            "dns:///flyte.example.com:443:my-app:s3cr3t-value:acme",
        ))
        .unwrap();
        let c = key.app_credentials().unwrap();
        assert_eq!(c.endpoint, "dns:///flyte.example.com:443");
        assert_eq!(c.client_id, "my-app");
        assert_eq!(c.client_secret.as_str(), "s3cr3t-value");
        assert_eq!(c.org.as_deref(), Some("acme"));
        let none = ApiKey::new(encode("host:app:sec:None"))
            .unwrap()
            .app_credentials()
            .unwrap();
        assert_eq!(none.org, None);
    }

    #[test]
    fn anything_else_is_a_bearer_token() {
        let key = ApiKey::new("plain-token-value").unwrap();
        assert!(key.app_credentials().is_none());
        assert_eq!(key.expose(), "plain-token-value");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let bearer = ApiKey::new("plain-token-value").unwrap();
        let app = ApiKey::new(encode("host:app:s3cr3t-value:acme")).unwrap();
        let shown = format!("{bearer:?} {app:?} {:?}", app.app_credentials().unwrap());
        assert!(
            !shown.contains("plain-token-value") && !shown.contains("s3cr3t-value"),
            "{shown}"
        );
        assert!(
            shown.contains("bearer") && shown.contains("app-credentials"),
            "{shown}"
        );
    }

    #[test]
    fn refuses_empty_and_padded_keys() {
        assert!(ApiKey::new("").is_err());
        assert!(ApiKey::new(" tok ").is_err());
        let err = ApiKey::new("tok\n").unwrap_err().to_string();
        assert!(!err.contains("tok"), "{err}");
    }
}
