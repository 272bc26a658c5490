//! Wire compatibility with the real Python `flyteidl2` package, both directions, binary and
//! JSON. Needs FLYTE_TEST_PYTHON to name an interpreter with `flyteidl2` installed: ignored
//! without it, a failure under `CI=true`.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use flyte_idl::select_cluster_request::{Operation, Resource};
use flyte_idl::*;
use flyte_test_backends::needs;
use serde_json::Value;

/// Builds the same samples as `common` with the generated Python classes.
const PY_SAMPLES: &str = r#"
import json, sys
from flyteidl2.secret import definition_pb2 as d, payload_pb2 as p
from flyteidl2.common import identifier_pb2 as c
from flyteidl2.core import security_pb2 as sec
from flyteidl2.cluster import payload_pb2 as cl
from google.protobuf import json_format

def ident(name):
    return d.SecretIdentifier(name=name, organization="127", domain="development", project="flytesnacks")

def secret(name):
    return d.Secret(id=ident(name), secret_metadata=d.SecretMetadata(
        created_time={"seconds": 1714566600, "nanos": 250000000},
        secret_status=d.SecretStatus(overall_status=d.FULLY_PRESENT, cluster_status=[
            d.ClusterSecretStatus(cluster=c.ClusterIdentifier(organization="127", name="local"),
                                  presence_status=d.PRESENT)]),
        type=d.SECRET_TYPE_IMAGE_PULL_SECRET))

samples = {
    "id": ident("db-password"),
    "spec_str": d.SecretSpec(string_value="hunter2"),
    "spec_bytes": d.SecretSpec(binary_value=bytes([0, 1, 2, 255]), type=d.SECRET_TYPE_IMAGE_PULL_SECRET),
    "create": p.CreateSecretRequest(id=ident("a"), secret_spec=d.SecretSpec(string_value="v")),
    "get_response": p.GetSecretResponse(secret=secret("a")),
    "delete": p.DeleteSecretRequest(id=ident("a"), include_system_secrets=True),
    "list_request": p.ListSecretsRequest(organization="127", domain="development", project="flytesnacks",
        limit=25, token="tok", per_cluster_tokens={"c1": "t1"}, include_system_secrets=True),
    "list_response": p.ListSecretsResponse(secrets=[secret("a"), secret("b")], token="next",
        per_cluster_tokens={"c1": "t2"}),
    "security_context": sec.SecurityContext(secrets=[
        sec.Secret(key="my-secret", mount_requirement=sec.Secret.MountType.ENV_VAR, env_var="MY_SECRET"),
        sec.Secret(group="grp", group_version="v2", key="cfg", mount_requirement=sec.Secret.MountType.FILE),
        sec.Secret(key="any")]),
    "select_org": cl.SelectClusterRequest(operation=cl.SelectClusterRequest.OPERATION_USE_SECRETS,
        org_id=c.OrgIdentifier(name="127")),
    "select_project": cl.SelectClusterRequest(operation=cl.SelectClusterRequest.OPERATION_USE_SECRETS,
        project_id=c.ProjectIdentifier(organization="127", domain="development", name="flytesnacks")),
    "select_domain": cl.SelectClusterRequest(operation=cl.SelectClusterRequest.OPERATION_USE_SECRETS,
        domain_id=c.DomainIdentifier(organization="127", name="development")),
    "select_pool": cl.SelectClusterRequest(operation=cl.SelectClusterRequest.OPERATION_GET_IMAGE,
        cluster_pool_id=c.ClusterPoolIdentifier(organization="127", name="gpu")),
    "select_response": cl.SelectClusterResponse(cluster_endpoint="dns:///127.0.0.1:8091", cluster="dp-1"),
}

if sys.argv[1] == "encode":
    for name, m in samples.items():
        print(json.dumps({"name": name, "hex": m.SerializeToString(deterministic=True).hex(),
            "json": json_format.MessageToDict(m),
            "snake": json_format.MessageToDict(m, preserving_proto_field_name=True)}))
else:
    for line in sys.stdin:
        o = json.loads(line)
        want = samples[o["name"]]
        from_bin = type(want).FromString(bytes.fromhex(o["hex"]))
        from_json = json_format.Parse(o["json"], type(want)())
        print(json.dumps({"name": o["name"], "binary_ok": from_bin == want, "json_ok": from_json == want}))
"#;

/// Our value for each sample name.
type Check = Box<dyn Fn(&str, &[u8], &Value, &Value) -> (Vec<u8>, String)>;

