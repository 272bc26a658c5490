//! `flyteidl2.core` security messages: [`Secret`] (a secret a task asks the cluster to
//! inject) and [`SecurityContext`] (a task template's list of them).
//!
//! Only what a task's secrets need is modelled: `SecurityContext.run_as` (field 1) and
//! `tokens` (field 3) are left out, so decoding a message that sets them drops them (prost
//! skips unknown fields), and JSON input ignores them.
//!
//! The module is named after the proto package. After `use flyte_idl::*` the name `core`
//! is ambiguous with the standard `core` crate; write `flyte_idl::core::...` there.
//!
//! ```
//! use flyte_idl::core::{SecurityContext, Secret, secret::MountType};
//!
//! let sc = SecurityContext {
//!     secrets: vec![Secret {
//!         key: "my-secret".into(),
//!         mount_requirement: MountType::EnvVar.into(),
//!         env_var: "MY_SECRET".into(),
//!         ..Default::default()
//!     }],
//! };
//! assert_eq!(
//!     serde_json::to_string(&sc).unwrap(),
//!     r#"{"secrets":[{"key":"my-secret","mountRequirement":"ENV_VAR","envVar":"MY_SECRET"}]}"#
//! );
//! ```

use serde::{Deserialize, Serialize};

use crate::json;

/// `flyteidl2.core.Secret`: field 1 `group`, 2 `group_version`, 3 `key`,
/// 4 `mount_requirement` ([`secret::MountType`]), 5 `env_var`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Secret {
    /// The secret's group, empty when it has none.
    #[prost(string, tag = "1")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub group: String,
    /// The group's version (some stores); never set by the SDK.
    #[prost(string, tag = "2")]
    #[serde(
        alias = "group_version",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub group_version: String,
    /// The secret's key (its name in the store).
    #[prost(string, tag = "3")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub key: String,
    /// How the secret is to be mounted; see [`secret::MountType`].
    #[prost(enumeration = "secret::MountType", tag = "4")]
    #[serde(
        alias = "mount_requirement",
        skip_serializing_if = "json::is_zero",
        serialize_with = "json::serialize_enum::<secret::MountType, _>",
        deserialize_with = "json::deserialize_enum::<secret::MountType, _>"
    )]
    pub mount_requirement: i32,
    /// The env var to expose the secret as, for an `ENV_VAR` mount; empty otherwise.
    #[prost(string, tag = "5")]
    #[serde(
        alias = "env_var",
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub env_var: String,
}

/// Nested types of [`Secret`].
pub mod secret {
    use crate::json::ProtoEnum;

    /// `flyteidl2.core.Secret.MountType`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum MountType {
        /// Whatever the cluster prefers.
        Any = 0,
        /// As an environment variable.
        EnvVar = 1,
        /// As a file.
        File = 2,
    }

    impl ProtoEnum for MountType {
        fn as_str_name(&self) -> &'static str {
            match self {
                Self::Any => "ANY",
                Self::EnvVar => "ENV_VAR",
                Self::File => "FILE",
            }
        }
        fn from_str_name(name: &str) -> Option<Self> {
            Some(match name {
                "ANY" => Self::Any,
                "ENV_VAR" => Self::EnvVar,
                "FILE" => Self::File,
                _ => return None,
            })
        }
    }
}

/// `flyteidl2.core.SecurityContext`, as far as secrets go: field 2 `secrets`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecurityContext {
    /// The secrets the cluster injects, in declaration order.
    #[prost(message, repeated, tag = "2")]
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub secrets: Vec<Secret>,
}
