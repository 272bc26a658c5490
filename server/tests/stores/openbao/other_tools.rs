//! What other tools leave in the mount: keys that are not secret names, metadata without a
//! version, versions deleted later (a mount's `delete_version_after`) or by another tool.

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;
use serde_json::json;

use super::bao::start_on_fresh_mount;
use super::inject;
use crate::common::*;

#[needs(openbao)]
#[tokio::test]
async fn keys_that_are_not_names_are_skipped_across_list_batches() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // More keys that are not secret names (another tool's) than one LIST batch asks for,
    // sorting before the real names, plus folders and a metadata-only key among them.
    for i in 0..40 {
        let (status, _) = bao
            .api(
                "POST",
                &format!("{mount}/data/flyte/127/proj/dev/a.{i:02}"),
                Some(json!({"data": {"value": "other-tool"}})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/data/flyte/127/proj/dev/b/nested"),
            Some(json!({"data": {"value": "other-tool"}})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/metadata/flyte/127/proj/dev/c-metadata-only"),
            Some(json!({"custom_metadata": {"flyte_type": "0"}})),
        )
        .await;
    assert!((200..300).contains(&status));
    let names: Vec<String> = (0..5).map(|i| format!("k{i:02}")).collect();
    for n in &names {
        c.create_str(pid(n), "v").await.unwrap();
    }
    assert_eq!(c.list_all(PROJ, 2).await, names);
    assert_eq!(c.list_all(PROJ, 0).await, names);
    assert_eq!(
        c.get(pid("c-metadata-only")).await.unwrap_err().code(),
        Code::NotFound
    );
    // A create over metadata without a version takes the name.
    c.create_str(pid("c-metadata-only"), "v").await.unwrap();
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn versions_deleted_later_or_by_other_tools() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    // A mount that deletes versions an hour after they are written: they exist until then.
    let (status, v) = bao
        .api(
            "POST",
            &format!("{mount}/config"),
            Some(json!({"delete_version_after": "1h"})),
        )
        .await;
    assert!((200..300).contains(&status), "{v}");
    let c = Client::new(server.addr());
    c.create_str(pid("later"), "v").await.unwrap();
    c.get(pid("later")).await.unwrap();
    assert_eq!(c.list_all(PROJ, 0).await, ["later"]);
    c.update_str(pid("later"), "v2").await.unwrap();

    // Another tool soft-deletes the current version: the secret is absent, and can be made
    // again.
    let (status, _) = bao
        .api(
            "DELETE",
            &format!("{mount}/data/flyte/127/proj/dev/later"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        c.get(pid("later")).await.unwrap_err().code(),
        Code::NotFound
    );
    assert!(c.list_all(PROJ, 0).await.is_empty());
    let e = c.update_str(pid("later"), "v3").await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    assert_eq!(
        inject(&server)
            .read_value(pid("later"))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    c.create_str(pid("later"), "v4").await.unwrap();
    let read = inject(&server).read_value(pid("later")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue("v4".into()))
    );
    server.shutdown().await.unwrap();
}
