//! [`Rpc`]: the server side of one method of the shared table ([`Method`]), as the HTTP
//! layer calls it.

use std::future::Future;
use std::sync::Arc;

use flyte_idl::method::Method;
use serde::Serialize;

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

    /// What [`call`](Self::call) answers: [`Method::Response`], or what encodes exactly as
    /// it without the message being built first.
    type Reply: Reply;

    fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> impl Future<Output = Result<Self::Reply, RpcError>> + Send;

    /// Clears secret material from a reply after it was encoded.
    fn wipe(_resp: &mut Self::Reply) {}
}

/// An answer as the two codecs write it.
pub(crate) trait Reply: Send {
    /// Binary protobuf.
    fn to_proto(&self) -> Vec<u8>;
    /// Proto3 JSON.
    fn to_json(&self) -> Vec<u8>;
}

impl<M: prost::Message + Serialize + Send> Reply for M {
    fn to_proto(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    fn to_json(&self) -> Vec<u8> {
        // Our messages have string keys and no floats: serialisation cannot fail.
        serde_json::to_vec(self).expect("proto3 JSON serialisation cannot fail")
    }
}
