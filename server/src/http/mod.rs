//! The Connect unary protocol over HTTP/1.1 and h2c: routing, codecs, compression, errors.

mod body;
mod codec;
mod unary;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use flyte_idl::connect::Code;
use flyte_idl::method;
use flyte_idl::paths;

use crate::app::App;
use crate::rpc_error::RpcError;
use crate::service::Rpc;

/// All routes of the server.
pub(crate) fn router(app: Arc<App>) -> Router {
    fn route<M: Rpc>(router: Router<Arc<App>>) -> Router<Arc<App>> {
        router.route(M::PATH, post(unary::handle::<M>))
    }
    // Every method of the shared table (flyte_idl::method), and only those.
    let router = Router::new();
    let router = route::<method::CreateSecret>(router);
    let router = route::<method::UpdateSecret>(router);
    let router = route::<method::GetSecret>(router);
    let router = route::<method::DeleteSecret>(router);
    let router = route::<method::ListSecrets>(router);
    let router = route::<method::SelectCluster>(router);
    let router = route::<method::ReadSecretValue>(router);
    let router = route::<method::GetOAuth2Metadata>(router);
    let router = route::<method::GetPublicClientConfig>(router);
    debug_assert_eq!(
        method::PATHS.len(),
        9,
        "a method of the table is not routed"
    );
    router.fallback(unknown_method).with_state(app)
}

async fn unknown_method(request: Request) -> Response {
    let path: String = request.uri().path().chars().take(200).collect();
    RpcError::new(
        Code::Unimplemented,
        format!(
            "unknown method `{path}`: this server implements {}, {}, {} and {}",
            paths::SECRET_SERVICE,
            paths::SELECT_CLUSTER,
            paths::AUTH_METADATA_SERVICE,
            paths::INJECT_SERVICE
        ),
    )
    .into_response()
}
