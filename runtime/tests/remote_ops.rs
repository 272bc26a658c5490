//! Every operation against the real local server, with both codecs; the image-pull rule;
//! pagination.

mod remote_support;

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use flyte::remote::{Codec, Error, SecretStatus, SecretType};
use futures::{StreamExt, TryStreamExt};

const CODECS: [Codec; 2] = [Codec::Proto, Codec::Json];

#[tokio::test]
async fn every_operation_with_both_codecs() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local.client(codec).build().unwrap();
        let reader = local
            .client(codec)
            .api_key(local.inject_token())
            .unwrap()
            .build()
            .unwrap();
        let text = format!("text-{codec:?}");
        let bytes = format!("bytes-{codec:?}");
        let before = SystemTime::now() - Duration::from_secs(5);

        c.create(&text, "s3cr3t-text-value").await.unwrap();
        c.create(&bytes, vec![0u8, 159, 146, 150, 255])
            .await
            .unwrap();

        let s = c.get(&text).await.unwrap();
        assert_eq!(s.name(), text);
        assert_eq!((s.project(), s.domain()), (Some("p"), Some("d")));
        assert_eq!(s.organization(), Some("127"), "org derived from 127.0.0.1");
        assert_eq!(s.secret_type(), SecretType::Regular);
        assert!(s.created_time().unwrap() > before);
        assert_ne!(s.status(), SecretStatus::Unrecognized(0));

        assert_eq!(
            reader.read_value(&text).await.unwrap().expose(),
            b"s3cr3t-text-value"
        );
        assert_eq!(
            reader.read_value(&bytes).await.unwrap().expose(),
            [0u8, 159, 146, 150, 255]
        );

        c.update(&text, String::from("r0tated-value"))
            .await
            .unwrap();
        assert_eq!(
            reader.read_value(&text).await.unwrap().expose_str(),
            Some("r0tated-value")
        );

        let names: HashSet<String> = c
            .listall(10)
            .map_ok(|s| s.name().to_owned())
            .try_collect()
            .await
            .unwrap();
        assert!(names.contains(&text) && names.contains(&bytes), "{names:?}");

        c.delete(&text).await.unwrap();
        c.delete(&bytes).await.unwrap();
        assert!(matches!(c.get(&text).await, Err(Error::NotFound { .. })));
        let left: Vec<_> = c.listall(10).try_collect().await.unwrap();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[tokio::test]
async fn large_values_travel_gzipped_with_both_codecs() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local.client(codec).build().unwrap();
        let reader = local
            .client(codec)
            .api_key(local.inject_token())
            .unwrap()
            .build()
            .unwrap();
        let big = "x".repeat(200_000);
        let name = format!("big-{codec:?}");
        c.create(&name, big.as_str()).await.unwrap();
        assert_eq!(reader.read_value(&name).await.unwrap().len(), big.len());
    }
}

#[tokio::test]
async fn scopes_are_separate() {
    let local = remote_support::start().await;
    let p = local.client(Codec::Proto).build().unwrap();
    let other = local.client(Codec::Proto).project("other").build().unwrap();
    let org = remote_support::builder(&local.url()).build().unwrap();
    p.create("same-name", "a").await.unwrap();
    other.create("same-name", "b").await.unwrap();
    assert!(matches!(
        org.get("same-name").await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(other.listall(0).count().await, 1);
}

#[tokio::test]
async fn image_pull_secrets_must_be_org_scoped() {
    let local = remote_support::start().await;
    let scoped = local.client(Codec::Proto).build().unwrap();
    let err = scoped
        .create_with("registry-creds", r#"{"auths":{}}"#, SecretType::ImagePull)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Project `p` or domain `d` should not be set when creating the image pull secret."
    );
    let domain_only = remote_support::builder(&local.url())
        .domain("d")
        .build()
        .unwrap();
    let err = domain_only
        .create_with("registry-creds", "{}", SecretType::ImagePull)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Project `None` or domain `d` should not be set when creating the image pull secret."
    );

    // Nothing was sent: the org-scoped secret does not exist; an org-scoped client may create it.
    let org = remote_support::builder(&local.url()).build().unwrap();
    assert!(matches!(
        org.get("registry-creds").await,
        Err(Error::NotFound { .. })
    ));
    org.create_with("registry-creds", br#"{"auths":{}}"#, SecretType::ImagePull)
        .await
        .unwrap();
    let s = org.get("registry-creds").await.unwrap();
    assert_eq!(s.secret_type(), SecretType::ImagePull);
    assert_eq!((s.project(), s.domain()), (None, None));
    assert_eq!(s.secret_type().to_string(), "image_pull");
}

#[tokio::test]
async fn pagination_follows_tokens_across_pages() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local
            .client(codec)
            .project(format!("pages-{codec:?}"))
            .build()
            .unwrap();
        futures::stream::iter(0..45)
            .map(|i| {
                let c = c.clone();
                async move { c.create(&format!("s{i:02}"), "v").await }
            })
            .buffer_unordered(8)
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
        let mut list = c.listall(20);
        let mut seen = Vec::new();
        while let Some(s) = list.next().await {
            assert!(list.buffered_count() < 20, "holds at most one page");
            seen.push(s.unwrap().name().to_owned());
        }
        assert!(
            (3..=4).contains(&list.pages_fetched()),
            "pages: {}",
            list.pages_fetched()
        );
        let unique: HashSet<_> = seen.iter().cloned().collect();
        assert_eq!((seen.len(), unique.len()), (45, 45));
    }
}

#[tokio::test]
async fn request_building_is_pure_and_matches_what_is_sent() {
    use flyte::remote::Operation;
    let c = remote_support::builder("http://127.0.0.1:9")
        .project("p")
        .domain("d")
        .build()
        .unwrap();
    let value = "v".into();
    let req = c
        .build_request(
            &Operation::Create {
                name: "n",
                value: &value,
                secret_type: SecretType::Regular,
            },
            None,
        )
        .unwrap();
    assert_eq!(
        req.uri(),
        "http://127.0.0.1:9/flyteidl2.secret.SecretService/CreateSecret"
    );
    let msg = <flyte_idl::CreateSecretRequest as flyte_idl::Message>::decode(req.body().as_slice())
        .unwrap();
    let id = msg.id.unwrap();
    assert_eq!(
        (
            id.name.as_str(),
            id.organization.as_str(),
            id.project.as_str(),
            id.domain.as_str()
        ),
        ("n", "127", "p", "d")
    );
    let err = c
        .build_request(
            &Operation::Create {
                name: "n",
                value: &value,
                secret_type: SecretType::ImagePull,
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }));
    let err = c
        .build_request(&Operation::Get { name: "" }, None)
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}
