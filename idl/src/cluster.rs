//! `flyteidl2.cluster.ClusterService/SelectCluster` messages: which cluster endpoint serves an
//! operation on a resource. The Python SDK asks it (operation `OPERATION_USE_SECRETS`) before
//! secret calls; an empty answer means "use the endpoint you called".

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{self, ProtoEnum};
use crate::{
    ClusterIdentifier, ClusterPoolIdentifier, DomainIdentifier, OrgIdentifier, ProjectIdentifier,
};

/// `SelectClusterRequest`: field 8 `operation` and the oneof `resource`. Members of the oneof
/// this crate does not model (task, action, app identifiers: fields 3 to 6) are skipped as
/// unknown fields in both codecs.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct SelectClusterRequest {
    /// What the resource is (oneof `resource`).
    #[prost(oneof = "select_cluster_request::Resource", tags = "1, 2, 7, 9, 10")]
    pub resource: Option<select_cluster_request::Resource>,
    /// See [`select_cluster_request::Operation`]; unknown values are kept as numbers.
    #[prost(enumeration = "select_cluster_request::Operation", tag = "8")]
    pub operation: i32,
}

/// Nested types of [`SelectClusterRequest`].
pub mod select_cluster_request {
    use crate::{
        ClusterIdentifier, ClusterPoolIdentifier, DomainIdentifier, OrgIdentifier,
        ProjectIdentifier,
    };

    /// The oneof `resource`: what the operation is about.
    #[derive(Clone, PartialEq, Eq, Hash, prost::Oneof)]
    pub enum Resource {
        /// Field 1 `org_id`: an organization (organization-wide secrets).
        #[prost(message, tag = "1")]
        OrgId(OrgIdentifier),
        /// Field 2 `project_id`: a project in a domain.
        #[prost(message, tag = "2")]
        ProjectId(ProjectIdentifier),
        /// Field 7 `cluster_pool_id`.
        #[prost(message, tag = "7")]
        ClusterPoolId(ClusterPoolIdentifier),
        /// Field 9 `domain_id`: a domain (domain-scoped secrets).
        #[prost(message, tag = "9")]
        DomainId(DomainIdentifier),
        /// Field 10 `cluster_id`: the cluster itself.
        #[prost(message, tag = "10")]
        ClusterId(ClusterIdentifier),
    }

    /// `SelectClusterRequest.Operation`.
    ///
    /// This crate's clients send only [`Operation::UseSecrets`]; the other values are here so
    /// that every operation keeps its proto name in JSON.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum Operation {
        /// `OPERATION_UNSPECIFIED` (0): not set.
        Unspecified = 0,
        /// `OPERATION_CREATE_UPLOAD_LOCATION` (1): getting a location to upload data to.
        CreateUploadLocation = 1,
        /// `OPERATION_UPLOAD_INPUTS` (2): uploading a run's inputs.
        UploadInputs = 2,
        /// `OPERATION_GET_ACTION_DATA` (3): reading an action's inputs and outputs.
        GetActionData = 3,
        /// `OPERATION_QUERY_RANGE_METRICS` (4): querying metrics over a time range.
        QueryRangeMetrics = 4,
        /// `OPERATION_CREATE_DOWNLOAD_LINK` (5): getting a link to download data from.
        CreateDownloadLink = 5,
        /// `OPERATION_TAIL_LOGS` (6): following an action's logs.
        TailLogs = 6,
        /// `OPERATION_GET_ACTION_ATTEMPT_METRICS` (7): reading the metrics of an action attempt.
        GetActionAttemptMetrics = 7,
        /// Secret-service calls.
        UseSecrets = 8,
        /// `OPERATION_UPLOAD_TRIGGER` (9): uploading a trigger.
        UploadTrigger = 9,
        /// `OPERATION_GET_IMAGE` (10): looking up a container image.
        GetImage = 10,
        /// `OPERATION_TRACKED_RUN_DATA` (11): a tracked run's data.
        TrackedRunData = 11,
        /// `OPERATION_GET_CLUSTER_CONFIG` (12): reading the cluster's configuration.
        GetClusterConfig = 12,
    }
}

use select_cluster_request::{Operation, Resource};

