//! `--policy`: identity-provider tokens narrowed by their claims; static tokens alongside.

use flyte_idl::SecretIdentifier;
use flyte_idl::connect::Code;
use flyte_server::{OidcConfig, Policy, TokenSet};
use flyte_test_backends::needs;

use super::common::*;
use super::oidc_harness::{Idp, IdpOptions};
use super::private_dir;

fn id(project: &str, name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: ORG.into(),
        project: project.into(),
        domain: if project.is_empty() { "" } else { "dev" }.into(),
    }
}

#[needs(idp)]
#[tokio::test]
async fn the_policy_grants_by_sub_client_and_group() {
    let idp = Idp::start(IdpOptions::default());
    let policy = Policy::parse(&format!(
        "client_id={} 127/billing/* read,write\ngroup=admins */*/* all\nsub=bob 127/*/* read\n",
        idp.ci_client
    ))
    .unwrap();
    let dir = private_dir();
    let file = dir.path().join("policy");
    let data = dir.path().join("data");
    std::fs::write(&file, "").unwrap();
    let admin = "static-admin-token-0123456789";
    let server = builder(&data)
        .oidc(OidcConfig::new(&idp.issuer, &idp.audience))
        .policy(policy)
        .tokens(TokenSet::parse(&format!("{admin} * all")).unwrap())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(
        server.ready_line().contains("policy of 3 entries"),
        "{}",
        server.ready_line()
    );
    let ci = Client::new(server.addr()).token(&idp.client_credentials_token().await);
    ci.create_str(id("billing", "db"), "v").await.unwrap();
    let err = ci.create_str(id("web", "db"), "v").await.unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(
        err.body.message.contains(&idp.ci_client) && err.body.message.contains("`write`"),
        "{}",
        err.body.message
    );

    let token = |sub: &str, groups: serde_json::Value| {
        let mut c = idp.claims(sub);
        c["client_id"] = "flyte-pkce".into();
        c["groups"] = groups;
        idp.sign(c, serde_json::json!({}), false)
    };
    let bob = Client::new(server.addr()).token(&token("bob", serde_json::json!([])).await);
    bob.get(id("billing", "db")).await.unwrap();
    assert_eq!(
        bob.delete(id("billing", "db")).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    let carol =
        Client::new(server.addr()).token(&token("carol", serde_json::json!(["admins"])).await);
    carol.create_str(id("web", "db"), "v").await.unwrap();
    let nobody =
        Client::new(server.addr()).token(&token("dave", serde_json::json!(["users"])).await);
    assert_eq!(
        nobody.get(id("web", "db")).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    // The static token still works beside the identity provider.
    Client::new(server.addr())
        .token(admin)
        .delete(id("web", "db"))
        .await
        .unwrap();
    server.shutdown().await.unwrap();
}

#[test]
fn a_malformed_policy_file_refuses_to_start() {
    let dir = private_dir();
    let file = dir.path().join("policy");
    std::fs::write(&file, "role=admin */*/* all\n").unwrap();
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let err = builder(&dir.path().join("data"))
        .oidc(OidcConfig::new("http://127.0.0.1:9", "aud"))
        .policy_file(&file)
        .build()
        .unwrap_err();
    let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(
        text.contains("entry 1") && text.contains("sub=VALUE"),
        "{text}"
    );
    // Writable by others: refused before it is read.
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let err = builder(&dir.path().join("data2"))
        .oidc(OidcConfig::new("http://127.0.0.1:9", "aud"))
        .policy_file(&file)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("policy file"), "{err}");
}

#[test]
fn an_empty_or_quoted_policy_file_refuses_to_start() {
    let dir = private_dir();
    let file = dir.path().join("policy");
    let refused = |text: &str| {
        std::fs::write(&file, text).unwrap();
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        let err = builder(&dir.path().join("data"))
            .oidc(OidcConfig::new("http://127.0.0.1:9", "aud"))
            .policy_file(&file)
            .build()
            .unwrap_err();
        format!("{err}: {}", std::error::Error::source(&err).unwrap())
    };
    for text in ["", "# nobody yet\n\n"] {
        let err = refused(text);
        assert!(
            err.contains(&format!("invalid policy in {}", file.display()))
                && err.contains("no entry listed"),
            "{err}"
        );
    }
    let err = refused("* 127// read\nsub=\"alice\" */*/* read\n");
    assert!(
        err.contains("entry 2: `sub=\"alice\"`: values are written without quotes (`sub=alice`)"),
        "{err}"
    );
}
