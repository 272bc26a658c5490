//! Where to log in: the service's `AuthMetadataService` (`GetOAuth2Metadata` and
//! `GetPublicClientConfig`, over Connect in the client's codec, as the Python SDK asks), else
//! the service's `/.well-known/oauth-authorization-server`; local settings override both.

use std::sync::Arc;

use flyte_idl::{
    GetOAuth2MetadataRequest, GetOAuth2MetadataResponse, GetPublicClientConfigRequest,
    GetPublicClientConfigResponse,
};
use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::remote::error::{Code, Error, TokenError};
use crate::remote::transport::{HeaderChoice, Transport};

/// Everything a flow may need, merged from local settings and the service's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub issuer: Option<String>,
    pub token_endpoint: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub audience: Option<String>,
    /// `authorization_metadata_key`.
    pub header: Option<String>,
}

impl Settings {
    /// `self` where set, else `remote` (the Python SDK's `ClientConfig.with_override`).
    fn over(&self, remote: Settings) -> Settings {
        fn pick<T: Clone>(local: &Option<T>, remote: Option<T>) -> Option<T> {
            local.clone().or(remote)
        }
        Settings {
            issuer: pick(&self.issuer, remote.issuer),
            token_endpoint: pick(&self.token_endpoint, remote.token_endpoint),
            authorization_endpoint: pick(
                &self.authorization_endpoint,
                remote.authorization_endpoint,
            ),
            device_authorization_endpoint: pick(
                &self.device_authorization_endpoint,
                remote.device_authorization_endpoint,
            ),
            client_id: pick(&self.client_id, remote.client_id),
            redirect_uri: pick(&self.redirect_uri, remote.redirect_uri),
            scopes: pick(&self.scopes, remote.scopes),
            audience: pick(&self.audience, remote.audience),
            header: pick(&self.header, remote.header),
        }
    }

    fn from_service(
        meta: GetOAuth2MetadataResponse,
        client: Option<GetPublicClientConfigResponse>,
    ) -> Settings {
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        let client = client.unwrap_or_default();
        Settings {
            issuer: some(meta.issuer),
            token_endpoint: some(meta.token_endpoint),
            authorization_endpoint: some(meta.authorization_endpoint),
            device_authorization_endpoint: some(meta.device_authorization_endpoint),
            client_id: some(client.client_id),
            redirect_uri: some(client.redirect_uri),
            scopes: Some(client.scopes).filter(|s| !s.is_empty()),
            audience: some(client.audience),
            header: some(client.authorization_metadata_key),
        }
    }
}

/// RFC 8414 metadata, the fields we use.
#[derive(Deserialize)]
struct WellKnown {
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    token_endpoint: Option<String>,
    #[serde(default)]
    authorization_endpoint: Option<String>,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
}

/// Asks once per client (successful answers are kept; a failure is asked again next time).
#[derive(Debug)]
pub(crate) struct Discovery {
    /// The configured endpoint without credentials: the service's metadata is public.
    service: Transport,
    local: Settings,
    header: Arc<HeaderChoice>,
    /// `None` inside: the service names no identity provider.
    resolved: OnceCell<Option<Arc<Settings>>>,
}

impl Discovery {
    pub(crate) fn new(service: Transport, local: Settings, header: Arc<HeaderChoice>) -> Self {
        Discovery {
            service,
            local,
            header,
            resolved: OnceCell::new(),
        }
    }

    /// The service, for messages.
    pub(crate) fn endpoint(&self) -> &str {
        &self.service.endpoint
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.service.http.reqwest
    }

    pub(crate) fn local(&self) -> &Settings {
        &self.local
    }

