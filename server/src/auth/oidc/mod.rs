//! Bearer JWTs from an identity provider (`--oidc-issuer URL --oidc-audience AUD`): the
//! signature against the issuer's published keys, `iss`, `aud`, `exp` and `nbf` (with a small
//! leeway); unsigned (`alg: none`) and symmetric (`HS*`) tokens are refused. Also what
//! AuthMetadataService answers: the issuer's metadata and the public client to log in as.

mod cache;
mod keys;
mod metadata;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use flyte_idl::connect::Code;
use flyte_idl::{GetOAuth2MetadataResponse, GetPublicClientConfigResponse};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use tokio::sync::{Mutex, OnceCell};

use super::policy::Principal;
use crate::rpc_error::RpcError;
use cache::TokenCache;
use keys::Keys;
use metadata::{Metadata, MetadataError};

/// How the server trusts an identity provider, and what it tells clients about logging in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcConfig {
    /// The issuer URL (`iss` of the tokens; its discovery document is under it).
    pub issuer: String,
    /// The audience tokens must be for (`aud`).
    pub audience: String,
    /// The public client command-line tools log in as (GetPublicClientConfig).
    pub client_id: String,
    /// Its redirect URI (a loopback URL).
    pub redirect_uri: String,
    /// The scopes clients request.
    pub scopes: Vec<String>,
    /// The claim holding the caller's groups, for `group=` policy entries.
    pub group_claim: String,
    /// Clock skew allowed on `exp` and `nbf`.
    pub leeway: Duration,
    /// The request header carrying the token (`authorization_metadata_key`); only it is read.
    pub header: String,
}

/// flytectl's public client id.
pub const DEFAULT_OIDC_CLIENT_ID: &str = "flytectl";
/// The redirect URI flytectl and the Python SDK listen on.
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:53593/callback";
/// The default clock-skew allowance.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

impl OidcConfig {
    /// Tokens from `issuer` for `audience`; the other settings at their defaults (client
    /// `flytectl`, redirect `http://localhost:53593/callback`, scopes `all offline`, groups in
    /// `groups`, 30 s leeway, header `authorization`).
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        OidcConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            client_id: DEFAULT_OIDC_CLIENT_ID.into(),
            redirect_uri: DEFAULT_REDIRECT_URI.into(),
            scopes: vec!["all".into(), "offline".into()],
            group_claim: "groups".into(),
            leeway: DEFAULT_LEEWAY,
            header: "authorization".into(),
        }
    }

    /// The header clients send the token in (default `authorization`; Flyte deployments
    /// often use `flyte-authorization`). Lower-cased.
    pub fn header(mut self, name: impl Into<String>) -> Self {
        self.header = name.into().to_ascii_lowercase();
        self
    }

    /// The client id `GetPublicClientConfig` advertises (for PKCE and the device flow).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = id.into();
        self
    }

    /// The redirect URI `GetPublicClientConfig` advertises for PKCE.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = uri.into();
        self
    }

    /// The scopes `GetPublicClientConfig` advertises.
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
    }

    /// The claim holding the caller's groups, for `--policy` group entries.
    pub fn group_claim(mut self, claim: impl Into<String>) -> Self {
        self.group_claim = claim.into();
        self
    }

    /// Clock skew accepted on `exp` and `nbf`.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }
}

/// The validator of one server.
pub(crate) struct Oidc {
    cfg: OidcConfig,
    http: reqwest::Client,
    meta: Mutex<Option<Arc<Metadata>>>,
    /// The issuer the metadata names, once read: tokens must carry exactly it (RFC 8414,
    /// OIDC discovery), which may differ from the flag by a trailing `/`.
    issuer: std::sync::OnceLock<String>,
    keys: OnceCell<Keys>,
    cache: TokenCache,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.issuer())
            .field("audience", &self.cfg.audience)
            .finish_non_exhaustive()
    }
}

fn unauthenticated(message: impl Into<String>) -> RpcError {
    RpcError::new(Code::Unauthenticated, message)
}