/// Proto names of [`Operation`], in number order.
const OPERATION_NAMES: [(&str, Operation); 13] = [
    ("OPERATION_UNSPECIFIED", Operation::Unspecified),
    (
        "OPERATION_CREATE_UPLOAD_LOCATION",
        Operation::CreateUploadLocation,
    ),
    ("OPERATION_UPLOAD_INPUTS", Operation::UploadInputs),
    ("OPERATION_GET_ACTION_DATA", Operation::GetActionData),
    (
        "OPERATION_QUERY_RANGE_METRICS",
        Operation::QueryRangeMetrics,
    ),
    (
        "OPERATION_CREATE_DOWNLOAD_LINK",
        Operation::CreateDownloadLink,
    ),
    ("OPERATION_TAIL_LOGS", Operation::TailLogs),
    (
        "OPERATION_GET_ACTION_ATTEMPT_METRICS",
        Operation::GetActionAttemptMetrics,
    ),
    ("OPERATION_USE_SECRETS", Operation::UseSecrets),
    ("OPERATION_UPLOAD_TRIGGER", Operation::UploadTrigger),
    ("OPERATION_GET_IMAGE", Operation::GetImage),
    ("OPERATION_TRACKED_RUN_DATA", Operation::TrackedRunData),
    ("OPERATION_GET_CLUSTER_CONFIG", Operation::GetClusterConfig),
];

impl ProtoEnum for Operation {
    fn as_str_name(&self) -> &'static str {
        OPERATION_NAMES[*self as usize].0
    }
    fn from_str_name(name: &str) -> Option<Self> {
        OPERATION_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, op)| *op)
    }
}

impl Serialize for SelectClusterRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match &self.resource {
            Some(Resource::OrgId(v)) => m.serialize_entry("orgId", v)?,
            Some(Resource::ProjectId(v)) => m.serialize_entry("projectId", v)?,
            Some(Resource::ClusterPoolId(v)) => m.serialize_entry("clusterPoolId", v)?,
            Some(Resource::DomainId(v)) => m.serialize_entry("domainId", v)?,
            Some(Resource::ClusterId(v)) => m.serialize_entry("clusterId", v)?,
            None => {}
        }
        if self.operation != 0 {
            m.serialize_entry("operation", &OperationOut(self.operation))?;
        }
        m.end()
    }
}

/// Writes an operation number as its name (or the number when unknown).
struct OperationOut(i32);
impl Serialize for OperationOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json::serialize_enum::<Operation, S>(&self.0, s)
    }
}

/// Reads an operation given as a name, a number or `null`.
struct OperationIn(i32);
impl<'de> Deserialize<'de> for OperationIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        json::deserialize_enum::<Operation, D>(d).map(OperationIn)
    }
}

impl<'de> Deserialize<'de> for SelectClusterRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SelectClusterRequest;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a flyteidl2.cluster.SelectClusterRequest object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut req = SelectClusterRequest::default();
                let mut seen_operation = false;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let member = match key.as_ref() {
                        "orgId" | "org_id" => map
                            .next_value::<Option<OrgIdentifier>>()?
                            .map(Resource::OrgId),
                        "projectId" | "project_id" => map
                            .next_value::<Option<ProjectIdentifier>>()?
                            .map(Resource::ProjectId),
                        "clusterPoolId" | "cluster_pool_id" => map
                            .next_value::<Option<ClusterPoolIdentifier>>()?
                            .map(Resource::ClusterPoolId),
                        "domainId" | "domain_id" => map
                            .next_value::<Option<DomainIdentifier>>()?
                            .map(Resource::DomainId),
                        "clusterId" | "cluster_id" => map
                            .next_value::<Option<ClusterIdentifier>>()?
                            .map(Resource::ClusterId),
                        "operation" => {
                            if std::mem::replace(&mut seen_operation, true) {
                                return Err(de::Error::duplicate_field("operation"));
                            }
                            req.operation = map.next_value::<OperationIn>()?.0;
                            continue;
                        }
                        // Unknown fields, and the oneof members not modelled, are ignored.
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    // A `null` member leaves the oneof unset; two members set is an error.
                    if let Some(m) = member {
                        if req.resource.is_some() {
                            return Err(de::Error::custom(
                                "more than one field of oneof `resource` is set",
                            ));
                        }
                        req.resource = Some(m);
                    }
                }
                Ok(req)
            }
        }
        d.deserialize_map(V)
    }
}

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
    /// Name of the selected cluster; empty when the answer is the endpoint called.
    #[prost(string, tag = "2")]
    #[serde(
        skip_serializing_if = "String::is_empty",
        deserialize_with = "json::or_default"
    )]
    pub cluster: String,
}
