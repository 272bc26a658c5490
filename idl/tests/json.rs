//! The proto3 JSON mapping: exact output, both name styles on input, enums, nulls, errors.

use crate::common;

use common::*;
use flyte_idl::*;
use serde_json::json;

fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

#[test]
fn exact_output_of_a_list_response() {
    let text = serde_json::to_string(&GetSecretResponse {
        secret: Some(secret("db")),
    })
    .unwrap();
    assert_eq!(
        text,
        concat!(
            r#"{"secret":{"id":{"name":"db","organization":"127","domain":"development","project":"flytesnacks"},"#,
            r#""secretMetadata":{"createdTime":"2024-05-01T12:30:00.250Z","secretStatus":{"overallStatus":"FULLY_PRESENT","#,
            r#""clusterStatus":[{"cluster":{"organization":"127","name":"local"},"presenceStatus":"PRESENT"}]},"#,
            r#""type":"SECRET_TYPE_IMAGE_PULL_SECRET"}}}"#
        )
    );
    assert_eq!(
        to_json(&list_request()),
        json!({"organization":"127","domain":"development","project":"flytesnacks","limit":25,
               "token":"tok","perClusterTokens":{"c1":"t1"},"includeSystemSecrets":true})
    );
}

#[test]
fn defaults_are_omitted() {
    assert_eq!(
        serde_json::to_string(&ListSecretsRequest::default()).unwrap(),
        "{}"
    );
    assert_eq!(
        serde_json::to_string(&ListSecretsResponse::default()).unwrap(),
        "{}"
    );
    assert_eq!(serde_json::to_string(&Secret::default()).unwrap(), "{}");
    assert_eq!(serde_json::to_string(&SecretSpec::default()).unwrap(), "{}");
    assert_eq!(
        serde_json::to_string(&CreateSecretResponse {}).unwrap(),
        "{}"
    );
    // An empty string value is still a set oneof member and is written.
    assert_eq!(
        serde_json::to_string(&spec_str("")).unwrap(),
        r#"{"stringValue":""}"#
    );
}

#[test]
fn bytes_are_base64() {
    let req = CreateSecretRequest {
        id: None,
        secret_spec: Some(spec_bytes(&[0xfb, 0xff, 0x00])),
    };
    assert_eq!(
        serde_json::to_string(&req).unwrap(),
        r#"{"secretSpec":{"binaryValue":"+/8A","type":"SECRET_TYPE_IMAGE_PULL_SECRET"}}"#
    );
    for input in ["+/8A", "-_8A", "+/8A"] {
        let back: SecretSpec = serde_json::from_value(json!({"binary_value": input})).unwrap();
        assert_eq!(
            back.value,
            Some(secret_spec::Value::BinaryValue(vec![0xfb, 0xff, 0x00]))
        );
    }
    let err = serde_json::from_value::<SecretSpec>(json!({"binaryValue": "%%"})).unwrap_err();
    assert!(err.to_string().contains("invalid base64"), "{err}");
}

#[test]
fn both_name_styles_are_read() {
    let want = CreateSecretRequest {
        id: Some(id("k")),
        secret_spec: Some(spec_str("v")),
    };
    let camel = json!({"id":{"name":"k","organization":"127","domain":"development","project":"flytesnacks"},
                       "secretSpec":{"stringValue":"v"}});
    let snake = json!({"id":{"name":"k","organization":"127","domain":"development","project":"flytesnacks"},
                       "secret_spec":{"string_value":"v","type":"SECRET_TYPE_GENERIC"}});
    assert_eq!(
        serde_json::from_value::<CreateSecretRequest>(camel).unwrap(),
        want
    );
    assert_eq!(
        serde_json::from_value::<CreateSecretRequest>(snake).unwrap(),
        want
    );

    let l: ListSecretsRequest = serde_json::from_value(json!({
        "organization":"127","domain":"development","project":"flytesnacks","limit":"25","token":"tok",
        "per_cluster_tokens":{"c1":"t1"},"include_system_secrets":true})).unwrap();
    assert_eq!(l, list_request());
    // Our own output reads back.
    let out = to_json(&list_response());
    assert_eq!(
        serde_json::from_value::<ListSecretsResponse>(out).unwrap(),
        list_response()
    );
    let snake_md: SecretMetadata = serde_json::from_value(json!({
        "created_time":"2024-05-01T14:30:00.25+02:00",
        "secret_status":{"overall_status":2,"cluster_status":[{"presence_status":"PRESENT"}]}}))
    .unwrap();
    assert_eq!(
        snake_md.created_time,
        Some(Timestamp {
            seconds: 1_714_566_600,
            nanos: 250_000_000
        })
    );
    assert_eq!(
        snake_md.secret_status.unwrap().cluster_status[0].presence_status,
        2
    );
}

