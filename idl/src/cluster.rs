//! `flyteidl2.cluster.ClusterService/SelectCluster` messages, reduced to what the local
//! service needs: the Python SDK calls SelectCluster before secret calls, and an empty answer
//! makes it keep using the same endpoint.

use serde::{Deserialize, Serialize};

use crate::json;

/// `SelectClusterRequest`. Its fields (a `resource` oneof and an `operation`) are not modelled:
/// protobuf decoding skips them as unknown fields, and JSON decoding ignores any field.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct SelectClusterRequest {}

/// `SelectClusterResponse`. Empty fields mean "use the endpoint you called".
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SelectClusterResponse {
    /// Endpoint to call for the operation; empty: the same endpoint.
    #[prost(string, tag = "1")]
    #[serde(
        alias = "cluster_endpoint",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub cluster_endpoint: String,
    /// Name of the selected cluster.
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub cluster: String,
}