    /// Local settings over the service's. Errors when the service names no identity
    /// provider and nothing local says where to get a token.
    pub(crate) async fn settings(&self) -> Result<Arc<Settings>, TokenError> {
        let remote = self
            .resolved
            .get_or_try_init(|| async { self.ask().await.map(|r| r.map(Arc::new)) })
            .await;
        let remote = match remote {
            Ok(r) => r.clone(),
            // The service cannot tell, but local settings may be enough.
            Err(e) if self.local.token_endpoint.is_some() => {
                tracing::debug!(error = %e, "discovery failed; using the local OAuth2 settings");
                None
            }
            Err(e) => return Err(e),
        };
        let merged = match remote {
            Some(r) => {
                if let Some(h) = &r.header {
                    self.header.learn(h);
                }
                self.local.over((*r).clone())
            }
            None if self.local.token_endpoint.is_some() => self.local.clone(),
            None => {
                return Err(TokenError::NoIdentityProvider {
                    endpoint: self.endpoint().to_owned(),
                });
            }
        };
        Ok(Arc::new(merged))
    }

    async fn ask(&self) -> Result<Option<Settings>, TokenError> {
        let (meta, client) = tokio::join!(
            self.service.call(&GetOAuth2MetadataRequest {}, None),
            self.service.call(&GetPublicClientConfigRequest {}, None),
        );
        match meta {
            Ok(meta) => {
                tracing::debug!(
                    endpoint = self.endpoint(),
                    "OAuth2 settings from AuthMetadataService"
                );
                Ok(Some(Settings::from_service(meta, client.ok())))
            }
            Err(e) if absent(&e) => self.well_known().await,
            Err(source) => Err(TokenError::Discovery {
                endpoint: self.endpoint().to_owned(),
                source: Box::new(source),
            }),
        }
    }

    /// The fallback: RFC 8414 metadata at the service itself.
    async fn well_known(&self) -> Result<Option<Settings>, TokenError> {
        let url = format!(
            "{}/.well-known/oauth-authorization-server",
            self.service.template.base_url
        );
        let resp = self
            .service
            .http
            .reqwest
            .get(&url)
            .timeout(self.service.timeout)
            .send()
            .await
            .map_err(|source| TokenError::Http {
                url: url.clone(),
                source,
            })?;
        if !resp.status().is_success() {
            tracing::debug!(%url, status = %resp.status(), "no OAuth2 metadata");
            return Ok(None);
        }
        let body = resp.bytes().await.unwrap_or_default();
        let Ok(meta) = serde_json::from_slice::<WellKnown>(&body) else {
            tracing::debug!(%url, "OAuth2 metadata is not RFC 8414 JSON");
            return Ok(None);
        };
        tracing::debug!(%url, "OAuth2 settings from the well-known metadata");
        Ok(Some(Settings {
            issuer: meta.issuer,
            token_endpoint: meta.token_endpoint,
            authorization_endpoint: meta.authorization_endpoint,
            device_authorization_endpoint: meta.device_authorization_endpoint,
            ..Settings::default()
        }))
    }
}

/// The service does not implement AuthMetadataService (404, `unimplemented`), or answers
/// with something that is not Connect (a web page).
fn absent(e: &Error) -> bool {
    matches!(e, Error::NotFound { .. } | Error::Decode { .. })
        || matches!(e, Error::Server { code, .. } if *code == Code::Unimplemented)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_settings_win_field_by_field() {
        let local = Settings {
            client_id: Some("mine".into()),
            scopes: Some(vec!["a".into()]),
            ..Default::default()
        };
        let remote = Settings {
            client_id: Some("theirs".into()),
            token_endpoint: Some("https://idp/token".into()),
            header: Some("flyte-authorization".into()),
            ..Default::default()
        };
        let merged = local.over(remote);
        assert_eq!(merged.client_id.as_deref(), Some("mine"));
        assert_eq!(merged.token_endpoint.as_deref(), Some("https://idp/token"));
        assert_eq!(merged.scopes, Some(vec!["a".to_owned()]));
        assert_eq!(merged.header.as_deref(), Some("flyte-authorization"));
    }
}
