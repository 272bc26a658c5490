//! [`Rpc`]: the server side of one method of the shared table ([`Method`]), as the HTTP
//! layer calls it.

use std::future::Future;
use std::sync::Arc;

use flyte_idl::method::Method;

use crate::app::App;
use crate::auth::Caller;
use crate::rpc_error::RpcError;

/// One RPC method.
pub(crate) trait Rpc: Method {
    /// The request or response carries a secret value: buffers are wiped after use and
    /// JSON errors do not quote the input.
    const SENSITIVE: bool = false;

    /// Served without authentication (what clients need to know before they can log in).
    /// The handler gets [`Caller::Anonymous`].
    const PUBLIC: bool = false;

    fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> impl Future<Output = Result<Self::Response, RpcError>> + Send;

    /// Clears secret material from a response after it was encoded.
    fn wipe(_resp: &mut Self::Response) {}
}
