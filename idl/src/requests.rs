//! Request and response messages of `flyteidl2.secret.SecretService`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::json;
use crate::{Secret, SecretIdentifier, SecretSpec};

/// `CreateSecretRequest`: store a new secret (fails with `already_exists` if the name is taken).
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CreateSecretRequest {
    /// Name and scope.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// Value and type.
    #[prost(message, optional, tag = "2")]
    #[serde(alias = "secret_spec", skip_serializing_if = "Option::is_none")]
    pub secret_spec: Option<SecretSpec>,
}

/// `CreateSecretResponse` (empty).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct CreateSecretResponse {}

/// `UpdateSecretRequest`: replace the value of an existing secret.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UpdateSecretRequest {
    /// Name and scope.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// The new value and type.
    #[prost(message, optional, tag = "2")]
    #[serde(alias = "secret_spec", skip_serializing_if = "Option::is_none")]
    pub secret_spec: Option<SecretSpec>,
}

/// `UpdateSecretResponse` (empty).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct UpdateSecretResponse {}

/// `GetSecretRequest`: read a secret's metadata.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetSecretRequest {
    /// Name and scope.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// Also look at system secrets.
    #[prost(bool, tag = "2")]
    #[serde(
        alias = "include_system_secrets",
        skip_serializing_if = "json::is_false",
        deserialize_with = "json::or_default"
    )]
    pub include_system_secrets: bool,
}

/// `GetSecretResponse`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct GetSecretResponse {
    /// The secret (metadata only).
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
}

/// `DeleteSecretRequest`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeleteSecretRequest {
    /// Name and scope.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// Also look at system secrets.
    #[prost(bool, tag = "2")]
    #[serde(
        alias = "include_system_secrets",
        skip_serializing_if = "json::is_false",
        deserialize_with = "json::or_default"
    )]
    pub include_system_secrets: bool,
}

/// `DeleteSecretResponse` (empty).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct DeleteSecretResponse {}

/// `ListSecretsRequest`: one page of the secrets of a scope.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListSecretsRequest {
    /// The organization.
    #[prost(string, tag = "1")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub organization: String,
    /// The domain (empty: organization scope).
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub domain: String,
    /// The project (empty: organization scope).
    #[prost(string, tag = "3")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub project: String,
    /// Page size; 0 means the server's default.
    #[prost(int32, tag = "4")]
    #[serde(
        skip_serializing_if = "json::is_zero",
        deserialize_with = "json::deserialize_i32"
    )]
    pub limit: i32,
    /// The continuation token from the previous page; empty for the first page.
    #[prost(string, tag = "5")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub token: String,
    /// Per-cluster continuation tokens (unused by the local service).
    #[prost(map = "string, string", tag = "6")]
    #[serde(
        alias = "per_cluster_tokens",
        skip_serializing_if = "HashMap::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub per_cluster_tokens: HashMap<String, String>,
    /// Also list system secrets.
    #[prost(bool, tag = "7")]
    #[serde(
        alias = "include_system_secrets",
        skip_serializing_if = "json::is_false",
        deserialize_with = "json::or_default"
    )]
    pub include_system_secrets: bool,
}

/// `ListSecretsResponse`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ListSecretsResponse {
    /// This page (metadata only).
    #[prost(message, repeated, tag = "1")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub secrets: Vec<Secret>,
    /// Token of the next page; empty when this is the last page.
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub token: String,
    /// Per-cluster continuation tokens (unused by the local service).
    #[prost(map = "string, string", tag = "3")]
    #[serde(
        alias = "per_cluster_tokens",
        skip_serializing_if = "HashMap::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub per_cluster_tokens: HashMap<String, String>,
}