fn rust_sample(name: &str) -> Check {
    macro_rules! check {
        ($v:expr, $t:ty) => {
            check!($v, $t, true)
        };
        // `same_bytes: false` for messages whose oneof member has a larger number than a
        // plain field: prost writes the oneof first, Python in field order (both are valid).
        ($v:expr, $t:ty, $same_bytes:expr) => {{
            let want: $t = $v;
            Box::new(
                move |name: &str, bin: &[u8], camel: &Value, snake: &Value| {
                    assert_eq!(
                        <$t>::decode(bin).unwrap(),
                        want,
                        "{name}: binary from Python"
                    );
                    if $same_bytes {
                        assert_eq!(want.encode_to_vec(), bin, "{name}: our encoding differs");
                    }
                    assert_eq!(
                        &serde_json::to_value(&want).unwrap(),
                        camel,
                        "{name}: JSON output"
                    );
                    let from_snake: $t = serde_json::from_value(snake.clone()).unwrap();
                    assert_eq!(from_snake, want, "{name}: snake_case JSON from Python");
                    (want.encode_to_vec(), serde_json::to_string(&want).unwrap())
                },
            )
        }};
    }
    match name {
        "id" => check!(id("db-password"), SecretIdentifier),
        "spec_str" => check!(spec_str("hunter2"), SecretSpec),
        "spec_bytes" => check!(spec_bytes(&[0, 1, 2, 255]), SecretSpec),
        "create" => check!(
            CreateSecretRequest {
                id: Some(id("a")),
                secret_spec: Some(spec_str("v"))
            },
            CreateSecretRequest
        ),
        "get_response" => check!(
            GetSecretResponse {
                secret: Some(secret("a"))
            },
            GetSecretResponse
        ),
        "delete" => check!(
            DeleteSecretRequest {
                id: Some(id("a")),
                include_system_secrets: true
            },
            DeleteSecretRequest
        ),
        "list_request" => check!(list_request(), ListSecretsRequest),
        "list_response" => check!(list_response(), ListSecretsResponse),
        "security_context" => check!(security_context(), flyte_idl::core::SecurityContext),
        "select_org" => check!(
            select(Resource::OrgId(OrgIdentifier { name: "127".into() })),
            SelectClusterRequest
        ),
        "select_project" => check!(
            select(Resource::ProjectId(ProjectIdentifier {
                organization: "127".into(),
                domain: "development".into(),
                name: "flytesnacks".into(),
            })),
            SelectClusterRequest
        ),
        "select_domain" => check!(
            select(Resource::DomainId(DomainIdentifier {
                organization: "127".into(),
                name: "development".into(),
            })),
            SelectClusterRequest,
            false
        ),
        "select_pool" => check!(
            SelectClusterRequest {
                resource: Some(Resource::ClusterPoolId(ClusterPoolIdentifier {
                    organization: "127".into(),
                    name: "gpu".into(),
                })),
                operation: Operation::GetImage.into(),
            },
            SelectClusterRequest
        ),
        "select_response" => check!(
            SelectClusterResponse {
                cluster_endpoint: "dns:///127.0.0.1:8091".into(),
                cluster: "dp-1".into(),
            },
            SelectClusterResponse
        ),
        other => panic!("unexpected sample {other}"),
    }
}

fn select(resource: Resource) -> SelectClusterRequest {
    SelectClusterRequest {
        resource: Some(resource),
        operation: Operation::UseSecrets.into(),
    }
}

#[needs(python)]
#[test]
fn python_flyteidl2_reads_and_writes_the_same_bytes_and_json() {
    let python = std::env::var_os("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let out = Command::new(&python)
        .args(["-c", PY_SAMPLES, "encode"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut back = String::new();
    let mut count = 0;
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let o: Value = serde_json::from_str(line).unwrap();
        let name = o["name"].as_str().unwrap();
        let bin = hex_decode(o["hex"].as_str().unwrap());
        let (ours, our_json) = rust_sample(name)(name, &bin, &o["json"], &o["snake"]);
        let hex: String = ours.iter().map(|b| format!("{b:02x}")).collect();
        back.push_str(&serde_json::json!({"name": name, "hex": hex, "json": our_json}).to_string());
        back.push('\n');
        count += 1;
    }
    assert_eq!(count, 14);

    let mut child = Command::new(&python)
        .args(["-c", PY_SAMPLES, "decode"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(back.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 14);
    for l in lines {
        assert_eq!(
            l["binary_ok"], true,
            "Python decoded our binary differently: {l}"
        );
        assert_eq!(
            l["json_ok"], true,
            "Python parsed our JSON differently: {l}"
        );
    }
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
