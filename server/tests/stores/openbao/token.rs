//! The token's policy: the one in the README is enough.

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;
use serde_json::json;

use super::bao::dev;
use super::inject;
use crate::common::*;

#[needs(openbao)]
#[tokio::test]
async fn the_policy_in_the_readme_is_enough() {
    let bao = dev().await;
    let mount = bao.mount("kv-v2").await;
    let policy = format!(
        r#"
path "{mount}/data/flyte/*"     {{ capabilities = ["create", "read", "update"] }}
path "{mount}/metadata/flyte/*" {{ capabilities = ["read", "patch", "delete", "list"] }}
path "{mount}/metadata/flyte/"  {{ capabilities = ["list"] }}
"#
    );
    let (status, v) = bao
        .api(
            "PUT",
            &format!("sys/policies/acl/flyte-{mount}"),
            Some(json!({ "policy": policy })),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    let (status, v) = bao
        .api(
            "POST",
            "auth/token/create",
            Some(json!({"policies": [format!("flyte-{mount}")], "no_default_policy": true})),
        )
        .await;
    assert_eq!(status, 200, "token create");
    let token = v["auth"]["client_token"].as_str().unwrap().to_owned();
    let dir = private_tempdir();
    let server = builder(dir.path())
        .store(bao.store(&mount))
        .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    c.create_str(pid("p"), "policy-value").await.unwrap();
    c.create(
        org_id("img"),
        secret_spec::Value::StringValue("{}".into()),
        SecretType::ImagePullSecret,
    )
    .await
    .unwrap();
    c.update_str(pid("p"), "policy-value-2").await.unwrap();
    assert_eq!(c.list_all(PROJ, 1).await, ["p"]);
    assert_eq!(
        c.get(org_id("img"))
            .await
            .unwrap()
            .secret_metadata
            .unwrap()
            .r#type,
        SecretType::ImagePullSecret as i32
    );
    inject(&server).read_value(pid("p")).await.unwrap();
    c.delete(pid("p")).await.unwrap();
    assert_eq!(c.get(pid("p")).await.unwrap_err().code(), Code::NotFound);
    server.shutdown().await.unwrap();
}
