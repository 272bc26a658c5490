//! What the service reports about a stored secret: `Secret`, `SecretMetadata`, statuses.

use serde::{Deserialize, Serialize};

use crate::json::{self, ProtoEnum};
use crate::{ClusterIdentifier, SecretIdentifier, SecretType, Timestamp};

/// `flyteidl2.secret.OverallStatus`: presence of a secret across clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum OverallStatus {
    /// Not set.
    Unspecified = 0,
    /// Present on some clusters.
    PartiallyPresent = 1,
    /// Present on every cluster.
    FullyPresent = 2,
    /// Unknown.
    UnknownStatus = 3,
}

impl ProtoEnum for OverallStatus {
    fn as_str_name(&self) -> &'static str {
        match self {
            Self::Unspecified => "UNSPECIFIED",
            Self::PartiallyPresent => "PARTIALLY_PRESENT",
            Self::FullyPresent => "FULLY_PRESENT",
            Self::UnknownStatus => "UNKNOWN_STATUS",
        }
    }
    fn from_str_name(name: &str) -> Option<Self> {
        Some(match name {
            "UNSPECIFIED" => Self::Unspecified,
            "PARTIALLY_PRESENT" => Self::PartiallyPresent,
            "FULLY_PRESENT" => Self::FullyPresent,
            "UNKNOWN_STATUS" => Self::UnknownStatus,
            _ => return None,
        })
    }
}

/// `flyteidl2.secret.SecretPresenceStatus`: presence of a secret on one cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum SecretPresenceStatus {
    /// Not known.
    Unknown = 0,
    /// Missing on the cluster.
    Missing = 1,
    /// Present on the cluster.
    Present = 2,
}

impl ProtoEnum for SecretPresenceStatus {
    fn as_str_name(&self) -> &'static str {
        match self {
            Self::Unknown => "UNKNOWN",
            Self::Missing => "MISSING",
            Self::Present => "PRESENT",
        }
    }
    fn from_str_name(name: &str) -> Option<Self> {
        Some(match name {
            "UNKNOWN" => Self::Unknown,
            "MISSING" => Self::Missing,
            "PRESENT" => Self::Present,
            _ => return None,
        })
    }
}

/// `flyteidl2.secret.ClusterSecretStatus`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClusterSecretStatus {
    /// The cluster.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterIdentifier>,
    /// See [`SecretPresenceStatus`].
    #[prost(enumeration = "SecretPresenceStatus", tag = "2")]
    #[serde(
        alias = "presence_status",
        skip_serializing_if = "json::is_zero",
        serialize_with = "json::serialize_enum::<SecretPresenceStatus, _>",
        deserialize_with = "json::deserialize_enum::<SecretPresenceStatus, _>"
    )]
    pub presence_status: i32,
}

/// `flyteidl2.secret.SecretStatus`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretStatus {
    /// See [`OverallStatus`].
    #[prost(enumeration = "OverallStatus", tag = "1")]
    #[serde(
        alias = "overall_status",
        skip_serializing_if = "json::is_zero",
        serialize_with = "json::serialize_enum::<OverallStatus, _>",
        deserialize_with = "json::deserialize_enum::<OverallStatus, _>"
    )]
    pub overall_status: i32,
    /// One entry per cluster.
    #[prost(message, repeated, tag = "2")]
    #[serde(
        alias = "cluster_status",
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub cluster_status: Vec<ClusterSecretStatus>,
}

/// `flyteidl2.secret.SecretMetadata`.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretMetadata {
    /// When the secret was created.
    #[prost(message, optional, tag = "1")]
    #[serde(alias = "created_time", skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
    /// Where the secret is present.
    #[prost(message, optional, tag = "2")]
    #[serde(alias = "secret_status", skip_serializing_if = "Option::is_none")]
    pub secret_status: Option<SecretStatus>,
    /// See [`SecretType`].
    #[prost(enumeration = "SecretType", tag = "3")]
    #[serde(
        skip_serializing_if = "json::is_zero",
        serialize_with = "json::serialize_enum::<SecretType, _>",
        deserialize_with = "json::deserialize_enum::<SecretType, _>"
    )]
    pub r#type: i32,
}

/// `flyteidl2.secret.Secret`: a stored secret as reported by get and list. Never the value.
#[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Secret {
    /// Name and scope.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<SecretIdentifier>,
    /// Creation time, status, type.
    #[prost(message, optional, tag = "2")]
    #[serde(alias = "secret_metadata", skip_serializing_if = "Option::is_none")]
    pub secret_metadata: Option<SecretMetadata>,
}
