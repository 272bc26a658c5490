//! The RPC methods: the Flyte SecretService, SelectCluster, AuthMetadataService, and the inject
//! extension.

mod auth_metadata;
mod inject;
mod page_token;
mod rpc;
mod secrets;
pub(crate) mod validate;

pub(crate) use rpc::Rpc;

/// Page size of ListSecrets when the request's `limit` is 0.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest page size; a larger `limit` is capped to it.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Name of the one cluster the local service reports in secret statuses.
pub const LOCAL_CLUSTER: &str = "local";

use crate::rpc_error::RpcError;
use crate::store::StoreError;

fn storage(e: StoreError) -> RpcError {
    RpcError::internal("storage failure", &e)
}
