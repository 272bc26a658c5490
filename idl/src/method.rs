//! The table of methods this project speaks, one type per method: its name, its path, its
//! request and its response. The client sends by it and the server routes by it, so the two
//! cannot disagree on a path or a message type.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::paths;

/// One unary Connect method.
pub trait Method: Send + Sync + 'static {
    /// The method name, e.g. `CreateSecret`.
    const NAME: &'static str;
    /// `/<service>/<method>`.
    const PATH: &'static str;
    /// The request message.
    type Request: prost::Message + Default + Serialize + DeserializeOwned + Send + 'static;
    /// The response message.
    type Response: prost::Message + Default + Serialize + DeserializeOwned + Send + 'static;
}

macro_rules! methods {
    ($($(#[$doc:meta])* $name:ident: $req:ident => $resp:ident at $path:expr;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct $name;

            impl Method for $name {
                const NAME: &'static str = stringify!($name);
                const PATH: &'static str = $path;
                type Request = crate::$req;
                type Response = crate::$resp;
            }
        )*

        /// Every method's path, in table order.
        pub const PATHS: &[&str] = &[$($path),*];
    };
}

methods! {
    /// `SecretService/CreateSecret`.
    CreateSecret: CreateSecretRequest => CreateSecretResponse at paths::CREATE_SECRET;
    /// `SecretService/UpdateSecret`.
    UpdateSecret: UpdateSecretRequest => UpdateSecretResponse at paths::UPDATE_SECRET;
    /// `SecretService/GetSecret`.
    GetSecret: GetSecretRequest => GetSecretResponse at paths::GET_SECRET;
    /// `SecretService/DeleteSecret`.
    DeleteSecret: DeleteSecretRequest => DeleteSecretResponse at paths::DELETE_SECRET;
    /// `SecretService/ListSecrets`.
    ListSecrets: ListSecretsRequest => ListSecretsResponse at paths::LIST_SECRETS;
    /// `ClusterService/SelectCluster`.
    SelectCluster: SelectClusterRequest => SelectClusterResponse at paths::SELECT_CLUSTER;
    /// `AuthMetadataService/GetOAuth2Metadata`.
    GetOAuth2Metadata: GetOAuth2MetadataRequest => GetOAuth2MetadataResponse at paths::GET_OAUTH2_METADATA;
    /// `AuthMetadataService/GetPublicClientConfig`.
    GetPublicClientConfig: GetPublicClientConfigRequest => GetPublicClientConfigResponse at paths::GET_PUBLIC_CLIENT_CONFIG;
    /// The local inject extension's `InjectService/ReadSecretValue`.
    ReadSecretValue: ReadSecretValueRequest => ReadSecretValueResponse at paths::READ_SECRET_VALUE;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_ends_with_its_method_name() {
        fn check<M: Method>() {
            assert!(M::PATH.ends_with(&format!("/{}", M::NAME)), "{}", M::PATH);
        }
        check::<CreateSecret>();
        check::<UpdateSecret>();
        check::<GetSecret>();
        check::<DeleteSecret>();
        check::<ListSecrets>();
        check::<SelectCluster>();
        check::<ReadSecretValue>();
        check::<GetOAuth2Metadata>();
        check::<GetPublicClientConfig>();
        assert_eq!(PATHS.len(), 9);
    }
}
