//! `flyteidl2.auth.AuthMetadataService`: where this service's identity provider is and which
//! public client command-line tools log in as. Public (asked before any login), so no auth.
//! Without an identity provider (`--oidc-issuer`) both methods are `unimplemented`, which
//! clients read as "no OAuth2 here".

use std::sync::Arc;

use flyte_idl::connect::Code;
use flyte_idl::method;

use crate::app::App;
use crate::auth::Caller;
use crate::rpc_error::RpcError;
use crate::service::Rpc;

fn no_identity_provider() -> RpcError {
    RpcError::new(
        Code::Unimplemented,
        "this service has no identity provider (start it with --oidc-issuer to log in with OAuth2)",
    )
}

impl Rpc for method::GetOAuth2Metadata {
    const PUBLIC: bool = true;
    type Reply = Self::Response;

    async fn call(app: Arc<App>, _: Caller, _: Self::Request) -> Result<Self::Reply, RpcError> {
        match app.auth.oidc() {
            Some(oidc) => oidc.oauth2_metadata().await,
            None => Err(no_identity_provider()),
        }
    }
}

impl Rpc for method::GetPublicClientConfig {
    const PUBLIC: bool = true;
    type Reply = Self::Response;

    async fn call(app: Arc<App>, _: Caller, _: Self::Request) -> Result<Self::Reply, RpcError> {
        match app.auth.oidc() {
            Some(oidc) => Ok(oidc.public_client_config()),
            None => Err(no_identity_provider()),
        }
    }
}
