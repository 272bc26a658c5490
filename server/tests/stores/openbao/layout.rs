//! What other Vault users see: plain KV v2 values at `flyte/ORG/PROJECT/DOMAIN/NAME`, and
//! scope parts escaped so that none reaches outside its path segment or onto another scope.

use flyte_idl::*;
use flyte_test_backends::needs;
use serde_json::json;

use super::bao::start_on_fresh_mount;
use super::inject;
use crate::common::*;

fn sid(org: &str, project: &str, domain: &str, name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: org.into(),
        domain: domain.into(),
        project: project.into(),
    }
}

#[needs(openbao)]
#[tokio::test]
async fn values_are_plain_kv_v2_that_other_vault_users_read() {
    let (bao, mount, server, dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    c.create_str(pid("db-password"), "s3cr3t-string-value")
        .await
        .unwrap();
    c.create(
        org_id("pull"),
        secret_spec::Value::BinaryValue(vec![0, 1, 0xfe, 0xff]),
        SecretType::ImagePullSecret,
    )
    .await
    .unwrap();

    let (status, v) = bao
        .api(
            "GET",
            &format!("{mount}/data/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["data"]["data"], json!({"value": "s3cr3t-string-value"}));
    let (_, v) = bao
        .api("GET", &format!("{mount}/data/flyte/127/~/~/pull"), None)
        .await;
    assert_eq!(v["data"]["data"], json!({"binary": "AAH+/w=="}));
    let (_, meta) = bao
        .api("GET", &format!("{mount}/metadata/flyte/127/~/~/pull"), None)
        .await;
    assert_eq!(meta["data"]["custom_metadata"], json!({"flyte_type": "1"}));

    // created_time is the KV metadata's, and stays through an update.
    let got = c.get(org_id("pull")).await.unwrap();
    let md = got.secret_metadata.unwrap();
    assert_eq!(md.r#type, SecretType::ImagePullSecret as i32);
    let kv_created: Timestamp = meta["data"]["created_time"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(md.created_time, Some(kv_created));
    c.update_str(pid("db-password"), "second-value")
        .await
        .unwrap();
    let (_, v) = bao
        .api(
            "GET",
            &format!("{mount}/metadata/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(v["data"]["current_version"], 2);
    assert_eq!(v["data"]["custom_metadata"], json!({"flyte_type": "0"}));

    // A secret another Vault user wrote in the layout is served.
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/data/flyte/127/proj/dev/from-vault"),
            Some(json!({"data": {"value": "written-by-bao-cli"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(c.list_all(PROJ, 0).await, ["db-password", "from-vault"]);
    let read = inject(&server).read_value(pid("from-vault")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue("written-by-bao-cli".into()))
    );

    // Delete removes every version (the metadata too).
    c.delete(pid("db-password")).await.unwrap();
    let (status, _) = bao
        .api(
            "GET",
            &format!("{mount}/metadata/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // We do not encrypt on top: no key was loaded or made.
    assert!(!dir.path().join(flyte_server::KEY_FILE).exists());
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn scope_parts_cannot_traverse_or_collide() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // Each would land on another scope's path, or outside flyte/, if parts were joined raw.
    // (A project always comes with a domain: the service refuses one without.)
    let attempts = [
        ("127", "proj", "dev"),
        ("127", "proj", "dev/x"),
        ("127/proj", "dev", "x"),
        ("127", "proj/dev", "x"),
        ("127", "", "proj/dev"),
        ("127/proj/dev", "", ""),
        ("..", "..", ".."),
        ("../..", "", ""),
        ("127/../../x", "..", "."),
        ("127", "~", "~"),
        ("127", "", ""),
        ("127", "~2F", "~"),
        ("%2e%2e", "%2F", "d"),
    ];
    for (i, (o, p, d)) in attempts.iter().enumerate() {
        c.create_str(sid(o, p, d, "same"), &format!("value-{i}"))
            .await
            .unwrap_or_else(|e| panic!("{o:?}/{p:?}/{d:?}: {:?}", e.body));
    }
    let inj = inject(&server);
    for (i, (o, p, d)) in attempts.iter().enumerate() {
        let read = inj.read_value(sid(o, p, d, "same")).await.unwrap();
        assert_eq!(
            read.secret_spec.unwrap().value,
            Some(secret_spec::Value::StringValue(format!("value-{i}"))),
            "{o:?}/{p:?}/{d:?} reads its own value"
        );
        assert_eq!(
            c.list_all((o, p, d), 0).await,
            ["same"],
            "{o:?}/{p:?}/{d:?}"
        );
    }
    // Nothing outside flyte/ in the mount, and one escaped segment per organization.
    let (_, root) = bao
        .api("GET", &format!("{mount}/metadata/?list=true"), None)
        .await;
    assert_eq!(root["data"]["keys"], json!(["flyte/"]));
    let (_, orgs) = bao
        .api("GET", &format!("{mount}/metadata/flyte/?list=true"), None)
        .await;
    let mut orgs: Vec<&str> = orgs["data"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    orgs.sort();
    assert_eq!(
        orgs,
        [
            "127/",
            "127~2F.~2E~2F.~2E~2Fx/",
            "127~2Fproj/",
            "127~2Fproj~2Fdev/",
            "~252e~252e/",
            "~2E~2E/",
            "~2E~2E~2F.~2E/"
        ]
    );
    server.shutdown().await.unwrap();
}
