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
use flyte_idl::paths;

use crate::app::App;
use crate::rpc_error::RpcError;
use crate::service::{
    CreateSecret, DeleteSecret, GetSecret, ListSecrets, ReadSecretValue, SelectCluster,
    UpdateSecret,
};

/// All routes of the server.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(paths::CREATE_SECRET, post(unary::handle::<CreateSecret>))
        .route(paths::UPDATE_SECRET, post(unary::handle::<UpdateSecret>))
        .route(paths::GET_SECRET, post(unary::handle::<GetSecret>))
        .route(paths::DELETE_SECRET, post(unary::handle::<DeleteSecret>))
        .route(paths::LIST_SECRETS, post(unary::handle::<ListSecrets>))
        .route(paths::SELECT_CLUSTER, post(unary::handle::<SelectCluster>))
        .route(
            paths::READ_SECRET_VALUE,
            post(unary::handle::<ReadSecretValue>),
        )
        .fallback(unknown_method)
        .with_state(app)
}

async fn unknown_method(request: Request) -> Response {
    let path: String = request.uri().path().chars().take(200).collect();
    RpcError::new(
        Code::Unimplemented,
        format!(
            "unknown method `{path}`: this server implements {}, {} and {}",
            paths::SECRET_SERVICE,
            paths::SELECT_CLUSTER,
            paths::INJECT_SERVICE
        ),
    )
    .into_response()
}
