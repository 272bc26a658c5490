//! The token: the policy in the README is enough; a renewable token with a TTL is renewed
//! while the store runs (and no longer once it is gone); one that is not renewable, once it
//! expired, makes calls say so.

use std::time::Duration;

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_server::RunningServer;
use flyte_test_backends::needs;
use serde_json::json;

use super::bao::{Bao, dev};
use super::inject;
use crate::common::*;

/// The TTL of the short tokens.
const TTL_SECS: u64 = 3;

/// A server on a fresh mount of the dev server using `token`, and its data directory.
async fn start_with(bao: &Bao, token: &str) -> (RunningServer, tempfile::TempDir) {
    let mount = bao.mount("kv-v2").await;
    let dir = private_tempdir();
    let token = token.to_owned();
    let server = builder(dir.path())
        .store(bao.store(&mount))
        .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    (server, dir)
}

/// Whether OpenBao still takes `token` (asked with the root token).
async fn alive(bao: &Bao, token: &str) -> bool {
    let (status, _) = bao
        .api("POST", "auth/token/lookup", Some(json!({ "token": token })))
        .await;
    status == 200
}

#[needs(openbao)]
#[tokio::test]
async fn a_renewable_ttl_token_stays_usable_past_its_ttl() {
    let bao = dev().await;
    let token = bao
        .child_token(json!({
            "ttl": format!("{TTL_SECS}s"),
            "explicit_max_ttl": "10m",
            "renewable": true,
        }))
        .await;
    let (server, _dir) = start_with(&bao, &token).await;
    let c = Client::new(server.addr());
    c.create_str(pid("before"), "renewed-value").await.unwrap();
    tokio::time::sleep(Duration::from_secs(4 * TTL_SECS)).await;
    c.get(pid("before"))
        .await
        .unwrap_or_else(|e| panic!("after 4 TTLs: {:?}", e.body));
    c.create_str(pid("after"), "renewed-value-2")
        .await
        .unwrap_or_else(|e| panic!("after 4 TTLs: {:?}", e.body));
    assert_eq!(c.list_all(PROJ, 0).await, ["after", "before"]);

    // Once the server (and its store) is gone, nothing renews it: it expires.
    server.shutdown().await.unwrap();
    tokio::time::sleep(Duration::from_secs(3 * TTL_SECS)).await;
    assert!(
        !alive(&bao, &token).await,
        "the token is still renewed after the store was dropped"
    );
}

#[needs(openbao)]
#[tokio::test]
async fn a_token_that_is_not_renewable_says_it_expired() {
    let bao = dev().await;
    let token = bao
        .child_token(json!({ "ttl": format!("{TTL_SECS}s"), "renewable": false }))
        .await;
    let (server, _dir) = start_with(&bao, &token).await;
    let c = Client::new(server.addr());
    c.create_str(pid("short"), "short-lived-value")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3 * TTL_SECS)).await;
    assert!(!alive(&bao, &token).await, "the token outlived its TTL");
    let e = c.get(pid("short")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable, "{:?}", e.body);
    let m = &e.body.message;
    assert!(
        m.contains("token") && m.contains("expired at") && m.contains("--store-token-file"),
        "{m}"
    );
    assert!(!m.contains(&token), "the token is in the message");
    let e = inject(&server).read_value(pid("short")).await.unwrap_err();
    assert!(e.body.message.contains("expired at"), "{:?}", e.body);
    server.shutdown().await.unwrap();
}

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
path "auth/token/lookup-self"   {{ capabilities = ["read"] }}
path "auth/token/renew-self"    {{ capabilities = ["update"] }}
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
