//! The authorization code flow with PKCE (S256): open the authorization URL in a browser,
//! receive the code on the loopback redirect URI, exchange it with the verifier.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Url;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::callback::Callback;
use super::prompt::LoginPrompt;
use crate::config::{AuthType, DEFAULT_CLIENT_ID};
use crate::remote::discovery::Settings;
use crate::remote::error::TokenError;
use crate::remote::oauth::{Granted, TokenEndpoint};

/// flytectl's and the Python SDK's usual redirect URI, when the service names none.
pub(crate) const DEFAULT_REDIRECT_URI: &str = "http://localhost:53593/callback";

fn random_urlsafe(bytes: usize) -> Zeroizing<String> {
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut buf);
    Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&*buf))
}

/// `base64url(sha256(verifier))` (RFC 7636 4.2).
pub(super) fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub(super) async fn login(
    endpoint: &TokenEndpoint,
    s: &Settings,
    prompt: &Arc<dyn LoginPrompt>,
    timeout: Duration,
) -> Result<Granted, TokenError> {
    let auth_endpoint =
        s.authorization_endpoint
            .as_deref()
            .ok_or_else(|| TokenError::NotConfigured {
                flow: AuthType::Pkce,
                missing: "the identity provider has no authorization endpoint".into(),
            })?;
    let client_id = s.client_id.as_deref().unwrap_or(DEFAULT_CLIENT_ID);
    let callback =
        Callback::bind(s.redirect_uri.as_deref().unwrap_or(DEFAULT_REDIRECT_URI)).await?;
    let redirect_uri = callback.redirect_uri();
    // 64 characters, within RFC 7636's 43 to 128.
    let verifier = random_urlsafe(48);
    let state = random_urlsafe(32);
    let mut url = Url::parse(auth_endpoint).map_err(|_| TokenError::Callback {
        problem: format!("the authorization endpoint `{auth_endpoint}` is not a URL"),
    })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        if let Some(scopes) = s.scopes.as_ref().filter(|s| !s.is_empty()) {
            q.append_pair("scope", &scopes.join(" "));
        }
        if let Some(aud) = &s.audience {
            q.append_pair("audience", aud);
        }
    }
    let (p, shown) = (Arc::clone(prompt), url.to_string());
    let _ = tokio::task::spawn_blocking(move || p.open(&shown)).await;
    let returned = tokio::time::timeout(timeout, callback.wait(&state, s.issuer.as_deref()))
        .await
        .map_err(|_| TokenError::LoginTimedOut { after: timeout })??;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", returned.code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", client_id),
        ("code_verifier", verifier.as_str()),
    ];
    endpoint.grant(&form, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_of_the_rfc_7636_example() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(random_urlsafe(48).len(), 64);
    }
}
