//! Messages of the local service's own extension `flyte.local.v1.InjectService`, which lets
//! the local task launcher read a secret's value for injection. Not part of the Flyte API.

use serde::{Deserialize, Serialize};

use crate::{SecretIdentifier, SecretSpec};

/// `flyte.local.v1.ReadSecretValueRequest`: field 1 `id` (`SecretIdentifier`).
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadSecretValueRequest {
    /// The secret to read.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
}

/// `flyte.local.v1.ReadSecretValueResponse`: field 1 `id`, field 2 `secret_spec` (the value and
/// type as stored). `Debug` redacts the value.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadSecretValueResponse {
    /// The secret read.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// The value and its type.
    #[prost(message, optional, tag = "2")]
    #[serde(alias = "secret_spec", skip_serializing_if = "Option::is_none")]
    pub secret_spec: Option<SecretSpec>,
}
