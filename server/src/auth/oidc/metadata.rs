//! The issuer's metadata (OpenID Connect discovery, else RFC 8414): where its keys are, and
//! what AuthMetadataService answers.

use flyte_idl::GetOAuth2MetadataResponse;
use serde::Deserialize;

/// The fields of the discovery document we use.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub(crate) struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub device_authorization_endpoint: String,
    pub response_types_supported: Vec<String>,
    pub scopes_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub grant_types_supported: Vec<String>,
}

impl Metadata {
    pub(crate) fn to_proto(&self) -> GetOAuth2MetadataResponse {
        GetOAuth2MetadataResponse {
            issuer: self.issuer.clone(),
            authorization_endpoint: self.authorization_endpoint.clone(),
            token_endpoint: self.token_endpoint.clone(),
            response_types_supported: self.response_types_supported.clone(),
            scopes_supported: self.scopes_supported.clone(),
            token_endpoint_auth_methods_supported: self
                .token_endpoint_auth_methods_supported
                .clone(),
            jwks_uri: self.jwks_uri.clone(),
            code_challenge_methods_supported: self.code_challenge_methods_supported.clone(),
            grant_types_supported: self.grant_types_supported.clone(),
            device_authorization_endpoint: self.device_authorization_endpoint.clone(),
        }
    }
}

/// Why the metadata could not be had.
#[derive(Debug, Clone)]
pub(crate) enum MetadataError {
    /// The issuer could not be reached or has no discovery document (retry later).
    Unreachable(String),
    /// The document contradicts the configuration (never goes away by retrying).
    Wrong(String),
}

impl std::fmt::Display for MetadataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetadataError::Unreachable(m) | MetadataError::Wrong(m) => f.write_str(m),
        }
    }
}

fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Fetches `{issuer}/.well-known/openid-configuration`, else
/// `{issuer}/.well-known/oauth-authorization-server`, and checks it names `issuer`.
pub(crate) async fn fetch(http: &reqwest::Client, issuer: &str) -> Result<Metadata, MetadataError> {
    let base = issuer.trim_end_matches('/');
    let mut last = String::new();
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let url = format!("{base}{path}");
        let resp = match http.get(&url).send().await {
            Ok(r) => r,
            Err(e) => {
                return Err(MetadataError::Unreachable(format!(
                    "cannot reach the identity provider at {url}: {e}"
                )));
            }
        };
        if !resp.status().is_success() {
            last = format!("{url} answered HTTP {}", resp.status());
            continue;
        }
        let body = resp
            .bytes()
            .await
            .map_err(|e| MetadataError::Unreachable(format!("reading {url}: {e}")))?;
        let meta: Metadata = serde_json::from_slice(&body)
            .map_err(|_| MetadataError::Wrong(format!("{url} is not a discovery document")))?;
        if !same_issuer(&meta.issuer, issuer) {
            return Err(MetadataError::Wrong(format!(
                "its discovery document {url} names issuer `{}`, not `{issuer}`: check --oidc-issuer",
                meta.issuer
            )));
        }
        if meta.jwks_uri.is_empty() {
            return Err(MetadataError::Wrong(format!(
                "its discovery document {url} has no jwks_uri"
            )));
        }
        return Ok(meta);
    }
    Err(MetadataError::Unreachable(format!(
        "no discovery document: {last}"
    )))
}
