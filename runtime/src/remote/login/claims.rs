//! [`TokenInfo`]: who an access token is for and until when, read from a JWT's claims
//! without verifying it (for display: the service verifies).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::Deserialize;

/// The identity and lifetime an access token claims. Never holds the token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// `sub`.
    pub subject: Option<String>,
    /// `client_id` (or `azp`).
    pub client_id: Option<String>,
    /// `email`, else `preferred_username`.
    pub user: Option<String>,
    /// `iss`.
    pub issuer: Option<String>,
    /// `exp`.
    pub expires_at: Option<SystemTime>,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    client_id: Option<String>,
    azp: Option<String>,
    email: Option<String>,
    preferred_username: Option<String>,
    iss: Option<String>,
    exp: Option<f64>,
}

impl TokenInfo {
    /// The claims of a JWT (`header.payload.signature`), or `None` for an opaque token.
    /// The signature is not checked: use this to show a login, never to trust one.
    pub fn peek(token: &str) -> Option<TokenInfo> {
        let mut parts = token.split('.');
        let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let c: Claims = serde_json::from_slice(&bytes).ok()?;
        Some(TokenInfo {
            subject: c.sub,
            client_id: c.client_id.or(c.azp),
            user: c.email.or(c.preferred_username),
            issuer: c.iss,
            expires_at: c
                .exp
                .filter(|e| e.is_finite() && *e >= 0.0)
                .and_then(|e| UNIX_EPOCH.checked_add(Duration::from_secs_f64(e))),
        })
    }

    /// Who, for people: the user, else the subject, with the client when it differs.
    pub fn identity(&self) -> Option<String> {
        let who = self.user.as_ref().or(self.subject.as_ref())?;
        Some(match &self.client_id {
            Some(c) if c != who => format!("{who} (client {c})"),
            _ => who.clone(),
        })
    }

    /// Whether `exp` has passed.
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|t| t <= SystemTime::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b(r#"{"alg":"RS256"}"#), b(claims))
    }

    #[test]
    fn reads_identity_and_expiry_of_a_jwt() {
        let info = TokenInfo::peek(&jwt(
            r#"{"sub":"alice","client_id":"flyte-pkce","exp":2000000000}"#,
        ))
        .unwrap();
        assert_eq!(
            info.identity().as_deref(),
            Some("alice (client flyte-pkce)")
        );
        assert_eq!(
            info.expires_at,
            Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
        assert!(!info.is_expired());
        let ci = TokenInfo::peek(&jwt(r#"{"sub":"ci","client_id":"ci","exp":1}"#)).unwrap();
        assert_eq!(ci.identity().as_deref(), Some("ci"));
        assert!(ci.is_expired());
        assert_eq!(TokenInfo::peek("opaque-token"), None);
        assert_eq!(TokenInfo::peek("a.b.c.d"), None);
        assert_eq!(TokenInfo::peek(&jwt("not json")), None);
    }
}
