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
use axum::http::{HeaderValue, Method, Version, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use flyte_idl::connect::Code;
use flyte_idl::method;
use flyte_idl::paths;

use crate::app::App;
use crate::auth::Peer;
use crate::rpc_error::RpcError;
use crate::service::Rpc;

/// The methods [`Routes::serve`] calls straight, one variant each.
macro_rules! posts {
    ($($m:ident),* $(,)?) => {
        #[derive(Debug, Clone, Copy)]
        enum Post {
            $($m),*
        }

        /// Every method of the shared table (flyte_idl::method), and only those.
        const POSTS: &[(&str, Post)] = &[$((<method::$m as method::Method>::PATH, Post::$m)),*];

        async fn call(post: Post, app: Arc<App>, req: Request, peer: Option<Peer>) -> Response {
            match post {
                $(Post::$m => direct::<method::$m>(app, req, peer).await),*
            }
        }
    };
}

posts!(
    CreateSecret,
    UpdateSecret,
    GetSecret,
    DeleteSecret,
    ListSecrets,
    SelectCluster,
    ReadSecretValue,
    GetOAuth2Metadata,
    GetPublicClientConfig,
);

async fn direct<M: Rpc>(app: Arc<App>, req: Request, peer: Option<Peer>) -> Response {
    // HTTP/1: hyper writes this same header from the body's exact size, after the map's
    // headers where the router's insert would put it; set here it costs an allocation and
    // hyper parses it back.
    let h1 = req.version() <= Version::HTTP_11;
    let mut response = unary::handle::<M>(app, req, peer).await;
    // What axum's router does to each answer of a route (`set_content_length`).
    if !h1
        && !response.headers().contains_key(header::CONTENT_LENGTH)
        && let Some(n) = response.body().size_hint().exact()
    {
        let value = HeaderValue::from(n);
        response.headers_mut().insert(header::CONTENT_LENGTH, value);
    }
    response
}

/// The routes of [`router`], and the router for everything else.
#[derive(Clone)]
pub(crate) struct Routes {
    app: Arc<App>,
    router: Router,
}

/// All routes of the server, see [`Routes::serve`].
pub(crate) fn routes(app: Arc<App>) -> Routes {
    debug_assert_eq!(
        POSTS.len(),
        method::PATHS.len(),
        "a method of the table is not routed"
    );
    Routes {
        router: router(Arc::clone(&app)),
        app,
    }
}

impl Routes {
    /// Serves one request on a connection from `peer`. A POST to a method's path goes
    /// straight to its handler, as the router would send it, without the router's
    /// per-request work (its path lookup, and the extensions it records that nothing here
    /// reads), plus the `content-length` the router adds. Anything else (another verb,
    /// answered 405; an unknown path) goes through the router.
    pub(crate) fn serve(
        &self,
        req: Request,
        peer: Option<Peer>,
    ) -> Pin<Box<dyn Future<Output = Response> + Send>> {
        let found = if req.method() == Method::POST {
            let path = req.uri().path();
            POSTS.iter().find(|(p, _)| *p == path).map(|(_, m)| *m)
        } else {
            None
        };
        // `app` is cloned only for a method: the router holds its own.
        let target = match found {
            Some(post) => Ok((post, Arc::clone(&self.app))),
            None => Err(self.router.clone()),
        };
        // Boxed: hyper moves the service's future by value a few times before pinning it,
        // and unboxed this one (the largest handler's state, about a kilobyte) cost more in
        // copies than the allocation (measured).
        Box::pin(async move {
            match target {
                Ok((post, app)) => call(post, app, req, peer).await,
                Err(router) => match tower::ServiceExt::oneshot(router, req).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                },
            }
        })
    }
}

/// The router for what [`Routes::serve`] does not send straight to a handler: the same
/// methods (from one table), so that another verb on their paths gets the router's 405, and
/// the unknown-method answer for any other path.
fn router(app: Arc<App>) -> Router {
    let mut router = Router::new();
    for &(path, m) in POSTS {
        // Never reached for a POST (served before the router); no peer, so open mode
        // would refuse it.
        router = router.route(
            path,
            post(move |State(app): State<Arc<App>>, req: Request| call(m, app, req, None)),
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
