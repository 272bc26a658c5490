//! Who is calling: bearer tokens, identity-provider JWTs, or the open loopback mode.

mod inject_token;
mod local;
pub(crate) mod oidc;
mod peer;
pub(crate) mod policy;
mod tokens;

pub(crate) use peer::{Peer, identify as identify_peer};

pub(crate) use inject_token::load_or_create_inject_token;
pub use inject_token::{INJECT_TOKEN_FILE, InjectToken, read_inject_token};
pub use oidc::{DEFAULT_LEEWAY, DEFAULT_OIDC_CLIENT_ID, DEFAULT_REDIRECT_URI, OidcConfig};
pub use policy::Policy;
pub use tokens::{MIN_TOKEN_LEN, Right, TokenSet, TokensError};

use std::sync::Arc;

use axum::http::Uri;
use flyte_idl::connect::Code;
use subtle::ConstantTimeEq;

use crate::headers::Headers;
use crate::rpc_error::RpcError;
use crate::scope::Scope;
use tokens::Grant;
pub(crate) use tokens::digest;

/// A caller with a valid identity-provider token: who, and the policy entries it matched
/// (`None`: no policy, so everything).
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    who: String,
    grants: Option<Vec<Arc<Grant>>>,
}

/// How requests are authenticated.
#[derive(Debug)]
pub(crate) enum Auth {
    /// No tokens configured (loopback only): the Flyte API is open; the inject extension
    /// needs the generated inject token.
    Open { inject_digest: [u8; 32] },
    /// Every request needs one of these tokens.
    Tokens(TokenSet),
    /// Every request needs a JWT from the identity provider (or one of the static tokens).
    Oidc {
        oidc: Arc<oidc::Oidc>,
        /// `None`: every valid token may do everything.
        policy: Option<Arc<policy::Policy>>,
        tokens: Option<TokenSet>,
    },
}

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// Open mode; `inject` says whether the inject token was presented, `write` whether the
    /// Flyte API's writes are allowed (see [`local::standing`]).
    Local { inject: bool, write: bool },
    /// A configured token.
    Token(Arc<Grant>),
    /// A valid identity-provider token. Boxed: the largest variant, and every request's
    /// future holds a caller.
    Principal(Box<Verified>),
    /// No one in particular: the caller of a public method (AuthMetadataService), which
    /// checks nothing. Has no right.
    Anonymous,
}

impl Auth {
    /// The identity provider, when tokens come from one.
    pub(crate) fn oidc(&self) -> Option<&oidc::Oidc> {
        match self {
            Auth::Oidc { oidc, .. } => Some(oidc),
            _ => None,
        }
    }

    /// Reads `authorization` (or `flyte-authorization`) and resolves the caller. In open
    /// mode also applies the loopback rules: `Host` and `Origin`, and the connection's
    /// `peer` (read at accept; `None`: not known, refused).
    pub(crate) async fn authenticate(
        &self,
        headers: Headers<'_>,
        uri: &Uri,
        peer: Option<Peer>,
    ) -> Result<Caller, RpcError> {
        // With an identity provider, only the header it tells clients to use
        // (`authorization_metadata_key`) carries the token.
        let token = bearer(headers, self.oidc().map(|o| o.config().header.as_str()))?;
        match self {
            Auth::Oidc {
                oidc,
                policy,
                tokens,
            } => {
                let token = token.ok_or_else(|| {
                    RpcError::new(
                        Code::Unauthenticated,
                        format!(
                            "missing bearer token: log in (`flyte auth login`) and send \
                             `{}: Bearer <token>`",
                            oidc.config().header
                        ),
                    )
                })?;
                if let Some(grant) = tokens.as_ref().and_then(|t| t.lookup(token)) {
                    return Ok(Caller::Token(grant));
                }
                // Boxed: the validation future (a key fetch inside) is over a kilobyte, and
                // inline it would make every request's future, in every mode, that large.
                let principal = Box::pin(oidc.validate(token)).await?;
                Ok(Caller::Principal(Box::new(Verified {
                    who: principal.describe(),
                    grants: policy.as_ref().map(|p| p.grants(&principal)),
                })))
            }
            Auth::Open { inject_digest } => {
                local::check_addressed_to_loopback(headers, uri)?;
                let inject = token.is_some_and(|t| bool::from(digest(t).ct_eq(inject_digest)));
                let standing = local::standing(peer, inject)?;
                Ok(Caller::Local {
                    inject,
                    write: standing == local::Standing::Owner,
                })
            }
            Auth::Tokens(set) => {
                let token = token.ok_or_else(|| {
                    RpcError::new(
                        Code::Unauthenticated,
                        "missing bearer token: send `authorization: Bearer <token>`",
                    )
                })?;
                set.lookup(token)
                    .map(Caller::Token)
                    .ok_or_else(|| RpcError::new(Code::Unauthenticated, "invalid bearer token"))
            }
        }
    }
}

impl Caller {
    /// Checks that the caller may use `right` on `scope`.
    pub(crate) fn check(&self, right: Right, scope: &Scope) -> Result<(), RpcError> {
        match self {
            Caller::Anonymous => Err(RpcError::new(
                Code::Unauthenticated,
                format!("`{}` on {scope} needs credentials", right.as_str()),
            )),
            Caller::Local { inject, write } => {
                if right == Right::Write && !write {
                    return Err(RpcError::new(
                        Code::Unauthenticated,
                        format!(
                            "this system has no /proc/net/tcp to tell who opened the \
                             connection, so writes need the bearer token stored in \
                             `{INJECT_TOKEN_FILE}` in the server's data directory"
                        ),
                    ));
                }
                if right == Right::Inject && !inject {
                    return Err(RpcError::new(
                        Code::Unauthenticated,
                        format!(
                            "the inject extension needs the bearer token stored in \
                             `{INJECT_TOKEN_FILE}` in the server's data directory"
                        ),
                    ));
                }
                Ok(())
            }
            Caller::Principal(verified) => {
                let Verified { who, grants } = &**verified;
                let Some(grants) = grants else {
                    return Ok(());
                };
                if grants.iter().any(|g| g.has(right) && g.covers(scope)) {
                    return Ok(());
                }
                Err(RpcError::new(
                    Code::PermissionDenied,
                    format!(
                        "the policy gives the token of {who} no `{}` right on {scope}",
                        right.as_str()
                    ),
                ))
            }
            Caller::Token(grant) => {
                if !grant.has(right) {
                    return Err(RpcError::new(
                        Code::PermissionDenied,
                        format!(
                            "the token (entry {} of the tokens list) lacks the `{}` right",
                            grant.entry,
                            right.as_str()
                        ),
                    ));
                }
                if !grant.covers(scope) {
                    return Err(RpcError::new(
                        Code::PermissionDenied,
                        format!(
                            "the token (entry {} of the tokens list) does not cover {scope}",
                            grant.entry
                        ),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// The bearer token of a request, if any. A header with another scheme is an error.
fn bearer<'h>(headers: Headers<'h>, only: Option<&str>) -> Result<Option<&'h str>, RpcError> {
    let found = match only {
        Some(name) => headers.map().get(name),
        None => headers
            .authorization()
            .or_else(|| headers.flyte_authorization()),
    };
    let Some(value) = found else {
        return Ok(None);
    };
    let bad = || {
        RpcError::new(
            Code::Unauthenticated,
            "malformed authorization header: expected `Bearer <token>`",
        )
    };
    let value = value.to_str().map_err(|_| bad())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(bad());
    }
    Ok(Some(token.trim()))
}
