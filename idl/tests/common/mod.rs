//! Sample messages shared by the tests, with every field set to a non-default value.

use std::collections::HashMap;

use flyte_idl::*;

pub(crate) fn id(name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: "127".into(),
        domain: "development".into(),
        project: "flytesnacks".into(),
    }
}

pub(crate) fn spec_str(v: &str) -> SecretSpec {
    SecretSpec {
        value: Some(secret_spec::Value::StringValue(v.into())),
        r#type: 0,
    }
}

pub(crate) fn spec_bytes(v: &[u8]) -> SecretSpec {
    SecretSpec {
        value: Some(secret_spec::Value::BinaryValue(v.to_vec())),
        r#type: SecretType::ImagePullSecret.into(),
    }
}

pub(crate) fn secret(name: &str) -> Secret {
    Secret {
        id: Some(id(name)),
        secret_metadata: Some(SecretMetadata {
            created_time: Some(Timestamp {
                seconds: 1_714_566_600,
                nanos: 250_000_000,
            }),
            secret_status: Some(SecretStatus {
                overall_status: OverallStatus::FullyPresent.into(),
                cluster_status: vec![ClusterSecretStatus {
                    cluster: Some(ClusterIdentifier {
                        organization: "127".into(),
                        name: "local".into(),
                    }),
                    presence_status: SecretPresenceStatus::Present.into(),
                }],
            }),
            r#type: SecretType::ImagePullSecret.into(),
        }),
    }
}

pub(crate) fn list_request() -> ListSecretsRequest {
    ListSecretsRequest {
        organization: "127".into(),
        domain: "development".into(),
        project: "flytesnacks".into(),
        limit: 25,
        token: "tok".into(),
        per_cluster_tokens: HashMap::from([("c1".to_string(), "t1".to_string())]),
        include_system_secrets: true,
    }
}

pub(crate) fn list_response() -> ListSecretsResponse {
    ListSecretsResponse {
        secrets: vec![secret("a"), secret("b")],
        token: "next".into(),
        per_cluster_tokens: HashMap::from([("c1".to_string(), "t2".to_string())]),
    }
}

pub(crate) fn security_context() -> flyte_idl::core::SecurityContext {
    use flyte_idl::core::secret::MountType;
    flyte_idl::core::SecurityContext {
        secrets: vec![
            flyte_idl::core::Secret {
                key: "my-secret".into(),
                mount_requirement: MountType::EnvVar.into(),
                env_var: "MY_SECRET".into(),
                ..Default::default()
            },
            flyte_idl::core::Secret {
                group: "grp".into(),
                group_version: "v2".into(),
                key: "cfg".into(),
                mount_requirement: MountType::File.into(),
                env_var: String::new(),
            },
            flyte_idl::core::Secret {
                key: "any".into(),
                ..Default::default()
            },
        ],
    }
}
