//! The Connect unary protocol over HTTP/1.1 and h2c: routing, codecs, compression, errors.

mod body;
mod codec;
mod unary;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use flyte_idl::connect::Code;
use flyte_idl::method;
use flyte_idl::paths;

use crate::app::App;
use crate::rpc_error::RpcError;
use crate::service::Rpc;

/// A request being served.
pub(crate) type Serving = Pin<Box<dyn Future<Output = Response> + Send>>;

type Direct = fn(Arc<App>, Request) -> Serving;

fn direct<M: Rpc>(app: Arc<App>, req: Request) -> Serving {
    Box::pin(async move {
        let mut response = unary::handle::<M>(State(app), req).await;
        // What axum's router does to each answer of a route (`set_content_length`).
        if !response.headers().contains_key(header::CONTENT_LENGTH)
            && let Some(n) = response.body().size_hint().exact()
        {
            let value = HeaderValue::from(n);
            response.headers_mut().insert(header::CONTENT_LENGTH, value);
        }
        response
    })
}

/// The routes of [`router`], and the router for everything else.
#[derive(Clone)]
pub(crate) struct Routes {
    app: Arc<App>,
    posts: Arc<[(&'static str, Direct)]>,
    router: Router,
}

/// All routes of the server, see [`Routes::serve`].
pub(crate) fn routes(app: Arc<App>) -> Routes {
    fn post<M: Rpc>() -> (&'static str, Direct) {
        (M::PATH, direct::<M>)
    }
    // Every method of the shared table (flyte_idl::method), and only those.
    let posts = [
        post::<method::CreateSecret>(),
        post::<method::UpdateSecret>(),
        post::<method::GetSecret>(),
        post::<method::DeleteSecret>(),
        post::<method::ListSecrets>(),
        post::<method::SelectCluster>(),
        post::<method::ReadSecretValue>(),
        post::<method::GetOAuth2Metadata>(),
        post::<method::GetPublicClientConfig>(),
    ];
    debug_assert_eq!(
        posts.len(),
        method::PATHS.len(),
        "a method of the table is not routed"
    );
    Routes {
        router: router(Arc::clone(&app), &posts),
        app,
        posts: Arc::new(posts),
    }
}

impl Routes {
    /// Serves one request. A POST to a method's path goes straight to its handler, as the
    /// router would send it, without the router's per-request work (its path lookup, and
    /// the extensions it records that nothing here reads), plus the `content-length` the
    /// router adds to every answer. Anything else (another verb, answered 405; an unknown
    /// path) goes through the router.
    pub(crate) fn serve(&self, req: Request) -> Serving {
        let found = if req.method() == Method::POST {
            let path = req.uri().path();
            self.posts.iter().find(|(p, _)| *p == path).map(|(_, f)| *f)
        } else {
            None
        };
        let Some(handler) = found else {
            let router = self.router.clone();
            return Box::pin(async move {
                match tower::ServiceExt::oneshot(router, req).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            });
        };
        handler(Arc::clone(&self.app), req)
    }
}

/// The router for what [`Routes::serve`] does not send straight to a handler: the same
/// methods (from one table), so that another verb on their paths gets the router's 405, and
/// the unknown-method answer for any other path.
fn router(app: Arc<App>, posts: &[(&'static str, Direct)]) -> Router {
    let mut router = Router::new();
    for &(path, handler) in posts {
        router = router.route(
            path,
            post(move |State(app): State<Arc<App>>, req: Request| handler(app, req)),
        );
    }
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
