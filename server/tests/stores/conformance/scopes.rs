//! Scope isolation on every store, image-pull rules, and the organization taken from the
//! client.

use flyte_idl::connect::Code;
use flyte_idl::*;

use crate::common::*;
use crate::stores::harness::StoreUnderTest;

pub(crate) async fn scopes_are_isolated(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    let scopes = [
        id("api", "proj", "dev"),
        id("api", "proj", "prod"),
        id("api", "other", "dev"),
        org_id("api"),
        SecretIdentifier {
            name: "api".into(),
            organization: "acme".into(),
            project: "proj".into(),
            domain: "dev".into(),
        },
    ];
    for s in &scopes {
        c.create_str(s.clone(), "v").await.unwrap();
    }
    for s in &scopes {
        assert_eq!(c.get(s.clone()).await.unwrap().id.unwrap(), *s);
        assert_eq!(
            c.list_all((&s.organization, &s.project, &s.domain), 0)
                .await,
            ["api"]
        );
    }
    c.delete(scopes[0].clone()).await.unwrap();
    assert_eq!(
        c.get(scopes[0].clone()).await.unwrap_err().code(),
        Code::NotFound
    );
    for s in &scopes[1..] {
        c.get(s.clone()).await.unwrap();
    }
    // The update of one scope leaves the others.
    c.update_str(scopes[1].clone(), "new").await.unwrap();
    assert_eq!(
        c.update_str(scopes[0].clone(), "new")
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    server.shutdown().await.unwrap();
}

pub(crate) async fn the_organization_is_whatever_the_client_sends(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    for org in ["127", "localhost", "my-org", ""] {
        let s = SecretIdentifier {
            name: "k".into(),
            organization: org.into(),
            project: "p".into(),
            domain: "d".into(),
        };
        c.create_str(s.clone(), "v").await.unwrap();
        assert_eq!(c.get(s).await.unwrap().id.unwrap().organization, org);
    }
    server.shutdown().await.unwrap();
}

pub(crate) async fn image_pull_secrets_are_organization_wide_only(store: &StoreUnderTest) {
    let server = store.start().await;
    for c in [
        Client::new(server.addr()),
        Client::new(server.addr()).json(),
    ] {
        let pull = |id| async {
            let v = secret_spec::Value::StringValue(r#"{"auths":{}}"#.into());
            c.create(id, v, SecretType::ImagePullSecret).await
        };
        // (A project without a domain is refused before, as any such scope.)
        for bad in [id("reg", "proj", "dev"), id("reg", "", "dev")] {
            let e = pull(bad).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument);
            assert!(
                e.body.message.contains("organization-wide"),
                "{}",
                e.body.message
            );
        }
        let name = format!("reg-{:?}", c.codec).to_lowercase();
        pull(org_id(&name)).await.unwrap();
        let md = c.get(org_id(&name)).await.unwrap().secret_metadata.unwrap();
        assert_eq!(md.r#type(), SecretType::ImagePullSecret);
        // Updating a project secret into an image-pull secret is refused as well.
        c.create_str(pid(&name), "v").await.unwrap();
        let req = UpdateSecretRequest {
            id: Some(pid(&name)),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue("x".into())),
                r#type: SecretType::ImagePullSecret.into(),
            }),
        };
        let e = c
            .call::<_, UpdateSecretResponse>(paths::UPDATE_SECRET, &req)
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert_eq!(
            c.get(pid(&name))
                .await
                .unwrap()
                .secret_metadata
                .unwrap()
                .r#type(),
            SecretType::Generic
        );
    }
    server.shutdown().await.unwrap();
}
