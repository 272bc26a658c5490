//! Service names, method paths and Connect header values.

/// The Flyte secret service.
pub const SECRET_SERVICE: &str = "flyteidl2.secret.SecretService";
/// `POST` path of `CreateSecret`.
pub const CREATE_SECRET: &str = "/flyteidl2.secret.SecretService/CreateSecret";
/// `POST` path of `UpdateSecret`.
pub const UPDATE_SECRET: &str = "/flyteidl2.secret.SecretService/UpdateSecret";
/// `POST` path of `GetSecret`.
pub const GET_SECRET: &str = "/flyteidl2.secret.SecretService/GetSecret";
/// `POST` path of `DeleteSecret`.
pub const DELETE_SECRET: &str = "/flyteidl2.secret.SecretService/DeleteSecret";
/// `POST` path of `ListSecrets`.
pub const LIST_SECRETS: &str = "/flyteidl2.secret.SecretService/ListSecrets";

/// The Flyte cluster service.
pub const CLUSTER_SERVICE: &str = "flyteidl2.cluster.ClusterService";
/// `POST` path of `SelectCluster`.
pub const SELECT_CLUSTER: &str = "/flyteidl2.cluster.ClusterService/SelectCluster";

/// The Flyte auth metadata service (where the identity provider is; no auth needed).
pub const AUTH_METADATA_SERVICE: &str = "flyteidl2.auth.AuthMetadataService";
/// `POST` path of `GetOAuth2Metadata`.
pub const GET_OAUTH2_METADATA: &str = "/flyteidl2.auth.AuthMetadataService/GetOAuth2Metadata";
/// `POST` path of `GetPublicClientConfig`.
pub const GET_PUBLIC_CLIENT_CONFIG: &str =
    "/flyteidl2.auth.AuthMetadataService/GetPublicClientConfig";

/// The local service's injection extension (not part of the Flyte API).
pub const INJECT_SERVICE: &str = "flyte.local.v1.InjectService";
/// `POST` path of `ReadSecretValue` (needs a token with the `inject` right when auth is on).
pub const READ_SECRET_VALUE: &str = "/flyte.local.v1.InjectService/ReadSecretValue";

/// Content type of the binary protobuf codec.
pub const CONTENT_TYPE_PROTO: &str = "application/proto";
/// Content type of the proto3 JSON codec (also used for Connect error bodies).
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// Header naming the Connect protocol version.
pub const CONNECT_PROTOCOL_VERSION_HEADER: &str = "connect-protocol-version";
/// The only Connect protocol version.
pub const CONNECT_PROTOCOL_VERSION: &str = "1";