#[test]
fn enums_by_name_and_number() {
    for v in [json!("SECRET_TYPE_IMAGE_PULL_SECRET"), json!(1)] {
        let s: SecretSpec = serde_json::from_value(json!({"type": v})).unwrap();
        assert_eq!(s.r#type(), SecretType::ImagePullSecret);
    }
    let s: SecretStatus = serde_json::from_value(json!({"overallStatus": 3})).unwrap();
    assert_eq!(s.overall_status(), OverallStatus::UnknownStatus);
    // Unknown numbers survive and are written back as numbers.
    let s: SecretSpec = serde_json::from_value(json!({"type": 9})).unwrap();
    assert_eq!(to_json(&s), json!({"type": 9}));
    let err =
        serde_json::from_value::<SecretSpec>(json!({"type": "SECRET_TYPE_BOGUS"})).unwrap_err();
    assert!(err.to_string().contains("SECRET_TYPE_BOGUS"), "{err}");
}

#[test]
fn nulls_mean_defaults_and_unknown_fields_are_ignored() {
    let r: ListSecretsRequest = serde_json::from_value(json!({
        "organization": null, "limit": null, "token": null, "perClusterTokens": null,
        "includeSystemSecrets": null, "someFutureField": {"x": [1, 2]}}))
    .unwrap();
    assert_eq!(r, ListSecretsRequest::default());
    let s: SecretSpec = serde_json::from_value(json!({"stringValue": null, "type": null})).unwrap();
    assert_eq!(s, SecretSpec::default());
    let g: GetSecretRequest = serde_json::from_value(json!({"id": null})).unwrap();
    assert_eq!(g.id, None);
}

#[test]
fn select_cluster_request_json() {
    use select_cluster_request::{Operation, Resource};
    let r: SelectClusterRequest = serde_json::from_value(json!({
        "orgId": {"name": "127"}, "operation": "OPERATION_USE_SECRETS", "x": null}))
    .unwrap();
    assert_eq!(r.operation(), Operation::UseSecrets);
    assert_eq!(
        r.resource,
        Some(Resource::OrgId(OrgIdentifier { name: "127".into() }))
    );
    let project = SelectClusterRequest {
        resource: Some(Resource::ProjectId(ProjectIdentifier {
            organization: "o".into(),
            domain: "d".into(),
            name: "p".into(),
        })),
        operation: Operation::UseSecrets.into(),
    };
    assert_eq!(
        to_json(&project),
        json!({"projectId": {"organization": "o", "domain": "d", "name": "p"},
               "operation": "OPERATION_USE_SECRETS"})
    );
    let snake: SelectClusterRequest = serde_json::from_value(json!({
        "project_id": {"organization": "o", "domain": "d", "name": "p"}, "operation": 8,
        "org_id": null, "task_id": {"name": "t"}}))
    .unwrap();
    assert_eq!(snake, project);
    let domain: SelectClusterRequest =
        serde_json::from_value(json!({"domain_id": {"organization": "o", "name": "d"}})).unwrap();
    assert!(matches!(domain.resource, Some(Resource::DomainId(_))));
    assert_eq!(domain.operation, 0);
    assert_eq!(
        to_json(&SelectClusterRequest {
            resource: None,
            operation: 77
        }),
        json!({"operation": 77})
    );
    let both = json!({"orgId": {"name": "o"}, "domainId": {"name": "d"}});
    assert!(serde_json::from_value::<SelectClusterRequest>(both).is_err());
    assert_eq!(to_json(&SelectClusterResponse::default()), json!({}));
    let resp: SelectClusterResponse =
        serde_json::from_value(json!({"cluster_endpoint": "dns:///b:1", "cluster": "c"})).unwrap();
    assert_eq!(resp.cluster_endpoint, "dns:///b:1");
    assert_eq!(
        to_json(&resp),
        json!({"clusterEndpoint": "dns:///b:1", "cluster": "c"})
    );
}

#[test]
fn malformed_input_is_refused() {
    let both = json!({"stringValue": "a", "binaryValue": "Yg=="});
    let err = serde_json::from_value::<SecretSpec>(both).unwrap_err();
    assert!(err.to_string().contains("oneof"), "{err}");
    let dup = r#"{"secretSpec":{},"secret_spec":{}}"#;
    assert!(serde_json::from_str::<CreateSecretRequest>(dup).is_err());
    assert!(serde_json::from_value::<ListSecretsRequest>(json!({"limit": "ten"})).is_err());
    assert!(serde_json::from_value::<ListSecretsRequest>(json!({"limit": 1.5})).is_err());
    assert!(serde_json::from_value::<SecretMetadata>(json!({"createdTime": "yesterday"})).is_err());
    assert!(serde_json::from_value::<SecretIdentifier>(json!({"name": 5})).is_err());
    assert!(serde_json::from_value::<SecretIdentifier>(json!("x")).is_err());
}

#[test]
fn security_context_json() {
    let sc = security_context();
    let text = serde_json::to_string(&sc).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"{"secrets":[{"key":"my-secret","mountRequirement":"ENV_VAR","envVar":"MY_SECRET"},"#,
            r#"{"group":"grp","groupVersion":"v2","key":"cfg","mountRequirement":"FILE"},"#,
            r#"{"key":"any"}]}"#
        )
    );
    assert_eq!(
        serde_json::from_str::<flyte_idl::core::SecurityContext>(&text).unwrap(),
        sc
    );
    // snake_case names, enum numbers, nulls and unknown fields (runAs, tokens) on input.
    let snake: flyte_idl::core::SecurityContext = serde_json::from_value(json!({
        "run_as": {"k8sServiceAccount": "sa"},
        "secrets": [
            {"key": "my-secret", "mount_requirement": 1, "env_var": "MY_SECRET", "group": null},
            {"group": "grp", "group_version": "v2", "key": "cfg", "mountRequirement": "FILE"},
            {"key": "any", "mountRequirement": null}
        ],
        "tokens": []
    }))
    .unwrap();
    assert_eq!(snake, sc);
    assert_eq!(
        serde_json::to_string(&flyte_idl::core::SecurityContext::default()).unwrap(),
        "{}"
    );
    assert!(
        serde_json::from_value::<flyte_idl::core::SecurityContext>(
            json!({"secrets": [{"mountRequirement": "BOTH"}]})
        )
        .is_err()
    );
}
