//! Identifiers: `flyteidl2.secret.SecretIdentifier` and `flyteidl2.common.ClusterIdentifier`.

use serde::{Deserialize, Serialize};

use crate::json;

/// `flyteidl2.secret.SecretIdentifier`: a secret's name and scope.
///
/// The scope is (organization, project, domain); empty project and domain mean the
/// organization scope.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecretIdentifier {
    /// The secret's name (unique within its scope).
    #[prost(string, tag = "1")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub name: String,
    /// The organization.
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub organization: String,
    /// The domain (e.g. `development`), empty for an organization-wide secret.
    #[prost(string, tag = "3")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub domain: String,
    /// The project, empty for an organization-wide secret.
    #[prost(string, tag = "4")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub project: String,
}

/// `flyteidl2.common.ClusterIdentifier`.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClusterIdentifier {
    /// The organization owning the cluster.
    #[prost(string, tag = "1")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub organization: String,
    /// The cluster's name.
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub name: String,
}

/// Declares a `flyteidl2.common` identifier whose fields are all strings.
macro_rules! string_identifier {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident = $tag:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, prost::Message, Serialize, Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fdoc])*
                #[prost(string, tag = $tag)]
                #[serde(
                    skip_serializing_if = "String::is_empty",
                    deserialize_with = "json::or_default"
                )]
                pub $field: String,
            )*
        }
    };
}

string_identifier! {
    /// `flyteidl2.common.OrgIdentifier`.
    OrgIdentifier {
        /// The organization's name.
        name = "1",
    }
}

string_identifier! {
    /// `flyteidl2.common.ProjectIdentifier`: a project in one domain.
    ProjectIdentifier {
        /// The organization.
        organization = "1",
        /// The domain (e.g. `development`).
        domain = "2",
        /// The project's name.
        name = "3",
    }
}

string_identifier! {
    /// `flyteidl2.common.DomainIdentifier`: a domain of an organization.
    DomainIdentifier {
        /// The organization.
        organization = "1",
        /// The domain's name.
        name = "2",
    }
}

string_identifier! {
    /// `flyteidl2.common.ClusterPoolIdentifier`.
    ClusterPoolIdentifier {
        /// The organization.
        organization = "1",
        /// The pool's name.
        name = "2",
    }
}
