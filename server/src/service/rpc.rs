//! [`Rpc`]: one method of the service, as the HTTP layer calls it.

use std::future::Future;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::auth::Caller;
use crate::rpc_error::RpcError;

/// One RPC method.
pub(crate) trait Rpc: Send + Sync + 'static {
    /// Method name for messages, e.g. `CreateSecret`.
    const NAME: &'static str;
    /// The request or response carries a secret value: buffers are wiped after use and
    /// JSON errors do not quote the input.
    const SENSITIVE: bool = false;
    type Req: prost::Message + Default + DeserializeOwned + Send + 'static;
    type Resp: prost::Message + Serialize + Send + 'static;

    fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Req,
    ) -> impl Future<Output = Result<Self::Resp, RpcError>> + Send;

    /// Clears secret material from a response after it was encoded.
    fn wipe(_resp: &mut Self::Resp) {}
}
