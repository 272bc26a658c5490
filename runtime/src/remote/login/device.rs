//! The device authorization grant (RFC 8628): get a code, show it, poll the token endpoint
//! until the person approved, refused, or the code expired.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::time::Instant;
use zeroize::Zeroizing;

use super::prompt::{DeviceCode, LoginPrompt};
use crate::config::{AuthType, DEFAULT_CLIENT_ID};
use crate::remote::discovery::Settings;
use crate::remote::error::TokenError;
use crate::remote::oauth::{Granted, TokenEndpoint, seconds};

pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628 3.2: the interval when the provider gives none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 3.5: what `slow_down` adds to the interval.
const SLOW_DOWN: Duration = Duration::from_secs(5);

#[derive(Deserialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    #[serde(default)]
    verification_uri_complete: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    interval: Option<serde_json::Value>,
}

/// A refusal by the device authorization endpoint, named as such: `Refused` says "token
/// endpoint", which is the other endpoint of this flow.
fn device_endpoint_error(e: TokenError, device_url: &str) -> TokenError {
    match e {
        TokenError::Refused {
            status,
            oauth_error,
            description,
            ..
        } => TokenError::Other(format!(
            "the device authorization endpoint {device_url} refused: HTTP {status}{}{}",
            oauth_error.map(|e| format!(", {e}")).unwrap_or_default(),
            description.map(|d| format!(" ({d})")).unwrap_or_default()
        )),
        other => other,
    }
}

pub(super) async fn login(
    endpoint: &TokenEndpoint,
    s: &Settings,
    prompt: &Arc<dyn LoginPrompt>,
    timeout: Duration,
) -> Result<Granted, TokenError> {
    let device_url =
        s.device_authorization_endpoint
            .as_deref()
            .ok_or_else(|| TokenError::NotConfigured {
                flow: AuthType::DeviceFlow,
                missing: "the identity provider has no device authorization endpoint".into(),
            })?;
    let client_id = s.client_id.as_deref().unwrap_or(DEFAULT_CLIENT_ID);
    let scope = s.scopes.as_ref().map(|s| s.join(" "));
    let mut form = vec![("client_id", client_id)];
    if let Some(scope) = scope.as_deref().filter(|s| !s.is_empty()) {
        form.push(("scope", scope));
    }
    if let Some(aud) = s.audience.as_deref() {
        form.push(("audience", aud));
    }
    let body = endpoint
        .post_json(device_url, &form, None)
        .await
        .map_err(|e| device_endpoint_error(e, device_url))?;
    let started = Instant::now();
    let auth: DeviceAuthorization =
        serde_json::from_slice(&body).map_err(|_| TokenError::Callback {
            problem: format!(
                "the device authorization endpoint {device_url} answered without a device code"
            ),
        })?;
    let device_code = Zeroizing::new(auth.device_code);
    let expires_in = Duration::from_secs(auth.expires_in.as_ref().and_then(seconds).unwrap_or(600));
    let mut interval = auth
        .interval
        .as_ref()
        .and_then(seconds)
        .map_or(DEFAULT_INTERVAL, Duration::from_secs);
    let shown = DeviceCode {
        verification_uri: auth.verification_uri,
        verification_uri_complete: auth.verification_uri_complete,
        user_code: auth.user_code,
        expires_in,
    };
    let p = Arc::clone(prompt);
    let _ = tokio::task::spawn_blocking(move || p.device_code(&shown)).await;

    let expires = started + expires_in;
    let deadline = started + timeout.min(expires_in);
    let url = endpoint.url().await?;
    loop {
        if Instant::now() + interval > deadline {
            return Err(if deadline >= expires {
                TokenError::DeviceCodeExpired
            } else {
                TokenError::LoginTimedOut { after: timeout }
            });
        }
        tokio::time::sleep(interval).await;
        let mut poll = vec![
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code.as_str()),
            ("client_id", client_id),
        ];
        if let Some(aud) = s.audience.as_deref() {
            poll.push(("audience", aud));
        }
        let err = match endpoint.post(&url, &poll, None).await {
            Ok(granted) => return Ok(granted),
            Err(e) => e,
        };
        let (code, description) = match &err {
            TokenError::Refused {
                oauth_error: Some(c),
                description,
                ..
            } => (c.clone(), description.clone()),
            _ => return Err(err),
        };
        match code.as_str() {
            "authorization_pending" => {}
            "slow_down" => {
                interval += SLOW_DOWN;
                tracing::debug!(?interval, "the identity provider asked to poll slower");
            }
            "access_denied" => {
                return Err(TokenError::Denied {
                    error: code,
                    description,
                });
            }
            "expired_token" => return Err(TokenError::DeviceCodeExpired),
            _ => return Err(err),
        }
    }
}
