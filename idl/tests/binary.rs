//! Binary protobuf: round trips and hand-checked encodings.

use crate::common;

use common::*;
use flyte_idl::*;

fn round_trip<M: Message + Default + PartialEq + std::fmt::Debug>(m: M) {
    let bytes = m.encode_to_vec();
    assert_eq!(M::decode(bytes.as_slice()).unwrap(), m);
}

#[test]
fn every_message_round_trips() {
    round_trip(id("db-password"));
    round_trip(spec_str("hunter2"));
    round_trip(spec_bytes(&[0, 1, 2, 255]));
    round_trip(secret("x"));
    round_trip(CreateSecretRequest {
        id: Some(id("a")),
        secret_spec: Some(spec_str("v")),
    });
    round_trip(UpdateSecretRequest {
        id: Some(id("a")),
        secret_spec: Some(spec_bytes(b"v")),
    });
    round_trip(GetSecretRequest {
        id: Some(id("a")),
        include_system_secrets: true,
    });
    round_trip(GetSecretResponse {
        secret: Some(secret("a")),
    });
    round_trip(DeleteSecretRequest {
        id: Some(id("a")),
        include_system_secrets: true,
    });
    round_trip(list_request());
    round_trip(list_response());
    round_trip(SelectClusterResponse {
        cluster_endpoint: "dns:///x".into(),
        cluster: "c".into(),
    });
    round_trip(ReadSecretValueRequest { id: Some(id("a")) });
    round_trip(ReadSecretValueResponse {
        id: Some(id("a")),
        secret_spec: Some(spec_str("v")),
    });
    assert!(CreateSecretResponse {}.encode_to_vec().is_empty());
    assert!(UpdateSecretResponse {}.encode_to_vec().is_empty());
    assert!(DeleteSecretResponse {}.encode_to_vec().is_empty());
}

#[test]
fn field_numbers_match_the_design_table() {
    // SecretIdentifier: 1 name, 2 organization, 3 domain, 4 project.
    let bytes = SecretIdentifier {
        name: "n".into(),
        organization: "o".into(),
        domain: "d".into(),
        project: "p".into(),
    }
    .encode_to_vec();
    assert_eq!(bytes, b"\x0a\x01n\x12\x01o\x1a\x01d\x22\x01p");
    // SecretSpec: 1 string_value, 2 binary_value, 3 type (varint).
    assert_eq!(spec_str("v").encode_to_vec(), b"\x0a\x01v");
    assert_eq!(spec_bytes(b"\x00").encode_to_vec(), b"\x12\x01\x00\x18\x01");
    // ListSecretsRequest: 4 limit (varint), 7 include_system_secrets.
    let r = ListSecretsRequest {
        limit: 3,
        include_system_secrets: true,
        ..Default::default()
    };
    assert_eq!(r.encode_to_vec(), b"\x20\x03\x38\x01");
}

#[test]
fn select_cluster_request_reads_operation_and_resource() {
    use select_cluster_request::{Operation, Resource};
    // operation = 8 (OPERATION_USE_SECRETS) and org_id {1: "127"}.
    let bytes = b"\x40\x08\x0a\x05\x0a\x03127";
    let r = SelectClusterRequest::decode(&bytes[..]).unwrap();
    assert_eq!(r.operation(), Operation::UseSecrets);
    assert_eq!(
        r.resource,
        Some(Resource::OrgId(OrgIdentifier { name: "127".into() }))
    );
    // domain_id (field 9) {1: "o", 2: "d"}, then a task_id (field 3) this crate skips.
    let bytes = b"\x4a\x06\x0a\x01o\x12\x01d\x1a\x00\x40\x63";
    let r = SelectClusterRequest::decode(&bytes[..]).unwrap();
    assert_eq!(
        r.operation, 99,
        "an unknown operation is kept as its number"
    );
    assert_eq!(
        r.resource,
        Some(Resource::DomainId(DomainIdentifier {
            organization: "o".into(),
            name: "d".into()
        }))
    );
    for resource in [
        Resource::ProjectId(ProjectIdentifier {
            organization: "o".into(),
            domain: "d".into(),
            name: "p".into(),
        }),
        Resource::ClusterPoolId(ClusterPoolIdentifier {
            organization: "o".into(),
            name: "pool".into(),
        }),
        Resource::ClusterId(ClusterIdentifier {
            organization: "o".into(),
            name: "c".into(),
        }),
    ] {
        round_trip(SelectClusterRequest {
            resource: Some(resource),
            operation: Operation::UseSecrets.into(),
        });
    }
    // project_id is field 2 with organization 1, domain 2, name 3.
    let r = SelectClusterRequest {
        resource: Some(Resource::ProjectId(ProjectIdentifier {
            organization: "o".into(),
            domain: "d".into(),
            name: "p".into(),
        })),
        operation: 8,
    };
    assert_eq!(
        r.encode_to_vec(),
        b"\x12\x09\x0a\x01o\x12\x01d\x1a\x01p\x40\x08"
    );
}

#[test]
fn typed_enum_accessors() {
    let s = secret("a");
    let md = s.secret_metadata.unwrap();
    assert_eq!(md.r#type(), SecretType::ImagePullSecret);
    assert_eq!(
        md.secret_status.unwrap().overall_status(),
        OverallStatus::FullyPresent
    );
    // Unknown numbers decode (open enums) and read as the default through the accessor.
    let spec = SecretSpec::decode(&b"\x18\x07"[..]).unwrap();
    assert_eq!(spec.r#type, 7);
    assert_eq!(spec.r#type(), SecretType::Generic);
}

#[test]
fn debug_redacts_values() {
    let text = format!(
        "{:?} {:?}",
        spec_str("hunter2-secret"),
        spec_bytes(b"binary-secret")
    );
    assert!(
        !text.contains("hunter2-secret") && !text.contains("binary-secret"),
        "{text}"
    );
    assert!(text.contains("redacted, 14 bytes"), "{text}");
    let resp = ReadSecretValueResponse {
        id: None,
        secret_spec: Some(spec_str("hunter2-secret")),
    };
    assert!(!format!("{resp:?}").contains("hunter2"));
}

#[test]
fn security_context_field_numbers_and_unknown_fields() {
    round_trip(security_context());
    // Secret: 1 group, 2 group_version, 3 key, 4 mount_requirement (varint), 5 env_var.
    let s = flyte_idl::core::Secret {
        group: "g".into(),
        group_version: "v".into(),
        key: "k".into(),
        mount_requirement: flyte_idl::core::secret::MountType::EnvVar.into(),
        env_var: "E".into(),
    };
    assert_eq!(
        s.encode_to_vec(),
        b"\x0a\x01g\x12\x01v\x1a\x01k\x20\x01\x2a\x01E"
    );
    // SecurityContext: 2 secrets. run_as (1) and tokens (3) are not modelled and skipped.
    let sc = flyte_idl::core::SecurityContext {
        secrets: vec![s.clone()],
    };
    let mut bytes = b"\x0a\x02\x0a\x00".to_vec();
    bytes.extend_from_slice(&sc.encode_to_vec());
    bytes.extend_from_slice(b"\x1a\x03\x0a\x01t");
    assert_eq!(sc.encode_to_vec()[0], 0x12);
    assert_eq!(
        flyte_idl::core::SecurityContext::decode(bytes.as_slice()).unwrap(),
        sc
    );
    assert!(
        flyte_idl::core::SecurityContext::default()
            .encode_to_vec()
            .is_empty()
    );
}