impl Oidc {
    pub(crate) fn new(cfg: OidcConfig) -> Result<Oidc, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()?;
        Ok(Oidc {
            cfg,
            http,
            meta: Mutex::new(None),
            issuer: std::sync::OnceLock::new(),
            keys: OnceCell::new(),
            cache: TokenCache::default(),
        })
    }

    pub(crate) fn config(&self) -> &OidcConfig {
        &self.cfg
    }

    /// The issuer as its metadata names it; before that is read, as configured.
    pub(crate) fn issuer(&self) -> &str {
        self.issuer.get().unwrap_or(&self.cfg.issuer)
    }

    /// The issuer's metadata, fetched once (a failure is tried again next time).
    async fn metadata(&self) -> Result<Arc<Metadata>, MetadataError> {
        let mut meta = self.meta.lock().await;
        if let Some(m) = meta.as_ref() {
            return Ok(Arc::clone(m));
        }
        let fetched = Arc::new(metadata::fetch(&self.http, &self.cfg.issuer).await?);
        let _ = self.issuer.set(fetched.issuer.clone());
        *meta = Some(Arc::clone(&fetched));
        Ok(fetched)
    }

    /// At start: the metadata and keys, so a wrong issuer stops the server and the first
    /// request does not wait. An unreachable issuer is only a warning (tried again later).
    pub(crate) async fn prepare(&self) -> Result<(), String> {
        match self.metadata().await {
            Ok(_) => {}
            Err(MetadataError::Wrong(m)) => return Err(m),
            Err(MetadataError::Unreachable(m)) => {
                tracing::warn!("{m}; tokens are refused until it answers");
                return Ok(());
            }
        }
        if let Ok(keys) = self.keys().await
            && let Err(e) = keys.prefetch().await
        {
            tracing::warn!("{}; tokens are refused until it answers", e.0);
        }
        Ok(())
    }

    async fn keys(&self) -> Result<&Keys, RpcError> {
        self.keys
            .get_or_try_init(|| async {
                let meta = self
                    .metadata()
                    .await
                    .map_err(|e| RpcError::new(Code::Unavailable, e.to_string()))?;
                Ok(Keys::new(self.http.clone(), meta.jwks_uri.clone()))
            })
            .await
    }

    /// GetOAuth2Metadata: the issuer's own metadata.
    pub(crate) async fn oauth2_metadata(&self) -> Result<GetOAuth2MetadataResponse, RpcError> {
        self.metadata()
            .await
            .map(|m| m.to_proto())
            .map_err(|e| RpcError::new(Code::Unavailable, e.to_string()))
    }

    /// GetPublicClientConfig.
    pub(crate) fn public_client_config(&self) -> GetPublicClientConfigResponse {
        GetPublicClientConfigResponse {
            client_id: self.cfg.client_id.clone(),
            redirect_uri: self.cfg.redirect_uri.clone(),
            scopes: self.cfg.scopes.clone(),
            authorization_metadata_key: self.cfg.header.clone(),
            service_http_endpoint: String::new(),
            audience: self.cfg.audience.clone(),
            dataplane_domain: String::new(),
        }
    }

    /// Validates a bearer JWT and says who it is for.
    pub(crate) async fn validate(&self, token: &str) -> Result<Principal, RpcError> {
        if let Some(p) = self.cache.get(token, self.cfg.leeway) {
            return Ok(p);
        }
        refuse_unsigned(token)?;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| unauthenticated("malformed bearer token: not a signed JWT"))?;
        if header.alg.family() == jsonwebtoken::AlgorithmFamily::Hmac {
            return Err(unauthenticated(
                "symmetric (HS*) tokens are refused: the issuer must sign with a published key",
            ));
        }
        let keys = self.keys().await?;
        let kid = header.kid.as_deref();
        let key = keys
            .find(kid)
            .await
            .map_err(|e| RpcError::new(Code::Unavailable, e.0))?
            .ok_or_else(|| {
                unauthenticated(match kid {
                    Some(k) => format!(
                        "unknown key id `{}`: the issuer {} does not publish it",
                        k.chars().take(64).collect::<String>(),
                        self.issuer()
                    ),
                    None => "the token names no key id (`kid`) and the issuer has several keys"
                        .to_owned(),
                })
            })?;
        if key.alg.is_some_and(|a| a != header.alg) {
            return Err(unauthenticated(
                "the token's algorithm is not the one of its key",
            ));
        }
        let mut v = Validation::new(header.alg);
        // keys() read the metadata, so this is the issuer it names.
        v.set_issuer(&[self.issuer()]);
        v.set_audience(&[&self.cfg.audience]);
        v.leeway = self.cfg.leeway.as_secs();
        v.validate_nbf = true;
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key.decoding,
            &v,
        )
        .map_err(|e| self.explain(e.kind(), header.alg))?;
        let claims = data.claims;
        let string = |k: &str| claims.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let groups = match claims.get(&self.cfg.group_claim) {
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(g)) => vec![g.clone()],
            _ => Vec::new(),
        };
        let principal = Principal {
            sub: string("sub"),
            client_id: string("client_id").or_else(|| string("azp")),
            groups,
        };
        let exp = claims.get("exp").and_then(|e| e.as_u64()).unwrap_or(0);
        self.cache.put(token, principal.clone(), exp);
        Ok(principal)
    }

    fn explain(&self, kind: &ErrorKind, alg: Algorithm) -> RpcError {
        unauthenticated(match kind {
            ErrorKind::ExpiredSignature => "the token expired".to_owned(),
            ErrorKind::ImmatureSignature => "the token is not valid yet (`nbf`)".to_owned(),
            ErrorKind::InvalidIssuer => {
                format!("the token was not issued by {}", self.issuer())
            }
            ErrorKind::InvalidAudience => {
                format!("the token is not for audience `{}`", self.cfg.audience)
            }
            ErrorKind::InvalidSignature => {
                "the token's signature does not verify with the issuer's key".to_owned()
            }
            ErrorKind::MissingRequiredClaim(c) => format!("the token has no `{c}` claim"),
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidKeyFormat => {
                format!("the token's algorithm {alg:?} does not fit its key")
            }
            _ => "malformed bearer token".to_owned(),
        })
    }
}

/// `alg: none` (any case) is refused by name, so the message says why.
fn refuse_unsigned(token: &str) -> Result<(), RpcError> {
    let header = token.split('.').next().unwrap_or_default();
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else {
        return Ok(());
    };
    let alg = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|h| h["alg"].as_str().map(str::to_ascii_lowercase));
    if alg.as_deref() == Some("none") {
        return Err(unauthenticated("unsigned tokens (`alg: none`) are refused"));
    }
    Ok(())
}
