//! The RPC methods: the Flyte SecretService, SelectCluster, AuthMetadataService, and the inject
//! extension.

mod auth_metadata;
mod inject;
mod page_token;
mod rpc;
mod secret_reply;
mod secrets;
pub(crate) mod validate;

pub(crate) use rpc::{Reply, Rpc};

/// Page size of ListSecrets when the request's `limit` is 0.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size; a larger `limit` is capped to it.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Name of the one cluster the local service reports in secret statuses.
pub const LOCAL_CLUSTER: &str = "local";

use crate::rpc_error::RpcError;
use crate::store::StoreError;

/// `unavailable` with the store's message when it cannot be reached (clients may retry),
/// else `internal` with the details only in the log.
fn storage(e: StoreError) -> RpcError {
    match e {
        StoreError::Unavailable(_) => {
            tracing::warn!(error = %e, "secret store unavailable");
            RpcError::new(flyte_idl::connect::Code::Unavailable, e.to_string())
        }
        e => RpcError::internal("storage failure", &e),
    }
}
