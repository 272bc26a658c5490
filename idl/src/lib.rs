//! The `flyteidl2` messages this project speaks (secret service, cluster selection, auth
//! metadata, the security context), written by hand from the flyteidl2 `.proto` files (no protoc, no
//! generated files).
//!
//! - Binary protobuf through [`prost::Message`] (`encode_to_vec`, `decode`).
//! - The proto3 JSON mapping through serde: output uses camelCase names and omits default
//!   values; input accepts camelCase and the original snake_case names, enums by name or
//!   number, `null` as the default, and ignores unknown fields (as connect-go does). Being
//!   serde-derived, a message also reads from a JSON array of its fields in order; the server
//!   only hands JSON objects to these impls.
//! - [`paths`] holds the service and method paths, [`method`] the table of methods (name,
//!   path, request, response) the client and the server share, [`connect`] the Connect error body and codes.
//! - [`core`] holds `flyteidl2.core.Secret` and `SecurityContext`, what a task template
//!   tells a cluster about the secrets to inject.
//!
//! Field numbers were checked against the descriptors of the Python `flyteidl2` package
//! (see `tests/python_wire.rs`).
//!
//! ```
//! use flyte_idl::{SecretIdentifier, GetSecretRequest};
//! use prost::Message;
//!
//! let req = GetSecretRequest {
//!     id: Some(SecretIdentifier { name: "db-password".into(), organization: "127".into(), ..Default::default() }),
//!     include_system_secrets: false,
//! };
//! let bytes = req.encode_to_vec();
//! assert_eq!(GetSecretRequest::decode(bytes.as_slice()).unwrap(), req);
//! assert_eq!(serde_json::to_string(&req).unwrap(), r#"{"id":{"name":"db-password","organization":"127"}}"#);
//! ```

mod auth;
mod cluster;
pub mod connect;
pub mod core;
mod identifier;
mod inject;
pub mod json;
mod metadata;
pub mod method;
pub mod paths;
mod requests;
mod spec;
mod timestamp;

pub use auth::{
    GetOAuth2MetadataRequest, GetOAuth2MetadataResponse, GetPublicClientConfigRequest,
    GetPublicClientConfigResponse,
};
pub use cluster::{SelectClusterRequest, SelectClusterResponse, select_cluster_request};
pub use identifier::{
    ClusterIdentifier, ClusterPoolIdentifier, DomainIdentifier, OrgIdentifier, ProjectIdentifier,
    SecretIdentifier,
};
pub use inject::{ReadSecretValueRequest, ReadSecretValueResponse};
pub use json::ProtoEnum;
pub use metadata::{
    ClusterSecretStatus, OverallStatus, Secret, SecretMetadata, SecretPresenceStatus, SecretStatus,
};
pub use requests::{
    CreateSecretRequest, CreateSecretResponse, DeleteSecretRequest, DeleteSecretResponse,
    GetSecretRequest, GetSecretResponse, ListSecretsRequest, ListSecretsResponse,
    UpdateSecretRequest, UpdateSecretResponse,
};
pub use spec::{SecretSpec, SecretType, secret_spec};
pub use timestamp::{Timestamp, TimestampError};

/// Re-exported so users can call `encode_to_vec` / `decode` without naming prost themselves.
pub use prost::Message;
